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

/*
 * Read the tables that dt's /chosen EFI hand-off leads to into *info (the
 * FADT's conduit, the MADT's CPUs and GIC, the EFI memory map's RAM).
 * Addresses in the tables are guest physical; bias is added to each before
 * it is read (0 in the guest, whose MMU is off; a host test passes where its
 * copy of the region is). Returns 0, or -1 with a one-line reason in why.
 */
int acpi_read(const struct dt_info *dt, uintptr_t bias, struct machine_facts *info, char *why,
	      size_t why_size);

#endif
