/*
 * The console's input side (console.h): stdin read into a small pending
 * buffer, the Ctrl-A escape filtered out in raw mode, and the bytes handed
 * to the UART's receive FIFO as it has room. The terminal mode changed by
 * console_open is restored by console_close, whatever became of stdin.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "vmm/machine/console.h"
#include "vmm/machine/uart.h"

#define CTRL_A 0x01

bool console_set_raw(struct console *c)
{
	struct termios raw;

	if (tcgetattr(c->fd, &c->saved) != 0)
		return false;
	raw = c->saved;
	cfmakeraw(&raw);
	/* Keep output post-processing so the VMM's own messages stay tidy. */
	raw.c_oflag |= OPOST;
	if (tcsetattr(c->fd, TCSANOW, &raw) != 0)
		return false;
	c->raw = true;
	return true;
}

void console_open(struct console *c, int fd)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	/* Raw mode only for a terminal we own: in the background (`vmm ... &`)
	 * tcsetattr would stop us with SIGTTOU. */
	if (isatty(fd) && tcgetpgrp(fd) == getpgrp())
		console_set_raw(c);
}

void console_close(struct console *c)
{
	if (c->raw)
		tcsetattr(c->fd, TCSANOW, &c->saved);
	c->raw = false;
}

int console_pollfd(const struct console *c, struct pollfd *p)
{
	if (c->eof || c->len > c->off)
		return 0;
	*p = (struct pollfd){.fd = c->fd, .events = POLLIN};
	return 1;
}

int console_poll_timeout(const struct console *c)
{
	return c->len > c->off ? 10 : -1;
}

/* Handle the Ctrl-A escape in place; returns the new length. */
static size_t console_filter(struct console *c, uint8_t *buf, size_t n, bool *quit)
{
	size_t out = 0;

	for (size_t i = 0; i < n; i++) {
		if (c->escape) {
			c->escape = false;
			if (buf[i] == 'x' || buf[i] == 'X') {
				*quit = true;
				return out;
			}
			if (buf[i] == CTRL_A)
				buf[out++] = CTRL_A;
			continue;
		}
		if (buf[i] == CTRL_A) {
			c->escape = true;
			continue;
		}
		buf[out++] = buf[i];
	}
	return out;
}

enum console_event console_service(struct console *c, struct uart *u, bool readable)
{
	bool quit = false;

	if (readable && !c->eof && c->len == c->off) {
		ssize_t n = read(c->fd, c->pending, sizeof(c->pending));

		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return CONSOLE_OK;
		if (n <= 0) {
			/* EOF or an error: the guest simply gets no more input.
			 * The fd stays, for console_close to restore its mode. */
			c->eof = true;
			return CONSOLE_OK;
		}
		c->off = 0;
		c->len = c->raw ? console_filter(c, c->pending, (size_t)n, &quit) : (size_t)n;
		if (quit)
			return CONSOLE_QUIT;
	}
	if (c->len > c->off)
		c->off += uart_receive(u, c->pending + c->off, c->len - c->off);
	if (c->off == c->len)
		c->off = c->len = 0;
	return CONSOLE_OK;
}
