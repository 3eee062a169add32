/*
 * `stress`: every running CPU fires CPU_ON at the others, while the host may
 * plug and unplug vCPUs through the control socket. Each call may answer
 * SUCCESS, ALREADY_ON or DENIED (the target is absent right now, PSCI 1.2);
 * anything else fails. A CPU that a SUCCESS started (secondary_entry, job
 * JOB_CALL of stress_job, context id tagged GUEST_TAG_STRESS) checks in,
 * makes a burst of calls of its own and powers off.
 *
 * The check, with single-writer bookkeeping only: for every target, the
 * SUCCESS answers all callers got for it equal the times it checked in. A
 * VMM that loses a started vCPU, or starts one twice, breaks the equality.
 *
 * Options: iters=N calls by the boot CPU (default 2000), burst=N calls per
 * life of a secondary (default 32).
 */
#include <stdbool.h>
#include <stdint.h>

#include "guest/arch.h"
#include "guest/bootargs.h"
#include "guest/console.h"
#include "guest/cpus.h"
#include "guest/main.h"
#include "guest/smccc.h"
#include "guest/timer.h"

#define STRESS_ITERS 2000
#define STRESS_BURST 32
/* After every CPU is seen off, how long counts may take to agree. */
#define STRESS_SETTLE_MS 1000

/* Per calling CPU, written only by it (across all its lives). */
struct stress_stats {
	uint64_t calls, on, denied, already;
	uint64_t bad;	   /* answers that are none of the above */
	uint64_t last_bad; /* the last such answer */
	uint64_t next;	   /* round-robin position */
} __attribute__((aligned(64)));

static struct stress_stats stress_stats[GUEST_MAX_CPUS];
/* [caller][target]: SUCCESS answers, written only by the caller. */
static uint64_t stress_on[GUEST_MAX_CPUS][GUEST_MAX_CPUS];
/* Written only by the boot CPU. */
static uint64_t stress_burst;
static uint64_t stress_stop;

static uint64_t stress_ctx(unsigned int target)
{
	return GUEST_CTX_TAGGED(target, GUEST_TAG(GUEST_TAG_STRESS, 0));
}

/* One CPU_ON64 by CPU idx at the next CPU in the DT after its last target. */
static void stress_call(unsigned int idx, enum conduit c)
{
	struct stress_stats *st = &stress_stats[idx];
	unsigned int target = (unsigned int)(READ_ONCE(st->next) % machine.nr_cpus);
	int32_t r;

	if (target == idx)
		target = (target + 1) % machine.nr_cpus;
	WRITE_ONCE(st->next, (target + 1) % machine.nr_cpus);

	dsb();
	r = psci_call(c, PSCI_0_2_FN64_CPU_ON, machine.mpidr[target], (uintptr_t)secondary_entry,
		      stress_ctx(target));
	WRITE_ONCE(st->calls, READ_ONCE(st->calls) + 1);
	switch (r) {
	case PSCI_RET_SUCCESS:
		WRITE_ONCE(st->on, READ_ONCE(st->on) + 1);
		WRITE_ONCE(stress_on[idx][target], READ_ONCE(stress_on[idx][target]) + 1);
		break;
	case PSCI_RET_DENIED:
		WRITE_ONCE(st->denied, READ_ONCE(st->denied) + 1);
		break;
	case PSCI_RET_ALREADY_ON:
		WRITE_ONCE(st->already, READ_ONCE(st->already) + 1);
		break;
	default:
		WRITE_ONCE(st->last_bad, (uint64_t)(int64_t)r);
		WRITE_ONCE(st->bad, READ_ONCE(st->bad) + 1);
		break;
	}
	dmb();
}

/* A life of a secondary that a stress CPU_ON started. */
static void stress_job(unsigned int idx, enum conduit c)
{
	struct cpu_report *me = &cpu_reports[idx];
	uint64_t burst = READ_ONCE(stress_burst);

	if (READ_ONCE(me->entry_x0) != stress_ctx(idx)) {
		WRITE_ONCE(me->bad_entries, READ_ONCE(me->bad_entries) + 1);
		dmb();
	}
	for (uint64_t i = 0; i < burst && !READ_ONCE(stress_stop); i++)
		stress_call(idx, c);
}

/* Are all others OFF and every life that began also ended? */
static bool stress_quiet(enum conduit c, bool *bad_answer)
{
	for (unsigned int t = 0; t < machine.nr_cpus; t++) {
		int32_t a;

		if (t == machine.boot_cpu)
			continue;
		a = psci_call(c, PSCI_0_2_FN64_AFFINITY_INFO, machine.mpidr[t], 0, 0);
		if (a != PSCI_0_2_AFFINITY_LEVEL_OFF) {
			if (a != PSCI_0_2_AFFINITY_LEVEL_ON &&
			    a != PSCI_0_2_AFFINITY_LEVEL_ON_PENDING) {
				printk("guest: stress: AFFINITY_INFO64 of cpu%u got %d (%s)\n", t,
				       a, psci_ret_name(a));
				*bad_answer = true;
			}
			return false;
		}
	}
	dmb();
	for (unsigned int t = 0; t < machine.nr_cpus; t++) {
		if (READ_ONCE(cpu_reports[t].checkins) != READ_ONCE(cpu_reports[t].leaving))
			return false;
	}
	return true;
}

static uint64_t successes_for(unsigned int target)
{
	uint64_t sum = 0;

	for (unsigned int caller = 0; caller < machine.nr_cpus; caller++)
		sum += READ_ONCE(stress_on[caller][target]);
	return sum;
}

static bool counts_agree(void)
{
	for (unsigned int t = 0; t < machine.nr_cpus; t++) {
		if (t != machine.boot_cpu && successes_for(t) != READ_ONCE(cpu_reports[t].checkins))
			return false;
	}
	return true;
}

bool mode_stress(void)
{
	enum conduit c = machine.conduit;
	uint64_t iters = bootarg_uint("iters", STRESS_ITERS);
	uint64_t calls = 0, on = 0, denied = 0, already = 0;
	struct deadline d, settle;
	bool failed = false, bad_answer = false, quiet = false, settling = false;

	if (machine.nr_cpus < 2) {
		printk("guest: stress: needs at least 2 CPUs\n");
		return true;
	}
	WRITE_ONCE(stress_burst, bootarg_uint("burst", STRESS_BURST));
	for (unsigned int i = 0; i < machine.nr_cpus; i++) {
		struct cpu_run run;

		if (i == machine.boot_cpu)
			continue;
		cpu_prepare(&run, i, JOB_CALL, c);
		cpu_set_call(&run, stress_job);
	}
	dsb();

	for (uint64_t i = 0; i < iters; i++)
		stress_call(machine.boot_cpu, c);

	/* No CPU that reads this starts another: the chain of starts ends. */
	WRITE_ONCE(stress_stop, 1);
	dsb();
	d = deadline_in(ticks_from_ms(MODE_TIMEOUT_MS));
	while (!bad_answer) {
		if (stress_quiet(c, &bad_answer)) {
			quiet = true;
			if (counts_agree())
				break;
			/* A start may still be on its way from a caller that saw the
			 * stop too late: give the counts a moment to agree. */
			if (!settling) {
				settling = true;
				settle = deadline_in(ticks_from_ms(STRESS_SETTLE_MS));
			} else if (deadline_passed(&settle)) {
				break;
			}
		} else {
			quiet = false;
			settling = false;
		}
		if (deadline_passed(&d))
			break;
		delay_ticks(ticks_from_us(OFF_POLL_US));
	}
	if (bad_answer) {
		failed = true;
	} else if (!quiet) {
		printk("guest: stress: CPUs still on %u ms after the last call:", MODE_TIMEOUT_MS);
		for (unsigned int t = 0; t < machine.nr_cpus; t++) {
			if (t != machine.boot_cpu &&
			    psci_call(c, PSCI_0_2_FN64_AFFINITY_INFO, machine.mpidr[t], 0, 0) !=
				PSCI_0_2_AFFINITY_LEVEL_OFF)
				printk(" cpu%u", t);
		}
		printk("\n");
		failed = true;
	}

	for (unsigned int t = 0; t < machine.nr_cpus; t++) {
		const struct stress_stats *st = &stress_stats[t];
		uint64_t succ = successes_for(t), in = READ_ONCE(cpu_reports[t].checkins);

		calls += READ_ONCE(st->calls);
		on += READ_ONCE(st->on);
		denied += READ_ONCE(st->denied);
		already += READ_ONCE(st->already);
		if (READ_ONCE(st->bad)) {
			printk(
			    "guest: stress: cpu%u got %llu unexpected CPU_ON64 answers, the last "
			    "%d (%s)\n",
			    t, (unsigned long long)READ_ONCE(st->bad),
			    (int32_t)READ_ONCE(st->last_bad),
			    psci_ret_name((int32_t)READ_ONCE(st->last_bad)));
			failed = true;
		}
		if (t == machine.boot_cpu)
			continue;
		if (succ != in) {
			printk("guest: stress: cpu%u: %llu CPU_ON64 calls succeeded but it checked "
			       "in %llu times (%s)\n",
			       t, (unsigned long long)succ, (unsigned long long)in,
			       succ > in ? "lost vCPU" : "started twice");
			failed = true;
		}
		if (READ_ONCE(cpu_reports[t].bad_entries)) {
			printk(
			    "guest: stress: cpu%u entered %llu times with an unexpected x0 (last "
			    "0x%llx)\n",
			    t, (unsigned long long)READ_ONCE(cpu_reports[t].bad_entries),
			    (unsigned long long)READ_ONCE(cpu_reports[t].entry_x0));
			failed = true;
		}
	}
	if (READ_ONCE(stray_entry.count)) {
		printk("guest: stress: %llu stray entries, the last with x0 0x%llx on MPIDR "
		       "0x%llx\n",
		       (unsigned long long)READ_ONCE(stray_entry.count),
		       (unsigned long long)READ_ONCE(stray_entry.x0),
		       (unsigned long long)READ_ONCE(stray_entry.mpidr));
		failed = true;
	}
	printk("@@ stress done: %llu calls, %llu on, %llu denied, %llu already-on\n",
	       (unsigned long long)calls, (unsigned long long)on, (unsigned long long)denied,
	       (unsigned long long)already);
	return failed;
}
