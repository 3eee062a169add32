/*
 * KVM glue: the in-kernel GICv3 (devices/arm-vgic-v3.rst). It is created
 * after the vCPUs, placed where the machine description says (distributor,
 * then one redistributor region for every possible vCPU), and initialised
 * once they all exist. The VMM's own devices raise their SPIs through it.
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

/* GICv3: created after the vCPUs, initialised once they all exist. */
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
	return 0;
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
