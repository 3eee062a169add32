/*
 * `vmm timeline TRACE.jsonl -o timeline.svg`: turn a --trace-file record
 * (tracefile.h) into a picture. One lane per vCPU showing its power state
 * over time (a colour per state), a mark for every forwarded call on the
 * caller's lane (injected answers in red, also on the target's lane; an
 * answer that took long, such as an injected delay, as a box as wide as it
 * took), dashed lines where the VM was reset, a time axis and a legend.
 * Lanes shrink with the vCPU count so that 64 still fit a screen.
 *
 * `--format trace-event` writes the same record as Trace Event JSON instead,
 * for ui.perfetto.dev and chrome://tracing (timeline_trace_event.c).
 *
 * Pure: text in, SVG or JSON text out; unit-tested on the build host (the
 * SVG rendered with rsvg-convert there, the JSON read by python3). In six
 * files: timeline_json.c scans JSON, timeline_read.c reads the record,
 * timeline_layout.c places lanes, intervals and marks, timeline_svg.c draws
 * them, timeline_trace_event.c writes the Trace Event file, timeline_cmd.c
 * is the `vmm timeline` command.
 */
#ifndef VMM_TIMELINE_H
#define VMM_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TIMELINE_MAX_CPUS 512

/* Lane states, in legend order. */
enum timeline_state {
	TL_UNKNOWN = -1, /* before the record says anything */
	TL_ABSENT,
	TL_OFF,
	TL_ON_PENDING,
	TL_ON,
	TL_SUSPENDED,
	TL_LOST, /* on-pending after an injected lost CPU_ON */
	TL_NR_STATES,
};

/* The fields marked "details" are filled by timeline_parse_details only (0
 * otherwise): the text a Trace Event file shows and a picture does not. A
 * text field is an offset into struct timeline's text, 0 being "". */
struct timeline_change {
	uint64_t t;
	unsigned int vcpu;
	enum timeline_state to;
	uint32_t seq;	/* its place among the changes read: equal times keep it */
	uint32_t cause; /* details */
};

struct timeline_call {
	uint64_t t, dur;
	unsigned int vcpu;
	int target; /* -1: none */
	bool injected;
	/* details: */
	bool has_target, has_ret;
	int32_t target_given; /* as the record has it: -1 is "no such MPIDR" */
	int64_t ret;
	uint32_t fn, fid, conduit, result, x0, rule;
	uint32_t args; /* nr_args NUL-terminated strings, one after another */
	unsigned int nr_args;
};

/* A "vm" line (details): start, open (a trace file opened on a running VM),
 * reset, system-off, stop. */
struct timeline_vm_event {
	uint64_t t;
	uint32_t what;
	int cpus, resets; /* -1: not given */
};

struct timeline {
	unsigned int nr_cpus;
	uint64_t t_min, t_max;
	size_t nr_times; /* times seen: t_min is valid once there is one */
	struct timeline_change *changes;
	size_t nr_changes, cap_changes;
	struct timeline_call *calls;
	size_t nr_calls, cap_calls;
	uint64_t *resets; /* times a VM started again after the first */
	size_t nr_resets, cap_resets;
	unsigned int nr_vm_starts;
	size_t nr_injected;
	/* details: */
	bool details;
	struct timeline_vm_event *vm_events;
	size_t nr_vm_events, cap_vm_events;
	uint32_t name; /* the VM's name, if its "vm" lines give one */
	char *text;    /* the strings, each NUL-terminated; NULL: none yet */
	size_t text_len, text_cap;
};

/* The string at a text offset of tl (details). */
static inline const char *timeline_text(const struct timeline *tl, uint32_t off)
{
	return tl->text ? tl->text + off : "";
}

/*
 * Parse the JSON lines of a trace file (text need not be NUL-terminated).
 * Blank lines and lines of kinds it does not draw are skipped; a line that
 * is not a JSON object, or lacks "t", is an error: -1 with "line N: why" in
 * err. Returns 0 on success (tl must be freed with timeline_free either
 * way).
 */
int timeline_parse(struct timeline *tl, const char *text, size_t len, char *err, size_t errlen);
/* The same, keeping the details too (the Trace Event writer needs them). */
int timeline_parse_details(struct timeline *tl, const char *text, size_t len, char *err,
			   size_t errlen);
void timeline_free(struct timeline *tl);

/* The SVG document for a parsed record, malloc'd (NULL: out of memory);
 * *len its length. A record without a single event draws an empty chart. */
char *timeline_svg(const struct timeline *tl, const char *title, size_t *len);

/* The Trace Event JSON (what ui.perfetto.dev and chrome://tracing open) of
 * a record read by timeline_parse_details, malloc'd (NULL: out of memory);
 * *len its length. process names the process track; NULL: "vmm", plus the
 * VM's name if the record has one. Written by timeline_trace_event.c. */
char *timeline_trace_event(const struct timeline *tl, const char *process, size_t *len);

/* "absent", "off", "on-pending", "on", "suspended", "lost": the state a
 * trace line names, or TL_UNKNOWN. */
enum timeline_state timeline_state_from_name(const char *name, const char *cause);

/* `vmm timeline TRACE [-o SVG] [--title TEXT]`: exit status 0, or 2 with a
 * one-line error. */
int timeline_main(int argc, char **argv);

#endif
