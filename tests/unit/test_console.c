/*
 * Unit tests of the console input path (vmm/machine/console.c) with a pipe as
 * stdin: bytes reach the UART in order, input the receive FIFO cannot take
 * yet waits (nothing is dropped), and EOF stops the polling.
 */
#define CHECK_FILE "console"
#include "tests/unit/check.h"

#include <string.h>
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

CHECK_MAIN_BEGIN
RUN(pipe_input_reaches_the_uart_in_order);
RUN(input_beyond_the_fifo_waits_and_is_not_lost);
CHECK_MAIN_END
