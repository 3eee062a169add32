/*
 * Unit tests of the console input path (vmm/machine/console.c) with a pipe as
 * stdin: bytes reach the UART in order, input the receive FIFO cannot take
 * yet waits (nothing is dropped), and EOF stops the polling. With a pty as
 * stdin: a terminal put in raw mode gets its mode back on close, even after
 * its input reached EOF.
 */
#define CHECK_FILE "console"
#include "tests/unit/check.h"

#include <pty.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vmm/machine/console.h"
#include "vmm/machine/uart.h"

static void no_tx(void *ctx, uint8_t b)
{
	(void)ctx;
	(void)b;
}

static uint8_t uart_getc(struct uart *u)
{
	uint8_t v;

	uart_mmio(u, UART_RBR_THR, &v, 1, false);
	return v;
}

TEST(pipe_input_reaches_the_uart_in_order)
{
	struct console c;
	struct uart u;
	struct pollfd p;
	int fds[2];

	CHECK_EQ(pipe(fds), 0);
	uart_init(&u, no_tx, NULL, NULL);
	console_open(&c, fds[0]);
	CHECK(!c.raw); /* a pipe is not a terminal */
	CHECK_EQ(console_pollfd(&c, &p), 1);
	CHECK_EQ(write(fds[1], "ls\n", 3), 3);
	CHECK_EQ(console_service(&c, &u, true), CONSOLE_OK);
	CHECK_EQ(uart_getc(&u), 'l');
	CHECK_EQ(uart_getc(&u), 's');
	CHECK_EQ(uart_getc(&u), '\n');
	close(fds[1]);
	CHECK_EQ(console_service(&c, &u, true), CONSOLE_OK); /* EOF */
	CHECK_EQ(console_pollfd(&c, &p), 0);
	console_close(&c);
	uart_destroy(&u);
	close(fds[0]);
}

TEST(input_beyond_the_fifo_waits_and_is_not_lost)
{
	struct console c;
	struct uart u;
	struct pollfd p;
	uint8_t buf[200];
	int fds[2];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)i;
	CHECK_EQ(pipe(fds), 0);
	uart_init(&u, no_tx, NULL, NULL);
	console_open(&c, fds[0]);
	CHECK_EQ(write(fds[1], buf, sizeof(buf)), (long)sizeof(buf));
	console_service(&c, &u, true);
	/* The FIFO is full: stdin is not polled, a retry timer is. */
	CHECK_EQ(console_pollfd(&c, &p), 0);
	CHECK_EQ(console_poll_timeout(&c), 10);
	for (size_t i = 0; i < sizeof(buf); i++) {
		if (i && i % UART_RX_FIFO_SIZE == 0)
			console_service(&c, &u, false);
		if (uart_getc(&u) != buf[i]) {
			printf("  byte %zu lost or out of order\n", i);
			check_failed_in_case = 1;
			break;
		}
	}
	console_service(&c, &u, false);
	CHECK_EQ(console_poll_timeout(&c), -1);
	CHECK_EQ(console_pollfd(&c, &p), 1);
	console_close(&c);
	uart_destroy(&u);
	close(fds[0]);
	close(fds[1]);
}

/* A terminal whose input ends (here read() returns 0: VMIN and VTIME are 0
 * and nothing was typed) stops being polled, but console_close must still
 * find it to give back the mode it had before raw mode. The master stays
 * open: closing it would hang the slave up and no mode could be read back. */
TEST(a_raw_terminal_gets_its_mode_back_after_eof)
{
	struct console c;
	struct uart u;
	struct pollfd p;
	struct termios before, now;
	int master, slave;

	CHECK_EQ(openpty(&master, &slave, NULL, NULL, NULL), 0);
	CHECK_EQ(tcgetattr(slave, &before), 0);
	CHECK((before.c_lflag & (ICANON | ECHO)) == (ICANON | ECHO));
	uart_init(&u, no_tx, NULL, NULL);
	console_open(&c, slave);
	CHECK(!c.raw); /* not our controlling terminal */
	CHECK(console_set_raw(&c));
	CHECK_EQ(tcgetattr(slave, &now), 0);
	CHECK_EQ(now.c_lflag & (ICANON | ECHO), 0);
	now.c_cc[VMIN] = 0;
	now.c_cc[VTIME] = 0;
	CHECK_EQ(tcsetattr(slave, TCSANOW, &now), 0);

	CHECK_EQ(console_service(&c, &u, true), CONSOLE_OK); /* read() == 0: EOF */
	CHECK_EQ(console_pollfd(&c, &p), 0);
	console_close(&c);
	CHECK_EQ(tcgetattr(slave, &now), 0);
	CHECK_EQ(now.c_lflag, before.c_lflag);
	CHECK_EQ(now.c_iflag, before.c_iflag);
	CHECK_EQ(now.c_cc[VMIN], before.c_cc[VMIN]);
	uart_destroy(&u);
	close(slave);
	close(master);
}

CHECK_MAIN_BEGIN
RUN(pipe_input_reaches_the_uart_in_order);
RUN(input_beyond_the_fifo_waits_and_is_not_lost);
RUN(a_raw_terminal_gets_its_mode_back_after_eof);
CHECK_MAIN_END
