/*
 * The PSCI calls that change power states (DEN0022 §5.4-§5.6, §5.10-§5.12,
 * §5.16, §5.19, PSCI 1.3 SYSTEM_OFF2): each moves a vCPU along the state
 * machine drawn in psci.c, or ends or restarts the whole VM.
 *
 *   CPU_ON(target)                  target OFF -> ON_PENDING; the target's
 *                                   thread (psci_wait_for_on) starts it
 *   CPU_OFF                         caller -> OFF (the outcome parks its thread)
 *   CPU_SUSPEND / CPU_DEFAULT_SUSPEND / SYSTEM_SUSPEND
 *                                   caller ON -> ON (suspended) until a wake-up
 *   SYSTEM_OFF(2) / SYSTEM_RESET(2) the VM ends / restarts (an outcome, no state)
 *
 * What is easy to get wrong: a power-down suspend and SYSTEM_SUSPEND do not
 * return; the vCPU resumes at the entry point like after CPU_ON (§6.4.3), so
 * nothing is written back. The caller's endianness travels with the entry.
 */
#include <pthread.h>

#include "vmm/firmware/psci_impl.h"

static bool psci_entry_valid(const struct psci *p, uint64_t entry)
{
	/* An instruction in guest RAM. */
	return entry >= p->ram_base && entry - p->ram_base < p->ram_size && !(entry & 3);
}

/* CPU_ON of vCPU idx (OFF and present) at entry; lost: never wake its thread. */
static void psci_start_locked(struct psci *p, unsigned int idx, uint64_t entry, uint64_t context_id,
			      bool caller_be, bool lost)
{
	struct psci_cpu *c = &p->cpus[idx];

	c->state = PSCI_CPU_ON_PENDING;
	c->entry = entry;
	c->context_id = context_id;
	c->entry_be = caller_be;
	c->nr_on++;
	/* Injected "a core that never comes up": the firmware believes the
	 * core is on its way, so it stays ON_PENDING (what TF-A's AFFINITY_INFO
	 * shows for a core that never reaches its warm boot entry) and its
	 * thread is never woken. */
	c->lost = lost;
	if (!lost)
		pthread_cond_signal(&c->wake);
	psci_notify_locked(p, idx, "off", lost ? "CPU_ON lost" : "CPU_ON");
}

/* §5.6: CPU_ON(target_cpu, entry_point_address, context_id). */
enum smccc_outcome psci_call_cpu_on(struct psci *p, const struct smccc_call *call,
				    struct smccc_result *res)
{
	int idx = psci_find_cpu(p, call->args[0]);
	const struct psci_cpu *c;
	int64_t ret = PSCI_RET_SUCCESS;

	if (idx < 0)
		return psci_result(res, PSCI_RET_INVALID_PARAMS);
	c = &p->cpus[idx];
	pthread_mutex_lock(&p->lock);
	if (!c->present) /* PSCI 1.2: a CPU that exists but is not there to be started */
		ret = PSCI_RET_DENIED;
	else if (c->state != PSCI_CPU_OFF)
		ret = PSCI_RET_ALREADY_ON;
	else if (!psci_entry_valid(p, call->args[1]))
		ret = PSCI_RET_INVALID_ADDRESS;
	else
		psci_start_locked(p, (unsigned int)idx, call->args[1], call->args[2],
				  call->caller_be, call->lost);
	pthread_mutex_unlock(&p->lock);
	return psci_result(res, ret);
}

/* A call that does not return to its caller (CPU_OFF, SYSTEM_OFF,
 * SYSTEM_RESET when they succeed) writes no result registers; the outcome
 * tells the run loop what to do instead. */
static enum smccc_outcome no_return(struct smccc_result *res, enum smccc_outcome outcome)
{
	res->nr = 0;
	return outcome;
}

/* §5.5: CPU_OFF. Success does not return: nothing is written back. */
enum smccc_outcome psci_call_cpu_off(struct psci *p, const struct smccc_call *call,
				     struct smccc_result *res)
{
	struct psci_cpu *c = &p->cpus[call->vcpu];
	const char *from;

	pthread_mutex_lock(&p->lock);
	from = psci_cpu_name_locked(c);
	c->state = PSCI_CPU_OFF;
	c->nr_off++;
	if (c->unplug_when_off) {
		c->present = false;
		c->unplug_when_off = false;
	}
	psci_notify_locked(p, call->vcpu, from, "CPU_OFF");
	pthread_mutex_unlock(&p->lock);
	return no_return(res, SMCCC_CPU_OFF);
}

enum psci_suspend psci_decode_power_state(uint64_t power_state)
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
 * x0 = context_id as after CPU_ON (§6.4.3). A power-down entry must be valid.
 */
static enum smccc_outcome psci_suspend_begin(struct psci *p, const struct smccc_call *call,
					     enum psci_suspend state, uint64_t entry,
					     uint64_t context_id, struct smccc_result *res)
{
	struct psci_cpu *c = &p->cpus[call->vcpu];

	if (state == PSCI_SUSPEND_POWERDOWN && !psci_entry_valid(p, entry))
		return psci_result(res, PSCI_RET_INVALID_ADDRESS);
	pthread_mutex_lock(&p->lock);
	c->suspend = state;
	psci_notify_locked(p, call->vcpu, "on", "suspend");
	c->suspend_count[state]++;
	c->suspend_start_us = p->now_us();
	c->entry = entry;
	c->context_id = context_id;
	c->entry_be = call->caller_be;
	pthread_mutex_unlock(&p->lock);
	if (state == PSCI_SUSPEND_POWERDOWN)
		res->nr = 0;
	else
		psci_result(res, PSCI_RET_SUCCESS);
	return SMCCC_CPU_SUSPEND;
}

/* §5.4: CPU_SUSPEND(power_state, entry_point_address, context_id). */
enum smccc_outcome psci_call_cpu_suspend(struct psci *p, const struct smccc_call *call,
					 struct smccc_result *res)
{
	enum psci_suspend state = psci_decode_power_state(call->args[0]);

	if (state == PSCI_SUSPEND_NONE)
		return psci_result(res, PSCI_RET_INVALID_PARAMS);
	return psci_suspend_begin(p, call, state, call->args[1], call->args[2], res);
}

/* §5.12: CPU_DEFAULT_SUSPEND(entry_point_address, context_id): our default
 * is the core power-down state. */
enum smccc_outcome psci_call_cpu_default_suspend(struct psci *p, const struct smccc_call *call,
						 struct smccc_result *res)
{
	return psci_suspend_begin(p, call, PSCI_SUSPEND_POWERDOWN, call->args[0], call->args[1],
				  res);
}

/*
 * §5.19: SYSTEM_SUSPEND(entry_point_address, context_id): only when every
 * other vCPU is off (else DENIED); the system then sleeps like the caller's
 * power-down suspend and resumes at the entry point on a wake-up event.
 */
enum smccc_outcome psci_call_system_suspend(struct psci *p, const struct smccc_call *call,
					    struct smccc_result *res)
{
	bool others_on = false;

	pthread_mutex_lock(&p->lock);
	for (unsigned int i = 0; i < p->nr_cpus; i++)
		if (i != call->vcpu && p->cpus[i].state != PSCI_CPU_OFF)
			others_on = true;
	pthread_mutex_unlock(&p->lock);
	if (others_on)
		return psci_result(res, PSCI_RET_DENIED);
	return psci_call_cpu_default_suspend(p, call, res);
}

/* §5.10 SYSTEM_OFF, §5.11 SYSTEM_RESET: they do not return. */
enum smccc_outcome psci_call_system_off(struct psci *p, const struct smccc_call *call,
					struct smccc_result *res)
{
	(void)p;
	(void)call;
	return no_return(res, SMCCC_SYSTEM_OFF);
}

enum smccc_outcome psci_call_system_reset(struct psci *p, const struct smccc_call *call,
					  struct smccc_result *res)
{
	(void)p;
	(void)call;
	return no_return(res, SMCCC_SYSTEM_RESET);
}

/*
 * §5.16: SYSTEM_RESET2(reset_type, cookie): only the architectural warm
 * reset; we define no vendor types (bit 31 set), so they are invalid too.
 * The type is the whole of x1 for SMC64, as KVM reads it: bits above 31 make
 * it a vendor type, never a warm reset (SMC32 arguments were narrowed to W1
 * by the dispatcher). KVM's in-kernel PSCI resets for any vendor type
 * instead: the one difference between the modes, kept on purpose and skipped
 * by the guest's suite in kernel mode. The cookie is ignored.
 */
enum smccc_outcome psci_call_system_reset2(struct psci *p, const struct smccc_call *call,
					   struct smccc_result *res)
{
	if (call->args[0] != PSCI_RESET2_SYSTEM_WARM_RESET)
		return psci_result(res, PSCI_RET_INVALID_PARAMS);
	return psci_call_system_reset(p, call, res);
}

/* PSCI 1.3 (F.b) SYSTEM_OFF2(type, cookie): HIBERNATE_OFF may be passed as 1
 * or 0; the cookie must be zero. */
enum smccc_outcome psci_call_system_off2(struct psci *p, const struct smccc_call *call,
					 struct smccc_result *res)
{
	const uint64_t *a = call->args;

	if ((a[0] != PSCI_OFF2_HIBERNATE_OFF && a[0] != 0) || a[1] != 0)
		return psci_result(res, PSCI_RET_INVALID_PARAMS);
	return psci_call_system_off(p, call, res);
}
