/*
 * What a description of the machine tells the guest: see facts.h.
 */
#include "guest/facts.h"

void facts_init(struct machine_facts *f)
{
	/* Field by field: no memset in a freestanding guest. */
	f->nr_cpus = f->nr_cpus_found = 0;
	f->conduit = CONDUIT_HVC;
	f->ram_base = f->ram_size = 0;
	f->gicd_base = f->gicr_base = f->gicr_size = 0;
	f->its_base = 0;
}

int facts_add_cpu(struct machine_facts *f, uint64_t mpidr)
{
	f->nr_cpus_found++;
	if (f->nr_cpus >= GUEST_MAX_CPUS)
		return 0;
	for (unsigned int i = 0; i < f->nr_cpus; i++)
		if (f->mpidr[i] == mpidr)
			return -1;
	f->mpidr[f->nr_cpus++] = mpidr;
	return 0;
}
