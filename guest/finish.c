/*
 * The way every run ends: the verdict to the test device and PSCI
 * SYSTEM_OFF, and the report of an exception nobody expected (head.S's
 * vectors on any CPU; storm.c's for what it cannot explain).
 */
#include <stdbool.h>
#include <stdint.h>

#include "vmm/machine/guest_abi.h"
#include "guest/arch.h"
#include "guest/console.h"
#include "guest/cpus.h"
#include "guest/finish.h"
#include "guest/smccc.h"
#include "guest/testdev.h"

/* Per CPU, written by that CPU only: exceptions taken so far. */
static uint32_t exc_nesting[GUEST_MAX_CPUS];

void guest_finish(bool failed)
{
	int32_t ret;

	/* The VM may stop at SYSTEM_OFF: nothing may stay buffered. */
	console_flush();
	testdev_write(GUEST_TESTDEV_RESULT, failed ? 1 : 0);
	dsb();
	ret = psci_call(machine.conduit, PSCI_0_2_FN_SYSTEM_OFF, 0, 0, 0);
	/* DEN0022 SYSTEM_OFF: does not return. */
	printk("guest: SYSTEM_OFF returned %d (%s)\n", ret, psci_ret_name(ret));
	for (;;)
		wfi();
}

/* Named as in Linux's arch/arm64/kernel/entry.S, in VBAR_EL1 order. */
static const char *const vector_names[16] = {
    "el1t_64_sync", "el1t_64_irq", "el1t_64_fiq", "el1t_64_error",
    "el1h_64_sync", "el1h_64_irq", "el1h_64_fiq", "el1h_64_error",
    "el0t_64_sync", "el0t_64_irq", "el0t_64_fiq", "el0t_64_error",
    "el0t_32_sync", "el0t_32_irq", "el0t_32_fiq", "el0t_32_error",
};

void exception_report(uint64_t vector, uint64_t esr, uint64_t elr, uint64_t far, uint64_t spsr,
		      uint64_t sp)
{
	unsigned int cpu = read_sysreg(tpidr_el1) & (GUEST_MAX_CPUS - 1);
	uint32_t nesting = READ_ONCE(exc_nesting[cpu]) + 1;

	WRITE_ONCE(exc_nesting[cpu], nesting);
	/* It may have faulted while printing: let go of the console lock. */
	console_crash_reset();
	/* A fault while reporting must not loop: report once, then only try
	 * to fail and power off, then give up quietly. */
	if (nesting == 1)
		printk("\nguest: unexpected exception %s on cpu%u (MPIDR_EL1 0x%llx): "
		       "ESR_EL1 0x%llx (EC 0x%llx), ELR_EL1 0x%llx, FAR_EL1 0x%llx, "
		       "SPSR_EL1 0x%llx, SP 0x%llx\n",
		       vector_names[vector & 15], cpu, (unsigned long long)read_sysreg(mpidr_el1),
		       (unsigned long long)esr, (unsigned long long)(esr >> 26) & 0x3f,
		       (unsigned long long)elr, (unsigned long long)far, (unsigned long long)spsr,
		       (unsigned long long)sp);
	if (nesting <= 2)
		guest_finish(true);
	for (;;)
		wfi();
}
