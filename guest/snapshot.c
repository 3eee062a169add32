/*
 * `snapshot`: a guest whose whole state must survive `vmm ctl SOCK snapshot
 * DIR --stop` and `vmm restore DIR` (issue 18). It builds a machine in every
 * power state the userspace PSCI keeps, holds state in RAM and in registers,
 * says "@@ snapshot: ready", and waits until the test device's RESTORES
 * register says it was brought back. Then it checks that nothing changed:
 *
 *   boot CPU  on; the virtual timer's interrupt (PPI 27) keeps coming and is
 *             acknowledged through the CPU interface (ICC_IAR1_EL1, with
 *             PSTATE.I set: never taken), so the vGIC and the timer must both
 *             come back; TPIDR_EL0 holds a value only a register restore keeps
 *   cpu1      on, in a counter loop (its own TPIDR_EL0 checked on every turn)
 *   cpu2      off: CPU_ON'd once, then CPU_OFF
 *   cpu3      suspended: CPU_SUSPEND power-down (0x10000) with
 *             cpu_resume_entry and a context id, its wake-up event SGI 1
 *   cpu<lost> on-pending (option lost=N, N >= 4): a CPU_ON the VMM loses
 *             (run with --inject CPU_ON:cpu=N:next=1:lost)
 *   RAM       mib=N MiB (default 8) above the image filled with a pattern
 *
 * After the restore: AFFINITY_INFO and NODE_HW_STATE of every CPU answer as
 * before; the virtual counter never went back, not across the restore and
 * not at any read; the pattern and TPIDR_EL0 are intact; cpu1's counter
 * grows; ticks keep coming; cpu3 wakes on an SGI at its entry point with its
 * context id; the lost CPU is still on-pending (CPU_ON says ALREADY_ON).
 * Last, one CPU_ON of cpu2, reported as "outcome=on|error|lost", so that
 * restores with different --inject rules (the fork test) show what they did.
 * Every wait is a deadline on the virtual counter. Markers: guest/README.md.
 */
#include <stdbool.h>
#include <stdint.h>

#include "vmm/machine/guest_abi.h"
#include "guest/arch.h"
#include "guest/bootargs.h"
#include "guest/console.h"
#include "guest/cpus.h"
#include "guest/gic.h"
#include "guest/main.h"
#include "guest/smccc.h"
#include "guest/suspend.h"
#include "guest/testdev.h"
#include "guest/timer.h"

#define SNAP_COUNTER_CPU 1
#define SNAP_OFF_CPU	 2
#define SNAP_SLEEP_CPU	 3
/* The sleeper's wake-up event: SGI 1 (any SGI would do). */
#define SNAP_SGI	   1
#define GIC_INTID_SPURIOUS 1023
/* CPU_SUSPEND's original power_state format: power-down, StateID 0. */
#define POWER_STATE_POWERDOWN 0x00010000UL
/* NODE_HW_STATE results (DEN0022 §5.13). */
#define HW_ON  0
#define HW_OFF 1

/* The timer's period, and how many ticks each check wants to see. */
#define TICK_MS	   10
#define TICKS_WANT 3
/* How long to wait for the host to snapshot and restore us (wait=S). */
#define RESTORE_WAIT_S 600
/* A CPU_ON that succeeded but whose CPU has not checked in after this long
 * is lost, if AFFINITY_INFO says ON_PENDING. */
#define LOST_AFTER_MS 5000
/* Register values only a register restore keeps (TPIDR_EL0, ^ CPU index). */
#define SNAP_REG_MAGIC 0x5a4e4150534e4150ULL
/* The RAM pattern: a 64-bit mix of the word's index and this seed. */
#define SNAP_RAM_SEED 0x736e617073686f74ULL

/* Written only by the CPU it belongs to. */
struct snap_cpu {
	uint64_t count;	    /* counter loop: turns so far */
	uint64_t reg_bad;   /* counter loop: TPIDR_EL0 was not ours */
	uint64_t ctx;	    /* sleeper: the context id passed */
	uint64_t ready;	    /* sleeper: about to call CPU_SUSPEND */
	uint64_t x0;	    /* sleeper: how the call came back */
	uint64_t state_bad; /* sleeper: resume_state_ok() said no */
	uint64_t iar;	    /* sleeper: the interrupt pending when it woke */
	uint64_t done;	    /* sleeper: the fields above are valid */
	uint64_t wake_err;  /* sleeper: the GIC set-up failed */
} __attribute__((aligned(64)));

static struct snap_cpu snap_cpus[GUEST_MAX_CPUS];
/* Written by the boot CPU only: the counter loop ends. */
static uint64_t snap_stop;

/* The boot CPU's own bookkeeping. */
static struct {
	uint64_t ticks;	      /* timer interrupts acknowledged */
	uint64_t other_irqs;  /* anything else acknowledged */
	uint64_t last_cntvct; /* the latest counter read */
	uint64_t back_from;   /* nonzero: the counter went back from here ... */
	uint64_t back_to;     /* ... to here */
	int32_t aff[GUEST_MAX_CPUS];
	int32_t hw[GUEST_MAX_CPUS];
} boot;

/* guest.ld */
extern char _end[];

static uint64_t pattern_word(uint64_t i)
{
	uint64_t x = i * 0x9e3779b97f4a7c15ULL + SNAP_RAM_SEED;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ULL;
	return x ^ (x >> 29);
}

/* ---- the secondaries' jobs ---- */

static void counter_job(unsigned int idx, enum conduit c)
{
	struct snap_cpu *me = &snap_cpus[idx];
	uint64_t magic = SNAP_REG_MAGIC ^ idx;
	uint64_t n = READ_ONCE(me->count);

	(void)c;
	write_sysreg(tpidr_el0, magic);
	while (!READ_ONCE(snap_stop)) {
		WRITE_ONCE(me->count, ++n);
		if (read_sysreg(tpidr_el0) != magic)
			WRITE_ONCE(me->reg_bad, 1);
	}
	dsb();
}

static void sleeper_job(unsigned int idx, enum conduit c)
{
	struct snap_cpu *me = &snap_cpus[idx];
	char why[96];
	uint64_t ctx, x0, iar = GIC_INTID_SPURIOUS;

	if (!gic_wake_setup(idx, SNAP_SGI, why, sizeof(why))) {
		printk("guest: snapshot: cpu%u: %s\n", idx, why);
		WRITE_ONCE(me->wake_err, 1);
		dsb();
		return;
	}
	ctx = suspend_next_ctx(idx, GUEST_TAG_CPU_SUSPEND);
	WRITE_ONCE(me->ctx, ctx);
	dmb();
	WRITE_ONCE(me->ready, 1);
	dsb();
	x0 = psci_suspend_call(c, PSCI_0_2_FN64_CPU_SUSPEND, POWER_STATE_POWERDOWN,
			       (uintptr_t)cpu_resume_entry, ctx);
	if (x0 == GUEST_SUSPEND_RESUMED) {
		if (!resume_state_ok(idx, ctx, why, sizeof(why))) {
			printk("guest: snapshot: cpu%u: %s\n", idx, why);
			WRITE_ONCE(me->state_bad, 1);
		}
		/* The power-down reset the CPU interface: set it up again and
		 * take the SGI that woke us off the pending list. */
		if (gic_wake_setup(idx, SNAP_SGI, why, sizeof(why))) {
			iar = read_sysreg(icc_iar1_el1) & 0xffffff;
			if (iar != GIC_INTID_SPURIOUS)
				write_sysreg(icc_eoir1_el1, iar);
			isb();
		}
	}
	WRITE_ONCE(me->iar, iar);
	WRITE_ONCE(me->x0, x0);
	dmb();
	WRITE_ONCE(me->done, 1);
	dsb();
}

/* ---- the boot CPU: ticks, the clock, waits ---- */

/* Acknowledge whatever the CPU interface has pending; re-arm the timer. */
static void tick_poll(void)
{
	uint64_t now = counter_now();
	uint64_t iar;

	if (now < boot.last_cntvct && !boot.back_from) {
		boot.back_from = boot.last_cntvct;
		boot.back_to = now;
	}
	boot.last_cntvct = now;
	iar = read_sysreg(icc_iar1_el1) & 0xffffff;
	if (iar == GIC_INTID_SPURIOUS)
		return;
	if (iar == GIC_INTID_VTIMER) {
		boot.ticks++;
		vtimer_arm(ticks_from_ms(TICK_MS)); /* the line drops before the EOI */
	} else {
		boot.other_irqs++;
	}
	write_sysreg(icc_eoir1_el1, iar);
	isb();
}

/* Wait, ticking, until *word >= want; false after ms. */
static bool wait_word(const uint64_t *word, uint64_t want, uint64_t ms)
{
	struct deadline d = deadline_after_ms(ms);

	while (READ_ONCE(*word) < want) {
		if (deadline_passed(&d))
			return false;
		tick_poll();
	}
	dmb();
	return true;
}

static bool wait_ticks(uint64_t more, const char *when)
{
	uint64_t want = boot.ticks + more;

	if (wait_word(&boot.ticks, want, MODE_TIMEOUT_MS))
		return true;
	printk("guest: snapshot: %s: %llu timer ticks in %u ms, wanted %llu (other interrupts: "
	       "%llu)\n",
	       when, (unsigned long long)(boot.ticks - (want - more)), MODE_TIMEOUT_MS,
	       (unsigned long long)more, (unsigned long long)boot.other_irqs);
	return false;
}

static bool wait_hw_off(unsigned int idx, enum conduit c)
{
	struct deadline d = deadline_after_ms(MODE_TIMEOUT_MS);
	int32_t hw;

	for (;;) {
		hw = psci_call(c, PSCI_1_0_FN64_NODE_HW_STATE, machine.mpidr[idx], 0, 0);
		if (hw == HW_OFF)
			return true;
		if (deadline_passed(&d))
			break;
		tick_poll();
	}
	printk("guest: snapshot: cpu%u: NODE_HW_STATE still %d after %u ms, expected HW_OFF\n", idx,
	       hw, MODE_TIMEOUT_MS);
	return false;
}

/* ---- PSCI's view of every CPU ---- */

static const char *hw_name(int32_t hw)
{
	return hw == HW_ON ? "HW_ON" : hw == HW_OFF ? "HW_OFF" : hw == 2 ? "HW_STANDBY" : "?";
}

static void power_view(enum conduit c, int32_t *aff, int32_t *hw)
{
	for (unsigned int i = 0; i < machine.nr_cpus; i++) {
		aff[i] = psci_call(c, PSCI_0_2_FN64_AFFINITY_INFO, machine.mpidr[i], 0, 0);
		hw[i] = psci_call(c, PSCI_1_0_FN64_NODE_HW_STATE, machine.mpidr[i], 0, 0);
	}
}

static void power_view_print(const char *what, const int32_t *aff, const int32_t *hw)
{
	printk("@@ snapshot: %s:", what);
	for (unsigned int i = 0; i < machine.nr_cpus; i++)
		printk(" cpu%u=%s/%s", i, psci_affinity_name(aff[i]), hw_name(hw[i]));
	printk("\n");
}

/* ---- before the snapshot ---- */

struct snap_plan {
	enum conduit c;
	unsigned int lost; /* 0: none */
	uint64_t *ram;
	uint64_t ram_words;
	uint64_t ready_cntvct;
	uint64_t count_at_ready;
	uint64_t lost_checkins;
};

static bool start_job(unsigned int idx, enum cpu_job job, cpu_job_fn fn, enum conduit c)
{
	struct cpu_run run;
	int32_t r;

	cpu_prepare(&run, idx, job, c);
	if (fn)
		cpu_set_call(&run, fn);
	r = cpu_on(&run, c, PSCI_0_2_FN64_CPU_ON, machine.mpidr[idx]);
	if (r != PSCI_RET_SUCCESS) {
		printk("guest: snapshot: CPU_ON64 of cpu%u got %d (%s)\n", idx, r,
		       psci_ret_name(r));
		return false;
	}
	if (!cpu_wait_checkin_for(&run, ticks_from_ms(MODE_TIMEOUT_MS))) {
		printk("guest: snapshot: cpu%u did not check in within %u ms\n", idx,
		       MODE_TIMEOUT_MS);
		return false;
	}
	return true;
}

/* The lost CPU_ON: SUCCESS, then ON_PENDING for good, ALREADY_ON again. */
static bool make_lost(struct snap_plan *p)
{
	struct cpu_run run;
	int32_t r, aff;

	p->lost_checkins = READ_ONCE(cpu_reports[p->lost].checkins);
	cpu_prepare(&run, p->lost, JOB_OFF, p->c);
	r = cpu_on(&run, p->c, PSCI_0_2_FN64_CPU_ON, machine.mpidr[p->lost]);
	aff = psci_call(p->c, PSCI_0_2_FN64_AFFINITY_INFO, machine.mpidr[p->lost], 0, 0);
	if (r != PSCI_RET_SUCCESS || aff != PSCI_0_2_AFFINITY_LEVEL_ON_PENDING) {
		printk("guest: snapshot: the lost CPU_ON64 of cpu%u got %d (%s), AFFINITY_INFO "
		       "%s; expected SUCCESS and ON_PENDING (run with --inject "
		       "CPU_ON:cpu=%u:next=1:lost)\n",
		       p->lost, r, psci_ret_name(r), psci_affinity_name(aff), p->lost);
		return false;
	}
	return true;
}

static bool ram_fill(struct snap_plan *p)
{
	uint64_t start = ((uintptr_t)_end + 0xfffff) & ~0xfffffULL;
	/* The DTB sits in the top 2 MiB. */
	uint64_t end = machine.ram_base + machine.ram_size - (2ULL << 20);
	uint64_t bytes = bootarg_uint("mib", 8) << 20;

	if (start >= end || bytes > end - start) {
		printk("guest: snapshot: mib=%llu does not fit above the image\n",
		       (unsigned long long)(bytes >> 20));
		return false;
	}
	p->ram = (uint64_t *)(uintptr_t)start;
	p->ram_words = bytes / 8;
	for (uint64_t i = 0; i < p->ram_words; i++)
		p->ram[i] = pattern_word(i);
	dsb();
	return true;
}

static bool start_secondaries(struct snap_plan *p)
{
	int32_t last;

	if (!start_job(SNAP_COUNTER_CPU, JOB_CALL, counter_job, p->c) ||
	    !wait_word(&snap_cpus[SNAP_COUNTER_CPU].count, 1, MODE_TIMEOUT_MS))
		return false;
	if (!start_job(SNAP_OFF_CPU, JOB_OFF, 0, p->c))
		return false;
	if (!cpu_wait_off_for(SNAP_OFF_CPU, p->c, ticks_from_ms(MODE_TIMEOUT_MS), &last)) {
		printk("guest: snapshot: cpu%u did not power off: AFFINITY_INFO64 says %s\n",
		       SNAP_OFF_CPU, psci_affinity_name(last));
		return false;
	}
	if (!start_job(SNAP_SLEEP_CPU, JOB_CALL, sleeper_job, p->c))
		return false;
	if (!wait_word(&snap_cpus[SNAP_SLEEP_CPU].ready, 1, MODE_TIMEOUT_MS)) {
		printk("guest: snapshot: cpu%u never got to its CPU_SUSPEND\n", SNAP_SLEEP_CPU);
		return false;
	}
	if (!wait_hw_off(SNAP_SLEEP_CPU, p->c))
		return false;
	if (READ_ONCE(snap_cpus[SNAP_SLEEP_CPU].done)) {
		printk("guest: snapshot: cpu%u's CPU_SUSPEND came back (x0 0x%llx) with no SGI "
		       "sent\n",
		       SNAP_SLEEP_CPU, (unsigned long long)READ_ONCE(snap_cpus[SNAP_SLEEP_CPU].x0));
		return false;
	}
	return !p->lost || make_lost(p);
}

static bool snap_setup(struct snap_plan *p)
{
	char why[96];

	if (machine.nr_cpus < 4 || machine.boot_cpu != 0) {
		printk("guest: snapshot: needs 4 CPUs (have %u) and to boot on cpu0 (cpu%u)\n",
		       machine.nr_cpus, machine.boot_cpu);
		return false;
	}
	if (p->lost && (p->lost < 4 || p->lost >= machine.nr_cpus)) {
		printk("guest: snapshot: lost=%u must name a CPU from 4 to %u\n", p->lost,
		       machine.nr_cpus - 1);
		return false;
	}
	write_sysreg(tpidr_el0, SNAP_REG_MAGIC);
	if (!wake_timer_arm(0, ticks_from_ms(TICK_MS), why, sizeof(why))) {
		printk("guest: snapshot: the timer interrupt: %s\n", why);
		return false;
	}
	if (!ram_fill(p) || !start_secondaries(p) || !wait_ticks(TICKS_WANT, "before"))
		return false;
	power_view(p->c, boot.aff, boot.hw);
	power_view_print("before", boot.aff, boot.hw);
	p->count_at_ready = READ_ONCE(snap_cpus[SNAP_COUNTER_CPU].count);
	p->ready_cntvct = counter_now();
	printk("@@ snapshot: state: ticks=%llu cpu1 count=%llu cntvct=%llu ram=%llu MiB\n",
	       (unsigned long long)boot.ticks, (unsigned long long)p->count_at_ready,
	       (unsigned long long)p->ready_cntvct, (unsigned long long)(p->ram_words * 8 >> 20));
	return true;
}

/* ---- after the restore ---- */

static bool wait_restored(void)
{
	uint64_t secs = bootarg_uint("wait", RESTORE_WAIT_S);
	struct deadline d = deadline_after_ms(secs * 1000);
	uint32_t n;

	printk("@@ snapshot: ready\n");
	console_flush();
	if (!secs) {
		printk("@@ snapshot: not waiting for a restore (wait=0)\n");
		return true;
	}
	while (!(n = testdev_read(GUEST_TESTDEV_RESTORES))) {
		if (deadline_passed(&d)) {
			printk("guest: snapshot: not restored within %llu s (RESTORES still 0)\n",
			       (unsigned long long)secs);
			return false;
		}
		tick_poll();
	}
	printk("@@ snapshot: restored: restores=%u\n", n);
	return true;
}

static bool check_ram_and_regs(const struct snap_plan *p)
{
	uint64_t bad = 0, first = 0;

	for (uint64_t i = 0; i < p->ram_words; i++) {
		if (p->ram[i] != pattern_word(i) && !bad++)
			first = i;
	}
	if (bad) {
		printk("guest: snapshot: %llu of %llu RAM words changed, the first at 0x%llx: "
		       "0x%llx, expected 0x%llx\n",
		       (unsigned long long)bad, (unsigned long long)p->ram_words,
		       (unsigned long long)(uintptr_t)&p->ram[first],
		       (unsigned long long)p->ram[first], (unsigned long long)pattern_word(first));
		return false;
	}
	if (read_sysreg(tpidr_el0) != SNAP_REG_MAGIC) {
		printk("guest: snapshot: TPIDR_EL0 is 0x%llx, was 0x%llx\n",
		       (unsigned long long)read_sysreg(tpidr_el0),
		       (unsigned long long)SNAP_REG_MAGIC);
		return false;
	}
	printk("@@ snapshot: ram intact: %llu MiB; TPIDR_EL0 kept\n",
	       (unsigned long long)(p->ram_words * 8 >> 20));
	return true;
}

static bool check_clock(const struct snap_plan *p, bool say)
{
	uint64_t now = counter_now();

	if (now < p->ready_cntvct || boot.back_from) {
		printk("guest: snapshot: the virtual counter went back: %llu -> %llu (ready at "
		       "%llu, now %llu)\n",
		       (unsigned long long)boot.back_from, (unsigned long long)boot.back_to,
		       (unsigned long long)p->ready_cntvct, (unsigned long long)now);
		return false;
	}
	if (say)
		printk("@@ snapshot: counter went on: +%llu us since ready\n",
		       (unsigned long long)us_from_ticks(now - p->ready_cntvct));
	return true;
}

static bool check_power_view(const struct snap_plan *p)
{
	int32_t aff[GUEST_MAX_CPUS], hw[GUEST_MAX_CPUS];
	bool same = true;

	power_view(p->c, aff, hw);
	power_view_print("after", aff, hw);
	for (unsigned int i = 0; i < machine.nr_cpus; i++) {
		if (aff[i] != boot.aff[i] || hw[i] != boot.hw[i]) {
			printk("guest: snapshot: cpu%u was %s/%s before, is %s/%s after\n", i,
			       psci_affinity_name(boot.aff[i]), hw_name(boot.hw[i]),
			       psci_affinity_name(aff[i]), hw_name(hw[i]));
			same = false;
		}
	}
	return same;
}

static bool check_running(const struct snap_plan *p)
{
	const struct snap_cpu *c1 = &snap_cpus[SNAP_COUNTER_CPU];
	uint64_t from = READ_ONCE(c1->count);

	if (!wait_word(&c1->count, from + 1000, MODE_TIMEOUT_MS)) {
		printk("guest: snapshot: cpu1's counter stays at %llu (%llu at ready)\n",
		       (unsigned long long)READ_ONCE(c1->count),
		       (unsigned long long)p->count_at_ready);
		return false;
	}
	if (READ_ONCE(c1->reg_bad)) {
		printk("guest: snapshot: cpu1 saw its TPIDR_EL0 change\n");
		return false;
	}
	printk("@@ snapshot: cpu1 counter grew: %llu at ready, %llu now\n",
	       (unsigned long long)p->count_at_ready, (unsigned long long)READ_ONCE(c1->count));
	if (!wait_ticks(TICKS_WANT, "after the restore"))
		return false;
	printk("@@ snapshot: ticks keep coming: %llu\n", (unsigned long long)boot.ticks);
	return true;
}

/* ICC_SGI1R_EL1 (IHI 0069 §12.11.29): the SGI to one CPU by its affinity. */
static void send_sgi(unsigned int intid, uint64_t mpidr)
{
	uint64_t v = (mpidr >> 32 & 0xff) << 48 | (mpidr >> 16 & 0xff) << 32 |
		     (uint64_t)intid << 24 | (mpidr >> 8 & 0xff) << 16 | 1ULL << (mpidr & 0xf);

	dsb();
	write_sysreg(icc_sgi1r_el1, v);
	isb();
}

static bool check_sleeper(const struct snap_plan *p)
{
	const struct snap_cpu *s = &snap_cpus[SNAP_SLEEP_CPU];
	int32_t last;

	if (READ_ONCE(s->done)) {
		printk("guest: snapshot: cpu3 woke before its SGI (x0 0x%llx)\n",
		       (unsigned long long)READ_ONCE(s->x0));
		return false;
	}
	send_sgi(SNAP_SGI, machine.mpidr[SNAP_SLEEP_CPU]);
	if (!wait_word(&s->done, 1, MODE_TIMEOUT_MS)) {
		printk("guest: snapshot: cpu3 did not wake within %u ms of SGI %u\n",
		       MODE_TIMEOUT_MS, SNAP_SGI);
		return false;
	}
	if (READ_ONCE(s->x0) != GUEST_SUSPEND_RESUMED || READ_ONCE(s->state_bad) ||
	    READ_ONCE(s->iar) != SNAP_SGI) {
		printk("guest: snapshot: cpu3's CPU_SUSPEND came back with x0 0x%llx (resumed: "
		       "%llu), entry state %s, pending INTID %llu\n",
		       (unsigned long long)READ_ONCE(s->x0),
		       (unsigned long long)(READ_ONCE(s->x0) == GUEST_SUSPEND_RESUMED),
		       READ_ONCE(s->state_bad) ? "wrong" : "right",
		       (unsigned long long)READ_ONCE(s->iar));
		return false;
	}
	printk("@@ snapshot: cpu3 woke at its entry point with context id 0x%llx (SGI %u)\n",
	       (unsigned long long)READ_ONCE(s->ctx), SNAP_SGI);
	if (!cpu_wait_off_for(SNAP_SLEEP_CPU, p->c, ticks_from_ms(MODE_TIMEOUT_MS), &last)) {
		printk("guest: snapshot: cpu3 did not power off after waking: %s\n",
		       psci_affinity_name(last));
		return false;
	}
	return true;
}

static bool check_lost(const struct snap_plan *p)
{
	int32_t r = psci_call(p->c, PSCI_0_2_FN64_CPU_ON, machine.mpidr[p->lost],
			      (uintptr_t)secondary_entry, GUEST_CTX(p->lost));
	int32_t aff = psci_call(p->c, PSCI_0_2_FN64_AFFINITY_INFO, machine.mpidr[p->lost], 0, 0);

	if (r != PSCI_RET_ALREADY_ON || aff != PSCI_0_2_AFFINITY_LEVEL_ON_PENDING ||
	    READ_ONCE(cpu_reports[p->lost].checkins) != p->lost_checkins) {
		printk("guest: snapshot: the lost cpu%u: CPU_ON64 got %d (%s), AFFINITY_INFO %s, "
		       "check-ins %llu; expected ALREADY_ON, ON_PENDING, none\n",
		       p->lost, r, psci_ret_name(r), psci_affinity_name(aff),
		       (unsigned long long)READ_ONCE(cpu_reports[p->lost].checkins));
		return false;
	}
	printk("@@ snapshot: cpu%u still on-pending: CPU_ON64 says ALREADY_ON\n", p->lost);
	return true;
}

/* One CPU_ON of cpu2 after the restore: what did the restored VMM do? */
static bool cpu_on_after_restore(const struct snap_plan *p)
{
	unsigned int idx = SNAP_OFF_CPU;
	const char *outcome = "error";
	struct cpu_run run;
	int32_t r, aff, last;

	cpu_prepare(&run, idx, JOB_OFF, p->c);
	r = cpu_on(&run, p->c, PSCI_0_2_FN64_CPU_ON, machine.mpidr[idx]);
	if (r == PSCI_RET_SUCCESS) {
		outcome = "on";
		if (!cpu_wait_checkin_for(&run, ticks_from_ms(LOST_AFTER_MS)))
			outcome = "lost";
	}
	aff = psci_call(p->c, PSCI_0_2_FN64_AFFINITY_INFO, machine.mpidr[idx], 0, 0);
	printk("@@ snapshot: cpu_on cpu%u after restore: ret=%d (%s) outcome=%s affinity=%s\n", idx,
	       r, psci_ret_name(r), outcome, psci_affinity_name(aff));
	if (outcome[0] == 'o')
		return cpu_wait_off_for(idx, p->c, ticks_from_ms(MODE_TIMEOUT_MS), &last);
	/* A refused CPU_ON leaves the CPU off; a lost one on-pending. */
	return aff == (r == PSCI_RET_SUCCESS ? PSCI_0_2_AFFINITY_LEVEL_ON_PENDING
					     : PSCI_0_2_AFFINITY_LEVEL_OFF);
}

bool mode_snapshot(void)
{
	struct snap_plan p = {.c = machine.conduit, .lost = (unsigned int)bootarg_uint("lost", 0)};
	int32_t last;
	bool ok;

	if (!snap_setup(&p) || !wait_restored())
		return true;
	ok = check_clock(&p, true) && check_ram_and_regs(&p) && check_power_view(&p) &&
	     check_running(&p) && check_sleeper(&p) && (!p.lost || check_lost(&p)) &&
	     cpu_on_after_restore(&p);
	WRITE_ONCE(snap_stop, 1);
	dsb();
	if (ok && !cpu_wait_off_for(SNAP_COUNTER_CPU, p.c, ticks_from_ms(MODE_TIMEOUT_MS), &last)) {
		printk("guest: snapshot: cpu1 did not power off: %s\n", psci_affinity_name(last));
		ok = false;
	}
	ok = ok && check_clock(&p, false);
	vtimer_stop();
	if (ok)
		printk("@@ snapshot: done\n");
	return !ok;
}
