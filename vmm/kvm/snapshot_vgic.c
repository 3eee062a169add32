/*
 * Snapshot glue, the vGICv3 (devices/arm-vgic-v3.rst): read through the
 * device's register groups while no vCPU runs (the kernel takes every vCPU's
 * mutex for these accesses and answers EBUSY if one is in KVM_RUN), and
 * saved in the order a restore writes them back, so the restore only
 * replays the list:
 *
 *   distributor   GICD_CTLR, then per SPI: group, group modifier, priority,
 *                 configuration, routing (GICD_IROUTER, two 32-bit halves)
 *   line levels   the SPIs' input levels (GRP_LEVEL_INFO), before pending:
 *                 a level-triggered interrupt's pending state is its line
 *                 OR its latch, and only the latch is in GICD_ISPENDR
 *   distributor   pending, active, and last enabled
 *   per vCPU      redistributor SGI/PPI frame in the same order (group,
 *                 modifier, priorities, configuration, pending, active,
 *                 enabled), then the CPU interface system registers:
 *                 ICC_SRE_EL1, ICC_CTLR_EL1 (its PRIbits bound the active
 *                 priority registers), the group enables, PMR, BPR0/1,
 *                 AP0Rn/AP1Rn (those KVM has for that PRIbits)
 *
 * Firecracker's save order (src/vmm/src/arch/aarch64/gic/gicv3/regs) is the
 * model: distributor, then per vCPU redistributor and CPU interface. No
 * LPIs: this VMM has no ITS. The PPIs' levels (timer, PMU) are KVM's own,
 * recomputed from the timer and PMU state.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm/kvm/kvm_compat.h"
#include "vmm/kvm/snapshot.h"
#include "vmm/kvm/vm.h"

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return -1;                                                                         \
	} while (0)

/* GICv3 register offsets (distributor; redistributor SGI frame at 64 KiB). */
enum {
	GICD_CTLR = 0x0000,
	GICD_IGROUPR = 0x0080,
	GICD_ISENABLER = 0x0100,
	GICD_ISPENDR = 0x0200,
	GICD_ISACTIVER = 0x0300,
	GICD_IPRIORITYR = 0x0400,
	GICD_ICFGR = 0x0c00,
	GICD_IGRPMODR = 0x0d00,
	GICD_IROUTER = 0x6000,
	GICR_SGI = 0x10000,
};

/* The attribute's vCPU field: MPIDR as Aff3.Aff2.Aff1.Aff0 in 32 bits. */
static uint64_t attr_mpidr(uint64_t mpidr)
{
	uint64_t aff = ((mpidr >> 8) & 0xff000000ULL) | (mpidr & 0xffffffULL);

	return aff << KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT;
}

static int attr_access(int fd, bool set, uint32_t group, uint64_t attr, uint64_t *val)
{
	uint32_t v32 = (uint32_t)*val;
	bool wide = group == KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS;
	struct kvm_device_attr a = {
	    .group = group,
	    .attr = attr,
	    .addr = (uint64_t)(uintptr_t)(wide ? (void *)val : (void *)&v32),
	};

	if (ioctl(fd, set ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR, &a) < 0)
		return -errno;
	if (!set && !wide)
		*val = v32;
	return 0;
}

/* The list being built: attributes in restore order, read as they come. */
struct vgic_saver {
	struct vm *vm;
	struct snap_buf body;
	uint32_t nr;
	int error; /* -errno of the first failed read */
	uint32_t bad_group;
	uint64_t bad_attr;
};

static void save_attr(struct vgic_saver *s, uint32_t group, uint64_t attr, bool optional)
{
	uint64_t val = 0;
	int ret;

	if (s->error)
		return;
	ret = attr_access(s->vm->gic_fd, false, group, attr, &val);
	if (ret == -EINVAL && optional)
		return;
	if (ret) {
		s->error = ret;
		s->bad_group = group;
		s->bad_attr = attr;
		return;
	}
	snap_vgic_put_attr(&s->body, group, attr, val);
	s->nr++;
}

/* Registers with `bits` bits per interrupt, for INTIDs [first, nr_irqs). */
static void save_range(struct vgic_saver *s, uint32_t group, uint64_t base_attr, uint32_t reg,
		       unsigned int bits, uint32_t first, uint32_t nr_irqs)
{
	unsigned int per_word = 32 / bits;

	for (uint32_t intid = first; intid < nr_irqs; intid += per_word)
		save_attr(s, group, base_attr | (reg + intid / per_word * 4), false);
}

static void save_dist(struct vgic_saver *s, uint32_t nr_irqs, uint64_t mpidr0)
{
	const uint32_t D = KVM_DEV_ARM_VGIC_GRP_DIST_REGS;

	save_attr(s, D, GICD_CTLR, false);
	save_range(s, D, 0, GICD_IGROUPR, 1, 32, nr_irqs);
	save_range(s, D, 0, GICD_IGRPMODR, 1, 32, nr_irqs);
	save_range(s, D, 0, GICD_IPRIORITYR, 8, 32, nr_irqs);
	save_range(s, D, 0, GICD_ICFGR, 2, 32, nr_irqs);
	for (uint32_t intid = 32; intid < nr_irqs; intid++) {
		save_attr(s, D, GICD_IROUTER + intid * 8, false);
		save_attr(s, D, GICD_IROUTER + intid * 8 + 4, false);
	}
	for (uint32_t intid = 32; intid < nr_irqs; intid += 32)
		save_attr(
		    s, KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO,
		    mpidr0 |
			(VGIC_LEVEL_INFO_LINE_LEVEL << KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT) |
			intid,
		    false);
	save_range(s, D, 0, GICD_ISPENDR, 1, 32, nr_irqs);
	save_range(s, D, 0, GICD_ISACTIVER, 1, 32, nr_irqs);
	save_range(s, D, 0, GICD_ISENABLER, 1, 32, nr_irqs);
}

#define ICC(op1, crn, crm, op2) ((3U << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))

static void save_cpu(struct vgic_saver *s, uint64_t mpidr)
{
	const uint32_t R = KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, C = KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS;
	static const uint32_t icc[] = {
	    ICC(0, 12, 12, 5), /* ICC_SRE_EL1 */
	    ICC(0, 12, 12, 4), /* ICC_CTLR_EL1 */
	    ICC(0, 12, 12, 6), /* ICC_IGRPEN0_EL1 */
	    ICC(0, 12, 12, 7), /* ICC_IGRPEN1_EL1 */
	    ICC(0, 4, 6, 0),   /* ICC_PMR_EL1 */
	    ICC(0, 12, 8, 3),  /* ICC_BPR0_EL1 */
	    ICC(0, 12, 12, 3), /* ICC_BPR1_EL1 */
	};

	save_range(s, R, mpidr, GICR_SGI + GICD_IGROUPR, 1, 0, 32);
	save_range(s, R, mpidr, GICR_SGI + GICD_IGRPMODR, 1, 0, 32);
	save_range(s, R, mpidr, GICR_SGI + GICD_IPRIORITYR, 8, 0, 32);
	save_range(s, R, mpidr, GICR_SGI + GICD_ICFGR, 2, 0, 32);
	save_range(s, R, mpidr, GICR_SGI + GICD_ISPENDR, 1, 0, 32);
	save_range(s, R, mpidr, GICR_SGI + GICD_ISACTIVER, 1, 0, 32);
	save_range(s, R, mpidr, GICR_SGI + GICD_ISENABLER, 1, 0, 32);
	for (size_t i = 0; i < sizeof(icc) / sizeof(icc[0]); i++)
		save_attr(s, C, mpidr | icc[i], false);
	/* ICC_AP0R<n>_EL1, ICC_AP1R<n>_EL1: KVM has as many as PRIbits need. */
	for (uint32_t n = 0; n < 4; n++)
		save_attr(s, C, mpidr | ICC(0, 12, 8, 4 + n), true);
	for (uint32_t n = 0; n < 4; n++)
		save_attr(s, C, mpidr | ICC(0, 12, 9, n), true);
}

int snapshot_save_vgic(struct vm *vm, struct snap_buf *b, char *err, size_t errlen)
{
	struct vgic_saver s = {.vm = vm};
	uint64_t nr_irqs = 0;
	int ret = attr_access(vm->gic_fd, false, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs);

	if (ret)
		FAIL("vGIC: reading its number of interrupts: %s", strerror(-ret));
	snap_buf_init(&s.body);
	save_dist(&s, (uint32_t)nr_irqs, attr_mpidr(vm->vcpus[0].mpidr));
	for (unsigned int i = 0; i < vm->nr_cpus; i++)
		save_cpu(&s, attr_mpidr(vm->vcpus[i].mpidr));
	if (s.error) {
		snap_buf_free(&s.body);
		FAIL("vGIC: reading group %u attribute 0x%" PRIx64 ": %s", s.bad_group, s.bad_attr,
		     strerror(-s.error));
	}
	snap_vgic_put_head(b, (uint32_t)nr_irqs, s.nr);
	snap_put_bytes(b, s.body.data, s.body.len);
	snap_buf_free(&s.body);
	return 0;
}

int snapshot_restore_vgic(struct vm *vm, const struct snap_vgic *g, char *err, size_t errlen)
{
	uint64_t nr_irqs = 0;
	int ret = attr_access(vm->gic_fd, false, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs);

	if (ret)
		FAIL("vGIC: reading its number of interrupts: %s", strerror(-ret));
	if (nr_irqs != g->nr_irqs)
		FAIL("this host's vGIC has %" PRIu64 " interrupts, the snapshot's %u", nr_irqs,
		     g->nr_irqs);
	for (uint32_t i = 0; i < g->nr; i++) {
		uint64_t val = g->attrs[i].value;

		ret = attr_access(vm->gic_fd, true, g->attrs[i].group, g->attrs[i].attr, &val);
		if (ret)
			FAIL("this host's vGIC refuses group %u attribute 0x%" PRIx64
			     " = 0x%" PRIx64 ": %s",
			     g->attrs[i].group, g->attrs[i].attr, g->attrs[i].value,
			     strerror(-ret));
	}
	return 0;
}
