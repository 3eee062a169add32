/*
 * SMCCC (Arm DEN0028) function IDs, and the one table of userspace services
 * that drives both the KVM SMCCC filter and hypercall dispatch.
 *
 * Pure logic: no ioctls. The KVM glue walks the table to install
 * KVM_ARM_VM_SMCCC_FILTER ranges before the first KVM_RUN, and on each
 * KVM_EXIT_HYPERCALL looks the function ID up in the same table, so the two
 * can never drift apart.
 */
#ifndef VMM_SMCCC_H
#define VMM_SMCCC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Function ID layout, DEN0028 §2.5. */
#define SMCCC_FAST_CALL	  (1U << 31)
#define SMCCC_SMC64	  (1U << 30)
#define SMCCC_OWNER_SHIFT 24
#define SMCCC_OWNER_MASK  0x3fU
#define SMCCC_FUNC_MASK	  0xffffU
#define SMCCC_OWNER(fid)  (((fid) >> SMCCC_OWNER_SHIFT) & SMCCC_OWNER_MASK)

#define SMCCC_OWNER_ARCH	 0
#define SMCCC_OWNER_CPU		 1
#define SMCCC_OWNER_SIP		 2
#define SMCCC_OWNER_OEM		 3
#define SMCCC_OWNER_STANDARD	 4
#define SMCCC_OWNER_STANDARD_HYP 5
#define SMCCC_OWNER_VENDOR_HYP	 6

#define SMCCC_RET_SUCCESS	0
#define SMCCC_RET_NOT_SUPPORTED (-1)

#define ARM_SMCCC_VERSION_FUNC_ID	0x80000000U
#define ARM_SMCCC_ARCH_FEATURES_FUNC_ID 0x80000001U

/* The Arm Architecture ranges KVM reserves for itself: a filter may not touch
 * them (EEXIST), see the kernel's Documentation/virt/kvm/devices/vm.rst. */
#define SMCCC_ARCH_RANGE32_BASE 0x80000000U
#define SMCCC_ARCH_RANGE64_BASE 0xC0000000U
#define SMCCC_ARCH_RANGE_SIZE	0x10000U

enum smccc_conduit {
	SMCCC_CONDUIT_HVC,
	SMCCC_CONDUIT_SMC,
};

/* KVM_ARM_VM_SMCCC_FILTER actions (the kernel's values). */
enum smccc_filter_action {
	SMCCC_FILTER_HANDLE = 0,
	SMCCC_FILTER_DENY = 1,
	SMCCC_FILTER_FWD_TO_USER = 2,
};

#define SMCCC_MAX_ARGS 17 /* x1..x17 (SMCCC 1.2) */

/* A forwarded call as the dispatcher sees it. args[i] holds x(i+1); only the
 * first nr_args (as the service declared) are valid. */
struct smccc_call {
	uint32_t fid;
	enum smccc_conduit conduit;
	unsigned int vcpu;
	unsigned int nr_args;
	uint64_t args[SMCCC_MAX_ARGS];
	bool caller_be; /* SCTLR_EL1.EE, read only for psci_call_enters_at() calls */
	bool lost;	/* fault injection: a successful CPU_ON never starts its target */
};

/* Results x0..x(nr-1) are written back to the guest; nr == 0 writes nothing
 * (e.g. a successful CPU_OFF, which never returns). */
struct smccc_result {
	uint64_t x[4];
	unsigned int nr;
};

/* What the vCPU thread must do after a call was handled. */
enum smccc_outcome {
	SMCCC_RESUME,	   /* write the results and re-enter the guest */
	SMCCC_CPU_OFF,	   /* the calling vCPU powered itself off: park it */
	SMCCC_CPU_SUSPEND, /* write the results, then sleep until a wake-up event */
	SMCCC_SYSTEM_OFF,  /* the guest asked for the VM to end */
	SMCCC_SYSTEM_RESET /* the guest asked for the VM to restart */
};

/*
 * A userspace service. nr_args(ctx, fid) says how many argument registers
 * (x1..) a function reads, so the glue fetches no more than needed (each is a
 * KVM_GET_ONE_REG). handle() fills res (already preset to NOT_SUPPORTED in x0,
 * nr = 1) and returns the outcome. Both may be called from any vCPU thread at
 * once; the service does its own locking.
 */
struct smccc_service {
	const char *name;
	unsigned int (*nr_args)(void *ctx, uint32_t fid);
	enum smccc_outcome (*handle)(void *ctx, const struct smccc_call *call,
				     struct smccc_result *res);
	void *ctx;
};

/* One row of the table: [base, base + nr) with a filter action. A FWD_TO_USER
 * row with no service answers NOT_SUPPORTED (counted and traced). */
struct smccc_range {
	uint32_t base;
	uint32_t nr;
	enum smccc_filter_action action;
	const char *origin; /* who asked for it, for messages: "psci", "--smccc-filter" */
	const struct smccc_service *service;
};

#define SMCCC_MAX_RANGES 32

struct smccc_table {
	struct smccc_range ranges[SMCCC_MAX_RANGES];
	unsigned int nr;
};

/*
 * Add a range. Refuses (returning -EINVAL or -EEXIST, with a one-line reason
 * in err naming both ranges where two collide) zero-length and wrapping
 * ranges, the reserved Arm Architecture ranges, overlaps with an existing
 * row, and a full table.
 */
int smccc_table_add(struct smccc_table *t, const struct smccc_range *r, char *err, size_t errlen);

/*
 * KVM refused to install row i with error err (a positive errno). Decides
 * what that means and says it in one line in msg: EEXIST on one of our
 * optional service rows (pKVM reserves vendor-hyp functions 2-63, for
 * instance) drops the row from the table, so the service is absent for
 * filter and dispatch alike, and returns 0 (a warning); anything else, a
 * PSCI row or a user's --smccc-filter row returns -err (fatal).
 */
int smccc_table_refused(struct smccc_table *t, unsigned int i, int err, char *msg, size_t len);

/* The row covering fid, or NULL. */
const struct smccc_range *smccc_lookup(const struct smccc_table *t, uint32_t fid);

/*
 * Handle one forwarded call (args already fetched per the service's nr_args):
 * SMC32/HVC32 arguments are truncated to 32 bits before the service sees them
 * and results after (DEN0028 §2.6: 32-bit calls use W registers; x0, the
 * signed status, is sign-extended like KVM's in-kernel PSCI does, x1..x3
 * zero-extended), unknown or service-less FIDs answer NOT_SUPPORTED.
 */
enum smccc_outcome smccc_dispatch(const struct smccc_table *t, struct smccc_call *call,
				  struct smccc_result *res);

/* How many argument registers the call to fid reads (0 for unknown FIDs). */
unsigned int smccc_nr_args(const struct smccc_table *t, uint32_t fid);

/* The same two steps for a row already looked up (NULL: no row), so the
 * hypercall exit scans the table once per call. */
unsigned int smccc_row_nr_args(const struct smccc_range *r, uint32_t fid);
enum smccc_outcome smccc_dispatch_row(const struct smccc_range *r, struct smccc_call *call,
				      struct smccc_result *res);

static inline bool smccc_is_64(uint32_t fid)
{
	return (fid & SMCCC_SMC64) != 0;
}

/*
 * Per-function call counters, lock-free so that vCPU threads never contend
 * on a lock to count: a fixed open-addressing table keyed by FID. Every call
 * is counted exactly once: in its FID's slot, or in `other` when its FID
 * finds no slot (all SMCCC_COUNTER_SLOTS hold other FIDs; a forwarded range
 * can hold 2^32 IDs) or cannot be keyed (0xffffffff). So, once the vCPUs are
 * quiet, the slot counts plus `other` add up to the calls counted, and a
 * report must show `other` for its per-function figures to add up.
 */
#define SMCCC_COUNTER_SLOTS 128

struct smccc_counters {
	atomic_uint key[SMCCC_COUNTER_SLOTS]; /* fid + 1; 0 = free */
	atomic_ulong count[SMCCC_COUNTER_SLOTS];
	atomic_ulong syscalls[SMCCC_COUNTER_SLOTS]; /* the VMM's syscalls serving them */
	atomic_ulong other;			    /* calls whose FID found no slot */
};

/* Count one call to fid; returns its slot (for syscalls[]), or -1 when it
 * went to `other`. */
int smccc_count(struct smccc_counters *c, uint32_t fid);

/* Slots that hold an FID (SMCCC_COUNTER_SLOTS: the table is full, and
 * further FIDs are counted in `other`). */
unsigned int smccc_counters_used(const struct smccc_counters *c);

/* A readable name for a function ID: "PSCI_CPU_ON64", "SMCCC_VERSION", or
 * for an unnamed one its owner and function number ("SiP 0x0010",
 * "SiP64 0x0010", "yielding 0x02000010"). Returns buf. */
const char *smccc_fid_name(uint32_t fid, char *buf, size_t len);

/* The function ID smccc_fid_name() names name ("PSCI_CPU_ON64"): false if
 * none has that name (the other spellings are not looked up). */
bool smccc_fid_by_name(const char *name, uint32_t *fid);

/* "hvc" / "smc". */
const char *smccc_conduit_name(enum smccc_conduit c);

/* "handle" / "deny" / "forward". */
const char *smccc_action_name(enum smccc_filter_action a);

/* "resume", "cpu-off", "suspend", "system-off", "system-reset" (the record's
 * "result" field). */
const char *smccc_outcome_name(enum smccc_outcome out);

#endif
