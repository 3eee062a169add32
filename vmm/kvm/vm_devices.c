/*
 * KVM glue: what the VMM itself emulates for the guest, wired to this VM:
 * PSCI's state, the vendor hypervisor service, the UART and the test device
 * on the MMIO bus, and in ACPI mode the table region and the CPU hotplug
 * registers with the Generic Event Device's interrupt. Addresses and
 * interrupts come from the machine description (machine.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm/kvm/kvm_compat.h"
#include "vmm/kvm/vm.h"
#include "vmm/kvm/vm_internal.h"
#include "vmm/machine/guest_abi.h"
#include "vmm/machine/machine.h"
#include "vmm/output/outbuf.h"

/* PSCI's per-vCPU state: every possible vCPU with its MPIDR, present or
 * not as the hotplug state that outlives resets says. */
int vm_setup_psci(struct vm *vm)
{
	const struct machine *m = vm->machine;
	int ret = psci_init(&vm->psci, m->nr_cpus, m->mpidrs, m->ram_base, m->ram_size);

	if (ret) {
		vm_err("setting up PSCI state: %s\n", strerror(-ret));
		return ret;
	}
	vm->psci_ready = true;
	for (unsigned int i = 0; i < m->nr_cpus; i++)
		psci_set_present(&vm->psci, i, vm->shared->present[i]);
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

/* DISCOVER_IMPL_CPUS reports --impl-cpus, or else the host CPU: MIDR_EL1,
 * REVIDR_EL1 and AIDR_EL1 as KVM shows them to vCPU 0. */
void vm_setup_vendor(struct vm *vm)
{
	struct vendor *v = &vm->vendor;

	memset(v, 0, sizeof(*v));
	v->ram = vm->ram;
	v->ram_base = vm->machine->ram_base;
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
	vm_irq_line(ctx, ((struct vm *)ctx)->machine->uart_spi, level, "uart");
}

int vm_create_devices(struct vm *vm)
{
	const struct machine *m = vm->machine;
	int ret;

	uart_init(&vm->uart, vm_uart_tx, vm_uart_irq, vm);
	vm->uart_ready = true;
	vm->testdev.psci_mode =
	    m->psci == MACHINE_PSCI_USER ? GUEST_PSCI_MODE_USER : GUEST_PSCI_MODE_KERNEL;
	vm->testdev.hcalls = &vm->shared->hypercalls;
	ret = mmio_register(&vm->mmio, m->uart_base, m->uart_size, uart_mmio, &vm->uart, "uart");
	if (!ret)
		ret = mmio_register(&vm->mmio, m->testdev_base, m->testdev_size, testdev_mmio,
				    &vm->testdev, "testdev");
	if (ret)
		vm_err("registering MMIO devices: %s\n", strerror(-ret));
	return ret;
}

/* The Generic Event Device's interrupt: an edge (its _CRS says so), made by
 * raising and lowering the SPI. */
static void vm_ged_pulse(void *ctx)
{
	struct vm *vm = ctx;

	vm_irq_line(vm, vm->machine->ged_spi, true, "GED");
	vm_irq_line(vm, vm->machine->ged_spi, false, "GED");
}

/* ACPI mode: the table region as a memslot of its own (outside RAM, so the
 * guest's RAM stays whole) and the CPU hotplug registers. */
int vm_setup_acpi(struct vm *vm)
{
	const struct machine *m = vm->machine;
	int ret;

	if (!m->acpi)
		return 0;
	ret = vm_map_region(vm, GUEST_MEMSLOT_ACPI, m->acpi_base, m->acpi_size, &vm->acpi_region,
			    "ACPI tables");
	if (ret)
		return ret;
	ret = cpuhp_init(&vm->cpuhp, &vm->psci, vm->nr_cpus, vm_ged_pulse, vm);
	if (ret) {
		vm_err("setting up the CPU hotplug registers: %s\n", strerror(-ret));
		return ret;
	}
	vm->cpuhp.tracefile = vm->shared->tracefile; /* _OST lines */
	vm->cpuhp_ready = true;
	ret = mmio_register(&vm->mmio, m->cpuhp_base, m->cpuhp_size, cpuhp_mmio, &vm->cpuhp,
			    "cpu-hotplug");
	if (ret)
		vm_err("registering the CPU hotplug registers: %s\n", strerror(-ret));
	return ret;
}
