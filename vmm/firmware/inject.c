/*
 * Fault and latency injection: rule parsing, matching and the interruptible
 * delay (the contract and the rule syntax are in inject.h).
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
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmm/firmware/inject.h"
#include "vmm/firmware/psci.h"

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

void inject_destroy(struct inject *inj)
{
	pthread_cond_destroy(&inj->wake);
	pthread_mutex_destroy(&inj->lock);
}

/* PSCI functions by name: the SMC32 and the SMC64 ID (0: none). */
static const struct {
	const char *name;
	uint32_t fid32, fid64;
} functions[] = {
    {"PSCI_VERSION", PSCI_0_2_FN_PSCI_VERSION, 0},
    {"CPU_SUSPEND", PSCI_0_2_FN_CPU_SUSPEND, PSCI_0_2_FN64_CPU_SUSPEND},
    {"CPU_OFF", PSCI_0_2_FN_CPU_OFF, 0},
    {"CPU_ON", PSCI_0_2_FN_CPU_ON, PSCI_0_2_FN64_CPU_ON},
    {"AFFINITY_INFO", PSCI_0_2_FN_AFFINITY_INFO, PSCI_0_2_FN64_AFFINITY_INFO},
    {"MIGRATE", PSCI_0_2_FN_MIGRATE, PSCI_0_2_FN64_MIGRATE},
    {"MIGRATE_INFO_TYPE", PSCI_0_2_FN_MIGRATE_INFO_TYPE, 0},
    {"MIGRATE_INFO_UP_CPU", PSCI_0_2_FN_MIGRATE_INFO_UP_CPU, PSCI_0_2_FN64_MIGRATE_INFO_UP_CPU},
    {"SYSTEM_OFF", PSCI_0_2_FN_SYSTEM_OFF, 0},
    {"SYSTEM_RESET", PSCI_0_2_FN_SYSTEM_RESET, 0},
    {"PSCI_FEATURES", PSCI_1_0_FN_PSCI_FEATURES, 0},
    {"CPU_FREEZE", PSCI_1_0_FN_CPU_FREEZE, 0},
    {"CPU_DEFAULT_SUSPEND", PSCI_1_0_FN_CPU_DEFAULT_SUSPEND, PSCI_1_0_FN64_CPU_DEFAULT_SUSPEND},
    {"NODE_HW_STATE", PSCI_1_0_FN_NODE_HW_STATE, PSCI_1_0_FN64_NODE_HW_STATE},
    {"SYSTEM_SUSPEND", PSCI_1_0_FN_SYSTEM_SUSPEND, PSCI_1_0_FN64_SYSTEM_SUSPEND},
    {"SET_SUSPEND_MODE", PSCI_1_0_FN_SET_SUSPEND_MODE, 0},
    {"STAT_RESIDENCY", PSCI_1_0_FN_STAT_RESIDENCY, PSCI_1_0_FN64_STAT_RESIDENCY},
    {"STAT_COUNT", PSCI_1_0_FN_STAT_COUNT, PSCI_1_0_FN64_STAT_COUNT},
    {"SYSTEM_RESET2", PSCI_1_1_FN_SYSTEM_RESET2, PSCI_1_1_FN64_SYSTEM_RESET2},
    {"MEM_PROTECT", PSCI_1_1_FN_MEM_PROTECT, 0},
    {"MEM_PROTECT_CHECK_RANGE", PSCI_1_1_FN_MEM_PROTECT_CHECK_RANGE,
     PSCI_1_1_FN64_MEM_PROTECT_CHECK_RANGE},
    {"SYSTEM_OFF2", PSCI_1_3_FN_SYSTEM_OFF2, PSCI_1_3_FN64_SYSTEM_OFF2},
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *name;
	int64_t ret;
} ret_codes[] = {
    {"SUCCESS", PSCI_RET_SUCCESS},
    {"NOT_SUPPORTED", PSCI_RET_NOT_SUPPORTED},
    {"INVALID_PARAMETERS", PSCI_RET_INVALID_PARAMS},
    {"INVALID_PARAMS", PSCI_RET_INVALID_PARAMS},
    {"DENIED", PSCI_RET_DENIED},
    {"ALREADY_ON", PSCI_RET_ALREADY_ON},
    {"ON_PENDING", PSCI_RET_ON_PENDING},
    {"INTERNAL_FAILURE", PSCI_RET_INTERNAL_FAILURE},
    {"NOT_PRESENT", PSCI_RET_NOT_PRESENT},
    {"DISABLED", PSCI_RET_DISABLED},
    {"INVALID_ADDRESS", PSCI_RET_INVALID_ADDRESS},
};

const char *inject_ret_name(int64_t ret)
{
	for (size_t i = 0; i < ARRAY_LEN(ret_codes); i++)
		if (ret_codes[i].ret == ret)
			return ret_codes[i].name;
	return NULL;
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

static bool is_cpu_on(uint32_t fid)
{
	return fid == PSCI_0_2_FN_CPU_ON || fid == PSCI_0_2_FN64_CPU_ON;
}

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		int n_ = snprintf(err, errlen, "inject '%s': ", shown);                            \
		if (n_ >= 0 && (size_t)n_ < errlen)                                                \
			snprintf(err + n_, errlen - (size_t)n_, __VA_ARGS__);                      \
		return -1;                                                                         \
	} while (0)

/* A whole number in C notation (0x... hex), at most max. */
static int parse_unsigned(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_function(const char *s, struct inject_rule *r)
{
	char name[48];
	size_t len;
	int want = 0; /* 0: both, 32 or 64 */
	uint64_t fid;

	if (isdigit((unsigned char)s[0])) {
		if (parse_unsigned(s, UINT32_MAX, &fid))
			return -1;
		r->fid[0] = (uint32_t)fid;
		r->nr_fid = 1;
		return 0;
	}
	len = strlen(s);
	if (len >= sizeof(name))
		return -1;
	for (size_t i = 0; i <= len; i++)
		name[i] = (char)toupper((unsigned char)s[i]);
	if (len > 2 && (!strcmp(name + len - 2, "32") || !strcmp(name + len - 2, "64"))) {
		want = name[len - 2] == '3' ? 32 : 64;
		name[len - 2] = '\0';
		/* SYSTEM_RESET2_64, SYSTEM_OFF2_64: the kernel's spelling. */
		if (len > 3 && name[len - 3] == '_')
			name[len - 3] = '\0';
	}
	for (size_t i = 0; i < ARRAY_LEN(functions); i++) {
		const char *n = functions[i].name;
		bool same = !strcmp(name, n) || (!strncmp(name, "PSCI_", 5) &&
						 !strcmp(name + 5, n) && strncmp(n, "PSCI_", 5));

		if (!same)
			continue;
		r->nr_fid = 0;
		if (want != 64 && functions[i].fid32)
			r->fid[r->nr_fid++] = functions[i].fid32;
		if (want != 32 && functions[i].fid64)
			r->fid[r->nr_fid++] = functions[i].fid64;
		return r->nr_fid ? 0 : -2;
	}
	return -1;
}

static int parse_ret(const char *s, int64_t *ret)
{
	char *end;
	long long v;

	for (size_t i = 0; i < ARRAY_LEN(ret_codes); i++) {
		if (!strcasecmp(s, ret_codes[i].name)) {
			*ret = ret_codes[i].ret;
			return 0;
		}
	}
	if (!isdigit((unsigned char)s[0]) && !(s[0] == '-' && isdigit((unsigned char)s[1])))
		return -1;
	errno = 0;
	if (s[0] != '-' && (s[1] == 'x' || s[1] == 'X')) {
		unsigned long long u = strtoull(s, &end, 16);

		v = (long long)u;
	} else {
		v = strtoll(s, &end, 10);
	}
	if (errno || *end)
		return -1;
	*ret = v;
	return 0;
}

/* "200ms", "1.5s", "300us", "10ns", "2m" is refused (ambiguous): ns, us, ms, s. */
static int parse_duration(const char *s, uint64_t *ns)
{
	static const struct {
		const char *unit;
		uint64_t scale;
	} units[] = {{"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}};
	uint64_t whole = 0, frac = 0, frac_div = 1;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (whole > INJECT_MAX_DELAY_NS)
			return -1;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		for (; isdigit((unsigned char)*p); p++) {
			if (frac_div < 1000000000ULL) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				frac_div *= 10;
			}
		}
	}
	for (size_t i = 0; i < ARRAY_LEN(units); i++) {
		if (strcmp(p, units[i].unit))
			continue;
		if (whole > INJECT_MAX_DELAY_NS / units[i].scale)
			return -1;
		*ns = whole * units[i].scale + frac * units[i].scale / frac_div;
		return *ns <= INJECT_MAX_DELAY_NS ? 0 : -1;
	}
	return -1;
}

static void format_duration(uint64_t ns, char *buf, size_t len)
{
	if (ns % 1000000000ULL == 0)
		snprintf(buf, len, "%" PRIu64 "s", (uint64_t)(ns / 1000000000ULL));
	else if (ns % 1000000ULL == 0)
		snprintf(buf, len, "%" PRIu64 "ms", (uint64_t)(ns / 1000000ULL));
	else if (ns % 1000ULL == 0)
		snprintf(buf, len, "%" PRIu64 "us", (uint64_t)(ns / 1000ULL));
	else
		snprintf(buf, len, "%" PRIu64 "ns", ns);
}

/* The canonical text: function as given (upper case), then the options in a
 * fixed order. */
static void format_rule(struct inject_rule *r, const char *func)
{
	size_t len = sizeof(r->text);
	int n = snprintf(r->text, len, "%s", func);
	char d[32];

	for (char *c = r->text; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	if (r->nr_fid == 1 && isdigit((unsigned char)func[0]))
		n = snprintf(r->text, len, "0x%08x", r->fid[0]);
	if (r->cpu != INJECT_ANY_CPU)
		n += snprintf(r->text + n, len - (size_t)n, ":cpu=%d", r->cpu);
	if (r->next)
		n += snprintf(r->text + n, len - (size_t)n, ":next=%lu", r->next);
	if (r->delay_ns) {
		format_duration(r->delay_ns, d, sizeof(d));
		n += snprintf(r->text + n, len - (size_t)n, ":delay=%s", d);
	}
	if (r->has_ret) {
		const char *name = inject_ret_name(r->ret);

		if (name)
			snprintf(r->text + n, len - (size_t)n, ":ret=%s", name);
		else
			snprintf(r->text + n, len - (size_t)n, ":ret=%" PRId64, r->ret);
	} else if (r->lost) {
		snprintf(r->text + n, len - (size_t)n, ":lost");
	}
}

int inject_parse(const char *s, struct inject_rule *rule, char *err, size_t errlen)
{
	char buf[128], shown[64], *save = NULL, *tok, *func;
	bool seen_cpu = false, seen_next = false;
	struct inject_rule r = {.cpu = INJECT_ANY_CPU};
	int ret;

	/* The rule as the error shows it: on one line, and not too long. */
	snprintf(shown, sizeof(shown), "%s", s);
	for (char *c = shown; *c; c++)
		if (!isprint((unsigned char)*c))
			*c = '?';
	if (strlen(shown) < strlen(s))
		snprintf(shown + sizeof(shown) - 4, 4, "...");
	if (strlen(s) >= sizeof(buf))
		FAIL("too long (at most %zu bytes)", sizeof(buf) - 1);
	for (const char *p = s; *p; p++)
		if (!isgraph((unsigned char)*p))
			FAIL("contains a blank or a non-printable byte");
	strcpy(buf, s);
	func = strtok_r(buf, ":", &save);
	if (!func || s[0] == ':')
		FAIL("no function (try CPU_ON:next=1:ret=DENIED)");
	ret = parse_function(func, &r);
	if (ret == -2)
		FAIL("function '%s' has no such calling convention", func);
	if (ret)
		FAIL("unknown function '%s' (a PSCI name such as CPU_ON, PSCI_CPU_ON64, or an ID "
		     "such as 0xc4000003)",
		     func);
	for (unsigned int i = 0; i < r.nr_fid; i++) {
		uint32_t base = r.fid[i] & ~(SMCCC_ARCH_RANGE_SIZE - 1);

		if (base == SMCCC_ARCH_RANGE32_BASE || base == SMCCC_ARCH_RANGE64_BASE)
			FAIL("0x%08x is an Arm Architecture call: KVM answers it, it never "
			     "reaches the VMM",
			     r.fid[i]);
	}
	while ((tok = strtok_r(NULL, ":", &save))) {
		char *eq = strchr(tok, '=');
		const char *val = eq ? eq + 1 : NULL;
		uint64_t v;

		if (eq)
			*eq = '\0';
		if (!strcmp(tok, "cpu") && val) {
			if (seen_cpu)
				FAIL("cpu= given twice");
			if (parse_unsigned(val, 65535, &v))
				FAIL("cpu=%s is not a vCPU number", val);
			r.cpu = (int)v;
			seen_cpu = true;
		} else if (!strcmp(tok, "next") && val) {
			if (seen_next)
				FAIL("next= given twice");
			if (parse_unsigned(val, 1000000000, &v) || v == 0)
				FAIL("next=%s is not a call count from 1 to 1000000000", val);
			r.next = (unsigned long)v;
			seen_next = true;
		} else if (!strcmp(tok, "ret") && val) {
			if (r.has_ret)
				FAIL("ret= given twice");
			if (parse_ret(val, &r.ret))
				FAIL(
				    "unknown return code '%s' (SUCCESS, NOT_SUPPORTED, "
				    "INVALID_PARAMETERS, DENIED, ALREADY_ON, ON_PENDING, "
				    "INTERNAL_FAILURE, NOT_PRESENT, DISABLED, INVALID_ADDRESS or a "
				    "number)",
				    val);
			r.has_ret = true;
		} else if (!strcmp(tok, "delay") && val) {
			if (r.delay_ns)
				FAIL("delay= given twice");
			if (parse_duration(val, &r.delay_ns) || r.delay_ns == 0)
				FAIL("delay=%s is not a duration from 1ns to 600s (e.g. 200ms, "
				     "1.5s)",
				     val);
		} else if (!strcmp(tok, "lost") && !val) {
			r.lost = true;
		} else {
			FAIL("unknown option '%s%s%s' (cpu=N, next=N, ret=CODE, delay=DURATION, "
			     "lost)",
			     tok, val ? "=" : "", val ? val : "");
		}
	}
	if (r.lost && r.has_ret)
		FAIL("ret= and lost exclude each other");
	if (r.lost && (r.nr_fid == 0 || !is_cpu_on(r.fid[0])))
		FAIL("lost applies to CPU_ON only");
	if (!r.lost && !r.has_ret && !r.delay_ns)
		FAIL("no effect: add ret=CODE, delay=DURATION or (CPU_ON) lost");
	format_rule(&r, func);
	*rule = r;
	return 0;
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

const char *inject_list(struct inject *inj, char *buf, size_t len)
{
	size_t n;
	unsigned int nr;

	pthread_mutex_lock(&inj->lock);
	nr = atomic_load(&inj->nr);
	n = (size_t)snprintf(buf, len, "%u rule%s%s", nr, nr == 1 ? "" : "s", nr ? ":" : "");
	for (unsigned int i = 0; i < nr && n < len; i++) {
		const struct inject_rule *r = &inj->rules[i];

		if (r->next)
			n += (size_t)snprintf(buf + n, len - n, " %s(fired=%lu,left=%lu)", r->text,
					      inj->fired[i], r->next - inj->fired[i]);
		else
			n += (size_t)snprintf(buf + n, len - n, " %s(fired=%lu)", r->text,
					      inj->fired[i]);
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
		act->lost = r->lost && is_cpu_on(fid);
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
	struct timespec until;
	bool full = true;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)(delay_ns / 1000000000ULL);
	until.tv_nsec += (long)(delay_ns % 1000000000ULL);
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
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
	pthread_mutex_lock(&inj->lock);
	inj->stopping = true;
	pthread_cond_broadcast(&inj->wake);
	pthread_mutex_unlock(&inj->lock);
}

void inject_resume(struct inject *inj)
{
	pthread_mutex_lock(&inj->lock);
	inj->stopping = false;
	pthread_mutex_unlock(&inj->lock);
}
