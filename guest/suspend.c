/*
 * Suspend calls that may power the calling CPU down, the check of the
 * state it resumes in, and a secondary's suspend job. See suspend.h; the
 * register save/restore is head.S.
 */
#include <stdbool.h>
#include <stdint.h>

#include "guest/arch.h"
#include "guest/cpus.h"
#include "guest/gic.h"
#include "guest/print.h"
#include "guest/suspend.h"
#include "guest/timer.h"

_Static_assert(sizeof(suspend_ctxs[0]) == 1 << SUSPEND_CTX_SHIFT, "head.S slot size");

uint64_t suspend_ctxs[GUEST_MAX_CPUS][1 << (SUSPEND_CTX_SHIFT - 3)]
    __attribute__((aligned(1 << SUSPEND_CTX_SHIFT)));
/* Per CPU, written by that CPU only: suspend calls made so far. */
static uint64_t suspend_calls[GUEST_MAX_CPUS];

uint64_t suspend_next_ctx(unsigned int cpu, unsigned int kind)
{
	uint64_t gen = READ_ONCE(suspend_calls[cpu]) + 1;

	WRITE_ONCE(suspend_calls[cpu], gen);
	return GUEST_CTX_TAGGED(cpu, GUEST_TAG(kind, gen));
}

void suspend_with_timer(unsigned int cpu, enum conduit c, uint32_t fid, enum suspend_args args,
			uint64_t power_state, unsigned int kind, uint64_t wake_ticks,
			struct suspend_result *r)
{
	uint64_t entry = (uintptr_t)cpu_resume_entry;
	uint64_t x0;

	r->resumed = false;
	r->no_wake = false;
	r->ret = PSCI_RET_NOT_SUPPORTED;
	r->why[0] = '\0';
	r->ctx = suspend_next_ctx(cpu, kind);
	r->t0 = counter_now();
	if (!wake_timer_arm(cpu, wake_ticks, r->why, sizeof(r->why))) {
		r->no_wake = true;
		r->t1 = r->t0;
		return;
	}
	if (args == SUSPEND_ARGS_STATE_ENTRY_CTX)
		x0 = psci_suspend_call(c, fid, power_state, entry, r->ctx);
	else
		x0 = psci_suspend_call(c, fid, entry, r->ctx, 0);
	r->t1 = counter_now();
	vtimer_stop();
	if (x0 == GUEST_SUSPEND_RESUMED)
		r->resumed = true;
	else
		r->ret = (int32_t)x0;
}

bool resume_state_ok(unsigned int cpu, uint64_t ctx, char *why, unsigned long why_size)
{
	const struct cpu_report *rep = &cpu_reports[cpu];
	uint64_t x0 = READ_ONCE(rep->resume_x0);
	uint64_t el = READ_ONCE(rep->resume_el);
	uint64_t daif = READ_ONCE(rep->resume_daif);
	uint64_t sctlr = READ_ONCE(rep->resume_sctlr);
	uint64_t mpidr = READ_ONCE(rep->resume_mpidr);

	if (x0 != ctx)
		snprintk(why, why_size, "resumed with x0 0x%llx, expected context id 0x%llx",
			 (unsigned long long)x0, (unsigned long long)ctx);
	else if (CURRENTEL_EL(el) != 1)
		snprintk(why, why_size, "resumed at EL%llu, expected EL1",
			 (unsigned long long)CURRENTEL_EL(el));
	else if (daif != DAIF_ALL_MASKED)
		snprintk(why, why_size, "resumed with DAIF 0x%llx, expected 0x%lx (all masked)",
			 (unsigned long long)daif, DAIF_ALL_MASKED);
	else if (sctlr & SCTLR_EL1_M)
		snprintk(why, why_size, "resumed with the MMU on (SCTLR_EL1 0x%llx)",
			 (unsigned long long)sctlr);
	else if ((mpidr & MPIDR_HWID_MASK) != machine.mpidr[cpu])
		snprintk(why, why_size, "resumed on MPIDR_EL1 0x%llx, expected 0x%llx",
			 (unsigned long long)mpidr, (unsigned long long)machine.mpidr[cpu]);
	else
		return true;
	return false;
}

void suspend_job(unsigned int idx, enum conduit c)
{
	struct cpu_report *me = &cpu_reports[idx];
	const struct cpu_cmd *cmd = &cpu_cmds[idx];
	uint64_t seq = READ_ONCE(me->checkins);
	uint32_t fid = (uint32_t)READ_ONCE(cmd->susp_fid);
	uint64_t state = READ_ONCE(cmd->susp_state);
	uint64_t ticks = READ_ONCE(cmd->susp_ticks);
	uint64_t ctx = suspend_next_ctx(idx, GUEST_TAG_CPU_SUSPEND);
	uint64_t t0 = counter_now();
	char why[96];
	uint64_t x0;

	if (!wake_timer_arm(idx, ticks, why, sizeof(why))) {
		WRITE_ONCE(me->susp_error, 1);
		dmb();
		WRITE_ONCE(me->susp_done, seq);
		dsb();
		return;
	}
	WRITE_ONCE(me->susp_ctx, ctx);
	WRITE_ONCE(me->susp_t0, t0);
	dmb();
	WRITE_ONCE(me->susp_ready, seq);
	dsb();
	x0 = psci_suspend_call(c, fid, state, (uintptr_t)cpu_resume_entry, ctx);
	WRITE_ONCE(me->susp_t1, counter_now());
	vtimer_stop();
	WRITE_ONCE(me->susp_resumed, x0 == GUEST_SUSPEND_RESUMED);
	WRITE_ONCE(me->susp_result, x0);
	dmb();
	WRITE_ONCE(me->susp_done, seq);
	dsb();
}
