#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "vmm/machine/console.h"
#include "vmm/machine/uart.h"

#define CTRL_A 0x01

void console_open(struct console *c, int fd)
{
	struct termios raw;

	memset(c, 0, sizeof(*c));
	c->fd = fd;
	/* Raw mode only for a terminal we own: in the background (`vmm ... &`)
	 * tcsetattr would stop us with SIGTTOU. */
	if (isatty(fd) && tcgetpgrp(fd) == getpgrp() && tcgetattr(fd, &c->saved) == 0) {
		raw = c->saved;
		cfmakeraw(&raw);
		/* Keep output post-processing so the VMM's own messages stay tidy. */
		raw.c_oflag |= OPOST;
		if (tcsetattr(fd, TCSANOW, &raw) == 0)
			c->raw = true;
	}
}

void console_close(struct console *c)
{
	if (c->raw)
		tcsetattr(c->fd, TCSANOW, &c->saved);
	c->raw = false;
}

int console_pollfd(const struct console *c, struct pollfd *p)
{
	if (c->fd < 0 || c->len > c->off)
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

	if (readable && c->fd >= 0 && c->len == c->off) {
		ssize_t n = read(c->fd, c->pending, sizeof(c->pending));

		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return CONSOLE_OK;
		if (n <= 0) {
			c->fd = -1; /* EOF: the guest simply gets no more input */
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
