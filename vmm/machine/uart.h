/*
 * A 16550A-compatible UART register model (byte registers, stride 1), enough
 * for Linux's 8250 driver and for earlycon: transmit, a receive FIFO fed by
 * the VMM, the divisor latch, scratch, loopback modem lines and a level
 * interrupt for "received data available" and "transmitter empty". Transmit
 * is instant, so THR is always empty. Pure logic; the glue connects tx() to
 * stdout and irq() to KVM_IRQ_LINE.
 */
#ifndef VMM_UART_H
#define VMM_UART_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Register offsets. */
#define UART_RBR_THR 0 /* DLL when LCR.DLAB */
#define UART_IER     1 /* DLM when LCR.DLAB */
#define UART_IIR_FCR 2
#define UART_LCR     3
#define UART_MCR     4
#define UART_LSR     5
#define UART_MSR     6
#define UART_SCR     7

#define UART_IER_RDI	      0x01 /* received data available */
#define UART_IER_THRI	      0x02 /* transmitter holding register empty */
#define UART_IIR_NO_INT	      0x01
#define UART_IIR_THRI	      0x02
#define UART_IIR_RDI	      0x04
#define UART_IIR_FIFO_ENABLED 0xc0
#define UART_FCR_ENABLE_FIFO  0x01
#define UART_FCR_CLEAR_RCVR   0x02
#define UART_LCR_DLAB	      0x80
#define UART_MCR_LOOP	      0x10
#define UART_LSR_DR	      0x01
#define UART_LSR_THRE	      0x20
#define UART_LSR_TEMT	      0x40

#define UART_RX_FIFO_SIZE 64

struct uart {
	pthread_mutex_t lock;
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thri_pending; /* THR-empty interrupt latched until IIR is read */
	uint8_t rx[UART_RX_FIFO_SIZE];
	unsigned int rx_head, rx_count;
	bool irq_level;
	void (*tx)(void *ctx, uint8_t byte);
	void (*irq)(void *ctx, bool level); /* may be NULL */
	void *ctx;
};

void uart_init(struct uart *u, void (*tx)(void *, uint8_t), void (*irq)(void *, bool), void *ctx);
void uart_destroy(struct uart *u);

/* The mmio_handler_fn for the UART's region. */
void uart_mmio(void *ctx, uint64_t offset, uint8_t *data, unsigned int len, bool is_write);

/* Queue received bytes; returns how many fit in the FIFO. */
size_t uart_receive(struct uart *u, const uint8_t *buf, size_t len);

#endif
