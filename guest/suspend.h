/*
 * Suspend calls that may lose the CPU's context (DEN0022 §5.4 CPU_SUSPEND
 * power-down states, §5.12 CPU_DEFAULT_SUSPEND, §5.19 SYSTEM_SUSPEND): the
 * caller passes cpu_resume_entry and a tagged context id, and gets control
 * back in C either way (head.S).
 */
#ifndef GUEST_SUSPEND_H
#define GUEST_SUSPEND_H

#include <stdbool.h>
#include <stdint.h>

#include "guest/guest.h"
#include "guest/smccc.h"

/* head.S: see there. Returns x0 of the call, or GUEST_SUSPEND_RESUMED. */
uint64_t psci_suspend_call(enum conduit c, uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
void cpu_resume_entry(void);

/* One slot per logical CPU, written only by that CPU (head.S). */
extern uint64_t suspend_ctxs[GUEST_MAX_CPUS][1 << (SUSPEND_CTX_SHIFT - 3)];

/* A context id for the next suspend call of logical CPU cpu (the caller):
 * GUEST_CTX(cpu) tagged with kind and a per-CPU call count, so a resume with
 * a stale or foreign context id shows. */
uint64_t suspend_next_ctx(unsigned int cpu, unsigned int kind);

/* How a suspend call came back. */
struct suspend_result {
	bool resumed; /* through cpu_resume_entry */
	int32_t ret;  /* else: what the call returned */
	uint64_t ctx; /* the context id passed */
	uint64_t t0;  /* CNTVCT_EL0 before the wake-up timer was armed */
	uint64_t t1;  /* CNTVCT_EL0 once awake */
	bool no_wake; /* the wake-up timer could not be set up: no call made */
	char why[96]; /* ... and why */
};

/* Where a suspend function takes its entry point and context id. */
enum suspend_args {
	SUSPEND_ARGS_STATE_ENTRY_CTX, /* CPU_SUSPEND(power_state, entry, ctx) */
	SUSPEND_ARGS_ENTRY_CTX,	      /* CPU_DEFAULT_SUSPEND/SYSTEM_SUSPEND(entry, ctx) */
};
/*
 * On the calling CPU (logical index cpu): arm the virtual timer wake_ticks
 * ahead as the wake-up event, make the call fid with entry point
 * cpu_resume_entry and a fresh context id of kind (and power_state for
 * CPU_SUSPEND), stop the timer and fill *r.
 */
void suspend_with_timer(unsigned int cpu, enum conduit c, uint32_t fid, enum suspend_args args,
			uint64_t power_state, unsigned int kind, uint64_t wake_ticks,
			struct suspend_result *r);

/*
 * A secondary's job (cpus.h, JOB_CALL; the call and timer from
 * cpu_set_suspend()): arm the virtual timer as the wake-up event, announce
 * the call (susp_ready), make it, and report whether it returned or the CPU
 * resumed at cpu_resume_entry (then everything but RAM was reset, head.S
 * restored our registers). The boot CPU watches PSCI's view of it meanwhile.
 */
void suspend_job(unsigned int idx, enum conduit c);

/* Does the entry state recorded at the last resume of cpu look like a
 * CPU_ON entry (DEN0022 §6.4.3) with x0 = ctx? Returns false with a reason. */
bool resume_state_ok(unsigned int cpu, uint64_t ctx, char *why, unsigned long why_size);

#endif
