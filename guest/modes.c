/*
 * The scripted modes: each runs one scenario that a host-side script drives
 * or checks through "@@ " marker lines (guest/README.md lists them), and
 * returns its verdict. Every wait is bounded by the virtual counter
 * (MODE_TIMEOUT_MS): a host that never does its part fails the mode with a
 * message instead of hanging it.
 *
 *   hotplug    CPU_ON of vCPUs 2 and 3 while the host plugs and unplugs them
 *   vendor     print the vendor-hypervisor discovery calls' answers
 *   services   probe KVM's in-kernel services (TRNG, KVM features, PTP, PV time)
 *   sip        a SiP and an OEM call over each conduit, and whether they exited
 *   sysuspend  SYSTEM_SUSPEND's success path
 *   reset2     SYSTEM_RESET2's success path (warm reset, then pass)
 *   off2       SYSTEM_OFF2's success path (hibernate-off)
 */
#include <stdbool.h>
#include <stdint.h>

#include "vmm/machine/guest_abi.h"
#include "guest/arch.h"
#include "guest/bootargs.h"
#include "guest/console.h"
#include "guest/cpus.h"
#include "guest/main.h"
#include "guest/smccc.h"
#include "guest/suspend.h"
#include "guest/testdev.h"
#include "guest/timer.h"

#define KVM_DISCOVER_IMPL_VER  0xC6000040U
#define KVM_DISCOVER_IMPL_CPUS 0xC6000041U
/* Rows DISCOVER_IMPL_CPUS is asked for at most. */
#define IMPL_CPUS_MAX 64

/* In-kernel services (DEN0028 owners 4 and 5; KVM's vendor functions 0, 1). */
#define ARM_SMCCC_TRNG_VERSION	     0x84000050U
#define ARM_SMCCC_VENDOR_HYP_KVM_FEA 0x86000000U
#define ARM_SMCCC_VENDOR_HYP_KVM_PTP 0x86000001U
#define KVM_PTP_VIRT_COUNTER	     0
#define ARM_SMCCC_HV_PV_TIME_FEAT    0xC5000020U

#define SIP_FID 0x82000010U
#define OEM_FID 0x83000010U

/* hotplug: CPU_ON retries while the host does its part. */
#define HOTPLUG_RETRY_MS 10
/* sysuspend: the wake-up timer. */
#define SYSUSPEND_WAKE_MS 10

/* SMC32 results are 32 bits (DEN0028 §2.6): print them as int32. */
static long long result_signed(uint32_t fid, uint64_t x0)
{
	if (fid & (1U << 30))
		return (long long)x0;
	return (long long)(int32_t)x0;
}

static uint64_t mode_timeout(void)
{
	return ticks_from_ms(MODE_TIMEOUT_MS);
}

/* ---- hotplug ---- */

/* CPU_ON64 of logical CPU idx for a JOB_OFF life (which must be off). */
static int32_t hotplug_cpu_on(struct cpu_run *run, unsigned int idx, enum conduit c)
{
	cpu_prepare(run, idx, JOB_OFF, c);
	return cpu_on(run, c, PSCI_0_2_FN64_CPU_ON, machine.mpidr[idx]);
}

/* A successful CPU_ON: the CPU must check in with our context id and
 * power off again. */
static bool hotplug_life(const struct cpu_run *run, enum conduit c)
{
	uint64_t x0;
	int32_t last;

	if (!cpu_wait_checkin_for(run, mode_timeout())) {
		printk("guest: hotplug: cpu%u did not check in within %u ms of its CPU_ON "
		       "(stray entries: %llu)\n",
		       run->idx, MODE_TIMEOUT_MS, (unsigned long long)READ_ONCE(stray_entry.count));
		return false;
	}
	x0 = READ_ONCE(cpu_reports[run->idx].entry_x0);
	if (x0 != run->ctx) {
		printk("guest: hotplug: cpu%u entered with x0 0x%llx, expected 0x%llx\n", run->idx,
		       (unsigned long long)x0, (unsigned long long)run->ctx);
		return false;
	}
	if (!cpu_wait_off_for(run->idx, c, mode_timeout(), &last)) {
		printk("guest: hotplug: cpu%u did not power off: AFFINITY_INFO64 says %d (%s)\n",
		       run->idx, last, psci_affinity_name(last));
		return false;
	}
	return true;
}

/*
 * Retry CPU_ON of idx every HOTPLUG_RETRY_MS until it answers want (SUCCESS
 * once the host plugged the CPU, DENIED once it unplugged it). The other
 * answer is the expected one meanwhile; a SUCCESS while waiting for DENIED
 * is a whole life to see through. Anything else fails.
 */
static bool hotplug_until(unsigned int idx, enum conduit c, int32_t want)
{
	struct deadline d = deadline_in(mode_timeout());
	int32_t r;

	for (;;) {
		struct cpu_run run;

		r = hotplug_cpu_on(&run, idx, c);
		if (r == PSCI_RET_SUCCESS && !hotplug_life(&run, c))
			return false;
		if (r == want)
			return true;
		if (r != PSCI_RET_SUCCESS && r != PSCI_RET_DENIED) {
			printk("guest: hotplug: CPU_ON64 of cpu%u got %d (%s)\n", idx, r,
			       psci_ret_name(r));
			return false;
		}
		if (deadline_passed(&d)) {
			printk("guest: hotplug: CPU_ON64 of cpu%u still says %d (%s) after %u ms, "
			       "expected %d (%s)\n",
			       idx, r, psci_ret_name(r), MODE_TIMEOUT_MS, want,
			       psci_ret_name(want));
			return false;
		}
		delay_ticks(ticks_from_ms(HOTPLUG_RETRY_MS));
	}
}

bool mode_check_across_reset(const char *name, const char *note, bool (*check)(void),
			     uint64_t reset_default)
{
	uint32_t resets = testdev_read(GUEST_TESTDEV_RESETS);
	int32_t ret;

	if (note)
		printk("@@ %s: boot %u (%s)\n", name, resets, note);
	else
		printk("@@ %s: boot %u\n", name, resets);
	if (check())
		return true;
	if (!bootarg_uint("reset", reset_default) || resets > 0)
		return false;
	printk("@@ %s: resetting\n", name);
	ret = psci_call(machine.conduit, PSCI_0_2_FN_SYSTEM_RESET, 0, 0, 0);
	/* DEN0022 §5.11: SYSTEM_RESET does not return. */
	printk("guest: %s: SYSTEM_RESET returned %d (%s)\n", name, ret, psci_ret_name(ret));
	return true;
}

/*
 * Run as -c 2 --max-cpus 4 --control SOCK: vCPUs 2 and 3 are possible but
 * absent, and CPU_ON of them is DENIED (PSCI 1.2) until the host plugs them.
 */
bool mode_hotplug(void)
{
	enum conduit c = machine.conduit;

	if (machine.nr_cpus < 4) {
		printk("guest: hotplug: needs 4 CPUs in the DT (--max-cpus 4), have %u\n",
		       machine.nr_cpus);
		return true;
	}
	for (unsigned int idx = 2; idx <= 3; idx++) {
		struct cpu_run run;
		int32_t r;

		r = hotplug_cpu_on(&run, idx, c);
		if (r != PSCI_RET_DENIED) {
			printk("guest: hotplug: CPU_ON64 of absent cpu%u got %d (%s), expected -3 "
			       "(DENIED)\n",
			       idx, r, psci_ret_name(r));
			if (r == PSCI_RET_SUCCESS)
				hotplug_life(&run, c);
			return true;
		}
		printk("@@ cpu%u denied\n", idx);

		printk("@@ plug me: %u\n", idx);
		if (!hotplug_until(idx, c, PSCI_RET_SUCCESS))
			return true;
		printk("@@ cpu%u came up\n", idx);

		printk("@@ unplug me: %u\n", idx);
		if (!hotplug_until(idx, c, PSCI_RET_DENIED))
			return true;
		printk("@@ cpu%u denied again\n", idx);
	}
	printk("@@ hotplug done\n");
	return false;
}

/* ---- vendor, services, sip ---- */

bool mode_vendor(void)
{
	enum conduit c = machine.conduit;
	struct smccc_res r = smccc_call(c, KVM_DISCOVER_IMPL_VER, 0, 0, 0);
	uint64_t n = r.a2;

	printk("@@ impl_ver: x0=%lld ver=0x%llx n=%lld\n", (long long)r.a0,
	       (unsigned long long)r.a1, (long long)r.a2);
	if (r.a0 != 0)
		n = 0;
	if (n > IMPL_CPUS_MAX) {
		printk("guest: vendor: listing only the first %u of %llu implementations\n",
		       IMPL_CPUS_MAX, (unsigned long long)n);
		n = IMPL_CPUS_MAX;
	}
	for (uint64_t i = 0; i < n; i++) {
		r = smccc_call(c, KVM_DISCOVER_IMPL_CPUS, i, 0, 0);
		printk("@@ impl_cpu %llu: midr=0x%llx revidr=0x%llx aidr=0x%llx\n",
		       (unsigned long long)i, (unsigned long long)r.a1, (unsigned long long)r.a2,
		       (unsigned long long)r.a3);
	}
	r = smccc_call(c, GUEST_VMM_HYP_INFO, 0, 0, 0);
	printk("@@ info: x0=%lld magic=0x%llx version=0x%llx possible=%llu present=%llu\n",
	       (long long)r.a0, (unsigned long long)r.a1, (unsigned long long)r.a2,
	       (unsigned long long)(r.a3 >> 32), (unsigned long long)(r.a3 & 0xffffffff));
	return false;
}

bool mode_services(void)
{
	static const struct {
		const char *name;
		uint32_t fid;
		uint64_t a1;
	} probes[] = {
	    {"trng", ARM_SMCCC_TRNG_VERSION, 0},
	    {"kvm-features", ARM_SMCCC_VENDOR_HYP_KVM_FEA, 0},
	    {"ptp", ARM_SMCCC_VENDOR_HYP_KVM_PTP, KVM_PTP_VIRT_COUNTER},
	    {"pv-time", ARM_SMCCC_HV_PV_TIME_FEAT, ARM_SMCCC_HV_PV_TIME_FEAT},
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(probes); i++) {
		struct smccc_res r = smccc_call(CONDUIT_HVC, probes[i].fid, probes[i].a1, 0, 0);

		printk("@@ %s: %lld\n", probes[i].name, result_signed(probes[i].fid, r.a0));
	}
	return false;
}

bool mode_sip(void)
{
	static const enum conduit conduits[] = {CONDUIT_HVC, CONDUIT_SMC};
	static const struct {
		const char *name;
		uint32_t fid;
	} calls[] = {{"sip", SIP_FID}, {"oem", OEM_FID}};

	for (unsigned int i = 0; i < ARRAY_SIZE(conduits); i++) {
		for (unsigned int k = 0; k < ARRAY_SIZE(calls); k++) {
			uint32_t before = testdev_read(GUEST_TESTDEV_HCALLS);
			struct smccc_res r = smccc_call(conduits[i], calls[k].fid, 1, 2, 3);
			uint32_t after = testdev_read(GUEST_TESTDEV_HCALLS);

			printk("@@ %s %s: x0=%lld hcalls+%u\n", calls[k].name,
			       conduit_name(conduits[i]), result_signed(calls[k].fid, r.a0),
			       after - before);
		}
	}
	return false;
}

/* ---- the system-wide calls' success paths ---- */

/* DEN0022 §5.19: with only this CPU on, SYSTEM_SUSPEND powers the system
 * down like a power-down suspend and resumes at the entry point on a
 * wake-up event. */
bool mode_sysuspend(void)
{
	uint64_t wake = ticks_from_ms(SYSUSPEND_WAKE_MS);
	struct suspend_result r;
	char why[128];

	suspend_with_timer(machine.boot_cpu, machine.conduit, PSCI_1_0_FN64_SYSTEM_SUSPEND,
			   SUSPEND_ARGS_ENTRY_CTX, 0, GUEST_TAG_SYSTEM_SUSPEND, wake, &r);
	if (r.no_wake) {
		printk("guest: sysuspend: no wake-up event: %s\n", r.why);
		return true;
	}
	if (!r.resumed) {
		printk("guest: SYSTEM_SUSPEND64 returned %d (%s)\n", r.ret, psci_ret_name(r.ret));
		return true;
	}
	if (!resume_state_ok(machine.boot_cpu, r.ctx, why, sizeof(why))) {
		printk("guest: sysuspend: %s\n", why);
		return true;
	}
	printk("@@ resumed from system suspend\n");
	if (r.t1 - r.t0 < wake) {
		printk("guest: sysuspend: resumed after %llu us, before the wake-up timer "
		       "(%llu us)\n",
		       (unsigned long long)us_from_ticks(r.t1 - r.t0),
		       (unsigned long long)us_from_ticks(wake));
		return true;
	}
	return false;
}

/* DEN0022 §5.16: SYSTEM_RESET2(SYSTEM_WARM_RESET = 0, cookie 0), once. */
bool mode_reset2(void)
{
	uint32_t resets = testdev_read(GUEST_TESTDEV_RESETS);
	int32_t ret;

	if (resets) {
		printk("@@ reset count %u\n", resets);
		return false;
	}
	printk("@@ reset2 warm\n");
	ret = psci_call(machine.conduit, PSCI_1_1_FN64_SYSTEM_RESET2, 0, 0, 0);
	printk("guest: SYSTEM_RESET2_64 returned %d (%s)\n", ret, psci_ret_name(ret));
	return true;
}

/* DEN0022 §5.23 (PSCI 1.3): SYSTEM_OFF2(HIBERNATE_OFF = 1, cookie 0). The
 * verdict is written first: the call does not return. */
bool mode_off2(void)
{
	int32_t ret;

	testdev_write(GUEST_TESTDEV_RESULT, 0);
	dsb();
	printk("@@ off2 hibernate\n");
	ret = psci_call(machine.conduit, PSCI_1_3_FN64_SYSTEM_OFF2, 1, 0, 0);
	printk("guest: SYSTEM_OFF2_64 returned %d (%s)\n", ret, psci_ret_name(ret));
	return true;
}
