/*
 * The boot CPU's C entry: read the device tree (and under `vmm boot --acpi`
 * the ACPI tables its /chosen leads to: acpi_read.c), pick the mode from the first
 * word of bootargs, run it, report the verdict and power off (finish.c).
 *
 * Modes (first word of bootargs): demo (the default), test, null (pass at
 * once, for start-up benchmarks), fail (report failure), crash (take an
 * undefined-instruction exception), reset (SYSTEM_RESET once, then pass),
 * and the scripted modes of modes.c, stress.c and bench.c (guest/README.md).
 */
#include <stdbool.h>
#include <stdint.h>

#include "vmm/machine/guest_abi.h"
#include "guest/acpi_read.h"
#include "guest/arch.h"
#include "guest/bootargs.h"
#include "guest/console.h"
#include "guest/cpus.h"
#include "guest/fdt_read.h"
#include "guest/finish.h"
#include "guest/main.h"
#include "guest/smccc.h"
#include "guest/storm.h"
#include "guest/testdev.h"

/* guest.ld */
extern char _head[];

static struct dt_info dt;
static struct machine_facts acpi;

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* Copy the first blank-separated word of s into word (size bytes). */
static void first_word(const char *s, char *word, unsigned int size)
{
	unsigned int n = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	while (*s && *s != ' ' && *s != '\t' && n + 1 < size)
		word[n++] = *s++;
	word[n] = '\0';
}

static void __noreturn mode_reset(void)
{
	uint32_t resets = testdev_read(GUEST_TESTDEV_RESETS);
	int32_t ret;

	if (resets) {
		printk("reset count %u\n", resets);
		guest_finish(false);
	}
	printk("resetting\n");
	ret = psci_call(machine.conduit, PSCI_0_2_FN_SYSTEM_RESET, 0, 0, 0);
	/* DEN0022 SYSTEM_RESET: does not return. */
	printk("guest: SYSTEM_RESET returned %d (%s)\n", ret, psci_ret_name(ret));
	guest_finish(true);
}

/* The modes that run and return their verdict. */
static const struct {
	const char *name;
	bool (*run)(void);
} modes[] = {
    {"demo", demo_run},	       {"test", psci_tests_run},
    {"hotplug", mode_hotplug}, {"stress", mode_stress},
    {"vendor", mode_vendor},   {"services", mode_services},
    {"sip", mode_sip},	       {"sysuspend", mode_sysuspend},
    {"reset2", mode_reset2},   {"off2", mode_off2},
    {"bench", mode_bench},     {"chatter", mode_chatter},
    {"flood", mode_flood},     {"storm", mode_storm},
    {"ramread", mode_ramread}, {"pmu", mode_pmu},
    {"its", mode_its},	       {"snapshot", mode_snapshot},
};

/* Fill machine from the DT, or from the ACPI tables when the DT is the
 * --acpi stub that names only the EFI hand-off. */
static void machine_fill(void)
{
	const struct machine_facts *f = dt.efi_systab ? &acpi : &dt.facts;

	machine.acpi = dt.efi_systab != 0;
	machine.conduit = f->conduit;
	machine.nr_cpus = f->nr_cpus;
	machine.nr_cpus_dt = f->nr_cpus_found;
	machine.ram_base = f->ram_base;
	machine.ram_size = f->ram_size;
	machine.its_base = f->its_base;
	/* The DT reader leaves the GIC to the VMM's fixed memory map. */
	machine.gicd_base = f->gicd_base ? f->gicd_base : GUEST_GICD_BASE;
	machine.gicr_base = f->gicr_base ? f->gicr_base : GUEST_GICR_BASE(f->nr_cpus_found);
	for (unsigned int i = 0; i < machine.nr_cpus; i++)
		machine.mpidr[i] = f->mpidr[i];
}

/* Find which logical CPU we are. */
static bool machine_setup(void)
{
	uint64_t self = read_sysreg(mpidr_el1) & MPIDR_HWID_MASK;
	const char *from = machine.acpi ? "MADT" : "device tree";
	int idx;

	if (machine.nr_cpus_dt > machine.nr_cpus)
		printk("guest: the %s lists %u CPUs; only the first %u are used\n", from,
		       machine.nr_cpus_dt, machine.nr_cpus);

	idx = cpu_index_of(self);
	if (idx < 0) {
		printk("guest: boot CPU MPIDR 0x%llx is not among the %s's first %u CPUs\n",
		       (unsigned long long)self, from, machine.nr_cpus);
		return false;
	}
	machine.boot_cpu = (unsigned int)idx;
	/* The exception path finds this CPU's stack and slot through it. */
	write_sysreg(tpidr_el1, idx);
	return true;
}

void primary_main(uint64_t dtb)
{
	char why[160];
	char mode[32];
	uint32_t id;

	if (dt_read((const void *)(uintptr_t)dtb, &dt, why, sizeof(why))) {
		printk("guest: bad device tree at 0x%llx: %s\n", (unsigned long long)dtb, why);
		guest_finish(true);
	}
	if (dt.efi_systab && acpi_read(&dt, 0, &acpi, why, sizeof(why))) {
		printk("guest: bad ACPI tables (EFI system table at 0x%llx): %s\n",
		       (unsigned long long)dt.efi_systab, why);
		guest_finish(true);
	}
	machine_fill();
	bootargs_init(dt.bootargs);
	first_word(dt.bootargs, mode, sizeof(mode));
	if (!mode[0])
		first_word("demo", mode, sizeof(mode));

	/* For start-up benchmarks: nothing before the verdict but the DT
	 * (or the ACPI tables). */
	if (str_eq(mode, "null"))
		guest_finish(false);

	if (!machine_setup())
		guest_finish(true);
	if ((uintptr_t)_head != GUEST_RAM_BASE) {
		printk("guest: linked at 0x%lx, not at GUEST_RAM_BASE 0x%lx\n",
		       (unsigned long)(uintptr_t)_head, GUEST_RAM_BASE);
		guest_finish(true);
	}
	id = testdev_read(GUEST_TESTDEV_ID);
	if (id != GUEST_TESTDEV_MAGIC) {
		printk("guest: no test device at 0x%lx (ID 0x%08x, expected 0x%08x)\n",
		       GUEST_TESTDEV_BASE, id, GUEST_TESTDEV_MAGIC);
		guest_finish(true);
	}

	for (unsigned int i = 0; i < ARRAY_SIZE(modes); i++) {
		if (str_eq(mode, modes[i].name))
			guest_finish(modes[i].run());
	}
	if (str_eq(mode, "reset"))
		mode_reset();
	if (str_eq(mode, "fail")) {
		printk("guest: mode fail: reporting failure on purpose\n");
		guest_finish(true);
	}
	if (str_eq(mode, "crash")) {
		printk("guest: mode crash: executing an undefined instruction\n");
		asm volatile("udf #0");
		printk("guest: udf #0 did not trap\n");
		guest_finish(true);
	}
	if (str_eq(mode, "nisv")) {
		/* A store pair to MMIO has no valid instruction syndrome: KVM cannot
		 * emulate it. The VMM must answer with an external data abort to the
		 * guest (taken here and reported by the vector), never die. */
		printk("guest: mode nisv: stp to the test device\n");
		asm volatile("stp xzr, xzr, [%0]" ::"r"(GUEST_TESTDEV_BASE) : "memory");
		printk("guest: the store pair did not fault\n");
		guest_finish(true);
	}
	printk(
	    "guest: unknown mode \"%s\" (expected demo, test, null, fail, crash, nisv, reset, "
	    "reset2, off2, sysuspend, hotplug, stress, vendor, services, sip, bench, chatter, pmu, "
	    "its, flood, storm or ramread)\n",
	    mode);
	guest_finish(true);
}
