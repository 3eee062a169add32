/*
 * The machine as the device tree describes it: see machine.h.
 */
#include <stdint.h>

#include "guest/machine.h"

struct machine machine;

int cpu_index_of(uint64_t mpidr)
{
	for (unsigned int i = 0; i < machine.nr_cpus; i++) {
		if (machine.mpidr[i] == mpidr)
			return (int)i;
	}
	return -1;
}
