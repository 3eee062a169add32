/*
 * A small read-only walker for the flattened device tree the VMM passes in
 * x0: just what the test guest needs (CPUs, RAM, PSCI conduit, bootargs, the
 * GICv3 ITS if there is one). Under `vmm boot --acpi` the tree is a stub with
 * only /chosen: then it names the EFI system table and memory map, and
 * acpi_read.c finds the rest in the ACPI tables.
 */
#ifndef GUEST_FDT_READ_H
#define GUEST_FDT_READ_H

#include <stddef.h>
#include <stdint.h>

#include "guest/guest.h"
#include "guest/facts.h"
#include "guest/smccc.h"

/* booting.rst: the DTB must not exceed 2 MiB. */
#define DT_MAX_SIZE	0x200000U
#define DT_BOOTARGS_MAX 256

struct dt_info {
	uint32_t totalsize;

	/* /cpus, the first /memory range, /psci's method, the first node
	 * compatible with "arm,gic-v3-its" (its reg's base, in its parent's
	 * #address-cells). */
	struct machine_facts facts;

	/* /chosen's EFI hand-off (drivers/firmware/efi/fdtparams.c names):
	 * linux,uefi-system-table, linux,uefi-mmap-start/-size/-desc-size;
	 * efi_systab 0 if absent. With it the tree need not describe CPUs or
	 * PSCI: the ACPI tables do. */
	uint64_t efi_systab, efi_mmap;
	uint32_t efi_mmap_size, efi_mmap_desc_size;

	/* /chosen bootargs, truncated to fit; "" when absent. */
	char bootargs[DT_BOOTARGS_MAX];
};

/*
 * Parse the blob at dtb into *info. Never reads outside the header's
 * totalsize (itself at most DT_MAX_SIZE). Returns 0, or -1 with a one-line
 * reason in why (why_size bytes).
 */
int dt_read(const void *dtb, struct dt_info *info, char *why, size_t why_size);

#endif
