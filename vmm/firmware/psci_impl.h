/*
 * Shared between the PSCI files only; other modules use psci.h.
 *
 *   psci.c          the power state machine, its observer and the vCPU waits
 *   psci_power.c    the calls that change power states (CPU_ON, CPU_OFF, the
 *                   suspends, SYSTEM_OFF/RESET and their 2 variants)
 *   psci_query.c    the calls that only look (AFFINITY_INFO, NODE_HW_STATE,
 *                   STAT_RESIDENCY, STAT_COUNT)
 *   psci_hotplug.c  which vCPUs are present (plug, unplug)
 *   psci_calls.c    the function table (arguments, PSCI_FEATURES, handler)
 *                   and the SMCCC service that dispatches through it
 *
 * Functions named _locked expect p->lock held.
 */
#ifndef VMM_PSCI_IMPL_H
#define VMM_PSCI_IMPL_H

#include "vmm/firmware/psci.h"

/* c's state as psci_cpu_state_name() spells it. */
const char *psci_cpu_name_locked(const struct psci_cpu *c);

/* Tell the observer of vCPU cpu's change (from: its name before); nothing
 * if the name did not change. */
void psci_notify_locked(struct psci *p, unsigned int cpu, const char *from, const char *cause);

/* x0 = ret and no other register, as every PSCI call that returns (see
 * psci_calls.c). */
enum smccc_outcome psci_result(struct smccc_result *res, int64_t ret);

/* Our two power_state values; PSCI_SUSPEND_NONE for any other. */
enum psci_suspend psci_decode_power_state(uint64_t power_state);

/* The handlers the function table dispatches to; arguments are
 * call->args[0..] = x1.. (W registers for SMC32 calls). */
enum smccc_outcome psci_call_cpu_on(struct psci *p, const struct smccc_call *call,
				    struct smccc_result *res);
enum smccc_outcome psci_call_cpu_off(struct psci *p, const struct smccc_call *call,
				     struct smccc_result *res);
enum smccc_outcome psci_call_cpu_suspend(struct psci *p, const struct smccc_call *call,
					 struct smccc_result *res);
enum smccc_outcome psci_call_cpu_default_suspend(struct psci *p, const struct smccc_call *call,
						 struct smccc_result *res);
enum smccc_outcome psci_call_system_suspend(struct psci *p, const struct smccc_call *call,
					    struct smccc_result *res);
enum smccc_outcome psci_call_system_off(struct psci *p, const struct smccc_call *call,
					struct smccc_result *res);
enum smccc_outcome psci_call_system_reset(struct psci *p, const struct smccc_call *call,
					  struct smccc_result *res);
enum smccc_outcome psci_call_system_reset2(struct psci *p, const struct smccc_call *call,
					   struct smccc_result *res);
enum smccc_outcome psci_call_system_off2(struct psci *p, const struct smccc_call *call,
					 struct smccc_result *res);
enum smccc_outcome psci_call_affinity_info(struct psci *p, const struct smccc_call *call,
					   struct smccc_result *res);
enum smccc_outcome psci_call_node_hw_state(struct psci *p, const struct smccc_call *call,
					   struct smccc_result *res);
enum smccc_outcome psci_call_stat_residency(struct psci *p, const struct smccc_call *call,
					    struct smccc_result *res);
enum smccc_outcome psci_call_stat_count(struct psci *p, const struct smccc_call *call,
					struct smccc_result *res);

#endif
