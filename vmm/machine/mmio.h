/*
 * The MMIO bus: devices register a guest-physical range and a handler; the
 * vCPU run loop hands every KVM_EXIT_MMIO to mmio_access(). Pure logic.
 */
#ifndef VMM_MMIO_H
#define VMM_MMIO_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * A device's handler: offset is relative to the region base, len is 1, 2, 4
 * or 8. For a read, fill data[0..len) (little-endian); for a write, consume
 * it. Called from any vCPU thread: the device does its own locking.
 */
typedef void (*mmio_handler_fn)(void *ctx, uint64_t offset, uint8_t *data, unsigned int len,
				bool is_write);

struct mmio_region {
	uint64_t base, size;
	mmio_handler_fn fn;
	void *ctx;
	const char *name;
};

#define MMIO_MAX_REGIONS 16

struct mmio_bus {
	struct mmio_region regions[MMIO_MAX_REGIONS];
	unsigned int nr;
	atomic_ulong unclaimed; /* accesses no device claimed */
};

enum mmio_result {
	MMIO_HANDLED,
	MMIO_UNCLAIMED_FIRST, /* unclaimed, and the first such access: warn once */
	MMIO_UNCLAIMED,
};

/* Refuses empty or wrapping ranges (-EINVAL), overlaps (-EEXIST) and a full bus (-ENOSPC). */
int mmio_register(struct mmio_bus *bus, uint64_t base, uint64_t size, mmio_handler_fn fn, void *ctx,
		  const char *name);

/*
 * Route one access. An address no device claims reads as zero and ignores
 * writes: a guest must not be able to kill the VMM by poking the void.
 */
enum mmio_result mmio_access(struct mmio_bus *bus, uint64_t addr, uint8_t *data, unsigned int len,
			     bool is_write);

#endif
