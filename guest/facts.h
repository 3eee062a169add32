/*
 * What a description of the machine tells the guest: the device tree
 * (fdt_read.c) or, under `vmm boot --acpi`, the ACPI tables (acpi_read.c).
 * Both readers fill this one struct, so main.c takes the machine from
 * whichever the boot used without copying field by field twice.
 */
#ifndef GUEST_FACTS_H
#define GUEST_FACTS_H

#include <stdint.h>

#include "guest/guest.h"
#include "guest/smccc.h"

struct machine_facts {
	/* The CPUs in description order (DT /cpus nodes with device_type
	 * "cpu"; MADT GICCs Enabled or Online Capable): the first
	 * GUEST_MAX_CPUS have their MPIDR affinity in mpidr[]. */
	unsigned int nr_cpus;	    /* entries in mpidr[] */
	unsigned int nr_cpus_found; /* CPUs described, used or not */
	uint64_t mpidr[GUEST_MAX_CPUS];

	/* PSCI's conduit: the DT's /psci method, the FADT's ARM boot flags. */
	enum conduit conduit;

	/* The RAM: the first reg range of the first /memory node, or the first
	 * EfiConventionalMemory range of the EFI memory map; size 0 if none. */
	uint64_t ram_base, ram_size;

	/* The GICv3: the MADT's GICD and its one GICR range (the DT reader
	 * does not read them: 0), and the first GIC ITS (0 if none). */
	uint64_t gicd_base, gicr_base, gicr_size;
	uint64_t its_base;
};

/* Empty: no CPUs, no RAM, no GIC, the HVC conduit. */
void facts_init(struct machine_facts *f);

/* One more CPU described, with this MPIDR: 0, or -1 if an earlier one had
 * the same (a description in error; the reader says so). Past
 * GUEST_MAX_CPUS it is only counted. */
int facts_add_cpu(struct machine_facts *f, uint64_t mpidr);

#endif
