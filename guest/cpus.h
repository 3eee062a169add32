/*
 * Secondary CPUs: how the boot CPU starts them with PSCI CPU_ON, tells them
 * what to do, and watches them check in and power off.
 *
 * Cross-CPU communication without exclusives (the MMU is off): every shared
 * word has exactly one writer. A secondary writes only its cpu_reports slot;
 * the boot CPU writes only cpu_cmds and race_go. Writers order their stores
 * with dmb() (dsb() before a hypercall), readers poll with READ_ONCE and a
 * bounded number of iterations, so a CPU that never answers fails a case
 * instead of hanging the guest.
 *
 * A secondary's life for one CPU_ON (its check-in number seq = 1, 2, ...):
 *   head.S records the entry state, secondary_main() bumps checkins to seq,
 *   does its job (cpu_cmds.job), writes leaving = seq and calls CPU_OFF.
 */
#ifndef GUEST_CPUS_H
#define GUEST_CPUS_H

#include <stdbool.h>
#include <stdint.h>

#include "guest/guest.h"
#include "guest/smccc.h"

/*
 * Bounded busy-waits count iterations, not time: on a slow nested host the
 * guest's own progress is the yardstick (a wall-clock bound would fail when
 * the host is merely slow). About a second of spinning on real hardware.
 */
#define POLL_LIMIT 50000000UL

/* Written only by the CPU it describes (see guest.h for the asm offsets). */
struct cpu_report {
	/* CPU_ON entry state, stored by head.S before any C code. */
	uint64_t entry_x0;
	uint64_t entry_el; /* CurrentEL */
	uint64_t entry_daif;
	uint64_t entry_sctlr; /* SCTLR_EL1 */
	uint64_t entry_mpidr; /* MPIDR_EL1 */

	uint64_t checkins;    /* number of entries so far: seq of the latest */
	uint64_t leaving;     /* seq when it is about to call CPU_OFF */
	uint64_t race_result; /* JOB_RACE: what its CPU_ON of the target returned */
	uint64_t race_done;   /* seq once race_result is valid */
	uint64_t off_result;  /* what CPU_OFF returned, if it did */
	uint64_t off_failed;  /* seq once off_result is valid */
} __attribute__((aligned(1 << CPU_REPORT_SHIFT)));

enum cpu_job {
	JOB_OFF,   /* check in, CPU_OFF at once */
	JOB_HOLD,  /* check in, wait for cpu_release(), CPU_OFF */
	JOB_HELLO, /* check in, wait for cpu_release(), print a hello line, CPU_OFF */
	JOB_RACE,  /* check in, wait for race_go, CPU_ON the race target, wait for
		    * cpu_release(), CPU_OFF */
};

/* Written only by the boot CPU, before the CPU_ON that starts the job. */
struct cpu_cmd {
	uint64_t job;	  /* enum cpu_job */
	uint64_t conduit; /* for its own PSCI calls */
	uint64_t go;	  /* = seq: proceed past the check-in wait */
	/* JOB_RACE: the CPU_ON to issue once race_go == race_gen. */
	uint64_t race_fid;
	uint64_t race_target;
	uint64_t race_ctx;
	uint64_t race_gen;
} __attribute__((aligned(64)));

/* A secondary that entered with a context id we never gave out (head.S), or
 * with one that names another CPU (secondary_main()). Diagnostics only: the
 * CPU then sleeps, and the boot CPU reports it when a check-in times out. */
struct stray_entry {
	uint64_t x0;
	uint64_t mpidr;
	uint64_t count;
};

extern struct cpu_report cpu_reports[GUEST_MAX_CPUS];
extern struct cpu_cmd cpu_cmds[GUEST_MAX_CPUS];
extern struct stray_entry stray_entry;
extern uint64_t race_go;

/* The machine as the DT describes it; set up by primary_main(). */
struct machine {
	unsigned int nr_cpus;
	uint64_t mpidr[GUEST_MAX_CPUS]; /* DT reg of each logical CPU */
	unsigned int boot_cpu;		/* logical index of the boot CPU */
	enum conduit conduit;		/* the DT's /psci method */
};
extern struct machine machine;

/* head.S */
void secondary_entry(void);
/* Called by head.S on a secondary with its logical index. */
void secondary_main(unsigned int idx) __attribute__((noreturn));

/* The boot CPU's view of one CPU_ON of logical CPU idx. */
struct cpu_run {
	unsigned int idx;
	uint64_t seq; /* the check-in number this CPU_ON should produce */
	uint64_t ctx; /* context id passed to CPU_ON */
};

/* Write the job for idx (which must be off) and fill *run. */
void cpu_prepare(struct cpu_run *run, unsigned int idx, enum cpu_job job, enum conduit c);

/* CPU_ON (fid = 32- or 64-bit) of target (normally machine.mpidr[run->idx])
 * at secondary_entry with run->ctx. Returns the PSCI result as int32. */
int32_t cpu_on(const struct cpu_run *run, enum conduit c, uint32_t fid, uint64_t target);

/* Bounded wait for the secondary to check in for this run. */
bool cpu_wait_checkin(const struct cpu_run *run);

/* JOB_RACE: the CPU_ON the secondary issues once race_go == gen. Call after
 * cpu_prepare() and before cpu_on(). */
void cpu_set_race(const struct cpu_run *run, uint32_t fid, uint64_t target, uint64_t ctx,
		  uint64_t gen);

/* Start every JOB_RACE secondary whose race_gen is gen. */
void cpu_race_go(uint64_t gen);

/* Bounded wait for a JOB_RACE secondary to publish race_result. */
bool cpu_wait_race_done(const struct cpu_run *run);

/* Let a JOB_HOLD/JOB_HELLO/JOB_RACE secondary go on. */
void cpu_release(const struct cpu_run *run);

/* Bounded wait for the secondary to announce CPU_OFF for this run. */
bool cpu_wait_leaving(const struct cpu_run *run);

/* Result of polling AFFINITY_INFO until a CPU is OFF. */
struct off_poll {
	unsigned int calls; /* AFFINITY_INFO calls made */
	int32_t first;	    /* the first result */
	int32_t last;	    /* the last result */
	bool off_returned;  /* the secondary's CPU_OFF returned (off_result) */
};

/*
 * Poll AFFINITY_INFO64(target, level 0) over c, backing off between calls so
 * a slow VMM costs few hypercalls, until it says OFF. Gives up after about
 * POLL_LIMIT iterations, on a result that is neither ON nor ON_PENDING, or
 * when the run's CPU_OFF returned. Returns true when OFF was seen.
 */
bool cpu_wait_off(const struct cpu_run *run, enum conduit c, struct off_poll *p);

/* Spin for n iterations. */
void spin(unsigned long n);

/* Logical index of the CPU with DT reg mpidr, or -1. */
int cpu_index_of(uint64_t mpidr);

#endif
