/*
 * KVM glue, the VM itself: /dev/kvm, the VM file descriptor with its
 * guest-physical address size, guest RAM and the other memory slots, and
 * vm_create(), which builds one VM from the machine description in an
 * explicit order of steps, each in the file of its subject:
 *
 *   host checks, VM, RAM             vm.c
 *   vCPUs (MPIDRs), vGICv3, PMU      vm_vcpus.c, vgic.c, pmu.c
 *   PSCI state, vendor service       vm_devices.c
 *   SMCCC table + filter, fw regs    vm_smccc.c
 *   PV time                          pvtime.c
 *   UART, test device, ACPI region   vm_devices.c
 *   kernel, initrd, DTB/ACPI tables  vm_boot.c
 *
 * Thin on purpose: every decision that can be made without an ioctl is
 * made in a pure module (the machine itself in vmm/machine/machine.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vmm/kvm/kvm_compat.h"
#include "vmm/kvm/vm.h"
#include "vmm/kvm/vm_internal.h"
#include "vmm/machine/image.h"
#include "vmm/machine/machine.h"

/* Report a failed call and return -errno, errno saved before printing. */
int kvm_fail(const char *what)
{
	int err = errno ? errno : EIO;

	vm_err("%s: %s\n", what, strerror(err));
	return -err;
}

int kvm_open(char *err, size_t errlen)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int version;

	if (fd < 0) {
		snprintf(err, errlen, "cannot open /dev/kvm: %s (an arm64 host with KVM is needed)",
			 strerror(errno));
		return -1;
	}
	version = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION) {
		snprintf(err, errlen, "KVM API version %d, expected %d", version, KVM_API_VERSION);
		close(fd);
		return -1;
	}
	return fd;
}

int vm_get_reg(struct vcpu *v, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg reg = {.id = id, .addr = (uint64_t)(uintptr_t)val};

	return ioctl(v->fd, KVM_GET_ONE_REG, &reg) < 0 ? -errno : 0;
}

int vm_set_reg(struct vcpu *v, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = {.id = id, .addr = (uint64_t)(uintptr_t)&val};

	return ioctl(v->fd, KVM_SET_ONE_REG, &reg) < 0 ? -errno : 0;
}

void vm_note_first_run(struct vm *vm)
{
	struct timespec ts;
	unsigned long long none = 0;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	atomic_compare_exchange_strong(&vm->shared->first_run_ns, &none,
				       (unsigned long long)ts.tv_sec * 1000000000ULL +
					   (unsigned long long)ts.tv_nsec);
}

/*
 * A zeroed anonymous region of size bytes at guest-physical gpa, as memory
 * slot `slot`; *host gets its mapping (NULL on failure, so vm_destroy knows
 * what to unmap).
 */
int vm_map_region(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t size, void **host,
		  const char *what)
{
	struct kvm_userspace_memory_region mem;
	char msg[96];

	*host = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (*host == MAP_FAILED) {
		int err = errno;

		*host = NULL;
		snprintf(msg, sizeof(msg), "mmap(%s)", what);
		errno = err;
		return KVM_FAIL(msg);
	}
	mem = (struct kvm_userspace_memory_region){
	    .slot = slot,
	    .guest_phys_addr = gpa,
	    .memory_size = size,
	    .userspace_addr = (uint64_t)(uintptr_t)*host,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &mem) < 0) {
		int err = errno;

		snprintf(msg, sizeof(msg), "KVM_SET_USER_MEMORY_REGION(%s)", what);
		errno = err;
		return KVM_FAIL(msg);
	}
	return 0;
}

/*
 * The VM type asks for the guest-physical address size the memory map needs
 * (RAM ends at GUEST_RAM_BASE + --mem). KVM's default is 40 bits, which a
 * host with a smaller IPA limit refuses outright, and which 1 TiB-plus
 * guests outgrow: ask for exactly enough (api.rst, KVM_CAP_ARM_VM_IPA_SIZE).
 */
static int vm_ipa_type(int kvm_fd, const struct machine *m, unsigned long *type)
{
	unsigned int need = image_ipa_bits(m->ram_base + m->ram_size);
	int limit = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);

	if (limit <= 0) {
		/* No capability: the VM gets the default 40 bits. */
		if (need > 40) {
			vm_err("--mem %lluM needs %u guest-physical address bits; this host's KVM "
			       "offers 40\n",
			       (unsigned long long)(m->ram_size >> 20), need);
			return -EINVAL;
		}
		*type = 0;
		return 0;
	}
	if (need > (unsigned int)limit) {
		vm_err("--mem %lluM needs %u guest-physical address bits; this host's KVM offers "
		       "%d\n",
		       (unsigned long long)(m->ram_size >> 20), need, limit);
		return -EINVAL;
	}
	*type = KVM_VM_TYPE_ARM_IPA_SIZE(need);
	return 0;
}

/* What only the host can refuse: the vCPU count, the PMU, the RAM size. */
static int vm_check_host(struct vm *vm)
{
	const struct vmm_config *cfg = vm->cfg;
	int max_vcpus = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	char err[256];

	if (max_vcpus > 0 && vm->nr_cpus > (unsigned int)max_vcpus) {
		vm_err("%s %u: this host's KVM allows at most %d vCPUs\n",
		       cfg->max_cpus > cfg->nr_cpus ? "--max-cpus" : "--cpus", vm->nr_cpus,
		       max_vcpus);
		return -EINVAL;
	}
	if (machine_has_pmu(vm->machine) &&
	    ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PMU_V3) <= 0) {
		vm_err("--pmu: this host's KVM offers no PMUv3 (KVM_CAP_ARM_PMU_V3)\n");
		return -ENOTSUP;
	}
	if (image_check_ram_size(vm->ram_size, (uint64_t)sysconf(_SC_PAGESIZE), err, sizeof(err))) {
		vm_err("%s\n", err);
		return -EINVAL;
	}
	return 0;
}

/*
 * KVM_CREATE_VM, again while it fails with EINTR. Registering the VM's MMU
 * notifier walks every mapping of the process and gives up when a signal is
 * pending, stop signals included: a VMM stopped (SIGSTOP, Ctrl-Z) and
 * continued while it builds a VM, at start or on SYSTEM_RESET, sees EINTR,
 * and that is no reason to end the guest. Signals that end the process end
 * it; the ones we handle are blocked on this thread.
 */
int kvm_create_vm(int kvm_fd, unsigned long type)
{
	int fd;

	do
		fd = ioctl(kvm_fd, KVM_CREATE_VM, type);
	while (fd < 0 && errno == EINTR);
	return fd;
}

/* The VM file descriptor (and the eventfd that ends its run). */
static int vm_create_kvm_vm(struct vm *vm)
{
	unsigned long vm_type;
	int ret;

	vm->exit_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->exit_efd < 0)
		return KVM_FAIL("eventfd");
	ret = vm_ipa_type(vm->kvm_fd, vm->machine, &vm_type);
	if (ret)
		return ret;
	vm->vm_fd = kvm_create_vm(vm->kvm_fd, vm_type);
	if (vm->vm_fd < 0)
		return KVM_FAIL("KVM_CREATE_VM");
	/* Undecodable MMIO accesses come to us (and become an external abort
	 * for the guest) instead of failing KVM_RUN with ENOSYS. */
	if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_NISV_TO_USER) > 0) {
		struct kvm_enable_cap cap = {.cap = KVM_CAP_ARM_NISV_TO_USER};

		if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap) < 0)
			return KVM_FAIL("KVM_ENABLE_CAP(ARM_NISV_TO_USER)");
	}
	return 0;
}

/* Guest RAM: memory slot 0, reserved lazily (MAP_NORESERVE). */
static int vm_create_ram(struct vm *vm)
{
	struct kvm_userspace_memory_region mem;

	/* A restore maps its snapshot's RAM file copy-on-write: the guest's
	 * writes stay in this process, several restores share the file. */
	if (vm->restored)
		vm->ram = mmap(NULL, vm->ram_size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_NORESERVE, vm->ram_fd, 0);
	else
		vm->ram = mmap(NULL, vm->ram_size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->ram == MAP_FAILED) {
		vm->ram = NULL;
		return KVM_FAIL("mmap(guest RAM)");
	}
	mem = (struct kvm_userspace_memory_region){
	    .slot = GUEST_MEMSLOT_RAM,
	    .guest_phys_addr = vm->machine->ram_base,
	    .memory_size = vm->ram_size,
	    .userspace_addr = (uint64_t)(uintptr_t)vm->ram,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &mem) < 0)
		return KVM_FAIL("KVM_SET_USER_MEMORY_REGION");
	return 0;
}

static int setup_vendor(struct vm *vm)
{
	vm_setup_vendor(vm);
	return 0;
}

/* A restored VM's RAM and tables are the snapshot's. */
static int load_unless_restored(struct vm *vm)
{
	return vm->restored ? 0 : vm_load(vm);
}

/*
 * A VM is made in this order, each step on what the earlier ones made: the
 * vCPUs before the vGIC (its CTRL_INIT wants them all), the vGIC
 * before the PMU (its interrupt), every service before the SMCCC table that
 * routes to them, the filter before any vCPU runs, the devices before the
 * images and tables that describe them.
 */
static int (*const create_steps[])(struct vm *) = {
    vm_check_host,	     vm_create_kvm_vm,	vm_create_ram,
    vm_create_vcpus,	     vm_create_gic,	vm_setup_pmu,
    vm_setup_psci,	     setup_vendor,	vm_build_smccc_table,
    vm_install_smccc_filter, vm_elect_services, vm_setup_pvtime,
    vm_create_devices,	     vm_setup_acpi,	load_unless_restored,
};

int vm_create(struct vm *vm, int kvm_fd, const struct vmm_config *cfg, const struct machine *m,
	      const struct vm_images *images, struct vmm_shared *shared)
{
	int ret;

	memset(vm, 0, sizeof(*vm));
	vm->cfg = cfg;
	vm->machine = m;
	vm->images = images;
	vm->kvm_fd = kvm_fd;
	vm->vm_fd = vm->gic_fd = vm->its_fd = vm->exit_efd = -1;
	vm->shared = shared;
	vm->restored = images->from_snapshot;
	vm->ram_fd = vm->restored ? images->ram_fd : -1;
	/* Every possible vCPU is created (the vGIC and the DT must see them
	 * all); hotplug only flips whether PSCI may start it. */
	vm->nr_cpus = m->nr_cpus;
	vm->ram_size = m->ram_size;
	vm->testdev.resets = shared->resets;
	vm->testdev.restores = shared->restores;
	pthread_mutex_init(&vm->exit_lock, NULL);

	for (size_t i = 0; i < sizeof(create_steps) / sizeof(create_steps[0]); i++) {
		ret = create_steps[i](vm);
		if (ret)
			return ret;
	}
	return 0;
}

void vm_destroy(struct vm *vm)
{
	if (vm->vcpus) {
		for (unsigned int i = 0; i < vm->nr_cpus; i++) {
			if (vm->vcpus[i].run)
				munmap(vm->vcpus[i].run, vm->run_size);
			if (vm->vcpus[i].fd >= 0)
				close(vm->vcpus[i].fd);
		}
	}
	free(vm->vcpus);
	if (vm->psci_ready)
		psci_destroy(&vm->psci);
	if (vm->uart_ready)
		uart_destroy(&vm->uart);
	if (vm->cpuhp_ready)
		cpuhp_destroy(&vm->cpuhp);
	if (vm->acpi_region)
		munmap(vm->acpi_region, vm->machine->acpi_size);
	if (vm->its_fd >= 0)
		close(vm->its_fd);
	if (vm->gic_fd >= 0)
		close(vm->gic_fd);
	if (vm->ram)
		munmap(vm->ram, vm->ram_size);
	if (vm->pvtime)
		munmap(vm->pvtime, vm->machine->pvtime_size);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->exit_efd >= 0)
		close(vm->exit_efd);
	pthread_mutex_destroy(&vm->exit_lock);
	memset(vm, 0, sizeof(*vm));
	vm->vm_fd = vm->gic_fd = vm->its_fd = vm->exit_efd = vm->ram_fd = -1;
}
