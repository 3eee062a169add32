/*
 * `test` cases for the vendor-hypervisor services (SMCCC owner 6, DEN0028
 * §6) that the VMM answers in userspace in both PSCI modes: its own
 * VMM_HYP_INFO and VMM_HYP_CONSOLE_WRITE (vmm/machine/guest_abi.h) and KVM's
 * DISCOVER_IMPL_VER / DISCOVER_IMPL_CPUS (the kernel's
 * Documentation/virt/kvm/arm/hypercalls.rst). All are SMC64 calls; they are
 * made over both conduits like the PSCI cases (the SMCCC filter forwards HVC
 * and SMC #0 alike).
 */
#include <stdbool.h>
#include <stdint.h>

#include "vmm/machine/guest_abi.h"
#include "guest/arch.h"
#include "guest/cpus.h"
#include "guest/print.h"
#include "guest/smccc.h"
#include "guest/suite.h"
#include "guest/testdev.h"

#define KVM_DISCOVER_IMPL_VER  0xC6000040U
#define KVM_DISCOVER_IMPL_CPUS 0xC6000041U
#define KVM_DISCOVER_IMPL_1_0  0x10000ULL
/* The VMM's version in VMM_HYP_INFO x2: major << 16 | minor. */
#define VMM_HYP_VERSION 0x00000001ULL
/* SMCCC's INVALID_PARAMETER (DEN0028 §7.1), as the 64-bit x0 of SMC64. */
#define SMCCC_RET_INVALID_PARAMETER ((uint64_t)-3)

/* Written to the VMM's console by vmm_console_write: host scripts look for
 * this exact line. In .rodata, so in guest RAM (the image). */
static const char console_line[] = "vmm-console: the quick brown fox\n";
#define CONSOLE_LINE_LEN (sizeof(console_line) - 1)

/*
 * x3 = possible << 32 | present: possible is the DT's CPU count, present
 * what the suite saw at its start (nothing is plugged during a run). That
 * the first present vCPUs start and the others are DENIED is checked by the
 * cpu_on cases.
 */
static void t_vmm_hyp_info(struct suite *s, enum conduit c)
{
	uint64_t cpus = machine.nr_cpus_dt;
	uint64_t want_x3 = cpus << 32 | s->info_present;
	uint32_t before, after;
	struct smccc_res r;
	struct tcase t;

	tc_begin(&t, "vmm_hyp_info", c);
	before = testdev_read(GUEST_TESTDEV_HCALLS);
	r = smccc_call(c, GUEST_VMM_HYP_INFO, 0, 0, 0);
	after = testdev_read(GUEST_TESTDEV_HCALLS);
	if (r.a0 != 0)
		tc_fail(&t, "x0 = %lld, expected 0", (long long)r.a0);
	if (r.a1 != GUEST_VMM_HYP_MAGIC)
		tc_fail(&t, "x1 = 0x%llx, expected 0x%llx (\"VMM-PSCI\")", (unsigned long long)r.a1,
			(unsigned long long)GUEST_VMM_HYP_MAGIC);
	if (r.a2 != VMM_HYP_VERSION)
		tc_fail(&t, "x2 = 0x%llx, expected version 0x%llx (0.1)", (unsigned long long)r.a2,
			(unsigned long long)VMM_HYP_VERSION);
	if (r.a3 != want_x3)
		tc_fail(&t,
			"x3 = 0x%llx (%llu possible, %llu present), expected 0x%llx: the DT lists "
			"%llu CPUs, %llu present at the start",
			(unsigned long long)r.a3, (unsigned long long)(r.a3 >> 32),
			(unsigned long long)(r.a3 & 0xffffffff), (unsigned long long)want_x3,
			(unsigned long long)cpus, (unsigned long long)s->info_present);
	if (after - before != 1)
		tc_fail(&t, "the VMM's hypercall counter went %u -> %u, expected one exit", before,
			after);
	tc_end(s, &t);
}

static void t_vmm_console(struct suite *s, enum conduit c)
{
	uint64_t ram_end = machine.ram_base + machine.ram_size;
	const struct {
		const char *what;
		uint64_t addr, len;
	} bad[] = {
	    {"a buffer outside RAM", 0x1000, 4},
	    {"GUEST_VMM_CONSOLE_MAX + 1 bytes", (uintptr_t)console_line, GUEST_VMM_CONSOLE_MAX + 1},
	    {"a buffer running past the end of RAM", ram_end - 8, 16},
	};
	struct smccc_res r;
	struct tcase t;

	tc_begin(&t, "vmm_console_write", c);
	r = smccc_call(c, GUEST_VMM_HYP_CONSOLE_WRITE, (uintptr_t)console_line, CONSOLE_LINE_LEN,
		       0);
	if (r.a0 != CONSOLE_LINE_LEN)
		tc_fail(&t, "x0 = %lld, expected the length %llu", (long long)r.a0,
			(unsigned long long)CONSOLE_LINE_LEN);
	tc_end(s, &t);

	tc_begin(&t, "vmm_console_errors", c);
	if (!machine.ram_size) {
		tc_fail(&t, "the DT has no /memory node to find the end of RAM");
		tc_end(s, &t);
		return;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		r = smccc_call(c, GUEST_VMM_HYP_CONSOLE_WRITE, bad[i].addr, bad[i].len, 0);
		if (r.a0 != SMCCC_RET_INVALID_PARAMETER)
			tc_fail(&t, "%s (0x%llx, %llu bytes): x0 = %lld, expected -3", bad[i].what,
				(unsigned long long)bad[i].addr, (unsigned long long)bad[i].len,
				(long long)r.a0);
	}
	tc_end(s, &t);
}

static void t_discover_impl(struct suite *s, enum conduit c)
{
	struct smccc_res ver, r;
	struct tcase t;

	tc_begin(&t, "discover_impl", c);
	ver = smccc_call(c, KVM_DISCOVER_IMPL_VER, 0, 0, 0);
	if (ver.a0 != 0 || ver.a1 != KVM_DISCOVER_IMPL_1_0 || ver.a2 < 1) {
		tc_fail(&t,
			"DISCOVER_IMPL_VER: x0 = %lld, x1 = 0x%llx, x2 = %llu; expected 0, "
			"0x10000 (1.0), at least 1",
			(long long)ver.a0, (unsigned long long)ver.a1, (unsigned long long)ver.a2);
		tc_end(s, &t);
		return;
	}
	r = smccc_call(c, KVM_DISCOVER_IMPL_CPUS, 0, 0, 0);
	if (r.a0 != 0)
		tc_fail(&t, "DISCOVER_IMPL_CPUS(0): x0 = %lld, expected 0", (long long)r.a0);
	else if (r.a1 == 0)
		tc_fail(&t, "DISCOVER_IMPL_CPUS(0): MIDR (x1) is 0");
	r = smccc_call(c, KVM_DISCOVER_IMPL_CPUS, ver.a2, 0, 0);
	if (r.a0 != SMCCC_RET_INVALID_PARAMETER)
		tc_fail(&t, "DISCOVER_IMPL_CPUS(%llu), one past the last: x0 = %lld, expected -3",
			(unsigned long long)ver.a2, (long long)r.a0);
	tc_end(s, &t);
}

void vendor_tests_run(struct suite *s, enum conduit c)
{
	t_vmm_hyp_info(s, c);
	t_vmm_console(s, c);
	t_discover_impl(s, c);
}
