#include <string.h>

#include "vmm/machine/uart.h"

void uart_init(struct uart *u, void (*tx)(void *, uint8_t), void (*irq)(void *, bool), void *ctx)
{
	memset(u, 0, sizeof(*u));
	pthread_mutex_init(&u->lock, NULL);
	u->tx = tx;
	u->irq = irq;
	u->ctx = ctx;
	/* 115200 baud from the 1.8432 MHz clock, as firmware would leave it. */
	u->dll = 1;
}

void uart_destroy(struct uart *u)
{
	pthread_mutex_destroy(&u->lock);
}

/* The highest-priority pending interrupt, as IIR reports it. */
static uint8_t uart_iir(const struct uart *u)
{
	if ((u->ier & UART_IER_RDI) && u->rx_count)
		return UART_IIR_RDI;
	if ((u->ier & UART_IER_THRI) && u->thri_pending)
		return UART_IIR_THRI;
	return UART_IIR_NO_INT;
}

/* Call with the lock held; raises or lowers the line when it changes. */
static void uart_update_irq(struct uart *u)
{
	bool level = uart_iir(u) != UART_IIR_NO_INT;

	if (level != u->irq_level) {
		u->irq_level = level;
		if (u->irq)
			u->irq(u->ctx, level);
	}
}

/* Call with the lock held; a byte that finds the FIFO full is dropped. */
static bool uart_push_locked(struct uart *u, uint8_t v)
{
	if (u->rx_count == UART_RX_FIFO_SIZE)
		return false;
	u->rx[(u->rx_head + u->rx_count) % UART_RX_FIFO_SIZE] = v;
	u->rx_count++;
	return true;
}

static uint8_t uart_msr(const struct uart *u)
{
	/* In loopback the modem inputs follow the outputs: DTR→DSR, RTS→CTS,
	 * OUT1→RI, OUT2→DCD. Otherwise the line is always up (DCD|DSR|CTS). */
	if (u->mcr & UART_MCR_LOOP)
		return (uint8_t)(((u->mcr & 0x01) << 5) | ((u->mcr & 0x02) << 3) |
				 ((u->mcr & 0x04) << 4) | ((u->mcr & 0x08) << 4));
	return 0xb0;
}

static uint8_t uart_read(struct uart *u, unsigned int reg)
{
	uint8_t v = 0;

	switch (reg) {
	case UART_RBR_THR:
		if (u->lcr & UART_LCR_DLAB)
			return u->dll;
		if (u->rx_count) {
			v = u->rx[u->rx_head];
			u->rx_head = (u->rx_head + 1) % UART_RX_FIFO_SIZE;
			u->rx_count--;
		}
		return v;
	case UART_IER:
		return (u->lcr & UART_LCR_DLAB) ? u->dlm : u->ier;
	case UART_IIR_FCR:
		v = uart_iir(u);
		/* Reading IIR acknowledges a THR-empty interrupt. */
		if (v == UART_IIR_THRI)
			u->thri_pending = false;
		if (u->fcr & UART_FCR_ENABLE_FIFO)
			v |= UART_IIR_FIFO_ENABLED;
		return v;
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		return (uint8_t)(UART_LSR_THRE | UART_LSR_TEMT | (u->rx_count ? UART_LSR_DR : 0));
	case UART_MSR:
		return uart_msr(u);
	case UART_SCR:
		return u->scr;
	}
	return 0;
}

/* Returns the byte to transmit, or -1: the caller sends it after dropping
 * the lock, so a slow stdout never holds up the UART's other users. */
static int uart_write(struct uart *u, unsigned int reg, uint8_t v)
{
	int tx = -1;

	switch (reg) {
	case UART_RBR_THR:
		if (u->lcr & UART_LCR_DLAB) {
			u->dll = v;
		} else {
			/* In loopback, what is sent comes straight back. */
			if (u->mcr & UART_MCR_LOOP)
				uart_push_locked(u, v);
			else
				tx = v;
			u->thri_pending = true;
		}
		break;
	case UART_IER:
		if (u->lcr & UART_LCR_DLAB) {
			u->dlm = v;
		} else {
			/* Enabling the THR-empty interrupt fires it at once: THR is empty. */
			if ((v & UART_IER_THRI) && !(u->ier & UART_IER_THRI))
				u->thri_pending = true;
			u->ier = v & 0x0f;
		}
		break;
	case UART_IIR_FCR:
		u->fcr = v & (uint8_t)~0x06;
		if (v & UART_FCR_CLEAR_RCVR)
			u->rx_count = 0;
		break;
	case UART_LCR:
		u->lcr = v;
		break;
	case UART_MCR:
		u->mcr = v & 0x1f;
		break;
	case UART_SCR:
		u->scr = v;
		break;
	default: /* LSR and MSR are read-only */
		break;
	}
	return tx;
}

void uart_mmio(void *ctx, uint64_t offset, uint8_t *data, unsigned int len, bool is_write)
{
	struct uart *u = ctx;
	int tx = -1;

	pthread_mutex_lock(&u->lock);
	if (is_write) {
		if (offset < 8)
			tx = uart_write(u, (unsigned int)offset, data[0]);
	} else {
		memset(data, 0, len);
		if (offset < 8)
			data[0] = uart_read(u, (unsigned int)offset);
	}
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
	if (tx >= 0 && u->tx)
		u->tx(u->ctx, (uint8_t)tx);
}

size_t uart_receive(struct uart *u, const uint8_t *buf, size_t len)
{
	size_t n = 0;

	pthread_mutex_lock(&u->lock);
	while (n < len && uart_push_locked(u, buf[n]))
		n++;
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return n;
}
