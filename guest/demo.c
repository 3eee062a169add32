/*
 * `demo`: a narrated tour of PSCI as this VMM provides it, for someone
 * learning how an arm64 OS asks its firmware (here: the hypervisor) to turn
 * CPUs on and off. Only one CPU prints at a time: the boot CPU waits
 * silently while a secondary says hello.
 */
#include <stdbool.h>
#include <stdint.h>

#include "vmm/machine/guest_abi.h"
#include "guest/arch.h"
#include "guest/console.h"
#include "guest/cpus.h"
#include "guest/main.h"
#include "guest/smccc.h"
#include "guest/testdev.h"

static const struct {
	uint32_t fid;
	const char *name;
} demo_features[] = {
    {PSCI_0_2_FN64_CPU_ON, "CPU_ON"},
    {PSCI_0_2_FN_CPU_OFF, "CPU_OFF"},
    {PSCI_0_2_FN64_AFFINITY_INFO, "AFFINITY_INFO"},
    {PSCI_0_2_FN64_CPU_SUSPEND, "CPU_SUSPEND"},
    {PSCI_0_2_FN_MIGRATE_INFO_TYPE, "MIGRATE_INFO_TYPE"},
    {PSCI_0_2_FN_SYSTEM_OFF, "SYSTEM_OFF"},
    {PSCI_0_2_FN_SYSTEM_RESET, "SYSTEM_RESET"},
    {PSCI_1_1_FN64_SYSTEM_RESET2, "SYSTEM_RESET2"},
    {PSCI_1_0_FN64_SYSTEM_SUSPEND, "SYSTEM_SUSPEND"},
};

static void demo_intro(enum conduit c)
{
	uint32_t mode = testdev_read(GUEST_TESTDEV_PSCI_MODE);

	printk("\n=== PSCI demo ===\n\n");
	printk("This guest runs bare-metal at EL1 on %u CPU%s (boot CPU: cpu%u, MPIDR 0x%llx).\n",
	       machine.nr_cpus, machine.nr_cpus == 1 ? "" : "s", machine.boot_cpu,
	       (unsigned long long)machine.mpidr[machine.boot_cpu]);
	printk("It manages CPU power with PSCI (Arm DEN0022), calling it with the \"%s\"\n"
	       "instruction as the device tree's /psci node says.\n\n",
	       conduit_name(c));
	if (mode == GUEST_PSCI_MODE_USER)
		printk("PSCI mode (from the VMM's test device): userspace. KVM forwards each PSCI\n"
		       "call to the VMM process (KVM_EXIT_HYPERCALL), which answers it.\n\n");
	else if (mode == GUEST_PSCI_MODE_KERNEL)
		printk("PSCI mode (from the VMM's test device): in-kernel. KVM answers PSCI\n"
		       "calls itself; the VMM only hears about SYSTEM_OFF and SYSTEM_RESET.\n\n");
	else
		printk("PSCI mode (from the VMM's test device): unknown value %u.\n\n", mode);
}

static void demo_versions(enum conduit c)
{
	uint32_t before = testdev_read(GUEST_TESTDEV_HCALLS);
	int32_t v = psci_call(c, PSCI_0_2_FN_PSCI_VERSION, 0, 0, 0);
	uint32_t after = testdev_read(GUEST_TESTDEV_HCALLS);

	printk("PSCI_VERSION  -> 0x%08x: PSCI %u.%u", (uint32_t)v, PSCI_VERSION_MAJOR(v),
	       PSCI_VERSION_MINOR(v));
	if (after != before)
		printk(", answered by the VMM (its hypercall counter went %u -> %u)\n", before,
		       after);
	else
		printk(", answered inside KVM (the VMM's hypercall counter did not move)\n");

	v = (int32_t)smccc_call(c, ARM_SMCCC_VERSION_FUNC_ID, 0, 0, 0).a0;
	if (v < 0)
		printk("SMCCC_VERSION -> %d (%s)\n", v, psci_ret_name(v));
	else
		printk("SMCCC_VERSION -> 0x%08x: SMC Calling Convention %u.%u, always answered\n"
		       "                 by KVM: Arm Architecture calls never reach the VMM\n",
		       (uint32_t)v, PSCI_VERSION_MAJOR(v), PSCI_VERSION_MINOR(v));

	printk("\nPSCI_FEATURES asks whether a function is implemented:\n");
	for (unsigned int i = 0; i < ARRAY_SIZE(demo_features); i++) {
		int32_t r = psci_call(c, PSCI_1_0_FN_PSCI_FEATURES, demo_features[i].fid, 0, 0);

		printk("  %-18s (0x%08x): %s", demo_features[i].name, demo_features[i].fid,
		       r >= 0			     ? "supported"
		       : r == PSCI_RET_NOT_SUPPORTED ? "not supported"
						     : "");
		if (r < 0 && r != PSCI_RET_NOT_SUPPORTED)
			printk("%d (%s)", r, psci_ret_name(r));
		printk("\n");
	}
}

/* Start logical CPU idx, let it say hello, watch it power off. */
static bool demo_secondary(unsigned int idx, enum conduit c)
{
	uint64_t mpidr = machine.mpidr[idx];
	struct cpu_run run;
	struct off_poll p;
	int32_t r, st;

	cpu_prepare(&run, idx, JOB_HELLO, c);
	r = cpu_on(&run, c, PSCI_0_2_FN64_CPU_ON, mpidr);
	printk("\ncpu%u: CPU_ON(target 0x%llx, entry 0x%lx, context id 0x%llx) -> %d (%s)\n", idx,
	       (unsigned long long)mpidr, (unsigned long)(uintptr_t)secondary_entry,
	       (unsigned long long)run.ctx, r, psci_ret_name(r));
	if (r != PSCI_RET_SUCCESS)
		return false;

	st = psci_call(c, PSCI_0_2_FN64_AFFINITY_INFO, mpidr, 0, 0);
	printk("  AFFINITY_INFO right after CPU_ON: %s%s\n", psci_affinity_name(st),
	       st == PSCI_0_2_AFFINITY_LEVEL_ON_PENDING
		   ? " (accepted, but the CPU has not started running yet)"
		   : "");

	if (!cpu_wait_checkin(&run)) {
		printk("  cpu%u never started running (waited %u ms for its check-in)\n", idx,
		       CPU_CHECKIN_MS);
		return false;
	}
	/* Our turn to be quiet: the secondary prints, then calls CPU_OFF. */
	cpu_release(&run);
	if (!cpu_wait_leaving(&run)) {
		printk("  cpu%u did not get as far as CPU_OFF within %u ms\n", idx, CPU_STEP_MS);
		return false;
	}
	if (!cpu_wait_off(&run, c, &p)) {
		if (p.off_returned)
			printk("  cpu%u: CPU_OFF returned %d (%s)\n", idx,
			       (int32_t)READ_ONCE(cpu_reports[idx].off_result),
			       psci_ret_name((int32_t)READ_ONCE(cpu_reports[idx].off_result)));
		else
			printk("  cpu%u did not power off: AFFINITY_INFO still says %s after %u "
			       "calls in %llu ms\n",
			       idx, psci_affinity_name(p.last), p.calls,
			       (unsigned long long)p.waited_ms);
		return false;
	}
	if (p.first == PSCI_0_2_AFFINITY_LEVEL_OFF)
		printk("  AFFINITY_INFO: OFF at the first call\n");
	else
		printk("  AFFINITY_INFO: %s -> OFF after %u calls\n", psci_affinity_name(p.first),
		       p.calls);
	return true;
}

bool demo_run(void)
{
	enum conduit c = machine.conduit;
	bool failed = false;

	demo_intro(c);
	demo_versions(c);

	if (machine.nr_cpus == 1) {
		printk("\nThere is only one CPU, so there is no secondary to switch on.\n");
	} else {
		printk(
		    "\nNow each secondary CPU is switched on with CPU_ON. It starts at the entry\n"
		    "address with the context id in x0, says hello, and switches itself off\n"
		    "with CPU_OFF, while the boot CPU watches it with AFFINITY_INFO.\n");
		for (unsigned int i = 0; i < machine.nr_cpus; i++) {
			if (i != machine.boot_cpu && !demo_secondary(i, c))
				failed = true;
		}
	}

	if (failed) {
		printk("\ndemo failed\n");
		return true;
	}
	printk("\ndemo done\n");
	return false;
}
