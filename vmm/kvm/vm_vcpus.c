/*
 * KVM glue: creating every possible vCPU and resetting one. All of them
 * exist from the start (the vGIC and the DT/ACPI tables must see them all);
 * hotplug only flips whether PSCI may start one. Each gets the MPIDR the
 * machine description lists (machine.h), which is the one KVM picks anyway.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "vmm/kvm/kvm_compat.h"
#include "vmm/kvm/vm.h"
#include "vmm/kvm/vm_internal.h"
#include "vmm/machine/machine.h"

/*
 * KVM_ARM_VCPU_INIT: the first one configures the vCPU; a later one is the
 * architectural warm reset (registers to their reset values, PSTATE = EL1h
 * with DAIF masked, MMU off), which is exactly the state CPU_ON promises
 * (DEN0022 §6.4). Only the vCPU's own thread may call it once it has run.
 */
int vm_vcpu_reset(struct vcpu *v, bool power_off)
{
	struct kvm_vcpu_init init = {.target = (uint32_t)v->vm->vcpu_init_target};

	init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2;
	/* KVM refuses a re-init with other features: CPU_ON keeps the PMU. */
	if (machine_has_pmu(v->vm->machine))
		init.features[0] |= 1U << KVM_ARM_VCPU_PMU_V3;
	if (power_off)
		init.features[0] |= 1U << KVM_ARM_VCPU_POWER_OFF;
	if (ioctl(v->fd, KVM_ARM_VCPU_INIT, &init) < 0)
		return -errno;
	return 0;
}

/* KVM gives vCPU n GUEST_MPIDR(n) (guest_abi.h); should a host pick other
 * affinities, the machine's are written, so the guest and the tables agree. */
static int vcpu_set_mpidr(struct vcpu *v, uint64_t want)
{
	int ret = vm_get_reg(v, KVM_REG_MPIDR_EL1, &v->mpidr);

	if (ret) {
		errno = -ret;
		return KVM_FAIL("KVM_GET_ONE_REG(MPIDR_EL1)");
	}
	if (((v->mpidr ^ want) & MPIDR_HWID_MASK) == 0)
		return 0;
	ret = vm_set_reg(v, KVM_REG_MPIDR_EL1, want);
	if (!ret)
		ret = vm_get_reg(v, KVM_REG_MPIDR_EL1, &v->mpidr);
	if (ret || ((v->mpidr ^ want) & MPIDR_HWID_MASK)) {
		vm_err("vCPU %u: KVM's MPIDR_EL1 is 0x%" PRIx64 ", the machine needs 0x%" PRIx64
		       "\n",
		       v->id, v->mpidr, want);
		return ret ? ret : -EINVAL;
	}
	return 0;
}

int vm_create_vcpus(struct vm *vm)
{
	struct kvm_vcpu_init preferred;
	int mmap_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);

	if (mmap_size < (int)sizeof(struct kvm_run))
		return KVM_FAIL("KVM_GET_VCPU_MMAP_SIZE");
	vm->run_size = (size_t)mmap_size;
	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &preferred) < 0)
		return KVM_FAIL("KVM_ARM_PREFERRED_TARGET");
	vm->vcpu_init_target = (int)preferred.target;

	vm->vcpus = calloc(vm->nr_cpus, sizeof(*vm->vcpus));
	/* Before anything can fail: vm_destroy closes every fd that is not -1. */
	for (unsigned int i = 0; vm->vcpus && i < vm->nr_cpus; i++)
		vm->vcpus[i].fd = -1;
	if (!vm->vcpus) {
		vm_err("out of memory for %u vCPUs\n", vm->nr_cpus);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < vm->nr_cpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		int ret;

		v->vm = vm;
		v->id = i;
		v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)i);
		if (v->fd < 0)
			return KVM_FAIL("KVM_CREATE_VCPU");
		v->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
		if (v->run == MAP_FAILED) {
			v->run = NULL;
			return KVM_FAIL("mmap(kvm_run)");
		}
		/* In-kernel PSCI parks secondaries inside KVM; ours park in userspace. */
		ret = vm_vcpu_reset(v, vm->machine->psci == MACHINE_PSCI_KERNEL && i != 0);
		if (ret) {
			errno = -ret;
			return KVM_FAIL("KVM_ARM_VCPU_INIT");
		}
		ret = vcpu_set_mpidr(v, vm->machine->mpidrs[i]);
		if (ret)
			return ret;
	}
	return 0;
}
