/*
 * The SMCCC service table: range bookkeeping, lookup, dispatch and names.
 * See smccc.h for the contract.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vmm/firmware/psci.h"
#include "vmm/firmware/smccc.h"

static uint64_t range_end(const struct smccc_range *r)
{
	return (uint64_t)r->base + r->nr;
}

static bool ranges_overlap(uint64_t a_base, uint64_t a_end, uint64_t b_base, uint64_t b_end)
{
	return a_base < b_end && b_base < a_end;
}

static void describe(const struct smccc_range *r, char *buf, size_t len)
{
	snprintf(buf, len, "0x%08x-0x%08x (%s, %s)", r->base, (uint32_t)(range_end(r) - 1),
		 r->origin ? r->origin : "?", smccc_action_name(r->action));
}

int smccc_table_add(struct smccc_table *t, const struct smccc_range *r, char *err, size_t errlen)
{
	char a[96], b[96];
	static const struct smccc_range arch[] = {
	    {SMCCC_ARCH_RANGE32_BASE, SMCCC_ARCH_RANGE_SIZE, SMCCC_FILTER_HANDLE,
	     "reserved Arm Architecture calls", NULL},
	    {SMCCC_ARCH_RANGE64_BASE, SMCCC_ARCH_RANGE_SIZE, SMCCC_FILTER_HANDLE,
	     "reserved Arm Architecture calls", NULL},
	};

	if (r->nr == 0) {
		snprintf(err, errlen, "SMCCC range at 0x%08x (%s) is empty", r->base,
			 r->origin ? r->origin : "?");
		return -EINVAL;
	}
	if (range_end(r) > 0x100000000ULL) {
		snprintf(err, errlen, "SMCCC range 0x%08x+%u (%s) wraps past 0xffffffff", r->base,
			 r->nr, r->origin ? r->origin : "?");
		return -EINVAL;
	}
	if (r->action != SMCCC_FILTER_HANDLE && r->action != SMCCC_FILTER_DENY &&
	    r->action != SMCCC_FILTER_FWD_TO_USER) {
		snprintf(err, errlen, "SMCCC range 0x%08x: unknown action %d", r->base, r->action);
		return -EINVAL;
	}
	describe(r, a, sizeof(a));
	for (size_t i = 0; i < sizeof(arch) / sizeof(arch[0]); i++) {
		if (ranges_overlap(r->base, range_end(r), arch[i].base, range_end(&arch[i]))) {
			snprintf(err, errlen,
				 "SMCCC range %s overlaps 0x%08x-0x%08x (%s, KVM-owned)", a,
				 arch[i].base, (uint32_t)(range_end(&arch[i]) - 1), arch[i].origin);
			return -EEXIST;
		}
	}
	for (unsigned int i = 0; i < t->nr; i++) {
		const struct smccc_range *o = &t->ranges[i];

		if (ranges_overlap(r->base, range_end(r), o->base, range_end(o))) {
			describe(o, b, sizeof(b));
			snprintf(err, errlen, "SMCCC range %s overlaps %s", a, b);
			return -EEXIST;
		}
	}
	if (t->nr == SMCCC_MAX_RANGES) {
		snprintf(err, errlen, "SMCCC range %s: table full (%d ranges)", a,
			 SMCCC_MAX_RANGES);
		return -ENOSPC;
	}
	t->ranges[t->nr++] = *r;
	return 0;
}

int smccc_table_refused(struct smccc_table *t, unsigned int i, int err, char *msg, size_t len)
{
	const struct smccc_range *r = &t->ranges[i];
	/* PSCI is what userspace PSCI cannot do without; a user's
	 * --smccc-filter range is an explicit request: refusing either is an
	 * error. Only our own optional services are left out. */
	bool essential =
	    r->origin && (!strcmp(r->origin, "psci") || !strcmp(r->origin, "--smccc-filter"));
	char what[96];

	describe(r, what, sizeof(what));
	if (err != EEXIST || essential) {
		snprintf(msg, len, "KVM_ARM_VM_SMCCC_FILTER %s: %s", what, strerror(err));
		return -err;
	}
	snprintf(msg, len,
		 "warning: KVM_ARM_VM_SMCCC_FILTER %s: %s; KVM reserves part of it (pKVM?): "
		 "continuing without it",
		 what, strerror(err));
	memmove(&t->ranges[i], &t->ranges[i + 1], (t->nr - i - 1) * sizeof(t->ranges[0]));
	t->nr--;
	return 0;
}

const struct smccc_range *smccc_lookup(const struct smccc_table *t, uint32_t fid)
{
	/* A handful of rows: a linear scan beats anything clever. */
	for (unsigned int i = 0; i < t->nr; i++) {
		const struct smccc_range *r = &t->ranges[i];

		if (fid >= r->base && (uint64_t)fid < range_end(r))
			return r;
	}
	return NULL;
}

unsigned int smccc_row_nr_args(const struct smccc_range *r, uint32_t fid)
{
	unsigned int n;

	if (!r || !r->service || !r->service->nr_args)
		return 0;
	n = r->service->nr_args(r->service->ctx, fid);
	return n > SMCCC_MAX_ARGS ? SMCCC_MAX_ARGS : n;
}

unsigned int smccc_nr_args(const struct smccc_table *t, uint32_t fid)
{
	return smccc_row_nr_args(smccc_lookup(t, fid), fid);
}

enum smccc_outcome smccc_dispatch(const struct smccc_table *t, struct smccc_call *call,
				  struct smccc_result *res)
{
	return smccc_dispatch_row(smccc_lookup(t, call->fid), call, res);
}

enum smccc_outcome smccc_dispatch_row(const struct smccc_range *r, struct smccc_call *call,
				      struct smccc_result *res)
{
	enum smccc_outcome out = SMCCC_RESUME;

	res->x[0] = (uint64_t)(int64_t)SMCCC_RET_NOT_SUPPORTED;
	res->x[1] = res->x[2] = res->x[3] = 0;
	res->nr = 1;
	if (!r || !r->service)
		goto done;

	/* DEN0028 §2.6: a 32-bit call passes its arguments in W registers;
	 * the upper halves of the X registers are not part of the call. */
	if (!smccc_is_64(call->fid))
		for (unsigned int i = 0; i < call->nr_args; i++)
			call->args[i] = (uint32_t)call->args[i];
	out = r->service->handle(r->service->ctx, call, res);
done:
	/* A 32-bit call returns W registers. x0 is a signed status: sign-extend
	 * it, as KVM's in-kernel PSCI and TF-A do, so a guest comparing X0 with
	 * -1 sees the same under --psci user and --psci kernel; x1..x3 carry
	 * 32-bit data and are zero-extended. */
	if (!smccc_is_64(call->fid))
		for (unsigned int i = 0; i < res->nr; i++)
			res->x[i] =
			    i == 0 ? (uint64_t)(int64_t)(int32_t)res->x[i] : (uint32_t)res->x[i];
	return out;
}

int smccc_count(struct smccc_counters *c, uint32_t fid)
{
	unsigned int key = fid + 1;
	unsigned int slot = (fid * 2654435761U) % SMCCC_COUNTER_SLOTS;

	if (key == 0) { /* fid 0xffffffff cannot be keyed */
		atomic_fetch_add(&c->other, 1);
		return -1;
	}
	for (unsigned int i = 0; i < SMCCC_COUNTER_SLOTS; i++) {
		unsigned int s = (slot + i) % SMCCC_COUNTER_SLOTS;
		unsigned int expected = 0;

		if (atomic_load(&c->key[s]) == key ||
		    atomic_compare_exchange_strong(&c->key[s], &expected, key) || expected == key) {
			atomic_fetch_add(&c->count[s], 1);
			return (int)s;
		}
	}
	atomic_fetch_add(&c->other, 1);
	return -1;
}

unsigned int smccc_counters_used(const struct smccc_counters *c)
{
	unsigned int used = 0;

	for (unsigned int i = 0; i < SMCCC_COUNTER_SLOTS; i++)
		used += atomic_load(&c->key[i]) != 0;
	return used;
}

struct fid_name {
	uint32_t fid;
	const char *name;
};

/* Names as the kernel spells them (minus the prefixes), for --trace. */
static const struct fid_name fid_names[] = {
    {ARM_SMCCC_VERSION_FUNC_ID, "SMCCC_VERSION"},
    {ARM_SMCCC_ARCH_FEATURES_FUNC_ID, "SMCCC_ARCH_FEATURES"},
    {0x80008000U, "SMCCC_ARCH_WORKAROUND_1"},
    {0x80007fffU, "SMCCC_ARCH_WORKAROUND_2"},
    {0x80003fffU, "SMCCC_ARCH_WORKAROUND_3"},
    {0x8000ff00U, "SMCCC_ARCH_CALL_COUNT"},
    {0x8000ff01U, "SMCCC_ARCH_CALL_UID"},
    {0x8000ff03U, "SMCCC_ARCH_REVISION"},
    {PSCI_0_2_FN_PSCI_VERSION, "PSCI_VERSION"},
    {PSCI_0_2_FN_CPU_SUSPEND, "PSCI_CPU_SUSPEND"},
    {PSCI_0_2_FN64_CPU_SUSPEND, "PSCI_CPU_SUSPEND64"},
    {PSCI_0_2_FN_CPU_OFF, "PSCI_CPU_OFF"},
    {PSCI_0_2_FN_CPU_ON, "PSCI_CPU_ON"},
    {PSCI_0_2_FN64_CPU_ON, "PSCI_CPU_ON64"},
    {PSCI_0_2_FN_AFFINITY_INFO, "PSCI_AFFINITY_INFO"},
    {PSCI_0_2_FN64_AFFINITY_INFO, "PSCI_AFFINITY_INFO64"},
    {PSCI_0_2_FN_MIGRATE, "PSCI_MIGRATE"},
    {PSCI_0_2_FN64_MIGRATE, "PSCI_MIGRATE64"},
    {PSCI_0_2_FN_MIGRATE_INFO_TYPE, "PSCI_MIGRATE_INFO_TYPE"},
    {PSCI_0_2_FN_MIGRATE_INFO_UP_CPU, "PSCI_MIGRATE_INFO_UP_CPU"},
    {PSCI_0_2_FN64_MIGRATE_INFO_UP_CPU, "PSCI_MIGRATE_INFO_UP_CPU64"},
    {PSCI_0_2_FN_SYSTEM_OFF, "PSCI_SYSTEM_OFF"},
    {PSCI_0_2_FN_SYSTEM_RESET, "PSCI_SYSTEM_RESET"},
    {PSCI_1_0_FN_PSCI_FEATURES, "PSCI_FEATURES"},
    {PSCI_1_0_FN_CPU_FREEZE, "PSCI_CPU_FREEZE"},
    {PSCI_1_0_FN_CPU_DEFAULT_SUSPEND, "PSCI_CPU_DEFAULT_SUSPEND"},
    {PSCI_1_0_FN64_CPU_DEFAULT_SUSPEND, "PSCI_CPU_DEFAULT_SUSPEND64"},
    {PSCI_1_0_FN_NODE_HW_STATE, "PSCI_NODE_HW_STATE"},
    {PSCI_1_0_FN64_NODE_HW_STATE, "PSCI_NODE_HW_STATE64"},
    {PSCI_1_0_FN_SYSTEM_SUSPEND, "PSCI_SYSTEM_SUSPEND"},
    {PSCI_1_0_FN64_SYSTEM_SUSPEND, "PSCI_SYSTEM_SUSPEND64"},
    {PSCI_1_0_FN_SET_SUSPEND_MODE, "PSCI_SET_SUSPEND_MODE"},
    {PSCI_1_0_FN_STAT_RESIDENCY, "PSCI_STAT_RESIDENCY"},
    {PSCI_1_0_FN64_STAT_RESIDENCY, "PSCI_STAT_RESIDENCY64"},
    {PSCI_1_0_FN_STAT_COUNT, "PSCI_STAT_COUNT"},
    {PSCI_1_0_FN64_STAT_COUNT, "PSCI_STAT_COUNT64"},
    {PSCI_1_1_FN_SYSTEM_RESET2, "PSCI_SYSTEM_RESET2"},
    {PSCI_1_1_FN64_SYSTEM_RESET2, "PSCI_SYSTEM_RESET2_64"},
    {PSCI_1_1_FN_MEM_PROTECT, "PSCI_MEM_PROTECT"},
    {PSCI_1_1_FN_MEM_PROTECT_CHECK_RANGE, "PSCI_MEM_PROTECT_CHECK_RANGE"},
    {PSCI_1_1_FN64_MEM_PROTECT_CHECK_RANGE, "PSCI_MEM_PROTECT_CHECK_RANGE64"},
    {PSCI_1_3_FN_SYSTEM_OFF2, "PSCI_SYSTEM_OFF2"},
    {PSCI_1_3_FN64_SYSTEM_OFF2, "PSCI_SYSTEM_OFF2_64"},
    {PSCI_0_1_FN_BASE + 0, "PSCI_0_1_CPU_SUSPEND"},
    {PSCI_0_1_FN_BASE + 1, "PSCI_0_1_CPU_OFF"},
    {PSCI_0_1_FN_BASE + 2, "PSCI_0_1_CPU_ON"},
    {PSCI_0_1_FN_BASE + 3, "PSCI_0_1_MIGRATE"},
    {0xC4000050U, "TRNG_VERSION"},
    {0x84000050U, "TRNG_VERSION"},
    {0x84000051U, "TRNG_FEATURES"},
    {0x84000052U, "TRNG_GET_UUID"},
    {0x84000053U, "TRNG_RND32"},
    {0xC4000053U, "TRNG_RND64"},
    {0xC5000020U, "PV_TIME_FEATURES"},
    {0xC5000021U, "PV_TIME_ST"},
    {0x86000000U, "KVM_FEATURES"},
    {0x86000001U, "KVM_PTP"},
    {0xC6000040U, "KVM_DISCOVER_IMPL_VER"},
    {0xC6000041U, "KVM_DISCOVER_IMPL_CPUS"},
};

bool smccc_fid_by_name(const char *name, uint32_t *fid)
{
	for (size_t i = 0; i < sizeof(fid_names) / sizeof(fid_names[0]); i++) {
		if (!strcmp(fid_names[i].name, name)) {
			*fid = fid_names[i].fid;
			return true;
		}
	}
	return false;
}

static const char *const owner_names[] = {
    "Arm", "CPU", "SiP", "OEM", "Standard", "Standard-Hyp", "Vendor-Hyp",
};

const char *smccc_fid_name(uint32_t fid, char *buf, size_t len)
{
	unsigned int owner = SMCCC_OWNER(fid);

	for (size_t i = 0; i < sizeof(fid_names) / sizeof(fid_names[0]); i++) {
		if (fid_names[i].fid == fid) {
			snprintf(buf, len, "%s", fid_names[i].name);
			return buf;
		}
	}
	if (!(fid & SMCCC_FAST_CALL))
		snprintf(buf, len, "yielding 0x%08x", fid);
	else if (owner < sizeof(owner_names) / sizeof(owner_names[0]))
		snprintf(buf, len, "%s%s 0x%04x", owner_names[owner], smccc_is_64(fid) ? "64" : "",
			 fid & SMCCC_FUNC_MASK);
	else
		snprintf(buf, len, "owner%u%s 0x%04x", owner, smccc_is_64(fid) ? "/64" : "",
			 fid & SMCCC_FUNC_MASK);
	return buf;
}

const char *smccc_conduit_name(enum smccc_conduit c)
{
	return c == SMCCC_CONDUIT_SMC ? "smc" : "hvc";
}

/* names[i], or "?" for a value the table does not name. */
static const char *name_of(unsigned int i, const char *const *names, size_t nr)
{
	return i < nr && names[i] ? names[i] : "?";
}

const char *smccc_action_name(enum smccc_filter_action a)
{
	static const char *const names[] = {
	    [SMCCC_FILTER_HANDLE] = "handle",
	    [SMCCC_FILTER_DENY] = "deny",
	    [SMCCC_FILTER_FWD_TO_USER] = "forward",
	};

	return name_of((unsigned int)a, names, sizeof(names) / sizeof(names[0]));
}

const char *smccc_outcome_name(enum smccc_outcome out)
{
	static const char *const names[] = {
	    [SMCCC_RESUME] = "resume",
	    [SMCCC_CPU_OFF] = "cpu-off",
	    [SMCCC_CPU_SUSPEND] = "suspend",
	    [SMCCC_SYSTEM_OFF] = "system-off",
	    [SMCCC_SYSTEM_RESET] = "system-reset",
	};

	return name_of((unsigned int)out, names, sizeof(names) / sizeof(names[0]));
}
