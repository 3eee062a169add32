/*
 * Device-tree builder: a pure function from the machine description
 * (vmm/machine/machine.h) and the boot's initrd to a flattened device tree
 * blob, written with libfdt's sequential-write API.
 * No ioctls, no globals: unit-tested on the build host.
 */
#ifndef FDT_BUILD_H
#define FDT_BUILD_H

#include <stddef.h>
#include <stdint.h>

struct machine;

/*
 * What a boot adds to the machine (vmm/machine/machine.h): where the initrd
 * landed and, for the ACPI stub (fdt_stub.h), where the EFI hand-off data
 * is (from struct acpi_layout, vmm/machine/acpi.h; unused by fdt_build()).
 */
struct fdt_boot {
	/* [initrd_start, initrd_end) in guest-physical memory; equal = none. */
	uint64_t initrd_start, initrd_end;

	uint64_t efi_system_table;
	uint64_t mmap_start;
	uint32_t mmap_size, mmap_desc_size, mmap_desc_ver;
};

/*
 * Build the whole machine's tree into buf (size bytes): /cpus/cpu@<aff>
 * (reg = MPIDR & 0xff00ffffff) for every possible vCPU, memory, PSCI, the
 * GICv3 (with its ITS child if its_size), timer, PMU (if pmu_intid), UART,
 * test device (if testdev_size) and /chosen. Returns 0 on success, or a negative libfdt error code
 * (-FDT_ERR_NOSPACE when buf is NULL or too small). The blob is packed
 * (fdt_totalsize() is its real size).
 *
 * -FDT_ERR_BADVALUE: a NULL machine or boot, no vCPUs or more than
 * MACHINE_MAX_CPUS, no RAM, ram_base + ram_size past 2^64, an unknown
 * conduit, a uart_spi above 987 (INTID 1019), a pmu_intid other than 0 or a
 * PPI (16..31), an ITS frame past 2^64, two MPIDRs with the same affinity (two nodes, one name),
 * initrd_end < initrd_start. initrd_start == initrd_end (any value) means no
 * initrd. On any error the contents of buf are unspecified.
 */
int fdt_build(const struct machine *m, const struct fdt_boot *boot, void *buf, size_t size);

/*
 * The frame every builder here shares: create the blob in buf with an empty
 * reserve map and a root node, let create() add the root's properties and
 * nodes, close and pack it. Returns 0 or a negative libfdt error
 * (-FDT_ERR_NOSPACE for a NULL buf).
 */
typedef int fdt_create_fn(void *fdt, const struct machine *m, const struct fdt_boot *boot);
int fdt_build_blob(void *buf, size_t size, fdt_create_fn *create, const struct machine *m,
		   const struct fdt_boot *boot);

/*
 * /chosen, the node both trees have: bootargs (m->cmdline, if not empty),
 * stdout-path (the UART; full tree only), the initrd, and in ACPI mode
 * (m->acpi) the linux,uefi-* properties of fdt_stub.h.
 */
int fdt_create_chosen(void *fdt, const struct machine *m, const struct fdt_boot *boot);

/*
 * An upper bound on the buffer fdt_build() needs for m (it depends on
 * nr_cpus and strlen(cmdline) only), so a caller can allocate once. The
 * blob itself is smaller: size the guest copy with fdt_totalsize(). (Building
 * needs 8 bytes more than the packed blob, so a buffer of exactly a previous
 * blob's fdt_totalsize() is not enough.)
 */
size_t fdt_build_size_hint(const struct machine *m);

/* The phandle the builder gives the GIC node (the interrupt parent). */
#define FDT_GIC_PHANDLE 1
/* ... and its ITS child (an msi-parent for devices that would have one). */
#define FDT_ITS_PHANDLE 2

#endif
