/*
 * /chosen, built here for both trees (fdt_build.c's whole machine and
 * fdt_stub.c's ACPI stub): the command line, the console (full tree), the
 * initrd, and in ACPI mode the EFI hand-off parameters Linux reads in
 * drivers/firmware/efi/fdtparams.c. One place, so the two boots cannot
 * drift apart in what they tell the kernel.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "fdt/fdt_build.h"
#include "fdt/fdt_internal.h"
#include "vmm/machine/machine.h"

/* The value Debian's EFI secure-boot patch reads: 2 = secure boot off
 * (efi_secureboot_mode_disabled in include/linux/efi.h). */
#define UEFI_SECURE_BOOT_DISABLED 2

void fdt_uart_path(const struct machine *m, char *buf, size_t len)
{
	snprintf(buf, len, "/uart@%" PRIx64, m->uart_base);
}

/* u64 for the addresses, u32 for the sizes: the widths fdtparams.c reads. */
static int create_uefi_props(void *fdt, const struct fdt_boot *boot)
{
	FDT_TRY(fdt_property_u64(fdt, "linux,uefi-system-table", boot->efi_system_table));
	FDT_TRY(fdt_property_u64(fdt, "linux,uefi-mmap-start", boot->mmap_start));
	FDT_TRY(fdt_property_u32(fdt, "linux,uefi-mmap-size", boot->mmap_size));
	FDT_TRY(fdt_property_u32(fdt, "linux,uefi-mmap-desc-size", boot->mmap_desc_size));
	FDT_TRY(fdt_property_u32(fdt, "linux,uefi-mmap-desc-ver", boot->mmap_desc_ver));
	return fdt_property_u32(fdt, "linux,uefi-secure-boot", UEFI_SECURE_BOOT_DISABLED);
}

int fdt_create_chosen(void *fdt, const struct machine *m, const struct fdt_boot *boot)
{
	char path[FDT_NODE_NAME_MAX];

	FDT_TRY(fdt_begin_node(fdt, "chosen"));
	if (m->cmdline[0])
		FDT_TRY(fdt_property_string(fdt, "bootargs", m->cmdline));
	if (!m->acpi) {
		fdt_uart_path(m, path, sizeof(path));
		FDT_TRY(fdt_property_string(fdt, "stdout-path", path));
	}
	if (boot->initrd_end > boot->initrd_start) {
		FDT_TRY(fdt_property_u64(fdt, "linux,initrd-start", boot->initrd_start));
		FDT_TRY(fdt_property_u64(fdt, "linux,initrd-end", boot->initrd_end));
	}
	if (m->acpi)
		FDT_TRY(create_uefi_props(fdt, boot));
	return fdt_end_node(fdt);
}

/* A property header (12), the string, its NUL and padding to 4. */
size_t fdt_chosen_size_hint(const struct machine *m)
{
	return 12 + strnlen(m->cmdline, sizeof(m->cmdline)) + 1 + 3;
}
