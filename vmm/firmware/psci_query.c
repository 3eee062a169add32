/*
 * The PSCI calls that only look at the power state machine (psci.c) and
 * change nothing: AFFINITY_INFO (§5.7), NODE_HW_STATE (§5.13), and the
 * statistics STAT_RESIDENCY / STAT_COUNT (§5.21, §5.22).
 *
 *   vCPU:           OFF   ON_PENDING   ON   ON (standby)   ON (power-down)
 *   AFFINITY_INFO   OFF   ON_PENDING   ON   ON             ON
 *   NODE_HW_STATE   OFF   OFF          ON   STANDBY        OFF
 *
 * A node above the core level (our clusters are MPIDR Aff1 groups) answers
 * for all its vCPUs: AFFINITY_INFO ON if any is on, else ON_PENDING if any is
 * pending, else OFF; NODE_HW_STATE ON if any runs, else STANDBY if one is in
 * standby, else OFF. Both read the node in one pass under the lock.
 */
#include <pthread.h>

#include "vmm/firmware/psci_impl.h"

/* How many of a node's vCPUs are in each state, read at one instant. */
struct psci_node {
	unsigned int cpus;    /* in the node: 0 = no such node */
	unsigned int pending; /* ON_PENDING */
	unsigned int on;      /* ON, suspended or not */
	unsigned int running; /* ON and not suspended */
	unsigned int standby; /* ON in a standby suspend */
};

/*
 * Level L of an affinity lookup ignores the affinity fields below L (§5.7,
 * §5.13); level > 3 or bits outside the affinity fields are invalid.
 */
static bool psci_level_mask(uint64_t target, uint64_t level, uint64_t *mask)
{
	static const uint64_t level_mask[] = {
	    MPIDR_HWID_MASK,
	    MPIDR_HWID_MASK & ~0xffULL,
	    MPIDR_HWID_MASK & ~0xffffULL,
	    MPIDR_HWID_MASK & ~0xffffffULL,
	};

	if (level > 3 || (target & ~MPIDR_HWID_MASK))
		return false;
	*mask = level_mask[level];
	return true;
}

/* The node at (target, level); false if the arguments name no node. */
static bool psci_node_read(struct psci *p, uint64_t target, uint64_t level, struct psci_node *n)
{
	uint64_t mask;

	*n = (struct psci_node){0};
	if (!psci_level_mask(target, level, &mask))
		return false;
	pthread_mutex_lock(&p->lock);
	for (unsigned int i = 0; i < p->nr_cpus; i++) {
		const struct psci_cpu *c = &p->cpus[i];
		bool on = c->state == PSCI_CPU_ON;

		if ((c->mpidr & mask) != (target & mask))
			continue;
		n->cpus++;
		n->pending += c->state == PSCI_CPU_ON_PENDING;
		n->on += on;
		n->running += on && c->suspend == PSCI_SUSPEND_NONE;
		n->standby += on && c->suspend == PSCI_SUSPEND_STANDBY;
	}
	pthread_mutex_unlock(&p->lock);
	return n->cpus > 0;
}

/* §5.7: AFFINITY_INFO(target_affinity, lowest_affinity_level). */
enum smccc_outcome psci_call_affinity_info(struct psci *p, const struct smccc_call *call,
					   struct smccc_result *res)
{
	struct psci_node n;

	if (!psci_node_read(p, call->args[0], call->args[1], &n))
		return psci_result(res, PSCI_RET_INVALID_PARAMS);
	return psci_result(res, n.on	    ? PSCI_AFFINITY_ON
				: n.pending ? PSCI_AFFINITY_ON_PENDING
					    : PSCI_AFFINITY_OFF);
}

/* §5.13: NODE_HW_STATE(target_cpu, power_level). */
enum smccc_outcome psci_call_node_hw_state(struct psci *p, const struct smccc_call *call,
					   struct smccc_result *res)
{
	struct psci_node n;

	if (!psci_node_read(p, call->args[0], call->args[1], &n))
		return psci_result(res, PSCI_RET_INVALID_PARAMS);
	return psci_result(res, n.running ? PSCI_HW_ON : n.standby ? PSCI_HW_STANDBY : PSCI_HW_OFF);
}

/*
 * §5.21/§5.22: STAT_RESIDENCY / STAT_COUNT(target_cpu, power_state): time in
 * microseconds spent in, and times entered, one of our power states. An
 * unknown CPU or state reads 0, as the spec asks.
 */
static enum smccc_outcome psci_stat(struct psci *p, const struct smccc_call *call, bool residency,
				    struct smccc_result *res)
{
	int idx = psci_find_cpu(p, call->args[0]);
	enum psci_suspend state = psci_decode_power_state(call->args[1]);
	uint64_t v;

	if (idx < 0 || state == PSCI_SUSPEND_NONE)
		return psci_result(res, 0);
	pthread_mutex_lock(&p->lock);
	v = residency ? p->cpus[idx].residency_us[state] : p->cpus[idx].suspend_count[state];
	pthread_mutex_unlock(&p->lock);
	return psci_result(res, (int64_t)v);
}

enum smccc_outcome psci_call_stat_residency(struct psci *p, const struct smccc_call *call,
					    struct smccc_result *res)
{
	return psci_stat(p, call, true, res);
}

enum smccc_outcome psci_call_stat_count(struct psci *p, const struct smccc_call *call,
					struct smccc_result *res)
{
	return psci_stat(p, call, false, res);
}
