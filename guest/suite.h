/*
 * The `test` suite's plumbing: results, case reporting and secondary CPUs
 * inside a case (suite.c). Output, one line per case:
 *   ok <name>
 *   FAIL <name>: <what was got vs expected>
 *   skip <name>: <why>
 * then exactly "N passed, N failed" (", N skipped" appended when there were
 * skips). Other lines start with "# ". Cases that run over both conduits
 * carry it in their name ("psci_version/hvc", "psci_version/smc").
 *
 * Results of PSCI functions are int32 (DEN0022), compared as such: KVM
 * sign-extends SMC32 results to 64 bits, a VMM may zero-extend.
 */
#ifndef GUEST_SUITE_H
#define GUEST_SUITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest/cpus.h"
#include "guest/smccc.h"

/* An MPIDR no CPU of ours has (KVM numbers vCPUs with Aff0 < 16). */
#define UNKNOWN_MPIDR 0xff00ffUL
/* An entry point outside guest RAM. */
#define BAD_ENTRY 0x1000UL

struct suite {
	unsigned int passed, failed, skipped;
	bool kernel_psci; /* the test device's PSCI mode */
	/*
	 * Present vCPUs, as VMM_HYP_INFO said at the start: the first
	 * nr_present logical CPUs (the VMM plugs vCPUs 0..present-1 at boot;
	 * the DT lists every possible one). CPU_ON of the others must be
	 * DENIED (PSCI 1.2). info_present is the raw count, for vmm_hyp_info.
	 */
	unsigned int nr_present;
	uint64_t info_present;
	bool lost[GUEST_MAX_CPUS]; /* did not power off in an earlier case */
	uint64_t race_gen;
	uint64_t strays_reported; /* stray_entry.count already reported */
};

struct tcase {
	char name[64];
	char why[256];
	size_t why_len;
	bool failed;
};

void tc_begin(struct tcase *t, const char *name, enum conduit c);
void tc_begin_plain(struct tcase *t, const char *name);
/* Record a failure; several are joined with "; ". Returns false. */
bool tc_fail(struct tcase *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tc_end(struct suite *s, const struct tcase *t);
void tc_skip(struct suite *s, const struct tcase *t, const char *why);

/* A short name for messages: "CPU_ON64", ... or "call". */
const char *fid_name(uint32_t fid);

/* Check an int32 result; affinity selects AFFINITY_INFO's names for 0..2. */
bool expect(struct tcase *t, const char *what, int32_t got, int32_t want, bool affinity);

/* AFFINITY_INFO (32- or 64-bit) of target at level, checked against want. */
bool expect_affinity(struct tcase *t, enum conduit c, uint32_t fid, uint64_t target, uint64_t level,
		     int32_t want);

/* Is logical CPU idx present (CPU_ON may succeed)? */
bool cpu_present(const struct suite *s, unsigned int idx);

/* True, with t failed, if logical CPU idx was lost: an earlier failure
 * left it in a state nobody knows. */
bool lost_cpu(const struct suite *s, struct tcase *t, unsigned int idx);

/* The first present secondary still usable, or -1. */
int first_secondary(const struct suite *s);

/* A CPU_ON'd secondary did not check in: fail t, mark it lost, name any
 * stray entry. Returns false. */
bool fail_no_checkin(struct suite *s, struct tcase *t, const struct cpu_run *run);

/*
 * For a case that needs a secondary and has none: skip it on a machine with
 * one present CPU, fail it when earlier failures used them all up (ends the
 * case).
 */
void no_secondary(struct suite *s, struct tcase *t);

/* CPU_ON logical CPU idx with fid and target (normally its MPIDR) to do job;
 * wait for it to check in. */
bool start_cpu(struct suite *s, struct tcase *t, struct cpu_run *run, unsigned int idx,
	       enum cpu_job job, enum conduit c, uint32_t fid, uint64_t target);

/*
 * The CPU_ON entry state DEN0022 promises ("CPU_ON": the caller's EL, MMU
 * and caches off, interrupts masked, x0 = context_id), as head.S recorded it.
 */
bool check_entry(struct tcase *t, const struct cpu_run *run);

/* Let a checked-in secondary go on to CPU_OFF and wait until PSCI says OFF. */
bool stop_cpu(struct suite *s, struct tcase *t, const struct cpu_run *run, enum conduit c);

/* Wait until the secondary of run is OFF after its job ended on its own
 * (no release needed); mark it lost and fail t if not. */
bool wait_cpu_off(struct suite *s, struct tcase *t, const struct cpu_run *run, enum conduit c);

/* Case groups: each runs its cases over conduit c. */
void power_tests_run(struct suite *s, enum conduit c);
void vendor_tests_run(struct suite *s, enum conduit c);

#endif
