/*
 * The generic timer as the test guest uses it: the virtual counter
 * (CNTVCT_EL0, ticking at CNTFRQ_EL0) is the clock for every bounded wait and
 * every benchmark, and the virtual timer (CNTV_*_EL0, PPI 27) is the wake-up
 * event for suspend calls. Its interrupt is never taken: PSTATE.I stays set,
 * a pending interrupt only ends a WFI-like wait (Arm ARM D11, "The Generic
 * Timer"; gic.c routes it).
 */
#ifndef GUEST_TIMER_H
#define GUEST_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "guest/arch.h"

/* CNTV_CTL_EL0.ENABLE (IMASK and ISTATUS stay 0 / are not used). */
#define CNTV_CTL_ENABLE (1UL << 0)

/* The isb keeps the read from being hoisted above earlier instructions. */
static inline uint64_t counter_now(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

static inline uint64_t counter_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

static inline uint64_t ticks_from_us(uint64_t us)
{
	return counter_freq() * us / 1000000;
}

static inline uint64_t ticks_from_ms(uint64_t ms)
{
	return counter_freq() * ms / 1000;
}

static inline uint64_t us_from_ticks(uint64_t ticks)
{
	uint64_t f = counter_freq();

	return f ? ticks / f * 1000000 + ticks % f * 1000000 / f : 0;
}

/* Fire the virtual timer ticks from now (CNTV_TVAL_EL0 is a signed 32-bit
 * down-counter: at most 2^31 - 1 ticks, tens of seconds at common rates). */
static inline void vtimer_arm(uint64_t ticks)
{
	if (ticks > 0x7fffffffUL)
		ticks = 0x7fffffffUL;
	write_sysreg(cntv_tval_el0, ticks);
	write_sysreg(cntv_ctl_el0, CNTV_CTL_ENABLE);
	isb();
}

/* Disable it again: its interrupt line drops. */
static inline void vtimer_stop(void)
{
	write_sysreg(cntv_ctl_el0, 0);
	isb();
}

/* Spin until ticks have passed. */
static inline void delay_ticks(uint64_t ticks)
{
	uint64_t start = counter_now();

	while (counter_now() - start < ticks)
		cpu_relax();
}

/*
 * A bounded wait: deadline_passed() once its time has gone by. Every wait of
 * the guest is one of these, in real time (the virtual counter keeps running
 * while the vCPU is descheduled), never a count of loop iterations: on a
 * loaded host under emulation an iteration can take any time at all.
 */
struct deadline {
	uint64_t start;
	uint64_t ticks;
};

static inline struct deadline deadline_in(uint64_t ticks)
{
	return (struct deadline){counter_now(), ticks};
}

static inline struct deadline deadline_after_ms(uint64_t ms)
{
	return deadline_in(ticks_from_ms(ms));
}

static inline bool deadline_passed(const struct deadline *d)
{
	return counter_now() - d->start >= d->ticks;
}

/* Milliseconds since the deadline was set (for messages). */
static inline uint64_t deadline_elapsed_ms(const struct deadline *d)
{
	return us_from_ticks(counter_now() - d->start) / 1000;
}

/*
 * Wait until *word >= want (a single-writer counter of another CPU), at
 * most timeout ticks. Returns true when it got there (timer.c).
 */
bool wait_word_at_least(const uint64_t *word, uint64_t want, uint64_t timeout);

#endif
