/*
 * What the files of vmm/kvm/ that build one VM share: each file is one
 * subject (vCPUs, vGIC, PMU, SMCCC filter and firmware registers, PV time,
 * devices, boot data), and vm_create() in vm.c calls them in order. Not
 * for use outside vmm/kvm/.
 */
#ifndef VMM_KVM_VM_INTERNAL_H
#define VMM_KVM_VM_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

/* Report a failed call as "what: strerror(errno)"; returns -errno. */
int kvm_fail(const char *what);
#define KVM_FAIL(what) kvm_fail(what)

/* Memory slots besides RAM (slot 0): small regions the VMM fills itself. */
enum {
	GUEST_MEMSLOT_RAM = 0,
	GUEST_MEMSLOT_PVTIME = 1,
	GUEST_MEMSLOT_ACPI = 2,
};

/* vm.c: KVM_CREATE_VM, retried while a signal (a stop and continue)
 * interrupts it; the VM fd, or -1 with errno. */
int kvm_create_vm(int kvm_fd, unsigned long type);

/* vm.c: a zeroed anonymous region of size bytes at guest-physical gpa as
 * memory slot `slot`; *host gets its mapping (NULL on failure). */
int vm_map_region(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t size, void **host,
		  const char *what);

/* vm_vcpus.c: every possible vCPU, with the machine's MPIDRs. */
int vm_create_vcpus(struct vm *vm);

/* vgic.c: the GICv3 (after the vCPUs), and an SPI's level. */
int vm_create_gic(struct vm *vm);
/* Does this VM's KVM offer the GICv3 ITS device (KVM_CREATE_DEVICE_TEST)? */
bool vm_has_its_device(int vm_fd);
void vm_irq_line(struct vm *vm, uint32_t spi, bool level, const char *what);

/* pmu.c: --pmu on every vCPU (after the vGIC). */
int vm_setup_pmu(struct vm *vm);

/* vm_smccc.c: the one SMCCC table, its KVM filter, the hypercall bitmap
 * firmware registers. */
bool vm_has_smccc_filter(struct vm *vm);
int vm_build_smccc_table(struct vm *vm);
int vm_install_smccc_filter(struct vm *vm);
int vm_elect_services(struct vm *vm);

/* pvtime.c: stolen-time records, when offered. */
int vm_setup_pvtime(struct vm *vm);

/* vm_devices.c: PSCI state, the vendor service, UART and test device, and
 * in ACPI mode the table region and the CPU hotplug registers. */
int vm_setup_psci(struct vm *vm);
void vm_setup_vendor(struct vm *vm);
int vm_create_devices(struct vm *vm);
int vm_setup_acpi(struct vm *vm);

/* vm_boot.c: kernel, initrd, device tree (and ACPI tables) into RAM. */
int vm_load(struct vm *vm);

#endif
