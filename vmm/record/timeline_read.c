/*
 * Reading a --trace-file record (tracefile.h) for `vmm timeline`
 * (contract in timeline.h): JSON lines in, state changes, calls and resets
 * out, and with timeline_parse_details the text around them too (function
 * names, arguments, results, rules, causes, the "vm" lines).
 *
 *   line --parse_line--> struct fields (the keys we know; every other
 *        value is skipped, but must be well-formed JSON: timeline_json.c)
 *        --add_line--> changes[], calls[], resets[], vm_events[], text,
 *                      the time range
 *
 * The one thing that is easy to get wrong: a record has lines in the order
 * they were written, not the order they happened (a call's line follows the
 * state change it caused). Changes are sorted by time once all are read;
 * changes at the same time keep the order of the record, which for one
 * vCPU is the order they happened (they are written under the PSCI lock).
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/record/timeline.h"
#include "vmm/record/timeline_json.h"
#include "vmm/util/grow.h"

/* ---- the fields a line may carry ---- */

struct fields {
	bool has_t, has_vcpu, has_target, has_cpus, has_resets, has_ret, injected;
	uint64_t t, vmm_ns;
	long long vcpu, target, cpus, resets;
	int64_t ret;
	unsigned int nr_args;
	char ev[16], to[24], cause[40], what[24], name[64];
	char fn[48], fid[24], conduit[8], result[16], x0[24], rule[256];
	char args[512];
};

/* Where a string value of key goes (cut to fit), or NULL: not one we keep. */
static char *text_field(struct fields *f, const char *key, size_t *len)
{
#define KEY(k)                                                                                     \
	{                                                                                          \
#k, offsetof(struct fields, k), sizeof(f->k)                                       \
	}
	static const struct {
		const char *key;
		size_t off, len;
	} keys[] = {
	    KEY(ev),  KEY(to),	    KEY(cause),	 KEY(what), KEY(name), KEY(fn),
	    KEY(fid), KEY(conduit), KEY(result), KEY(x0),   KEY(rule),
	};
#undef KEY

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
	static const char *const keys[] = {"t",	   "vcpu",   "target", "vmm_ns",
					   "cpus", "resets", "ret"};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i]))
			return true;
	return false;
}

/* mag with its sign, clamped to the int64 range. */
static int64_t signed64(uint64_t mag, bool neg)
{
	if (neg)
		return mag > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)mag;
	return mag > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)mag;
}

/* Keep a number of a key is_number_key knows. A negative time makes the
 * line malformed (false); vCPU numbers and counts are clamped to the int32
 * range. */
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
	} else if (!strcmp(key, "ret")) {
		f->ret = signed64(mag, neg);
		f->has_ret = true;
	} else if (!strcmp(key, "vcpu")) {
		f->vcpu = v;
		f->has_vcpu = true;
	} else if (!strcmp(key, "target")) {
		f->target = v;
		f->has_target = true;
	} else if (!strcmp(key, "resets")) {
		f->resets = v;
		f->has_resets = true;
	} else {
		f->cpus = v;
		f->has_cpus = true;
	}
	return true;
}

/* The value of key: kept if it is one we know with the type we expect,
 * otherwise skipped (after checking it is well-formed JSON). */
static bool read_value(struct tl_json *r, const char *key, struct fields *f)
{
	size_t outlen;
	char *out = text_field(f, key, &outlen);
	uint64_t mag;
	bool neg;

	if (*r->p == '"' && out)
		return tl_json_string(r, out, outlen);
	if ((*r->p == '-' || isdigit((unsigned char)*r->p)) && is_number_key(key))
		return tl_json_number(r, &mag, &neg) && store_number(f, key, mag, neg);
	if (*r->p == '[' && !strcmp(key, "args"))
		return tl_json_strings(r, f->args, sizeof(f->args), &f->nr_args);
	if (!strcmp(key, "injected") && (size_t)(r->end - r->p) >= 4 && !memcmp(r->p, "true", 4)) {
		f->injected = true;
		r->p += 4;
		return true;
	}
	return tl_json_skip(r);
}

/* One member, "key": value, and what follows it: true with *last set when
 * the object ends there. */
static bool read_member(struct tl_json *r, struct fields *f, bool *last)
{
	char key[24];

	if (!tl_json_key(r, key, sizeof(key)))
		return false;
	if (r->p >= r->end || !read_value(r, key, f))
		return false;
	return tl_json_next(r, '}', last);
}

/* One line: a JSON object whose fields we know are picked out. */
static bool parse_line(const char *line, size_t len, struct fields *f)
{
	struct tl_json r = {line, line + len};
	bool last = false;

	memset(f, 0, sizeof(*f));
	tl_json_skip_ws(&r);
	if (!tl_json_open(&r, '{', '}', &last))
		return false;
	while (!last)
		if (!read_member(&r, f, &last))
			return false;
	tl_json_skip_ws(&r);
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

/* Keep n bytes of s as a string of tl's text, its offset in *off (0 for
 * an empty one). False: out of memory, or past the 4 GiB offsets reach. */
static bool keep_bytes(struct timeline *tl, const char *s, size_t n, uint32_t *off)
{
	char *bigger;

	*off = 0;
	if (!n)
		return true;
	if (tl->text_len + n + 2 > UINT32_MAX)
		return false;
	/* the leading "" at offset 0, the bytes and their NUL */
	bigger = grow_for(tl->text, &tl->text_cap, tl->text_len, n + 2, 4096);
	if (!bigger)
		return false;
	tl->text = bigger;
	if (!tl->text_len)
		tl->text[tl->text_len++] = '\0'; /* offset 0: "" */
	memcpy(tl->text + tl->text_len, s, n);
	tl->text[tl->text_len + n] = '\0';
	*off = (uint32_t)tl->text_len;
	tl->text_len += n + 1;
	return true;
}

static bool keep_text(struct timeline *tl, const char *s, uint32_t *off)
{
	return keep_bytes(tl, s, strlen(s), off);
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

/* A "vm" line: the vCPU count, a reset when a VM starts again, and (with
 * the details) the event itself and the VM's name. */
static bool add_vm(struct timeline *tl, const struct fields *f)
{
	if (f->has_cpus && f->cpus > 0)
		see_cpu(tl, f->cpus - 1);
	if (!strcmp(f->what, "start") && tl->nr_vm_starts++ > 0) {
		if (!grow((void **)&tl->resets, &tl->cap_resets, tl->nr_resets,
			  sizeof(*tl->resets)))
			return false;
		tl->resets[tl->nr_resets++] = f->t;
	}
	see_time(tl, f->t);
	if (tl->details) {
		struct timeline_vm_event *e;

		if (!grow((void **)&tl->vm_events, &tl->cap_vm_events, tl->nr_vm_events,
			  sizeof(*tl->vm_events)))
			return false;
		e = &tl->vm_events[tl->nr_vm_events];
		*e = (struct timeline_vm_event){
		    .t = f->t,
		    .cpus = f->has_cpus ? (int)f->cpus : -1,
		    .resets = f->has_resets ? (int)f->resets : -1,
		};
		if (!keep_text(tl, f->what, &e->what) ||
		    (f->name[0] && !keep_text(tl, f->name, &tl->name)))
			return false;
		tl->nr_vm_events++;
	}
	return true;
}

static bool add_state(struct timeline *tl, const struct fields *f, enum timeline_state s)
{
	struct timeline_change *c;

	if (tl->nr_changes >= UINT32_MAX ||
	    !grow((void **)&tl->changes, &tl->cap_changes, tl->nr_changes, sizeof(*tl->changes)))
		return false;
	see_time(tl, f->t);
	see_cpu(tl, f->vcpu);
	c = &tl->changes[tl->nr_changes];
	*c = (struct timeline_change){
	    .t = f->t,
	    .vcpu = (unsigned int)f->vcpu,
	    .to = s,
	    .seq = (uint32_t)tl->nr_changes,
	};
	if (tl->details && !keep_text(tl, f->cause, &c->cause))
		return false;
	tl->nr_changes++;
	return true;
}

/* The text of a call line (details). */
static bool keep_call_text(struct timeline *tl, const struct fields *f, struct timeline_call *c)
{
	size_t args_len = 0;

	for (unsigned int i = 0; i < f->nr_args; i++)
		args_len += strlen(f->args + args_len) + 1;
	c->has_target = f->has_target;
	c->target_given = (int32_t)f->target;
	c->has_ret = f->has_ret;
	c->ret = f->ret;
	c->nr_args = f->nr_args;
	/* The last argument's NUL is the one keep_bytes adds. */
	return keep_text(tl, f->fn, &c->fn) && keep_text(tl, f->fid, &c->fid) &&
	       keep_text(tl, f->conduit, &c->conduit) && keep_text(tl, f->result, &c->result) &&
	       keep_text(tl, f->x0, &c->x0) && keep_text(tl, f->rule, &c->rule) &&
	       keep_bytes(tl, f->args, args_len ? args_len - 1 : 0, &c->args);
}

static bool add_call(struct timeline *tl, const struct fields *f)
{
	struct timeline_call *c;

	if (!grow((void **)&tl->calls, &tl->cap_calls, tl->nr_calls, sizeof(*tl->calls)))
		return false;
	see_time(tl, f->t);
	see_time(tl, f->t + f->vmm_ns);
	see_cpu(tl, f->vcpu);
	c = &tl->calls[tl->nr_calls];
	*c = (struct timeline_call){
	    .t = f->t,
	    .dur = f->vmm_ns,
	    .vcpu = (unsigned int)f->vcpu,
	    .target = f->has_target && f->target >= 0 && f->target < TIMELINE_MAX_CPUS
			  ? (int)f->target
			  : -1,
	    .injected = f->injected,
	};
	if (tl->details && !keep_call_text(tl, f, c))
		return false;
	if (f->has_target && f->target >= 0)
		see_cpu(tl, f->target);
	tl->nr_injected += f->injected;
	tl->nr_calls++;
	return true;
}

/* A name read from the file, fit to quote in a one-line error: its first
 * len - 1 bytes, anything but printable ASCII shown as '?'. */
static const char *printable(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++)
		buf[i] = isprint((unsigned char)s[i]) ? s[i] : '?';
	buf[i] = '\0';
	return buf;
}

static int add_line(struct timeline *tl, const struct fields *f, unsigned long lineno, char *err,
		    size_t errlen)
{
	char name[33];
	bool ok = true;

	if (!f->has_t)
		FAIL("line %lu: no \"t\" (not a vmm --trace-file record?)", lineno);
	if ((!strcmp(f->ev, "state") || !strcmp(f->ev, "call")) &&
	    (!f->has_vcpu || f->vcpu < 0 || f->vcpu >= TIMELINE_MAX_CPUS))
		FAIL("line %lu: \"vcpu\" missing or not from 0 to %d", lineno,
		     TIMELINE_MAX_CPUS - 1);
	if (!strcmp(f->ev, "vm")) {
		ok = add_vm(tl, f);
	} else if (!strcmp(f->ev, "state")) {
		enum timeline_state s = timeline_state_from_name(f->to, f->cause);

		if (s == TL_UNKNOWN)
			FAIL("line %lu: unknown power state \"%s\"", lineno,
			     printable(f->to, name, sizeof(name)));
		ok = add_state(tl, f, s);
	} else if (!strcmp(f->ev, "call")) {
		ok = add_call(tl, f);
	}
	if (!ok)
		FAIL("line %lu: out of memory", lineno);
	return 0;
}

static int by_time(const void *a, const void *b)
{
	const struct timeline_change *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int parse(struct timeline *tl, const char *text, size_t len, bool details, char *err,
		 size_t errlen)
{
	unsigned long lineno = 0;
	size_t pos = 0;

	memset(tl, 0, sizeof(*tl));
	tl->details = details;
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
	if (tl->nr_changes)
		qsort(tl->changes, tl->nr_changes, sizeof(*tl->changes), by_time);
	return 0;
}

int timeline_parse(struct timeline *tl, const char *text, size_t len, char *err, size_t errlen)
{
	return parse(tl, text, len, false, err, errlen);
}

int timeline_parse_details(struct timeline *tl, const char *text, size_t len, char *err,
			   size_t errlen)
{
	return parse(tl, text, len, true, err, errlen);
}

void timeline_free(struct timeline *tl)
{
	free(tl->changes);
	free(tl->calls);
	free(tl->resets);
	free(tl->vm_events);
	free(tl->text);
	memset(tl, 0, sizeof(*tl));
}
