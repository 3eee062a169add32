/*
 * The machine as the ACPI tables describe it, for a guest booted with
 * `vmm boot --acpi`: the VMM's stub device tree has only /chosen, which
 * names an EFI system table (UEFI 2.10 §4.3) and memory map (§7.2). From
 * there: the configuration table's ACPI 2.0 entry, the RSDP, the XSDT, the
 * FADT (the PSCI conduit) and the MADT (ACPI 6.5 §5.2.12: the GICCs' MPIDRs,
 * the GICD, the GICR region, the GIC ITS). Everything is checked on the way
 * (signatures, lengths, checksums, the system table's CRC, every structure
 * inside the EFI memory map), and the first thing wrong is one line.
 */
#ifndef GUEST_ACPI_READ_H
#define GUEST_ACPI_READ_H

#include <stddef.h>
#include <stdint.h>

#include "guest/fdt_read.h"
#include "guest/guest.h"
#include "guest/smccc.h"

struct acpi_info {
	/* The FADT's ARM boot flags: PSCI over HVC or SMC. */
	enum conduit conduit;

	/* MADT GICCs that are Enabled or Online Capable, in table order (the
	 * vCPU order); the first GUEST_MAX_CPUS have their MPIDR in mpidr[]. */
	unsigned int nr_cpus;
	unsigned int nr_cpus_found;
	uint64_t mpidr[GUEST_MAX_CPUS];

	/* The first EfiConventionalMemory range of the EFI memory map. */
	uint64_t ram_base, ram_size;

	/* MADT GICD, the one GICR range, the first GIC ITS (0 if none). */
	uint64_t gicd_base, gicr_base, gicr_size, its_base;
};

/*
 * Read the tables that dt's /chosen EFI hand-off leads to into *info.
 * Addresses in the tables are guest physical; bias is added to each before
 * it is read (0 in the guest, whose MMU is off; a host test passes where its
 * copy of the region is). Returns 0, or -1 with a one-line reason in why.
 */
int acpi_read(const struct dt_info *dt, uintptr_t bias, struct acpi_info *info, char *why,
	      size_t why_size);

#endif
