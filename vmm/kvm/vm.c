/*
 * KVM glue, VM-wide: /dev/kvm, the VM, guest RAM, vCPU creation, the vGICv3,
 * the SMCCC filter, the device tree and the image load. Thin on purpose:
 * every decision that can be made without an ioctl is made in a pure module.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <libfdt.h>

#include "fdt/fdt_build.h"
#include "fdt/fdt_stub.h"
#include "vmm/machine/acpi.h"
#include "vmm/machine/cpuhp.h"
#include "vmm/machine/guest_abi.h"
#include "vmm/machine/image.h"
#include "vmm/kvm/kvm_compat.h"
#include "vmm/output/outbuf.h"
#include "vmm/kvm/vm.h"

/* Report a failed call and return -errno, errno saved before printing. */
static int kvm_fail(const char *what)
{
	int err = errno ? errno : EIO;

	vm_err("%s: %s\n", what, strerror(err));
	return -err;
}
#define KVM_FAIL(what) kvm_fail(what)

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
	if (v->vm->cfg->pmu)
		init.features[0] |= 1U << KVM_ARM_VCPU_PMU_V3;
	if (power_off)
		init.features[0] |= 1U << KVM_ARM_VCPU_POWER_OFF;
	if (ioctl(v->fd, KVM_ARM_VCPU_INIT, &init) < 0)
		return -errno;
	return 0;
}

/*
 * Guest console output goes through the stdout buffer (outbuf.h): a stdout
 * that blocks (a full pipe) holds up neither the vCPU nor a stop.
 */
static void vm_write_console(struct vm *vm, const uint8_t *buf, size_t len)
{
	outbuf_write_may_wait(vm->shared->out, buf, len);
}

/* VMM_HYP_CONSOLE_WRITE output: the same stdout as the UART. */
static void vm_hyp_console_write(void *ctx, const uint8_t *buf, size_t len)
{
	vm_write_console(ctx, buf, len);
}

static int vm_create_vcpus(struct vm *vm)
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
	vm->mpidrs = calloc(vm->nr_cpus, sizeof(*vm->mpidrs));
	if (!vm->vcpus || !vm->mpidrs) {
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
		ret = vm_vcpu_reset(v, vm->cfg->psci_mode == PSCI_MODE_KERNEL && i != 0);
		if (ret) {
			errno = -ret;
			return KVM_FAIL("KVM_ARM_VCPU_INIT");
		}
		ret = vm_get_reg(v, KVM_REG_MPIDR_EL1, &v->mpidr);
		if (ret) {
			errno = -ret;
			return KVM_FAIL("KVM_GET_ONE_REG(MPIDR_EL1)");
		}
		vm->mpidrs[i] = v->mpidr;
	}
	return 0;
}

static int vgic_set_addr(int gic_fd, uint64_t type, uint64_t addr)
{
	struct kvm_device_attr attr = {
	    .group = KVM_DEV_ARM_VGIC_GRP_ADDR,
	    .attr = type,
	    .addr = (uint64_t)(uintptr_t)&addr,
	};

	return ioctl(gic_fd, KVM_SET_DEVICE_ATTR, &attr);
}

/* GICv3: created after the vCPUs, initialised once they all exist. */
static int vm_create_gic(struct vm *vm)
{
	struct kvm_create_device dev = {.type = KVM_DEV_TYPE_ARM_VGIC_V3};
	struct kvm_device_attr init = {
	    .group = KVM_DEV_ARM_VGIC_GRP_CTRL,
	    .attr = KVM_DEV_ARM_VGIC_CTRL_INIT,
	};

	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &dev) < 0)
		return KVM_FAIL("KVM_CREATE_DEVICE(VGIC_V3)");
	vm->gic_fd = (int)dev.fd;
	if (vgic_set_addr(vm->gic_fd, KVM_VGIC_V3_ADDR_TYPE_DIST, GUEST_GICD_BASE) < 0)
		return KVM_FAIL("KVM_SET_DEVICE_ATTR(VGIC distributor address)");
	if (vgic_set_addr(vm->gic_fd, KVM_VGIC_V3_ADDR_TYPE_REDIST, GUEST_GICR_BASE(vm->nr_cpus)) <
	    0)
		return KVM_FAIL("KVM_SET_DEVICE_ATTR(VGIC redistributor address)");
	if (ioctl(vm->gic_fd, KVM_SET_DEVICE_ATTR, &init) < 0)
		return KVM_FAIL("KVM_SET_DEVICE_ATTR(VGIC_CTRL_INIT)");
	return 0;
}

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
static int vm_setup_pmu(struct vm *vm)
{
	int intid = GUEST_PMU_INTID;

	if (!vm->cfg->pmu)
		return 0;
	for (unsigned int i = 0; i < vm->nr_cpus; i++) {
		if (vcpu_pmu_attr(&vm->vcpus[i], KVM_ARM_VCPU_PMU_V3_IRQ, &intid) < 0)
			return KVM_FAIL("KVM_SET_DEVICE_ATTR(PMU_V3_IRQ)");
		if (vcpu_pmu_attr(&vm->vcpus[i], KVM_ARM_VCPU_PMU_V3_INIT, NULL) < 0)
			return KVM_FAIL("KVM_SET_DEVICE_ATTR(PMU_V3_INIT)");
	}
	return 0;
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

static int vm_has_smccc_filter(struct vm *vm)
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
static int vm_build_smccc_table(struct vm *vm)
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

	if (cfg->psci_mode == PSCI_MODE_USER)
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
static int vm_install_smccc_filter(struct vm *vm)
{
	if (vm->smccc.nr == 0)
		return 0;
	if (!vm_has_smccc_filter(vm)) {
		if (vm->cfg->psci_mode == PSCI_MODE_USER) {
			vm_err("this host's KVM has no SMCCC filter (Linux >= 6.4 needed) for "
			       "userspace PSCI; use --psci kernel\n");
			return -ENOTSUP;
		}
		if (vm->cfg->nr_filters) {
			vm_err("this host's KVM has no SMCCC filter (Linux >= 6.4 needed) for "
			       "--smccc-filter\n");
			return -ENOTSUP;
		}
		vm_err("warning: no SMCCC filter on this host: vendor services stay with KVM\n");
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
static int vm_elect_services(struct vm *vm)
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

/* Memory slots besides RAM (slot 0): small regions the VMM fills itself. */
enum {
	GUEST_MEMSLOT_PVTIME = 1,
	GUEST_MEMSLOT_ACPI = 2,
};

/*
 * A zeroed anonymous region of size bytes at guest-physical gpa, as memory
 * slot `slot`; *host gets its mapping (NULL on failure, so vm_destroy knows
 * what to unmap).
 */
static int vm_map_region(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t size, void **host,
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
 * PV time (stolen time, pvtime.rst): when the guest may discover it
 * (--smccc-services) and the host offers it, give every vCPU a 64-byte
 * record in a memslot of its own. Without this, KVM's PV_TIME_FEATURES
 * answers NOT_SUPPORTED even with the service's bitmap bit set.
 */
static int vm_setup_pvtime(struct vm *vm)
{
	int ret;

	if (!(vm->cfg->services & CLI_SVC_PV_TIME) ||
	    ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_STEAL_TIME) <= 0)
		return 0;
	ret = vm_map_region(vm, GUEST_MEMSLOT_PVTIME, GUEST_PVTIME_BASE, GUEST_PVTIME_SIZE,
			    &vm->pvtime, "PV time region");
	if (ret)
		return ret;
	for (unsigned int i = 0; i < vm->nr_cpus; i++) {
		uint64_t ipa = GUEST_PVTIME_BASE + i * GUEST_PVTIME_RECORD;
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

/* DISCOVER_IMPL_CPUS reports --impl-cpus, or else the host CPU: MIDR_EL1,
 * REVIDR_EL1 and AIDR_EL1 as KVM shows them to vCPU 0. */
static void vm_setup_vendor(struct vm *vm)
{
	struct vendor *v = &vm->vendor;

	memset(v, 0, sizeof(*v));
	v->ram = vm->ram;
	v->ram_base = GUEST_RAM_BASE;
	v->ram_size = vm->ram_size;
	v->console_write = vm_hyp_console_write;
	v->console_ctx = vm;
	v->psci = &vm->psci;
	if (vm->cfg->nr_impl_cpus) {
		for (unsigned int i = 0; i < vm->cfg->nr_impl_cpus; i++) {
			v->impl[i].midr = vm->cfg->impl_cpus[i].midr;
			v->impl[i].revidr = vm->cfg->impl_cpus[i].revidr;
			v->impl[i].aidr = vm->cfg->impl_cpus[i].aidr;
		}
		v->nr_impl = vm->cfg->nr_impl_cpus;
	} else if (vm_get_reg(&vm->vcpus[0], ARM64_SYS_REG(3, 0, 0, 0, 0), &v->impl[0].midr) == 0) {
		vm_get_reg(&vm->vcpus[0], ARM64_SYS_REG(3, 0, 0, 0, 6), &v->impl[0].revidr);
		vm_get_reg(&vm->vcpus[0], ARM64_SYS_REG(3, 1, 0, 0, 7), &v->impl[0].aidr);
		v->nr_impl = 1;
	}
	vendor_init(v);
}

/* UART bytes leave in whole lines, so --trace and vm_err lines written
 * meanwhile fall between the guest's lines, not inside them. */
static void vm_uart_tx(void *ctx, uint8_t byte)
{
	struct vm *vm = ctx;

	outbuf_putc_line(vm->shared->out, byte);
}

static void vm_uart_irq(void *ctx, bool level)
{
	struct vm *vm = ctx;
	struct kvm_irq_level irq = {
	    .irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | (32 + GUEST_UART_SPI),
	    .level = level,
	};

	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq) < 0)
		vm_err("KVM_IRQ_LINE(uart): %s\n", strerror(errno));
}

static int vm_create_devices(struct vm *vm)
{
	int ret;

	uart_init(&vm->uart, vm_uart_tx, vm_uart_irq, vm);
	vm->uart_ready = true;
	vm->testdev.psci_mode =
	    vm->cfg->psci_mode == PSCI_MODE_USER ? GUEST_PSCI_MODE_USER : GUEST_PSCI_MODE_KERNEL;
	vm->testdev.hcalls = &vm->shared->hypercalls;
	ret = mmio_register(&vm->mmio, GUEST_UART_BASE, GUEST_UART_SIZE, uart_mmio, &vm->uart,
			    "uart");
	if (!ret)
		ret = mmio_register(&vm->mmio, GUEST_TESTDEV_BASE, GUEST_TESTDEV_SIZE, testdev_mmio,
				    &vm->testdev, "testdev");
	if (ret)
		vm_err("registering MMIO devices: %s\n", strerror(-ret));
	return ret;
}

static int write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -errno;
	ok = fwrite(buf, 1, len, f) == len;
	ok &= fclose(f) == 0;
	return ok ? 0 : -EIO;
}

/* The device tree: the whole machine, or in ACPI mode only /chosen
 * pointing at the EFI hand-off data. malloc'd into *out. */
static int vm_build_dtb(struct vm *vm, const struct image_layout *l, void **out)
{
	size_t size;
	void *fdt;
	int ret;

	if (vm->cfg->acpi) {
		struct fdt_stub_desc d = {
		    .bootargs = vm->cfg->cmdline,
		    .initrd_start = l->initrd_start,
		    .initrd_end = l->initrd_end,
		    .efi_system_table = vm->acpi_layout.efi_system_table,
		    .mmap_start = vm->acpi_layout.mmap_start,
		    .mmap_size = vm->acpi_layout.mmap_size,
		    .mmap_desc_size = vm->acpi_layout.mmap_desc_size,
		    .mmap_desc_ver = vm->acpi_layout.mmap_desc_ver,
		};

		size = fdt_stub_size_hint(&d);
		fdt = malloc(size);
		ret = fdt ? fdt_build_acpi_stub(&d, fdt, size) : -FDT_ERR_NOSPACE;
	} else {
		struct fdt_desc d = {
		    .ram_base = GUEST_RAM_BASE,
		    .ram_size = vm->ram_size,
		    .nr_cpus = vm->nr_cpus,
		    .mpidrs = vm->mpidrs,
		    .psci_method =
			vm->cfg->conduit == SMCCC_CONDUIT_SMC ? FDT_PSCI_SMC : FDT_PSCI_HVC,
		    .gicd_base = GUEST_GICD_BASE,
		    .gicd_size = GUEST_GICD_SIZE,
		    .gicr_base = GUEST_GICR_BASE(vm->nr_cpus),
		    .gicr_size = vm->nr_cpus * GUEST_GICR_STRIDE,
		    .uart_base = GUEST_UART_BASE,
		    .uart_size = GUEST_UART_SIZE,
		    .uart_clock_hz = GUEST_UART_CLOCK_HZ,
		    .uart_spi = GUEST_UART_SPI,
		    .pmu_intid = vm->cfg->pmu ? GUEST_PMU_INTID : 0,
		    .testdev_base = GUEST_TESTDEV_BASE,
		    .testdev_size = GUEST_TESTDEV_SIZE,
		    .bootargs = vm->cfg->cmdline,
		    .initrd_start = l->initrd_start,
		    .initrd_end = l->initrd_end,
		};

		size = fdt_build_size_hint(&d);
		fdt = malloc(size);
		ret = fdt ? fdt_build(&d, fdt, size) : -FDT_ERR_NOSPACE;
	}
	if (!fdt) {
		vm_err("out of memory for the device tree\n");
		return -ENOMEM;
	}
	if (ret || fdt_totalsize(fdt) > FDT_MAX_SIZE) {
		vm_err("building the device tree: %s\n",
		       ret ? fdt_strerror(ret) : "larger than 2 MiB");
		free(fdt);
		return -EINVAL;
	}
	*out = fdt;
	return 0;
}

/*
 * ACPI mode (DESIGN.md §8): the EFI hand-off data and the ACPI tables, built
 * into the region of their own that vm_setup_acpi() mapped. Every possible
 * vCPU gets a GICC and a processor device; the ones plugged now are Enabled,
 * the others Online Capable.
 */
static int vm_build_acpi(struct vm *vm)
{
	const struct acpi_ram_bank ram = {GUEST_RAM_BASE, vm->ram_size};
	struct acpi_desc d = {
	    .nr_cpus = vm->nr_cpus,
	    .mpidrs = vm->mpidrs,
	    .enabled = vm->shared->present,
	    .psci_conduit = vm->cfg->conduit == SMCCC_CONDUIT_SMC ? ACPI_PSCI_SMC : ACPI_PSCI_HVC,
	    .gicd_base = GUEST_GICD_BASE,
	    .gicr_base = GUEST_GICR_BASE(vm->nr_cpus),
	    .gicr_size = vm->nr_cpus * GUEST_GICR_STRIDE,
	    .uart_base = GUEST_UART_BASE,
	    .uart_size = GUEST_UART_SIZE,
	    .uart_clock_hz = GUEST_UART_CLOCK_HZ,
	    .uart_spi = GUEST_UART_SPI,
	    .cpuhp_base = GUEST_CPUHP_BASE,
	    .cpuhp_size = GUEST_CPUHP_SIZE,
	    .ged_spi = GUEST_GED_SPI,
	    .pmu_intid = vm->cfg->pmu ? GUEST_PMU_INTID : 0,
	    .region_base = GUEST_ACPI_BASE,
	    .region_size = GUEST_ACPI_SIZE,
	    .nr_ram_banks = 1,
	    .ram_banks = &ram,
	};
	const char *why = NULL;
	int ret = acpi_build(&d, vm->acpi_region, GUEST_ACPI_SIZE, &vm->acpi_layout, &why);

	if (ret) {
		vm_err("building the ACPI tables: %s\n", why ? why : strerror(-ret));
		return ret;
	}
	return 0;
}

/* Place kernel, initrd and device tree in RAM; the plan is checked first. */
static int vm_load(struct vm *vm)
{
	const struct vm_images *img = vm->images;
	struct image_layout l;
	char err[256];
	void *fdt;
	int ret;

	if (image_plan(img->kernel, img->kernel_size, img->kernel_size, img->initrd_size,
		       GUEST_RAM_BASE, vm->ram_size, &l, err, sizeof(err))) {
		vm_err("%s: %s\n", vm->cfg->image, err);
		return -EINVAL;
	}
	memcpy(vm->ram + (l.kernel_load - GUEST_RAM_BASE), img->kernel, img->kernel_size);
	if (img->initrd_size)
		memcpy(vm->ram + (l.initrd_start - GUEST_RAM_BASE), img->initrd, img->initrd_size);
	if (vm->cfg->acpi) {
		ret = vm_build_acpi(vm);
		if (ret)
			return ret;
	}
	ret = vm_build_dtb(vm, &l, &fdt);
	if (ret)
		return ret;
	memcpy(vm->ram + (l.dtb_addr - GUEST_RAM_BASE), fdt, fdt_totalsize(fdt));
	if (vm->cfg->dump_dtb && vm->testdev.resets == 0) {
		ret = write_file(vm->cfg->dump_dtb, fdt, fdt_totalsize(fdt));
		if (ret) {
			vm_err("--dump-dtb %s: %s\n", vm->cfg->dump_dtb, strerror(-ret));
			free(fdt);
			return ret;
		}
	}
	free(fdt);
	vm->entry = l.kernel_load;
	vm->dtb_addr = l.dtb_addr;
	return 0;
}

/* The Generic Event Device's interrupt: an edge (its _CRS says so), made by
 * raising and lowering the SPI. */
static void vm_ged_pulse(void *ctx)
{
	struct vm *vm = ctx;
	struct kvm_irq_level irq = {
	    .irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | (32 + GUEST_GED_SPI),
	    .level = 1,
	};

	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq) < 0)
		vm_err("KVM_IRQ_LINE(GED): %s\n", strerror(errno));
	irq.level = 0;
	ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq);
}

/* ACPI mode: the table region as a memslot of its own (outside RAM, so the
 * guest's RAM stays whole) and the CPU hotplug registers. */
static int vm_setup_acpi(struct vm *vm)
{
	int ret;

	if (!vm->cfg->acpi)
		return 0;
	ret = vm_map_region(vm, GUEST_MEMSLOT_ACPI, GUEST_ACPI_BASE, GUEST_ACPI_SIZE,
			    &vm->acpi_region, "ACPI tables");
	if (ret)
		return ret;
	ret = cpuhp_init(&vm->cpuhp, &vm->psci, vm->nr_cpus, vm_ged_pulse, vm);
	if (ret) {
		vm_err("setting up the CPU hotplug registers: %s\n", strerror(-ret));
		return ret;
	}
	vm->cpuhp_ready = true;
	ret = mmio_register(&vm->mmio, GUEST_CPUHP_BASE, GUEST_CPUHP_SIZE, cpuhp_mmio, &vm->cpuhp,
			    "cpu-hotplug");
	if (ret)
		vm_err("registering the CPU hotplug registers: %s\n", strerror(-ret));
	return ret;
}

/*
 * The VM type asks for the guest-physical address size the memory map needs
 * (RAM ends at GUEST_RAM_BASE + --mem). KVM's default is 40 bits, which a
 * host with a smaller IPA limit refuses outright, and which 1 TiB-plus
 * guests outgrow: ask for exactly enough (api.rst, KVM_CAP_ARM_VM_IPA_SIZE).
 */
static int vm_ipa_type(int kvm_fd, const struct vmm_config *cfg, unsigned long *type)
{
	unsigned int need = image_ipa_bits(GUEST_RAM_BASE + cfg->ram_size);
	int limit = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);

	if (limit <= 0) {
		/* No capability: the VM gets the default 40 bits. */
		if (need > 40) {
			vm_err("--mem %lluM needs %u guest-physical address bits; this host's KVM "
			       "offers 40\n",
			       (unsigned long long)(cfg->ram_size >> 20), need);
			return -EINVAL;
		}
		*type = 0;
		return 0;
	}
	if (need > (unsigned int)limit) {
		vm_err("--mem %lluM needs %u guest-physical address bits; this host's KVM offers "
		       "%d\n",
		       (unsigned long long)(cfg->ram_size >> 20), need, limit);
		return -EINVAL;
	}
	*type = KVM_VM_TYPE_ARM_IPA_SIZE(need);
	return 0;
}

int vm_create(struct vm *vm, int kvm_fd, const struct vmm_config *cfg,
	      const struct vm_images *images, struct vmm_shared *shared)
{
	struct kvm_userspace_memory_region mem;
	unsigned long vm_type;
	char err[256];
	int ret, max_vcpus;

	memset(vm, 0, sizeof(*vm));
	vm->cfg = cfg;
	vm->images = images;
	vm->kvm_fd = kvm_fd;
	vm->vm_fd = vm->gic_fd = vm->exit_efd = -1;
	vm->shared = shared;
	/* Every possible vCPU is created (the vGIC and the DT must see them
	 * all); hotplug only flips whether PSCI may start it. */
	vm->nr_cpus = cfg->max_cpus;
	vm->ram_size = cfg->ram_size;
	vm->testdev.resets = shared->resets;
	pthread_mutex_init(&vm->exit_lock, NULL);

	max_vcpus = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (max_vcpus > 0 && vm->nr_cpus > (unsigned int)max_vcpus) {
		vm_err("%s %u: this host's KVM allows at most %d vCPUs\n",
		       cfg->max_cpus > cfg->nr_cpus ? "--max-cpus" : "--cpus", vm->nr_cpus,
		       max_vcpus);
		return -EINVAL;
	}
	if (cfg->pmu && ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PMU_V3) <= 0) {
		vm_err("--pmu: this host's KVM offers no PMUv3 (KVM_CAP_ARM_PMU_V3)\n");
		return -ENOTSUP;
	}
	if (image_check_ram_size(vm->ram_size, (uint64_t)sysconf(_SC_PAGESIZE), err, sizeof(err))) {
		vm_err("%s\n", err);
		return -EINVAL;
	}
	vm->exit_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->exit_efd < 0)
		return KVM_FAIL("eventfd");
	ret = vm_ipa_type(kvm_fd, cfg, &vm_type);
	if (ret)
		return ret;
	vm->vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, vm_type);
	if (vm->vm_fd < 0)
		return KVM_FAIL("KVM_CREATE_VM");

	/* Undecodable MMIO accesses come to us (and become an external abort
	 * for the guest) instead of failing KVM_RUN with ENOSYS. */
	if (ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_NISV_TO_USER) > 0) {
		struct kvm_enable_cap cap = {.cap = KVM_CAP_ARM_NISV_TO_USER};

		if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap) < 0)
			return KVM_FAIL("KVM_ENABLE_CAP(ARM_NISV_TO_USER)");
	}

	vm->ram = mmap(NULL, vm->ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->ram == MAP_FAILED) {
		vm->ram = NULL;
		return KVM_FAIL("mmap(guest RAM)");
	}
	mem = (struct kvm_userspace_memory_region){
	    .slot = 0,
	    .guest_phys_addr = GUEST_RAM_BASE,
	    .memory_size = vm->ram_size,
	    .userspace_addr = (uint64_t)(uintptr_t)vm->ram,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &mem) < 0)
		return KVM_FAIL("KVM_SET_USER_MEMORY_REGION");

	ret = vm_create_vcpus(vm);
	if (ret)
		return ret;
	ret = vm_create_gic(vm);
	if (!ret)
		ret = vm_setup_pmu(vm);
	if (ret)
		return ret;
	ret = psci_init(&vm->psci, vm->nr_cpus, vm->mpidrs, GUEST_RAM_BASE, vm->ram_size);
	if (ret) {
		vm_err("setting up PSCI state: %s\n", strerror(-ret));
		return ret;
	}
	vm->psci_ready = true;
	for (unsigned int i = 0; i < vm->nr_cpus; i++)
		psci_set_present(&vm->psci, i, shared->present[i]);
	vm_setup_vendor(vm);
	ret = vm_build_smccc_table(vm);
	if (!ret)
		ret = vm_install_smccc_filter(vm);
	if (!ret)
		ret = vm_elect_services(vm);
	if (!ret)
		ret = vm_setup_pvtime(vm);
	if (!ret)
		ret = vm_create_devices(vm);
	if (!ret)
		ret = vm_setup_acpi(vm);
	if (!ret)
		ret = vm_load(vm);
	return ret;
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
	free(vm->mpidrs);
	if (vm->psci_ready)
		psci_destroy(&vm->psci);
	if (vm->uart_ready)
		uart_destroy(&vm->uart);
	if (vm->cpuhp_ready)
		cpuhp_destroy(&vm->cpuhp);
	if (vm->acpi_region)
		munmap(vm->acpi_region, GUEST_ACPI_SIZE);
	if (vm->gic_fd >= 0)
		close(vm->gic_fd);
	if (vm->ram)
		munmap(vm->ram, vm->ram_size);
	if (vm->pvtime)
		munmap(vm->pvtime, GUEST_PVTIME_SIZE);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->exit_efd >= 0)
		close(vm->exit_efd);
	pthread_mutex_destroy(&vm->exit_lock);
	memset(vm, 0, sizeof(*vm));
	vm->vm_fd = vm->gic_fd = vm->exit_efd = -1;
}

/* `vmm info`: what this host's KVM offers, as "key: value" lines. */
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
	memset(&vm, 0, sizeof(vm));
	vm.cfg = &cfg;
	vm.kvm_fd = kvm_fd;
	vm.nr_cpus = 1;
	vm.gic_fd = vm.exit_efd = -1;
	pthread_mutex_init(&vm.exit_lock, NULL);
	vm.vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm.vm_fd < 0) {
		ret = KVM_FAIL("KVM_CREATE_VM");
		vm_destroy(&vm);
		return ret;
	}
	printf("smccc filter: %s\n", vm_has_smccc_filter(&vm) ? "yes" : "no");
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
