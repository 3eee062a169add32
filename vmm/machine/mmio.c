#include <errno.h>
#include <string.h>

#include "vmm/machine/mmio.h"

int mmio_register(struct mmio_bus *bus, uint64_t base, uint64_t size, mmio_handler_fn fn, void *ctx,
		  const char *name)
{
	if (size == 0 || base + size < base || !fn)
		return -EINVAL;
	for (unsigned int i = 0; i < bus->nr; i++) {
		const struct mmio_region *r = &bus->regions[i];

		if (base < r->base + r->size && r->base < base + size)
			return -EEXIST;
	}
	if (bus->nr == MMIO_MAX_REGIONS)
		return -ENOSPC;
	bus->regions[bus->nr++] = (struct mmio_region){base, size, fn, ctx, name};
	return 0;
}

enum mmio_result mmio_access(struct mmio_bus *bus, uint64_t addr, uint8_t *data, unsigned int len,
			     bool is_write)
{
	for (unsigned int i = 0; i < bus->nr; i++) {
		const struct mmio_region *r = &bus->regions[i];

		/* The whole access must fall inside the region. */
		if (addr >= r->base && addr - r->base < r->size &&
		    len <= r->size - (addr - r->base)) {
			r->fn(r->ctx, addr - r->base, data, len, is_write);
			return MMIO_HANDLED;
		}
	}
	if (!is_write)
		memset(data, 0, len);
	return atomic_fetch_add(&bus->unclaimed, 1) == 0 ? MMIO_UNCLAIMED_FIRST : MMIO_UNCLAIMED;
}
