/*
 * The `test` suite's plumbing, shared by its case files (psci_tests.c,
 * power_tests.c, vendor_tests.c): one line per case, and the boot CPU's side
 * of starting and stopping a secondary inside a case. See suite.h.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "guest/arch.h"
#include "guest/console.h"
#include "guest/cpus.h"
#include "guest/print.h"
#include "guest/smccc.h"
#include "guest/suite.h"

/* ---- reporting ---- */

void tc_begin(struct tcase *t, const char *name, enum conduit c)
{
	snprintk(t->name, sizeof(t->name), "%s/%s", name, conduit_name(c));
	t->why[0] = '\0';
	t->why_len = 0;
	t->failed = false;
}

void tc_begin_plain(struct tcase *t, const char *name)
{
	snprintk(t->name, sizeof(t->name), "%s", name);
	t->why[0] = '\0';
	t->why_len = 0;
	t->failed = false;
}

/* Record a failure; several are joined with "; ". Returns false. */
bool tc_fail(struct tcase *t, const char *fmt, ...)
{
	va_list ap;

	if (t->why_len + 3 < sizeof(t->why)) {
		if (t->failed)
			t->why_len += (size_t)snprintk(t->why + t->why_len,
						       sizeof(t->why) - t->why_len, "; ");
		if (t->why_len < sizeof(t->why)) {
			va_start(ap, fmt);
			t->why_len += (size_t)vsnprintk(t->why + t->why_len,
							sizeof(t->why) - t->why_len, fmt, ap);
			va_end(ap);
		}
	}
	t->failed = true;
	return false;
}

void tc_end(struct suite *s, const struct tcase *t)
{
	if (t->failed) {
		s->failed++;
		printk("FAIL %s: %s%s\n", t->name, t->why,
		       t->why_len >= sizeof(t->why) ? "..." : "");
	} else {
		s->passed++;
		printk("ok %s\n", t->name);
	}
}

void tc_skip(struct suite *s, const struct tcase *t, const char *why)
{
	s->skipped++;
	printk("skip %s: %s\n", t->name, why);
}

const char *fid_name(uint32_t fid)
{
	switch (fid) {
	case PSCI_0_2_FN_CPU_ON:
		return "CPU_ON32";
	case PSCI_0_2_FN64_CPU_ON:
		return "CPU_ON64";
	case PSCI_0_2_FN_AFFINITY_INFO:
		return "AFFINITY_INFO32";
	case PSCI_0_2_FN64_AFFINITY_INFO:
		return "AFFINITY_INFO64";
	case PSCI_0_2_FN_CPU_SUSPEND:
		return "CPU_SUSPEND32";
	case PSCI_0_2_FN64_CPU_SUSPEND:
		return "CPU_SUSPEND64";
	case PSCI_1_0_FN_CPU_DEFAULT_SUSPEND:
		return "CPU_DEFAULT_SUSPEND32";
	case PSCI_1_0_FN64_CPU_DEFAULT_SUSPEND:
		return "CPU_DEFAULT_SUSPEND64";
	case PSCI_1_0_FN_NODE_HW_STATE:
		return "NODE_HW_STATE32";
	case PSCI_1_0_FN64_NODE_HW_STATE:
		return "NODE_HW_STATE64";
	case PSCI_1_0_FN_SYSTEM_SUSPEND:
		return "SYSTEM_SUSPEND32";
	case PSCI_1_0_FN64_SYSTEM_SUSPEND:
		return "SYSTEM_SUSPEND64";
	case PSCI_1_0_FN_STAT_RESIDENCY:
		return "STAT_RESIDENCY32";
	case PSCI_1_0_FN64_STAT_RESIDENCY:
		return "STAT_RESIDENCY64";
	case PSCI_1_0_FN_STAT_COUNT:
		return "STAT_COUNT32";
	case PSCI_1_0_FN64_STAT_COUNT:
		return "STAT_COUNT64";
	case PSCI_1_1_FN_SYSTEM_RESET2:
		return "SYSTEM_RESET2_32";
	case PSCI_1_1_FN64_SYSTEM_RESET2:
		return "SYSTEM_RESET2_64";
	case PSCI_1_3_FN_SYSTEM_OFF2:
		return "SYSTEM_OFF2_32";
	case PSCI_1_3_FN64_SYSTEM_OFF2:
		return "SYSTEM_OFF2_64";
	default:
		return "call";
	}
}

/* Check an int32 result; affinity selects AFFINITY_INFO's names for 0..2. */
bool expect(struct tcase *t, const char *what, int32_t got, int32_t want, bool affinity)
{
	const char *(*name)(int32_t) = affinity ? psci_affinity_name : psci_ret_name;

	if (got == want)
		return true;
	return tc_fail(t, "%s got %d (%s), expected %d (%s)", what, got, name(got), want,
		       name(want));
}

/* AFFINITY_INFO (32- or 64-bit) of target at level, checked against want. */
bool expect_affinity(struct tcase *t, enum conduit c, uint32_t fid, uint64_t target, uint64_t level,
		     int32_t want)
{
	char what[64];

	snprintk(what, sizeof(what), "%s(0x%llx, %llu)", fid_name(fid), (unsigned long long)target,
		 (unsigned long long)level);
	return expect(t, what, psci_call(c, fid, target, level, 0), want, true);
}

/* ---- secondaries ---- */

bool cpu_present(const struct suite *s, unsigned int idx)
{
	return idx < s->nr_present;
}

bool lost_cpu(const struct suite *s, struct tcase *t, unsigned int idx)
{
	if (!s->lost[idx])
		return false;
	tc_fail(t, "cpu%u is unusable after an earlier failure", idx);
	return true;
}

/* The first present secondary still usable, or -1. */
int first_secondary(const struct suite *s)
{
	for (unsigned int i = 0; i < machine.nr_cpus; i++) {
		if (i != machine.boot_cpu && cpu_present(s, i) && !s->lost[i])
			return (int)i;
	}
	return -1;
}

bool fail_no_checkin(struct suite *s, struct tcase *t, const struct cpu_run *run)
{
	uint64_t strays = READ_ONCE(stray_entry.count);
	enum conduit c = (enum conduit)READ_ONCE(cpu_cmds[run->idx].conduit);
	int32_t st = psci_call(c, PSCI_0_2_FN64_AFFINITY_INFO, machine.mpidr[run->idx], 0, 0);

	s->lost[run->idx] = true;
	tc_fail(
	    t,
	    "cpu%u did not check in (check-in %llu) within %u ms of its CPU_ON; AFFINITY_INFO64 "
	    "says %s",
	    run->idx, (unsigned long long)run->seq, CPU_CHECKIN_MS, psci_affinity_name(st));
	if (strays != s->strays_reported) {
		dmb();
		tc_fail(t,
			"a CPU entered with MPIDR_EL1 0x%llx and x0 0x%llx, which match no CPU_ON "
			"we made (expected x0 0x%llx on MPIDR 0x%llx)",
			(unsigned long long)READ_ONCE(stray_entry.mpidr),
			(unsigned long long)READ_ONCE(stray_entry.x0), (unsigned long long)run->ctx,
			(unsigned long long)machine.mpidr[run->idx]);
		s->strays_reported = strays;
	}
	return false;
}

/*
 * For a case that needs a secondary and has none: skip it on a one-CPU
 * machine, fail it when earlier failures used them all up.
 */
void no_secondary(struct suite *s, struct tcase *t)
{
	if (s->nr_present == 1) {
		tc_skip(s, t,
			machine.nr_cpus == 1 ? "needs a second CPU" : "needs a second present CPU");
		return;
	}
	tc_fail(t, "every secondary CPU is unusable after earlier failures");
	tc_end(s, t);
}

/* CPU_ON logical CPU idx with fid and target (normally its MPIDR) to do job;
 * wait for it to check in. */
bool start_cpu(struct suite *s, struct tcase *t, struct cpu_run *run, unsigned int idx,
	       enum cpu_job job, enum conduit c, uint32_t fid, uint64_t target)
{
	int32_t r;

	if (lost_cpu(s, t, idx))
		return false;
	cpu_prepare(run, idx, job, c);
	r = cpu_on(run, c, fid, target);
	if (r != PSCI_RET_SUCCESS) {
		/* Not off after all: its state is unknown from here on. */
		if (r == PSCI_RET_ALREADY_ON || r == PSCI_RET_ON_PENDING)
			s->lost[idx] = true;
		return tc_fail(t, "%s(0x%llx) of cpu%u got %d (%s), expected 0 (SUCCESS)",
			       fid_name(fid), (unsigned long long)target, idx, r, psci_ret_name(r));
	}
	if (!cpu_wait_checkin(run))
		return fail_no_checkin(s, t, run);
	return true;
}

/*
 * The CPU_ON entry state DEN0022 promises ("CPU_ON": the caller's EL, MMU
 * and caches off, interrupts masked, x0 = context_id), as head.S recorded it.
 */
bool check_entry(struct tcase *t, const struct cpu_run *run)
{
	const struct cpu_report *r = &cpu_reports[run->idx];
	uint64_t x0 = READ_ONCE(r->entry_x0);
	uint64_t el = READ_ONCE(r->entry_el);
	uint64_t daif = READ_ONCE(r->entry_daif);
	uint64_t sctlr = READ_ONCE(r->entry_sctlr);
	uint64_t mpidr = READ_ONCE(r->entry_mpidr);
	uint64_t checkins = READ_ONCE(r->checkins);
	bool ok = true;

	if (x0 != run->ctx)
		ok = tc_fail(t, "cpu%u entered with x0 0x%llx, expected context id 0x%llx",
			     run->idx, (unsigned long long)x0, (unsigned long long)run->ctx);
	if (CURRENTEL_EL(el) != 1)
		ok = tc_fail(t, "cpu%u entered at EL%llu, expected EL1", run->idx,
			     (unsigned long long)CURRENTEL_EL(el));
	if (daif != DAIF_ALL_MASKED)
		ok = tc_fail(t, "cpu%u entered with DAIF 0x%llx, expected 0x%lx (all masked)",
			     run->idx, (unsigned long long)daif, DAIF_ALL_MASKED);
	if (sctlr & SCTLR_EL1_M)
		ok = tc_fail(t, "cpu%u entered with the MMU on (SCTLR_EL1 0x%llx)", run->idx,
			     (unsigned long long)sctlr);
	if ((mpidr & MPIDR_HWID_MASK) != machine.mpidr[run->idx])
		ok =
		    tc_fail(t, "cpu%u has MPIDR_EL1 0x%llx, the DT says 0x%llx", run->idx,
			    (unsigned long long)mpidr, (unsigned long long)machine.mpidr[run->idx]);
	if (checkins != run->seq)
		ok = tc_fail(t, "cpu%u checked in %llu times for one CPU_ON", run->idx,
			     (unsigned long long)(checkins - run->seq + 1));
	return ok;
}

/* Let a checked-in secondary go on to CPU_OFF and wait until PSCI says OFF. */
bool stop_cpu(struct suite *s, struct tcase *t, const struct cpu_run *run, enum conduit c)
{
	cpu_release(run);
	return wait_cpu_off(s, t, run, c);
}

bool wait_cpu_off(struct suite *s, struct tcase *t, const struct cpu_run *run, enum conduit c)
{
	const struct cpu_report *r = &cpu_reports[run->idx];
	struct off_poll p;

	if (!cpu_wait_leaving(run)) {
		s->lost[run->idx] = true;
		return tc_fail(t, "cpu%u did not get to CPU_OFF (leaving = %llu) within %u ms",
			       run->idx, (unsigned long long)run->seq, CPU_STEP_MS);
	}
	if (cpu_wait_off(run, c, &p))
		return true;
	s->lost[run->idx] = true;
	if (p.off_returned)
		return tc_fail(t, "CPU_OFF on cpu%u returned %d (%s)", run->idx,
			       (int32_t)READ_ONCE(r->off_result),
			       psci_ret_name((int32_t)READ_ONCE(r->off_result)));
	return tc_fail(t,
		       "cpu%u called CPU_OFF but AFFINITY_INFO64 still says %s after %u calls in "
		       "%llu ms, expected OFF",
		       run->idx, psci_affinity_name(p.last), p.calls,
		       (unsigned long long)p.waited_ms);
}
