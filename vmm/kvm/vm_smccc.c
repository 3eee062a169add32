/*
 * KVM glue: which SMCCC calls leave KVM for us, and which KVM answers.
 * The one SMCCC table (firmware/smccc.h) is built here and installed as the
 * VM's filter (KVM_ARM_VM_SMCCC_FILTER, api.rst; FWD_TO_USER makes a call a
 * KVM_EXIT_HYPERCALL); the hypercall bitmap firmware registers
 * (fw-pseudo-registers.rst) hide the services --smccc-services leaves out.
 * Both must be set before the first KVM_RUN. DEN0028 (SMCCC) numbers the
 * function IDs; DEN0022 (PSCI) the PSCI ranges.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm/kvm/kvm_compat.h"
#include "vmm/kvm/vm.h"
#include "vmm/kvm/vm_internal.h"
#include "vmm/machine/guest_abi.h"
#include "vmm/machine/machine.h"

bool vm_has_smccc_filter(struct vm *vm)
{
	struct kvm_device_attr attr = {
	    .group = KVM_ARM_VM_SMCCC_CTRL,
	    .attr = KVM_ARM_VM_SMCCC_FILTER,
	};

	return ioctl(vm->vm_fd, KVM_HAS_DEVICE_ATTR, &attr) == 0;
}

/*
 * The one SMCCC table: in userspace-PSCI mode PSCI's SMC32 and SMC64 ranges
 * are forwarded to us and the legacy 0.1 IDs denied; in both modes KVM's
 * DISCOVER_IMPL calls and our own vendor service are forwarded, and the
 * user's --smccc-filter ranges added. Filter installation walks the same
 * table the hypercall exit dispatches on.
 */
int vm_build_smccc_table(struct vm *vm)
{
	const struct vmm_config *cfg = vm->cfg;
	char err[256];
	const struct smccc_range psci_rows[] = {
	    {PSCI_0_2_FN_BASE, PSCI_FN_RANGE_SIZE, SMCCC_FILTER_FWD_TO_USER, "psci",
	     &vm->psci.service},
	    {PSCI_0_2_FN64_BASE, PSCI_FN_RANGE_SIZE, SMCCC_FILTER_FWD_TO_USER, "psci",
	     &vm->psci.service},
	    {PSCI_0_1_FN_BASE, PSCI_0_1_FN_COUNT, SMCCC_FILTER_DENY, "psci-0.1 (legacy)", NULL},
	};
	const struct smccc_range vendor_rows[] = {
	    {KVM_DISCOVER_IMPL_VER_FUNC_ID, 2, SMCCC_FILTER_FWD_TO_USER, "kvm-discover-impl",
	     &vm->vendor.impl_service},
	    {GUEST_VMM_HYP_BASE, GUEST_VMM_HYP_COUNT, SMCCC_FILTER_FWD_TO_USER, "vmm-hyp",
	     &vm->vendor.vmm_service},
	};
	struct smccc_range rows[3 + 2 + CLI_MAX_FILTERS];
	unsigned int n = 0;

	if (vm->machine->psci == MACHINE_PSCI_USER)
		for (size_t i = 0; i < 3; i++)
			rows[n++] = psci_rows[i];
	for (size_t i = 0; i < 2; i++)
		rows[n++] = vendor_rows[i];
	for (unsigned int i = 0; i < cfg->nr_filters; i++)
		rows[n++] = (struct smccc_range){cfg->filters[i].base, cfg->filters[i].nr,
						 cfg->filters[i].action, "--smccc-filter", NULL};
	for (unsigned int i = 0; i < n; i++) {
		int ret = smccc_table_add(&vm->smccc, &rows[i], err, sizeof(err));

		if (ret) {
			vm_err("%s\n", err);
			return ret;
		}
	}
	return 0;
}

/*
 * Must run before the first KVM_RUN: KVM refuses filter changes after (EBUSY).
 * A range KVM refuses with EEXIST (pKVM reserves vendor-hyp functions 2-63)
 * is reported and dropped from the table, so that service is simply absent;
 * only the PSCI ranges are indispensable in userspace-PSCI mode.
 */
int vm_install_smccc_filter(struct vm *vm)
{
	if (vm->smccc.nr == 0)
		return 0;
	if (!vm_has_smccc_filter(vm)) {
		if (vm->machine->psci == MACHINE_PSCI_USER) {
			vm_err("this host's KVM has no SMCCC filter (Linux >= 6.4 needed) for "
			       "userspace PSCI; use --psci kernel\n");
			return -ENOTSUP;
		}
		if (vm->cfg->nr_filters) {
			vm_err("this host's KVM has no SMCCC filter (Linux >= 6.4 needed) for "
			       "--smccc-filter\n");
			return -ENOTSUP;
		}
		/* Once per process, not again at every SYSTEM_RESET's new VM. */
		if (!atomic_exchange(&vm->shared->no_filter_warned, true))
			vm_err("warning: no SMCCC filter on this host: vendor services stay "
			       "with KVM\n");
		vm->smccc.nr = 0;
		return 0;
	}
	for (unsigned int i = 0; i < vm->smccc.nr;) {
		const struct smccc_range *r = &vm->smccc.ranges[i];
		struct kvm_smccc_filter f = {
		    .base = r->base,
		    .nr_functions = r->nr,
		    .action = (uint8_t)r->action,
		};
		struct kvm_device_attr attr = {
		    .group = KVM_ARM_VM_SMCCC_CTRL,
		    .attr = KVM_ARM_VM_SMCCC_FILTER,
		    .addr = (uint64_t)(uintptr_t)&f,
		};
		char msg[256];
		int ret;

		if (ioctl(vm->vm_fd, KVM_SET_DEVICE_ATTR, &attr) == 0) {
			i++;
			continue;
		}
		/* The row may be dropped: the loop then looks at its successor. */
		ret = smccc_table_refused(&vm->smccc, i, errno, msg, sizeof(msg));
		vm_err("%s\n", msg);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The hypercall bitmap firmware registers (fw-pseudo-registers.rst): their
 * reset value is everything KVM offers; clearing bits hides a service from
 * the guest. Written through vCPU 0 before any vCPU runs.
 */
int vm_elect_services(struct vm *vm)
{
	static const struct {
		unsigned int svc;
		uint64_t reg;
		uint64_t bit;
	} map[] = {
	    {CLI_SVC_TRNG, KVM_REG_ARM_STD_BMAP, 1ULL << 0},
	    {CLI_SVC_PV_TIME, KVM_REG_ARM_STD_HYP_BMAP, 1ULL << 0},
	    {CLI_SVC_KVM_FEATURES, KVM_REG_ARM_VENDOR_HYP_BMAP, 1ULL << 0},
	    {CLI_SVC_PTP, KVM_REG_ARM_VENDOR_HYP_BMAP, 1ULL << 1},
	};
	struct vcpu *v0 = &vm->vcpus[0];
	uint64_t regs[3] = {KVM_REG_ARM_STD_BMAP, KVM_REG_ARM_STD_HYP_BMAP,
			    KVM_REG_ARM_VENDOR_HYP_BMAP};
	uint64_t val[3];
	int ret;

	if (vm->cfg->services_set) {
		for (int r = 0; r < 3; r++) {
			ret = vm_get_reg(v0, regs[r], &val[r]);
			if (ret) {
				vm_err("--smccc-services: this host has no hypercall bitmap "
				       "registers (%s)\n",
				       strerror(-ret));
				return ret;
			}
		}
		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
			int r = map[i].reg == regs[0] ? 0 : map[i].reg == regs[1] ? 1 : 2;

			if (!(vm->cfg->services & map[i].svc))
				val[r] &= ~map[i].bit;
			else if (!(val[r] & map[i].bit)) {
				vm_err("--smccc-services: this host does not offer '%s'\n",
				       cli_service_names[i]);
				return -EINVAL;
			}
		}
		for (int r = 0; r < 3; r++) {
			ret = vm_set_reg(v0, regs[r], val[r]);
			if (ret) {
				vm_err("setting hypercall bitmap register %d: %s\n", r,
				       strerror(-ret));
				return ret;
			}
		}
	}
	/* Hosts >= 6.16 advertise DISCOVER_IMPL_* in a second vendor bitmap
	 * (reset to 0): say yes, since we answer them. Older hosts lack it. */
	if (smccc_lookup(&vm->smccc, KVM_DISCOVER_IMPL_VER_FUNC_ID) &&
	    vm_get_reg(v0, KVM_REG_ARM_VENDOR_HYP_BMAP_2, &val[0]) == 0) {
		ret = vm_set_reg(v0, KVM_REG_ARM_VENDOR_HYP_BMAP_2, val[0] | 0x3);
		if (ret)
			vm_err("warning: setting KVM_REG_ARM_VENDOR_HYP_BMAP_2: %s\n",
			       strerror(-ret));
	}
	if (vm->cfg->psci_version) {
		ret = vm_set_reg(v0, KVM_REG_ARM_PSCI_VERSION, vm->cfg->psci_version);
		if (ret) {
			vm_err("--psci-version: KVM refused it: %s\n", strerror(-ret));
			return ret;
		}
	}
	return 0;
}
