/*
 * Userspace PSCI (Arm DEN0022, issue E): the per-vCPU power state machine
 * and the handlers for the functions forwarded by the SMCCC filter.
 *
 *   OFF --CPU_ON--> ON_PENDING --vCPU thread resets and runs--> ON --CPU_OFF--> OFF
 *
 * A vCPU counts as on from the moment its CPU_ON succeeds: a second CPU_ON
 * then answers ALREADY_ON, as KVM's in-kernel PSCI does, while AFFINITY_INFO
 * can still tell ON_PENDING until the target really runs (DEN0022 §5.6, §5.7).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/psci.h"

int psci_init(struct psci *p, unsigned int nr_cpus, const uint64_t *mpidrs, uint64_t ram_base,
	      uint64_t ram_size)
{
	memset(p, 0, sizeof(*p));
	if (nr_cpus == 0)
		return -EINVAL;
	p->cpus = calloc(nr_cpus, sizeof(*p->cpus));
	if (!p->cpus)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	for (unsigned int i = 0; i < nr_cpus; i++) {
		p->cpus[i].mpidr = mpidrs[i] & MPIDR_HWID_MASK;
		p->cpus[i].state = PSCI_CPU_OFF;
		pthread_cond_init(&p->cpus[i].wake, NULL);
	}
	p->nr_cpus = nr_cpus;
	p->ram_base = ram_base;
	p->ram_size = ram_size;
	psci_service(p);
	return 0;
}

void psci_destroy(struct psci *p)
{
	if (!p->cpus)
		return;
	for (unsigned int i = 0; i < p->nr_cpus; i++)
		pthread_cond_destroy(&p->cpus[i].wake);
	pthread_mutex_destroy(&p->lock);
	free(p->cpus);
	p->cpus = NULL;
}

void psci_boot_cpu(struct psci *p, unsigned int cpu)
{
	pthread_mutex_lock(&p->lock);
	p->cpus[cpu].state = PSCI_CPU_ON;
	p->cpus[cpu].nr_on++;
	pthread_mutex_unlock(&p->lock);
}

bool psci_wait_for_on(struct psci *p, unsigned int cpu, uint64_t *entry, uint64_t *context_id)
{
	struct psci_cpu *c = &p->cpus[cpu];
	bool on;

	pthread_mutex_lock(&p->lock);
	while (c->state != PSCI_CPU_ON_PENDING && !p->stopping)
		pthread_cond_wait(&c->wake, &p->lock);
	on = !p->stopping;
	if (on) {
		*entry = c->entry;
		*context_id = c->context_id;
	}
	pthread_mutex_unlock(&p->lock);
	return on;
}

void psci_cpu_running(struct psci *p, unsigned int cpu)
{
	pthread_mutex_lock(&p->lock);
	if (p->cpus[cpu].state == PSCI_CPU_ON_PENDING)
		p->cpus[cpu].state = PSCI_CPU_ON;
	pthread_mutex_unlock(&p->lock);
}

void psci_stop(struct psci *p)
{
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	for (unsigned int i = 0; i < p->nr_cpus; i++)
		pthread_cond_broadcast(&p->cpus[i].wake);
	pthread_mutex_unlock(&p->lock);
}

/* Callers hold the lock or own the (immutable) MPIDR table. */
int psci_find_cpu(const struct psci *p, uint64_t mpidr)
{
	if (mpidr & ~MPIDR_HWID_MASK)
		return -1;
	for (unsigned int i = 0; i < p->nr_cpus; i++)
		if (p->cpus[i].mpidr == mpidr)
			return (int)i;
	return -1;
}

enum psci_cpu_state psci_cpu_state(struct psci *p, unsigned int cpu)
{
	enum psci_cpu_state s;

	pthread_mutex_lock(&p->lock);
	s = p->cpus[cpu].state;
	pthread_mutex_unlock(&p->lock);
	return s;
}

/* DEN0022 §5.6: CPU_ON(target_cpu, entry_point_address, context_id). */
static int64_t psci_cpu_on(struct psci *p, uint64_t target, uint64_t entry, uint64_t context_id)
{
	int idx = psci_find_cpu(p, target);
	struct psci_cpu *c;
	int64_t ret;

	if (idx < 0)
		return PSCI_RET_INVALID_PARAMS;
	c = &p->cpus[idx];
	pthread_mutex_lock(&p->lock);
	if (c->state != PSCI_CPU_OFF) {
		ret = PSCI_RET_ALREADY_ON;
	} else if (entry < p->ram_base || entry - p->ram_base >= p->ram_size || (entry & 3)) {
		/* The entry point must be an instruction in guest RAM. */
		ret = PSCI_RET_INVALID_ADDRESS;
	} else {
		c->state = PSCI_CPU_ON_PENDING;
		c->entry = entry;
		c->context_id = context_id;
		c->nr_on++;
		pthread_cond_signal(&c->wake);
		ret = PSCI_RET_SUCCESS;
	}
	pthread_mutex_unlock(&p->lock);
	return ret;
}

/*
 * DEN0022 §5.7: AFFINITY_INFO(target_affinity, lowest_affinity_level).
 * Level L ignores affinity fields below L: the answer covers every vCPU in
 * that node, ON if any is on, else ON_PENDING if any is pending, else OFF.
 */
static int64_t psci_affinity_info(struct psci *p, uint64_t target, uint64_t level)
{
	static const uint64_t level_mask[] = {
		MPIDR_HWID_MASK,
		MPIDR_HWID_MASK & ~0xffULL,
		MPIDR_HWID_MASK & ~0xffffULL,
		MPIDR_HWID_MASK & ~0xffffffULL,
	};
	bool found = false, pending = false;
	int64_t ret = PSCI_AFFINITY_OFF;
	uint64_t mask;

	if (level > 3 || (target & ~MPIDR_HWID_MASK))
		return PSCI_RET_INVALID_PARAMS;
	mask = level_mask[level];
	pthread_mutex_lock(&p->lock);
	for (unsigned int i = 0; i < p->nr_cpus; i++) {
		if ((p->cpus[i].mpidr & mask) != (target & mask))
			continue;
		found = true;
		if (p->cpus[i].state == PSCI_CPU_ON)
			ret = PSCI_AFFINITY_ON;
		else if (p->cpus[i].state == PSCI_CPU_ON_PENDING)
			pending = true;
	}
	pthread_mutex_unlock(&p->lock);
	if (!found)
		return PSCI_RET_INVALID_PARAMS;
	if (ret != PSCI_AFFINITY_ON && pending)
		ret = PSCI_AFFINITY_ON_PENDING;
	return ret;
}

/* DEN0022 §5.15: PSCI_FEATURES. Truthful: exactly what psci_handle serves. */
static int64_t psci_features(uint32_t fid)
{
	switch (fid) {
	case ARM_SMCCC_VERSION_FUNC_ID: /* how guests discover SMCCC >= 1.1 */
	case PSCI_0_2_FN_PSCI_VERSION:
	case PSCI_0_2_FN_CPU_OFF:
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
	case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
	case PSCI_0_2_FN_SYSTEM_OFF:
	case PSCI_0_2_FN_SYSTEM_RESET:
	case PSCI_1_0_FN_PSCI_FEATURES:
		return PSCI_RET_SUCCESS;
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

static unsigned int psci_nr_args(void *ctx, uint32_t fid)
{
	(void)ctx;
	switch (fid) {
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
		return 3;
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
		return 2;
	case PSCI_1_0_FN_PSCI_FEATURES:
		return 1;
	default:
		return 0;
	}
}

static enum smccc_outcome psci_handle(void *ctx, const struct smccc_call *call,
				      struct smccc_result *res)
{
	struct psci *p = ctx;
	int64_t ret = PSCI_RET_NOT_SUPPORTED;

	switch (call->fid) {
	case PSCI_0_2_FN_PSCI_VERSION:
		ret = PSCI_IMPL_VERSION;
		break;
	case PSCI_1_0_FN_PSCI_FEATURES:
		/* The argument is a 32-bit function ID even in X1. */
		ret = psci_features((uint32_t)call->args[0]);
		break;
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
		ret = psci_cpu_on(p, call->args[0], call->args[1], call->args[2]);
		break;
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
		ret = psci_affinity_info(p, call->args[0], call->args[1]);
		break;
	case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
		ret = PSCI_TOS_NOT_PRESENT_MP;
		break;
	case PSCI_0_2_FN_CPU_OFF:
		/* Success does not return (§5.5): nothing to write back. */
		pthread_mutex_lock(&p->lock);
		p->cpus[call->vcpu].state = PSCI_CPU_OFF;
		p->cpus[call->vcpu].nr_off++;
		pthread_mutex_unlock(&p->lock);
		res->nr = 0;
		return SMCCC_CPU_OFF;
	case PSCI_0_2_FN_SYSTEM_OFF:
		res->nr = 0;
		return SMCCC_SYSTEM_OFF;
	case PSCI_0_2_FN_SYSTEM_RESET:
		res->nr = 0;
		return SMCCC_SYSTEM_RESET;
	default:
		break;
	}
	res->x[0] = (uint64_t)ret;
	return SMCCC_RESUME;
}

const struct smccc_service *psci_service(struct psci *p)
{
	p->service.name = "psci";
	p->service.nr_args = psci_nr_args;
	p->service.handle = psci_handle;
	p->service.ctx = p;
	return &p->service;
}
