/*
 * ACPI boot without firmware: a pure builder, like fdt/fdt_build.c, from one
 * machine description to ONE blob that the VMM copies to guest-physical
 * desc->region_base (GUEST_ACPI_BASE). The blob holds what arm64 Linux
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

enum acpi_psci_conduit {
	ACPI_PSCI_HVC,
	ACPI_PSCI_SMC,
};

struct acpi_ram_bank {
	uint64_t base, size; /* both multiples of 4 KiB (EFI pages) */
};

/* Enough for any machine this VMM builds (one bank today). */
#define ACPI_MAX_RAM_BANKS 16

/* vCPU device names are "C" + three hex digits. */
#define ACPI_MAX_CPUS 4096

struct acpi_desc {
	/* One entry per possible vCPU n: the MPIDR_EL1 KVM reports (only the
	 * affinity fields are used) and whether it is enabled at boot. The
	 * MADT GICC and the DSDT processor device of vCPU n both carry ACPI
	 * processor UID n. At least one vCPU must be enabled. */
	unsigned int nr_cpus;
	const uint64_t *mpidrs;
	const bool *enabled;

	enum acpi_psci_conduit psci_conduit;

	/* GICv3: distributor (64 KiB) and the redistributor region, which
	 * must hold nr_cpus 128 KiB frames. */
	uint64_t gicd_base;
	uint64_t gicr_base, gicr_size;

	/* The 16550 (byte-wide registers, stride 1) below 4 GiB. */
	uint64_t uart_base, uart_size;
	uint32_t uart_clock_hz;
	uint32_t uart_spi; /* GIC SPI number (INTID - 32), level high */

	/* The CPU hotplug register block (GUEST_CPUHP_* in guest_abi.h) and
	 * the SPI of the Generic Event Device that signals it (edge high). */
	uint64_t cpuhp_base, cpuhp_size;
	uint32_t ged_spi;

	/* PMU overflow interrupt as a PPI INTID (16..31) for every GICC's
	 * performance interrupt; 0 = no PMU. */
	uint32_t pmu_intid;

	/* The guest-physical region the blob is copied to (4 KiB aligned);
	 * the EFI memory map calls it EfiACPIReclaimMemory. */
	uint64_t region_base, region_size;

	/* Guest RAM, described as EfiConventionalMemory. */
	unsigned int nr_ram_banks;
	const struct acpi_ram_bank *ram_banks;
};

/* Where things landed: guest-physical addresses (offset = addr - region_base). */
struct acpi_layout {
	size_t len; /* bytes of the blob to copy to region_base */

	/* For the stub DT's /chosen (drivers/firmware/efi/fdtparams.c). */
	uint64_t efi_system_table;
	uint64_t mmap_start;
	uint32_t mmap_size, mmap_desc_size, mmap_desc_ver;

	uint64_t rsdp, xsdt, fadt, madt, gtdt, spcr, dsdt;
};

/*
 * Build the blob into buf (size bytes, at least acpi_build_size(): the
 * blob plus a few bytes of working space for the AML emitter, which are
 * zeroed; bytes past that are left alone). Returns 0 and fills *layout, or a negative errno and, if
 * why is not NULL, points *why at a one-line reason: -EINVAL  a description that cannot be
 * expressed (no vCPUs, none enabled, NULL arrays, two vCPUs with one affinity, an unknown conduit,
 * an SPI above 987 or shared by the UART and the GED, a PMU INTID outside 16..31, a misaligned or
 * wrapping range, RAM, region and device ranges overlapping, a hotplug block or redistributor
 * region too small for nr_cpus, a UART above 4 GiB) -E2BIG   more than ACPI_MAX_CPUS vCPUs or
 * ACPI_MAX_RAM_BANKS banks, or acpi_build_size() exceeds region_size -ENOSPC  buf is NULL or
 * smaller than acpi_build_size()
 */
int acpi_build(const struct acpi_desc *desc, void *buf, size_t size, struct acpi_layout *layout,
	       const char **why);

/* The buffer size acpi_build() needs for desc (layout->len + at most
 * AML_BUILD_SLACK), or a negative errno for the same reasons. */
long acpi_build_size(const struct acpi_desc *desc, const char **why);

#endif
