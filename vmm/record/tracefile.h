/*
 * The machine-readable record: `--trace-file PATH` (and `vmm ctl SOCK
 * trace-file PATH|off`) writes one JSON object per line.
 *
 *   {"t":NS,"ev":"vm","what":"start","cpus":4,"resets":0}
 *   {"t":NS,"ev":"state","vcpu":2,"from":"off","to":"on-pending","cause":"CPU_ON"}
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
 * "system-off", "stop" (every vCPU goes off when a VM ends).
 *
 * Writing never blocks a vCPU thread: lines go through a bounded buffer with
 * a writer thread of its own (outbuf.h) in its cancelled mode, where a full
 * buffer drops the line and counts it (tracefile_dropped) instead of
 * waiting; a line is queued whole or not at all. Switching files is atomic for writers: a line goes
 * entirely to the old file or entirely to the new one.
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
#define TRACEFILE_MAX_PATH 256

struct outbuf;

struct tracefile {
	pthread_rwlock_t lock; /* writers: read side; open/close: write side */
	atomic_bool on;	       /* a file is open (a cheap check before the lock) */
	struct outbuf *ob;
	int fd;
	char path[TRACEFILE_MAX_PATH];
	pthread_mutex_t wlock; /* producers: check the room, then copy */
	atomic_ulong lines;    /* lines queued, all files */
	atomic_ulong dropped;  /* lines dropped: the buffer was full */
};

void tracefile_init(struct tracefile *t);

/* Open (truncate) path and send lines there from now on, closing the file
 * in use. Returns 0, or -1 with a one-line reason in err (the file in use,
 * if any, stays). */
int tracefile_open(struct tracefile *t, const char *path, char *err, size_t errlen);

/* Stop writing: the queued lines get flush_ms to reach the file. */
void tracefile_close(struct tracefile *t, int flush_ms);

/* Queue one line (with its newline); nothing if no file is open. */
void tracefile_write(struct tracefile *t, const char *line, size_t len);

static inline bool tracefile_on(struct tracefile *t)
{
	return t && atomic_load_explicit(&t->on, memory_order_relaxed);
}

/* Lines dropped because the buffer was full (all files so far). */
unsigned long tracefile_dropped(struct tracefile *t);

/* The path in use copied to buf ("" when off). */
void tracefile_path(struct tracefile *t, char *buf, size_t len);

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

/* "resume", "cpu-off", "suspend", "system-off", "system-reset". */
const char *tracefile_outcome_name(enum smccc_outcome out);

#endif
