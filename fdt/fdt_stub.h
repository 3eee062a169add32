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

struct machine;
struct fdt_boot;

/*
 * Build the blob for machine m (m->acpi set; only its cmdline is used) and
 * this boot's initrd and EFI hand-off (struct fdt_boot, fdt_build.h) into
 * buf (size bytes). Returns 0, or a negative libfdt error: -FDT_ERR_NOSPACE
 * (buf NULL or too small), -FDT_ERR_BADVALUE (NULL m or boot, m not in ACPI
 * mode, initrd_end < initrd_start, a zero system table or memory map
 * address, size or descriptor size). The blob is packed.
 *
 * /chosen gets, besides bootargs and the initrd, linux,uefi-system-table
 * and linux,uefi-mmap-start (u64), linux,uefi-mmap-size, -desc-size and
 * -desc-ver (u32), the widths fdtparams.c reads, and linux,uefi-secure-boot
 * = <2> ("disabled"): Debian's kernel ignores the EFI parameters without it.
 */
int fdt_build_acpi_stub(const struct machine *m, const struct fdt_boot *boot, void *buf,
			size_t size);

/* An upper bound on the buffer fdt_build_acpi_stub() needs for m. */
size_t fdt_stub_size_hint(const struct machine *m);

#endif
