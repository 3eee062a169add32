/*
 * The VMM's test device (vmm/machine/guest_abi.h): how the guest reports its verdict
 * and learns what the VMM did (PSCI mode, resets served, hypercall exits).
 * All registers are 32 bits wide.
 */
#ifndef GUEST_TESTDEV_H
#define GUEST_TESTDEV_H

#include <stdint.h>

#include "vmm/machine/guest_abi.h"
#include "guest/arch.h"

static inline uint32_t testdev_read(unsigned int reg)
{
	return mmio_read32(GUEST_TESTDEV_BASE + reg);
}

static inline void testdev_write(unsigned int reg, uint32_t val)
{
	mmio_write32(GUEST_TESTDEV_BASE + reg, val);
}

#endif
