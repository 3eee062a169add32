/*
 * The option arguments that have a grammar of their own: sizes ("256M"),
 * SMCCC filter ranges, the in-kernel service list, the in-kernel PSCI
 * version and the CPU implementations DISCOVER_IMPL_CPUS reports. Each
 * parser fills its result or says in one line, naming the option, what
 * was wrong. Pure.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/cli/cli.h"
#include "vmm/cli/number.h"

int cli_parse_size(const char *s, uint64_t *bytes)
{
	char *end;
	unsigned long long v;
	unsigned int shift = 20; /* a bare number is MiB, as in kvmtool */

	if (!s || !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (*end) {
		switch (toupper((unsigned char)*end)) {
		case 'K':
			shift = 10;
			break;
		case 'M':
			shift = 20;
			break;
		case 'G':
			shift = 30;
			break;
		case 'T':
			shift = 40;
			break;
		default:
			return -1;
		}
		end++;
		/* Accept "M", "MB" and "MiB". */
		if (!strcmp(end, "iB") || !strcmp(end, "B"))
			end += strlen(end);
		if (*end)
			return -1;
	}
	if (v > (UINT64_MAX >> shift))
		return -1;
	*bytes = (uint64_t)v << shift;
	return 0;
}

/* Function IDs and register values are written as C writes numbers. */
static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	return cli_parse_number(s, 0, max, out);
}

#define FAIL_REASON(...)                                                                           \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return -1;                                                                         \
	} while (0)

int cli_parse_filter(const char *s, struct cli_filter *f, char *err, size_t errlen)
{
	char buf[96], *colon, *sep;
	uint64_t base, end;

	if (strlen(s) >= sizeof(buf))
		FAIL_REASON("--smccc-filter: '%.40s...' is too long", s);
	strcpy(buf, s);
	colon = strrchr(buf, ':');
	if (!colon)
		FAIL_REASON("--smccc-filter: '%s' lacks ':handle', ':deny' or ':forward'", s);
	*colon++ = '\0';
	if (!strcmp(colon, "handle"))
		f->action = SMCCC_FILTER_HANDLE;
	else if (!strcmp(colon, "deny"))
		f->action = SMCCC_FILTER_DENY;
	else if (!strcmp(colon, "forward"))
		f->action = SMCCC_FILTER_FWD_TO_USER;
	else
		FAIL_REASON("--smccc-filter: action '%s' is not handle, deny or forward", colon);
	sep = strpbrk(buf, "-+");
	if (sep) {
		char kind = *sep;

		*sep++ = '\0';
		if (parse_u64(buf, UINT32_MAX, &base) || parse_u64(sep, UINT64_MAX, &end))
			FAIL_REASON("--smccc-filter: '%s' is not BASE[-END|+COUNT]:ACTION", s);
		/* Compute the exclusive end without wrapping 64 bits. */
		if (kind == '-') {
			if (end < base)
				FAIL_REASON("--smccc-filter: '%s' ends before it starts", s);
			if (end > UINT32_MAX)
				FAIL_REASON("--smccc-filter: '%s' runs past function ID 0xffffffff",
					    s);
			end = end + 1; /* END is inclusive */
		} else {
			if (end == 0)
				FAIL_REASON("--smccc-filter: '%s' is an empty range", s);
			if (end > 0x100000000ULL - base)
				FAIL_REASON("--smccc-filter: '%s' runs past function ID 0xffffffff",
					    s);
			end = base + end;
		}
	} else {
		if (parse_u64(buf, UINT32_MAX, &base))
			FAIL_REASON("--smccc-filter: '%s' is not BASE[-END|+COUNT]:ACTION", s);
		end = base + 1;
	}
	if (end > 0x100000000ULL)
		FAIL_REASON("--smccc-filter: '%s' runs past function ID 0xffffffff", s);
	/* KVM counts functions in 32 bits: the whole ID space is one too many. */
	if (end - base > UINT32_MAX)
		FAIL_REASON("--smccc-filter: '%s' covers the whole function ID space; KVM takes at "
			    "most 0xffffffff functions per range",
			    s);
	f->base = (uint32_t)base;
	f->nr = (uint32_t)(end - base);
	return 0;
}

const char *const cli_service_names[4] = {"trng", "pv-time", "kvm-features", "ptp"};

int cli_parse_services(const char *s, unsigned int *mask, char *err, size_t errlen)
{
	char buf[128], *save = NULL, *tok;

	if (strlen(s) >= sizeof(buf))
		FAIL_REASON("--smccc-services: list too long");
	strcpy(buf, s);
	*mask = 0;
	if (!*s)
		FAIL_REASON("--smccc-services: empty list (use 'none' for no services)");
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned int i;

		if (!strcmp(tok, "none") || !strcmp(tok, "all")) {
			if (strcmp(s, tok))
				FAIL_REASON("--smccc-services: '%s' cannot be combined with others",
					    tok);
			*mask = tok[0] == 'a' ? CLI_SVC_ALL : 0;
			return 0;
		}
		for (i = 0; i < 4; i++)
			if (!strcmp(tok, cli_service_names[i]))
				break;
		if (i == 4)
			FAIL_REASON("--smccc-services: unknown service '%s' (trng, pv-time, "
				    "kvm-features, ptp, none, all)",
				    tok);
		*mask |= 1U << i;
	}
	if (*mask == 0)
		FAIL_REASON("--smccc-services: empty list (use 'none' for no services)");
	return 0;
}

int cli_parse_psci_version(const char *s, uint32_t *version, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		uint32_t v;
	} known[] = {{"0.2", 0x2}, {"1.0", 0x10000}, {"1.1", 0x10001}};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (!strcmp(s, known[i].name)) {
			*version = known[i].v;
			return 0;
		}
	}
	FAIL_REASON("--psci-version: '%s' is not one KVM implements (0.2, 1.0, 1.1)", s);
}

int cli_parse_impl_cpus(const char *s, struct cli_impl_cpu *cpus, unsigned int max,
			unsigned int *nr, char *err, size_t errlen)
{
	char buf[1024], *save = NULL, *tok;

	if (strlen(s) >= sizeof(buf))
		FAIL_REASON("--impl-cpus: list too long");
	strcpy(buf, s);
	*nr = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *r = strchr(tok, ':'), *a = r ? strchr(r + 1, ':') : NULL;
		uint64_t midr, revidr, aidr;

		if (*nr == max)
			FAIL_REASON("--impl-cpus: at most %u implementations", max);
		if (!r || !a)
			FAIL_REASON("--impl-cpus: '%s' is not MIDR:REVIDR:AIDR", tok);
		*r++ = '\0';
		*a++ = '\0';
		if (parse_u64(tok, UINT32_MAX, &midr) || parse_u64(r, UINT64_MAX, &revidr) ||
		    parse_u64(a, UINT64_MAX, &aidr))
			FAIL_REASON("--impl-cpus: bad number in '%s:%s:%s' (MIDR is 32 bits)", tok,
				    r, a);
		cpus[*nr].midr = midr;
		cpus[*nr].revidr = revidr;
		cpus[*nr].aidr = aidr;
		(*nr)++;
	}
	if (*nr == 0)
		FAIL_REASON("--impl-cpus: empty list");
	return 0;
}
