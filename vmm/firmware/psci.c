/*
 * Userspace PSCI 1.3 (Arm DEN0022): the per-vCPU power state machine and
 * the handlers for the functions forwarded by the SMCCC filter.
 *
 *   absent --plug--> OFF --CPU_ON--> ON_PENDING --vCPU runs--> ON --CPU_OFF--> OFF
 *                     ^--unplug--'                              |  ^
 *                                             CPU_SUSPEND(_DEFAULT)  wake-up
 *                                                               v  |
 *                                                            ON (suspended)
 *
 * A vCPU counts as on from the moment its CPU_ON succeeds: a second CPU_ON
 * then answers ALREADY_ON, as KVM's in-kernel PSCI does, while AFFINITY_INFO
 * can still tell ON_PENDING until the target really runs (§5.6, §5.7). A
 * suspended vCPU is ON for AFFINITY_INFO and STANDBY/OFF for NODE_HW_STATE.
 *
 * Every change of a vCPU's state is told to the observer (psci.h), under the
 * lock, by the function that makes it: psci.c does no I/O of its own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmm/firmware/psci.h"

static uint64_t psci_clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

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
		p->cpus[i].present = true;
		p->cpus[i].suspend = PSCI_SUSPEND_NONE;
		pthread_cond_init(&p->cpus[i].wake, NULL);
	}
	p->nr_cpus = nr_cpus;
	p->ram_base = ram_base;
	p->ram_size = ram_size;
	p->now_us = psci_clock_us;
	psci_service(p);
	return 0;
}

/* The name of c's state, as psci_cpu_state_name() spells it. */
static const char *cpu_state_name(const struct psci_cpu *c)
{
	struct psci_cpu_info info = {
	    .state = c->state,
	    .present = c->present,
	    .suspend = c->suspend,
	};

	return psci_cpu_state_name(&info);
}

/* Call with the lock held, after the change; from is the name before it. */
static void notify(struct psci *p, unsigned int cpu, const char *from, const char *cause)
{
	const char *to = cpu_state_name(&p->cpus[cpu]);

	if (p->observer && strcmp(from, to))
		p->observer(p->observer_ctx, cpu, from, to, cause);
}

void psci_set_observer(struct psci *p, psci_observer_fn fn, void *ctx)
{
	pthread_mutex_lock(&p->lock);
	p->observer = fn;
	p->observer_ctx = ctx;
	pthread_mutex_unlock(&p->lock);
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
	const char *from;

	pthread_mutex_lock(&p->lock);
	from = cpu_state_name(&p->cpus[cpu]);
	p->cpus[cpu].state = PSCI_CPU_ON;
	p->cpus[cpu].present = true;
	p->cpus[cpu].nr_on++;
	notify(p, cpu, from, "boot");
	pthread_mutex_unlock(&p->lock);
}

bool psci_wait_for_on(struct psci *p, unsigned int cpu, uint64_t *entry, uint64_t *context_id)
{
	struct psci_cpu *c = &p->cpus[cpu];
	bool on;

	pthread_mutex_lock(&p->lock);
	/* A lost CPU_ON leaves the vCPU ON_PENDING without ever starting it. */
	while ((c->state != PSCI_CPU_ON_PENDING || c->lost) && !p->stopping)
		pthread_cond_wait(&c->wake, &p->lock);
	on = !p->stopping;
	if (on) {
		*entry = c->entry;
		*context_id = c->context_id;
	}
	pthread_mutex_unlock(&p->lock);
	return on;
}

bool psci_entry_big_endian(struct psci *p, unsigned int cpu)
{
	bool be;

	pthread_mutex_lock(&p->lock);
	be = p->cpus[cpu].entry_be;
	pthread_mutex_unlock(&p->lock);
	return be;
}

bool psci_call_enters_at(uint32_t fid)
{
	switch (fid) {
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
	case PSCI_0_2_FN_CPU_SUSPEND:
	case PSCI_0_2_FN64_CPU_SUSPEND:
	case PSCI_1_0_FN_CPU_DEFAULT_SUSPEND:
	case PSCI_1_0_FN64_CPU_DEFAULT_SUSPEND:
	case PSCI_1_0_FN_SYSTEM_SUSPEND:
	case PSCI_1_0_FN64_SYSTEM_SUSPEND:
		return true;
	default:
		return false;
	}
}

void psci_cpu_running(struct psci *p, unsigned int cpu)
{
	pthread_mutex_lock(&p->lock);
	if (p->cpus[cpu].state == PSCI_CPU_ON_PENDING) {
		p->cpus[cpu].state = PSCI_CPU_ON;
		notify(p, cpu, "on-pending", "running");
	}
	pthread_mutex_unlock(&p->lock);
}

bool psci_suspend_end(struct psci *p, unsigned int cpu, uint64_t *entry, uint64_t *context_id)
{
	struct psci_cpu *c = &p->cpus[cpu];
	bool powerdown = false;

	pthread_mutex_lock(&p->lock);
	if (c->suspend != PSCI_SUSPEND_NONE) {
		uint64_t now = p->now_us();

		c->residency_us[c->suspend] += now - c->suspend_start_us;
		powerdown = c->suspend == PSCI_SUSPEND_POWERDOWN;
		c->suspend = PSCI_SUSPEND_NONE;
		notify(p, cpu, "suspended", "wake-up");
		*entry = c->entry;
		*context_id = c->context_id;
	}
	pthread_mutex_unlock(&p->lock);
	return powerdown;
}

void psci_stop(struct psci *p)
{
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	for (unsigned int i = 0; i < p->nr_cpus; i++)
		pthread_cond_broadcast(&p->cpus[i].wake);
	pthread_mutex_unlock(&p->lock);
}

/* The MPIDR table never changes after init: no lock needed. */
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

void psci_set_present(struct psci *p, unsigned int cpu, bool present)
{
	const char *from;

	pthread_mutex_lock(&p->lock);
	from = cpu_state_name(&p->cpus[cpu]);
	p->cpus[cpu].present = present;
	notify(p, cpu, from, present ? "plug" : "unplug");
	pthread_mutex_unlock(&p->lock);
}

int psci_plug(struct psci *p, unsigned int cpu)
{
	const char *from;
	int ret = 0;

	if (cpu >= p->nr_cpus)
		return -ENOENT;
	pthread_mutex_lock(&p->lock);
	from = cpu_state_name(&p->cpus[cpu]);
	if (p->cpus[cpu].present && !p->cpus[cpu].unplug_when_off)
		ret = -EALREADY;
	p->cpus[cpu].present = true;
	p->cpus[cpu].unplug_when_off = false; /* plug cancels a deferred unplug */
	notify(p, cpu, from, "plug");
	pthread_mutex_unlock(&p->lock);
	return ret;
}

int psci_unplug(struct psci *p, unsigned int cpu, bool when_off)
{
	struct psci_cpu *c;
	int ret;

	if (cpu >= p->nr_cpus)
		return -ENOENT;
	/* vCPU 0 is where the VM boots, after every SYSTEM_RESET too
	 * (psci_boot_cpu): an unplug would be undone by the next reset. */
	if (cpu == 0)
		return -EPERM;
	c = &p->cpus[cpu];
	pthread_mutex_lock(&p->lock);
	if (!c->present) {
		ret = -EALREADY;
	} else if (c->state == PSCI_CPU_OFF) {
		c->present = false;
		notify(p, cpu, "off", "unplug");
		ret = 0;
	} else if (when_off) {
		c->unplug_when_off = true;
		ret = 1;
	} else {
		ret = -EBUSY;
	}
	pthread_mutex_unlock(&p->lock);
	return ret;
}

int psci_cpu_info(struct psci *p, unsigned int cpu, struct psci_cpu_info *info)
{
	const struct psci_cpu *c;

	if (cpu >= p->nr_cpus)
		return -ENOENT;
	c = &p->cpus[cpu];
	pthread_mutex_lock(&p->lock);
	*info = (struct psci_cpu_info){
	    .mpidr = c->mpidr,
	    .state = c->state,
	    .present = c->present,
	    .unplug_when_off = c->unplug_when_off,
	    .lost = c->lost,
	    .suspend = c->suspend,
	    .nr_on = c->nr_on,
	    .nr_off = c->nr_off,
	};
	pthread_mutex_unlock(&p->lock);
	return 0;
}

const char *psci_cpu_state_name(const struct psci_cpu_info *info)
{
	if (!info->present)
		return "absent";
	switch (info->state) {
	case PSCI_CPU_OFF:
		return "off";
	case PSCI_CPU_ON_PENDING:
		return "on-pending";
	case PSCI_CPU_ON:
		return info->suspend != PSCI_SUSPEND_NONE ? "suspended" : "on";
	}
	return "?";
}

static bool psci_entry_valid(const struct psci *p, uint64_t entry)
{
	/* An instruction in guest RAM. */
	return entry >= p->ram_base && entry - p->ram_base < p->ram_size && !(entry & 3);
}

/*
 * Every PSCI call that returns writes x0 = the result and x1..x3 = 0, as
 * KVM's in-kernel PSCI does (smccc_set_retval(vcpu, val, 0, 0, 0)): a guest
 * then sees the same registers under --psci user and --psci kernel. It costs
 * three register writes per call; the arguments left in x1..x3 would
 * otherwise tell the two modes apart.
 */
static enum smccc_outcome psci_result(struct smccc_result *res, int64_t ret)
{
	res->x[0] = (uint64_t)ret;
	res->x[1] = res->x[2] = res->x[3] = 0;
	res->nr = 4;
	return SMCCC_RESUME;
}

/* §5.6: CPU_ON(target_cpu, entry_point_address, context_id). */
static int64_t psci_cpu_on(struct psci *p, uint64_t target, uint64_t entry, uint64_t context_id,
			   bool caller_be, bool lost)
{
	int idx = psci_find_cpu(p, target);
	struct psci_cpu *c;
	int64_t ret;

	if (idx < 0)
		return PSCI_RET_INVALID_PARAMS;
	c = &p->cpus[idx];
	pthread_mutex_lock(&p->lock);
	if (!c->present) {
		/* PSCI 1.2: a CPU that exists but is not there to be started. */
		ret = PSCI_RET_DENIED;
	} else if (c->state != PSCI_CPU_OFF) {
		ret = PSCI_RET_ALREADY_ON;
	} else if (!psci_entry_valid(p, entry)) {
		ret = PSCI_RET_INVALID_ADDRESS;
	} else {
		c->state = PSCI_CPU_ON_PENDING;
		c->entry = entry;
		c->context_id = context_id;
		c->entry_be = caller_be;
		c->nr_on++;
		/* Injected "a core that never comes up": the firmware believes
		 * the core is on its way, so it stays ON_PENDING (what TF-A's
		 * AFFINITY_INFO shows for a core that never reaches its warm
		 * boot entry) and its thread is never woken. */
		c->lost = lost;
		if (!lost)
			pthread_cond_signal(&c->wake);
		notify(p, (unsigned int)idx, "off", lost ? "CPU_ON lost" : "CPU_ON");
		ret = PSCI_RET_SUCCESS;
	}
	pthread_mutex_unlock(&p->lock);
	return ret;
}

/* §5.5: CPU_OFF. Success does not return: nothing is written back. */
static enum smccc_outcome psci_cpu_off(struct psci *p, unsigned int cpu, struct smccc_result *res)
{
	struct psci_cpu *c = &p->cpus[cpu];

	const char *from;

	pthread_mutex_lock(&p->lock);
	from = cpu_state_name(c);
	c->state = PSCI_CPU_OFF;
	c->nr_off++;
	if (c->unplug_when_off) {
		c->present = false;
		c->unplug_when_off = false;
	}
	notify(p, cpu, from, "CPU_OFF");
	pthread_mutex_unlock(&p->lock);
	res->nr = 0;
	return SMCCC_CPU_OFF;
}

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

/* §5.7: AFFINITY_INFO: ON if any vCPU in the node is on, else ON_PENDING if
 * any is pending, else OFF. */
static int64_t psci_affinity_info(struct psci *p, uint64_t target, uint64_t level)
{
	bool found = false, pending = false, on = false;
	uint64_t mask;

	if (!psci_level_mask(target, level, &mask))
		return PSCI_RET_INVALID_PARAMS;
	pthread_mutex_lock(&p->lock);
	for (unsigned int i = 0; i < p->nr_cpus; i++) {
		if ((p->cpus[i].mpidr & mask) != (target & mask))
			continue;
		found = true;
		on |= p->cpus[i].state == PSCI_CPU_ON;
		pending |= p->cpus[i].state == PSCI_CPU_ON_PENDING;
	}
	pthread_mutex_unlock(&p->lock);
	if (!found)
		return PSCI_RET_INVALID_PARAMS;
	return on ? PSCI_AFFINITY_ON : pending ? PSCI_AFFINITY_ON_PENDING : PSCI_AFFINITY_OFF;
}

/*
 * §5.13: NODE_HW_STATE. At the core level: HW_ON when running, HW_STANDBY in
 * a standby suspend, HW_OFF when off or in a power-down suspend. Higher
 * levels (our clusters are MPIDR Aff1 groups) are ON if any core is on,
 * STANDBY if none is on but one is in standby, else OFF.
 */
static int64_t psci_node_hw_state(struct psci *p, uint64_t target, uint64_t level)
{
	bool found = false, on = false, standby = false;
	uint64_t mask;

	if (!psci_level_mask(target, level, &mask))
		return PSCI_RET_INVALID_PARAMS;
	pthread_mutex_lock(&p->lock);
	for (unsigned int i = 0; i < p->nr_cpus; i++) {
		const struct psci_cpu *c = &p->cpus[i];

		if ((c->mpidr & mask) != (target & mask))
			continue;
		found = true;
		if (c->state == PSCI_CPU_ON && c->suspend == PSCI_SUSPEND_STANDBY)
			standby = true;
		else if (c->state == PSCI_CPU_ON && c->suspend == PSCI_SUSPEND_NONE)
			on = true;
	}
	pthread_mutex_unlock(&p->lock);
	if (!found)
		return PSCI_RET_INVALID_PARAMS;
	return on ? PSCI_HW_ON : standby ? PSCI_HW_STANDBY : PSCI_HW_OFF;
}

/* Our two power states; any other power_state value is invalid. */
static enum psci_suspend psci_decode_power_state(uint64_t power_state)
{
	if (power_state == PSCI_POWER_STATE_STANDBY)
		return PSCI_SUSPEND_STANDBY;
	if (power_state == PSCI_POWER_STATE_POWERDOWN)
		return PSCI_SUSPEND_POWERDOWN;
	return PSCI_SUSPEND_NONE;
}

/*
 * Enter a suspend state on the calling vCPU. Standby returns SUCCESS when
 * woken (§5.4.2); power-down never returns, the vCPU resumes at entry with
 * x0 = context_id as after CPU_ON (§6.4.3).
 */
static enum smccc_outcome psci_suspend_begin(struct psci *p, const struct smccc_call *call,
					     enum psci_suspend state, uint64_t entry,
					     uint64_t context_id, struct smccc_result *res)
{
	struct psci_cpu *c = &p->cpus[call->vcpu];

	pthread_mutex_lock(&p->lock);
	c->suspend = state;
	notify(p, call->vcpu, "on", "suspend");
	c->suspend_count[state]++;
	c->suspend_start_us = p->now_us();
	c->entry = entry;
	c->context_id = context_id;
	c->entry_be = call->caller_be;
	pthread_mutex_unlock(&p->lock);
	if (state == PSCI_SUSPEND_POWERDOWN) {
		res->nr = 0;
	} else {
		psci_result(res, PSCI_RET_SUCCESS);
	}
	return SMCCC_CPU_SUSPEND;
}

/* §5.4: CPU_SUSPEND(power_state, entry_point_address, context_id). */
static enum smccc_outcome psci_cpu_suspend(struct psci *p, const struct smccc_call *call,
					   struct smccc_result *res)
{
	enum psci_suspend state = psci_decode_power_state(call->args[0]);

	if (state == PSCI_SUSPEND_NONE) {
		return psci_result(res, PSCI_RET_INVALID_PARAMS);
	}
	if (state == PSCI_SUSPEND_POWERDOWN && !psci_entry_valid(p, call->args[1])) {
		return psci_result(res, PSCI_RET_INVALID_ADDRESS);
	}
	return psci_suspend_begin(p, call, state, call->args[1], call->args[2], res);
}

/* §5.12: CPU_DEFAULT_SUSPEND(entry_point_address, context_id): our default
 * is the core power-down state. */
static enum smccc_outcome psci_cpu_default_suspend(struct psci *p, const struct smccc_call *call,
						   struct smccc_result *res)
{
	if (!psci_entry_valid(p, call->args[0])) {
		return psci_result(res, PSCI_RET_INVALID_ADDRESS);
	}
	return psci_suspend_begin(p, call, PSCI_SUSPEND_POWERDOWN, call->args[0], call->args[1],
				  res);
}

/*
 * §5.19: SYSTEM_SUSPEND(entry_point_address, context_id): only when every
 * other vCPU is off (else DENIED); the system then sleeps like the caller's
 * power-down suspend and resumes at the entry point on a wake-up event.
 */
static enum smccc_outcome psci_system_suspend(struct psci *p, const struct smccc_call *call,
					      struct smccc_result *res)
{
	bool others_on = false;

	pthread_mutex_lock(&p->lock);
	for (unsigned int i = 0; i < p->nr_cpus; i++)
		if (i != call->vcpu && p->cpus[i].state != PSCI_CPU_OFF)
			others_on = true;
	pthread_mutex_unlock(&p->lock);
	if (others_on) {
		return psci_result(res, PSCI_RET_DENIED);
	}
	if (!psci_entry_valid(p, call->args[0])) {
		return psci_result(res, PSCI_RET_INVALID_ADDRESS);
	}
	return psci_suspend_begin(p, call, PSCI_SUSPEND_POWERDOWN, call->args[0], call->args[1],
				  res);
}

/*
 * §5.21/§5.22: STAT_RESIDENCY / STAT_COUNT(target_cpu, power_state): time in
 * microseconds spent in, and times entered, one of our power states. An
 * unknown CPU or state reads 0, as the spec asks.
 */
static uint64_t psci_stat(struct psci *p, uint64_t target, uint64_t power_state, bool residency)
{
	int idx = psci_find_cpu(p, target);
	enum psci_suspend state = psci_decode_power_state(power_state);
	uint64_t v;

	if (idx < 0 || state == PSCI_SUSPEND_NONE)
		return 0;
	pthread_mutex_lock(&p->lock);
	v = residency ? p->cpus[idx].residency_us[state] : p->cpus[idx].suspend_count[state];
	pthread_mutex_unlock(&p->lock);
	return v;
}

/* One row per PSCI function: how many argument registers it reads and what
 * PSCI_FEATURES answers. features < 0 marks a function we decline
 * (NOT_SUPPORTED), so FEATURES, argument fetching and dispatch cannot
 * disagree. */
struct psci_function {
	uint32_t fid;
	uint8_t nr_args;
	int32_t features;
};

static const struct psci_function psci_functions[] = {
    {PSCI_0_2_FN_PSCI_VERSION, 0, 0},
    /* bit 1 = 0: original power_state format; bit 0 = 0: no OS-initiated mode */
    {PSCI_0_2_FN_CPU_SUSPEND, 3, 0},
    {PSCI_0_2_FN64_CPU_SUSPEND, 3, 0},
    {PSCI_0_2_FN_CPU_OFF, 0, 0},
    {PSCI_0_2_FN_CPU_ON, 3, 0},
    {PSCI_0_2_FN64_CPU_ON, 3, 0},
    {PSCI_0_2_FN_AFFINITY_INFO, 2, 0},
    {PSCI_0_2_FN64_AFFINITY_INFO, 2, 0},
    /* MIGRATE_INFO_TYPE says there is no Trusted OS: nothing to migrate. */
    {PSCI_0_2_FN_MIGRATE, 1, -1},
    {PSCI_0_2_FN64_MIGRATE, 1, -1},
    {PSCI_0_2_FN_MIGRATE_INFO_TYPE, 0, 0},
    {PSCI_0_2_FN_MIGRATE_INFO_UP_CPU, 0, -1},
    {PSCI_0_2_FN64_MIGRATE_INFO_UP_CPU, 0, -1},
    {PSCI_0_2_FN_SYSTEM_OFF, 0, 0},
    {PSCI_0_2_FN_SYSTEM_RESET, 0, 0},
    {PSCI_1_0_FN_PSCI_FEATURES, 1, 0},
    /* CPU_FREEZE would need a retention state we do not model. */
    {PSCI_1_0_FN_CPU_FREEZE, 0, -1},
    {PSCI_1_0_FN_CPU_DEFAULT_SUSPEND, 2, 0},
    {PSCI_1_0_FN64_CPU_DEFAULT_SUSPEND, 2, 0},
    {PSCI_1_0_FN_NODE_HW_STATE, 2, 0},
    {PSCI_1_0_FN64_NODE_HW_STATE, 2, 0},
    {PSCI_1_0_FN_SYSTEM_SUSPEND, 2, 0},
    {PSCI_1_0_FN64_SYSTEM_SUSPEND, 2, 0},
    /* Only meaningful with OS-initiated mode, which we do not offer (§5.20). */
    {PSCI_1_0_FN_SET_SUSPEND_MODE, 1, -1},
    {PSCI_1_0_FN_STAT_RESIDENCY, 2, 0},
    {PSCI_1_0_FN64_STAT_RESIDENCY, 2, 0},
    {PSCI_1_0_FN_STAT_COUNT, 2, 0},
    {PSCI_1_0_FN64_STAT_COUNT, 2, 0},
    {PSCI_1_1_FN_SYSTEM_RESET2, 2, 0},
    {PSCI_1_1_FN64_SYSTEM_RESET2, 2, 0},
    /* No memory is scrubbed on reset here: nothing to protect (§5.17). */
    {PSCI_1_1_FN_MEM_PROTECT, 1, -1},
    {PSCI_1_1_FN_MEM_PROTECT_CHECK_RANGE, 2, -1},
    {PSCI_1_1_FN64_MEM_PROTECT_CHECK_RANGE, 2, -1},
    /* PSCI 1.3: the answer is the bitmap of supported off types. */
    {PSCI_1_3_FN_SYSTEM_OFF2, 2, PSCI_OFF2_HIBERNATE_OFF},
    {PSCI_1_3_FN64_SYSTEM_OFF2, 2, PSCI_OFF2_HIBERNATE_OFF},
};

static const struct psci_function *psci_function(uint32_t fid)
{
	for (size_t i = 0; i < sizeof(psci_functions) / sizeof(psci_functions[0]); i++)
		if (psci_functions[i].fid == fid)
			return &psci_functions[i];
	return NULL;
}

/* §5.15: PSCI_FEATURES, truthful by construction (the table above). */
static int64_t psci_features(uint32_t fid)
{
	const struct psci_function *f;

	if (fid == ARM_SMCCC_VERSION_FUNC_ID) /* how guests discover SMCCC >= 1.1 */
		return PSCI_RET_SUCCESS;
	f = psci_function(fid);
	return f && f->features >= 0 ? f->features : PSCI_RET_NOT_SUPPORTED;
}

static unsigned int psci_nr_args(void *ctx, uint32_t fid)
{
	const struct psci_function *f = psci_function(fid);

	(void)ctx;
	return f && f->features >= 0 ? f->nr_args : 0;
}

static enum smccc_outcome psci_handle(void *ctx, const struct smccc_call *call,
				      struct smccc_result *res)
{
	struct psci *p = ctx;
	const uint64_t *a = call->args;

	switch (call->fid) {
	case PSCI_0_2_FN_PSCI_VERSION:
		return psci_result(res, PSCI_IMPL_VERSION);
	case PSCI_1_0_FN_PSCI_FEATURES:
		/* The argument is a 32-bit function ID even in X1. */
		return psci_result(res, psci_features((uint32_t)a[0]));
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
		return psci_result(res,
				   psci_cpu_on(p, a[0], a[1], a[2], call->caller_be, call->lost));
	case PSCI_0_2_FN_CPU_OFF:
		return psci_cpu_off(p, call->vcpu, res);
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
		return psci_result(res, psci_affinity_info(p, a[0], a[1]));
	case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
		return psci_result(res, PSCI_TOS_NOT_PRESENT_MP);
	case PSCI_0_2_FN_CPU_SUSPEND:
	case PSCI_0_2_FN64_CPU_SUSPEND:
		return psci_cpu_suspend(p, call, res);
	case PSCI_1_0_FN_CPU_DEFAULT_SUSPEND:
	case PSCI_1_0_FN64_CPU_DEFAULT_SUSPEND:
		return psci_cpu_default_suspend(p, call, res);
	case PSCI_1_0_FN_SYSTEM_SUSPEND:
	case PSCI_1_0_FN64_SYSTEM_SUSPEND:
		return psci_system_suspend(p, call, res);
	case PSCI_1_0_FN_NODE_HW_STATE:
	case PSCI_1_0_FN64_NODE_HW_STATE:
		return psci_result(res, psci_node_hw_state(p, a[0], a[1]));
	case PSCI_1_0_FN_STAT_RESIDENCY:
	case PSCI_1_0_FN64_STAT_RESIDENCY:
		return psci_result(res, (int64_t)psci_stat(p, a[0], a[1], true));
	case PSCI_1_0_FN_STAT_COUNT:
	case PSCI_1_0_FN64_STAT_COUNT:
		return psci_result(res, (int64_t)psci_stat(p, a[0], a[1], false));
	case PSCI_0_2_FN_SYSTEM_OFF:
		res->nr = 0;
		return SMCCC_SYSTEM_OFF;
	case PSCI_0_2_FN_SYSTEM_RESET:
		res->nr = 0;
		return SMCCC_SYSTEM_RESET;
	case PSCI_1_1_FN_SYSTEM_RESET2:
	case PSCI_1_1_FN64_SYSTEM_RESET2:
		/* §5.16: only the architectural warm reset; we define no vendor
		 * types (bit 31 set), so they are invalid too. The type is the
		 * whole of x1 for SMC64, as KVM reads it: bits above 31 make it
		 * a vendor type, never a warm reset (SMC32 arguments were
		 * narrowed to W1 by the dispatcher). KVM's in-kernel PSCI
		 * resets for any vendor type instead: the one difference
		 * between the modes, kept on purpose and skipped by the
		 * guest's suite in kernel mode. The cookie is ignored. */
		if (a[0] != PSCI_RESET2_SYSTEM_WARM_RESET)
			return psci_result(res, PSCI_RET_INVALID_PARAMS);
		res->nr = 0;
		return SMCCC_SYSTEM_RESET;
	case PSCI_1_3_FN_SYSTEM_OFF2:
	case PSCI_1_3_FN64_SYSTEM_OFF2:
		/* PSCI 1.3 (F.b): HIBERNATE_OFF may be passed as 1 or 0; the cookie
		 * must be zero. */
		if ((a[0] != PSCI_OFF2_HIBERNATE_OFF && a[0] != 0) || a[1] != 0)
			return psci_result(res, PSCI_RET_INVALID_PARAMS);
		res->nr = 0;
		return SMCCC_SYSTEM_OFF;
	default:
		return psci_result(res, PSCI_RET_NOT_SUPPORTED);
	}
}

const struct smccc_service *psci_service(struct psci *p)
{
	p->service.name = "psci";
	p->service.nr_args = psci_nr_args;
	p->service.handle = psci_handle;
	p->service.ctx = p;
	return &p->service;
}
