/*
 * Secondary CPUs: how the boot CPU starts them with PSCI CPU_ON, tells them
 * what to do, and watches them check in and power off.
 *
 * Cross-CPU communication without exclusives (the MMU is off): every shared
 * word has exactly one writer. A secondary writes only its cpu_reports slot;
 * the boot CPU writes only cpu_cmds and race_go. Writers order their stores
 * with dmb() (dsb() before a hypercall), readers poll with READ_ONCE until
 * a deadline on the virtual counter, so a CPU that never answers fails a
 * case, with a message naming the CPU and what it did not do, instead of
 * hanging the guest.
 *
 * A secondary's life for one CPU_ON (its check-in number seq = 1, 2, ...):
 *   head.S records the entry state, secondary_main() bumps checkins to seq,
 *   does its job (cpu_cmds.job), writes leaving = seq and calls CPU_OFF.
 * A power-down suspend inside a job (suspend_job) is not a new life: the
 * CPU resumes through cpu_resume_entry back into the job (suspend.h), which
 * head.S counts in its slot's resumes.
 */
#ifndef GUEST_CPUS_H
#define GUEST_CPUS_H

#include <stdbool.h>
#include <stdint.h>

#include "guest/guest.h"
#include "guest/machine.h"
#include "guest/smccc.h"

/*
 * How long one CPU waits for another (timer.h: real time on the virtual
 * counter, never a count of loop iterations). Generous on purpose: the tests
 * run nested under emulation on a loaded host, where a vCPU may not run at
 * all for seconds. Only a broken VMM waits this long.
 *
 *   CPU_CHECKIN_MS    from a successful CPU_ON to the target's check-in
 *   CPU_STEP_MS       a checked-in CPU to its next report (race_done,
 *                     leaving), and AFFINITY_INFO to say OFF after leaving
 *   CPU_BOOT_WAIT_MS  a secondary waiting for the boot CPU (go, race_go),
 *                     which may itself be waiting for other CPUs meanwhile
 */
#define CPU_CHECKIN_MS	 30000
#define CPU_STEP_MS	 30000
#define CPU_BOOT_WAIT_MS 120000

/* Written only by the CPU it describes (see guest.h for the asm offsets). */
struct cpu_report {
	/* CPU_ON entry state, stored by head.S before any C code. */
	uint64_t entry_x0;
	uint64_t entry_el; /* CurrentEL */
	uint64_t entry_daif;
	uint64_t entry_sctlr;  /* SCTLR_EL1 */
	uint64_t entry_mpidr;  /* MPIDR_EL1 */
	uint64_t entry_cntvct; /* CNTVCT_EL0 read by the first instruction */

	/* Resume from a power-down suspend (cpu_resume_entry in head.S). */
	uint64_t resume_x0;
	uint64_t resume_el;
	uint64_t resume_daif;
	uint64_t resume_sctlr;
	uint64_t resume_mpidr;
	uint64_t resume_cntvct;
	uint64_t resumes; /* resumes so far */

	uint64_t checkins;    /* number of entries so far: seq of the latest */
	uint64_t leaving;     /* seq when it is about to call CPU_OFF */
	uint64_t race_result; /* JOB_RACE: what its CPU_ON of the target returned */
	uint64_t race_done;   /* seq once race_result is valid */
	uint64_t off_result;  /* what CPU_OFF returned, if it did */
	uint64_t off_failed;  /* seq once off_result is valid */

	/* suspend_job (suspend.c): how its suspend call went. */
	uint64_t susp_ctx;     /* the context id it passed */
	uint64_t susp_t0;      /* CNTVCT_EL0 just before arming the timer */
	uint64_t susp_ready;   /* seq: about to make the call */
	uint64_t susp_result;  /* x0 if the call returned */
	uint64_t susp_resumed; /* 1 if it came back through cpu_resume_entry */
	uint64_t susp_t1;      /* CNTVCT_EL0 once awake again */
	uint64_t susp_done;    /* seq once the fields above are valid */
	uint64_t susp_error;   /* nonzero: the GIC set-up failed, no call made */

	uint64_t bad_entries; /* stress.c: entries with an unexpected x0 */
} __attribute__((aligned(1 << CPU_REPORT_SHIFT)));

enum cpu_job {
	JOB_OFF,   /* check in, CPU_OFF at once */
	JOB_HOLD,  /* check in, wait for cpu_release(), CPU_OFF */
	JOB_HELLO, /* check in, wait for cpu_release(), print a hello line, CPU_OFF */
	JOB_RACE,  /* check in, wait for race_go, CPU_ON the race target, wait for
		    * cpu_release(), CPU_OFF */
	JOB_CALL,  /* check in, call cpu_cmd.call (a job from above: stress, suspend), CPU_OFF */
	JOB_CALL_AFTER_GO, /* check in, wait for cpu_release(), call cpu_cmd.call, CPU_OFF */
};

/*
 * A job a mode brings along (stress.c, chatter.c): cpus.c runs it on
 * secondary idx, with the conduit of its cpu_cmd, and calls CPU_OFF when it
 * returns. Passed in through cpu_cmd, so that this file, below the modes,
 * never names one of them.
 */
typedef void (*cpu_job_fn)(unsigned int idx, enum conduit c);

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
	/* suspend_job: fid(power_state, cpu_resume_entry, tagged ctx) after
	 * arming the virtual timer susp_ticks ahead. */
	uint64_t susp_fid;
	uint64_t susp_state;
	uint64_t susp_ticks;
	/* JOB_CALL, JOB_CALL_AFTER_GO: what to run (a cpu_job_fn). */
	uint64_t call;
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

/* Wait up to CPU_CHECKIN_MS for the secondary to check in for this run. */
bool cpu_wait_checkin(const struct cpu_run *run);

/* JOB_RACE: the CPU_ON the secondary issues once race_go == gen. Call after
 * cpu_prepare() and before cpu_on(). */
void cpu_set_race(const struct cpu_run *run, uint32_t fid, uint64_t target, uint64_t ctx,
		  uint64_t gen);

/* Start every JOB_RACE secondary whose race_gen is gen. */
void cpu_race_go(uint64_t gen);

/* Wait up to CPU_STEP_MS for a JOB_RACE secondary to publish race_result. */
bool cpu_wait_race_done(const struct cpu_run *run);

/* Let a JOB_HOLD/JOB_HELLO/JOB_RACE secondary go on. */
void cpu_release(const struct cpu_run *run);

/* Wait up to CPU_STEP_MS for the secondary to announce CPU_OFF for this run. */
bool cpu_wait_leaving(const struct cpu_run *run);

/* Result of polling AFFINITY_INFO until a CPU is OFF. */
struct off_poll {
	unsigned int calls; /* AFFINITY_INFO calls made */
	int32_t first;	    /* the first result */
	int32_t last;	    /* the last result */
	bool off_returned;  /* the secondary's CPU_OFF returned (off_result) */
	uint64_t waited_ms; /* from the first call to the last */
};

/*
 * Poll AFFINITY_INFO64(target, level 0) over c, backing off between calls
 * (OFF_POLL_US doubling up to OFF_POLL_MAX_US) so a slow VMM costs few
 * hypercalls, until it says OFF. Gives up after CPU_STEP_MS, on a result
 * that is neither ON nor ON_PENDING, or when the run's CPU_OFF returned.
 * Returns true when OFF was seen.
 */
bool cpu_wait_off(const struct cpu_run *run, enum conduit c, struct off_poll *p);

/* JOB_CALL, JOB_CALL_AFTER_GO: the function the secondary runs. Call after
 * cpu_prepare() and before cpu_on(). */
void cpu_set_call(const struct cpu_run *run, cpu_job_fn fn);

/* suspend_job: make the call (fid, power_state) with the wake-up timer
 * ticks ahead. Call after cpu_prepare() and before cpu_on(). */
void cpu_set_suspend(const struct cpu_run *run, uint32_t fid, uint64_t power_state, uint64_t ticks);

/*
 * The same with the caller's time limit (the scripted modes): wait up to
 * ticks for run's check-in; poll AFFINITY_INFO64 of logical CPU idx every
 * OFF_POLL_US until it says OFF (true), an answer that is neither ON nor
 * ON_PENDING or the time is up (false; *last = the answer).
 */
#define OFF_POLL_US	1000
#define OFF_POLL_MAX_US 20000
bool cpu_wait_checkin_for(const struct cpu_run *run, uint64_t ticks);
bool cpu_wait_off_for(unsigned int idx, enum conduit c, uint64_t ticks, int32_t *last);

#endif
