/*
 * The PSCI function table and the SMCCC service that dispatches through it.
 *
 *   fid --psci_function()--> row: { arguments read, PSCI_FEATURES answer,
 *                                   enters at an entry point?, handler }
 *
 * One row per function (DEN0022 §5.1) drives what the glue reads (nr_args),
 * what PSCI_FEATURES answers (§5.15), which calls carry the caller's
 * endianness (§6.4.3) and which handler runs: they cannot disagree. A row
 * without a handler is a function we decline: NOT_SUPPORTED, for the call
 * and for PSCI_FEATURES alike.
 */
#include <stddef.h>

#include "vmm/firmware/psci_impl.h"

/*
 * Every PSCI function that returns defines one result, in x0 (the prototypes
 * of DEN0022 chapter 5), so x0 is the one register written back: one
 * KVM_SET_ONE_REG per call. SMCCC
 * (DEN0028 "Register use in AArch64 SMC and HVC calls", §3.1 of issue B)
 * makes x1..x3 result registers whose contents the caller may not rely on
 * for a function that does not define them, and since v1.1 x4..x17 are
 * preserved. What x1..x3 hold afterwards is what the guest put there itself,
 * so nothing leaks. KVM's in-kernel PSCI happens to zero them; a guest that
 * relied on that would be outside the convention.
 */
enum smccc_outcome psci_result(struct smccc_result *res, int64_t ret)
{
	res->x[0] = (uint64_t)ret;
	res->nr = 1;
	return SMCCC_RESUME;
}

static int64_t psci_features(uint32_t fid);

static enum smccc_outcome psci_call_version(struct psci *p, const struct smccc_call *call,
					    struct smccc_result *res)
{
	(void)p;
	(void)call;
	return psci_result(res, PSCI_IMPL_VERSION);
}

/* §5.15: PSCI_FEATURES(function ID): a 32-bit function ID even in X1. */
static enum smccc_outcome psci_call_features(struct psci *p, const struct smccc_call *call,
					     struct smccc_result *res)
{
	(void)p;
	return psci_result(res, psci_features((uint32_t)call->args[0]));
}

/* §5.9: no Trusted OS, nothing to migrate. */
static enum smccc_outcome psci_call_migrate_info_type(struct psci *p, const struct smccc_call *call,
						      struct smccc_result *res)
{
	(void)p;
	(void)call;
	return psci_result(res, PSCI_TOS_NOT_PRESENT_MP);
}

struct psci_function {
	uint32_t fid;
	uint8_t nr_args;  /* argument registers it reads (x1..) */
	int32_t features; /* PSCI_FEATURES' answer when handled */
	bool enters_at;	  /* may start a CPU at an entry point (§6.4.3) */
	enum smccc_outcome (*handle)(struct psci *p, const struct smccc_call *call,
				     struct smccc_result *res); /* NULL: NOT_SUPPORTED */
};

static const struct psci_function psci_functions[] = {
    {PSCI_0_2_FN_PSCI_VERSION, 0, 0, false, psci_call_version},
    /* bit 1 = 0: original power_state format; bit 0 = 0: no OS-initiated mode */
    {PSCI_0_2_FN_CPU_SUSPEND, 3, 0, true, psci_call_cpu_suspend},
    {PSCI_0_2_FN64_CPU_SUSPEND, 3, 0, true, psci_call_cpu_suspend},
    {PSCI_0_2_FN_CPU_OFF, 0, 0, false, psci_call_cpu_off},
    {PSCI_0_2_FN_CPU_ON, 3, 0, true, psci_call_cpu_on},
    {PSCI_0_2_FN64_CPU_ON, 3, 0, true, psci_call_cpu_on},
    {PSCI_0_2_FN_AFFINITY_INFO, 2, 0, false, psci_call_affinity_info},
    {PSCI_0_2_FN64_AFFINITY_INFO, 2, 0, false, psci_call_affinity_info},
    /* MIGRATE_INFO_TYPE says there is no Trusted OS: nothing to migrate. */
    {PSCI_0_2_FN_MIGRATE, 0, 0, false, NULL},
    {PSCI_0_2_FN64_MIGRATE, 0, 0, false, NULL},
    {PSCI_0_2_FN_MIGRATE_INFO_TYPE, 0, 0, false, psci_call_migrate_info_type},
    {PSCI_0_2_FN_MIGRATE_INFO_UP_CPU, 0, 0, false, NULL},
    {PSCI_0_2_FN64_MIGRATE_INFO_UP_CPU, 0, 0, false, NULL},
    {PSCI_0_2_FN_SYSTEM_OFF, 0, 0, false, psci_call_system_off},
    {PSCI_0_2_FN_SYSTEM_RESET, 0, 0, false, psci_call_system_reset},
    {PSCI_1_0_FN_PSCI_FEATURES, 1, 0, false, psci_call_features},
    /* CPU_FREEZE would need a retention state we do not model. */
    {PSCI_1_0_FN_CPU_FREEZE, 0, 0, false, NULL},
    {PSCI_1_0_FN_CPU_DEFAULT_SUSPEND, 2, 0, true, psci_call_cpu_default_suspend},
    {PSCI_1_0_FN64_CPU_DEFAULT_SUSPEND, 2, 0, true, psci_call_cpu_default_suspend},
    {PSCI_1_0_FN_NODE_HW_STATE, 2, 0, false, psci_call_node_hw_state},
    {PSCI_1_0_FN64_NODE_HW_STATE, 2, 0, false, psci_call_node_hw_state},
    {PSCI_1_0_FN_SYSTEM_SUSPEND, 2, 0, true, psci_call_system_suspend},
    {PSCI_1_0_FN64_SYSTEM_SUSPEND, 2, 0, true, psci_call_system_suspend},
    /* Only meaningful with OS-initiated mode, which we do not offer (§5.20). */
    {PSCI_1_0_FN_SET_SUSPEND_MODE, 0, 0, false, NULL},
    {PSCI_1_0_FN_STAT_RESIDENCY, 2, 0, false, psci_call_stat_residency},
    {PSCI_1_0_FN64_STAT_RESIDENCY, 2, 0, false, psci_call_stat_residency},
    {PSCI_1_0_FN_STAT_COUNT, 2, 0, false, psci_call_stat_count},
    {PSCI_1_0_FN64_STAT_COUNT, 2, 0, false, psci_call_stat_count},
    {PSCI_1_1_FN_SYSTEM_RESET2, 2, 0, false, psci_call_system_reset2},
    {PSCI_1_1_FN64_SYSTEM_RESET2, 2, 0, false, psci_call_system_reset2},
    /* No memory is scrubbed on reset here: nothing to protect (§5.17). */
    {PSCI_1_1_FN_MEM_PROTECT, 0, 0, false, NULL},
    {PSCI_1_1_FN_MEM_PROTECT_CHECK_RANGE, 0, 0, false, NULL},
    {PSCI_1_1_FN64_MEM_PROTECT_CHECK_RANGE, 0, 0, false, NULL},
    /* PSCI 1.3: the answer is the bitmap of supported off types. */
    {PSCI_1_3_FN_SYSTEM_OFF2, 2, PSCI_OFF2_HIBERNATE_OFF, false, psci_call_system_off2},
    {PSCI_1_3_FN64_SYSTEM_OFF2, 2, PSCI_OFF2_HIBERNATE_OFF, false, psci_call_system_off2},
};

/* The row of a function we handle, or NULL (unknown or declined). */
static const struct psci_function *psci_function(uint32_t fid)
{
	for (size_t i = 0; i < sizeof(psci_functions) / sizeof(psci_functions[0]); i++)
		if (psci_functions[i].fid == fid)
			return psci_functions[i].handle ? &psci_functions[i] : NULL;
	return NULL;
}

static int64_t psci_features(uint32_t fid)
{
	const struct psci_function *f;

	if (fid == ARM_SMCCC_VERSION_FUNC_ID) /* how guests discover SMCCC >= 1.1 */
		return PSCI_RET_SUCCESS;
	f = psci_function(fid);
	return f ? f->features : PSCI_RET_NOT_SUPPORTED;
}

bool psci_call_enters_at(uint32_t fid)
{
	const struct psci_function *f = psci_function(fid);

	return f && f->enters_at;
}

static unsigned int psci_nr_args(void *ctx, uint32_t fid)
{
	const struct psci_function *f = psci_function(fid);

	(void)ctx;
	return f ? f->nr_args : 0;
}

static enum smccc_outcome psci_handle(void *ctx, const struct smccc_call *call,
				      struct smccc_result *res)
{
	const struct psci_function *f = psci_function(call->fid);

	if (!f)
		return psci_result(res, PSCI_RET_NOT_SUPPORTED);
	return f->handle(ctx, call, res);
}

const struct smccc_service *psci_service(struct psci *p)
{
	p->service.name = "psci";
	p->service.nr_args = psci_nr_args;
	p->service.handle = psci_handle;
	p->service.ctx = p;
	return &p->service;
}
