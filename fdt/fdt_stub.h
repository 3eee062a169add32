/*
 * The device tree for ACPI boot: a pure builder, like fdt_build(), of a DT
 * that holds nothing but /chosen. arm64 Linux takes such a "stub" DT as the
 * sign to boot from ACPI (arch/arm64/kernel/acpi.c, dt_is_stub()), and the
 * /chosen "linux,uefi-*" properties lead it to the EFI system table and
 * memory map that vmm/machine/acpi.c builds (drivers/firmware/efi/fdtparams.c).
 */
#ifndef FDT_STUB_H
#define FDT_STUB_H

#include <stddef.h>
#include <stdint.h>

struct fdt_stub_desc {
	const char *bootargs; /* NULL or "" leaves /chosen/bootargs out */

	/* [initrd_start, initrd_end); both equal = none */
	uint64_t initrd_start, initrd_end;

	/* From struct acpi_layout (vmm/machine/acpi.h). */
	uint64_t efi_system_table;
	uint64_t mmap_start;
	uint32_t mmap_size, mmap_desc_size, mmap_desc_ver;
};

/*
 * Build the blob into buf (size bytes). Returns 0, or a negative libfdt
 * error: -FDT_ERR_NOSPACE (buf NULL or too small), -FDT_ERR_BADVALUE (NULL
 * desc, initrd_end < initrd_start, a zero system table or memory map
 * address, size or descriptor size). The blob is packed.
 *
 * /chosen gets, besides bootargs and the initrd, linux,uefi-system-table
 * and linux,uefi-mmap-start (u64), linux,uefi-mmap-size, -desc-size and
 * -desc-ver (u32), the widths fdtparams.c reads, and linux,uefi-secure-boot
 * = <2> ("disabled"): Debian's kernel ignores the EFI parameters without it.
 */
int fdt_build_acpi_stub(const struct fdt_stub_desc *desc, void *buf, size_t size);

/* An upper bound on the buffer fdt_build_acpi_stub() needs for desc. */
size_t fdt_stub_size_hint(const struct fdt_stub_desc *desc);

#endif
