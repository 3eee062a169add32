/*
 * ACPI boot without firmware: a pure builder, like fdt/fdt_build.c, from the
 * machine description (vmm/machine/machine.h) to ONE blob that the VMM copies to guest-physical
 * m->acpi_base (GUEST_ACPI_BASE). The blob holds what arm64 Linux
 * needs to boot from ACPI when a stub device tree points /chosen at it
 * (fdt/fdt_stub.h): an EFI system table with its configuration table (the
 * RSDP and an EFI_RT_PROPERTIES_TABLE saying "no runtime services"), an EFI
 * memory map, and the RSDP, XSDT, FADT, MADT, GTDT, SPCR and DSDT.
 *
 * No ioctls, no globals: unit-tested on the build host, the tables checked
 * with iasl -d against goldens in tests/golden/.
 */
#ifndef VMM_ACPI_H
#define VMM_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;

/* Where things landed: guest-physical addresses (offset = addr - m->acpi_base). */
struct acpi_layout {
	size_t len; /* bytes of the blob to copy to m->acpi_base */

	/* For the stub DT's /chosen (drivers/firmware/efi/fdtparams.c). */
	uint64_t efi_system_table;
	uint64_t mmap_start;
	uint32_t mmap_size, mmap_desc_size, mmap_desc_ver;

	uint64_t rsdp, xsdt, fadt, madt, gtdt, spcr, dsdt;
};

/*
 * Build the blob for machine m (vmm/machine/machine.h, in ACPI mode: its
 * acpi_base/acpi_size region, cpuhp block and GED SPI are used) into buf
 * (size bytes, at least acpi_build_size(): the blob plus a few bytes of
 * working space for the AML emitter, which are zeroed; bytes past that are
 * left alone). enabled[n] says whether vCPU n is plugged now (the MADT GICC
 * is Enabled, else Online Capable); the MADT GICC and the DSDT processor
 * device of vCPU n both carry ACPI processor UID n.
 *
 * Returns 0 and fills *layout, or a negative errno and, if why is not NULL,
 * points *why at a one-line reason:
 *   -EINVAL  a machine that cannot be expressed (no vCPUs, none enabled, a
 *            NULL enabled, two vCPUs with one affinity, an unknown conduit,
 *            an SPI above 987 or shared by the UART and the GED, a PMU INTID
 *            outside 16..31, a misaligned or wrapping range, RAM, region and
 *            device ranges overlapping, a hotplug block or redistributor
 *            region too small for nr_cpus, a UART above 4 GiB)
 *   -E2BIG   more than MACHINE_MAX_CPUS vCPUs, or acpi_build_size() exceeds
 *            acpi_size
 *   -ENOSPC  buf is NULL or smaller than acpi_build_size()
 */
int acpi_build(const struct machine *m, const bool *enabled, void *buf, size_t size,
	       struct acpi_layout *layout, const char **why);

/* The buffer size acpi_build() needs (layout->len + at most
 * AML_BUILD_SLACK), or a negative errno for the same reasons. */
long acpi_build_size(const struct machine *m, const bool *enabled, const char **why);

#endif
