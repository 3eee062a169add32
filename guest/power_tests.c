/*
 * `test` cases for PSCI's power states and system functions (DEN0022):
 * CPU_SUSPEND (§5.4) in standby and power-down, CPU_DEFAULT_SUSPEND (§5.12),
 * NODE_HW_STATE (§5.13), SYSTEM_SUSPEND (§5.19), STAT_RESIDENCY/STAT_COUNT
 * (§5.21, §5.22), the error paths of SYSTEM_RESET2 (§5.16) and SYSTEM_OFF2
 * (§5.23, PSCI 1.3), and the functions the VMM does not implement.
 *
 * The VMM's power states (vmm/firmware/psci.h), in the original power_state format
 * (PSCI_FEATURES(CPU_SUSPEND) bit 1 = 0): 0x0 is a core standby state that
 * returns like WFI, 0x10000 a core power-down state that resumes at the
 * entry point. Every suspend call is preceded by arming the virtual timer as
 * its wake-up event, even where the call should fail: a VMM that wrongly
 * accepts it must not put the guest to sleep for good.
 */
#include <stdbool.h>
#include <stdint.h>

#include "vmm/machine/guest_abi.h"
#include "guest/arch.h"
#include "guest/cpus.h"
#include "guest/gic.h"
#include "guest/print.h"
#include "guest/smccc.h"
#include "guest/suite.h"
#include "guest/suspend.h"
#include "guest/timer.h"

/* DEN0022 §5.4.2.1, original format: StateType (bit 16) 1 = power-down. */
#define POWER_STATE_STANDBY   0x00000000UL
#define POWER_STATE_POWERDOWN 0x00010000UL
/* Invalid for the VMM: StateID 3, and a standby at power level 1. */
#define POWER_STATE_BAD_ID    0x00000003UL
#define POWER_STATE_BAD_LEVEL 0x01000000UL

/* NODE_HW_STATE results (§5.13). */
#define HW_ON	   0
#define HW_OFF	   1
#define HW_STANDBY 2

/* SYSTEM_RESET2 types (§5.16): bit 31 set = vendor-specific; 1 is an
 * architectural type that is not defined. SYSTEM_OFF2 (§5.23): type 1 is
 * HIBERNATE_OFF, 2 is not defined. */
#define RESET2_VENDOR	 0x80000000UL
#define RESET2_UNDEFINED 0x1UL
#define OFF2_HIBERNATE	 0x1UL
#define OFF2_UNDEFINED	 0x2UL

/* The wake-up timer of the boot CPU's own suspends. */
#define WAKE_MS 3
/* Standby suspends counted by STAT_COUNT. */
#define STAT_SUSPENDS 3
/* A secondary watched in a suspend state: its first timer, and how many
 * times the watch may be retried with a four times longer one when the boot
 * CPU did not catch it asleep. */
#define WATCH_FIRST_MS 20
#define WATCH_TRIES    3
/* Upper bound on any wait for a secondary inside a case (a loaded host
 * under emulation may not run it for seconds). */
#define CASE_WAIT_MS 30000
/* Between two polls of PSCI's view of a sleeping secondary. */
#define WATCH_POLL_US 1000

static const char *hw_state_name(int32_t st)
{
	switch (st) {
	case HW_ON:
		return "HW_ON";
	case HW_OFF:
		return "HW_OFF";
	case HW_STANDBY:
		return "HW_STANDBY";
	default:
		return psci_ret_name(st);
	}
}

static bool expect_hw_state(struct tcase *t, enum conduit c, uint32_t fid, uint64_t target,
			    uint64_t level, int32_t want)
{
	int32_t got = psci_call(c, fid, target, level, 0);

	if (got == want)
		return true;
	return tc_fail(t, "%s(0x%llx, %llu) got %d (%s), expected %d (%s)", fid_name(fid),
		       (unsigned long long)target, (unsigned long long)level, got,
		       hw_state_name(got), want, hw_state_name(want));
}

/* The logical index of the boot CPU: suspends of "this CPU" run there. */
static unsigned int self(void)
{
	return machine.boot_cpu;
}

/* Check how a boot-CPU suspend that should simply return came back. */
static bool expect_returned(struct tcase *t, const char *what, const struct suspend_result *r,
			    int32_t want)
{
	if (r->no_wake)
		return tc_fail(t, "%s: no wake-up event: %s", what, r->why);
	if (r->resumed)
		return tc_fail(t, "%s resumed at the entry point, expected it to return %d (%s)",
			       what, want, psci_ret_name(want));
	return expect(t, what, r->ret, want, false);
}

/* A successful suspend must not end before its wake-up event. */
static bool expect_slept(struct tcase *t, const char *what, uint64_t t0, uint64_t t1, uint64_t wake)
{
	if (t1 - t0 >= wake)
		return true;
	return tc_fail(t, "%s came back after %llu us, before its wake-up timer (%llu us)", what,
		       (unsigned long long)us_from_ticks(t1 - t0),
		       (unsigned long long)us_from_ticks(wake));
}

/*
 * *ret = a call on this CPU that should fail at once, made with a wake-up
 * event armed so that it comes back even if the VMM wrongly suspends the
 * CPU. False, with the case failed, when no wake-up event could be armed.
 */
static bool call_with_wake(struct tcase *t, enum conduit c, uint32_t fid, uint64_t a1, uint64_t a2,
			   uint64_t a3, int32_t *ret)
{
	char why[96];

	if (!wake_timer_arm(self(), ticks_from_ms(WAKE_MS), why, sizeof(why))) {
		tc_fail(t, "no wake-up event: %s", why);
		return false;
	}
	*ret = psci_call(c, fid, a1, a2, a3);
	vtimer_stop();
	return true;
}

/* §5.12, §5.19: a suspend of the whole CPU or system to an entry point
 * outside RAM is INVALID_ADDRESS; in-kernel PSCI has neither call. */
static void suspend_bad_entry_case(struct suite *s, enum conduit c, const char *name,
				   const uint32_t fids[2], unsigned int tag)
{
	struct tcase t;

	tc_begin(&t, name, c);
	for (unsigned int i = 0; i < 2; i++) {
		int32_t ret;

		if (!call_with_wake(&t, c, fids[i], BAD_ENTRY, suspend_next_ctx(self(), tag), 0,
				    &ret))
			break;
		expect(&t, fid_name(fids[i]), ret,
		       s->kernel_psci ? PSCI_RET_NOT_SUPPORTED : PSCI_RET_INVALID_ADDRESS, false);
	}
	tc_end(s, &t);
}

/* §5.4: CPU_SUSPEND to the standby state returns SUCCESS after a wake-up
 * event. In-kernel PSCI treats it as WFI: the same result. */
static void t_cpu_suspend_standby(struct suite *s, enum conduit c)
{
	static const uint32_t fids[] = {PSCI_0_2_FN64_CPU_SUSPEND, PSCI_0_2_FN_CPU_SUSPEND};
	uint64_t wake = ticks_from_ms(WAKE_MS);
	struct suspend_result r;
	struct tcase t;

	tc_begin(&t, "cpu_suspend_standby", c);
	for (unsigned int i = 0; i < ARRAY_SIZE(fids); i++) {
		suspend_with_timer(self(), c, fids[i], SUSPEND_ARGS_STATE_ENTRY_CTX,
				   POWER_STATE_STANDBY, GUEST_TAG_CPU_SUSPEND, wake, &r);
		if (expect_returned(&t, fid_name(fids[i]), &r, PSCI_RET_SUCCESS))
			expect_slept(&t, fid_name(fids[i]), r.t0, r.t1, wake);
		if (r.no_wake)
			break;
	}
	tc_end(s, &t);
}

/* CPU_ON a secondary for suspend_job (fid, power_state, its timer ticks). */
static bool start_suspender(struct suite *s, struct tcase *t, struct cpu_run *run, unsigned int idx,
			    enum conduit c, uint32_t fid, uint64_t power_state, uint64_t ticks)
{
	int32_t r;

	cpu_prepare(run, idx, JOB_CALL, c);
	cpu_set_call(run, suspend_job);
	cpu_set_suspend(run, fid, power_state, ticks);
	r = cpu_on(run, c, PSCI_0_2_FN64_CPU_ON, machine.mpidr[idx]);
	if (r != PSCI_RET_SUCCESS) {
		if (r == PSCI_RET_ALREADY_ON || r == PSCI_RET_ON_PENDING)
			s->lost[idx] = true;
		return tc_fail(t, "CPU_ON64 of cpu%u got %d (%s), expected 0 (SUCCESS)", idx, r,
			       psci_ret_name(r));
	}
	if (!cpu_wait_checkin(run))
		return fail_no_checkin(s, t, run);
	return true;
}

/* What the boot CPU saw of a secondary's suspend. */
struct watch {
	bool caught; /* NODE_HW_STATE said want_hw at least once */
	unsigned int polls;
};

/*
 * One suspend_job run on secondary idx: start it, and while it sleeps poll
 * AFFINITY_INFO (must stay ON, §5.7: a suspended core is on) and, until it
 * shows, NODE_HW_STATE for want_hw. Then check how the call came back
 * (power-down: resumed at the entry point with x0 = its context id in a
 * CPU_ON-like state; standby: returned SUCCESS) and that it slept at least
 * its timer, and wait for its CPU_OFF. Returns false if the case failed.
 */
static bool watch_suspend(struct suite *s, struct tcase *t, enum conduit c, unsigned int idx,
			  uint64_t power_state, int32_t want_hw, uint64_t ticks, struct watch *w)
{
	bool powerdown = power_state == POWER_STATE_POWERDOWN;
	const struct cpu_report *rep = &cpu_reports[idx];
	uint64_t mpidr = machine.mpidr[idx];
	uint64_t wait = ticks_from_ms(CASE_WAIT_MS);
	bool aff_failed = false, hw_failed = false;
	struct deadline d;
	struct cpu_run run;
	char why[128];
	uint64_t x0;

	w->caught = false;
	w->polls = 0;
	if (!start_suspender(s, t, &run, idx, c, PSCI_0_2_FN64_CPU_SUSPEND, power_state, ticks))
		return false;
	if (!wait_word_at_least(&rep->susp_ready, run.seq, wait) &&
	    READ_ONCE(rep->susp_done) != run.seq) {
		s->lost[idx] = true;
		return tc_fail(t, "cpu%u did not get to its CPU_SUSPEND64 within %u ms", idx,
			       CASE_WAIT_MS);
	}

	d = deadline_in(wait + ticks);
	while (READ_ONCE(rep->susp_done) != run.seq) {
		int32_t aff, hw;

		if (deadline_passed(&d)) {
			s->lost[idx] = true;
			return tc_fail(t,
				       "cpu%u did not wake up from CPU_SUSPEND64(0x%llx) within "
				       "%u ms of its %llu us timer",
				       idx, (unsigned long long)power_state, CASE_WAIT_MS,
				       (unsigned long long)us_from_ticks(ticks));
		}
		w->polls++;
		hw = psci_call(c, PSCI_1_0_FN64_NODE_HW_STATE, mpidr, 0, 0);
		aff = psci_call(c, PSCI_0_2_FN64_AFFINITY_INFO, mpidr, 0, 0);
		/*
		 * The answers count only if it was still in its suspend call
		 * after both: once it reports back it goes on to CPU_OFF, and
		 * then OFF/HW_OFF are right (and prove nothing about suspend).
		 */
		dmb();
		if (READ_ONCE(rep->susp_done) == run.seq)
			break;
		if (hw == want_hw)
			w->caught = true;
		else if (hw != HW_ON && !hw_failed)
			hw_failed = !tc_fail(t,
					     "NODE_HW_STATE64 of suspending cpu%u got %d (%s), "
					     "expected %s or HW_ON",
					     idx, hw, hw_state_name(hw), hw_state_name(want_hw));
		if (aff != PSCI_0_2_AFFINITY_LEVEL_ON && !aff_failed)
			aff_failed = !tc_fail(t,
					      "AFFINITY_INFO64 of cpu%u in CPU_SUSPEND got %d "
					      "(%s), expected 0 (ON)",
					      idx, aff, psci_affinity_name(aff));
		delay_ticks(ticks_from_us(WATCH_POLL_US));
	}
	dmb();

	if (READ_ONCE(rep->susp_error)) {
		tc_fail(t, "cpu%u could not set up its wake-up timer in the GIC", idx);
		wait_cpu_off(s, t, &run, c);
		return false;
	}
	x0 = READ_ONCE(rep->susp_result);
	if (powerdown) {
		if (!READ_ONCE(rep->susp_resumed))
			tc_fail(t,
				"CPU_SUSPEND64(power-down) on cpu%u returned %d (%s) instead of "
				"resuming at the entry point",
				idx, (int32_t)x0, psci_ret_name((int32_t)x0));
		else if (!resume_state_ok(idx, READ_ONCE(rep->susp_ctx), why, sizeof(why)))
			tc_fail(t, "cpu%u %s", idx, why);
	} else if (READ_ONCE(rep->susp_resumed)) {
		tc_fail(t,
			"CPU_SUSPEND64(standby) on cpu%u resumed at the entry point, "
			"expected it to return",
			idx);
	} else if ((int32_t)x0 != PSCI_RET_SUCCESS) {
		tc_fail(t, "CPU_SUSPEND64(standby) on cpu%u returned %d (%s), expected 0", idx,
			(int32_t)x0, psci_ret_name((int32_t)x0));
	}
	snprintk(why, sizeof(why), "cpu%u's CPU_SUSPEND64(0x%llx)", idx,
		 (unsigned long long)power_state);
	expect_slept(t, why, READ_ONCE(rep->susp_t0), READ_ONCE(rep->susp_t1), ticks);
	return wait_cpu_off(s, t, &run, c) && !t->failed;
}

/*
 * Watch a secondary suspend, retrying with a longer timer while the boot
 * CPU's polls miss it asleep (on a slow host the suspend can be over before
 * the first NODE_HW_STATE call lands).
 */
static void watch_case(struct suite *s, enum conduit c, const char *name, uint64_t power_state,
		       int32_t want_hw)
{
	int sec = first_secondary(s);
	uint64_t ms = WATCH_FIRST_MS;
	struct watch w = {0};
	struct tcase t;

	tc_begin(&t, name, c);
	if (s->kernel_psci) {
		tc_skip(s, &t, "in-kernel PSCI treats CPU_SUSPEND as WFI and has no NODE_HW_STATE");
		return;
	}
	if (sec < 0) {
		no_secondary(s, &t);
		return;
	}
	for (unsigned int i = 0; i < WATCH_TRIES; i++, ms *= 4) {
		if (!watch_suspend(s, &t, c, (unsigned int)sec, power_state, want_hw,
				   ticks_from_ms(ms), &w) ||
		    w.caught)
			break;
	}
	if (!t.failed && !w.caught)
		tc_fail(&t,
			"NODE_HW_STATE64 of cpu%d never said %s while it slept (%u tries, the "
			"last with a %llu ms timer and %u polls)",
			sec, hw_state_name(want_hw), WATCH_TRIES, (unsigned long long)(ms / 4),
			w.polls);
	tc_end(s, &t);
}

/* §5.4: a power-down CPU_SUSPEND does not return: the core resumes at the
 * entry point with x0 = context_id (§6.4.3); AFFINITY_INFO says ON and
 * NODE_HW_STATE HW_OFF meanwhile (§5.13). */
static void t_cpu_suspend_powerdown(struct suite *s, enum conduit c)
{
	watch_case(s, c, "cpu_suspend_powerdown", POWER_STATE_POWERDOWN, HW_OFF);
}

/* §5.13: a core in a standby state is HW_STANDBY. */
static void t_node_hw_state_standby(struct suite *s, enum conduit c)
{
	watch_case(s, c, "node_hw_state_standby", POWER_STATE_STANDBY, HW_STANDBY);
}

/* §5.4.2: a power_state naming no state of ours is INVALID_PARAMETERS; a
 * power-down entry point outside RAM is INVALID_ADDRESS. */
static void t_cpu_suspend_errors(struct suite *s, enum conduit c)
{
	static const uint32_t fids[] = {PSCI_0_2_FN64_CPU_SUSPEND, PSCI_0_2_FN_CPU_SUSPEND};
	static const uint64_t states[] = {POWER_STATE_BAD_ID, POWER_STATE_BAD_LEVEL};
	uint64_t wake = ticks_from_ms(WAKE_MS);
	struct suspend_result r;
	struct tcase t;
	char what[64];
	int32_t ret;

	tc_begin(&t, "cpu_suspend_bad_state", c);
	if (s->kernel_psci) {
		tc_skip(s, &t, "in-kernel PSCI ignores power_state (CPU_SUSPEND is WFI)");
	} else {
		for (unsigned int i = 0; i < ARRAY_SIZE(fids); i++) {
			for (unsigned int k = 0; k < ARRAY_SIZE(states); k++) {
				snprintk(what, sizeof(what), "%s(0x%llx)", fid_name(fids[i]),
					 (unsigned long long)states[k]);
				suspend_with_timer(self(), c, fids[i], SUSPEND_ARGS_STATE_ENTRY_CTX,
						   states[k], GUEST_TAG_CPU_SUSPEND, wake, &r);
				expect_returned(&t, what, &r, PSCI_RET_INVALID_PARAMS);
			}
		}
		tc_end(s, &t);
	}

	tc_begin(&t, "cpu_suspend_bad_entry", c);
	if (s->kernel_psci) {
		tc_skip(s, &t, "in-kernel PSCI does not validate the entry point");
		return;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(fids); i++) {
		if (!call_with_wake(&t, c, fids[i], POWER_STATE_POWERDOWN, BAD_ENTRY,
				    suspend_next_ctx(self(), GUEST_TAG_CPU_SUSPEND), &ret))
			break;
		snprintk(what, sizeof(what), "%s(power-down, entry 0x%lx)", fid_name(fids[i]),
			 BAD_ENTRY);
		expect(&t, what, ret, PSCI_RET_INVALID_ADDRESS, false);
	}
	tc_end(s, &t);
}

/* §5.12: CPU_DEFAULT_SUSPEND enters the implementation's default state, for
 * the VMM its core power-down state: resume at the entry point. On the boot
 * CPU, so it runs on one-CPU machines too. SMC32 passes a 32-bit context
 * id. Not in KVM's in-kernel PSCI 1.1. */
static void t_cpu_default_suspend(struct suite *s, enum conduit c)
{
	static const uint32_t fids[] = {PSCI_1_0_FN64_CPU_DEFAULT_SUSPEND,
					PSCI_1_0_FN_CPU_DEFAULT_SUSPEND};
	uint64_t wake = ticks_from_ms(WAKE_MS);
	struct suspend_result r;
	struct tcase t;
	char why[128];

	tc_begin(&t, "cpu_default_suspend", c);
	for (unsigned int i = 0; i < ARRAY_SIZE(fids); i++) {
		const char *what = fid_name(fids[i]);

		suspend_with_timer(self(), c, fids[i], SUSPEND_ARGS_ENTRY_CTX, 0,
				   GUEST_TAG_DEFAULT_SUSPEND, wake, &r);
		if (r.no_wake) {
			tc_fail(&t, "%s: no wake-up event: %s", what, r.why);
			break;
		}
		if (s->kernel_psci) {
			expect_returned(&t, what, &r, PSCI_RET_NOT_SUPPORTED);
		} else if (!r.resumed) {
			tc_fail(&t, "%s returned %d (%s) instead of resuming at the entry point",
				what, r.ret, psci_ret_name(r.ret));
		} else {
			uint64_t ctx =
			    fids[i] == PSCI_1_0_FN_CPU_DEFAULT_SUSPEND ? (uint32_t)r.ctx : r.ctx;

			if (!resume_state_ok(self(), ctx, why, sizeof(why)))
				tc_fail(&t, "%s: %s", what, why);
			expect_slept(&t, what, r.t0, r.t1, wake);
		}
	}
	tc_end(s, &t);

	suspend_bad_entry_case(s, c, "cpu_default_suspend_bad_entry", fids,
			       GUEST_TAG_DEFAULT_SUSPEND);
}

/* §5.13: NODE_HW_STATE(target_cpu, power_level). */
static void t_node_hw_state(struct suite *s, enum conduit c)
{
	static const uint32_t fids[] = {PSCI_1_0_FN64_NODE_HW_STATE, PSCI_1_0_FN_NODE_HW_STATE};
	uint64_t me = machine.mpidr[self()];
	int sec = first_secondary(s);
	struct tcase t;

	tc_begin(&t, "node_hw_state", c);
	for (unsigned int i = 0; i < ARRAY_SIZE(fids); i++) {
		if (s->kernel_psci) {
			expect_hw_state(&t, c, fids[i], me, 0, PSCI_RET_NOT_SUPPORTED);
			continue;
		}
		expect_hw_state(&t, c, fids[i], me, 0, HW_ON);
		/* Our cluster (level 1) is on because we are. */
		expect_hw_state(&t, c, fids[i], me, 1, HW_ON);
		if (sec >= 0)
			expect_hw_state(&t, c, fids[i], machine.mpidr[sec], 0, HW_OFF);
		expect_hw_state(&t, c, fids[i], me, 4, PSCI_RET_INVALID_PARAMS);
		expect_hw_state(&t, c, fids[i], UNKNOWN_MPIDR, 0, PSCI_RET_INVALID_PARAMS);
	}
	tc_end(s, &t);
}

/* §5.21/§5.22: the statistics of the boot CPU's standby state. Both answer 0
 * for an unknown core or a power_state that is not one of ours. */
static void t_psci_stats(struct suite *s, enum conduit c)
{
	uint64_t me = machine.mpidr[self()];
	uint64_t wake = ticks_from_ms(WAKE_MS);
	uint64_t count0, count1, res0, res1, t0, t1, count32, res_us, elapsed_us;
	struct suspend_result r;
	struct tcase t;

	tc_begin(&t, "psci_stats", c);
	if (s->kernel_psci) {
		expect(&t, "STAT_COUNT64",
		       (int32_t)smccc_call(c, PSCI_1_0_FN64_STAT_COUNT, me, 0, 0).a0,
		       PSCI_RET_NOT_SUPPORTED, false);
		expect(&t, "STAT_RESIDENCY64",
		       (int32_t)smccc_call(c, PSCI_1_0_FN64_STAT_RESIDENCY, me, 0, 0).a0,
		       PSCI_RET_NOT_SUPPORTED, false);
		tc_end(s, &t);
		return;
	}

	count0 = smccc_call(c, PSCI_1_0_FN64_STAT_COUNT, me, POWER_STATE_STANDBY, 0).a0;
	res0 = smccc_call(c, PSCI_1_0_FN64_STAT_RESIDENCY, me, POWER_STATE_STANDBY, 0).a0;
	t0 = counter_now();
	for (unsigned int i = 0; i < STAT_SUSPENDS; i++) {
		suspend_with_timer(self(), c, PSCI_0_2_FN64_CPU_SUSPEND,
				   SUSPEND_ARGS_STATE_ENTRY_CTX, POWER_STATE_STANDBY,
				   GUEST_TAG_CPU_SUSPEND, wake, &r);
		if (!expect_returned(&t, "CPU_SUSPEND64(standby)", &r, PSCI_RET_SUCCESS))
			break;
	}
	t1 = counter_now();
	count1 = smccc_call(c, PSCI_1_0_FN64_STAT_COUNT, me, POWER_STATE_STANDBY, 0).a0;
	res1 = smccc_call(c, PSCI_1_0_FN64_STAT_RESIDENCY, me, POWER_STATE_STANDBY, 0).a0;
	count32 = smccc_call(c, PSCI_1_0_FN_STAT_COUNT, me, POWER_STATE_STANDBY, 0).a0;

	if (!t.failed && count1 - count0 != STAT_SUSPENDS)
		tc_fail(&t, "STAT_COUNT64 went %llu -> %llu over %u standby suspends",
			(unsigned long long)count0, (unsigned long long)count1, STAT_SUSPENDS);
	/* The VMM measures in whole microseconds: allow one per suspend. */
	res_us = res1 - res0;
	elapsed_us = us_from_ticks(t1 - t0);
	if (!t.failed && (res_us == 0 || res_us > elapsed_us + STAT_SUSPENDS))
		tc_fail(&t,
			"STAT_RESIDENCY64 grew by %llu us over %u standby suspends that took "
			"%llu us in all, expected more than 0 and at most that",
			(unsigned long long)res_us, STAT_SUSPENDS, (unsigned long long)elapsed_us);
	if ((uint32_t)count32 != (uint32_t)count1)
		tc_fail(&t, "STAT_COUNT32 got %llu, STAT_COUNT64 %llu",
			(unsigned long long)(uint32_t)count32, (unsigned long long)count1);

	/* Unknown core, and power states that are not ours: 0. */
	if (smccc_call(c, PSCI_1_0_FN64_STAT_COUNT, UNKNOWN_MPIDR, POWER_STATE_STANDBY, 0).a0 ||
	    smccc_call(c, PSCI_1_0_FN64_STAT_RESIDENCY, UNKNOWN_MPIDR, POWER_STATE_STANDBY, 0).a0)
		tc_fail(&t, "statistics of unknown MPIDR 0x%lx are not 0", UNKNOWN_MPIDR);
	if (smccc_call(c, PSCI_1_0_FN64_STAT_COUNT, me, POWER_STATE_BAD_ID, 0).a0 ||
	    smccc_call(c, PSCI_1_0_FN64_STAT_RESIDENCY, me, POWER_STATE_BAD_ID, 0).a0 ||
	    smccc_call(c, PSCI_1_0_FN64_STAT_COUNT, me, POWER_STATE_BAD_LEVEL, 0).a0)
		tc_fail(&t, "statistics of power_state 0x%lx or 0x%lx are not 0",
			POWER_STATE_BAD_ID, POWER_STATE_BAD_LEVEL);
	tc_end(s, &t);
}

/* §5.19: SYSTEM_SUSPEND is DENIED while another core is on, and checks its
 * entry point (INVALID_ADDRESS). Its success path is the `sysuspend` mode. */
static void t_system_suspend(struct suite *s, enum conduit c)
{
	static const uint32_t fids[] = {PSCI_1_0_FN64_SYSTEM_SUSPEND, PSCI_1_0_FN_SYSTEM_SUSPEND};
	uint64_t wake = ticks_from_ms(WAKE_MS);
	int sec = first_secondary(s);
	struct suspend_result r;
	struct cpu_run run;
	struct tcase t;
	char why[96];

	/* In-kernel PSCI has no SYSTEM_SUSPEND unless the VMM enables it: there
	 * it is NOT_SUPPORTED whatever the other CPUs do. */
	tc_begin(&t, "system_suspend_denied", c);
	if (sec < 0) {
		no_secondary(s, &t);
	} else {
		if (start_cpu(s, &t, &run, (unsigned int)sec, JOB_HOLD, c, PSCI_0_2_FN64_CPU_ON,
			      machine.mpidr[sec])) {
			for (unsigned int i = 0; i < ARRAY_SIZE(fids); i++) {
				suspend_with_timer(self(), c, fids[i], SUSPEND_ARGS_ENTRY_CTX, 0,
						   GUEST_TAG_SYSTEM_SUSPEND, wake, &r);
				snprintk(why, sizeof(why), "%s with cpu%d on", fid_name(fids[i]),
					 sec);
				expect_returned(&t, why, &r,
						s->kernel_psci ? PSCI_RET_NOT_SUPPORTED
							       : PSCI_RET_DENIED);
			}
			stop_cpu(s, &t, &run, c);
		}
		tc_end(s, &t);
	}

	suspend_bad_entry_case(s, c, "system_suspend_bad_entry", fids, GUEST_TAG_SYSTEM_SUSPEND);
}

/* §5.16: SYSTEM_RESET2 knows the architectural warm reset (0) only; other
 * architectural types are INVALID_PARAMETERS, and so are vendor types (bit
 * 31) the implementation does not define. The success path is `reset2`. */
static void t_system_reset2(struct suite *s, enum conduit c)
{
	static const uint32_t fids[] = {PSCI_1_1_FN64_SYSTEM_RESET2, PSCI_1_1_FN_SYSTEM_RESET2};
	struct tcase t;
	char what[64];

	tc_begin(&t, "system_reset2_vendor_type", c);
	if (s->kernel_psci) {
		/* arch/arm64/kvm/psci.c: any type >= 0x80000000 is a reset request. */
		tc_skip(s, &t, "in-kernel PSCI resets the VM for any vendor reset type");
	} else {
		for (unsigned int i = 0; i < ARRAY_SIZE(fids); i++) {
			snprintk(what, sizeof(what), "%s(0x%lx, 0)", fid_name(fids[i]),
				 RESET2_VENDOR);
			expect(&t, what, psci_call(c, fids[i], RESET2_VENDOR, 0, 0),
			       PSCI_RET_INVALID_PARAMS, false);
		}
		tc_end(s, &t);
	}

	tc_begin(&t, "system_reset2_undefined_type", c);
	for (unsigned int i = 0; i < ARRAY_SIZE(fids); i++) {
		snprintk(what, sizeof(what), "%s(0x%lx, 0)", fid_name(fids[i]), RESET2_UNDEFINED);
		expect(&t, what, psci_call(c, fids[i], RESET2_UNDEFINED, 0, 0),
		       PSCI_RET_INVALID_PARAMS, false);
	}
	tc_end(s, &t);
}

/* §5.23 (PSCI 1.3): SYSTEM_OFF2(type, cookie) knows HIBERNATE_OFF with a
 * zero cookie. The success path is `off2`. KVM 6.12's PSCI 1.1 lacks it. */
static void t_system_off2(struct suite *s, enum conduit c)
{
	static const uint32_t fids[] = {PSCI_1_3_FN64_SYSTEM_OFF2, PSCI_1_3_FN_SYSTEM_OFF2};
	static const uint64_t args[][2] = {{OFF2_UNDEFINED, 0}, {OFF2_HIBERNATE, 1}};
	int32_t want = s->kernel_psci ? PSCI_RET_NOT_SUPPORTED : PSCI_RET_INVALID_PARAMS;
	struct tcase t;
	char what[64];

	tc_begin(&t, "system_off2_bad_args", c);
	for (unsigned int i = 0; i < ARRAY_SIZE(fids); i++) {
		for (unsigned int k = 0; k < ARRAY_SIZE(args); k++) {
			snprintk(what, sizeof(what), "%s(%llu, %llu)", fid_name(fids[i]),
				 (unsigned long long)args[k][0], (unsigned long long)args[k][1]);
			expect(&t, what, psci_call(c, fids[i], args[k][0], args[k][1], 0), want,
			       false);
		}
	}
	tc_end(s, &t);
}

/* Implemented by neither PSCI (PSCI_FEATURES says so too): called, they
 * answer NOT_SUPPORTED. CPU_FREEZE gets a wake-up event in case it is
 * wrongly honoured. */
static void t_not_supported(struct suite *s, enum conduit c)
{
	uint64_t me = machine.mpidr[self()];
	const struct {
		uint32_t fid;
		const char *name;
		uint64_t a1, a2;
	} calls[] = {
	    {PSCI_1_0_FN_CPU_FREEZE, "CPU_FREEZE", 0, 0},
	    {PSCI_1_0_FN_SET_SUSPEND_MODE, "SET_SUSPEND_MODE(0)", 0, 0},
	    {PSCI_1_1_FN_MEM_PROTECT, "MEM_PROTECT(0)", 0, 0},
	    {PSCI_1_1_FN_MEM_PROTECT_CHECK_RANGE, "MEM_PROTECT_CHECK_RANGE32", machine.ram_base,
	     4096},
	    {PSCI_1_1_FN64_MEM_PROTECT_CHECK_RANGE, "MEM_PROTECT_CHECK_RANGE64", machine.ram_base,
	     4096},
	    {PSCI_0_2_FN_MIGRATE, "MIGRATE32(self)", me, 0},
	    {PSCI_0_2_FN64_MIGRATE, "MIGRATE64(self)", me, 0},
	    {PSCI_0_2_FN_MIGRATE_INFO_UP_CPU, "MIGRATE_INFO_UP_CPU32", 0, 0},
	    {PSCI_0_2_FN64_MIGRATE_INFO_UP_CPU, "MIGRATE_INFO_UP_CPU64", 0, 0},
	};
	struct tcase t;

	tc_begin(&t, "not_supported_calls", c);
	for (unsigned int i = 0; i < ARRAY_SIZE(calls); i++) {
		int32_t ret;

		if (!call_with_wake(&t, c, calls[i].fid, calls[i].a1, calls[i].a2, 0, &ret))
			break;
		expect(&t, calls[i].name, ret, PSCI_RET_NOT_SUPPORTED, false);
	}
	tc_end(s, &t);
}

void power_tests_run(struct suite *s, enum conduit c)
{
	t_cpu_suspend_standby(s, c);
	t_cpu_suspend_powerdown(s, c);
	t_cpu_suspend_errors(s, c);
	t_cpu_default_suspend(s, c);
	t_node_hw_state(s, c);
	t_node_hw_state_standby(s, c);
	t_psci_stats(s, c);
	t_system_suspend(s, c);
	t_system_reset2(s, c);
	t_system_off2(s, c);
	t_not_supported(s, c);
}
