/*
 * KVM glue: the in-kernel GICv3 (devices/arm-vgic-v3.rst). It is created
 * after the vCPUs, placed where the machine description says (distributor,
 * then one redistributor region for every possible vCPU), and initialised
 * once they all exist. The VMM's own devices raise their SPIs through it.
 *
 * With --irqchip gicv3-its, an ITS follows (devices/arm-vgic-its.rst): a
 * device of its own, its frame placed, then its CTRL_INIT. KVM emulates the
 * ITS whatever the host's GIC has; a KVM without it refuses the device type
 * (ENODEV), which ends the VMM with one line. A SYSTEM_RESET builds a whole
 * new VM, so the ITS is created afresh with it, its tables empty: the guest
 * programs it again, as after any reset.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm/kvm/kvm_compat.h"
#include "vmm/kvm/vm.h"
#include "vmm/kvm/vm_internal.h"
#include "vmm/machine/machine.h"

static int vgic_set_addr(int gic_fd, uint64_t type, uint64_t addr)
{
	struct kvm_device_attr attr = {
	    .group = KVM_DEV_ARM_VGIC_GRP_ADDR,
	    .attr = type,
	    .addr = (uint64_t)(uintptr_t)&addr,
	};

	return ioctl(gic_fd, KVM_SET_DEVICE_ATTR, &attr);
}

/* The ITS: created once the vGICv3 is initialised (KVM accepts it either
 * side of that; kvmtool creates it before, QEMU after). */
static int vgic_create_its(struct vm *vm)
{
	struct kvm_create_device dev = {.type = KVM_DEV_TYPE_ARM_VGIC_ITS};
	struct kvm_device_attr init = {
	    .group = KVM_DEV_ARM_VGIC_GRP_CTRL,
	    .attr = KVM_DEV_ARM_VGIC_CTRL_INIT,
	};

	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &dev) < 0) {
		if (errno == ENODEV) {
			vm_err("--irqchip gicv3-its: this host's KVM offers no GICv3 ITS "
			       "(KVM_DEV_TYPE_ARM_VGIC_ITS)\n");
			return -ENOTSUP;
		}
		return KVM_FAIL("KVM_CREATE_DEVICE(VGIC_ITS)");
	}
	vm->its_fd = (int)dev.fd;
	if (vgic_set_addr(vm->its_fd, KVM_VGIC_ITS_ADDR_TYPE, vm->machine->its_base) < 0)
		return KVM_FAIL("KVM_SET_DEVICE_ATTR(ITS address)");
	if (ioctl(vm->its_fd, KVM_SET_DEVICE_ATTR, &init) < 0)
		return KVM_FAIL("KVM_SET_DEVICE_ATTR(ITS CTRL_INIT)");
	return 0;
}

/* GICv3: created after the vCPUs, initialised once they all exist; then
 * the ITS, if the machine has one. */
int vm_create_gic(struct vm *vm)
{
	struct kvm_create_device dev = {.type = KVM_DEV_TYPE_ARM_VGIC_V3};
	struct kvm_device_attr init = {
	    .group = KVM_DEV_ARM_VGIC_GRP_CTRL,
	    .attr = KVM_DEV_ARM_VGIC_CTRL_INIT,
	};

	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &dev) < 0)
		return KVM_FAIL("KVM_CREATE_DEVICE(VGIC_V3)");
	vm->gic_fd = (int)dev.fd;
	if (vgic_set_addr(vm->gic_fd, KVM_VGIC_V3_ADDR_TYPE_DIST, vm->machine->gicd_base) < 0)
		return KVM_FAIL("KVM_SET_DEVICE_ATTR(VGIC distributor address)");
	if (vgic_set_addr(vm->gic_fd, KVM_VGIC_V3_ADDR_TYPE_REDIST, vm->machine->gicr_base) < 0)
		return KVM_FAIL("KVM_SET_DEVICE_ATTR(VGIC redistributor address)");
	if (ioctl(vm->gic_fd, KVM_SET_DEVICE_ATTR, &init) < 0)
		return KVM_FAIL("KVM_SET_DEVICE_ATTR(VGIC_CTRL_INIT)");
	return machine_has_its(vm->machine) ? vgic_create_its(vm) : 0;
}

bool vm_has_its_device(int vm_fd)
{
	struct kvm_create_device dev = {
	    .type = KVM_DEV_TYPE_ARM_VGIC_ITS,
	    .flags = KVM_CREATE_DEVICE_TEST,
	};

	return ioctl(vm_fd, KVM_CREATE_DEVICE, &dev) == 0;
}

/* Level of SPI `spi` (INTID 32 + spi); `what` names the device in a failure. */
void vm_irq_line(struct vm *vm, uint32_t spi, bool level, const char *what)
{
	struct kvm_irq_level irq = {
	    .irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | (32 + spi),
	    .level = level,
	};

	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq) < 0)
		vm_err("KVM_IRQ_LINE(%s): %s\n", what, strerror(errno));
}
