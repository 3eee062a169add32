/*
 * `storm`: a hostile guest. Every CPU fires random SMCCC calls over HVC and
 * SMC with random arguments: PSCI (CPU_ON into the storm itself, suspends
 * woken by the virtual timer, every function with bad arguments),
 * vendor-hypervisor calls (VMM_HYP_CONSOLE_WRITE with hostile buffers), Arm
 * Architecture calls, arbitrary function IDs, IDs in a range the host
 * forwards or denies, non-zero HVC/SMC immediates, and now and then an MMIO
 * access KVM cannot decode. Meanwhile the host may plug and unplug vCPUs and
 * toggle tracing. The VMM must survive it, and every answer that can be
 * known for certain is checked:
 *
 *   PSCI_VERSION, SMCCC_VERSION and PSCI_FEATURES never change; CPU_ON of
 *   the caller or of the boot CPU is ALREADY_ON, of an unknown MPIDR
 *   INVALID_PARAMETERS, of a vCPU the host never plugs (absent=) DENIED, of
 *   one that is always present never DENIED, with a bad entry point never
 *   SUCCESS; AFFINITY_INFO of the boot CPU is ON; IDs in the fwd=/deny=
 *   ranges and unimplemented PSCI functions are NOT_SUPPORTED; console
 *   writes answer their length or, for a buffer not all in RAM or too
 *   long, INVALID_PARAMETER; VMM_HYP_INFO's possible count never changes;
 *   standby suspends return SUCCESS, power-down ones resume at the entry
 *   point with the context id; a CPU started by a 32-bit CPU_ON gets a
 *   32-bit context id.
 *
 * and at the end, with every other CPU off again: each CPU's starts counted
 * by its callers equal its check-ins (no lost or doubled vCPU).
 *
 * Calls that would end the run legitimately (SYSTEM_OFF, SYSTEM_RESET, a
 * valid SYSTEM_RESET2/SYSTEM_OFF2/SYSTEM_SUSPEND, CPU_OFF of the boot CPU)
 * are never generated at random; the boot CPU makes them at the end.
 *
 * The boot CPU starts every secondary it may (CPU_ON64 at storm_entry),
 * makes calls= calls, raises a stop flag and waits until every other CPU is
 * off and the counts agree. A secondary makes up to burst= calls per life
 * (at most calls= in all), then CPU_OFFs; any CPU may start it again.
 * Exceptions are counted, not fatal (storm.S), and fail the run at the end,
 * except the data aborts the VMM must inject for undecodable MMIO.
 *
 * Options: seed= calls= (per CPU, default 1000) burst= (default 24)
 * fwd=BASE fwdn=N (a range the host forwards to the VMM, which serves none
 * of it) deny=BASE denyn=N (a range the host denies) absent=MASK (logical
 * CPUs the host never plugs) churn=MASK (CPUs it may plug and unplug)
 * reset=N (end with SYSTEM_RESET while the others still storm, until the
 * VMM has served N resets; then end normally) hold=1 (after the verdict,
 * wait for the host to stop the VM: `ctl stats` sees a quiet VM).
 *
 * Output: "@@ storm starting: cpus=<n> calls=<n>" before the secondaries
 * start (after that, their console writes may land inside any line until
 * the storm is over), at the end "@@ storm cpu<i>: calls=... lives=... success=... positive=...
 * not_supported=... invalid=... denied=... already_on=... other_errors=...
 * faults=... aborts=... violations=..." per CPU, then "@@ storm done:
 * seed=... cpus=... calls=... starts=... violations=... faults=...
 * aborts=..." (after a reset life: "@@ storm reset life ..." instead), and
 * with hold=1 "@@ storm held".
 *
 * `ramread` (options mib=N, default 64): reads one word of every page of N
 * MiB of RAM above the image and writes none of them, then passes:
 * "@@ ramread <KiB> KiB read".
 */
#include <stdbool.h>
#include <stdint.h>

#include "vmm/machine/guest_abi.h"
#include "guest/arch.h"
#include "guest/bootargs.h"
#include "guest/console.h"
#include "guest/cpus.h"
#include "guest/finish.h"
#include "guest/gic.h"
#include "guest/main.h"
#include "guest/smccc.h"
#include "guest/storm.h"
#include "guest/suspend.h"
#include "guest/testdev.h"
#include "guest/timer.h"

_Static_assert(sizeof(struct storm_frame) == STORM_FRAME_SIZE, "storm.S frame size");
_Static_assert(__builtin_offsetof(struct storm_frame, elr) == STORM_FRAME_ELR, "storm.S");
_Static_assert(__builtin_offsetof(struct storm_frame, spsr) == STORM_FRAME_SPSR, "storm.S");
_Static_assert(__builtin_offsetof(struct storm_frame, esr) == STORM_FRAME_ESR, "storm.S");
_Static_assert(__builtin_offsetof(struct storm_frame, far) == STORM_FRAME_FAR, "storm.S");
_Static_assert(__builtin_offsetof(struct storm_frame, vector) == STORM_FRAME_VECTOR, "storm.S");

#define STORM_CALLS 1000
#define STORM_BURST 24
/* Exceptions one CPU may take before the run is beyond saving. */
#define STORM_MAX_FAULTS 64
/* After every CPU is seen off, how long counts may take to agree. */
#define STORM_SETTLE_MS 1000
/* Wake-up timer of a suspend call. */
#define STORM_WAKE_US 1000
/* hold=1: how long the boot CPU waits for the host. */
#define STORM_HOLD_MS 60000

/* Context id tag of the storm's 64-bit CPU_ONs (bits 63:32 of x0); a
 * 32-bit CPU_ON must arrive with bits 63:32 clear. */
#define STORM_TAG      0x53544f52U /* "STOR" */
#define STORM_CTX(n)   GUEST_CTX_TAGGED(n, STORM_TAG)
#define STORM_CTX32(n) ((uint64_t)GUEST_CTX(n))

#define VMM_HYP_INFO		    GUEST_VMM_HYP_INFO
#define VMM_HYP_CONSOLE_WRITE	    GUEST_VMM_HYP_CONSOLE_WRITE
#define KVM_DISCOVER_IMPL_VER	    0xC6000040U
#define KVM_DISCOVER_IMPL_CPUS	    0xC6000041U
#define SMCCC_RET_INVALID_PARAMETER (-3)
/* An address no device claims: reads as zero (the VMM warns once). */
#define STORM_UNCLAIMED_MMIO 0x0a000000UL

/* ESR_EL1.EC of a data abort taken without a change of EL. */
#define ESR_EC(esr)	 (((esr) >> 26) & 0x3f)
#define ESR_EC_DABT_CUR	 0x25
#define VECTOR_EL1H_SYNC 4

/* A call whose answer broke an invariant: what was asked, what came back. */
struct storm_violation {
	const char *why;
	uint64_t fid, a1, a2, a3, got;
	enum conduit conduit;
};

/* Per CPU, written only by that CPU (across all its lives). */
struct storm_cpu {
	uint64_t rng;
	uint64_t calls, lives;
	uint64_t checkins, leaving;
	/* answers by value */
	uint64_t success, positive, not_supported, invalid, denied, already_on, other_errors;
	/* broken invariants: how many, and the first */
	uint64_t violations;
	struct storm_violation first;
	/* exceptions */
	uint64_t faults, aborts, expect_abort;
	uint64_t f_vector, f_esr, f_elr, f_far;
	/* entries with a context id whose bits 63:32 are wrong */
	uint64_t bad_entries, bad_x0;
	/* SUCCESS answers of its CPU_ONs, per target */
	uint64_t starts[GUEST_MAX_CPUS];
} __attribute__((aligned(64)));

static struct storm_cpu storm_cpus[GUEST_MAX_CPUS];

/* head.S: the guest's usual vectors, where every exception is fatal. */
extern char vectors[];

/* Written only by the boot CPU, before the storm starts (stop: at its end). */
static struct {
	uint64_t stop;
	uint64_t calls, burst;
	uint64_t fwd, fwdn, deny, denyn;
	uint64_t absent, churn; /* logical CPU masks */
	bool user;		/* --psci user: the VMM's own PSCI answers */
	int32_t psci_version;
	uint64_t smccc_version;
	int32_t features[2][32]; /* PSCI_FEATURES of PSCI_0_2_FN(n) / FN64(n) */
	uint64_t possible;	 /* VMM_HYP_INFO x3 >> 32 */
	uint64_t ram_end;
	char text[64]; /* what valid console writes print */
} cfg;

/* ---- randomness: xorshift64*, one generator per CPU ---- */

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t rnd(struct storm_cpu *me)
{
	uint64_t x = me->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	me->rng = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static uint64_t rnd_below(struct storm_cpu *me, uint64_t n)
{
	return n ? rnd(me) % n : 0;
}

static void rnd_seed(struct storm_cpu *me, unsigned int idx, uint64_t seed)
{
	me->rng = splitmix64(seed * 0x100 + idx) | 1;
}

static enum conduit rnd_conduit(struct storm_cpu *me)
{
	return (rnd(me) & 1) ? CONDUIT_SMC : CONDUIT_HVC;
}

/* ---- answers ---- */

static bool is_64(uint32_t fid)
{
	return (fid & (1U << 30)) != 0;
}

/* x0 as the status it is: SMC32 results are W registers (DEN0028 §2.6). */
static int64_t status(uint32_t fid, uint64_t x0)
{
	return is_64(fid) ? (int64_t)x0 : (int64_t)(int32_t)x0;
}

static void tally(struct storm_cpu *me, int64_t r)
{
	switch (r) {
	case 0:
		me->success++;
		break;
	case PSCI_RET_NOT_SUPPORTED:
		me->not_supported++;
		break;
	case PSCI_RET_INVALID_PARAMS:
		me->invalid++;
		break;
	case PSCI_RET_DENIED: /* also SMCCC's INVALID_PARAMETER */
		me->denied++;
		break;
	case PSCI_RET_ALREADY_ON:
		me->already_on++;
		break;
	default:
		if (r > 0)
			me->positive++;
		else
			me->other_errors++;
		break;
	}
}

static void violation(struct storm_cpu *me, const char *why, uint32_t fid, enum conduit c,
		      uint64_t a1, uint64_t a2, uint64_t a3, uint64_t got)
{
	if (me->violations++ == 0)
		me->first = (struct storm_violation){why, fid, a1, a2, a3, got, c};
	dmb();
}

/* One call, counted and tallied; returns x0..x3. */
static struct smccc_res storm_call(struct storm_cpu *me, enum conduit c, uint32_t fid, uint64_t a1,
				   uint64_t a2, uint64_t a3)
{
	struct smccc_res r = smccc_call(c, fid, a1, a2, a3);

	me->calls++;
	tally(me, status(fid, r.a0));
	return r;
}

/* Call and require x0 to be one of want[0..n) (as a status). */
static int64_t call_expect(struct storm_cpu *me, const char *why, enum conduit c, uint32_t fid,
			   uint64_t a1, uint64_t a2, uint64_t a3, const int64_t *want,
			   unsigned int n)
{
	int64_t got = status(fid, storm_call(me, c, fid, a1, a2, a3).a0);

	for (unsigned int i = 0; i < n; i++)
		if (got == want[i])
			return got;
	violation(me, why, fid, c, a1, a2, a3, (uint64_t)got);
	return got;
}

#define EXPECT(me, why, c, fid, a1, a2, a3, ...)                                                   \
	({                                                                                         \
		const int64_t want_[] = {__VA_ARGS__};                                             \
		call_expect(me, why, c, fid, a1, a2, a3, want_, ARRAY_SIZE(want_));                \
	})

/* ---- CPUs ---- */

static bool in_mask(uint64_t mask, unsigned int cpu)
{
	return cpu < 64 && (mask >> cpu) & 1;
}

static unsigned int this_cpu(void)
{
	return (unsigned int)(read_sysreg(tpidr_el1) & (GUEST_MAX_CPUS - 1));
}

/* An MPIDR no CPU has: Aff2 set (KVM numbers vCPUs in Aff0/Aff1 only),
 * or bits outside the affinity fields. */
static uint64_t unknown_mpidr(struct storm_cpu *me)
{
	switch (rnd_below(me, 3)) {
	case 0:
		return 0x10000 | (rnd(me) & 0xffff);
	case 1:
		return (rnd(me) | 0xff000000UL) & ~0xff00000000UL;
	default:
		return 0xffffffffffffffffULL;
	}
}

/* An entry point that is not an instruction in RAM. */
static uint64_t bad_entry(struct storm_cpu *me)
{
	switch (rnd_below(me, 5)) {
	case 0:
		return 0;
	case 1:
		return machine.ram_base - 4;
	case 2:
		return cfg.ram_end;
	case 3:
		return (uintptr_t)storm_entry + 2; /* misaligned */
	default:
		return 0xfffffffffffffffcULL;
	}
}

/*
 * CPU_ON (32 or 64) of a random target, with a good or a bad entry point.
 * 32-bit calls carry garbage in bits 63:32 of every argument: the VMM must
 * ignore it (and so the target must see a clean 32-bit context id).
 */
static void gen_cpu_on(struct storm_cpu *me, unsigned int self)
{
	bool c64 = rnd(me) & 1;
	uint32_t fid = c64 ? PSCI_0_2_FN64_CPU_ON : PSCI_0_2_FN_CPU_ON;
	uint64_t junk = c64 ? 0 : (rnd(me) | 1) << 32;
	enum conduit c = rnd_conduit(me);
	unsigned int t = (unsigned int)rnd_below(me, machine.nr_cpus + 1);
	/* KVM's own PSCI does not check entry points: only good ones there. */
	bool good = !cfg.user || rnd_below(me, 4) != 0;
	uint64_t entry = good ? (uintptr_t)storm_entry : bad_entry(me);
	uint64_t target, ctx;
	int64_t r;

	if (t == machine.nr_cpus) {
		EXPECT(me, "CPU_ON of an unknown MPIDR", c, fid, unknown_mpidr(me), entry | junk,
		       junk, PSCI_RET_INVALID_PARAMS);
		return;
	}
	target = machine.mpidr[t];
	ctx = c64 ? STORM_CTX(t) : STORM_CTX32(t);
	if (t == self || t == machine.boot_cpu) {
		EXPECT(me, "CPU_ON of a CPU that is on (itself or the boot CPU)", c, fid,
		       target | junk, entry | junk, ctx | junk, PSCI_RET_ALREADY_ON);
		return;
	}
	if (cfg.user && in_mask(cfg.absent, t)) {
		EXPECT(me, "CPU_ON of a vCPU the host never plugs", c, fid, target | junk,
		       entry | junk, ctx | junk, PSCI_RET_DENIED);
		return;
	}
	dsb();
	r = status(fid, storm_call(me, c, fid, target | junk, entry | junk, ctx | junk).a0);
	if (r == PSCI_RET_SUCCESS && good) {
		WRITE_ONCE(me->starts[t], me->starts[t] + 1);
		dmb();
		return;
	}
	if (r == PSCI_RET_ALREADY_ON || (!good && r == PSCI_RET_INVALID_ADDRESS))
		return;
	if (r == PSCI_RET_DENIED && (in_mask(cfg.churn, t) || !cfg.user))
		return;
	violation(me,
		  r == PSCI_RET_SUCCESS ? "CPU_ON with a bad entry point succeeded"
		  : r == PSCI_RET_DENIED
		      ? "CPU_ON of a vCPU the host never unplugs was DENIED"
		      : "CPU_ON answer is none of SUCCESS, ALREADY_ON, DENIED, INVALID_ADDRESS",
		  fid, c, target | junk, entry | junk, ctx | junk, (uint64_t)r);
}

/* Suspends woken by the virtual timer. */
static void gen_suspend(struct storm_cpu *me, unsigned int self)
{
	enum conduit c = rnd_conduit(me);
	uint64_t ticks = ticks_from_us(STORM_WAKE_US + rnd_below(me, STORM_WAKE_US));
	unsigned int kind = (unsigned int)rnd_below(me, 5);
	char why[96];
	uint64_t ctx, x0;
	uint32_t fid;

	if (kind == 4) {
		/* SYSTEM_SUSPEND with a bad entry point: never suspends. */
		fid = (rnd(me) & 1) ? PSCI_1_0_FN64_SYSTEM_SUSPEND : PSCI_1_0_FN_SYSTEM_SUSPEND;
		if (cfg.user)
			EXPECT(me, "SYSTEM_SUSPEND with a bad entry point", c, fid, bad_entry(me),
			       rnd(me), 0, PSCI_RET_DENIED, PSCI_RET_INVALID_ADDRESS);
		return;
	}
	if (!wake_timer_arm(self, ticks, why, sizeof(why))) {
		violation(me, "wake-up timer set-up failed", 0, c, 0, 0, 0, 0);
		return;
	}
	switch (kind) {
	case 0: /* standby: returns SUCCESS once woken */
		fid = (rnd(me) & 1) ? PSCI_0_2_FN64_CPU_SUSPEND : PSCI_0_2_FN_CPU_SUSPEND;
		EXPECT(me, "standby CPU_SUSPEND", c, fid, 0, rnd(me), rnd(me), PSCI_RET_SUCCESS);
		break;
	case 1: /* an invalid power_state */
		fid = PSCI_0_2_FN64_CPU_SUSPEND;
		if (cfg.user)
			EXPECT(me, "CPU_SUSPEND with an invalid power_state", c, fid,
			       0x3 | (rnd(me) & ~0x10000ULL), (uintptr_t)cpu_resume_entry, 0,
			       PSCI_RET_INVALID_PARAMS);
		break;
	default: /* power-down: resumes at cpu_resume_entry with the context id */
		fid = kind == 2 ? PSCI_0_2_FN64_CPU_SUSPEND : PSCI_1_0_FN64_CPU_DEFAULT_SUSPEND;
		if (!cfg.user && kind == 3)
			break; /* KVM has no CPU_DEFAULT_SUSPEND */
		ctx = suspend_next_ctx(self, GUEST_TAG_CPU_SUSPEND);
		me->calls++;
		if (kind == 2)
			x0 = psci_suspend_call(c, fid, 0x10000, (uintptr_t)cpu_resume_entry, ctx);
		else
			x0 = psci_suspend_call(c, fid, (uintptr_t)cpu_resume_entry, ctx, 0);
		/* head.S's resume path installed its own vectors. */
		write_sysreg(vbar_el1, (uintptr_t)storm_vectors);
		isb();
		if (x0 == GUEST_SUSPEND_RESUMED) {
			me->success++;
			if (!resume_state_ok(self, ctx, why, sizeof(why)))
				violation(me, "bad state at the resume from a power-down suspend",
					  fid, c, 0x10000, (uintptr_t)cpu_resume_entry, ctx,
					  READ_ONCE(cpu_reports[self].resume_x0));
		} else {
			tally(me, (int64_t)x0);
			/* KVM's own PSCI treats power-down as standby. */
			if (cfg.user || x0 != 0)
				violation(me, "power-down suspend returned", fid, c, 0x10000,
					  (uintptr_t)cpu_resume_entry, ctx, x0);
		}
		break;
	}
	vtimer_stop();
}

static void gen_psci(struct storm_cpu *me, unsigned int self)
{
	enum conduit c = rnd_conduit(me);
	uint64_t a1 = rnd(me), a2 = rnd(me), a3 = rnd(me);
	unsigned int t = (unsigned int)rnd_below(me, machine.nr_cpus);
	uint32_t fid, n;
	int64_t r;

	switch (rnd_below(me, 13)) {
	case 0:
		EXPECT(me, "PSCI_VERSION changed", c, PSCI_0_2_FN_PSCI_VERSION, a1, a2, a3,
		       cfg.psci_version);
		break;
	case 1: /* PSCI_FEATURES of a PSCI function: as at the start */
		n = (uint32_t)rnd_below(me, 64);
		fid = n < 32 ? PSCI_0_2_FN(n) : PSCI_0_2_FN64(n - 32);
		r = status(PSCI_1_0_FN_PSCI_FEATURES,
			   storm_call(me, c, PSCI_1_0_FN_PSCI_FEATURES, fid, a2, a3).a0);
		if (r != cfg.features[n / 32][n % 32])
			violation(me, "PSCI_FEATURES changed", PSCI_1_0_FN_PSCI_FEATURES, c, fid,
				  a2, a3, (uint64_t)r);
		break;
	case 2: /* PSCI_FEATURES of a SiP or OEM function */
		fid = (rnd(me) & 1 ? 0x82000000U : 0x83000000U) | (rnd(me) & 0x4000ffffU);
		EXPECT(me, "PSCI_FEATURES of a SiP/OEM function", c, PSCI_1_0_FN_PSCI_FEATURES, fid,
		       a2, a3, PSCI_RET_NOT_SUPPORTED);
		break;
	case 3: /* AFFINITY_INFO: of the boot CPU ON; anything else a state or invalid */
		fid = (rnd(me) & 1) ? PSCI_0_2_FN64_AFFINITY_INFO : PSCI_0_2_FN_AFFINITY_INFO;
		if (rnd(me) & 1)
			EXPECT(me, "AFFINITY_INFO of the boot CPU", c, fid,
			       machine.mpidr[machine.boot_cpu], 0, a3, PSCI_0_2_AFFINITY_LEVEL_ON);
		else
			EXPECT(me, "AFFINITY_INFO", c, fid, (rnd(me) & 1) ? machine.mpidr[t] : a1,
			       rnd_below(me, 6), a3, PSCI_0_2_AFFINITY_LEVEL_ON,
			       PSCI_0_2_AFFINITY_LEVEL_OFF, PSCI_0_2_AFFINITY_LEVEL_ON_PENDING,
			       PSCI_RET_INVALID_PARAMS);
		break;
	case 4:
		EXPECT(me, "MIGRATE_INFO_TYPE", c, PSCI_0_2_FN_MIGRATE_INFO_TYPE, a1, a2, a3,
		       PSCI_0_2_TOS_MP);
		break;
	case 5: { /* functions nobody implements */
		static const uint32_t none[] = {
		    PSCI_0_2_FN_MIGRATE,
		    PSCI_0_2_FN64_MIGRATE,
		    PSCI_0_2_FN_MIGRATE_INFO_UP_CPU,
		    PSCI_0_2_FN64_MIGRATE_INFO_UP_CPU,
		    PSCI_1_0_FN_CPU_FREEZE,
		    PSCI_1_0_FN_SET_SUSPEND_MODE,
		    PSCI_1_1_FN_MEM_PROTECT,
		    PSCI_1_1_FN_MEM_PROTECT_CHECK_RANGE,
		    PSCI_1_1_FN64_MEM_PROTECT_CHECK_RANGE,
		};
		EXPECT(me, "an unimplemented PSCI function", c,
		       none[rnd_below(me, ARRAY_SIZE(none))], a1, a2, a3, PSCI_RET_NOT_SUPPORTED);
		break;
	}
	case 6: /* unassigned PSCI numbers 0x16-0x1f */
		n = 0x16 + (uint32_t)rnd_below(me, 10);
		EXPECT(me, "an unassigned PSCI function", c,
		       (rnd(me) & 1) ? PSCI_0_2_FN(n) : PSCI_0_2_FN64(n), a1, a2, a3,
		       PSCI_RET_NOT_SUPPORTED);
		break;
	case 7:
		if (!cfg.user)
			break;
		fid = (rnd(me) & 1) ? PSCI_1_0_FN64_NODE_HW_STATE : PSCI_1_0_FN_NODE_HW_STATE;
		if (rnd(me) & 1)
			EXPECT(me, "NODE_HW_STATE of itself", c, fid, machine.mpidr[self], 0, a3,
			       0 /* HW_ON */);
		else
			EXPECT(me, "NODE_HW_STATE", c, fid, (rnd(me) & 1) ? machine.mpidr[t] : a1,
			       rnd_below(me, 6), a3, 0, 1, 2, PSCI_RET_INVALID_PARAMS);
		break;
	case 8: /* statistics: any count; of an unknown CPU 0 */
		if (!cfg.user)
			break;
		fid = (rnd(me) & 1) ? PSCI_1_0_FN64_STAT_COUNT : PSCI_1_0_FN64_STAT_RESIDENCY;
		if (rnd(me) & 1)
			storm_call(me, c, fid, machine.mpidr[t], (rnd(me) & 1) ? 0x10000 : 0, a3);
		else
			EXPECT(me, "STAT_* of an unknown CPU", c, fid, unknown_mpidr(me), a2, a3,
			       0);
		break;
	case 9: /* SYSTEM_RESET2 of a type we do not define: never resets */
		if (!cfg.user)
			break;
		fid = (rnd(me) & 1) ? PSCI_1_1_FN64_SYSTEM_RESET2 : PSCI_1_1_FN_SYSTEM_RESET2;
		EXPECT(me, "SYSTEM_RESET2 of an undefined or vendor type", c, fid,
		       1 + rnd_below(me, 0xfffffffeU), a2, a3, PSCI_RET_INVALID_PARAMS);
		break;
	case 10: /* SYSTEM_OFF2 of a type we do not define: never powers off */
		if (!cfg.user)
			break;
		fid = (rnd(me) & 1) ? PSCI_1_3_FN64_SYSTEM_OFF2 : PSCI_1_3_FN_SYSTEM_OFF2;
		EXPECT(me, "SYSTEM_OFF2 of an undefined type", c, fid,
		       2 + rnd_below(me, 0xfffffffdU), a2, a3, PSCI_RET_INVALID_PARAMS);
		break;
	case 11: /* the PSCI 0.1 IDs: DENY'd by the filter (--psci user) */
		if (cfg.user)
			EXPECT(me, "a PSCI 0.1 function", c, KVM_PSCI_FN(rnd_below(me, 4)), a1, a2,
			       a3, PSCI_RET_NOT_SUPPORTED);
		break;
	default:
		gen_cpu_on(me, self);
		break;
	}
}

/* Is [addr, addr + len) all in RAM, len at most the console maximum? */
static bool console_buffer_ok(uint64_t addr, uint64_t len)
{
	uint64_t base = machine.ram_base, size = machine.ram_size;

	return len <= GUEST_VMM_CONSOLE_MAX && addr >= base && addr - base <= size &&
	       len <= size - (addr - base);
}

static void gen_console_write(struct storm_cpu *me, uint64_t addr, uint64_t len)
{
	enum conduit c = rnd_conduit(me);
	int64_t want = console_buffer_ok(addr, len) ? (int64_t)len : SMCCC_RET_INVALID_PARAMETER;
	int64_t got = (int64_t)storm_call(me, c, VMM_HYP_CONSOLE_WRITE, addr, len, rnd(me)).a0;

	if (got != want)
		violation(me, "VMM_HYP_CONSOLE_WRITE answer", VMM_HYP_CONSOLE_WRITE, c, addr, len,
			  0, (uint64_t)got);
}

static void gen_vendor(struct storm_cpu *me)
{
	uint64_t base = machine.ram_base, end = cfg.ram_end, len = rnd_below(me, 9);
	enum conduit c = rnd_conduit(me);
	struct smccc_res r;
	uint64_t present;

	switch (rnd_below(me, 12)) {
	case 0: /* a few bytes of text */
		gen_console_write(me, (uintptr_t)cfg.text + rnd_below(me, sizeof(cfg.text) - 8),
				  len);
		break;
	case 1: /* untouched RAM, read by the VMM (zeros) */
		gen_console_write(me, end - 0x100000 + rnd_below(me, 0x100000 - 16),
				  rnd_below(me, 17));
		break;
	case 2: /* below RAM, past its end, across its end, wrapping */
		gen_console_write(me, rnd_below(me, base), 1 + rnd_below(me, 64));
		break;
	case 3:
		gen_console_write(me, end + rnd_below(me, 1ULL << 40), rnd_below(me, 64));
		break;
	case 4:
		gen_console_write(me, end - rnd_below(me, 64), 1 + rnd_below(me, 128));
		break;
	case 5:
		gen_console_write(me, 0 - 1 - rnd_below(me, 4096), 1 + rnd_below(me, 4096));
		break;
	case 6: /* too long, or absurd lengths */
		gen_console_write(me, base + rnd_below(me, machine.ram_size),
				  GUEST_VMM_CONSOLE_MAX + 1 + rnd_below(me, 1ULL << 62));
		break;
	case 7:
		gen_console_write(me, rnd(me), rnd(me));
		break;
	case 8:
		r = storm_call(me, c, VMM_HYP_INFO, rnd(me), rnd(me), rnd(me));
		present = r.a3 & 0xffffffffU;
		if (r.a0 != 0 || r.a1 != GUEST_VMM_HYP_MAGIC || r.a3 >> 32 != cfg.possible ||
		    present > cfg.possible)
			violation(me, "VMM_HYP_INFO answer", VMM_HYP_INFO, c, 0, 0, 0, r.a3);
		break;
	case 9:
		if (rnd(me) & 1)
			EXPECT(me, "DISCOVER_IMPL_VER", c, KVM_DISCOVER_IMPL_VER, rnd(me), 0, 0, 0,
			       PSCI_RET_NOT_SUPPORTED);
		else
			EXPECT(me, "DISCOVER_IMPL_CPUS", c, KVM_DISCOVER_IMPL_CPUS,
			       rnd_below(me, 4), (rnd(me) & 1) ? rnd(me) : 0, 0, 0, 0,
			       SMCCC_RET_INVALID_PARAMETER, PSCI_RET_NOT_SUPPORTED);
		break;
	case 10: /* our vendor service's unassigned functions */
		EXPECT(me, "an unassigned VMM_HYP function", c,
		       GUEST_VMM_HYP_BASE + 2 + (uint32_t)rnd_below(me, GUEST_VMM_HYP_COUNT - 2),
		       rnd(me), rnd(me), rnd(me), PSCI_RET_NOT_SUPPORTED);
		break;
	default: /* any vendor-hypervisor function (KVM's, pKVM's, ours) */
		storm_call(me, c, 0x86000000U | (uint32_t)(rnd(me) & 0x4000ffffU), rnd(me), rnd(me),
			   rnd(me));
		break;
	}
}

static uint64_t hvc_imm1(uint64_t fid)
{
	register uint64_t x0 asm("x0") = fid;

	asm volatile("hvc #1"
		     : "+r"(x0)
		     :
		     : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
		       "x13", "x14", "x15", "x16", "x17", "memory");
	return x0;
}

static void gen_arch(struct storm_cpu *me)
{
	enum conduit c = rnd_conduit(me);
	uint64_t x0;

	switch (rnd_below(me, 5)) {
	case 0:
		EXPECT(me, "SMCCC_VERSION changed", c, ARM_SMCCC_VERSION_FUNC_ID, rnd(me), rnd(me),
		       rnd(me), (int64_t)(int32_t)cfg.smccc_version);
		break;
	case 1: /* ARCH_FEATURES, ARCH_WORKAROUND_*, any Arm Architecture call */
		storm_call(me, c, 0x80000001U, (rnd(me) & 1) ? rnd(me) : 0x80008000U, rnd(me),
			   rnd(me));
		break;
	case 2:
		storm_call(me, c, 0x80000000U | (uint32_t)(rnd(me) & 0x4000ffffU), rnd(me), rnd(me),
			   rnd(me));
		break;
	case 3: /* SMC #1 is not an SMCCC call: KVM answers ~0 itself */
		me->calls++;
		x0 = smccc_smc_imm1(PSCI_0_2_FN_PSCI_VERSION);
		tally(me, (int64_t)x0);
		if (x0 != ~0ULL)
			violation(me, "SMC #1 answered", PSCI_0_2_FN_PSCI_VERSION, CONDUIT_SMC, 1,
				  0, 0, x0);
		break;
	default: /* HVC #1: refused (~0) or taken as the call it names */
		me->calls++;
		x0 = hvc_imm1(PSCI_0_2_FN_PSCI_VERSION);
		tally(me, (int64_t)x0);
		if (x0 != ~0ULL && (int32_t)x0 != cfg.psci_version)
			violation(me, "HVC #1 answered", PSCI_0_2_FN_PSCI_VERSION, CONDUIT_HVC, 1,
				  0, 0, x0);
		break;
	}
}

/* Would a random function ID be a PSCI call (0x84/0xC4, 0x00-0x1F)? */
static bool is_psci(uint32_t fid)
{
	return (fid & 0xbfffffe0U) == 0x84000000U;
}

static void gen_arbitrary(struct storm_cpu *me, unsigned int self)
{
	uint32_t fid = (uint32_t)rnd(me);

	if (is_psci(fid)) {
		gen_psci(me, self);
		return;
	}
	if (fid == VMM_HYP_CONSOLE_WRITE) {
		gen_console_write(me, rnd(me), rnd(me));
		return;
	}
	storm_call(me, rnd_conduit(me), fid, rnd(me), rnd(me), rnd(me));
}

/* An ID in a range the host forwards (the VMM serves none of it) or
 * denies: NOT_SUPPORTED either way. */
static void gen_range(struct storm_cpu *me, uint64_t base, uint64_t n, const char *why)
{
	uint32_t fid = (uint32_t)(base + rnd_below(me, n));

	EXPECT(me, why, rnd_conduit(me), fid, rnd(me), rnd(me), rnd(me), PSCI_RET_NOT_SUPPORTED);
}

/* MMIO the VMM cannot serve: an access KVM cannot decode (the VMM must
 * inject a data abort), or an address no device claims (reads as zero). */
static void gen_mmio(struct storm_cpu *me)
{
	uint32_t v;

	me->calls++;
	if (rnd(me) & 1) {
		WRITE_ONCE(me->expect_abort, 1);
		asm volatile("stp xzr, xzr, [%0]" ::"r"(GUEST_TESTDEV_BASE + 0x800) : "memory");
		if (READ_ONCE(me->expect_abort)) {
			WRITE_ONCE(me->expect_abort, 0);
			violation(me, "an undecodable MMIO store did not abort", 0, 0,
				  GUEST_TESTDEV_BASE + 0x800, 0, 0, 0);
		}
		return;
	}
	v = mmio_read32(STORM_UNCLAIMED_MMIO + (rnd_below(me, 256) << 2));
	if (v != 0)
		violation(me, "an unclaimed MMIO read is not zero", 0, 0, STORM_UNCLAIMED_MMIO, 0,
			  0, v);
}

/* One random action of CPU self. */
static void storm_one(struct storm_cpu *me, unsigned int self)
{
	uint64_t pick = rnd_below(me, 1000);

	if (pick < 250)
		gen_psci(me, self);
	else if (pick < 380)
		gen_cpu_on(me, self);
	else if (pick < 520)
		gen_vendor(me);
	else if (pick < 600)
		gen_arch(me);
	else if (pick < 750 && cfg.fwdn)
		gen_range(me, cfg.fwd, cfg.fwdn, "an ID in the forwarded range");
	else if (pick < 800 && cfg.denyn)
		gen_range(me, cfg.deny, cfg.denyn, "an ID in the denied range");
	else if (pick < 960)
		gen_arbitrary(me, self);
	else if (pick < 996)
		gen_suspend(me, self);
	else
		gen_mmio(me);
}

/* ---- exceptions ---- */

void storm_exception(struct storm_frame *f)
{
	unsigned int cpu = this_cpu();
	struct storm_cpu *me = &storm_cpus[cpu];

	if (f->vector == VECTOR_EL1H_SYNC && ESR_EC(f->esr) == ESR_EC_DABT_CUR &&
	    READ_ONCE(me->expect_abort)) {
		WRITE_ONCE(me->expect_abort, 0);
		me->aborts++;
		f->elr += 4;
		return;
	}
	if (me->faults++ == 0) {
		me->f_vector = f->vector;
		me->f_esr = f->esr;
		me->f_elr = f->elr;
		me->f_far = f->far;
	}
	dmb();
	if (me->faults > STORM_MAX_FAULTS)
		exception_report(f->vector, f->esr, f->elr, f->far, f->spsr, (uintptr_t)f);
	if ((f->vector & 3) == 0)
		f->elr += 4; /* synchronous: skip the instruction */
	else
		f->spsr |= DAIF_ALL_MASKED; /* asynchronous: do not take it again */
}

/* ---- the secondaries ---- */

void storm_secondary(unsigned int idx, uint64_t x0, uint64_t mpidr)
{
	struct storm_cpu *me = &storm_cpus[idx];
	uint64_t seq, n;
	int32_t ret;

	/* The context id named a valid slot: is this the CPU it names? */
	if ((mpidr & MPIDR_HWID_MASK) != machine.mpidr[idx]) {
		WRITE_ONCE(stray_entry.x0, x0);
		WRITE_ONCE(stray_entry.mpidr, mpidr);
		dmb();
		WRITE_ONCE(stray_entry.count, READ_ONCE(stray_entry.count) + 1);
		dsb();
		for (;;)
			wfi();
	}
	if (x0 >> 32 != 0 && x0 >> 32 != STORM_TAG) {
		me->bad_entries++;
		me->bad_x0 = x0;
	}
	seq = me->checkins + 1;
	me->lives++;
	dmb();
	WRITE_ONCE(me->checkins, seq);
	dsb();

	n = 1 + rnd_below(me, READ_ONCE(cfg.burst));
	for (uint64_t i = 0; i < n && me->calls < cfg.calls && !READ_ONCE(cfg.stop); i++)
		storm_one(me, idx);

	dmb();
	WRITE_ONCE(me->leaving, seq);
	dsb();
	ret = psci_call(rnd_conduit(me), PSCI_0_2_FN_CPU_OFF, rnd(me), rnd(me), rnd(me));
	violation(me, "CPU_OFF returned", PSCI_0_2_FN_CPU_OFF, 0, 0, 0, 0, (uint64_t)(int64_t)ret);
	for (;;)
		wfi();
}

/* ---- the boot CPU ---- */

static uint64_t starts_of(unsigned int t)
{
	uint64_t sum = 0;

	for (unsigned int caller = 0; caller < machine.nr_cpus; caller++)
		sum += READ_ONCE(storm_cpus[caller].starts[t]);
	return sum;
}

/* Every other CPU off, every life that began ended, every start arrived? */
static bool storm_quiet(bool *counts_agree)
{
	*counts_agree = true;
	for (unsigned int t = 0; t < machine.nr_cpus; t++) {
		if (t == machine.boot_cpu)
			continue;
		if (psci_call(machine.conduit, PSCI_0_2_FN64_AFFINITY_INFO, machine.mpidr[t], 0,
			      0) != PSCI_0_2_AFFINITY_LEVEL_OFF)
			return false;
	}
	dmb();
	for (unsigned int t = 0; t < machine.nr_cpus; t++) {
		const struct storm_cpu *s = &storm_cpus[t];

		if (t == machine.boot_cpu)
			continue;
		if (READ_ONCE(s->checkins) != READ_ONCE(s->leaving))
			return false;
		if (starts_of(t) != READ_ONCE(s->checkins))
			*counts_agree = false;
	}
	return true;
}

/* Raise the stop flag and wait until the storm has died down. */
static bool storm_wait_quiet(void)
{
	struct deadline d = deadline_after_ms(MODE_TIMEOUT_MS), settle = {0, 0};
	bool settling = false, agree;

	WRITE_ONCE(cfg.stop, 1);
	dsb();
	for (;;) {
		if (storm_quiet(&agree)) {
			if (agree)
				return true;
			/* A start may still be on its way: give it a moment. */
			if (!settling) {
				settling = true;
				settle = deadline_after_ms(STORM_SETTLE_MS);
			} else if (deadline_passed(&settle)) {
				return true; /* the counts disagree: reported below */
			}
		} else {
			settling = false;
		}
		if (deadline_passed(&d))
			break;
		delay_ticks(ticks_from_us(OFF_POLL_US));
	}
	printk("guest: storm: CPUs still on %u ms after the stop:", MODE_TIMEOUT_MS);
	for (unsigned int t = 0; t < machine.nr_cpus; t++)
		if (t != machine.boot_cpu &&
		    psci_call(machine.conduit, PSCI_0_2_FN64_AFFINITY_INFO, machine.mpidr[t], 0,
			      0) != PSCI_0_2_AFFINITY_LEVEL_OFF)
			printk(" cpu%u", t);
	printk("\n");
	return false;
}

static void storm_setup_cfg(unsigned int boot)
{
	struct storm_cpu *me = &storm_cpus[boot];
	struct smccc_res r;
	enum conduit c = machine.conduit;

	cfg.calls = bootarg_uint("calls", STORM_CALLS);
	cfg.burst = bootarg_uint("burst", STORM_BURST);
	cfg.fwd = bootarg_uint("fwd", 0);
	cfg.fwdn = bootarg_uint("fwdn", 0);
	cfg.deny = bootarg_uint("deny", 0);
	cfg.denyn = bootarg_uint("denyn", 0);
	cfg.absent = bootarg_uint("absent", 0);
	cfg.churn = bootarg_uint("churn", 0);
	cfg.user = testdev_read(GUEST_TESTDEV_PSCI_MODE) == GUEST_PSCI_MODE_USER;
	cfg.ram_end = machine.ram_base + machine.ram_size;
	for (unsigned int i = 0; i < sizeof(cfg.text); i++)
		cfg.text[i] = '.';
	cfg.psci_version = psci_call(c, PSCI_0_2_FN_PSCI_VERSION, 0, 0, 0);
	cfg.smccc_version = smccc_call(c, ARM_SMCCC_VERSION_FUNC_ID, 0, 0, 0).a0;
	for (unsigned int n = 0; n < 32; n++) {
		cfg.features[0][n] = psci_call(c, PSCI_1_0_FN_PSCI_FEATURES, PSCI_0_2_FN(n), 0, 0);
		cfg.features[1][n] =
		    psci_call(c, PSCI_1_0_FN_PSCI_FEATURES, PSCI_0_2_FN64(n), 0, 0);
	}
	r = smccc_call(c, VMM_HYP_INFO, 0, 0, 0);
	cfg.possible = r.a1 == GUEST_VMM_HYP_MAGIC ? r.a3 >> 32 : 0;
	rnd_seed(me, boot, bootarg_uint("seed", 1));
	for (unsigned int i = 0; i < machine.nr_cpus; i++)
		if (i != boot)
			rnd_seed(&storm_cpus[i], i, bootarg_uint("seed", 1));
	dsb();
}

/* Checks before the storm; false if the VMM is not the one we test. */
static bool storm_preflight(void)
{
	if (cfg.possible == 0) {
		printk("guest: storm: VMM_HYP_INFO is not answered: not running under vmm\n");
		return false;
	}
	if (cfg.possible != machine.nr_cpus_dt) {
		printk("guest: storm: VMM_HYP_INFO says %llu possible vCPUs, the DT lists %u\n",
		       (unsigned long long)cfg.possible, machine.nr_cpus_dt);
		return false;
	}
	if (in_mask(cfg.absent | cfg.churn, machine.boot_cpu)) {
		printk("guest: storm: absent= and churn= must not name the boot CPU\n");
		return false;
	}
	if (cfg.psci_version < 0x10000) {
		printk("guest: storm: PSCI_VERSION 0x%x: needs PSCI 1.0 or later\n",
		       (unsigned int)cfg.psci_version);
		return false;
	}
	return true;
}

static void storm_report_cpu(unsigned int i)
{
	const struct storm_cpu *s = &storm_cpus[i];

	dmb();
	printk("@@ storm cpu%u: calls=%llu lives=%llu success=%llu positive=%llu "
	       "not_supported=%llu invalid=%llu denied=%llu already_on=%llu other_errors=%llu "
	       "faults=%llu aborts=%llu violations=%llu\n",
	       i, (unsigned long long)s->calls, (unsigned long long)s->lives,
	       (unsigned long long)s->success, (unsigned long long)s->positive,
	       (unsigned long long)s->not_supported, (unsigned long long)s->invalid,
	       (unsigned long long)s->denied, (unsigned long long)s->already_on,
	       (unsigned long long)s->other_errors, (unsigned long long)s->faults,
	       (unsigned long long)s->aborts, (unsigned long long)s->violations);
	if (s->violations)
		printk("guest: storm: cpu%u: %llu violations, the first: %s: fid 0x%08llx over %s "
		       "x1=0x%llx x2=0x%llx x3=0x%llx -> 0x%llx\n",
		       i, (unsigned long long)s->violations, s->first.why,
		       (unsigned long long)s->first.fid, conduit_name(s->first.conduit),
		       (unsigned long long)s->first.a1, (unsigned long long)s->first.a2,
		       (unsigned long long)s->first.a3, (unsigned long long)s->first.got);
	if (s->faults)
		printk(
		    "guest: storm: cpu%u took %llu unexpected exceptions, the first: vector %llu "
		    "ESR_EL1 0x%llx ELR_EL1 0x%llx FAR_EL1 0x%llx\n",
		    i, (unsigned long long)s->faults, (unsigned long long)s->f_vector,
		    (unsigned long long)s->f_esr, (unsigned long long)s->f_elr,
		    (unsigned long long)s->f_far);
	if (s->bad_entries)
		printk(
		    "guest: storm: cpu%u entered %llu times with a bad context id (last 0x%llx)\n",
		    i, (unsigned long long)s->bad_entries, (unsigned long long)s->bad_x0);
}

/* Per-CPU lines and the totals; returns true if anything failed. */
static bool storm_report(const char *what, bool final)
{
	uint64_t calls = 0, starts = 0, violations = 0, faults = 0, aborts = 0, bad = 0;
	bool failed = false;

	printk("\n");
	for (unsigned int i = 0; i < machine.nr_cpus; i++) {
		const struct storm_cpu *s = &storm_cpus[i];

		storm_report_cpu(i);
		calls += READ_ONCE(s->calls);
		violations += READ_ONCE(s->violations);
		faults += READ_ONCE(s->faults);
		aborts += READ_ONCE(s->aborts);
		bad += READ_ONCE(s->bad_entries);
		if (i == machine.boot_cpu)
			continue;
		starts += starts_of(i);
		if (final && starts_of(i) != READ_ONCE(s->checkins)) {
			printk("guest: storm: cpu%u: %llu CPU_ONs succeeded but it checked in %llu "
			       "times (%s)\n",
			       i, (unsigned long long)starts_of(i),
			       (unsigned long long)READ_ONCE(s->checkins),
			       starts_of(i) > READ_ONCE(s->checkins) ? "lost vCPU"
								     : "started twice");
			failed = true;
		}
	}
	if (READ_ONCE(stray_entry.count)) {
		printk(
		    "guest: storm: %llu stray entries, the last with x0 0x%llx on MPIDR 0x%llx\n",
		    (unsigned long long)READ_ONCE(stray_entry.count),
		    (unsigned long long)READ_ONCE(stray_entry.x0),
		    (unsigned long long)READ_ONCE(stray_entry.mpidr));
		failed = true;
	}
	printk("@@ storm %s: seed=%llu cpus=%u calls=%llu starts=%llu violations=%llu faults=%llu "
	       "aborts=%llu\n",
	       what, (unsigned long long)bootarg_uint("seed", 1), machine.nr_cpus,
	       (unsigned long long)calls, (unsigned long long)starts,
	       (unsigned long long)violations, (unsigned long long)faults,
	       (unsigned long long)aborts);
	return failed || violations || faults || bad;
}

/* hold=1: the verdict is in; let the host look at a quiet VM and stop it.
 * Returns only if the host did not (false). */
static bool storm_hold(bool failed)
{
	struct deadline d = deadline_after_ms(STORM_HOLD_MS);

	testdev_write(GUEST_TESTDEV_RESULT, failed ? 1 : 0);
	dsb();
	printk("@@ storm held\n");
	console_flush();
	while (!deadline_passed(&d))
		delay_ticks(ticks_from_ms(1));
	printk("guest: storm: the host did not stop the VM within %u ms of \"storm held\"\n",
	       STORM_HOLD_MS);
	return false;
}

bool mode_storm(void)
{
	unsigned int boot = machine.boot_cpu;
	struct storm_cpu *me = &storm_cpus[boot];
	uint64_t resets = bootarg_uint("reset", 0);
	bool failed;

	write_sysreg(vbar_el1, (uintptr_t)storm_vectors);
	isb();
	storm_setup_cfg(boot);
	if (!storm_preflight())
		return true;

	/* The last marker before other CPUs run: their console writes go
	 * straight to the VMM's console, between any two characters of ours. */
	printk("@@ storm starting: cpus=%u calls=%llu\n", machine.nr_cpus,
	       (unsigned long long)cfg.calls);
	console_flush();
	/* Start every secondary that may be there. */
	for (unsigned int t = 0; t < machine.nr_cpus; t++) {
		int32_t r;

		if (t == boot || in_mask(cfg.absent, t))
			continue;
		dsb();
		r = psci_call(machine.conduit, PSCI_0_2_FN64_CPU_ON, machine.mpidr[t],
			      (uintptr_t)storm_entry, STORM_CTX(t));
		me->calls++;
		tally(me, r);
		if (r == PSCI_RET_SUCCESS)
			me->starts[t]++;
		else if (!(r == PSCI_RET_DENIED && in_mask(cfg.churn, t)) &&
			 r != PSCI_RET_ALREADY_ON)
			violation(me, "CPU_ON at the start of the storm", PSCI_0_2_FN64_CPU_ON,
				  machine.conduit, machine.mpidr[t], (uintptr_t)storm_entry,
				  STORM_CTX(t), (uint64_t)(int64_t)r);
	}
	while (me->calls < cfg.calls)
		storm_one(me, boot);

	if (testdev_read(GUEST_TESTDEV_RESETS) < resets) {
		/* Reset with the others still storming: the VMM must stop them. */
		failed = storm_report("reset life", false);
		testdev_write(GUEST_TESTDEV_RESULT, failed ? 1 : 0);
		dsb();
		printk("@@ storm resetting\n");
		console_flush();
		psci_call(machine.conduit, PSCI_0_2_FN_SYSTEM_RESET, 0, 0, 0);
		printk("guest: storm: SYSTEM_RESET returned\n");
		return true;
	}
	failed = !storm_wait_quiet();
	failed |= storm_report("done", true);
	/* From here on an exception is fatal again. */
	write_sysreg(vbar_el1, (uintptr_t)vectors);
	isb();
	if (bootarg_uint("hold", 0) && !storm_hold(failed))
		failed = true;
	return failed;
}

/* ---- ramread ---- */

/* guest.ld */
extern char _end[];

bool mode_ramread(void)
{
	uint64_t start = ((uintptr_t)_end + 0xfff) & ~0xfffULL;
	uint64_t end = machine.ram_base + machine.ram_size;
	uint64_t bytes = bootarg_uint("mib", 64) << 20, sum = 0;

	if (bytes > end - start) {
		printk("guest: ramread: only %llu MiB of RAM above the image\n",
		       (unsigned long long)((end - start) >> 20));
		return true;
	}
	for (uint64_t a = start; a < start + bytes; a += 4096)
		sum += READ_ONCE(*(const uint64_t *)(uintptr_t)a);
	printk("@@ ramread %llu KiB read (sum 0x%llx)\n", (unsigned long long)(bytes >> 10),
	       (unsigned long long)sum);
	return false;
}
