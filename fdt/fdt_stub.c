/*
 * Stub device tree for ACPI boot (see fdt_stub.h). The root carries only
 * #address-cells/#size-cells (2/2, so the u64 initrd properties read the
 * same as in the full tree); any other node at depth 1 would make Linux
 * take the DT as a real description and ignore ACPI.
 */
#include <stdbool.h>
#include <string.h>

#include <libfdt.h>

#include "fdt/fdt_build.h"
#include "fdt/fdt_stub.h"

/* The value Debian's EFI secure-boot patch reads: 2 = secure boot off
 * (efi_secureboot_mode_disabled in include/linux/efi.h). */
#define UEFI_SECURE_BOOT_DISABLED 2

static int validate(const struct fdt_stub_desc *d)
{
	if (!d || d->initrd_end < d->initrd_start)
		return -FDT_ERR_BADVALUE;
	if (!d->efi_system_table || !d->mmap_start || !d->mmap_size || !d->mmap_desc_size)
		return -FDT_ERR_BADVALUE;
	return 0;
}

static int create_chosen(void *fdt, const struct fdt_stub_desc *d)
{
	int err;

	err = fdt_begin_node(fdt, "chosen");
	if (err)
		return err;
	if (d->bootargs && d->bootargs[0]) {
		err = fdt_property_string(fdt, "bootargs", d->bootargs);
		if (err)
			return err;
	}
	if (d->initrd_end > d->initrd_start) {
		err = fdt_property_u64(fdt, "linux,initrd-start", d->initrd_start);
		if (err)
			return err;
		err = fdt_property_u64(fdt, "linux,initrd-end", d->initrd_end);
		if (err)
			return err;
	}
	err = fdt_property_u64(fdt, "linux,uefi-system-table", d->efi_system_table);
	if (err)
		return err;
	err = fdt_property_u64(fdt, "linux,uefi-mmap-start", d->mmap_start);
	if (err)
		return err;
	err = fdt_property_u32(fdt, "linux,uefi-mmap-size", d->mmap_size);
	if (err)
		return err;
	err = fdt_property_u32(fdt, "linux,uefi-mmap-desc-size", d->mmap_desc_size);
	if (err)
		return err;
	err = fdt_property_u32(fdt, "linux,uefi-mmap-desc-ver", d->mmap_desc_ver);
	if (err)
		return err;
	err = fdt_property_u32(fdt, "linux,uefi-secure-boot", UEFI_SECURE_BOOT_DISABLED);
	if (err)
		return err;
	return fdt_end_node(fdt);
}

static int create_tree(void *fdt, const struct fdt_stub_desc *d)
{
	int err;

	err = fdt_finish_reservemap(fdt);
	if (err)
		return err;
	err = fdt_begin_node(fdt, "");
	if (err)
		return err;
	err = fdt_property_u32(fdt, "#address-cells", 2);
	if (err)
		return err;
	err = fdt_property_u32(fdt, "#size-cells", 2);
	if (err)
		return err;
	err = create_chosen(fdt, d);
	if (err)
		return err;
	err = fdt_end_node(fdt);
	if (err)
		return err;
	return fdt_finish(fdt);
}

static int create_stub_tree(void *fdt, const void *ctx)
{
	return create_tree(fdt, ctx);
}

int fdt_build_acpi_stub(const struct fdt_stub_desc *desc, void *buf, size_t size)
{
	int err = validate(desc);

	if (err)
		return err;
	return fdt_build_blob(buf, size, create_stub_tree, desc);
}

/*
 * An upper bound: header 40, reserve map 16 (+8 of alignment slack while
 * building), two nodes with their names, ten properties of at most 12
 * bytes of header and 8 of value, and every property name once in the
 * strings block (under 256 bytes in all); plus the bootargs.
 */
#define STUB_HINT_FIXED 640

size_t fdt_stub_size_hint(const struct fdt_stub_desc *desc)
{
	size_t n = STUB_HINT_FIXED;

	if (desc && desc->bootargs)
		n += 12 + strlen(desc->bootargs) + 1 + 3;
	return n;
}
