/*
 * The machine as the device tree describes it (machine.c), or under
 * `vmm boot --acpi` the ACPI tables (acpi_read.c): the CPUs and their
 * MPIDRs, the PSCI conduit, the RAM, the GIC. Filled in once by primary_main()
 * before anything else runs; read by every other part of the guest.
 */
#ifndef GUEST_MACHINE_H
#define GUEST_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "guest/guest.h"
#include "guest/smccc.h"

struct machine {
	unsigned int nr_cpus;
	unsigned int nr_cpus_dt;	/* CPU nodes in the DT, used or not */
	uint64_t mpidr[GUEST_MAX_CPUS]; /* DT reg of each logical CPU */
	unsigned int boot_cpu;		/* logical index of the boot CPU */
	enum conduit conduit;		/* the DT's /psci method */
	uint64_t ram_base, ram_size;	/* the DT's first /memory range */
	uint64_t its_base;		/* the GICv3 ITS, 0 if none */
	uint64_t gicd_base;		/* the GICv3 distributor */
	uint64_t gicr_base;		/* redistributor of CPU 0; then one per CPU */
	bool acpi;			/* described by ACPI tables, not the DT */
};
extern struct machine machine;

/* Logical index of the CPU with DT reg mpidr, or -1. */
int cpu_index_of(uint64_t mpidr);

#endif
