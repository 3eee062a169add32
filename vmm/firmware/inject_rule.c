/*
 * Injection rules as text: parsing `--inject` / `ctl inject` rules into a
 * struct inject_rule, and the canonical text that `inject list`, the trace
 * and the record show (the syntax and the contract are in inject.h).
 *
 *   "psci_cpu_on64:ret=-3:delay=1.5s" --inject_parse--> fid 0xc4000003,
 *        ret -3, delay 1500000000 ns, text "PSCI_CPU_ON64:delay=1500ms:ret=DENIED"
 *
 * What is easy to get wrong: the canonical text can be longer than the rule
 * as written ("1" becomes "0x00000001", "1.5s" "1500ms", "-3" "DENIED"), so
 * it is built checking that it fits whole; a rule whose text would not fit
 * is refused rather than shown cut (what is in force is what is shown).
 * Every error is one line naming the rule and what is wrong with it.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/firmware/inject.h"
#include "vmm/firmware/psci.h"

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
static bool is_cpu_on(uint32_t fid)
{
	return fid == PSCI_0_2_FN_CPU_ON || fid == PSCI_0_2_FN64_CPU_ON;
}

/* One rule being parsed: the rule so far, and where its error goes. */
struct parse {
	struct inject_rule r;
	bool seen_cpu, seen_next;
	char shown[64]; /* the rule as errors quote it: one line, cut short */
	char *err;
	size_t errlen;
};

static int fail(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes "inject 'RULE': REASON" to the error and returns -1. */
static int fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err, p->errlen, "inject '%s': ", p->shown);

	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void quote_rule(struct parse *p, const char *s)
{
	snprintf(p->shown, sizeof(p->shown), "%s", s);
	for (char *c = p->shown; *c; c++)
		if (!isprint((unsigned char)*c))
			*c = '?';
	if (strlen(p->shown) < strlen(s))
		snprintf(p->shown + sizeof(p->shown) - 4, 4, "...");
}

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

/* The PSCI function (DEN0022 §5.1) smccc_fid_name() calls name, or 0. */
static uint32_t psci_fid_named(const char *name)
{
	uint32_t fid;

	if (!smccc_fid_by_name(name, &fid))
		return 0;
	if (fid - PSCI_0_2_FN_BASE < PSCI_FN_RANGE_SIZE ||
	    fid - PSCI_0_2_FN64_BASE < PSCI_FN_RANGE_SIZE)
		return fid;
	return 0;
}

/*
 * A PSCI function by the kernel's name (what --trace shows), with or without
 * its PSCI_ prefix: the SMC32 ID "PSCI_CPU_ON", the SMC64 one "PSCI_CPU_ON64"
 * or "PSCI_SYSTEM_RESET2_64". want: 32, 64, or 0 for both. Returns -1 for no
 * such function, -2 if it has no ID in the wanted convention.
 */
static int psci_fids_named(const char *name, int want, struct inject_rule *r)
{
	const char *base = strncmp(name, "PSCI_", 5) ? name : name + 5;
	char full[64];
	uint32_t fid32, fid64;

	snprintf(full, sizeof(full), "PSCI_%s", base);
	fid32 = psci_fid_named(full);
	snprintf(full, sizeof(full), "PSCI_%s64", base);
	fid64 = psci_fid_named(full);
	snprintf(full, sizeof(full), "PSCI_%s_64", base);
	fid64 = fid64 ? fid64 : psci_fid_named(full);
	if (!fid32 && !fid64)
		return -1;
	r->nr_fid = 0;
	if (want != 64 && fid32)
		r->fid[r->nr_fid++] = fid32;
	if (want != 32 && fid64)
		r->fid[r->nr_fid++] = fid64;
	return r->nr_fid ? 0 : -2;
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
	return psci_fids_named(name, want, r);
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

/* Appends to a rule's text; false once it no longer fits whole. */
static bool text_add(char *text, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool text_add(char *text, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*n >= INJECT_MAX_RULE_TEXT)
		return false;
	va_start(ap, fmt);
	w = vsnprintf(text + *n, INJECT_MAX_RULE_TEXT - *n, fmt, ap);
	va_end(ap);
	*n += w < 0 ? INJECT_MAX_RULE_TEXT : (size_t)w;
	return *n < INJECT_MAX_RULE_TEXT;
}

/*
 * The canonical text: the function as given (upper case; an ID in 0x%08x),
 * then the options in a fixed order. Returns -1 if it would not fit whole.
 */
static int format_rule(struct inject_rule *r, const char *func)
{
	const char *ret_name = r->has_ret ? inject_ret_name(r->ret) : NULL;
	size_t n = 0;
	char d[32];
	bool ok;

	if (r->nr_fid == 1 && isdigit((unsigned char)func[0])) {
		ok = text_add(r->text, &n, "0x%08x", r->fid[0]);
	} else {
		ok = text_add(r->text, &n, "%s", func);
		for (char *c = r->text; *c; c++)
			*c = (char)toupper((unsigned char)*c);
	}
	if (r->cpu != INJECT_ANY_CPU)
		ok = ok && text_add(r->text, &n, ":cpu=%d", r->cpu);
	if (r->next)
		ok = ok && text_add(r->text, &n, ":next=%lu", r->next);
	if (r->delay_ns) {
		format_duration(r->delay_ns, d, sizeof(d));
		ok = ok && text_add(r->text, &n, ":delay=%s", d);
	}
	if (ret_name)
		ok = ok && text_add(r->text, &n, ":ret=%s", ret_name);
	else if (r->has_ret)
		ok = ok && text_add(r->text, &n, ":ret=%" PRId64, r->ret);
	else if (r->lost)
		ok = ok && text_add(r->text, &n, ":lost");
	return ok ? 0 : -1;
}

static int parse_function_token(struct parse *p, const char *func)
{
	int ret = parse_function(func, &p->r);

	if (ret == -2)
		return fail(p, "function '%s' has no such calling convention", func);
	if (ret)
		return fail(p,
			    "unknown function '%s' (a PSCI name such as CPU_ON, PSCI_CPU_ON64, or "
			    "an ID such as 0xc4000003)",
			    func);
	for (unsigned int i = 0; i < p->r.nr_fid; i++) {
		uint32_t base = p->r.fid[i] & ~(SMCCC_ARCH_RANGE_SIZE - 1);

		if (base == SMCCC_ARCH_RANGE32_BASE || base == SMCCC_ARCH_RANGE64_BASE)
			return fail(p,
				    "0x%08x is an Arm Architecture call: KVM answers it, it never "
				    "reaches the VMM",
				    p->r.fid[i]);
	}
	return 0;
}

static int parse_cpu(struct parse *p, const char *val)
{
	uint64_t v;

	if (p->seen_cpu)
		return fail(p, "cpu= given twice");
	if (parse_unsigned(val, 65535, &v))
		return fail(p, "cpu=%s is not a vCPU number", val);
	p->r.cpu = (int)v;
	p->seen_cpu = true;
	return 0;
}

static int parse_next(struct parse *p, const char *val)
{
	uint64_t v;

	if (p->seen_next)
		return fail(p, "next= given twice");
	if (parse_unsigned(val, 1000000000, &v) || v == 0)
		return fail(p, "next=%s is not a call count from 1 to 1000000000", val);
	p->r.next = (unsigned long)v;
	p->seen_next = true;
	return 0;
}

static int parse_ret_option(struct parse *p, const char *val)
{
	if (p->r.has_ret)
		return fail(p, "ret= given twice");
	if (parse_ret(val, &p->r.ret))
		return fail(p,
			    "unknown return code '%s' (SUCCESS, NOT_SUPPORTED, INVALID_PARAMETERS, "
			    "DENIED, ALREADY_ON, ON_PENDING, INTERNAL_FAILURE, NOT_PRESENT, "
			    "DISABLED, INVALID_ADDRESS or a number)",
			    val);
	p->r.has_ret = true;
	return 0;
}

static int parse_delay(struct parse *p, const char *val)
{
	if (p->r.delay_ns)
		return fail(p, "delay= given twice");
	if (parse_duration(val, &p->r.delay_ns) || p->r.delay_ns == 0)
		return fail(p, "delay=%s is not a duration from 1ns to 600s (e.g. 200ms, 1.5s)",
			    val);
	return 0;
}

/* One ":NAME=VALUE" or ":lost" after the function. */
static int parse_option(struct parse *p, char *tok)
{
	char *eq = strchr(tok, '=');
	const char *val = eq ? eq + 1 : NULL;

	if (eq)
		*eq = '\0';
	if (!strcmp(tok, "cpu") && val)
		return parse_cpu(p, val);
	if (!strcmp(tok, "next") && val)
		return parse_next(p, val);
	if (!strcmp(tok, "ret") && val)
		return parse_ret_option(p, val);
	if (!strcmp(tok, "delay") && val)
		return parse_delay(p, val);
	if (!strcmp(tok, "lost") && !val) {
		p->r.lost = true;
		return 0;
	}
	return fail(p, "unknown option '%s%s%s' (cpu=N, next=N, ret=CODE, delay=DURATION, lost)",
		    tok, val ? "=" : "", val ? val : "");
}

/* The options together: an effect, and no two that contradict each other. */
static int check_effect(struct parse *p)
{
	const struct inject_rule *r = &p->r;

	if (r->lost && r->has_ret)
		return fail(p, "ret= and lost exclude each other");
	if (r->lost && (r->nr_fid == 0 || !is_cpu_on(r->fid[0])))
		return fail(p, "lost applies to CPU_ON only");
	if (!r->lost && !r->has_ret && !r->delay_ns)
		return fail(p, "no effect: add ret=CODE, delay=DURATION or (CPU_ON) lost");
	return 0;
}

int inject_parse(const char *s, struct inject_rule *rule, char *err, size_t errlen)
{
	struct parse p = {.r = {.cpu = INJECT_ANY_CPU}, .err = err, .errlen = errlen};
	char buf[INJECT_MAX_RULE_LEN + 1], *save = NULL, *tok, *func;

	quote_rule(&p, s);
	if (strlen(s) >= sizeof(buf))
		return fail(&p, "too long (at most %d bytes)", INJECT_MAX_RULE_LEN);
	for (const char *c = s; *c; c++)
		if (!isgraph((unsigned char)*c))
			return fail(&p, "contains a blank or a non-printable byte");
	strcpy(buf, s);
	func = strtok_r(buf, ":", &save);
	if (!func || s[0] == ':')
		return fail(&p, "no function (try CPU_ON:next=1:ret=DENIED)");
	if (parse_function_token(&p, func))
		return -1;
	while ((tok = strtok_r(NULL, ":", &save)))
		if (parse_option(&p, tok))
			return -1;
	if (check_effect(&p))
		return -1;
	if (format_rule(&p.r, func))
		return fail(&p, "its canonical form is longer than %d bytes", INJECT_MAX_RULE_LEN);
	*rule = p.r;
	return 0;
}
