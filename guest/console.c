/*
 * The console every CPU prints to: whole lines, never interleaved.
 *
 * printk() output collects in the calling CPU's line buffer (TPIDR_EL1 =
 * logical index); a newline, a full buffer or console_flush() sends the
 * buffer to the UART under one lock, so a line from one CPU never has
 * another CPU's characters inside it.
 *
 * The lock cannot use exclusives or atomics (the MMU is off): it is
 * Lamport's bakery lock. Each CPU owns one slot (choosing, ticket) that
 * only it writes. To enter, a CPU raises choosing, takes a ticket one above
 * every ticket it sees, lowers choosing, then waits for each other CPU
 * until that CPU is not choosing and holds no ticket or a later one (equal
 * tickets: the lower index goes first). Stores are made visible and loads
 * ordered with dmb() between the steps, which is all the algorithm needs
 * (single-copy atomic 64-bit words, ordered accesses).
 *
 * Liveness when a CPU dies inside the lock: a CPU gives up waiting for
 * another after CONSOLE_LOCK_MS, remembers that CPU's slot as it saw it
 * (stale) and skips it until the slot changes, and says so in a line of its
 * own. A CPU that enters at secondary_entry again clears its own slot
 * (console_cpu_reset()): whatever it held in an earlier life is gone. The
 * exception vector releases the slot of the CPU that faulted
 * (console_crash_reset()) before it prints its report, in case it faulted
 * while holding the lock. CPU_OFF is called only after console_flush().
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest/arch.h"
#include "guest/console.h"
#include "guest/guest.h"
#include "guest/print.h"
#include "guest/timer.h"
#include "guest/uart.h"

/* The longest line sent in one piece; longer ones go out in pieces. */
#define CONSOLE_LINE_MAX 512
/*
 * How long a CPU waits for one other CPU ahead of it before it decides that
 * CPU died in the lock. A line costs two VMM exits per character (LSR and
 * THR): under emulation on a loaded host that can be a second per line, and
 * a CPU may wait for every CPU queued ahead of it.
 */
#define CONSOLE_LOCK_MS 30000

struct console_cpu {
	/* The bakery slot: written only by its CPU, read by all. */
	uint64_t choosing;
	uint64_t ticket; /* 0 = neither waiting nor holding */
	/* The rest is private to the CPU. */
	uint64_t flushing; /* inside console_flush(): part of buf may be sent */
	uint64_t len;
	uint64_t stale[GUEST_MAX_CPUS]; /* slot words of CPUs given up on */
	char buf[CONSOLE_LINE_MAX];
} __attribute__((aligned(64)));

static struct console_cpu console_cpus[GUEST_MAX_CPUS];
/* Written under the lock only: the UART stall has been reported. */
static uint64_t uart_stall_reported;

static unsigned int this_cpu(void)
{
	return read_sysreg(tpidr_el1) & (GUEST_MAX_CPUS - 1);
}

/* What a waiting CPU compares to spot a stale slot: both words in one. */
static uint64_t slot_word(uint64_t choosing, uint64_t ticket)
{
	return choosing << 63 | ticket;
}

/*
 * Wait until CPU j lets me (with ticket mine) go first. Returns false if it
 * gave up on j; *gave_up then holds j's slot as it was seen.
 */
static bool wait_turn(struct console_cpu *c, unsigned int me, uint64_t mine, unsigned int j,
		      uint64_t *gave_up)
{
	const struct console_cpu *o = &console_cpus[j];
	struct deadline d = deadline_after_ms(CONSOLE_LOCK_MS);

	for (;;) {
		uint64_t choosing = READ_ONCE(o->choosing);
		uint64_t ticket;

		dmb();
		ticket = READ_ONCE(o->ticket);
		if (!choosing && (ticket == 0 || ticket > mine || (ticket == mine && j > me)))
			return true;
		if (c->stale[j] == slot_word(choosing, ticket))
			return true;
		if (deadline_passed(&d)) {
			c->stale[j] = slot_word(choosing, ticket);
			*gave_up = c->stale[j];
			return false;
		}
		cpu_relax();
	}
}

struct lock_report {
	bool gave_up;
	unsigned int cpu;
	uint64_t slot;
};

static void console_lock(unsigned int me, struct lock_report *rep)
{
	struct console_cpu *c = &console_cpus[me];
	uint64_t max = 0, mine;

	WRITE_ONCE(c->choosing, 1);
	dmb();
	for (unsigned int j = 0; j < GUEST_MAX_CPUS; j++) {
		uint64_t t = READ_ONCE(console_cpus[j].ticket);

		if (t > max)
			max = t;
	}
	mine = max + 1;
	WRITE_ONCE(c->ticket, mine);
	dmb();
	WRITE_ONCE(c->choosing, 0);
	dmb();
	*rep = (struct lock_report){0};
	for (unsigned int j = 0; j < GUEST_MAX_CPUS; j++) {
		uint64_t slot;

		if (j == me || wait_turn(c, me, mine, j, &slot))
			continue;
		if (!rep->gave_up) {
			rep->gave_up = true;
			rep->cpu = j;
			rep->slot = slot;
		}
	}
	dmb();
}

static void console_unlock(unsigned int me)
{
	dmb();
	WRITE_ONCE(console_cpus[me].ticket, 0);
	dmb();
}

static void flush_cpu(unsigned int me)
{
	struct console_cpu *c = &console_cpus[me];
	struct lock_report rep;
	bool stall = false;

	if (!c->len)
		return;
	console_lock(me, &rep);
	c->flushing = 1;
	for (uint64_t i = 0; i < c->len; i++)
		uart_putc(c->buf[i]);
	c->len = 0;
	c->flushing = 0;
	if (uart_thre_stalled() && !READ_ONCE(uart_stall_reported)) {
		WRITE_ONCE(uart_stall_reported, 1);
		stall = true;
	}
	console_unlock(me);

	/* Out of the lock: these lines take it again. */
	if (rep.gave_up)
		printk("guest: cpu%u: waited %u ms for the console lock held by cpu%u (ticket "
		       "%llu%s); it must have died in it: printing without it\n",
		       me, CONSOLE_LOCK_MS, rep.cpu, (unsigned long long)(rep.slot & ~(1ULL << 63)),
		       rep.slot >> 63 ? ", still choosing" : "");
	if (stall)
		printk("guest: the UART's LSR did not say THRE (transmitter empty) within %u ms; "
		       "sending without waiting from now on\n",
		       UART_THRE_MS);
}

void console_putc(char ch)
{
	unsigned int me = this_cpu();
	struct console_cpu *c = &console_cpus[me];

	c->buf[c->len++] = ch;
	if (ch == '\n' || c->len == CONSOLE_LINE_MAX)
		flush_cpu(me);
}

void console_flush(void)
{
	flush_cpu(this_cpu());
}

void console_cpu_reset(unsigned int cpu)
{
	struct console_cpu *c = &console_cpus[cpu];

	c->len = 0;
	c->flushing = 0;
	WRITE_ONCE(c->ticket, 0);
	WRITE_ONCE(c->choosing, 0);
	dmb();
}

void console_crash_reset(void)
{
	struct console_cpu *c = &console_cpus[this_cpu()];

	/* Half of the buffer may be out already: do not send it twice. */
	if (c->flushing)
		c->len = 0;
	c->flushing = 0;
	WRITE_ONCE(c->ticket, 0);
	WRITE_ONCE(c->choosing, 0);
	dmb();
}

static void console_put(char c, void *arg)
{
	(void)arg;
	console_putc(c);
}

int vprintk(const char *fmt, va_list ap)
{
	return vformatk(console_put, NULL, fmt, ap);
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
