/*
 * KVM glue, the boot data: the kernel (unpacked if compressed) and initrd
 * copied into guest RAM where image_plan() puts them, the ACPI tables (ACPI
 * mode), and the device tree built from the machine description and this
 * boot's initrd and EFI layout. Runs on every VM creation, so a reset boots
 * from fresh copies.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "fdt/fdt_build.h"
#include "fdt/fdt_stub.h"
#include "vmm/kvm/vm.h"
#include "vmm/kvm/vm_internal.h"
#include "vmm/machine/acpi.h"
#include "vmm/machine/image.h"
#include "vmm/machine/image_file.h"
#include "vmm/machine/machine.h"

/* O_NONBLOCK only for the open: a FIFO nobody reads fails (ENXIO) instead
 * of holding this thread, stop signals still blocked, for ever. */
static int write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK, 0644);
	FILE *f = fd < 0 || fcntl(fd, F_SETFL, 0) < 0 ? NULL : fdopen(fd, "wb");
	int ok;

	if (!f) {
		ok = -errno;
		if (fd >= 0)
			close(fd);
		return ok;
	}
	ok = fwrite(buf, 1, len, f) == len;
	ok &= fclose(f) == 0;
	return ok ? 0 : -EIO;
}

/* The device tree: the whole machine, or in ACPI mode only /chosen
 * pointing at the EFI hand-off data. malloc'd into *out. */
static int vm_build_dtb(struct vm *vm, const struct image_layout *l, void **out)
{
	const struct machine *m = vm->machine;
	const struct fdt_boot boot = {
	    .initrd_start = l->initrd_start,
	    .initrd_end = l->initrd_end,
	    .efi_system_table = vm->acpi_layout.efi_system_table,
	    .mmap_start = vm->acpi_layout.mmap_start,
	    .mmap_size = vm->acpi_layout.mmap_size,
	    .mmap_desc_size = vm->acpi_layout.mmap_desc_size,
	    .mmap_desc_ver = vm->acpi_layout.mmap_desc_ver,
	};
	size_t size = m->acpi ? fdt_stub_size_hint(m) : fdt_build_size_hint(m);
	void *fdt = malloc(size);
	int ret;

	if (!fdt) {
		vm_err("out of memory for the device tree\n");
		return -ENOMEM;
	}
	ret = m->acpi ? fdt_build_acpi_stub(m, &boot, fdt, size) : fdt_build(m, &boot, fdt, size);
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
	const char *why = NULL;
	int ret = acpi_build(vm->machine, vm->shared->present, vm->acpi_region,
			     vm->machine->acpi_size, &vm->acpi_layout, &why);

	if (ret) {
		vm_err("building the ACPI tables: %s\n", why ? why : strerror(-ret));
		return ret;
	}
	return 0;
}

/*
 * The kernel into RAM and the layout planned from its header. An Image or a
 * flat binary is read where the plan puts it. A compressed one is unpacked
 * at RAM's start, planned from the unpacked header (text_offset and
 * image_size are the unpacked Image's), then moved up to its load address
 * if that is not RAM's start (a flat binary, an old Image).
 */
static int vm_load_kernel(struct vm *vm, struct image_layout *l)
{
	const struct image_file *kernel = vm->images->kernel, *initrd = vm->images->initrd;
	uint64_t ram_base = vm->machine->ram_base, initrd_size = initrd ? initrd->size : 0;
	const uint8_t *head = kernel->head;
	size_t head_len = kernel->head_len;
	uint64_t size = kernel->size, offset;
	char err[512];

	if (kernel->fmt.codec != IMAGE_CODEC_NONE) {
		uint64_t room = vm->ram_size > FDT_MAX_SIZE ? vm->ram_size - FDT_MAX_SIZE : 0;

		if (image_file_unpack(kernel, vm->ram, room, &size, err, sizeof(err))) {
			vm_err("%s\n", err);
			return -EINVAL;
		}
		head = vm->ram;
		head_len = size < ARM64_IMAGE_HEADER_SIZE ? size : ARM64_IMAGE_HEADER_SIZE;
	}
	if (image_plan(head, head_len, size, initrd_size, ram_base, vm->ram_size, l, err,
		       sizeof(err))) {
		vm_err("%s: %s\n", vm->cfg->image, err);
		return -EINVAL;
	}
	offset = l->kernel_load - ram_base;
	if (kernel->fmt.codec != IMAGE_CODEC_NONE) {
		if (offset) {
			memmove(vm->ram + offset, vm->ram, size);
			memset(vm->ram, 0, offset < size ? offset : size);
		}
		return 0;
	}
	/* Read at every boot, so a file changed since it was opened is refused. */
	if (image_file_read(kernel, vm->ram, vm->ram_size, offset, err, sizeof(err))) {
		vm_err("%s\n", err);
		return -EIO;
	}
	return 0;
}

/* Place kernel, initrd and device tree in RAM; the plan is checked first. */
int vm_load(struct vm *vm)
{
	const struct image_file *initrd = vm->images->initrd;
	uint64_t ram_base = vm->machine->ram_base;
	struct image_layout l;
	char err[256];
	void *fdt;
	int ret;

	ret = vm_load_kernel(vm, &l);
	if (ret)
		return ret;
	if (initrd && image_file_read(initrd, vm->ram, vm->ram_size, l.initrd_start - ram_base, err,
				      sizeof(err))) {
		vm_err("%s\n", err);
		return -EIO;
	}
	if (vm->machine->acpi) {
		ret = vm_build_acpi(vm);
		if (ret)
			return ret;
	}
	ret = vm_build_dtb(vm, &l, &fdt);
	if (ret)
		return ret;
	memcpy(vm->ram + (l.dtb_addr - vm->machine->ram_base), fdt, fdt_totalsize(fdt));
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
