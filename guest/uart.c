/*
 * Polled output on the VMM's 16550-compatible UART (byte registers at
 * stride 1, vmm/machine/guest_abi.h). No interrupts and no receive: the guest only
 * talks.
 */
#include <stdbool.h>
#include <stdint.h>

#include "vmm/machine/guest_abi.h"
#include "guest/arch.h"
#include "guest/timer.h"
#include "guest/uart.h"

#define UART_THR      0x0  /* transmit holding register (write) */
#define UART_LSR      0x5  /* line status register */
#define UART_LSR_THRE 0x20 /* THR empty: room for one more byte */

/* Set once THRE stayed clear for UART_THRE_MS; only the holder of the
 * console lock sends (console.c), so only it writes this. */
static bool thre_stalled;

/*
 * Each LSR read is a trip to the VMM, so a model that reports THRE at once
 * costs one read per byte. The deadline keeps a model that never sets THRE
 * from hanging the guest: the byte is then sent anyway, and so is every
 * later byte, without waiting (console.c says so once).
 */
static void uart_tx(uint8_t b)
{
	if (!thre_stalled && !(mmio_read8(GUEST_UART_BASE + UART_LSR) & UART_LSR_THRE)) {
		struct deadline d = deadline_after_ms(UART_THRE_MS);

		while (!(mmio_read8(GUEST_UART_BASE + UART_LSR) & UART_LSR_THRE)) {
			if (deadline_passed(&d)) {
				thre_stalled = true;
				break;
			}
			cpu_relax();
		}
	}
	mmio_write8(GUEST_UART_BASE + UART_THR, b);
}

bool uart_thre_stalled(void)
{
	return thre_stalled;
}

void uart_putc(char c)
{
	if (c == '\n')
		uart_tx('\r');
	uart_tx((uint8_t)c);
}
