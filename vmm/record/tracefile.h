/*
 * The machine-readable record: `--trace-file PATH` (and `vmm ctl SOCK
 * trace-file PATH|off`) writes one JSON object per line.
 *
 *   {"t":NS,"ev":"vm","what":"start","cpus":4,"resets":0}
 *   {"t":NS,"ev":"state","vcpu":2,"from":"off","to":"on-pending","cause":"CPU_ON"}
 *   {"t":NS,"ev":"ost","vcpu":2,"event":1,"what":"device-check","status":0,
 *    "meaning":"success"}
 *   {"t":NS,"ev":"call","vcpu":0,"conduit":"hvc","fn":"PSCI_CPU_ON64",
 *    "fid":"0xc4000003","args":["0x2","0x80080000","0x0"],"target":2,
 *    "result":"resume","ret":-6,"x0":"0xfffffffffffffffa","injected":true,
 *    "rule":"CPU_ON:cpu=2:next=1:ret=INTERNAL_FAILURE","vmm_ns":48211}
 *
 * t is CLOCK_MONOTONIC in ns: for a call, when the VMM received it; vmm_ns
 * is how long the VMM took to answer (injected delays included). A call's
 * line is written once it is answered, so a state change it caused can come
 * first in the file: order by t. "target" is present for the functions whose
 * x1 names a vCPU (-1: no such MPIDR); "ret"/"x0" only when the call returns
 * (not after CPU_OFF, SYSTEM_OFF, ...); "rule" only when injected. Power
 * states are psci_cpu_state_name()'s; causes psci.h's, plus "start" (the
 * state of every vCPU when a VM starts or the file is opened) and "reset",
 * "system-off", "stop" (every vCPU goes off when a VM ends). An "ost" line is
 * an ACPI guest's _OST for a vCPU's hotplug event (cpuhp.h): the source event
 * and status code as numbers (ACPI 6.5 §6.3.5) and as names.
 *
 * Writing never waits, on any thread: lines go through a bounded ring with
 * a writer thread of its own (outbuf.h), where a full ring drops the line and
 * counts it (tracefile_dropped); a line is queued whole or not at all.
 * Switching files is atomic for writers: a line goes entirely to the old file
 * or entirely to the new one. Opening never blocks either: anything but a
 * regular file (a FIFO would wait for a reader) is refused. The file switched
 * away from is handed to its ring's writer, which writes what is queued and
 * closes it after its last write().
 */
#ifndef VMM_TRACEFILE_H
#define VMM_TRACEFILE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/firmware/smccc.h"

#define TRACEFILE_MAX_LINE 1024
#define TRACEFILE_MAX_PATH 256 /* longer paths are refused */

struct outbuf;

struct tracefile {
	pthread_mutex_t lock; /* held to swap the ring, and to queue one line */
	atomic_bool on;	      /* a file is open (a cheap check before the lock) */
	atomic_bool used;     /* a file was open at some time (`stats` shows counters) */
	struct outbuf *ob;
	atomic_ulong lines;   /* lines queued, all files */
	atomic_ulong dropped; /* lines dropped: the ring was full */
};

void tracefile_init(struct tracefile *t);

/* Open (truncate) path, which must be a regular file that no other record
 * is still writing (the previous one, retired by `trace-file off` and still
 * finishing, or another VMM's: refused, not mixed), and send lines there
 * from now on, retiring the file in use. Never blocks. Returns 0, or -1 with
 * a one-line reason in err (the file in use, if any, stays). */
int tracefile_open(struct tracefile *t, const char *path, char *err, size_t errlen);

/* Stop writing: the queued lines still go to the file, written by its own
 * thread; the caller waits at most wait_ms for that (0: `trace-file off` on
 * the main loop; a grace at exit). */
void tracefile_close(struct tracefile *t, int wait_ms);

/* Queue one line (with its newline); nothing if no file is open. */
void tracefile_write(struct tracefile *t, const char *line, size_t len);

static inline bool tracefile_on(struct tracefile *t)
{
	return t && atomic_load_explicit(&t->on, memory_order_relaxed);
}

/* Whether a trace file was ever open: its counters mean something. */
bool tracefile_was_used(struct tracefile *t);

/* Lines dropped because the ring was full (all files so far). */
unsigned long tracefile_dropped(struct tracefile *t);

/* CLOCK_MONOTONIC in ns (vDSO: no syscall). */
uint64_t tracefile_now_ns(void);

/* One answered call, for tracefile_fmt_call. */
struct tracefile_call {
	uint64_t t_ns, vmm_ns;
	const struct smccc_call *call;
	const struct smccc_result *res;
	enum smccc_outcome out;
	bool has_target;
	int target;	  /* with has_target: the vCPU x1 names, -1 none */
	const char *rule; /* the injection rule that fired, or NULL */
};

/* The lines, each ending in a newline; return the length (the line is cut
 * short, still ending in "}\n", if len is too small). */
size_t tracefile_fmt_call(char *buf, size_t len, const struct tracefile_call *c);
size_t tracefile_fmt_state(char *buf, size_t len, uint64_t t_ns, unsigned int vcpu,
			   const char *from, const char *to, const char *cause);
size_t tracefile_fmt_vm(char *buf, size_t len, uint64_t t_ns, const char *what,
			unsigned int nr_cpus, unsigned int resets);
size_t tracefile_fmt_ost(char *buf, size_t len, uint64_t t_ns, unsigned int vcpu, uint32_t event,
			 const char *event_name, uint32_t status, const char *status_name);

/* "resume", "cpu-off", "suspend", "system-off", "system-reset". */
const char *tracefile_outcome_name(enum smccc_outcome out);

#endif
