/*
 * `vmm info`: what this host's KVM offers (capabilities, the SMCCC filter,
 * the GICv3 ITS device `--irqchip gicv3-its` needs, in-kernel PSCI version, the hypercall bitmap
 * firmware registers), as "key: value" lines. Per-VM facts come from a scratch one-vCPU VM.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm/kvm/kvm_compat.h"
#include "vmm/kvm/vm.h"
#include "vmm/kvm/vm_internal.h"
#include "vmm/machine/machine.h"

static void info_fw_reg(struct vcpu *v, const char *name, uint64_t id, const char *const bits[],
			unsigned int nr_bits)
{
	uint64_t val;
	int ret = vm_get_reg(v, id, &val);

	if (ret) {
		printf("%s: absent (%s)\n", name, strerror(-ret));
		return;
	}
	printf("%s: 0x%" PRIx64, name, val);
	for (unsigned int i = 0; i < nr_bits; i++)
		if (val & (1ULL << i))
			printf(" %s", bits[i]);
	printf("\n");
}

int vm_info(int kvm_fd)
{
	static const char *const std_bits[] = {"trng"};
	static const char *const std_hyp_bits[] = {"pv-time"};
	static const char *const vendor_bits[] = {"kvm-features", "ptp"};
	static const char *const vendor2_bits[] = {"discover-impl-ver", "discover-impl-cpus"};
	struct vmm_config cfg = {.nr_cpus = 1, .max_cpus = 1, .ram_size = VMM_MIN_RAM};
	static struct machine machine;
	char err[256];
	struct vm vm;
	uint64_t psci;
	int ret;

	printf("kvm api version: %d\n", ioctl(kvm_fd, KVM_GET_API_VERSION, 0));
	printf("max vcpus: %d\n", ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS));
	printf("recommended vcpus: %d\n", ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS));
	printf("ipa size: %d bits\n", ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE));
	printf("system suspend exit: %s\n",
	       ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_SYSTEM_SUSPEND) > 0 ? "yes" : "no");
	printf("pmu: %s\n",
	       ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PMU_V3) > 0 ? "yes" : "no");

	/* Attributes and firmware registers are per VM: probe a scratch one. */
	if (machine_describe(&cfg, &machine, err, sizeof(err))) {
		vm_err("%s\n", err);
		return -EINVAL;
	}
	memset(&vm, 0, sizeof(vm));
	vm.cfg = &cfg;
	vm.machine = &machine;
	vm.kvm_fd = kvm_fd;
	vm.nr_cpus = 1;
	vm.gic_fd = vm.its_fd = vm.exit_efd = -1;
	pthread_mutex_init(&vm.exit_lock, NULL);
	vm.vm_fd = kvm_create_vm(kvm_fd, 0);
	if (vm.vm_fd < 0) {
		ret = KVM_FAIL("KVM_CREATE_VM");
		vm_destroy(&vm);
		return ret;
	}
	printf("smccc filter: %s\n", vm_has_smccc_filter(&vm) ? "yes" : "no");
	printf("its: %s\n", vm_has_its_device(vm.vm_fd) ? "yes" : "no");
	ret = vm_create_vcpus(&vm);
	if (ret) {
		vm_destroy(&vm);
		return ret;
	}
	if (vm_get_reg(&vm.vcpus[0], KVM_REG_ARM_PSCI_VERSION, &psci) == 0)
		printf("in-kernel psci version: %u.%u\n", (unsigned int)(psci >> 16),
		       (unsigned int)(psci & 0xffff));
	info_fw_reg(&vm.vcpus[0], "fw bitmap std", KVM_REG_ARM_STD_BMAP, std_bits, 1);
	info_fw_reg(&vm.vcpus[0], "fw bitmap std-hyp", KVM_REG_ARM_STD_HYP_BMAP, std_hyp_bits, 1);
	info_fw_reg(&vm.vcpus[0], "fw bitmap vendor-hyp", KVM_REG_ARM_VENDOR_HYP_BMAP, vendor_bits,
		    2);
	info_fw_reg(&vm.vcpus[0], "fw bitmap vendor-hyp-2", KVM_REG_ARM_VENDOR_HYP_BMAP_2,
		    vendor2_bits, 2);
	printf("vcpu0 mpidr: 0x%" PRIx64 "\n", vm.vcpus[0].mpidr);
	vm_destroy(&vm);
	return 0;
}
