/*
 * Device-tree builder: a pure function from a description of the machine to
 * a flattened device tree blob, written with libfdt's sequential-write API.
 * No ioctls, no globals: unit-tested on the build host.
 */
#ifndef FDT_BUILD_H
#define FDT_BUILD_H

#include <stddef.h>
#include <stdint.h>

enum fdt_psci_method {
	FDT_PSCI_HVC,
	FDT_PSCI_SMC,
};

struct fdt_desc {
	uint64_t ram_base;
	uint64_t ram_size;

	/* One entry per possible vCPU: the MPIDR_EL1 value KVM reports. The
	 * node is /cpus/cpu@<affinity> with reg = MPIDR & 0xff00ffffff. */
	unsigned int nr_cpus;
	const uint64_t *mpidrs;

	enum fdt_psci_method psci_method;

	uint64_t gicd_base, gicd_size;
	uint64_t gicr_base, gicr_size;

	uint64_t uart_base, uart_size;
	uint32_t uart_clock_hz;
	uint32_t uart_spi; /* GIC SPI number (INTID - 32) */

	/* The PMU's overflow interrupt as a PPI INTID (16..31): a /pmu node
	 * (arm,armv8-pmuv3) on every CPU; 0 leaves it out (no --pmu). */
	uint32_t pmu_intid;

	/* The VMM's test device (vmm/machine/guest_abi.h); 0 size leaves it out. */
	uint64_t testdev_base, testdev_size;

	const char *bootargs; /* NULL or "" leaves /chosen/bootargs out */

	/* [initrd_start, initrd_end) in guest-physical memory; both 0 = none. */
	uint64_t initrd_start, initrd_end;
};

/*
 * Build the blob into buf (size bytes). Returns 0 on success, or a negative
 * libfdt error code (-FDT_ERR_NOSPACE when buf is too small, -FDT_ERR_BADVALUE
 * for a description that cannot be expressed, e.g. no CPUs). The blob is packed
 * (fdt_totalsize() is its real size).
 *
 * Also -FDT_ERR_BADVALUE: a NULL desc, ram_base + ram_size past 2^64, an
 * unknown psci_method, a uart_spi above 987 (INTID 1019), a pmu_intid other
 * than 0 or a PPI (16..31), two MPIDRs with the
 * same affinity (two nodes, one name), initrd_end < initrd_start.
 * initrd_start == initrd_end (any value) means no initrd. On any error the
 * contents of buf are unspecified; a NULL buf gives -FDT_ERR_NOSPACE.
 */
int fdt_build(const struct fdt_desc *desc, void *buf, size_t size);

/*
 * The sequential-write frame every builder here shares: create the blob in
 * buf, let create() add the tree (ending with fdt_finish()), then pack it.
 * Returns 0 or a negative libfdt error (-FDT_ERR_NOSPACE for a NULL buf).
 */
int fdt_build_blob(void *buf, size_t size, int (*create)(void *fdt, const void *ctx),
		   const void *ctx);

/*
 * An upper bound on the buffer fdt_build() needs for desc (it depends on
 * nr_cpus and strlen(bootargs) only), so a caller can allocate once. The
 * blob itself is smaller: size the guest copy with fdt_totalsize(). (Building
 * needs 8 bytes more than the packed blob, so a buffer of exactly a previous
 * blob's fdt_totalsize() is not enough.)
 */
size_t fdt_build_size_hint(const struct fdt_desc *desc);

/* The phandle the builder gives the GIC node (the interrupt parent). */
#define FDT_GIC_PHANDLE 1

#endif
