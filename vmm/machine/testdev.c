#include <string.h>

#include "vmm/machine/guest_abi.h"
#include "vmm/machine/testdev.h"

void testdev_mmio(void *ctx, uint64_t offset, uint8_t *data, unsigned int len, bool is_write)
{
	struct testdev *t = ctx;
	uint32_t v = 0;

	if (is_write) {
		/* Any width counts: a failing guest must not pass by writing a byte. */
		if (offset == GUEST_TESTDEV_RESULT) {
			memcpy(&v, data, len < 4 ? len : 4);
			atomic_store(&t->result, v);
			if (v)
				atomic_store(&t->failed, true);
		}
		return; /* writes to read-only registers are ignored */
	}
	switch (offset) {
	case GUEST_TESTDEV_ID:
		v = GUEST_TESTDEV_MAGIC;
		break;
	case GUEST_TESTDEV_RESETS:
		v = t->resets;
		break;
	case GUEST_TESTDEV_PSCI_MODE:
		v = t->psci_mode;
		break;
	case GUEST_TESTDEV_RESTORES:
		v = t->restores;
		break;
	case GUEST_TESTDEV_HCALLS:
		v = t->hcalls ? (uint32_t)atomic_load(t->hcalls) : 0;
		break;
	default:
		break;
	}
	memset(data, 0, len);
	memcpy(data, &v, len < 4 ? len : 4);
}
