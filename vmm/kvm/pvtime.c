/*
 * KVM glue: PV time (stolen time, the kernel's pvtime.rst). The records
 * live in a memslot of their own at the machine's PV time region, one
 * GUEST_PVTIME_RECORD per vCPU, set up only when --smccc-services lets the
 * guest discover the service and the host offers it.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include "vmm/kvm/kvm_compat.h"
#include "vmm/kvm/vm.h"
#include "vmm/kvm/vm_internal.h"
#include "vmm/machine/guest_abi.h"
#include "vmm/machine/machine.h"

/*
 * PV time (stolen time, pvtime.rst): when the guest may discover it
 * (--smccc-services) and the host offers it, give every vCPU a 64-byte
 * record in a memslot of its own. Without this, KVM's PV_TIME_FEATURES
 * answers NOT_SUPPORTED even with the service's bitmap bit set.
 */
int vm_setup_pvtime(struct vm *vm)
{
	int ret;

	if (!(vm->cfg->services & CLI_SVC_PV_TIME) ||
	    ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_STEAL_TIME) <= 0)
		return 0;
	ret = vm_map_region(vm, GUEST_MEMSLOT_PVTIME, vm->machine->pvtime_base,
			    vm->machine->pvtime_size, &vm->pvtime, "PV time region");
	if (ret)
		return ret;
	for (unsigned int i = 0; i < vm->nr_cpus; i++) {
		uint64_t ipa = vm->machine->pvtime_base + i * GUEST_PVTIME_RECORD;
		struct kvm_device_attr attr = {
		    .group = KVM_ARM_VCPU_PVTIME_CTRL,
		    .attr = KVM_ARM_VCPU_PVTIME_IPA,
		    .addr = (uint64_t)(uintptr_t)&ipa,
		};

		if (ioctl(vm->vcpus[i].fd, KVM_SET_DEVICE_ATTR, &attr) < 0)
			return KVM_FAIL("KVM_SET_DEVICE_ATTR(PVTIME_IPA)");
	}
	return 0;
}
