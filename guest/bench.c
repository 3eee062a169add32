/*
 * `bench` (for `make bench`): round-trip costs measured with the virtual
 * counter, reported as raw ticks plus CNTFRQ_EL0 so the host does the
 * arithmetic:
 *
 *   @@ bench <name> n=<N> ticks=<total> freq=<Hz>   N back-to-back calls:
 *        arch      SMCCC_VERSION over HVC (answered inside KVM, never exits)
 *        psci-hvc  PSCI_VERSION over HVC
 *        psci-smc  PSCI_VERSION over SMC
 *        mmio      a read of the test device's ID register
 *        denied    function 0x83000000 over HVC (the host runs the VMM with
 *                  --smccc-filter 0x83000000:deny: KVM refuses it)
 *   @@ bench cpu_on n=<N> ticks=<sum> freq=<Hz>
 *        per secondary: from just before CPU_ON64 to the first instruction at
 *        its entry point (head.S reads CNTVCT_EL0 there), one at a time, on
 *        secondaries that never ran
 *   @@ bench cpu_on_again n=<N> ticks=<sum> freq=<Hz>
 *        the same on the same secondaries once they have run and powered
 *        off: the case a warm reset is needed for (DESIGN.md §4)
 *   @@ bench bringup cpus=<N> ticks=<t> freq=<Hz> issue=<t> wake=<sum>
 *        N CPUs up: CPU_ON64 of the N - 1 secondaries back to back, until all
 *        have checked in (then they power off again, not timed). issue: the
 *        ticks until the last CPU_ON64 returned; wake: the sum over the
 *        secondaries of CPU_ON64 issued to their first instruction
 *
 * Options: n=N calls per loop (default 2000), cpus=N CPUs for the CPU_ON
 * measurements, the boot CPU included (default all in the DT).
 */
#include <stdbool.h>
#include <stdint.h>

#include "vmm/machine/guest_abi.h"
#include "guest/arch.h"
#include "guest/bootargs.h"
#include "guest/console.h"
#include "guest/cpus.h"
#include "guest/main.h"
#include "guest/smccc.h"
#include "guest/testdev.h"
#include "guest/timer.h"

#define BENCH_N	   2000
#define DENIED_FID 0x83000000U
#define ALL_CPUS   (~0ULL)

static void bench_report(const char *name, uint64_t n, uint64_t ticks)
{
	printk("@@ bench %s n=%llu ticks=%llu freq=%llu\n", name, (unsigned long long)n,
	       (unsigned long long)ticks, (unsigned long long)counter_freq());
}

/* The loops: each body is one exit (or one trip into KVM) and nothing else. */
static bool bench_calls(uint64_t n)
{
	uint64_t t0, t1;
	uint32_t id = 0;
	int32_t v = 0;

	t0 = counter_now();
	for (uint64_t i = 0; i < n; i++)
		smccc_call(CONDUIT_HVC, ARM_SMCCC_VERSION_FUNC_ID, 0, 0, 0);
	t1 = counter_now();
	bench_report("arch", n, t1 - t0);

	t0 = counter_now();
	for (uint64_t i = 0; i < n; i++)
		v |= psci_call(CONDUIT_HVC, PSCI_0_2_FN_PSCI_VERSION, 0, 0, 0);
	t1 = counter_now();
	bench_report("psci-hvc", n, t1 - t0);

	t0 = counter_now();
	for (uint64_t i = 0; i < n; i++)
		v |= psci_call(CONDUIT_SMC, PSCI_0_2_FN_PSCI_VERSION, 0, 0, 0);
	t1 = counter_now();
	bench_report("psci-smc", n, t1 - t0);

	t0 = counter_now();
	for (uint64_t i = 0; i < n; i++)
		id |= testdev_read(GUEST_TESTDEV_ID);
	t1 = counter_now();
	bench_report("mmio", n, t1 - t0);

	t0 = counter_now();
	for (uint64_t i = 0; i < n; i++)
		smccc_call(CONDUIT_HVC, DENIED_FID, 0, 0, 0);
	t1 = counter_now();
	bench_report("denied", n, t1 - t0);

	/* The loops measured what they claim only if the calls worked. */
	if (n && (v < 0 || PSCI_VERSION_MAJOR(v) != 1)) {
		printk("guest: bench: PSCI_VERSION answered 0x%08x\n", (uint32_t)v);
		return false;
	}
	if (n && id != GUEST_TESTDEV_MAGIC) {
		printk("guest: bench: the test device ID read 0x%08x\n", id);
		return false;
	}
	return true;
}

static bool bench_start(struct cpu_run *run, unsigned int idx, enum conduit c)
{
	int32_t r = cpu_on(run, c, PSCI_0_2_FN64_CPU_ON, machine.mpidr[idx]);

	if (r != PSCI_RET_SUCCESS) {
		printk("guest: bench: CPU_ON64 of cpu%u got %d (%s)\n", idx, r, psci_ret_name(r));
		return false;
	}
	return true;
}

static bool bench_checkin(const struct cpu_run *run)
{
	if (cpu_wait_checkin_for(run, ticks_from_ms(MODE_TIMEOUT_MS)))
		return true;
	printk("guest: bench: cpu%u did not check in within %u ms\n", run->idx, MODE_TIMEOUT_MS);
	return false;
}

static bool bench_off(unsigned int idx, enum conduit c)
{
	int32_t last;

	if (cpu_wait_off_for(idx, c, ticks_from_ms(MODE_TIMEOUT_MS), &last))
		return true;
	printk("guest: bench: cpu%u did not power off: AFFINITY_INFO64 says %d (%s)\n", idx, last,
	       psci_affinity_name(last));
	return false;
}

/* CPU_ON64 latency, one secondary at a time: to its first instruction. */
static bool bench_cpu_on_each(const char *name, const unsigned int *cpus, unsigned int nr,
			      enum conduit c)
{
	struct cpu_run runs[GUEST_MAX_CPUS];
	uint64_t sum = 0, t0;

	for (unsigned int k = 0; k < nr; k++) {
		struct cpu_run *run = &runs[k];
		uint64_t entry;

		cpu_prepare(run, cpus[k], JOB_OFF, c);
		dsb();
		t0 = counter_now();
		if (!bench_start(run, cpus[k], c) || !bench_checkin(run))
			return false;
		entry = READ_ONCE(cpu_reports[cpus[k]].entry_cntvct);
		if (entry < t0) {
			printk("guest: bench: cpu%u entered at counter %llu, before its CPU_ON at "
			       "%llu\n",
			       cpus[k], (unsigned long long)entry, (unsigned long long)t0);
			return false;
		}
		sum += entry - t0;
		if (!bench_off(cpus[k], c))
			return false;
	}
	bench_report(name, nr, sum);
	return true;
}

/* All secondaries at once: the whole bring-up, the caller's share (issuing
 * the CPU_ONs) and each target's wake-up (CPU_ON issued to its first
 * instruction). */
static bool bench_bringup(const unsigned int *cpus, unsigned int nr, enum conduit c)
{
	struct cpu_run runs[GUEST_MAX_CPUS];
	uint64_t issued[GUEST_MAX_CPUS];
	uint64_t t0, t1, t_issue, wake = 0;

	for (unsigned int k = 0; k < nr; k++)
		cpu_prepare(&runs[k], cpus[k], JOB_OFF, c);
	dsb();
	t0 = counter_now();
	for (unsigned int k = 0; k < nr; k++) {
		issued[k] = counter_now();
		if (!bench_start(&runs[k], cpus[k], c))
			return false;
	}
	t_issue = counter_now();
	for (unsigned int k = 0; k < nr; k++) {
		if (!bench_checkin(&runs[k]))
			return false;
	}
	t1 = counter_now();
	for (unsigned int k = 0; k < nr; k++) {
		uint64_t entry = READ_ONCE(cpu_reports[cpus[k]].entry_cntvct);

		wake += entry > issued[k] ? entry - issued[k] : 0;
		if (!bench_off(cpus[k], c))
			return false;
	}
	printk("@@ bench bringup cpus=%u ticks=%llu freq=%llu issue=%llu wake=%llu\n", nr + 1,
	       (unsigned long long)(t1 - t0), (unsigned long long)counter_freq(),
	       (unsigned long long)(t_issue - t0), (unsigned long long)wake);
	return true;
}

static bool bench_cpu_on(const unsigned int *cpus, unsigned int nr, enum conduit c)
{
	return bench_cpu_on_each("cpu_on", cpus, nr, c) &&
	       bench_cpu_on_each("cpu_on_again", cpus, nr, c) && bench_bringup(cpus, nr, c);
}

bool mode_bench(void)
{
	uint64_t n = bootarg_uint("n", BENCH_N);
	uint64_t want = bootarg_uint("cpus", ALL_CPUS);
	unsigned int cpus[GUEST_MAX_CPUS];
	unsigned int nr = 0;

	if (!bench_calls(n))
		return true;
	for (unsigned int i = 0; i < machine.nr_cpus && nr + 1 < want; i++) {
		if (i != machine.boot_cpu)
			cpus[nr++] = i;
	}
	return !bench_cpu_on(cpus, nr, machine.conduit);
}
