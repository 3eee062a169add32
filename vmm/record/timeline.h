/*
 * `vmm timeline TRACE.jsonl -o timeline.svg`: turn a --trace-file record
 * (tracefile.h) into a picture. One lane per vCPU showing its power state
 * over time (a colour per state), a mark for every forwarded call on the
 * caller's lane (injected answers in red, also on the target's lane; an
 * answer that took long, such as an injected delay, as a box as wide as it
 * took), dashed lines where the VM was reset, a time axis and a legend.
 * Lanes shrink with the vCPU count so that 64 still fit a screen.
 *
 * Pure: text in, SVG text out; unit-tested on the build host (and the SVG
 * rendered with rsvg-convert there). In four files: timeline_read.c reads
 * the record, timeline_layout.c places lanes, intervals and marks,
 * timeline_svg.c draws them, timeline_cmd.c is the `vmm timeline` command.
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

struct timeline_change {
	uint64_t t;
	unsigned int vcpu;
	enum timeline_state to;
};

struct timeline_call {
	uint64_t t, dur;
	unsigned int vcpu;
	int target; /* -1: none */
	bool injected;
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
};

/*
 * Parse the JSON lines of a trace file (text need not be NUL-terminated).
 * Blank lines and lines of kinds it does not draw are skipped; a line that
 * is not a JSON object, or lacks "t", is an error: -1 with "line N: why" in
 * err. Returns 0 on success (tl must be freed with timeline_free either
 * way).
 */
int timeline_parse(struct timeline *tl, const char *text, size_t len, char *err, size_t errlen);
void timeline_free(struct timeline *tl);

/* The SVG document for a parsed record, malloc'd (NULL: out of memory);
 * *len its length. A record without a single event draws an empty chart. */
char *timeline_svg(const struct timeline *tl, const char *title, size_t *len);

/* "absent", "off", "on-pending", "on", "suspended", "lost": the state a
 * trace line names, or TL_UNKNOWN. */
enum timeline_state timeline_state_from_name(const char *name, const char *cause);

/* `vmm timeline TRACE [-o SVG] [--title TEXT]`: exit status 0, or 2 with a
 * one-line error. */
int timeline_main(int argc, char **argv);

#endif
