/*
 * Snapshot glue, one vCPU: every register KVM lists for it
 * (KVM_GET_REG_LIST: core, system, timer, PMU with --pmu, the firmware
 * pseudo-registers) and its MP state, saved while no vCPU runs, and written
 * back into a fresh vCPU in passes (kvmstate.h, snap_reg_restore_pass): the
 * firmware registers and the ID registers first, then PMCR_EL0, then the
 * rest. The VMM gives its vCPUs no SVE (no KVM_ARM_VCPU_SVE at INIT), so
 * the list has the V registers and no Z/P ones; a vCPU with SVE would list
 * KVM_REG_ARM64_SVE_VLS, which must be written before KVM_ARM_VCPU_FINALIZE
 * (api.rst). This VMM never enables SVE, so it has no such order to keep:
 * a list holding SVE_VLS is refused at save, in one line.
 *
 * Not written back: TIMER_CNT (the virtual counter comes back once,
 * VM-wide, from the COUNTER section) and PTIMER_CNT (the physical counter
 * is the host's, as during a pause; pause.c). KVM refusing any other
 * register is a host that cannot give the guest the same vCPU: one line
 * naming the register.
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

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* KVM_GET_REG_LIST, sorted; malloc'ed into *list (n entries). */
static int reg_list(struct vcpu *v, struct kvm_reg_list **list, char *err, size_t errlen)
{
	struct kvm_reg_list probe = {.n = 0}, *l;

	if (ioctl(v->fd, KVM_GET_REG_LIST, &probe) == 0 || errno != E2BIG)
		FAIL("vCPU %u: KVM_GET_REG_LIST: %s", v->id, strerror(errno));
	if (probe.n == 0 || probe.n > SNAP_MAX_VCPU_REGS)
		FAIL("vCPU %u: KVM lists %llu registers", v->id, (unsigned long long)probe.n);
	l = malloc(sizeof(*l) + probe.n * sizeof(l->reg[0]));
	if (!l)
		FAIL("vCPU %u: out of memory for its register list", v->id);
	l->n = probe.n;
	if (ioctl(v->fd, KVM_GET_REG_LIST, l) < 0) {
		free(l);
		FAIL("vCPU %u: KVM_GET_REG_LIST: %s", v->id, strerror(errno));
	}
	qsort(l->reg, l->n, sizeof(l->reg[0]), cmp_u64);
	*list = l;
	return 0;
}

static int get_any(struct vcpu *v, uint64_t id, void *val)
{
	struct kvm_one_reg reg = {.id = id, .addr = (uint64_t)(uintptr_t)val};

	return ioctl(v->fd, KVM_GET_ONE_REG, &reg) < 0 ? -errno : 0;
}

static int set_any(struct vcpu *v, uint64_t id, const void *val)
{
	struct kvm_one_reg reg = {.id = id, .addr = (uint64_t)(uintptr_t)val};

	return ioctl(v->fd, KVM_SET_ONE_REG, &reg) < 0 ? -errno : 0;
}

int snapshot_save_vcpu(struct vcpu *v, struct snap_buf *b, char *err, size_t errlen)
{
	struct kvm_mp_state mp;
	struct kvm_reg_list *l;
	uint8_t val[SNAP_REG_MAX_BYTES];
	char name[64];
	int ret;

	if (ioctl(v->fd, KVM_GET_MP_STATE, &mp) < 0)
		FAIL("vCPU %u: KVM_GET_MP_STATE: %s", v->id, strerror(errno));
	if (reg_list(v, &l, err, errlen))
		return -1;
	snap_vcpu_put_head(b, v->mpidr, mp.mp_state, (uint32_t)l->n);
	for (uint64_t i = 0; i < l->n; i++) {
		uint64_t id = l->reg[i];

		if (id == KVM_REG_ARM64_SVE_VLS || !snap_reg_size(id)) {
			free(l);
			FAIL("vCPU %u: register %s cannot be saved (SVE, or a size over %d "
			     "bytes)",
			     v->id, snap_reg_name(id, name, sizeof(name)), SNAP_REG_MAX_BYTES);
		}
		ret = get_any(v, id, val);
		if (ret) {
			free(l);
			FAIL("vCPU %u: reading %s: %s", v->id,
			     snap_reg_name(id, name, sizeof(name)), strerror(-ret));
		}
		snap_vcpu_put_reg(b, id, val);
	}
	free(l);
	return 0;
}

/* One pass of the restore: every saved register of that pass, written. */
static int restore_pass(struct vcpu *v, const struct snap_vcpu *s, int pass, char *err,
			size_t errlen)
{
	char name[64];

	for (uint32_t i = 0; i < s->nr; i++) {
		const struct snap_reg *r = &s->regs[i];
		int ret;

		if (snap_reg_restore_pass(r->id) != pass)
			continue;
		ret = set_any(v, r->id, r->val);
		if (ret == -ENOENT)
			FAIL("this host's vCPU %u has no register %s, the snapshot's has", v->id,
			     snap_reg_name(r->id, name, sizeof(name)));
		if (ret)
			FAIL("this host refuses vCPU %u's %s as saved: %s", v->id,
			     snap_reg_name(r->id, name, sizeof(name)), strerror(-ret));
	}
	return 0;
}

int snapshot_restore_vcpu(struct vcpu *v, const struct snap_vcpu *s, char *err, size_t errlen)
{
	struct kvm_mp_state mp = {.mp_state = s->mp_state};

	if (((s->mpidr ^ v->mpidr) & MPIDR_HWID_MASK) != 0)
		FAIL("vCPU %u: MPIDR 0x%" PRIx64 " in the snapshot, 0x%" PRIx64 " here", v->id,
		     s->mpidr, v->mpidr);
	for (int pass = 0; pass < SNAP_REG_PASSES; pass++)
		if (restore_pass(v, s, pass, err, errlen))
			return -1;
	if (ioctl(v->fd, KVM_SET_MP_STATE, &mp) < 0)
		FAIL("vCPU %u: KVM_SET_MP_STATE(%u): %s", v->id, s->mp_state, strerror(errno));
	return 0;
}

/* The firmware pseudo-registers a guest's view of its firmware is made of
 * (fw-pseudo-registers.rst); those this host lacks are not saved. */
static const uint64_t fw_regs[] = {
    KVM_REG_ARM_PSCI_VERSION,	 KVM_REG_ARM_STD_BMAP,		KVM_REG_ARM_STD_HYP_BMAP,
    KVM_REG_ARM_VENDOR_HYP_BMAP, KVM_REG_ARM_VENDOR_HYP_BMAP_2,
};

int snapshot_save_fw_regs(struct vcpu *v0, struct snap_fw_regs *f, char *err, size_t errlen)
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < sizeof(fw_regs) / sizeof(fw_regs[0]); i++) {
		uint64_t val;
		int ret = vm_get_reg(v0, fw_regs[i], &val);

		if (ret == -ENOENT)
			continue;
		if (ret) {
			char name[64];

			FAIL("reading %s: %s", snap_reg_name(fw_regs[i], name, sizeof(name)),
			     strerror(-ret));
		}
		f->id[f->nr] = fw_regs[i];
		f->value[f->nr++] = val;
	}
	return 0;
}

/* Each saved firmware register set and read back: the guest must find the
 * very firmware it saw (issue 18, "the firmware view kept exactly"). */
int snapshot_restore_fw_regs(struct vcpu *v0, const struct snap_fw_regs *f, char *err,
			     size_t errlen)
{
	char name[64];

	for (uint32_t i = 0; i < f->nr; i++) {
		uint64_t back = 0;
		int ret = vm_set_reg(v0, f->id[i], f->value[i]);

		snap_reg_name(f->id[i], name, sizeof(name));
		if (ret == -ENOENT)
			FAIL(
			    "this host's KVM has no firmware register %s (the snapshot's guest saw "
			    "0x%" PRIx64 ")",
			    name, f->value[i]);
		if (ret)
			FAIL("this host's KVM cannot give the firmware register %s the saved value "
			     "0x%" PRIx64 " (%s): it does not offer that service or version",
			     name, f->value[i], strerror(-ret));
		ret = vm_get_reg(v0, f->id[i], &back);
		if (ret || back != f->value[i])
			FAIL("firmware register %s reads 0x%" PRIx64 " after setting the saved "
			     "0x%" PRIx64,
			     name, back, f->value[i]);
	}
	return 0;
}
