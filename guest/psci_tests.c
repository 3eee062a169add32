/*
 * `test`: a self-checking PSCI/SMCCC conformance suite for the VMM, in either
 * PSCI mode (userspace or in-kernel, from the test device). This file holds
 * the PSCI discovery and CPU_ON/CPU_OFF/AFFINITY_INFO cases and runs the
 * suite; the suspend, system and miscellaneous PSCI cases are in
 * power_tests.c, the vendor services in vendor_tests.c, the output format
 * and the shared plumbing in suite.h.
 */
#include <stdbool.h>
#include <stdint.h>

#include "vmm/machine/guest_abi.h"
#include "guest/arch.h"
#include "guest/console.h"
#include "guest/cpus.h"
#include "guest/main.h"
#include "guest/print.h"
#include "guest/smccc.h"
#include "guest/suite.h"
#include "guest/testdev.h"

/* Garbage for the upper half of SMC32 arguments (DEN0028 "SMC32/HVC32
 * argument passing": only W1..W7 are arguments, the upper bits are ignored). */
#define UPPER_GARBAGE 0xdead000000000000UL
/* An address in the MMIO hole that no device claims (vmm/machine/guest_abi.h). */
#define UNCLAIMED_MMIO 0x0a000000UL
#define ON_OFF_CYCLES  20

#define YES PSCI_RET_SUCCESS
#define NO  PSCI_RET_NOT_SUPPORTED
/* SYSTEM_OFF2 answers the bitmap of its off types: bit 0 = HIBERNATE_OFF. */
#define OFF2_HIBERNATE 1

/*
 * PSCI_FEATURES (DEN0022 "PSCI_FEATURES") expectations: the one place to
 * edit when the VMM's PSCI grows. "kernel" is KVM's in-kernel PSCI 1.1 in
 * Linux 6.12 (SYSTEM_SUSPEND only if the VMM enables it, which ours does not).
 */
static const struct feature_row {
	uint32_t fid;
	const char *name;
	int32_t user;	/* GUEST_PSCI_MODE_USER: the VMM's own PSCI */
	int32_t kernel; /* GUEST_PSCI_MODE_KERNEL */
} feature_table[] = {
    {PSCI_0_2_FN_PSCI_VERSION, "PSCI_VERSION", YES, YES},
    {PSCI_0_2_FN_CPU_SUSPEND, "CPU_SUSPEND32", YES, YES},
    {PSCI_0_2_FN64_CPU_SUSPEND, "CPU_SUSPEND64", YES, YES},
    {PSCI_0_2_FN_CPU_OFF, "CPU_OFF", YES, YES},
    {PSCI_0_2_FN_CPU_ON, "CPU_ON32", YES, YES},
    {PSCI_0_2_FN64_CPU_ON, "CPU_ON64", YES, YES},
    {PSCI_0_2_FN_AFFINITY_INFO, "AFFINITY_INFO32", YES, YES},
    {PSCI_0_2_FN64_AFFINITY_INFO, "AFFINITY_INFO64", YES, YES},
    {PSCI_0_2_FN_MIGRATE, "MIGRATE32", NO, NO},
    {PSCI_0_2_FN64_MIGRATE, "MIGRATE64", NO, NO},
    {PSCI_0_2_FN_MIGRATE_INFO_TYPE, "MIGRATE_INFO_TYPE", YES, YES},
    {PSCI_0_2_FN_MIGRATE_INFO_UP_CPU, "MIGRATE_INFO_UP_CPU32", NO, NO},
    {PSCI_0_2_FN64_MIGRATE_INFO_UP_CPU, "MIGRATE_INFO_UP_CPU64", NO, NO},
    {PSCI_0_2_FN_SYSTEM_OFF, "SYSTEM_OFF", YES, YES},
    {PSCI_0_2_FN_SYSTEM_RESET, "SYSTEM_RESET", YES, YES},
    {PSCI_1_0_FN_PSCI_FEATURES, "PSCI_FEATURES", YES, YES},
    {PSCI_1_0_FN_CPU_FREEZE, "CPU_FREEZE", NO, NO},
    {PSCI_1_0_FN_CPU_DEFAULT_SUSPEND, "CPU_DEFAULT_SUSPEND32", YES, NO},
    {PSCI_1_0_FN64_CPU_DEFAULT_SUSPEND, "CPU_DEFAULT_SUSPEND64", YES, NO},
    {PSCI_1_0_FN_NODE_HW_STATE, "NODE_HW_STATE32", YES, NO},
    {PSCI_1_0_FN64_NODE_HW_STATE, "NODE_HW_STATE64", YES, NO},
    {PSCI_1_0_FN_SYSTEM_SUSPEND, "SYSTEM_SUSPEND32", YES, NO},
    {PSCI_1_0_FN64_SYSTEM_SUSPEND, "SYSTEM_SUSPEND64", YES, NO},
    {PSCI_1_0_FN_SET_SUSPEND_MODE, "SET_SUSPEND_MODE", NO, NO},
    {PSCI_1_0_FN_STAT_RESIDENCY, "STAT_RESIDENCY32", YES, NO},
    {PSCI_1_0_FN64_STAT_RESIDENCY, "STAT_RESIDENCY64", YES, NO},
    {PSCI_1_0_FN_STAT_COUNT, "STAT_COUNT32", YES, NO},
    {PSCI_1_0_FN64_STAT_COUNT, "STAT_COUNT64", YES, NO},
    {PSCI_1_1_FN_SYSTEM_RESET2, "SYSTEM_RESET2_32", YES, YES},
    {PSCI_1_1_FN64_SYSTEM_RESET2, "SYSTEM_RESET2_64", YES, YES},
    {PSCI_1_1_FN_MEM_PROTECT, "MEM_PROTECT", NO, NO},
    {PSCI_1_1_FN_MEM_PROTECT_CHECK_RANGE, "MEM_PROTECT_CHECK_RANGE32", NO, NO},
    {PSCI_1_1_FN64_MEM_PROTECT_CHECK_RANGE, "MEM_PROTECT_CHECK_RANGE64", NO, NO},
    {PSCI_1_3_FN_SYSTEM_OFF2, "SYSTEM_OFF2_32", OFF2_HIBERNATE, NO},
    {PSCI_1_3_FN64_SYSTEM_OFF2, "SYSTEM_OFF2_64", OFF2_HIBERNATE, NO},
    {ARM_SMCCC_VERSION_FUNC_ID, "SMCCC_VERSION", YES, YES},
    {0x8400001fU, "unassigned PSCI 0x1f (SMC32)", NO, NO},
    {0xc400001fU, "unassigned PSCI 0x1f (SMC64)", NO, NO},
    {0x12345678U, "not an SMCCC fast call", NO, NO},
};

/* Called directly, these must answer NOT_SUPPORTED (DEN0028: unknown
 * function IDs return -1). The 0.1-era KVM IDs must be dead on a vCPU that
 * speaks PSCI 0.2 or later. */
static const struct {
	uint32_t fid;
	const char *name;
} unknown_fids[] = {
    {0x8400001fU, "unassigned PSCI function 0x1f (SMC32)"},
    {0xc400001fU, "unassigned PSCI function 0x1f (SMC64)"},
    {KVM_PSCI_FN(0), "KVM's PSCI 0.1 CPU_SUSPEND (pre-0.2 ID)"},
    {KVM_PSCI_FN(1), "KVM's PSCI 0.1 CPU_OFF (pre-0.2 ID)"},
    {KVM_PSCI_FN(2), "KVM's PSCI 0.1 CPU_ON (pre-0.2 ID)"},
    {KVM_PSCI_FN(3), "KVM's PSCI 0.1 MIGRATE (pre-0.2 ID)"},
};

/* ---- cases ---- */

static void t_psci_version(struct suite *s, enum conduit c)
{
	struct tcase t;
	int32_t v;

	tc_begin(&t, "psci_version", c);
	v = psci_call(c, PSCI_0_2_FN_PSCI_VERSION, 0, 0, 0);
	if (v < 0 || PSCI_VERSION_MAJOR(v) != 1 || PSCI_VERSION_MINOR(v) < 1)
		tc_fail(&t, "got 0x%08x (%u.%u), expected 1.x with x >= 1", (uint32_t)v,
			PSCI_VERSION_MAJOR(v), PSCI_VERSION_MINOR(v));
	tc_end(s, &t);
}

/*
 * What SMCCC promises of a PSCI call's registers (DEN0028 "Register use in
 * AArch64 SMC and HVC calls"): the result in x0, and, from SMCCC v1.1 on,
 * x4..x17 preserved. x1..x3 are result registers these functions leave
 * undefined, so they are not checked: KVM's in-kernel PSCI zeroes them, the
 * VMM leaves the caller's values (one register write per call instead of
 * four), and a guest may rely on neither.
 */
static void t_result_registers(struct suite *s, enum conduit c)
{
	uint64_t self = machine.mpidr[machine.boot_cpu];
	int32_t version = psci_call(c, PSCI_0_2_FN_PSCI_VERSION, 0, 0, 0);
	uint64_t smccc = smccc_call(c, ARM_SMCCC_VERSION_FUNC_ID, 0, 0, 0).a0;
	const struct {
		uint32_t fid;
		uint64_t a1, a2;
		int32_t want;
	} calls[] = {
	    {PSCI_0_2_FN_PSCI_VERSION, 0, 0, version},
	    {PSCI_0_2_FN_MIGRATE_INFO_TYPE, 0, 0, PSCI_0_2_TOS_MP},
	    {PSCI_1_0_FN_PSCI_FEATURES, PSCI_0_2_FN64_CPU_ON, 0, PSCI_RET_SUCCESS},
	    {PSCI_0_2_FN64_AFFINITY_INFO, self, 0, PSCI_0_2_AFFINITY_LEVEL_ON},
	    {PSCI_0_2_FN_AFFINITY_INFO, self, 0, PSCI_0_2_AFFINITY_LEVEL_ON},
	    {PSCI_0_2_FN_BASE + 0x1f, 0, 0, PSCI_RET_NOT_SUPPORTED},
	};
	struct tcase t;

	tc_begin(&t, "result_registers", c);
	for (unsigned int i = 0; i < ARRAY_SIZE(calls); i++) {
		uint64_t keep[SMCCC_NR_KEPT];
		int32_t got;

		for (unsigned int r = 0; r < SMCCC_NR_KEPT; r++)
			keep[r] = 0x5a5a000000000000ULL | (uint64_t)i << 16 | (r + 4);
		got = (int32_t)smccc_call_keep(c, calls[i].fid, calls[i].a1, calls[i].a2,
					       0x3333333333333333ULL, keep)
			  .a0;
		if (got != calls[i].want)
			tc_fail(&t, "0x%08x: x0 = %d, expected %d", calls[i].fid, got,
				calls[i].want);
		for (unsigned int r = 0; smccc >= ARM_SMCCC_VERSION_1_1 && r < SMCCC_NR_KEPT; r++)
			if (keep[r] != (0x5a5a000000000000ULL | (uint64_t)i << 16 | (r + 4)))
				tc_fail(&t,
					"0x%08x: x%u = 0x%llx after the call (SMCCC %u.%u "
					"preserves x4..x17)",
					calls[i].fid, r + 4, (unsigned long long)keep[r],
					(unsigned int)(smccc >> 16),
					(unsigned int)(smccc & 0xffff));
	}
	tc_end(s, &t);
}

static void t_psci_features(struct suite *s, enum conduit c)
{
	struct tcase t;

	tc_begin(&t, "psci_features", c);
	for (unsigned int i = 0; i < ARRAY_SIZE(feature_table); i++) {
		const struct feature_row *row = &feature_table[i];
		int32_t want = s->kernel_psci ? row->kernel : row->user;
		int32_t got = psci_call(c, PSCI_1_0_FN_PSCI_FEATURES, row->fid, 0, 0);

		if (got != want)
			tc_fail(&t, "%s (0x%08x) got %d, expected %d", row->name, row->fid, got,
				want);
	}
	tc_end(s, &t);
}

static void t_smccc_version(struct suite *s, enum conduit c)
{
	struct tcase t;
	uint32_t before, after;
	int32_t v;

	tc_begin(&t, "smccc_version", c);
	before = testdev_read(GUEST_TESTDEV_HCALLS);
	v = (int32_t)smccc_call(c, ARM_SMCCC_VERSION_FUNC_ID, 0, 0, 0).a0;
	after = testdev_read(GUEST_TESTDEV_HCALLS);
	if (v < ARM_SMCCC_VERSION_1_1)
		tc_fail(&t, "got 0x%08x, expected 0x%08x (1.1) or later", (uint32_t)v,
			ARM_SMCCC_VERSION_1_1);
	if (after != before)
		tc_fail(&t, "reached the VMM (hypercall counter %u -> %u); KVM should answer it",
			before, after);
	tc_end(s, &t);
}

static void t_smc_imm1(struct suite *s)
{
	struct tcase t;
	uint32_t before, after;
	uint64_t x0;

	tc_begin_plain(&t, "smc_imm1");
	before = testdev_read(GUEST_TESTDEV_HCALLS);
	x0 = smccc_smc_imm1(PSCI_0_2_FN_PSCI_VERSION);
	after = testdev_read(GUEST_TESTDEV_HCALLS);
	if (x0 != ~0ULL)
		tc_fail(&t, "x0 = 0x%llx, expected 0xffffffffffffffff", (unsigned long long)x0);
	if (after != before)
		tc_fail(&t, "reached the VMM (hypercall counter %u -> %u)", before, after);
	tc_end(s, &t);
}

static void t_unknown_fids(struct suite *s, enum conduit c)
{
	struct tcase t;

	tc_begin(&t, "unknown_fids", c);
	for (unsigned int i = 0; i < ARRAY_SIZE(unknown_fids); i++) {
		char what[64];

		snprintk(what, sizeof(what), "%s 0x%08x", unknown_fids[i].name,
			 unknown_fids[i].fid);
		/* Harmless arguments in case an ID is wrongly honoured. */
		expect(&t, what, psci_call(c, unknown_fids[i].fid, UNKNOWN_MPIDR, 0, 0),
		       PSCI_RET_NOT_SUPPORTED, false);
	}
	tc_end(s, &t);
}

static void t_migrate_info_type(struct suite *s, enum conduit c)
{
	struct tcase t;

	tc_begin(&t, "migrate_info_type", c);
	expect(&t, "MIGRATE_INFO_TYPE", psci_call(c, PSCI_0_2_FN_MIGRATE_INFO_TYPE, 0, 0, 0),
	       PSCI_0_2_TOS_MP, false);
	tc_end(s, &t);
}

static const uint32_t affinity_fids[] = {PSCI_0_2_FN64_AFFINITY_INFO, PSCI_0_2_FN_AFFINITY_INFO};
static const uint32_t cpu_on_fids[] = {PSCI_0_2_FN64_CPU_ON, PSCI_0_2_FN_CPU_ON};

static void t_affinity_info(struct suite *s, enum conduit c)
{
	uint64_t self = machine.mpidr[machine.boot_cpu];
	int sec = first_secondary(s);
	struct tcase t;

	tc_begin(&t, "affinity_info_self", c);
	for (unsigned int i = 0; i < ARRAY_SIZE(affinity_fids); i++)
		expect_affinity(&t, c, affinity_fids[i], self, 0, PSCI_0_2_AFFINITY_LEVEL_ON);
	tc_end(s, &t);

	tc_begin(&t, "affinity_info_off_cpu", c);
	if (sec < 0) {
		no_secondary(s, &t);
	} else {
		for (unsigned int i = 0; i < ARRAY_SIZE(affinity_fids); i++)
			expect_affinity(&t, c, affinity_fids[i], machine.mpidr[sec], 0,
					PSCI_0_2_AFFINITY_LEVEL_OFF);
		tc_end(s, &t);
	}

	/* DEN0022 AFFINITY_INFO: lowest_affinity_level is 0..3. */
	tc_begin(&t, "affinity_info_bad_level", c);
	for (unsigned int i = 0; i < ARRAY_SIZE(affinity_fids); i++)
		expect_affinity(&t, c, affinity_fids[i], self, 4, PSCI_RET_INVALID_PARAMS);
	tc_end(s, &t);

	tc_begin(&t, "affinity_info_unknown_mpidr", c);
	for (unsigned int i = 0; i < ARRAY_SIZE(affinity_fids); i++)
		expect_affinity(&t, c, affinity_fids[i], UNKNOWN_MPIDR, 0, PSCI_RET_INVALID_PARAMS);
	tc_end(s, &t);

	/* Level 1: is any CPU of our cluster (Aff1 and up) on? We are. */
	tc_begin(&t, "affinity_info_cluster", c);
	for (unsigned int i = 0; i < ARRAY_SIZE(affinity_fids); i++)
		expect_affinity(&t, c, affinity_fids[i], self, 1, PSCI_0_2_AFFINITY_LEVEL_ON);
	tc_end(s, &t);
}

static void t_cpu_on_errors(struct suite *s, enum conduit c)
{
	uint64_t self = machine.mpidr[machine.boot_cpu];
	uint64_t entry = (uintptr_t)secondary_entry;
	uint64_t self_ctx = GUEST_CTX(machine.boot_cpu);
	int sec = first_secondary(s);
	struct tcase t;

	tc_begin(&t, "cpu_on_unknown_mpidr", c);
	for (unsigned int i = 0; i < ARRAY_SIZE(cpu_on_fids); i++)
		expect(&t, fid_name(cpu_on_fids[i]),
		       psci_call(c, cpu_on_fids[i], UNKNOWN_MPIDR, entry, self_ctx),
		       PSCI_RET_INVALID_PARAMS, false);
	tc_end(s, &t);

	tc_begin(&t, "cpu_on_self", c);
	for (unsigned int i = 0; i < ARRAY_SIZE(cpu_on_fids); i++)
		expect(&t, fid_name(cpu_on_fids[i]),
		       psci_call(c, cpu_on_fids[i], self, entry, self_ctx), PSCI_RET_ALREADY_ON,
		       false);
	tc_end(s, &t);

	tc_begin(&t, "cpu_on_bad_entry", c);
	if (s->kernel_psci) {
		tc_skip(s, &t, "in-kernel PSCI does not validate the entry point");
		return;
	}
	if (sec < 0) {
		no_secondary(s, &t);
		return;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(cpu_on_fids); i++) {
		int32_t r =
		    psci_call(c, cpu_on_fids[i], machine.mpidr[sec], BAD_ENTRY, GUEST_CTX(sec));

		if (!expect(&t, fid_name(cpu_on_fids[i]), r, PSCI_RET_INVALID_ADDRESS, false) &&
		    r == PSCI_RET_SUCCESS) {
			/* It is now running whatever is at 0x1000. */
			s->lost[sec] = true;
			break;
		}
	}
	tc_end(s, &t);
}

/*
 * A possible but absent CPU (PSCI 1.2): CPU_ON is DENIED whatever the
 * width, AFFINITY_INFO says OFF, and the CPU does not start.
 */
static void t_cpu_on_absent(struct suite *s, enum conduit c, unsigned int idx)
{
	const struct cpu_report *r = &cpu_reports[idx];
	uint64_t checkins = READ_ONCE(r->checkins);
	uint64_t strays = READ_ONCE(stray_entry.count);
	uint64_t mpidr = machine.mpidr[idx];
	struct cpu_run run;
	struct tcase t;
	char name[32];

	snprintk(name, sizeof(name), "cpu_on_absent_cpu%u", idx);
	tc_begin(&t, name, c);
	for (unsigned int i = 0; i < ARRAY_SIZE(cpu_on_fids); i++) {
		char what[48];

		cpu_prepare(&run, idx, JOB_OFF, c);
		snprintk(what, sizeof(what), "%s(0x%llx) of absent cpu%u", fid_name(cpu_on_fids[i]),
			 (unsigned long long)mpidr, idx);
		expect(&t, what, cpu_on(&run, c, cpu_on_fids[i], mpidr), PSCI_RET_DENIED, false);
	}
	expect_affinity(&t, c, PSCI_0_2_FN64_AFFINITY_INFO, mpidr, 0, PSCI_0_2_AFFINITY_LEVEL_OFF);
	/* A CPU_ON that was wrongly honoured may have started it by now. */
	dmb();
	if (READ_ONCE(r->checkins) != checkins || READ_ONCE(stray_entry.count) != strays) {
		tc_fail(&t, "absent cpu%u entered the guest (check-ins %llu -> %llu)", idx,
			(unsigned long long)checkins, (unsigned long long)READ_ONCE(r->checkins));
		s->lost[idx] = true;
	}
	tc_end(s, &t);
}

/* CPU_ON each present secondary, check its entry state and ALREADY_ON,
 * CPU_OFF it; CPU_ON of each absent one must be DENIED. */
static void t_cpu_on_secondaries(struct suite *s, enum conduit c)
{
	struct tcase t;

	if (machine.nr_cpus == 1) {
		tc_begin(&t, "cpu_on_secondary", c);
		tc_skip(s, &t, "needs a second CPU");
		return;
	}
	for (unsigned int i = 0; i < machine.nr_cpus; i++) {
		uint64_t mpidr = machine.mpidr[i];
		struct cpu_run run;
		char name[32];

		if (i == machine.boot_cpu)
			continue;
		if (!cpu_present(s, i)) {
			t_cpu_on_absent(s, c, i);
			continue;
		}
		snprintk(name, sizeof(name), "cpu_on_cpu%u", i);
		tc_begin(&t, name, c);
		if (start_cpu(s, &t, &run, i, JOB_HOLD, c, PSCI_0_2_FN64_CPU_ON, mpidr)) {
			check_entry(&t, &run);
			/* It is waiting for us: a second CPU_ON finds it on. */
			expect(&t, "CPU_ON64 while it runs",
			       cpu_on(&run, c, PSCI_0_2_FN64_CPU_ON, mpidr), PSCI_RET_ALREADY_ON,
			       false);
			expect_affinity(&t, c, PSCI_0_2_FN64_AFFINITY_INFO, mpidr, 0,
					PSCI_0_2_AFFINITY_LEVEL_ON);
			stop_cpu(s, &t, &run, c);
		}
		tc_end(s, &t);
	}
}

/*
 * DEN0022 §6.4.3: the target of CPU_ON runs in the caller's endianness. A
 * CPU_ON made with SCTLR_EL1.EE set must start the target with EE set
 * (head.S records it, then goes back to little-endian), a plain one with EE
 * clear. KVM's in-kernel PSCI does the same, so both modes agree.
 */
static void t_cpu_on_big_endian(struct suite *s, enum conduit c)
{
	struct tcase t;
	unsigned int idx = machine.nr_cpus;

	tc_begin(&t, "cpu_on_caller_endianness", c);
	for (unsigned int i = 0; i < machine.nr_cpus; i++)
		if (i != machine.boot_cpu && cpu_present(s, i) && !s->lost[i]) {
			idx = i;
			break;
		}
	if (idx == machine.nr_cpus) {
		tc_skip(s, &t, "needs a second present CPU");
		return;
	}
	for (int be = 1; be >= 0; be--) {
		struct cpu_run run;
		uint64_t sctlr;
		int32_t r;

		cpu_prepare(&run, idx, JOB_HOLD, c);
		dsb(); /* the job must reach memory before the target runs */
		if (be)
			r = (int32_t)smccc_call_big_endian(c, PSCI_0_2_FN64_CPU_ON,
							   machine.mpidr[idx],
							   (uintptr_t)secondary_entry, run.ctx)
				.a0;
		else
			r = cpu_on(&run, c, PSCI_0_2_FN64_CPU_ON, machine.mpidr[idx]);
		if (r != PSCI_RET_SUCCESS) {
			tc_fail(&t, "%sCPU_ON64 of cpu%u got %d (%s), expected 0 (SUCCESS)",
				be ? "big-endian " : "", idx, r, psci_ret_name(r));
			break;
		}
		if (!cpu_wait_checkin(&run)) {
			fail_no_checkin(s, &t, &run);
			break;
		}
		sctlr = READ_ONCE(cpu_reports[idx].entry_sctlr);
		if (!!(sctlr & SCTLR_EL1_EE) != be)
			tc_fail(&t,
				"cpu%u started by a %s-endian caller entered with SCTLR_EL1 0x%llx "
				"(EE %s)",
				idx, be ? "big" : "little", (unsigned long long)sctlr,
				be ? "clear, expected set" : "set, expected clear");
		if (!stop_cpu(s, &t, &run, c))
			break;
	}
	tc_end(s, &t);
}

/* ON_OFF_CYCLES CPU_ON/CPU_OFF round trips on every secondary, alternating
 * the 64- and 32-bit CPU_ON. */
static void t_on_off_cycles(struct suite *s, enum conduit c)
{
	struct tcase t;

	tc_begin(&t, "cpu_on_off_x20", c);
	if (s->nr_present == 1) {
		no_secondary(s, &t);
		return;
	}
	for (unsigned int i = 0; i < machine.nr_cpus; i++) {
		if (i == machine.boot_cpu || !cpu_present(s, i) || lost_cpu(s, &t, i))
			continue;
		for (unsigned int n = 0; n < ON_OFF_CYCLES; n++) {
			uint32_t fid = cpu_on_fids[n % 2];
			struct cpu_run run;
			bool ok;

			ok = start_cpu(s, &t, &run, i, JOB_OFF, c, fid, machine.mpidr[i]);
			if (ok) {
				ok = check_entry(&t, &run);
				ok = stop_cpu(s, &t, &run, c) && ok;
			}
			if (!ok) {
				tc_fail(&t, "in cycle %u of cpu%u", n + 1, i);
				break;
			}
		}
	}
	tc_end(s, &t);
}

/*
 * All present CPUs but one CPU_ON the last one at once: exactly one SUCCESS,
 * every other answer ALREADY_ON (DEN0022 allows ON_PENDING; KVM and this VMM
 * say ALREADY_ON, see DESIGN.md §4), and the target enters once.
 */
static void t_race(struct suite *s, enum conduit c)
{
	unsigned int racers[GUEST_MAX_CPUS];
	struct cpu_run runs[GUEST_MAX_CPUS];
	unsigned int nr_racers = 0, target = 0, successes = 0, already_on = 0;
	struct cpu_run trun;
	struct tcase t;
	uint64_t gen;
	int32_t mine;

	tc_begin(&t, "cpu_on_race", c);
	if (s->nr_present < 3) {
		char why[64];

		if (s->nr_present == machine.nr_cpus)
			snprintk(why, sizeof(why), "needs at least 3 CPUs, have %u",
				 machine.nr_cpus);
		else
			snprintk(why, sizeof(why), "needs at least 3 present CPUs, have %u of %u",
				 s->nr_present, machine.nr_cpus);
		tc_skip(s, &t, why);
		return;
	}
	for (unsigned int i = 0; i < machine.nr_cpus; i++) {
		if (i == machine.boot_cpu || !cpu_present(s, i))
			continue;
		if (lost_cpu(s, &t, i)) {
			tc_end(s, &t);
			return;
		}
		target = i;
	}
	gen = ++s->race_gen;

	/* Racers: every secondary but the target, spinning on race_go. */
	for (unsigned int i = 0; i < machine.nr_cpus; i++) {
		struct cpu_run *run = &runs[nr_racers];

		if (i == machine.boot_cpu || i == target || !cpu_present(s, i))
			continue;
		cpu_prepare(run, i, JOB_RACE, c);
		cpu_set_race(run, PSCI_0_2_FN64_CPU_ON, machine.mpidr[target], GUEST_CTX(target),
			     gen);
		if (cpu_on(run, c, PSCI_0_2_FN64_CPU_ON, machine.mpidr[i]) != PSCI_RET_SUCCESS) {
			tc_fail(&t, "CPU_ON64 of racer cpu%u failed", i);
			s->lost[i] = true;
			continue;
		}
		if (!cpu_wait_checkin(run)) {
			fail_no_checkin(s, &t, run);
			continue;
		}
		racers[nr_racers++] = i;
	}

	cpu_prepare(&trun, target, JOB_HOLD, c);
	dsb();
	cpu_race_go(gen);
	mine = cpu_on(&trun, c, PSCI_0_2_FN64_CPU_ON, machine.mpidr[target]);

	if (mine == PSCI_RET_SUCCESS)
		successes++;
	else if (mine == PSCI_RET_ALREADY_ON)
		already_on++;
	else
		tc_fail(&t, "cpu%u (boot) got %d (%s)", machine.boot_cpu, mine,
			psci_ret_name(mine));
	for (unsigned int k = 0; k < nr_racers; k++) {
		int32_t r;

		if (!cpu_wait_race_done(&runs[k])) {
			tc_fail(
			    &t,
			    "racer cpu%u did not report its CPU_ON (race_done = %llu) within %u ms",
			    racers[k], (unsigned long long)runs[k].seq, CPU_STEP_MS);
			continue;
		}
		r = (int32_t)READ_ONCE(cpu_reports[racers[k]].race_result);
		if (r == PSCI_RET_SUCCESS)
			successes++;
		else if (r == PSCI_RET_ALREADY_ON)
			already_on++;
		else
			tc_fail(&t, "racer cpu%u got %d (%s)", racers[k], r, psci_ret_name(r));
	}
	if (successes != 1 || already_on != nr_racers)
		tc_fail(&t,
			"%u of %u CPU_ON64 calls succeeded and %u got ALREADY_ON, expected 1 "
			"and %u",
			successes, nr_racers + 1, already_on, nr_racers);

	if (successes) {
		if (cpu_wait_checkin(&trun)) {
			check_entry(&t, &trun);
			/* More than one SUCCESS may have restarted it: release the last entry. */
			trun.seq = READ_ONCE(cpu_reports[target].checkins);
			stop_cpu(s, &t, &trun, c);
		} else {
			fail_no_checkin(s, &t, &trun);
		}
	}
	for (unsigned int k = 0; k < nr_racers; k++)
		stop_cpu(s, &t, &runs[k], c);
	tc_end(s, &t);
}

/* SMC32 calls ignore the upper halves of their arguments; SMC64 calls do not. */
static void t_smc32_upper_bits(struct suite *s, enum conduit c)
{
	uint64_t self = machine.mpidr[machine.boot_cpu];
	int sec = first_secondary(s);
	struct tcase t;

	tc_begin(&t, "smc32_cpu_on_upper_bits", c);
	if (sec < 0) {
		no_secondary(s, &t);
	} else {
		uint64_t dirty = UPPER_GARBAGE | machine.mpidr[sec];
		struct cpu_run run;

		if (start_cpu(s, &t, &run, (unsigned int)sec, JOB_HOLD, c, PSCI_0_2_FN_CPU_ON,
			      dirty)) {
			check_entry(&t, &run);
			expect_affinity(&t, c, PSCI_0_2_FN_AFFINITY_INFO, dirty, 0,
					PSCI_0_2_AFFINITY_LEVEL_ON);
			stop_cpu(s, &t, &run, c);
		}
		tc_end(s, &t);
	}

	tc_begin(&t, "smc32_affinity_info_upper_bits", c);
	expect_affinity(&t, c, PSCI_0_2_FN_AFFINITY_INFO, UPPER_GARBAGE | self, 0,
			PSCI_0_2_AFFINITY_LEVEL_ON);
	sec = first_secondary(s);
	if (sec >= 0)
		expect_affinity(&t, c, PSCI_0_2_FN_AFFINITY_INFO,
				UPPER_GARBAGE | machine.mpidr[sec], 0, PSCI_0_2_AFFINITY_LEVEL_OFF);
	tc_end(s, &t);

	tc_begin(&t, "smc64_affinity_info_upper_bits", c);
	expect_affinity(&t, c, PSCI_0_2_FN64_AFFINITY_INFO, UPPER_GARBAGE | self, 0,
			PSCI_RET_INVALID_PARAMS);
	tc_end(s, &t);
}

static void t_unclaimed_mmio(struct suite *s)
{
	struct tcase t;
	uint32_t v;

	tc_begin_plain(&t, "unclaimed_mmio");
	v = mmio_read32(UNCLAIMED_MMIO);
	if (v)
		tc_fail(&t, "read 0x%08x at 0x%lx, expected 0", v, UNCLAIMED_MMIO);
	mmio_write32(UNCLAIMED_MMIO, 0x5a5a5a5a);
	v = mmio_read32(UNCLAIMED_MMIO);
	if (v)
		tc_fail(&t, "read 0x%08x after a write, expected 0", v);
	tc_end(s, &t);
}

static void run_conduit(struct suite *s, enum conduit c)
{
	printk("# PSCI over %s\n", conduit_name(c));
	t_psci_version(s, c);
	t_psci_features(s, c);
	t_smccc_version(s, c);
	t_result_registers(s, c);
	t_unknown_fids(s, c);
	t_migrate_info_type(s, c);
	t_affinity_info(s, c);
	t_cpu_on_errors(s, c);
	t_cpu_on_secondaries(s, c);
	t_cpu_on_big_endian(s, c);
	t_on_off_cycles(s, c);
	t_race(s, c);
	t_smc32_upper_bits(s, c);
	power_tests_run(s, c);
	vendor_tests_run(s, c);
}

static const char *psci_mode_name(uint32_t mode)
{
	switch (mode) {
	case GUEST_PSCI_MODE_USER:
		return "user";
	case GUEST_PSCI_MODE_KERNEL:
		return "kernel";
	default:
		return "unknown";
	}
}

/*
 * Which vCPUs are present: VMM_HYP_INFO x3 = possible << 32 | present, the
 * present ones being vCPUs 0..present-1 (vmm/machine/guest_abi.h). The VMM answers
 * it in both PSCI modes. An answer that makes no sense leaves every DT CPU
 * present (the vmm_hyp_info case then fails and says why).
 */
static void learn_present(struct suite *s)
{
	struct smccc_res r = smccc_call(machine.conduit, GUEST_VMM_HYP_INFO, 0, 0, 0);
	uint64_t possible = r.a3 >> 32, present = r.a3 & 0xffffffffULL;

	s->nr_present = machine.nr_cpus;
	s->info_present = machine.nr_cpus_dt;
	if (r.a0 != 0 || r.a1 != GUEST_VMM_HYP_MAGIC) {
		printk("# VMM_HYP_INFO: x0 = %lld, x1 = 0x%llx: taking all %u CPUs as present\n",
		       (long long)r.a0, (unsigned long long)r.a1, machine.nr_cpus);
		return;
	}
	if (possible != machine.nr_cpus_dt || present == 0 || present > possible ||
	    machine.boot_cpu >= present) {
		printk("# VMM_HYP_INFO: %llu possible, %llu present, but the DT lists %u CPUs and "
		       "boots cpu%u: taking all as present\n",
		       (unsigned long long)possible, (unsigned long long)present,
		       machine.nr_cpus_dt, machine.boot_cpu);
		return;
	}
	s->info_present = present;
	if (present < machine.nr_cpus)
		s->nr_present = (unsigned int)present;
	printk("# %llu possible CPUs, %llu present (VMM_HYP_INFO)", (unsigned long long)possible,
	       (unsigned long long)present);
	if (s->nr_present < machine.nr_cpus)
		printk(": CPU_ON of cpu%u..cpu%u must be DENIED", s->nr_present,
		       machine.nr_cpus - 1);
	printk("\n");
}

static bool summary(const struct suite *s)
{
	if (s->skipped)
		printk("%u passed, %u failed, %u skipped\n", s->passed, s->failed, s->skipped);
	else
		printk("%u passed, %u failed\n", s->passed, s->failed);
	return s->failed != 0;
}

bool psci_tests_run(void)
{
	static struct suite suite;
	struct suite *s = &suite;
	uint32_t mode = testdev_read(GUEST_TESTDEV_PSCI_MODE);

	printk("# PSCI conformance tests: %u CPU%s, boot cpu%u (MPIDR 0x%llx), %s conduit %s, "
	       "PSCI mode %s\n",
	       machine.nr_cpus, machine.nr_cpus == 1 ? "" : "s", machine.boot_cpu,
	       (unsigned long long)machine.mpidr[machine.boot_cpu],
	       machine.acpi ? "MADT/FADT" : "DT", conduit_name(machine.conduit),
	       psci_mode_name(mode));
	if (mode != GUEST_PSCI_MODE_USER && mode != GUEST_PSCI_MODE_KERNEL) {
		struct tcase t;

		tc_begin_plain(&t, "testdev_psci_mode");
		tc_fail(&t, "test device PSCI mode is %u, expected %u (user) or %u (kernel)", mode,
			GUEST_PSCI_MODE_USER, GUEST_PSCI_MODE_KERNEL);
		tc_end(s, &t);
		return summary(s);
	}
	s->kernel_psci = mode == GUEST_PSCI_MODE_KERNEL;
	learn_present(s);

	t_smc_imm1(s);
	run_conduit(s, CONDUIT_HVC);
	run_conduit(s, CONDUIT_SMC);
	t_unclaimed_mmio(s);
	return summary(s);
}
