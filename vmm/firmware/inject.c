/*
 * Fault and latency injection: the set of rules in force, matching a call
 * against it, and the interruptible delay (the contract and the rule syntax
 * are in inject.h; parsing and the rule's text are inject_rule.c).
 *
 *   vCPU thread: args read --inject_match--> no rule: dispatch as usual
 *                                         \-> rule: [inject_delay] then
 *                                             ret=: answer it, skip dispatch
 *                                             lost: dispatch with the target kept off
 *                                             delay only: dispatch as usual
 *
 * The one rule that is easy to get wrong: a delay must never become a place
 * where stopping the VM hangs. It waits on a condition variable with a
 * deadline, and inject_stop() (called on every stop path, before the vCPU
 * threads are joined) wakes it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "vmm/firmware/inject.h"
#include "vmm/firmware/psci.h"
#include "vmm/util/deadline.h"
#include "vmm/util/wake.h"

void inject_init(struct inject *inj)
{
	pthread_condattr_t ca;

	memset(inj, 0, sizeof(*inj));
	pthread_mutex_init(&inj->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&inj->wake, &ca);
	pthread_condattr_destroy(&ca);
}

bool inject_fid_has_target(uint32_t fid)
{
	switch (fid) {
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
	case PSCI_1_0_FN_NODE_HW_STATE:
	case PSCI_1_0_FN64_NODE_HW_STATE:
	case PSCI_1_0_FN_STAT_RESIDENCY:
	case PSCI_1_0_FN64_STAT_RESIDENCY:
	case PSCI_1_0_FN_STAT_COUNT:
	case PSCI_1_0_FN64_STAT_COUNT:
		return true;
	default:
		return false;
	}
}

int inject_add(struct inject *inj, const struct inject_rule *rule)
{
	unsigned int n;

	pthread_mutex_lock(&inj->lock);
	n = atomic_load(&inj->nr);
	if (n == INJECT_MAX_RULES) {
		pthread_mutex_unlock(&inj->lock);
		return -ENOSPC;
	}
	inj->rules[n] = *rule;
	inj->fired[n] = 0;
	atomic_store(&inj->nr, n + 1);
	pthread_mutex_unlock(&inj->lock);
	return 0;
}

unsigned int inject_clear(struct inject *inj)
{
	unsigned int n;

	pthread_mutex_lock(&inj->lock);
	n = atomic_load(&inj->nr);
	atomic_store(&inj->nr, 0);
	pthread_mutex_unlock(&inj->lock);
	return n;
}

/* " TEXT(fired=F,left=L)" for rule i (",left=L" only with next=). */
static size_t list_entry(const struct inject *inj, unsigned int i, char *buf, size_t len)
{
	const struct inject_rule *r = &inj->rules[i];
	char left[32] = "";
	int n;

	if (r->next)
		snprintf(left, sizeof(left), ",left=%lu", r->next - inj->fired[i]);
	n = snprintf(buf, len, " %s(fired=%lu%s)", r->text, inj->fired[i], left);
	return n < 0 ? 0 : (size_t)n;
}

const char *inject_list(struct inject *inj, char *buf, size_t len)
{
	char entry[INJECT_LIST_ENTRY_MAX];
	unsigned int nr;
	size_t n, e;
	int h;

	pthread_mutex_lock(&inj->lock);
	nr = atomic_load(&inj->nr);
	h = snprintf(buf, len, "%u rule%s%s", nr, nr == 1 ? "" : "s", nr ? ":" : "");
	n = h < 0 ? len : (size_t)h;
	for (unsigned int i = 0; i < nr && n < len; i++) {
		e = list_entry(inj, i, entry, sizeof(entry));
		if (e >= sizeof(entry) || n + e >= len) {
			/* Never half a rule: say that the rest is missing. */
			snprintf(buf + n, len - n, " ...");
			break;
		}
		memcpy(buf + n, entry, e + 1);
		n += e;
	}
	pthread_mutex_unlock(&inj->lock);
	return buf;
}

static bool rule_matches(const struct inject_rule *r, uint32_t fid, int subject)
{
	bool fid_ok = false;

	for (unsigned int i = 0; i < r->nr_fid; i++)
		fid_ok |= r->fid[i] == fid;
	return fid_ok && (r->cpu == INJECT_ANY_CPU || r->cpu == subject);
}

void inject_match(struct inject *inj, uint32_t fid, int subject, struct inject_action *act)
{
	memset(act, 0, sizeof(*act));
	if (atomic_load_explicit(&inj->nr, memory_order_relaxed) == 0)
		return;
	pthread_mutex_lock(&inj->lock);
	for (unsigned int i = 0; i < atomic_load(&inj->nr); i++) {
		const struct inject_rule *r = &inj->rules[i];

		if (!rule_matches(r, fid, subject) || (r->next && inj->fired[i] >= r->next))
			continue;
		inj->fired[i]++;
		act->hit = true;
		act->has_ret = r->has_ret;
		act->ret = r->ret;
		act->lost = r->lost; /* inject_parse allows lost on CPU_ON rules only */
		act->delay_ns = r->delay_ns;
		snprintf(act->rule, sizeof(act->rule), "%s", r->text);
		break;
	}
	pthread_mutex_unlock(&inj->lock);
	if (act->has_ret || act->lost)
		smccc_count(&inj->injected, fid);
}

bool inject_delay(struct inject *inj, uint64_t delay_ns)
{
	struct timespec until = deadline_after_ns(CLOCK_MONOTONIC, delay_ns);
	bool full = true;

	pthread_mutex_lock(&inj->lock);
	for (;;) {
		if (inj->stopping) {
			full = false;
			break;
		}
		if (pthread_cond_timedwait(&inj->wake, &inj->lock, &until) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&inj->lock);
	return full;
}

void inject_stop(struct inject *inj)
{
	set_flag_and_wake(&inj->lock, &inj->wake, &inj->stopping, true);
}

void inject_resume(struct inject *inj)
{
	set_flag_and_wake(&inj->lock, &inj->wake, &inj->stopping, false);
}
