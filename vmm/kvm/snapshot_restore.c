/*
 * Snapshot glue, the restore (DESIGN.md §13, "Restoring"): a VM that
 * vm_create() built from the snapshot's machine, its RAM the snapshot's
 * `ram` file mapped copy-on-write and nothing loaded into it, is given the
 * rest of the saved state before any vCPU thread starts:
 *
 *   host facts compared (page size, SMCCC filter, PMU), the ACPI region
 *   read back; the userspace modules (PSCI, CPU hotplug registers, UART,
 *   test device, vendor service) loaded and the SMCCC table compared;
 *   the firmware pseudo-registers set and read back; every vCPU's
 *   registers and MP state; the vGIC; last the virtual counter, once,
 *   VM-wide; the PV time records.
 *
 * The machine, the state shared across resets and the injection rules are
 * loaded earlier, by `vmm restore` (vmm/restore.c), since vm_create needs
 * them. Each failure is one line naming what differs or is wrong.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/kvm/kvm_compat.h"
#include "vmm/kvm/snapshot.h"
#include "vmm/kvm/vm.h"
#include "vmm/machine/machine.h"
#include "vmm/snapshot/snapstate.h"

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return -1;                                                                         \
	} while (0)

/* The section, or NULL with "section NAME missing" in err. */
static const struct snap_section *need(const struct snap_image *img, uint32_t tag, uint32_t index,
				       char *err, size_t errlen)
{
	const struct snap_section *s = snap_find(img, tag, index);
	char name[32];

	if (!s)
		snprintf(err, errlen, "section %s %u is missing",
			 snap_tag_name(tag, name, sizeof(name)), index);
	return s;
}

/* HOST and RAM_INFO: this host gives the same view; the ACPI region back. */
static int restore_host_and_ram(struct vm *vm, const struct snap_image *img, int ram_fd, char *err,
				size_t errlen)
{
	const struct snap_section *h = need(img, SNAP_HOST, 0, err, errlen),
				  *r = h ? need(img, SNAP_RAM_INFO, 0, err, errlen) : NULL;
	struct snap_host saved, here;
	struct snap_ram_info ri;
	uint64_t acpi = vm->acpi_region ? vm->machine->acpi_size : 0;
	struct stat st;

	if (!r || snap_host_load(&saved, h->data, h->len, err, errlen) ||
	    snap_ram_info_load(&ri, r->data, r->len, err, errlen))
		return -1;
	snapshot_host_facts(vm, &here);
	if (snap_host_compare(&saved, &here, err, errlen))
		return -1;
	if (ri.ram_size != vm->ram_size || ri.acpi_size != acpi)
		FAIL("RAM_INFO: %" PRIu64 " bytes of RAM and %" PRIu64
		     " of ACPI tables, the machine "
		     "has %" PRIu64 " and %" PRIu64,
		     ri.ram_size, ri.acpi_size, vm->ram_size, acpi);
	if (fstat(ram_fd, &st) < 0 || (uint64_t)st.st_size != ri.ram_size + ri.acpi_size)
		FAIL("the ram file is %lld bytes, the snapshot wrote %" PRIu64 " (cut short?)",
		     (long long)st.st_size, ri.ram_size + ri.acpi_size);
	if (acpi && pread(ram_fd, vm->acpi_region, acpi, (off_t)ri.ram_size) != (ssize_t)acpi)
		FAIL("reading the ACPI tables from the ram file: %s", strerror(errno));
	return 0;
}

/* PSCI, CPUHP, UART, TESTDEV, VENDOR, and the SMCCC table compared. */
static int restore_userspace(struct vm *vm, const struct snap_image *img, char *err, size_t errlen)
{
	const struct snap_section *s;
	struct snap_smccc smccc;

	if (!(s = need(img, SNAP_PSCI, 0, err, errlen)) ||
	    snap_psci_load(&vm->psci, s->data, s->len, err, errlen))
		return -1;
	s = snap_find(img, SNAP_CPUHP, 0);
	if (!s != !vm->cpuhp_ready)
		FAIL("CPUHP: %s", s ? "saved, but the machine has no ACPI hotplug registers"
				    : "missing from an --acpi machine");
	if (s && snap_cpuhp_load(&vm->cpuhp, s->data, s->len, err, errlen))
		return -1;
	if (!(s = need(img, SNAP_UART, 0, err, errlen)) ||
	    snap_uart_load(&vm->uart, s->data, s->len, err, errlen))
		return -1;
	if (!(s = need(img, SNAP_TESTDEV, 0, err, errlen)) ||
	    snap_testdev_load(&vm->testdev, s->data, s->len, err, errlen))
		return -1;
	/* This restore counts (vmm/restore.c counted it in shared). */
	vm->testdev.restores = vm->shared->restores;
	vm->testdev.resets = vm->shared->resets;
	if (!(s = need(img, SNAP_VENDOR, 0, err, errlen)) ||
	    snap_vendor_load(&vm->vendor, s->data, s->len, err, errlen))
		return -1;
	if (!(s = need(img, SNAP_SMCCC, 0, err, errlen)) ||
	    snap_smccc_load(&smccc, s->data, s->len, err, errlen))
		return -1;
	return snap_smccc_compare(&smccc, &vm->smccc, err, errlen);
}

static int restore_vcpus(struct vm *vm, const struct snap_image *img, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < vm->nr_cpus; i++) {
		const struct snap_section *s = need(img, SNAP_VCPU, i, err, errlen);
		struct snap_vcpu v;
		int ret;

		if (!s || snap_vcpu_parse(s->data, s->len, &v, err, errlen))
			return -1;
		ret = snapshot_restore_vcpu(&vm->vcpus[i], &v, err, errlen);
		snap_vcpu_free(&v);
		if (ret)
			return -1;
	}
	if (snap_find(img, SNAP_VCPU, vm->nr_cpus))
		FAIL("VCPU %u: more vCPUs saved than the machine has", vm->nr_cpus);
	return 0;
}

/* FIRMWARE_REGS, VCPU, VGIC, COUNTER, PVTIME. */
static int restore_kvm(struct vm *vm, const struct snap_image *img, char *err, size_t errlen)
{
	const struct snap_section *s = need(img, SNAP_FIRMWARE_REGS, 0, err, errlen);
	struct snap_fw_regs fw;
	struct snap_vgic g;
	uint64_t cnt, base;
	const uint8_t *rec;
	size_t size;
	int ret;

	if (!s || snap_fw_regs_load(&fw, s->data, s->len, err, errlen) ||
	    snapshot_restore_fw_regs(&vm->vcpus[0], &fw, err, errlen) ||
	    restore_vcpus(vm, img, err, errlen))
		return -1;
	if (!(s = need(img, SNAP_VGIC, 0, err, errlen)) ||
	    snap_vgic_parse(s->data, s->len, &g, err, errlen))
		return -1;
	ret = snapshot_restore_vgic(vm, &g, err, errlen);
	snap_vgic_free(&g);
	if (ret)
		return -1;
	/* The guest's clock goes on from the value it had (pause.c, DESIGN.md
	 * §13 "The guest's time"): one write, VM-wide. */
	if (!(s = need(img, SNAP_COUNTER, 0, err, errlen)) ||
	    snap_counter_load(&cnt, s->data, s->len, err, errlen))
		return -1;
	ret = vm_set_reg(&vm->vcpus[0], KVM_REG_ARM_TIMER_CNT, cnt);
	if (ret)
		FAIL("setting the guest's virtual counter: %s", strerror(-ret));
	s = snap_find(img, SNAP_PVTIME, 0);
	if (!s != !vm->pvtime)
		FAIL("PVTIME: %s", s ? "saved, but this host gives the guest no PV time"
				     : "missing, but the guest has PV time");
	if (s && snap_pvtime_load(&base, &rec, &size, s->data, s->len, err, errlen))
		return -1;
	if (s && (base != vm->machine->pvtime_base || size != vm->machine->pvtime_size))
		FAIL("PVTIME: %zu bytes at 0x%" PRIx64 ", the machine has %" PRIu64
		     " at 0x%" PRIx64,
		     size, base, vm->machine->pvtime_size, vm->machine->pvtime_base);
	if (s)
		memcpy(vm->pvtime, rec, size);
	return 0;
}

int snapshot_restore(struct vm *vm, const struct snap_image *img, int ram_fd, char *err,
		     size_t errlen)
{
	if (restore_host_and_ram(vm, img, ram_fd, err, errlen) ||
	    restore_userspace(vm, img, err, errlen) || restore_kvm(vm, img, err, errlen))
		return -1;
	return 0;
}
