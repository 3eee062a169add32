/*
 * pmu: the virtual PMUv3 that `vmm boot --pmu` gives every vCPU, checked on
 * the boot CPU (Arm ARM D13, "The Performance Monitors Extension").
 *
 *   1. ID_AA64DFR0_EL1.PMUVer says whether there is a PMU at all. Without
 *      --pmu KVM hides it (PMUVer 0) and traps the PMU registers: the mode
 *      then says so and touches none of them.
 *   2. The cycle counter counts: PMCCNTR_EL0 advances across a short wait.
 *   3. The overflow interrupt arrives: event counter 0 counts CPU_CYCLES
 *      from PMU_OVF_DISTANCE below its 32-bit overflow, with its overflow
 *      interrupt enabled (PMINTENSET_EL1) and INTID GUEST_PMU_INTID routed
 *      like the timer's wake-up (gic.c). PSTATE.I stays set: the CPU waits
 *      until ISR_EL1.I says an IRQ is pending, acknowledges it (ICC_IAR1_EL1
 *      must name GUEST_PMU_INTID), sees the overflow flag in PMOVSSET_EL0,
 *      clears it and ends the interrupt.
 *
 * Options: expect=1 (default: a PMU must be there and work) or expect=0 (it
 * must be absent); reset=1 runs the checks, SYSTEM_RESETs, and runs them
 * again in the fresh VM. Every wait is a deadline on the virtual counter.
 */
#include <stdbool.h>
#include <stdint.h>

#include "vmm/machine/guest_abi.h"
#include "guest/arch.h"
#include "guest/bootargs.h"
#include "guest/console.h"
#include "guest/cpus.h"
#include "guest/gic.h"
#include "guest/main.h"
#include "guest/smccc.h"
#include "guest/testdev.h"
#include "guest/timer.h"

/* ID_AA64DFR0_EL1.PMUVer [11:8]: 0 none, 0xf an IMPLEMENTATION DEFINED one. */
#define DFR0_PMUVER(v)	   (((v) >> 8) & 0xf)
#define PMUVER_NONE	   0x0
#define PMUVER_IMPL_DEF	   0xf
#define PMCR_E		   (1UL << 0) /* enable the counters */
#define PMCR_P		   (1UL << 1) /* reset the event counters */
#define PMCR_C		   (1UL << 2) /* reset the cycle counter */
#define PMCR_LC		   (1UL << 6) /* the cycle counter overflows at 64 bits */
#define PMCR_N(v)	   (((v) >> 11) & 0x1f)
#define PMCNTEN_C	   (1UL << 31) /* PMCNTENSET/CLR: the cycle counter */
#define PMU_EVENT_CYCLES   0x11	       /* CPU_CYCLES */
#define ISR_EL1_I	   (1UL << 7)
#define GIC_INTID_SPURIOUS 1023

/* How far below overflow counter 0 starts: a few microseconds at GHz rates. */
#define PMU_OVF_DISTANCE 20000U
/* The cycle counter is read across this wait. */
#define PMU_CYCLE_WAIT_MS 10
/* The overflow must arrive within this (generous: nested emulation). */
#define PMU_OVF_WAIT_MS 10000

/*
 * KVM resets the enable, interrupt-enable and overflow registers to junk
 * (sys_regs.c: reset_unknown), as the architecture allows: a guest that
 * enabled one interrupt without clearing the rest would take the others.
 * Everything off, every flag and counter cleared, as a driver starts.
 */
static void pmu_quiesce(void)
{
	write_sysreg(pmcntenclr_el0, ~0UL);
	write_sysreg(pmintenclr_el1, ~0UL);
	write_sysreg(pmovsclr_el0, ~0UL);
	write_sysreg(pmcr_el0, PMCR_P | PMCR_C);
	isb();
}

static bool pmu_cycle_counter(void)
{
	uint64_t c0, c1, t0;

	write_sysreg(pmccfiltr_el0, 0); /* count at EL0 and EL1 */
	write_sysreg(pmcr_el0, PMCR_E | PMCR_C | PMCR_LC);
	write_sysreg(pmcntenset_el0, PMCNTEN_C);
	isb();
	t0 = counter_now();
	c0 = read_sysreg(pmccntr_el0);
	delay_ticks(ticks_from_ms(PMU_CYCLE_WAIT_MS));
	c1 = read_sysreg(pmccntr_el0);
	write_sysreg(pmcntenclr_el0, PMCNTEN_C);
	isb();
	if (c1 <= c0) {
		printk("guest: pmu: PMCCNTR_EL0 did not advance: 0x%llx, then 0x%llx after %llu "
		       "us\n",
		       (unsigned long long)c0, (unsigned long long)c1,
		       (unsigned long long)us_from_ticks(counter_now() - t0));
		return false;
	}
	printk("@@ pmu: cycle counter advanced by %llu in %llu us\n", (unsigned long long)(c1 - c0),
	       (unsigned long long)us_from_ticks(counter_now() - t0));
	return true;
}

static bool pmu_overflow_irq(void)
{
	struct deadline d;
	char why[128];
	uint64_t iar, ovs;
	bool ok = false;

	if (!gic_wake_setup(machine.boot_cpu, GUEST_PMU_INTID, why, sizeof(why))) {
		printk("guest: pmu: routing INTID %u: %s\n", GUEST_PMU_INTID, why);
		return false;
	}
	write_sysreg(pmselr_el0, 0);
	isb();
	write_sysreg(pmxevtyper_el0, PMU_EVENT_CYCLES);
	write_sysreg(pmxevcntr_el0, 0x100000000UL - PMU_OVF_DISTANCE);
	write_sysreg(pmintenset_el1, 1UL << 0);
	write_sysreg(pmcr_el0, PMCR_E | PMCR_LC);
	d = deadline_after_ms(PMU_OVF_WAIT_MS);
	write_sysreg(pmcntenset_el0, 1UL << 0);
	isb();
	while (!(read_sysreg(isr_el1) & ISR_EL1_I)) {
		if (deadline_passed(&d)) {
			write_sysreg(pmselr_el0, 0);
			isb();
			printk("guest: pmu: no interrupt within %u ms of starting counter 0 %u "
			       "cycles before overflow (counter now 0x%llx, PMOVSSET_EL0 0x%llx)\n",
			       PMU_OVF_WAIT_MS, PMU_OVF_DISTANCE,
			       (unsigned long long)read_sysreg(pmxevcntr_el0),
			       (unsigned long long)read_sysreg(pmovsset_el0));
			goto out;
		}
		cpu_relax();
	}
	iar = read_sysreg(icc_iar1_el1) & 0xffffff;
	ovs = read_sysreg(pmovsset_el0);
	if (iar != GIC_INTID_SPURIOUS) {
		write_sysreg(pmovsclr_el0, 1UL << 0);
		isb();
		write_sysreg(icc_eoir1_el1, iar);
		isb();
	}
	if (iar != GUEST_PMU_INTID || ovs != 1) {
		printk("guest: pmu: pending interrupt INTID %llu (expected %u), PMOVSSET_EL0 "
		       "0x%llx (expected 0x1: counter 0 only)\n",
		       (unsigned long long)iar, GUEST_PMU_INTID, (unsigned long long)ovs);
		goto out;
	}
	printk("@@ pmu: overflow interrupt INTID %llu after %llu us\n", (unsigned long long)iar,
	       (unsigned long long)us_from_ticks(counter_now() - d.start));
	ok = true;
out:
	pmu_quiesce();
	return ok;
}

/* Returns true if the run failed. */
static bool pmu_check(bool expect)
{
	uint64_t ver = DFR0_PMUVER(read_sysreg(id_aa64dfr0_el1));

	if (ver == PMUVER_NONE || ver == PMUVER_IMPL_DEF) {
		printk("@@ pmu: none (ID_AA64DFR0_EL1.PMUVer 0x%llx)\n", (unsigned long long)ver);
		if (expect)
			printk("guest: pmu: expected a PMUv3 (vmm boot --pmu)\n");
		return expect;
	}
	printk("@@ pmu: PMUv3 (PMUVer 0x%llx), %llu event counters\n", (unsigned long long)ver,
	       (unsigned long long)PMCR_N(read_sysreg(pmcr_el0)));
	if (!expect) {
		printk("guest: pmu: expected no PMU (expect=0)\n");
		return true;
	}
	pmu_quiesce();
	return !pmu_cycle_counter() || !pmu_overflow_irq();
}

/* `expect=0`: the VM was started without --pmu. */
static bool pmu_check_as_expected(void)
{
	return pmu_check(bootarg_uint("expect", 1) != 0);
}

bool mode_pmu(void)
{
	return mode_check_across_reset("pmu", NULL, pmu_check_as_expected, 0);
}
