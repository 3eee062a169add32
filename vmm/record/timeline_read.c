/*
 * Reading a --trace-file record (tracefile.h) for `vmm timeline`
 * (contract in timeline.h): JSON lines in, state changes, calls and resets
 * out.
 *
 *   line --parse_line--> struct fields (the few keys we draw; every other
 *        value is skipped, but must be well-formed JSON)
 *        --add_line--> changes[], calls[], resets[], the time range
 *
 * The one thing that is easy to get wrong: a record has lines in the order
 * they were written, not the order they happened (a call's line follows the
 * state change it caused). Changes are sorted by time once all are read.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/record/timeline.h"

/* ---- a small JSON reader for flat objects ---- */

struct fields {
	bool has_t, has_vcpu, has_target, has_cpus, injected;
	uint64_t t, vmm_ns;
	long long vcpu, target, cpus;
	char ev[16], to[24], cause[40], what[24];
};

struct reader {
	const char *p, *end;
};

static void skip_ws(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\r'))
		r->p++;
}

/* A string into out (cut to outlen - 1); false if malformed. */
static bool read_string(struct reader *r, char *out, size_t outlen)
{
	size_t n = 0;

	if (r->p >= r->end || *r->p != '"')
		return false;
	r->p++;
	while (r->p < r->end && *r->p != '"') {
		char c = *r->p++;

		if (c == '\\') {
			if (r->p >= r->end)
				return false;
			c = *r->p++;
			if (c == 'u') {
				unsigned int v = 0;

				for (int i = 0; i < 4; i++, r->p++) {
					if (r->p >= r->end || !isxdigit((unsigned char)*r->p))
						return false;
					v = v * 16 +
					    (unsigned int)(isdigit((unsigned char)*r->p)
							       ? *r->p - '0'
							       : (tolower(*r->p) - 'a' + 10));
				}
				c = v < 0x80 ? (char)v : '?';
			} else if (c == 'n') {
				c = '\n';
			} else if (c == 't') {
				c = '\t';
			} else if (c != '"' && c != '\\' && c != '/' && c != 'b' && c != 'f' &&
				   c != 'r') {
				return false;
			}
		}
		if (out && n + 1 < outlen)
			out[n++] = c;
	}
	if (r->p >= r->end)
		return false;
	r->p++;
	if (out && outlen)
		out[n] = '\0';
	return true;
}

/* A number: an integer (kept exactly, up to 2^64-1, sign in *neg) or, with a
 * fraction or exponent, rounded toward zero. */
static bool read_number(struct reader *r, uint64_t *mag, bool *neg)
{
	const char *start = r->p;
	uint64_t v = 0;
	bool digits = false;

	*neg = r->p < r->end && *r->p == '-';
	if (*neg)
		r->p++;
	while (r->p < r->end && isdigit((unsigned char)*r->p)) {
		unsigned int d = (unsigned int)(*r->p++ - '0');

		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
		digits = true;
	}
	if (!digits)
		return false;
	if (r->p < r->end && (*r->p == '.' || *r->p == 'e' || *r->p == 'E')) {
		char buf[64];
		size_t n;
		double d;

		while (r->p < r->end &&
		       (isdigit((unsigned char)*r->p) || *r->p == '.' || *r->p == 'e' ||
			*r->p == 'E' || *r->p == '+' || *r->p == '-'))
			r->p++;
		n = (size_t)(r->p - start);
		if (n >= sizeof(buf))
			return false;
		memcpy(buf, start, n);
		buf[n] = '\0';
		d = strtod(buf, NULL);
		if (d < 0)
			d = -d;
		v = d >= 1.8e19 ? UINT64_MAX : (uint64_t)d;
	}
	*mag = v;
	return true;
}

static bool skip_value(struct reader *r, int depth);

static bool skip_container(struct reader *r, char close, int depth)
{
	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return true;
	}
	for (;;) {
		skip_ws(r);
		if (close == '}') {
			if (!read_string(r, NULL, 0))
				return false;
			skip_ws(r);
			if (r->p >= r->end || *r->p++ != ':')
				return false;
			skip_ws(r);
		}
		if (!skip_value(r, depth + 1))
			return false;
		skip_ws(r);
		if (r->p >= r->end)
			return false;
		if (*r->p == close) {
			r->p++;
			return true;
		}
		if (*r->p++ != ',')
			return false;
	}
}

static bool skip_value(struct reader *r, int depth)
{
	uint64_t mag;
	bool neg;

	if (depth > 16 || r->p >= r->end)
		return false;
	switch (*r->p) {
	case '"':
		return read_string(r, NULL, 0);
	case '[':
		return skip_container(r, ']', depth);
	case '{':
		return skip_container(r, '}', depth);
	case 't':
	case 'f':
	case 'n': {
		static const char *const words[] = {"true", "false", "null"};

		for (int i = 0; i < 3; i++) {
			size_t n = strlen(words[i]);

			if ((size_t)(r->end - r->p) >= n && !memcmp(r->p, words[i], n)) {
				r->p += n;
				return true;
			}
		}
		return false;
	}
	default:
		return read_number(r, &mag, &neg);
	}
}

/* ---- the fields a line may carry ---- */

/* Where a string value of key goes (cut to fit), or NULL: not one we keep. */
static char *text_field(struct fields *f, const char *key, size_t *len)
{
	static const struct {
		const char *key;
		size_t off, len;
	} keys[] = {
	    {"ev", offsetof(struct fields, ev), sizeof(f->ev)},
	    {"to", offsetof(struct fields, to), sizeof(f->to)},
	    {"cause", offsetof(struct fields, cause), sizeof(f->cause)},
	    {"what", offsetof(struct fields, what), sizeof(f->what)},
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!strcmp(key, keys[i].key)) {
			*len = keys[i].len;
			return (char *)f + keys[i].off;
		}
	}
	return NULL;
}

static bool is_number_key(const char *key)
{
	return !strcmp(key, "t") || !strcmp(key, "vcpu") || !strcmp(key, "target") ||
	       !strcmp(key, "vmm_ns") || !strcmp(key, "cpus");
}

/* Keep a number of a key is_number_key knows. A negative time makes the
 * line malformed (false); vCPU numbers are clamped to the int32 range. */
static bool store_number(struct fields *f, const char *key, uint64_t mag, bool neg)
{
	long long v = mag > (uint64_t)INT32_MAX ? INT32_MAX : (long long)mag;

	v = neg ? -v : v;
	if (!strcmp(key, "t")) {
		f->t = mag;
		f->has_t = true;
		return !neg;
	}
	if (!strcmp(key, "vmm_ns")) {
		f->vmm_ns = neg ? 0 : mag;
	} else if (!strcmp(key, "vcpu")) {
		f->vcpu = v;
		f->has_vcpu = true;
	} else if (!strcmp(key, "target")) {
		f->target = v;
		f->has_target = true;
	} else {
		f->cpus = v;
		f->has_cpus = true;
	}
	return true;
}

/* The value of key: kept if it is one we know with the type we expect,
 * otherwise skipped (after checking it is well-formed JSON). */
static bool read_value(struct reader *r, const char *key, struct fields *f)
{
	size_t outlen;
	char *out = text_field(f, key, &outlen);
	uint64_t mag;
	bool neg;

	if (*r->p == '"' && out)
		return read_string(r, out, outlen);
	if ((*r->p == '-' || isdigit((unsigned char)*r->p)) && is_number_key(key))
		return read_number(r, &mag, &neg) && store_number(f, key, mag, neg);
	if (!strcmp(key, "injected") && (size_t)(r->end - r->p) >= 4 && !memcmp(r->p, "true", 4)) {
		f->injected = true;
		r->p += 4;
		return true;
	}
	return skip_value(r, 0);
}

/* One member, "key": value, and what follows it: true with *last set when
 * the object ends there. */
static bool read_member(struct reader *r, struct fields *f, bool *last)
{
	char key[24];

	skip_ws(r);
	if (!read_string(r, key, sizeof(key)))
		return false;
	skip_ws(r);
	if (r->p >= r->end || *r->p++ != ':')
		return false;
	skip_ws(r);
	if (r->p >= r->end || !read_value(r, key, f))
		return false;
	skip_ws(r);
	if (r->p >= r->end)
		return false;
	if (*r->p == '}') {
		r->p++;
		*last = true;
		return true;
	}
	return *r->p++ == ',';
}

/* One line: a JSON object whose fields we know are picked out. */
static bool parse_line(const char *line, size_t len, struct fields *f)
{
	struct reader r = {line, line + len};
	bool last = false;

	memset(f, 0, sizeof(*f));
	skip_ws(&r);
	if (r.p >= r.end || *r.p++ != '{')
		return false;
	skip_ws(&r);
	if (r.p < r.end && *r.p == '}') {
		r.p++;
		last = true;
	}
	while (!last)
		if (!read_member(&r, f, &last))
			return false;
	skip_ws(&r);
	return r.p == r.end;
}

/* ---- the record ---- */

enum timeline_state timeline_state_from_name(const char *name, const char *cause)
{
	static const char *const names[] = {"absent", "off", "on-pending", "on", "suspended"};

	for (int i = 0; i < 5; i++) {
		if (!strcmp(name, names[i])) {
			if (i == TL_ON_PENDING && cause && !strcmp(cause, "CPU_ON lost"))
				return TL_LOST;
			return (enum timeline_state)i;
		}
	}
	if (!strcmp(name, "lost"))
		return TL_LOST;
	return TL_UNKNOWN;
}

static bool grow(void **arr, size_t *cap, size_t nr, size_t size)
{
	void *bigger;
	size_t n;

	if (nr < *cap)
		return true;
	n = *cap ? *cap * 2 : 64;
	bigger = realloc(*arr, n * size);
	if (!bigger)
		return false;
	*arr = bigger;
	*cap = n;
	return true;
}

static void see_time(struct timeline *tl, uint64_t t)
{
	if (!tl->nr_times++ || t < tl->t_min)
		tl->t_min = t;
	if (t > tl->t_max)
		tl->t_max = t;
}

static void see_cpu(struct timeline *tl, long long vcpu)
{
	if (vcpu >= 0 && vcpu < TIMELINE_MAX_CPUS && (unsigned int)vcpu + 1 > tl->nr_cpus)
		tl->nr_cpus = (unsigned int)vcpu + 1;
}

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return -1;                                                                         \
	} while (0)

static int add_line(struct timeline *tl, const struct fields *f, unsigned long lineno, char *err,
		    size_t errlen)
{
	if (!f->has_t)
		FAIL("line %lu: no \"t\" (not a vmm --trace-file record?)", lineno);
	if ((!strcmp(f->ev, "state") || !strcmp(f->ev, "call")) &&
	    (!f->has_vcpu || f->vcpu < 0 || f->vcpu >= TIMELINE_MAX_CPUS))
		FAIL("line %lu: \"vcpu\" missing or not from 0 to %d", lineno,
		     TIMELINE_MAX_CPUS - 1);
	if (!strcmp(f->ev, "vm")) {
		if (f->has_cpus && f->cpus > 0)
			see_cpu(tl, f->cpus - 1);
		if (!strcmp(f->what, "start")) {
			if (tl->nr_vm_starts++ > 0) {
				if (!grow((void **)&tl->resets, &tl->cap_resets, tl->nr_resets,
					  sizeof(*tl->resets)))
					FAIL("out of memory");
				tl->resets[tl->nr_resets++] = f->t;
			}
		}
		see_time(tl, f->t);
	} else if (!strcmp(f->ev, "state")) {
		enum timeline_state s = timeline_state_from_name(f->to, f->cause);

		if (s == TL_UNKNOWN)
			FAIL("line %lu: unknown power state \"%s\"", lineno, f->to);
		if (!grow((void **)&tl->changes, &tl->cap_changes, tl->nr_changes,
			  sizeof(*tl->changes)))
			FAIL("out of memory");
		see_time(tl, f->t);
		see_cpu(tl, f->vcpu);
		tl->changes[tl->nr_changes++] = (struct timeline_change){
		    .t = f->t,
		    .vcpu = (unsigned int)f->vcpu,
		    .to = s,
		};
	} else if (!strcmp(f->ev, "call")) {
		if (!grow((void **)&tl->calls, &tl->cap_calls, tl->nr_calls, sizeof(*tl->calls)))
			FAIL("out of memory");
		see_time(tl, f->t);
		see_time(tl, f->t + f->vmm_ns);
		see_cpu(tl, f->vcpu);
		tl->calls[tl->nr_calls++] = (struct timeline_call){
		    .t = f->t,
		    .dur = f->vmm_ns,
		    .vcpu = (unsigned int)f->vcpu,
		    .target = f->has_target && f->target >= 0 && f->target < TIMELINE_MAX_CPUS
				  ? (int)f->target
				  : -1,
		    .injected = f->injected,
		};
		if (f->has_target && f->target >= 0)
			see_cpu(tl, f->target);
		tl->nr_injected += f->injected;
	}
	return 0;
}

static int by_time(const void *a, const void *b)
{
	const struct timeline_change *x = a, *y = b;

	return x->t < y->t ? -1 : x->t > y->t;
}

int timeline_parse(struct timeline *tl, const char *text, size_t len, char *err, size_t errlen)
{
	unsigned long lineno = 0;
	size_t pos = 0;

	memset(tl, 0, sizeof(*tl));
	while (pos < len) {
		const char *start = text + pos, *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos;
		struct fields f;
		size_t i;

		pos += n + (nl != NULL);
		lineno++;
		for (i = 0; i < n && isspace((unsigned char)start[i]); i++)
			;
		if (i == n)
			continue;
		if (!parse_line(start, n, &f))
			FAIL("line %lu: not a JSON object", lineno);
		if (add_line(tl, &f, lineno, err, errlen))
			return -1;
	}
	/* Stable enough: equal times keep no particular order, and a state
	 * snapshot has one change per vCPU at one time. */
	if (tl->nr_changes)
		qsort(tl->changes, tl->nr_changes, sizeof(*tl->changes), by_time);
	return 0;
}

void timeline_free(struct timeline *tl)
{
	free(tl->changes);
	free(tl->calls);
	free(tl->resets);
	memset(tl, 0, sizeof(*tl));
}
