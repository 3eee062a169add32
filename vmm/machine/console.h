/*
 * The console: the VMM's stdin feeds the emulated UART's receive FIFO.
 * On a terminal, stdin is put in raw mode (restored on exit) and Ctrl-A x
 * stops the VM (Ctrl-A Ctrl-A sends a literal Ctrl-A), as in QEMU. Input the
 * FIFO cannot take yet waits here, so nothing typed or piped is dropped.
 * Served from the main thread's poll loop.
 */
#ifndef VMM_CONSOLE_H
#define VMM_CONSOLE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <termios.h>

struct uart;

struct console {
	int fd;	     /* stdin, kept to the end: close restores its mode */
	bool eof;    /* stdin reached EOF or failed: no longer polled */
	bool raw;    /* a terminal we switched to raw mode */
	bool escape; /* the previous byte was Ctrl-A */
	struct termios saved;
	uint8_t pending[256];
	size_t off, len;
};

enum console_event {
	CONSOLE_OK,
	CONSOLE_QUIT, /* Ctrl-A x */
};

void console_open(struct console *c, int fd);
void console_close(struct console *c);

/* Put c->fd, a terminal, in raw mode and remember the mode console_close
 * restores; false (and nothing changed) if it cannot. console_open does it
 * for a terminal in the foreground; the tests call it on a pty. */
bool console_set_raw(struct console *c);

/* Fill *p (returns 1) when stdin should be polled; 0 while input is pending. */
int console_pollfd(const struct console *c, struct pollfd *p);

/* How long the poll may sleep: pending input is retried every 10 ms. */
int console_poll_timeout(const struct console *c);

/* Move input into the UART: read if readable, then push what is pending. */
enum console_event console_service(struct console *c, struct uart *u, bool readable);

#endif
