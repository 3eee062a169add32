/*
 * Fault and latency injection into the firmware calls this VMM answers:
 * `--inject RULE` at boot, `vmm ctl SOCK inject RULE|list|clear` at run time.
 *
 * A rule, written FUNCTION[:OPTION]...:
 *
 *   FUNCTION    CPU_ON, PSCI_CPU_ON (both cover the SMC32 and the SMC64 ID),
 *               CPU_ON32 / CPU_ON64 / PSCI_CPU_ON64 (one of them), or an ID
 *               (0xc4000003) of any forwarded function
 *   cpu=N       only calls about vCPU N: the target for the functions that
 *               name one in x1 (CPU_ON, AFFINITY_INFO, NODE_HW_STATE,
 *               STAT_RESIDENCY, STAT_COUNT: the vCPU with that MPIDR), the
 *               calling vCPU for every other function
 *   next=N      the next N matching calls, then the rule is spent (it stays
 *               listed); without it the rule fires on every matching call
 *   ret=CODE    answer CODE (DENIED, INTERNAL_FAILURE, ALREADY_ON,
 *               NOT_PRESENT, ..., or a number) without running the function
 *   delay=DUR   answer DUR later (200ms, 1.5s, 300us, 10ns; at most 600s);
 *               a stopping VM cuts the wait short
 *   lost        CPU_ON only: answer SUCCESS but never start the target ("a
 *               core that never comes up"); the firmware's view of it stays
 *               ON_PENDING, as TF-A's does for a core that never reaches its
 *               warm-boot entry, until the VM resets
 *
 * At least one of ret, delay and lost; ret and lost exclude each other;
 * delay combines with either (wait, then answer). The first rule that
 * matches a call decides (rules are kept in the order they were added).
 *
 * Pure logic: parsing, matching and the interruptible wait. The set of rules
 * is guarded by one mutex; a call with no rules in force costs one atomic
 * load.
 */
#ifndef VMM_INJECT_H
#define VMM_INJECT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/firmware/smccc.h"

#define INJECT_MAX_RULES    32
#define INJECT_MAX_DELAY_NS (600ULL * 1000000000ULL)
#define INJECT_ANY_CPU	    (-1)

/*
 * A rule is at most INJECT_MAX_RULE_LEN bytes as written, and so is its
 * canonical text (what `inject list` and the record show): a rule whose
 * canonical text would be longer is refused, so what is in force is always
 * what is shown. (With today's options the longest canonical text is 103
 * bytes: PSCI_MEM_PROTECT_CHECK_RANGE_64:cpu=65535:next=1000000000:
 * delay=599999999999ns:ret=-9223372036854775808.)
 */
#define INJECT_MAX_RULE_LEN  127
#define INJECT_MAX_RULE_TEXT (INJECT_MAX_RULE_LEN + 1)

/*
 * Room for the whole of inject_list's line with INJECT_MAX_RULES rules of the
 * longest text: "N rules:" and per rule " TEXT(fired=F,left=L)" with F and
 * L up to 20 digits each.
 */
#define INJECT_LIST_ENTRY_MAX (1 + INJECT_MAX_RULE_LEN + sizeof("(fired=,left=)") + 2 * 20)
#define INJECT_LIST_MAX	      (sizeof("4294967295 rules:") + INJECT_MAX_RULES * INJECT_LIST_ENTRY_MAX)

struct inject_rule {
	uint32_t fid[2]; /* the IDs it covers */
	unsigned int nr_fid;
	int cpu;	    /* INJECT_ANY_CPU, or the vCPU the call is about */
	unsigned long next; /* 0: every call; else how many it fires on in all */
	bool has_ret;
	int64_t ret;			 /* x0 for ret= */
	bool lost;			 /* CPU_ON: SUCCESS, target never started */
	uint64_t delay_ns;		 /* 0: none */
	char text[INJECT_MAX_RULE_TEXT]; /* canonical spelling, for lists and traces */
};

/* What one call gets from the rules. */
struct inject_action {
	bool hit; /* a rule matched: the rest is valid */
	bool has_ret;
	int64_t ret;
	bool lost;
	uint64_t delay_ns;
	char rule[INJECT_MAX_RULE_TEXT]; /* the rule's text */
};

struct inject {
	pthread_mutex_t lock;
	pthread_cond_t wake; /* delays wait here; inject_stop broadcasts */
	atomic_uint nr;	     /* rules in force: 0 = nothing to check */
	bool stopping;
	struct inject_rule rules[INJECT_MAX_RULES];
	unsigned long fired[INJECT_MAX_RULES]; /* calls each rule fired on */
	struct smccc_counters injected;	       /* injected answers by function ID */
};

/* The set lives as long as the process: there is no destroy. */
void inject_init(struct inject *inj);

/*
 * Parse one rule. Returns 0, or -1 with a one-line reason in err naming what
 * is wrong ("--inject 'CPU_ON:ret=FOO': unknown return code 'FOO' ...").
 * Every function ID is accepted except the Arm Architecture ranges, which
 * KVM answers itself (they never reach the VMM).
 */
int inject_parse(const char *s, struct inject_rule *rule, char *err, size_t errlen);

/* Add a parsed rule at the end of the set; -ENOSPC when full. */
int inject_add(struct inject *inj, const struct inject_rule *rule);

/* Remove every rule (counters of injected answers stay); returns how many. */
unsigned int inject_clear(struct inject *inj);

/*
 * One line listing the rules with what is left of each: "N rules:
 * TEXT(fired=F,left=L) ...", or "0 rules". With len >= INJECT_LIST_MAX
 * every rule is shown whole; in a smaller buffer the list stops before
 * the first rule that does not fit and ends with " ...". Returns buf.
 */
const char *inject_list(struct inject *inj, char *buf, size_t len);

/*
 * Whether a forwarded call to fid names its target vCPU in x1 (cpu= then
 * means the target, else the caller).
 */
bool inject_fid_has_target(uint32_t fid);

/*
 * Match a call (subject: the vCPU it is about, per cpu= above; -1 if none,
 * e.g. CPU_ON of an unknown MPIDR, which only rules without cpu= match).
 * The first matching rule with calls left fires: its count is taken under
 * the lock, so N racing vCPUs never fire a next=1 rule twice. An answered
 * call (has_ret or lost) is counted in inj->injected.
 */
void inject_match(struct inject *inj, uint32_t fid, int subject, struct inject_action *act);

/*
 * Wait delay_ns, or less if inject_stop is called meanwhile. Returns true if
 * the whole delay passed, false if it was cut short.
 */
bool inject_delay(struct inject *inj, uint64_t delay_ns);

/* Cut every delay short, now and until inject_resume (the VM is stopping;
 * the next VM after a reset resumes). */
void inject_stop(struct inject *inj);
void inject_resume(struct inject *inj);

/* "DENIED", "INTERNAL_FAILURE", ... for a PSCI return code, or NULL. */
const char *inject_ret_name(int64_t ret);

#endif
