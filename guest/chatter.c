/*
 * `chatter`: every present CPU prints many lines at the same time, so that
 * a console that lets lines of different CPUs interleave shows it. The
 * host script checks that every line is whole: each names its CPU and line
 * number and carries a payload that only that CPU and line can produce.
 *
 *   @@ chatter cpu<i> line <n> <payload> end
 *
 * payload: the letter 'a' + i % 26, CHATTER_MIN + (7n + i) % CHATTER_SPREAD
 * times (lines of different lengths keep the CPUs out of step). Then, once
 * every secondary is off again:
 *
 *   @@ chatter done: cpus=<CPUs that printed> lines=<lines per CPU>
 *
 * Option: lines=N per CPU (default CHATTER_LINES). CPUs whose CPU_ON is
 * DENIED (possible but absent) sit it out.
 */
#include <stdbool.h>
#include <stdint.h>

#include "guest/arch.h"
#include "guest/bootargs.h"
#include "guest/console.h"
#include "guest/cpus.h"
#include "guest/main.h"
#include "guest/smccc.h"

#define CHATTER_LINES  100
#define CHATTER_MIN    20
#define CHATTER_SPREAD 60

/* Written only by the boot CPU, before any secondary starts. */
static uint64_t chatter_lines;

/* On every CPU that prints, the boot CPU included. */
static void chatter_job(unsigned int idx, enum conduit c)
{
	(void)c;
	uint64_t lines = READ_ONCE(chatter_lines);
	char payload[CHATTER_MIN + CHATTER_SPREAD];

	for (uint64_t n = 0; n < lines; n++) {
		unsigned int len = CHATTER_MIN + (unsigned int)((7 * n + idx) % CHATTER_SPREAD);

		for (unsigned int k = 0; k < len; k++)
			payload[k] = (char)('a' + idx % 26);
		payload[len] = '\0';
		printk("@@ chatter cpu%u line %llu %s end\n", idx, (unsigned long long)n, payload);
	}
}

bool mode_chatter(void)
{
	enum conduit c = machine.conduit;
	struct cpu_run runs[GUEST_MAX_CPUS];
	unsigned int nr = 0, printed = 1;
	bool failed = false;

	WRITE_ONCE(chatter_lines, bootarg_uint("lines", CHATTER_LINES));
	dmb();
	for (unsigned int i = 0; i < machine.nr_cpus; i++) {
		struct cpu_run *run = &runs[nr];
		int32_t r;

		if (i == machine.boot_cpu)
			continue;
		cpu_prepare(run, i, JOB_CALL_AFTER_GO, c);
		cpu_set_call(run, chatter_job);
		r = cpu_on(run, c, PSCI_0_2_FN64_CPU_ON, machine.mpidr[i]);
		if (r == PSCI_RET_DENIED)
			continue;
		if (r != PSCI_RET_SUCCESS) {
			printk("guest: chatter: CPU_ON64 of cpu%u got %d (%s)\n", i, r,
			       psci_ret_name(r));
			failed = true;
			continue;
		}
		if (!cpu_wait_checkin(run)) {
			printk(
			    "guest: chatter: cpu%u did not check in within %u ms of its CPU_ON\n",
			    i, CPU_CHECKIN_MS);
			failed = true;
			continue;
		}
		nr++;
	}

	/* All of them at once, the boot CPU too. */
	for (unsigned int k = 0; k < nr; k++)
		cpu_release(&runs[k]);
	chatter_job(machine.boot_cpu, c);

	for (unsigned int k = 0; k < nr; k++) {
		struct off_poll p;

		if (!cpu_wait_leaving(&runs[k])) {
			printk("guest: chatter: cpu%u did not get to CPU_OFF within %u ms\n",
			       runs[k].idx, CPU_STEP_MS);
			failed = true;
			continue;
		}
		if (!cpu_wait_off(&runs[k], c, &p)) {
			printk("guest: chatter: cpu%u did not power off: AFFINITY_INFO64 says %s "
			       "after %llu ms\n",
			       runs[k].idx, psci_affinity_name(p.last),
			       (unsigned long long)p.waited_ms);
			failed = true;
			continue;
		}
		printed++;
	}
	printk("@@ chatter done: cpus=%u lines=%llu\n", printed,
	       (unsigned long long)READ_ONCE(chatter_lines));
	return failed;
}
