/*
 * Minimal GICv3 set-up for wake-up events (gic.h). Register offsets are from
 * the GICv3/v4 architecture specification (Arm IHI 0069), chapter 12. KVM's
 * vGIC implements a single security state (GICD_CTLR.DS = 1), where bit 1 is
 * EnableGrp1 and ARE is RAO/WI; writing the Non-secure names is right for
 * both views.
 */
#include <stdbool.h>
#include <stdint.h>

#include "vmm/machine/guest_abi.h"
#include "guest/arch.h"
#include "guest/machine.h"
#include "guest/gic.h"
#include "guest/print.h"
#include "guest/timer.h"

#define GICD_CTLR	      0x0000
#define GICD_CTLR_RWP	      (1U << 31)
#define GICD_CTLR_ARE_NS      (1U << 4)
#define GICD_CTLR_ENABLE_G1NS (1U << 1)

#define GICR_TYPER_HI		   0x000c /* GICR_TYPER[63:32]: Affinity_Value */
#define GICR_WAKER		   0x0014
#define GICR_WAKER_PROCESSOR_SLEEP (1U << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1U << 2)

/* In the SGI_base frame, the second 64 KiB of a redistributor. */
#define GICR_SGI_BASE	0x10000
#define GICR_IGROUPR0	0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_IPRIORITYR 0x0400

/* KVM implements 5 priority bits; any value below the mask is signalled. */
#define WAKE_PRIORITY 0xa0
#define PMR_OPEN      0xff

/* ICC_SRE_EL1.SRE: use the system register interface. */
#define ICC_SRE_EL1_SRE 1UL

/* Register polls (RWP, ChildrenAsleep): in-kernel emulation answers at
 * once; a loaded host under emulation still gets ten seconds. */
#define GIC_POLL_MS 10000

static bool poll_clear(uintptr_t reg, uint32_t bit)
{
	struct deadline d = deadline_in(ticks_from_ms(GIC_POLL_MS));

	while (mmio_read32(reg) & bit) {
		if (deadline_passed(&d))
			return false;
		cpu_relax();
	}
	return true;
}

uintptr_t gic_redist_base(unsigned int cpu)
{
	return (uintptr_t)machine.gicr_base + (uintptr_t)cpu * GUEST_GICR_STRIDE;
}

bool gic_cpu_setup(unsigned int cpu, char *why, size_t why_size)
{
	uintptr_t rd = gic_redist_base(cpu);
	uint64_t mpidr = machine.mpidr[cpu];
	uint32_t want_aff, aff, v;

	/* Redistributors are packed in vCPU (= DT) order; check that ours is. */
	want_aff = (uint32_t)((mpidr >> 32 & 0xff) << 24 | (mpidr & 0xffffff));
	aff = mmio_read32(rd + GICR_TYPER_HI);
	if (aff != want_aff) {
		snprintk(why, why_size,
			 "redistributor %u at 0x%lx has affinity 0x%08x, cpu%u wants 0x%08x", cpu,
			 (unsigned long)rd, aff, cpu, want_aff);
		return false;
	}

	v = mmio_read32((uintptr_t)machine.gicd_base + GICD_CTLR);
	if ((v & (GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1NS)) !=
	    (GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1NS)) {
		mmio_write32((uintptr_t)machine.gicd_base + GICD_CTLR,
			     v | GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1NS);
		if (!poll_clear((uintptr_t)machine.gicd_base + GICD_CTLR, GICD_CTLR_RWP)) {
			snprintk(why, why_size, "GICD_CTLR.RWP still 1 after %u ms", GIC_POLL_MS);
			return false;
		}
	}

	/* Wake the redistributor (IHI 0069 §12.11.39 GICR_WAKER). */
	v = mmio_read32(rd + GICR_WAKER);
	if (v & GICR_WAKER_PROCESSOR_SLEEP)
		mmio_write32(rd + GICR_WAKER, v & ~GICR_WAKER_PROCESSOR_SLEEP);
	if (!poll_clear(rd + GICR_WAKER, GICR_WAKER_CHILDREN_ASLEEP)) {
		snprintk(why, why_size, "GICR_WAKER.ChildrenAsleep of cpu%u still 1 after %u ms",
			 cpu, GIC_POLL_MS);
		return false;
	}

	/* The CPU interface (IHI 0069 §12.2). */
	write_sysreg(icc_sre_el1, read_sysreg(icc_sre_el1) | ICC_SRE_EL1_SRE);
	isb();
	if (!(read_sysreg(icc_sre_el1) & ICC_SRE_EL1_SRE)) {
		snprintk(why, why_size, "ICC_SRE_EL1.SRE reads 0: no system register interface");
		return false;
	}
	write_sysreg(icc_pmr_el1, PMR_OPEN);
	write_sysreg(icc_igrpen1_el1, 1);
	isb();
	return true;
}

bool gic_wake_setup(unsigned int cpu, unsigned int intid, char *why, size_t why_size)
{
	uintptr_t sgi = gic_redist_base(cpu) + GICR_SGI_BASE;
	unsigned int shift = (intid % 4) * 8;
	uint32_t v;

	if (intid >= 32) {
		snprintk(why, why_size, "INTID %u is not an SGI or PPI", intid);
		return false;
	}
	if (!gic_cpu_setup(cpu, why, why_size))
		return false;
	mmio_write32(sgi + GICR_IGROUPR0, mmio_read32(sgi + GICR_IGROUPR0) | 1U << intid);
	v = mmio_read32(sgi + GICR_IPRIORITYR + intid / 4 * 4);
	v = (v & ~(0xffU << shift)) | (uint32_t)WAKE_PRIORITY << shift;
	mmio_write32(sgi + GICR_IPRIORITYR + intid / 4 * 4, v);
	mmio_write32(sgi + GICR_ISENABLER0, 1U << intid);
	dsb();
	return true;
}

bool wake_timer_arm(unsigned int cpu, uint64_t ticks, char *why, size_t why_size)
{
	if (!gic_wake_setup(cpu, GIC_INTID_VTIMER, why, why_size))
		return false;
	vtimer_arm(ticks);
	return true;
}
