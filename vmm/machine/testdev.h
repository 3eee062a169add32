/*
 * The VMM's test device (registers in vmm/machine/guest_abi.h): how a guest reports
 * its verdict and learns what the VMM did (resets served, PSCI mode,
 * hypercall exits, snapshot restores). Pure logic behind an mmio_handler_fn.
 */
#ifndef VMM_TESTDEV_H
#define VMM_TESTDEV_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct testdev {
	atomic_bool failed;	    /* the guest wrote a non-zero RESULT */
	atomic_uint result;	    /* the last RESULT written */
	uint32_t resets;	    /* SYSTEM_RESETs served before this boot */
	uint32_t psci_mode;	    /* GUEST_PSCI_MODE_* */
	uint32_t restores;	    /* snapshot restores of this guest (vmm restore) */
	const atomic_ulong *hcalls; /* hypercall exits, owned by the VM */
};

void testdev_mmio(void *ctx, uint64_t offset, uint8_t *data, unsigned int len, bool is_write);

#endif
