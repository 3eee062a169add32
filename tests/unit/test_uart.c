/*
 * Unit tests of the 16550A register model (vmm/machine/uart.c) through its MMIO
 * handler, as the guest's 8250 driver sees it: transmit, the receive FIFO,
 * LSR, the divisor latch, scratch, IIR priorities and acknowledgement, the
 * interrupt line (changing only on transitions) and loopback.
 */
#define CHECK_FILE "uart"
#include "tests/unit/check.h"

#include <stdbool.h>
#include <stdint.h>

#include "vmm/machine/uart.h"

/* 16550 register bits used below, from the datasheet (literal on purpose). */
#define LSR_DR	 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define IIR_NONE 0x01
#define IIR_THRI 0x02
#define IIR_RDI	 0x04
#define IER_RDI	 0x01
#define IER_THRI 0x02
#define LCR_DLAB 0x80
#define MCR_DTR	 0x01
#define MCR_RTS	 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define MSR_CTS	 0x10
#define MSR_DSR	 0x20
#define MSR_RI	 0x40
#define MSR_DCD	 0x80

struct sink {
	uint8_t tx[256];
	unsigned int nr_tx;
	bool levels[64];
	unsigned int nr_irq;
};

static void sink_tx(void *ctx, uint8_t byte)
{
	struct sink *s = ctx;

	if (s->nr_tx < sizeof(s->tx))
		s->tx[s->nr_tx] = byte;
	s->nr_tx++;
}

static void sink_irq(void *ctx, bool level)
{
	struct sink *s = ctx;

	if (s->nr_irq < sizeof(s->levels) / sizeof(s->levels[0]))
		s->levels[s->nr_irq] = level;
	s->nr_irq++;
}

static void setup(struct uart *u, struct sink *s)
{
	memset(s, 0, sizeof(*s));
	uart_init(u, sink_tx, sink_irq, s);
}

static uint8_t rd(struct uart *u, unsigned int reg)
{
	uint8_t d = 0xee;

	uart_mmio(u, reg, &d, 1, false);
	return d;
}

static void wr(struct uart *u, unsigned int reg, uint8_t v)
{
	uart_mmio(u, reg, &v, 1, true);
}

static size_t rx(struct uart *u, const char *s)
{
	return uart_receive(u, (const uint8_t *)s, strlen(s));
}

/*
 * A test on a fresh UART u whose transmit and interrupt line go to the sink
 * s; the UART is destroyed after the body.
 */
#define UART_TEST(name)                                                                            \
	static void name##_on(struct uart *u, struct sink *s __attribute__((unused)));             \
	TEST(name)                                                                                 \
	{                                                                                          \
		struct uart u;                                                                     \
		struct sink s;                                                                     \
                                                                                                   \
		setup(&u, &s);                                                                     \
		name##_on(&u, &s);                                                                 \
		uart_destroy(&u);                                                                  \
	}                                                                                          \
	static void name##_on(struct uart *u, struct sink *s __attribute__((unused)))

/* The line level the device last signalled (false if never). */
static bool line(const struct sink *s)
{
	return s->nr_irq ? s->levels[s->nr_irq - 1] : false;
}

UART_TEST(thr_write_transmits_the_byte)
{
	static const uint8_t bytes[] = {'h', 'i', 0x00, 0xff};

	for (unsigned int i = 0; i < sizeof(bytes); i++)
		wr(u, 0, bytes[i]);
	CHECK_EQ(s->nr_tx, sizeof(bytes));
	CHECK(memcmp(s->tx, bytes, sizeof(bytes)) == 0);
	CHECK_EQ(s->nr_irq, 0); /* no interrupt enabled */
}

UART_TEST(lsr_transmitter_always_empty_dr_follows_rx)
{
	CHECK_EQ(rd(u, 5), LSR_THRE | LSR_TEMT);
	wr(u, 0, 'x');
	CHECK_EQ(rd(u, 5), LSR_THRE | LSR_TEMT);
	CHECK_EQ(rx(u, "ab"), 2);
	CHECK_EQ(rd(u, 5), LSR_THRE | LSR_TEMT | LSR_DR);
	rd(u, 0);
	CHECK_EQ(rd(u, 5), LSR_THRE | LSR_TEMT | LSR_DR);
	rd(u, 0);
	CHECK_EQ(rd(u, 5), LSR_THRE | LSR_TEMT);
}

UART_TEST(received_bytes_read_back_in_order)
{
	CHECK_EQ(rx(u, "hel"), 3);
	CHECK_EQ(rx(u, "lo"), 2);
	for (const char *c = "hello"; *c; c++)
		CHECK_EQ(rd(u, 0), *c);
	CHECK_EQ(rd(u, 5) & LSR_DR, 0);
	CHECK_EQ(rd(u, 0), 0); /* empty FIFO reads 0 */
	CHECK_EQ(s->nr_tx, 0);
}

UART_TEST(fifo_full_takes_what_fits)
{
	uint8_t buf[100];
	bool in_order = true;

	for (unsigned int i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)i;
	CHECK_EQ(uart_receive(u, buf, sizeof(buf)), UART_RX_FIFO_SIZE);
	CHECK_EQ(UART_RX_FIFO_SIZE, 64);
	CHECK_EQ(uart_receive(u, buf, 1), 0);
	/* make room for 5, offer 10: 5 fit, behind the 59 still queued */
	for (unsigned int i = 0; i < 5; i++)
		CHECK_EQ(rd(u, 0), i);
	CHECK_EQ(uart_receive(u, buf + 64, 10), 5);
	for (unsigned int i = 5; i < 69; i++)
		if (rd(u, 0) != (uint8_t)i)
			in_order = false;
	CHECK(in_order);
	CHECK_EQ(rd(u, 5) & LSR_DR, 0);
	CHECK_EQ(uart_receive(u, buf, 0), 0);
}

UART_TEST(dlab_switches_to_the_divisor_latch)
{
	wr(u, 1, IER_RDI); /* IER, before DLAB */
	wr(u, 3, LCR_DLAB | 0x03);
	CHECK_EQ(rd(u, 3), LCR_DLAB | 0x03);
	wr(u, 0, 0x0c); /* DLL: 9600 baud */
	wr(u, 1, 0x12); /* DLM */
	CHECK_EQ(rd(u, 0), 0x0c);
	CHECK_EQ(rd(u, 1), 0x12);
	CHECK_EQ(s->nr_tx, 0); /* DLL write is not a transmit */
	/* queued data is not consumed through DLL */
	CHECK_EQ(rx(u, "z"), 1);
	CHECK_EQ(rd(u, 0), 0x0c);
	wr(u, 3, 0x03);
	CHECK_EQ(rd(u, 1), IER_RDI); /* IER untouched by the DLM write */
	CHECK_EQ(rd(u, 0), 'z');
	wr(u, 0, 'q');
	CHECK_EQ(s->nr_tx, 1);
	/* and the latch kept its value */
	wr(u, 3, LCR_DLAB);
	CHECK_EQ(rd(u, 0), 0x0c);
	CHECK_EQ(rd(u, 1), 0x12);
}

UART_TEST(scratch_register_holds_a_byte)
{
	wr(u, 7, 0x5a);
	CHECK_EQ(rd(u, 7), 0x5a);
	wr(u, 7, 0xa5);
	CHECK_EQ(rd(u, 7), 0xa5);
	wr(u, 3, LCR_DLAB); /* not banked */
	CHECK_EQ(rd(u, 7), 0xa5);
}

UART_TEST(iir_without_interrupt_reads_no_int)
{
	CHECK_EQ(rd(u, 2), IIR_NONE);
	wr(u, 2, 0x01); /* FCR: FIFOs on, as the 8250 driver probes */
	CHECK_EQ(rd(u, 2), 0xc0 | IIR_NONE);
	wr(u, 2, 0x00);
	CHECK_EQ(rd(u, 2), IIR_NONE);
}

UART_TEST(iir_rdi_with_ier_rdi_and_data)
{
	CHECK_EQ(rx(u, "a"), 1);
	CHECK_EQ(rd(u, 2), IIR_NONE); /* not enabled */
	CHECK_EQ(s->nr_irq, 0);
	wr(u, 1, IER_RDI);
	CHECK_EQ(rd(u, 2), IIR_RDI);
	CHECK(line(s));
	CHECK_EQ(rd(u, 2), IIR_RDI); /* reading IIR does not clear RDI */
	CHECK_EQ(rd(u, 0), 'a');
	CHECK_EQ(rd(u, 2), IIR_NONE);
	CHECK(!line(s));
}

UART_TEST(iir_thri_after_enabling_and_cleared_by_reading_iir)
{
	wr(u, 1, IER_THRI);
	CHECK(line(s));
	CHECK_EQ(rd(u, 2), IIR_THRI);
	CHECK(!line(s));
	CHECK_EQ(rd(u, 2), IIR_NONE);
	/* a transmit empties THR again at once: THRI again */
	wr(u, 0, 'x');
	CHECK(line(s));
	CHECK_EQ(rd(u, 2), IIR_THRI);
	CHECK_EQ(rd(u, 2), IIR_NONE);
	/* rewriting IER with THRI already set does not re-fire */
	wr(u, 1, IER_THRI);
	CHECK_EQ(rd(u, 2), IIR_NONE);
	/* turning it off and on again does */
	wr(u, 1, 0);
	wr(u, 1, IER_THRI);
	CHECK_EQ(rd(u, 2), IIR_THRI);
}

UART_TEST(iir_rdi_takes_priority_over_thri)
{
	CHECK_EQ(rx(u, "r"), 1);
	wr(u, 1, IER_RDI | IER_THRI);
	CHECK_EQ(rd(u, 2), IIR_RDI);
	CHECK_EQ(rd(u, 2), IIR_RDI); /* THRI was not acknowledged by these reads */
	CHECK_EQ(rd(u, 0), 'r');
	CHECK_EQ(rd(u, 2), IIR_THRI);
	CHECK_EQ(rd(u, 2), IIR_NONE);
}

UART_TEST(irq_line_changes_only_on_transitions)
{
	wr(u, 1, IER_RDI);
	CHECK_EQ(s->nr_irq, 0);
	CHECK_EQ(rx(u, "a"), 1);
	CHECK_EQ(s->nr_irq, 1);
	CHECK(s->levels[0]);
	CHECK_EQ(rx(u, "b"), 1); /* still high: no call */
	rd(u, 5);
	rd(u, 2);
	CHECK_EQ(s->nr_irq, 1);
	CHECK_EQ(rd(u, 0), 'a'); /* one byte left: still high */
	CHECK_EQ(s->nr_irq, 1);
	CHECK_EQ(rd(u, 0), 'b');
	CHECK_EQ(s->nr_irq, 2);
	CHECK(!s->levels[1]);
	rd(u, 0);
	rd(u, 5);
	CHECK_EQ(s->nr_irq, 2);
	/* disabling IER with data pending lowers the line */
	CHECK_EQ(rx(u, "c"), 1);
	CHECK_EQ(s->nr_irq, 3);
	wr(u, 1, 0);
	CHECK_EQ(s->nr_irq, 4);
	CHECK(!s->levels[3]);
}

TEST(no_irq_callback_is_allowed)
{
	struct uart u;

	uart_init(&u, NULL, NULL, NULL);
	wr(&u, 1, IER_RDI | IER_THRI);
	wr(&u, 0, 'x'); /* no tx either: dropped */
	CHECK_EQ(uart_receive(&u, (const uint8_t *)"y", 1), 1);
	CHECK_EQ(rd(&u, 2), IIR_RDI);
	CHECK_EQ(rd(&u, 0), 'y');
	uart_destroy(&u);
}

UART_TEST(loopback_echoes_thr_into_rbr)
{
	wr(u, 4, MCR_LOOP);
	CHECK_EQ(rd(u, 4), MCR_LOOP);
	wr(u, 1, IER_RDI);
	wr(u, 0, 0x55);
	wr(u, 0, 0xaa);
	CHECK_EQ(s->nr_tx, 0); /* nothing leaves the chip */
	CHECK(line(s));
	CHECK_EQ(rd(u, 5) & LSR_DR, LSR_DR);
	CHECK_EQ(rd(u, 0), 0x55);
	CHECK_EQ(rd(u, 0), 0xaa);
	CHECK(!line(s));
	wr(u, 4, 0);
	wr(u, 0, 'o');
	CHECK_EQ(s->nr_tx, 1);
	CHECK_EQ(rd(u, 5) & LSR_DR, 0);
}

UART_TEST(msr_follows_mcr_in_loopback)
{
	/* In loopback each MCR output drives one MSR input. */
	static const struct {
		uint8_t mcr, msr;
	} loop[] = {
	    {MCR_LOOP, 0},
	    {MCR_LOOP | MCR_DTR, MSR_DSR},
	    {MCR_LOOP | MCR_RTS, MSR_CTS},
	    {MCR_LOOP | MCR_OUT1, MSR_RI},
	    {MCR_LOOP | MCR_OUT2, MSR_DCD},
	    {MCR_LOOP | 0x0f, 0xf0},
	};

	/* outside loopback the modem lines are up: DCD, DSR, CTS */
	CHECK_EQ(rd(u, 6) & 0xf0, MSR_DCD | MSR_DSR | MSR_CTS);
	for (unsigned int i = 0; i < sizeof(loop) / sizeof(loop[0]); i++) {
		wr(u, 4, loop[i].mcr);
		CHECK_EQ(rd(u, 6) & 0xf0, loop[i].msr);
	}
}

UART_TEST(fcr_clear_rcvr_empties_the_fifo)
{
	wr(u, 1, IER_RDI);
	CHECK_EQ(rx(u, "abc"), 3);
	CHECK(line(s));
	wr(u, 2, 0x01 | 0x02);
	CHECK_EQ(rd(u, 5) & LSR_DR, 0);
	CHECK(!line(s));
	CHECK_EQ(rx(u, "d"), 1);
	CHECK_EQ(rd(u, 0), 'd');
}

UART_TEST(wide_reads_zero_extend_and_out_of_range_reads_zero)
{
	uint8_t d[4];

	memset(d, 0xee, sizeof(d));
	uart_mmio(u, 5, d, 4, false);
	CHECK_EQ(d[0], LSR_THRE | LSR_TEMT);
	CHECK_EQ(d[1], 0);
	CHECK_EQ(d[2], 0);
	CHECK_EQ(d[3], 0);
	memset(d, 0xee, sizeof(d));
	uart_mmio(u, 8, d, 4, false);
	CHECK_EQ(d[0] | d[1] | d[2] | d[3], 0);
	memset(d, 'w', sizeof(d));
	uart_mmio(u, 0x100, d, 1, true); /* ignored */
	CHECK_EQ(s->nr_tx, 0);
}

CHECK_MAIN_BEGIN
RUN(thr_write_transmits_the_byte);
RUN(lsr_transmitter_always_empty_dr_follows_rx);
RUN(received_bytes_read_back_in_order);
RUN(fifo_full_takes_what_fits);
RUN(dlab_switches_to_the_divisor_latch);
RUN(scratch_register_holds_a_byte);
RUN(iir_without_interrupt_reads_no_int);
RUN(iir_rdi_with_ier_rdi_and_data);
RUN(iir_thri_after_enabling_and_cleared_by_reading_iir);
RUN(iir_rdi_takes_priority_over_thri);
RUN(irq_line_changes_only_on_transitions);
RUN(no_irq_callback_is_allowed);
RUN(loopback_echoes_thr_into_rbr);
RUN(msr_follows_mcr_in_loopback);
RUN(fcr_clear_rcvr_empties_the_fifo);
RUN(wide_reads_zero_extend_and_out_of_range_reads_zero);
CHECK_MAIN_END
