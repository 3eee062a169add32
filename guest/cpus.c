/*
 * Secondary CPUs: the per-CPU slots, what a secondary does after head.S
 * hands it a stack, and the boot CPU's side of CPU_ON / check-in / CPU_OFF.
 * See cpus.h for the protocol.
 */
#include <stddef.h>
#include <stdint.h>

#include "guest/arch.h"
#include "guest/console.h"
#include "guest/cpus.h"
#include "guest/timer.h"

_Static_assert(offsetof(struct cpu_report, entry_x0) == CPU_REPORT_X0, "head.S offset");
_Static_assert(offsetof(struct cpu_report, entry_el) == CPU_REPORT_EL, "head.S offset");
_Static_assert(offsetof(struct cpu_report, entry_daif) == CPU_REPORT_DAIF, "head.S offset");
_Static_assert(offsetof(struct cpu_report, entry_sctlr) == CPU_REPORT_SCTLR, "head.S offset");
_Static_assert(offsetof(struct cpu_report, entry_mpidr) == CPU_REPORT_MPIDR, "head.S offset");
_Static_assert(offsetof(struct cpu_report, entry_cntvct) == CPU_REPORT_CNTVCT, "head.S offset");
_Static_assert(offsetof(struct cpu_report, resume_x0) == CPU_REPORT_RESUME_X0, "head.S offset");
_Static_assert(offsetof(struct cpu_report, resume_el) == CPU_REPORT_RESUME_EL, "head.S offset");
_Static_assert(offsetof(struct cpu_report, resume_daif) == CPU_REPORT_RESUME_DAIF, "head.S offset");
_Static_assert(offsetof(struct cpu_report, resume_sctlr) == CPU_REPORT_RESUME_SCTLR,
	       "head.S offset");
_Static_assert(offsetof(struct cpu_report, resume_mpidr) == CPU_REPORT_RESUME_MPIDR,
	       "head.S offset");
_Static_assert(offsetof(struct cpu_report, resume_cntvct) == CPU_REPORT_RESUME_CNT,
	       "head.S offset");
_Static_assert(offsetof(struct cpu_report, resumes) == CPU_REPORT_RESUMES, "head.S offset");
_Static_assert(sizeof(struct cpu_report) == 1 << CPU_REPORT_SHIFT, "head.S slot size");
_Static_assert(offsetof(struct stray_entry, x0) == STRAY_X0, "head.S offset");
_Static_assert(offsetof(struct stray_entry, mpidr) == STRAY_MPIDR, "head.S offset");
_Static_assert(offsetof(struct stray_entry, count) == STRAY_COUNT, "head.S offset");
/* head.S masks TPIDR_EL1 with GUEST_MAX_CPUS - 1 and the index must fit the
 * context id's index field. */
_Static_assert((GUEST_MAX_CPUS & (GUEST_MAX_CPUS - 1)) == 0, "power of two");
_Static_assert(GUEST_MAX_CPUS <= GUEST_CTX_INDEX_MASK + 1, "index fits the context id");

struct cpu_report cpu_reports[GUEST_MAX_CPUS];
struct cpu_cmd cpu_cmds[GUEST_MAX_CPUS];
struct stray_entry stray_entry;
uint64_t race_go;

/* ---- the secondary's side ---- */

/*
 * Wait for the boot CPU to set *word to want. It normally does so in
 * milliseconds; if it has not within CPU_BOOT_WAIT_MS, it is stuck itself
 * or has given up on us: say so and go on (to CPU_OFF, mostly).
 */
static bool wait_boot_cpu(unsigned int idx, const uint64_t *word, uint64_t want, const char *what)
{
	struct deadline d = deadline_after_ms(CPU_BOOT_WAIT_MS);

	while (READ_ONCE(*word) != want) {
		if (deadline_passed(&d)) {
			printk("guest: cpu%u: the boot CPU did not set %s to %llu within %u ms (it "
			       "is %llu); going on without it\n",
			       idx, what, (unsigned long long)want, CPU_BOOT_WAIT_MS,
			       (unsigned long long)READ_ONCE(*word));
			return false;
		}
		cpu_relax();
	}
	dmb();
	return true;
}

static bool wait_go(unsigned int idx, const struct cpu_cmd *cmd, uint64_t seq)
{
	return wait_boot_cpu(idx, &cmd->go, seq, "its go");
}

static void __noreturn cpu_off_self(struct cpu_report *me, uint64_t seq, enum conduit c)
{
	int32_t ret;

	/* Nothing of ours may stay in the console's buffer or lock. */
	console_flush();
	WRITE_ONCE(me->leaving, seq);
	dsb();
	ret = psci_call(c, PSCI_0_2_FN_CPU_OFF, 0, 0, 0);

	/* DEN0022 CPU_OFF: never returns on success, DENIED otherwise. Tell the
	 * boot CPU (it is polling AFFINITY_INFO for us) and stay out of the way. */
	WRITE_ONCE(me->off_result, (uint64_t)(int64_t)ret);
	dmb();
	WRITE_ONCE(me->off_failed, seq);
	dsb();
	for (;;)
		wfi();
}

static void say_hello(unsigned int idx, const struct cpu_report *me)
{
	printk("    [cpu%u] hello! MPIDR_EL1 = 0x%llx, context id (x0) = 0x%llx, "
	       "running at EL%llu with the MMU %s\n",
	       idx, (unsigned long long)me->entry_mpidr, (unsigned long long)me->entry_x0,
	       (unsigned long long)CURRENTEL_EL(me->entry_el),
	       me->entry_sctlr & SCTLR_EL1_M ? "on" : "off");
	printk("    [cpu%u] calling CPU_OFF: this call does not return\n", idx);
}

void secondary_main(unsigned int idx)
{
	struct cpu_report *me = &cpu_reports[idx];
	const struct cpu_cmd *cmd = &cpu_cmds[idx];
	uint64_t seq = READ_ONCE(me->checkins) + 1;
	enum cpu_job job;
	enum conduit c;

	/*
	 * The context id named a valid slot, but is this the CPU the boot CPU
	 * asked for? A VMM that mixes up vCPUs or context ids must not make
	 * us check in for another CPU: record it as a stray entry instead.
	 */
	if ((READ_ONCE(me->entry_mpidr) & MPIDR_HWID_MASK) != machine.mpidr[idx]) {
		WRITE_ONCE(stray_entry.x0, READ_ONCE(me->entry_x0));
		WRITE_ONCE(stray_entry.mpidr, READ_ONCE(me->entry_mpidr));
		dmb();
		WRITE_ONCE(stray_entry.count, READ_ONCE(stray_entry.count) + 1);
		dsb();
		for (;;)
			wfi();
	}

	/* A new life: what an earlier one held of the console is gone. */
	console_cpu_reset(idx);
	dmb();
	job = (enum cpu_job)READ_ONCE(cmd->job);
	c = (enum conduit)READ_ONCE(cmd->conduit);

	/* head.S stored entry_*; they must be visible before the check-in. */
	dmb();
	WRITE_ONCE(me->checkins, seq);
	dsb();

	switch (job) {
	case JOB_HOLD:
		wait_go(idx, cmd, seq);
		break;
	case JOB_HELLO:
		if (wait_go(idx, cmd, seq))
			say_hello(idx, me);
		break;
	case JOB_RACE: {
		uint64_t gen = READ_ONCE(cmd->race_gen);
		int32_t ret;

		/* Without the start signal there is no race to join: report
		 * nothing (the boot CPU says the racer never reported). */
		if (wait_boot_cpu(idx, &race_go, gen, "race_go")) {
			ret = psci_call(c, (uint32_t)READ_ONCE(cmd->race_fid),
					READ_ONCE(cmd->race_target), (uintptr_t)secondary_entry,
					READ_ONCE(cmd->race_ctx));
			WRITE_ONCE(me->race_result, (uint64_t)(int64_t)ret);
			dmb();
			WRITE_ONCE(me->race_done, seq);
			dsb();
		}
		wait_go(idx, cmd, seq);
		break;
	}
	case JOB_CALL:
		((cpu_job_fn)READ_ONCE(cmd->call))(idx, c);
		break;
	case JOB_CALL_AFTER_GO:
		if (wait_go(idx, cmd, seq))
			((cpu_job_fn)READ_ONCE(cmd->call))(idx, c);
		break;
	case JOB_OFF:
		break;
	}
	cpu_off_self(me, seq, c);
}

/* ---- the boot CPU's side ---- */

void cpu_prepare(struct cpu_run *run, unsigned int idx, enum cpu_job job, enum conduit c)
{
	struct cpu_cmd *cmd = &cpu_cmds[idx];

	run->idx = idx;
	run->seq = READ_ONCE(cpu_reports[idx].checkins) + 1;
	run->ctx = GUEST_CTX(idx);
	WRITE_ONCE(cmd->job, (uint64_t)job);
	WRITE_ONCE(cmd->conduit, (uint64_t)c);
	dmb();
}

int32_t cpu_on(const struct cpu_run *run, enum conduit c, uint32_t fid, uint64_t target)
{
	/* The job in cpu_cmds must have reached memory before the target runs. */
	dsb();
	return psci_call(c, fid, target, (uintptr_t)secondary_entry, run->ctx);
}

bool cpu_wait_checkin(const struct cpu_run *run)
{
	return cpu_wait_checkin_for(run, ticks_from_ms(CPU_CHECKIN_MS));
}

void cpu_set_race(const struct cpu_run *run, uint32_t fid, uint64_t target, uint64_t ctx,
		  uint64_t gen)
{
	struct cpu_cmd *cmd = &cpu_cmds[run->idx];

	WRITE_ONCE(cmd->race_fid, (uint64_t)fid);
	WRITE_ONCE(cmd->race_target, target);
	WRITE_ONCE(cmd->race_ctx, ctx);
	WRITE_ONCE(cmd->race_gen, gen);
	dmb();
}

void cpu_set_call(const struct cpu_run *run, cpu_job_fn fn)
{
	WRITE_ONCE(cpu_cmds[run->idx].call, (uintptr_t)fn);
	dmb();
}

void cpu_set_suspend(const struct cpu_run *run, uint32_t fid, uint64_t power_state, uint64_t ticks)
{
	struct cpu_cmd *cmd = &cpu_cmds[run->idx];

	WRITE_ONCE(cmd->susp_fid, (uint64_t)fid);
	WRITE_ONCE(cmd->susp_state, power_state);
	WRITE_ONCE(cmd->susp_ticks, ticks);
	dmb();
}

void cpu_race_go(uint64_t gen)
{
	dmb();
	WRITE_ONCE(race_go, gen);
	dsb();
}

bool cpu_wait_race_done(const struct cpu_run *run)
{
	return wait_word_at_least(&cpu_reports[run->idx].race_done, run->seq,
				  ticks_from_ms(CPU_STEP_MS));
}

void cpu_release(const struct cpu_run *run)
{
	dmb();
	WRITE_ONCE(cpu_cmds[run->idx].go, run->seq);
	dsb();
}

bool cpu_wait_leaving(const struct cpu_run *run)
{
	return wait_word_at_least(&cpu_reports[run->idx].leaving, run->seq,
				  ticks_from_ms(CPU_STEP_MS));
}

bool cpu_wait_off(const struct cpu_run *run, enum conduit c, struct off_poll *p)
{
	const struct cpu_report *r = &cpu_reports[run->idx];
	uint64_t target = machine.mpidr[run->idx];
	struct deadline d = deadline_after_ms(CPU_STEP_MS);
	uint64_t pause_us = OFF_POLL_US;

	p->calls = 0;
	p->first = p->last = PSCI_RET_NOT_SUPPORTED;
	p->off_returned = false;
	for (;;) {
		int32_t st = psci_call(c, PSCI_0_2_FN64_AFFINITY_INFO, target, 0, 0);

		p->waited_ms = deadline_elapsed_ms(&d);
		if (p->calls++ == 0)
			p->first = st;
		p->last = st;
		if (st == PSCI_0_2_AFFINITY_LEVEL_OFF)
			return true;
		if (st != PSCI_0_2_AFFINITY_LEVEL_ON && st != PSCI_0_2_AFFINITY_LEVEL_ON_PENDING)
			return false;
		if (READ_ONCE(r->off_failed) == run->seq) {
			p->off_returned = true;
			return false;
		}
		if (deadline_passed(&d))
			return false;
		/* Back off: a slow VMM costs few calls, a fast one little time. */
		delay_ticks(ticks_from_us(pause_us));
		if (pause_us < OFF_POLL_MAX_US)
			pause_us *= 2;
	}
}

bool cpu_wait_checkin_for(const struct cpu_run *run, uint64_t ticks)
{
	return wait_word_at_least(&cpu_reports[run->idx].checkins, run->seq, ticks);
}

bool cpu_wait_off_for(unsigned int idx, enum conduit c, uint64_t ticks, int32_t *last)
{
	struct deadline d = deadline_in(ticks);
	uint64_t pause = ticks_from_us(OFF_POLL_US);

	for (;;) {
		*last = psci_call(c, PSCI_0_2_FN64_AFFINITY_INFO, machine.mpidr[idx], 0, 0);
		if (*last == PSCI_0_2_AFFINITY_LEVEL_OFF)
			return true;
		if (*last != PSCI_0_2_AFFINITY_LEVEL_ON &&
		    *last != PSCI_0_2_AFFINITY_LEVEL_ON_PENDING)
			return false;
		if (deadline_passed(&d))
			return false;
		delay_ticks(pause);
	}
}
