/*
 * Polled output on the VMM's 16550-compatible UART (byte registers at
 * stride 1, vmm/guest_abi.h). No interrupts and no receive: the guest only
 * talks.
 */
#include <stdint.h>

#include "vmm/guest_abi.h"
#include "guest/arch.h"
#include "guest/print.h"

#define UART_THR      0x0  /* transmit holding register (write) */
#define UART_LSR      0x5  /* line status register */
#define UART_LSR_THRE 0x20 /* THR empty: room for one more byte */

/*
 * Each LSR read is a trip to the VMM, so a model that reports THRE at once
 * costs one read per byte. The bound keeps a model that never sets THRE from
 * hanging the guest: the byte is then sent anyway.
 */
#define UART_THRE_POLLS 100000

static void uart_tx(uint8_t b)
{
	for (unsigned int i = 0; i < UART_THRE_POLLS; i++) {
		if (mmio_read8(GUEST_UART_BASE + UART_LSR) & UART_LSR_THRE)
			break;
	}
	mmio_write8(GUEST_UART_BASE + UART_THR, b);
}

void uart_putc(char c)
{
	if (c == '\n')
		uart_tx('\r');
	uart_tx((uint8_t)c);
}
