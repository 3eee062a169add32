/*
 * A --trace-file record as Trace Event JSON (contract in timeline.h): the
 * format of Chrome's "Trace Event Format" document, which ui.perfetto.dev
 * and chrome://tracing open. `vmm timeline --format trace-event` writes it.
 *
 *   {"displayTimeUnit":"ns","traceEvents":[
 *   {"ph":"M","name":"process_name",...}      pid 1: "vmm" (+ the VM's name)
 *   {"ph":"M","name":"thread_name",...}       tid 2+2N: "vcpu N", its power
 *                                             states; tid 3+2N: "vcpu N calls"
 *   {"ph":"X","cat":"state",...}              a power state, while it lasted
 *   {"ph":"X","cat":"call",...}               a forwarded call, its time in the
 *                                             VMM; "call,injected" if a rule
 *                                             answered it
 *   {"ph":"i","s":"t","cat":"hotplug",...}    a plug or unplug of vCPU N
 *   {"ph":"i","s":"p","cat":"vm",...}         start, open, reset, system-off,
 *   ]}                                        stop (the record's "vm" lines)
 *
 * Why two tracks per vCPU: the slices of one track must nest, and a call
 * does not nest in a state: CPU_SUSPEND arrives while the vCPU is on and is
 * answered after it was suspended and woken up, CPU_OFF ends in off. Perfetto
 * draws slices that overlap without nesting wrongly, so states and calls each
 * get a thread of their own, kept next to each other by thread_sort_index.
 * A vCPU's state slices tile its time: each lasts until its next change, the
 * last until the end of the record.
 *
 * Why the object form: it carries "displayTimeUnit":"ns" (calls last a few
 * µs, and the viewer shows them in ns); the array form exists for traces that
 * may end cut short, and this file is always written whole.
 *
 * Time: ts and dur are µs, as the format wants, written as exact decimals of
 * the record's ns (no floating point: no rounding, no NaN), on the record's
 * own clock (CLOCK_MONOTONIC), so the file lines up with other traces of the
 * same host. Strings are JSON-escaped; bytes that are not UTF-8 become
 * U+FFFD, since a JSON text is UTF-8.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/output/strbuf.h"
#include "vmm/record/timeline.h"

#define PID	     1
#define VM_TID	     1 /* the process's own events */
#define STATE_TID(n) (2 + 2 * (n))
#define CALL_TID(n)  (3 + 2 * (n))

static const char *const state_names[TL_NR_STATES] = {
    [TL_ABSENT] = "absent",	    [TL_OFF] = "off",
    [TL_ON_PENDING] = "on-pending", [TL_ON] = "on",
    [TL_SUSPENDED] = "suspended",   [TL_LOST] = "lost",
};

/* The length of the well-formed UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned int need;
	uint32_t cp, min;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 1, min = 0x80;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 2, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 3, min = 0x10000;
	else
		return 0;
	if (n <= need)
		return 0;
	cp = s[0] & (0x3fu >> need);
	for (unsigned int i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need + 1;
}

/* A JSON string: runs of plain text as they are, the rest escaped. */
static void put_str(struct strbuf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), run = 0, i = 0;

	strbuf_printf(b, "\"");
	while (i < n) {
		size_t k = s[i] >= 0x20 && s[i] != '"' && s[i] != '\\' ? utf8_len(s + i, n - i) : 0;

		if (k) {
			i += k;
			continue;
		}
		strbuf_printf(b, "%.*s", (int)(i - run), str + run);
		if (s[i] == '"' || s[i] == '\\')
			strbuf_printf(b, "\\%c", s[i]);
		else if (s[i] == '\n')
			strbuf_printf(b, "\\n");
		else if (s[i] == '\t')
			strbuf_printf(b, "\\t");
		else if (s[i] < 0x20)
			strbuf_printf(b, "\\u%04x", s[i]);
		else
			strbuf_printf(b, "\\ufffd");
		run = ++i;
	}
	strbuf_printf(b, "%.*s\"", (int)(i - run), str + run);
}

/* ns as µs, exactly: "1234.567". */
static void put_us(struct strbuf *b, uint64_t ns)
{
	strbuf_printf(b, "%" PRIu64 ".%03u", ns / 1000, (unsigned int)(ns % 1000));
}

/* The start of an event, up to the name: {"ph":..,"pid":..,"tid":..,"ts":..,
 * ["dur":..,]["s":..,]"cat":..,"name":.. */
static void put_head(struct strbuf *b, const char *ph, unsigned int tid, uint64_t t,
		     const uint64_t *dur, const char *scope, const char *cat, const char *name)
{
	strbuf_printf(b, "{\"ph\":\"%s\",\"pid\":%d,\"tid\":%u,\"ts\":", ph, PID, tid);
	put_us(b, t);
	if (dur) {
		strbuf_printf(b, ",\"dur\":");
		put_us(b, *dur);
	}
	if (scope)
		strbuf_printf(b, ",\"s\":\"%s\"", scope);
	strbuf_printf(b, ",\"cat\":\"%s\",\"name\":", cat);
	put_str(b, name);
}

/* ---- metadata: the process, and a named, ordered thread per track ---- */

static void put_thread(struct strbuf *b, unsigned int tid, const char *name, unsigned int vcpu,
		       unsigned int order)
{
	strbuf_printf(b,
		      ",\n{\"ph\":\"M\",\"pid\":%d,\"tid\":%u,\"name\":\"thread_name\","
		      "\"args\":{\"name\":\"vcpu %u%s\"}}",
		      PID, tid, vcpu, name);
	strbuf_printf(b,
		      ",\n{\"ph\":\"M\",\"pid\":%d,\"tid\":%u,\"name\":\"thread_sort_index\","
		      "\"args\":{\"sort_index\":%u}}",
		      PID, tid, order);
}

static void put_metadata(struct strbuf *b, const struct timeline *tl, const char *process)
{
	bool states[TIMELINE_MAX_CPUS] = {false}, calls[TIMELINE_MAX_CPUS] = {false};

	strbuf_printf(b, "{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"name\":\"process_name\",", PID,
		      VM_TID);
	strbuf_printf(b, "\"args\":{\"name\":");
	if (process) {
		put_str(b, process);
	} else {
		char name[80]; /* the reader keeps names of up to 63 bytes */

		snprintf(name, sizeof(name), "vmm%s%s", tl->name ? " " : "",
			 timeline_text(tl, tl->name));
		put_str(b, name);
	}
	strbuf_printf(b, "}}");
	for (size_t i = 0; i < tl->nr_changes; i++)
		states[tl->changes[i].vcpu] = true;
	for (size_t i = 0; i < tl->nr_calls; i++)
		calls[tl->calls[i].vcpu] = true;
	for (unsigned int n = 0; n < TIMELINE_MAX_CPUS; n++) {
		if (states[n])
			put_thread(b, STATE_TID(n), "", n, 2 * n);
		if (calls[n])
			put_thread(b, CALL_TID(n), " calls", n, 2 * n + 1);
	}
}

/* ---- the events ---- */

static void put_state(struct strbuf *b, const struct timeline *tl, const struct timeline_change *c,
		      uint64_t end)
{
	uint64_t dur = end - c->t;
	const char *cause = timeline_text(tl, c->cause);

	strbuf_printf(b, ",\n");
	put_head(b, "X", STATE_TID(c->vcpu), c->t, &dur, NULL, "state", state_names[c->to]);
	strbuf_printf(b, ",\"args\":{\"cause\":");
	put_str(b, cause);
	strbuf_printf(b, "}}");
	if (!strcmp(cause, "plug") || !strcmp(cause, "unplug")) {
		strbuf_printf(b, ",\n");
		put_head(b, "i", STATE_TID(c->vcpu), c->t, NULL, "t", "hotplug", cause);
		strbuf_printf(b, "}");
	}
}

/* Every change is a slice until the next change of its vCPU; changes are in
 * time order, so a slice is written when the next one starts. */
static void put_states(struct strbuf *b, const struct timeline *tl)
{
	const struct timeline_change *open[TIMELINE_MAX_CPUS] = {NULL};

	for (size_t i = 0; i < tl->nr_changes; i++) {
		const struct timeline_change *c = &tl->changes[i];

		if (open[c->vcpu])
			put_state(b, tl, open[c->vcpu], c->t);
		open[c->vcpu] = c;
	}
	for (unsigned int n = 0; n < TIMELINE_MAX_CPUS; n++)
		if (open[n])
			put_state(b, tl, open[n], tl->t_max);
}

static void put_call(struct strbuf *b, const struct timeline *tl, const struct timeline_call *c)
{
	const char *fn = timeline_text(tl, c->fn), *fid = timeline_text(tl, c->fid);
	const char *arg = timeline_text(tl, c->args);

	strbuf_printf(b, ",\n");
	put_head(b, "X", CALL_TID(c->vcpu), c->t, &c->dur, NULL,
		 c->injected ? "call,injected" : "call",
		 *fn	? fn
		 : *fid ? fid
			: "call");
	strbuf_printf(b, ",\"args\":{\"fid\":");
	put_str(b, fid);
	strbuf_printf(b, ",\"conduit\":");
	put_str(b, timeline_text(tl, c->conduit));
	strbuf_printf(b, ",\"args\":[");
	for (unsigned int i = 0; i < c->nr_args; i++, arg += strlen(arg) + 1) {
		strbuf_printf(b, "%s", i ? "," : "");
		put_str(b, arg);
	}
	strbuf_printf(b, "]");
	if (c->has_target)
		strbuf_printf(b, ",\"target\":%" PRId32, c->target_given);
	strbuf_printf(b, ",\"result\":");
	put_str(b, timeline_text(tl, c->result));
	if (c->has_ret) {
		strbuf_printf(b, ",\"ret\":%" PRId64 ",\"x0\":", c->ret);
		put_str(b, timeline_text(tl, c->x0));
	}
	strbuf_printf(b, ",\"injected\":%s", c->injected ? "true" : "false");
	if (c->rule) {
		strbuf_printf(b, ",\"rule\":");
		put_str(b, timeline_text(tl, c->rule));
	}
	strbuf_printf(b, "}}");
}

static void put_vm_event(struct strbuf *b, const struct timeline *tl,
			 const struct timeline_vm_event *e)
{
	strbuf_printf(b, ",\n");
	put_head(b, "i", VM_TID, e->t, NULL, "p", "vm", timeline_text(tl, e->what));
	strbuf_printf(b, ",\"args\":{");
	if (e->cpus >= 0)
		strbuf_printf(b, "\"cpus\":%d%s", e->cpus, e->resets >= 0 ? "," : "");
	if (e->resets >= 0)
		strbuf_printf(b, "\"resets\":%d", e->resets);
	strbuf_printf(b, "}}");
}

char *timeline_trace_event(const struct timeline *tl, const char *process, size_t *len)
{
	struct strbuf b = {0};

	strbuf_printf(&b, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
	put_metadata(&b, tl, process);
	put_states(&b, tl);
	for (size_t i = 0; i < tl->nr_calls; i++)
		put_call(&b, tl, &tl->calls[i]);
	for (size_t i = 0; i < tl->nr_vm_events; i++)
		put_vm_event(&b, tl, &tl->vm_events[i]);
	strbuf_printf(&b, "\n]}\n");
	if (b.oom) {
		free(b.buf);
		return NULL;
	}
	*len = b.len;
	return b.buf;
}
