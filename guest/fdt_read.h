/*
 * A small read-only walker for the flattened device tree the VMM passes in
 * x0: just what the test guest needs (CPUs, RAM, PSCI conduit, bootargs, the
 * GICv3 ITS if there is one).
 */
#ifndef GUEST_FDT_READ_H
#define GUEST_FDT_READ_H

#include <stddef.h>
#include <stdint.h>

#include "guest/guest.h"
#include "guest/smccc.h"

/* booting.rst: the DTB must not exceed 2 MiB. */
#define DT_MAX_SIZE	0x200000U
#define DT_BOOTARGS_MAX 256

struct dt_info {
	uint32_t totalsize;

	/* /cpus: nodes with device_type = "cpu", in DT order. The first
	 * GUEST_MAX_CPUS have their reg (MPIDR affinity) in mpidr[]. */
	unsigned int nr_cpus;	    /* entries in mpidr[] */
	unsigned int nr_cpus_found; /* CPU nodes in the DT, used or not */
	uint64_t mpidr[GUEST_MAX_CPUS];

	/* The first reg range of the first /memory node; size 0 if none. */
	uint64_t mem_base, mem_size;

	/* /psci method. */
	enum conduit conduit;

	/* The first node compatible with "arm,gic-v3-its" (a child of the GIC
	 * node): its reg's base, in its parent's #address-cells; 0 if none. */
	uint64_t its_base;

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
