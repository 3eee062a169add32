/*
 * KVM glue: the virtual PMUv3 (--pmu). Its overflow interrupt is the
 * machine's PMU PPI; KVM wants it per vCPU, then PMU_V3_INIT, which needs
 * the vGIC initialised. Kept apart as kvmtool keeps arm/pmu.c.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm/kvm/kvm_compat.h"
#include "vmm/kvm/vm.h"
#include "vmm/kvm/vm_internal.h"
#include "vmm/machine/machine.h"

static int vcpu_pmu_attr(struct vcpu *v, uint64_t attr, void *addr)
{
	struct kvm_device_attr a = {
	    .group = KVM_ARM_VCPU_PMU_V3_CTRL,
	    .attr = attr,
	    .addr = (uint64_t)(uintptr_t)addr,
	};

	return ioctl(v->fd, KVM_SET_DEVICE_ATTR, &a);
}

/*
 * --pmu (devices/vcpu.rst): every vCPU, hot-pluggable ones included (they
 * all exist from the start), gets the overflow interrupt and then
 * KVM_ARM_VCPU_PMU_V3_INIT, which needs the vGIC initialised. A reset
 * builds a fresh VM, so this runs again each time.
 */
int vm_setup_pmu(struct vm *vm)
{
	int intid = (int)vm->machine->pmu_intid;

	if (!machine_has_pmu(vm->machine))
		return 0;
	for (unsigned int i = 0; i < vm->nr_cpus; i++) {
		if (vcpu_pmu_attr(&vm->vcpus[i], KVM_ARM_VCPU_PMU_V3_IRQ, &intid) < 0)
			return KVM_FAIL("KVM_SET_DEVICE_ATTR(PMU_V3_IRQ)");
		if (vcpu_pmu_attr(&vm->vcpus[i], KVM_ARM_VCPU_PMU_V3_INIT, NULL) < 0)
			return KVM_FAIL("KVM_SET_DEVICE_ATTR(PMU_V3_INIT)");
	}
	return 0;
}
