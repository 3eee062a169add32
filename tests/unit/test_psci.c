/*
 * Unit tests of the userspace PSCI implementation (vmm/firmware/psci.c), driven
 * through its SMCCC service, either directly (service->handle) or through
 * smccc_dispatch with a table holding the PSCI ranges, so that the SMC32
 * argument/result truncation of DEN0028 §2.6 is exercised too.
 *
 * Expected values are the spec's (DEN0022 issue E), written as
 * literals on purpose: a wrong constant in vmm/firmware/psci.h must not make a wrong
 * answer look right.
 */
#define CHECK_FILE "psci"
#include "tests/unit/check.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "vmm/firmware/psci.h"
#include "vmm/firmware/smccc.h"
#include "tests/unit/threads.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* DEN0022 §5.1 function IDs. */
#define FN_VERSION		 0x84000000U
#define FN_CPU_SUSPEND		 0x84000001U
#define FN64_CPU_SUSPEND	 0xC4000001U
#define FN_CPU_OFF		 0x84000002U
#define FN_CPU_ON		 0x84000003U
#define FN64_CPU_ON		 0xC4000003U
#define FN_AFFINITY_INFO	 0x84000004U
#define FN64_AFFINITY_INFO	 0xC4000004U
#define FN_MIGRATE		 0x84000005U
#define FN64_MIGRATE		 0xC4000005U
#define FN_MIGRATE_INFO_TYPE	 0x84000006U
#define FN_MIGRATE_INFO_UP_CPU	 0x84000007U
#define FN64_MIGRATE_INFO_UP_CPU 0xC4000007U
#define FN_SYSTEM_OFF		 0x84000008U
#define FN_SYSTEM_RESET		 0x84000009U
#define FN_PSCI_FEATURES	 0x8400000AU
#define FN_CPU_DEFAULT_SUSPEND	 0x8400000CU
#define FN64_CPU_DEFAULT_SUSPEND 0xC400000CU
#define FN_NODE_HW_STATE	 0x8400000DU
#define FN64_NODE_HW_STATE	 0xC400000DU
#define FN_SYSTEM_SUSPEND	 0x8400000EU
#define FN64_SYSTEM_SUSPEND	 0xC400000EU
#define FN_STAT_RESIDENCY	 0x84000010U
#define FN64_STAT_RESIDENCY	 0xC4000010U
#define FN_STAT_COUNT		 0x84000011U
#define FN64_STAT_COUNT		 0xC4000011U
#define FN_SYSTEM_RESET2	 0x84000012U
#define FN64_SYSTEM_RESET2	 0xC4000012U
#define FN_SYSTEM_OFF2		 0x84000015U
#define FN64_SYSTEM_OFF2	 0xC4000015U

#define FN_SMCCC_VERSION 0x80000000U

/* DEN0022 §5.2.2 return codes. */
#define RET_SUCCESS	   0
#define RET_NOT_SUPPORTED  (-1)
#define RET_INVALID_PARAMS (-2)
#define RET_DENIED	   (-3)

#define RET_ALREADY_ON	    (-4)
#define RET_INVALID_ADDRESS (-9)
#define AFF_ON		    0
#define AFF_OFF		    1
#define AFF_ON_PENDING	    2
#define HW_ON		    0
#define HW_OFF		    1
#define HW_STANDBY	    2

/* CPU_SUSPEND power_state, original format (§5.4.2.1): the two core-level
 * states this implementation offers. */
#define PS_STANDBY   0x00000000U
#define PS_POWERDOWN 0x00010000U

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (256ULL << 20)
#define ENTRY	 (RAM_BASE + 0x80000)

/*
 * The machine the tests use: two CPUs in cluster 0, one in cluster 1
 * (Aff1), one in Aff2 = 1 and one in Aff3 = 1. CPU 0 and 1 carry the RES1
 * bit 31 KVM reports in MPIDR_EL1, which PSCI must ignore.
 */
static const uint64_t mpidrs[] = {
    0x80000000ULL, /* 0: 0.0.0.0 */
    0x80000001ULL, /* 1: 0.0.0.1 */
    0x00000100ULL, /* 2: 0.0.1.0 */
    0x00010000ULL, /* 3: 0.1.0.0 */
    0x100000000ULL /* 4: 1.0.0.0 */
};
#define NR_CPUS ARRAY_SIZE(mpidrs)

static bool setup(struct psci *p)
{
	int err = psci_init(p, NR_CPUS, mpidrs, RAM_BASE, RAM_SIZE);

	CHECK_EQ(err, 0);
	return err == 0;
}

/* Call the service's handler directly, with res preset as the dispatcher does. */
static enum smccc_outcome call(struct psci *p, unsigned int vcpu, uint32_t fid, uint64_t a1,
			       uint64_t a2, uint64_t a3, struct smccc_result *res)
{
	const struct smccc_service *s = &p->service;
	struct smccc_call c;

	memset(&c, 0, sizeof(c));
	c.fid = fid;
	c.conduit = SMCCC_CONDUIT_HVC;
	c.vcpu = vcpu;
	c.nr_args = 3;
	c.args[0] = a1;
	c.args[1] = a2;
	c.args[2] = a3;
	res->x[0] = (uint64_t)(int64_t)-1;
	res->x[1] = res->x[2] = res->x[3] = 0;
	res->nr = 1;
	return s->handle(s->ctx, &c, res);
}

/* x0 of a call that must resume the guest with one result, x0, and no
 * other register written (psci_calls.c: x1..x3 keep what the guest had). */
static int64_t call_x0(struct psci *p, unsigned int vcpu, uint32_t fid, uint64_t a1, uint64_t a2,
		       uint64_t a3)
{
	struct smccc_result res;
	enum smccc_outcome out = call(p, vcpu, fid, a1, a2, a3, &res);

	CHECK_EQ(out, SMCCC_RESUME);
	CHECK_EQ(res.nr, 1);
	return (int64_t)res.x[0];
}

static int64_t cpu_on(struct psci *p, uint64_t target, uint64_t entry, uint64_t ctx)
{
	return call_x0(p, 0, FN64_CPU_ON, target, entry, ctx);
}

static int64_t affinity(struct psci *p, uint64_t target, uint64_t level)
{
	return call_x0(p, 0, FN64_AFFINITY_INFO, target, level, 0);
}

static int64_t features(struct psci *p, uint32_t fid)
{
	return call_x0(p, 0, FN_PSCI_FEATURES, fid, 0, 0);
}

/* PSCI_FEATURES answers want for each of the n function IDs. */
static void check_features(struct psci *p, const uint32_t *fids, size_t n, int64_t want)
{
	for (size_t i = 0; i < n; i++) {
		int64_t r = features(p, fids[i]);

		if (r != want) {
			printf("  PSCI_FEATURES(0x%08x) = %lld, expected %lld\n", fids[i],
			       (long long)r, (long long)want);
			check_failed_in_case = 1;
		}
	}
}

/* vCPU cpu's state, as `cpus` shows it. */
static enum psci_cpu_state cpu_state(struct psci *p, unsigned int cpu)
{
	struct psci_cpu_info info;

	CHECK_EQ(psci_cpu_info(p, cpu, &info), 0);
	return info.state;
}

/* A table with the two PSCI ranges, as the VMM builds it. */
static bool setup_table(struct psci *p, struct smccc_table *t)
{
	struct smccc_range r32 = {0x84000000U, 0x20, SMCCC_FILTER_FWD_TO_USER, "psci",
				  psci_service(p)};
	struct smccc_range r64 = {0xC4000000U, 0x20, SMCCC_FILTER_FWD_TO_USER, "psci",
				  psci_service(p)};
	char err[256];

	memset(t, 0, sizeof(*t));
	CHECK_EQ(smccc_table_add(t, &r32, err, sizeof(err)), 0);
	CHECK_EQ(smccc_table_add(t, &r64, err, sizeof(err)), 0);
	return t->nr == 2;
}

/* A forwarded call through the dispatcher, fetching nr_args as the glue does. */
static enum smccc_outcome dispatch(const struct smccc_table *t, unsigned int vcpu, uint32_t fid,
				   uint64_t a1, uint64_t a2, uint64_t a3, struct smccc_result *res)
{
	struct smccc_call c;

	memset(&c, 0, sizeof(c));
	c.fid = fid;
	c.conduit = SMCCC_CONDUIT_SMC;
	c.vcpu = vcpu;
	c.nr_args = smccc_nr_args(t, fid);
	c.args[0] = a1;
	c.args[1] = a2;
	c.args[2] = a3;
	/* garbage the dispatcher must overwrite */
	res->x[0] = res->x[1] = res->x[2] = res->x[3] = 0x5555555555555555ULL;
	res->nr = 4;
	return smccc_dispatch(t, &c, res);
}

/* ---- threads with a bounded wait, so a bug fails instead of hanging ---- */

struct waiter {
	struct psci *p;
	unsigned int cpu;
	pthread_t thread;
	bool on;
	uint64_t entry, context_id;
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;

	w->on = psci_wait_for_on(w->p, w->cpu, &w->entry, &w->context_id);
	return NULL;
}

static bool waiter_start(struct waiter *w, struct psci *p, unsigned int cpu)
{
	memset(w, 0, sizeof(*w));
	w->p = p;
	w->cpu = cpu;
	w->entry = w->context_id = 0x1111111111111111ULL;
	return pthread_create(&w->thread, NULL, waiter_main, w) == 0;
}

/*
 * Join the waiter within 2 s. If it hangs, fail, stop PSCI to free it and
 * report false: the caller must then not destroy p (a thread may still be
 * inside it).
 */
static bool waiter_join(struct waiter *w)
{
	if (join_within(w->thread, 2.0))
		return true;
	printf("  waiter for vCPU %u still blocked after 2 s\n", w->cpu);
	check_failed_in_case = 1;
	psci_stop(w->p);
	if (join_within(w->thread, 2.0))
		return true;
	pthread_detach(w->thread);
	return false;
}

static void fail_now(const char *why)
{
	printf("  %s\n", why);
	check_failed_in_case = 1;
}

/*
 * A waiter for vCPU cpu, which a CPU_ON has already made ON_PENDING: it must
 * return at once with the entry point and context id. Returns whether p may
 * be destroyed (false: the thread may still be inside it).
 */
static bool waiter_expect(struct psci *p, unsigned int cpu, uint64_t entry, uint64_t context_id)
{
	struct waiter w;
	bool joined;

	if (!waiter_start(&w, p, cpu)) {
		fail_now("pthread_create failed");
		return true;
	}
	joined = waiter_join(&w);
	CHECK(w.on);
	CHECK_EQ(w.entry, entry);
	CHECK_EQ(w.context_id, context_id);
	return joined;
}

static void msleep(unsigned int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/*
 * PSCI_TEST(name) { ... }: a test on a fresh PSCI for the machine above, p,
 * destroyed after the body. Tests with threads that may outlive a failed
 * check are plain TESTs: they must not destroy p while a thread is in it.
 */
#define PSCI_TEST(name)                                                                            \
	static void psci_test_##name(struct psci *p);                                              \
	TEST(name)                                                                                 \
	{                                                                                          \
		struct psci p;                                                                     \
                                                                                                   \
		if (setup(&p)) {                                                                   \
			psci_test_##name(&p);                                                      \
			psci_destroy(&p);                                                          \
		}                                                                                  \
	}                                                                                          \
	static void psci_test_##name(struct psci *p)

/* The same for a test with threads: its body returns whether p may be
 * destroyed (false: a thread that failed to finish may still be inside). */
#define PSCI_TEST_WITH_THREADS(name)                                                               \
	static bool psci_test_##name(struct psci *p);                                              \
	TEST(name)                                                                                 \
	{                                                                                          \
		struct psci p;                                                                     \
                                                                                                   \
		if (setup(&p) && psci_test_##name(&p))                                             \
			psci_destroy(&p);                                                          \
	}                                                                                          \
	static bool psci_test_##name(struct psci *p)

/* vCPU cpu's power-down suspend ends: it resumes at entry with context_id. */
static void check_resumes_at(struct psci *p, unsigned int cpu, uint64_t entry, uint64_t context_id)
{
	uint64_t e = 0, c = 0;

	CHECK(psci_suspend_end(p, cpu, &e, &c));
	CHECK_EQ(e, entry);
	CHECK_EQ(c, context_id);
}

/* ---- the tests ---- */

PSCI_TEST(init_masks_mpidr_to_affinity_bits)
{
	CHECK_EQ(psci_find_cpu(p, 0x0), 0);
	CHECK_EQ(psci_find_cpu(p, 0x1), 1);
	CHECK_EQ(psci_find_cpu(p, 0x100), 2);
	CHECK_EQ(psci_find_cpu(p, 0x10000), 3);
	CHECK_EQ(psci_find_cpu(p, 0x100000000ULL), 4);
	CHECK_EQ(psci_find_cpu(p, 0x2), -1);
	CHECK_EQ(psci_find_cpu(p, 0x80000001ULL), -1);
	for (unsigned int i = 0; i < NR_CPUS; i++)
		CHECK_EQ(cpu_state(p, i), PSCI_CPU_OFF);
}

PSCI_TEST(version_is_1_3)
{
	/* SYSTEM_OFF2 (offered, see below) is PSCI 1.3; DENIED from CPU_ON 1.2 */
	CHECK_EQ(call_x0(p, 0, FN_VERSION, 0, 0, 0), 0x00010003);
}

PSCI_TEST(features_supported_functions_answer_success)
{
	static const uint32_t supported[] = {
	    FN_VERSION,
	    FN_CPU_OFF,
	    FN_CPU_ON,
	    FN64_CPU_ON,
	    FN_AFFINITY_INFO,
	    FN64_AFFINITY_INFO,
	    FN_MIGRATE_INFO_TYPE,
	    FN_SYSTEM_OFF,
	    FN_SYSTEM_RESET,
	    FN_PSCI_FEATURES,
	    FN_CPU_SUSPEND,
	    FN64_CPU_SUSPEND,
	    FN_CPU_DEFAULT_SUSPEND,
	    FN64_CPU_DEFAULT_SUSPEND,
	    FN_NODE_HW_STATE,
	    FN64_NODE_HW_STATE,
	    FN_SYSTEM_SUSPEND,
	    FN64_SYSTEM_SUSPEND,
	    FN_STAT_RESIDENCY,
	    FN64_STAT_RESIDENCY,
	    FN_STAT_COUNT,
	    FN64_STAT_COUNT,
	    FN_SYSTEM_RESET2,
	    FN64_SYSTEM_RESET2,
	};

	check_features(p, supported, ARRAY_SIZE(supported), RET_SUCCESS);
}

PSCI_TEST(features_cpu_suspend_uses_original_format_without_osi)
{
	/* §5.15.2: bit 1 = 0 original power_state format, bit 0 = 0 no OS-initiated
	 * mode; our power_state values (0x0, 0x10000) are original-format ones */
	CHECK_EQ(features(p, FN_CPU_SUSPEND), 0);
	CHECK_EQ(features(p, FN64_CPU_SUSPEND), 0);
}

PSCI_TEST(features_system_off2_reports_hibernate_off)
{
	/* PSCI 1.3: a bitmap of supported off types, bit 0 = HIBERNATE_OFF */
	CHECK_EQ(features(p, FN_SYSTEM_OFF2), 1);
	CHECK_EQ(features(p, FN64_SYSTEM_OFF2), 1);
}

PSCI_TEST(features_unimplemented_psci_functions_answer_not_supported)
{
	/* The PSCI IDs of DEN0022 §5.1 this implementation does not serve. */
	static const uint32_t unsupported[] = {
	    FN_MIGRATE,	 FN64_MIGRATE, FN_MIGRATE_INFO_UP_CPU, FN64_MIGRATE_INFO_UP_CPU,
	    0x8400000BU, /* CPU_FREEZE */
	    0x8400000FU, /* SET_SUSPEND_MODE */
	    0x84000013U, /* MEM_PROTECT */
	    0x84000014U, /* MEM_PROTECT_CHECK_RANGE */
	    0xC4000014U,
	};

	check_features(p, unsupported, ARRAY_SIZE(unsupported), RET_NOT_SUPPORTED);
}

/*
 * §5.15: PSCI_FEATURES is truthful. Over both PSCI ranges, a function is
 * advertised exactly when calling it does not answer NOT_SUPPORTED.
 */
PSCI_TEST(features_agree_with_what_is_served)
{
	unsigned int bad = 0;

	psci_boot_cpu(p, 0);
	for (uint32_t i = 0; i < 0x40; i++) {
		uint32_t fid = i < 0x20 ? 0x84000000U + i : 0xC4000000U + (i - 0x20);
		int64_t f = features(p, fid);
		struct smccc_result res;
		enum smccc_outcome out;
		uint64_t e, c;
		bool served;

		/* harmless arguments: not a CPU, not a valid state or type */
		out = call(p, 0, fid, FN_VERSION, FN_VERSION, 0, &res);
		served = !(out == SMCCC_RESUME && res.nr == 1 && (int64_t)res.x[0] == -1);
		if ((f != RET_NOT_SUPPORTED) != served && bad++ < 5)
			printf("  0x%08x: PSCI_FEATURES %lld, but the call is %s\n", fid,
			       (long long)f, served ? "served" : "NOT_SUPPORTED");
		/* whatever the call did, get CPU 0 back to plain ON */
		psci_suspend_end(p, 0, &e, &c);
		if (cpu_state(p, 0) != PSCI_CPU_ON)
			psci_boot_cpu(p, 0);
	}
	CHECK_EQ(bad, 0);
}

PSCI_TEST(features_smccc_version_answers_success)
{
	CHECK_EQ(features(p, FN_SMCCC_VERSION), RET_SUCCESS);
}

PSCI_TEST(features_unknown_ids_answer_not_supported)
{
	static const uint32_t unknown[] = {
	    0x80000001U, /* SMCCC_ARCH_FEATURES is not PSCI's to advertise */
	    0xC4000000U, /* there is no 64-bit PSCI_VERSION */
	    0xC4000002U, /* nor a 64-bit CPU_OFF */
	    0xC4000008U, 0xC400000AU, 0x84000016U, 0x8400001FU,
	    0x84000020U, 0x95c1ba5eU, 0x95c1ba60U, /* PSCI 0.1 IDs */
	    0x00000000U, 0xFFFFFFFFU, 0x04000003U, /* a yielding "CPU_ON" */
	};

	check_features(p, unknown, ARRAY_SIZE(unknown), RET_NOT_SUPPORTED);
}

PSCI_TEST(unimplemented_function_answers_not_supported)
{
	static const uint32_t fids[] = {FN_MIGRATE,  FN64_MIGRATE, FN_MIGRATE_INFO_UP_CPU,
					0x8400000BU, 0x8400000FU,  0x84000013U,
					0x84000016U, 0x8400001FU,  0xC400001FU};

	for (size_t i = 0; i < ARRAY_SIZE(fids); i++)
		CHECK_EQ(call_x0(p, 0, fids[i], 0, 0, 0), RET_NOT_SUPPORTED);
}

PSCI_TEST(nr_args_per_function)
{
	struct smccc_table t;

	if (setup_table(p, &t)) {
		CHECK_EQ(smccc_nr_args(&t, FN_CPU_ON), 3);
		CHECK_EQ(smccc_nr_args(&t, FN64_CPU_ON), 3);
		CHECK_EQ(smccc_nr_args(&t, FN_AFFINITY_INFO), 2);
		CHECK_EQ(smccc_nr_args(&t, FN64_AFFINITY_INFO), 2);
		CHECK_EQ(smccc_nr_args(&t, FN_PSCI_FEATURES), 1);
		CHECK_EQ(smccc_nr_args(&t, FN_VERSION), 0);
		CHECK_EQ(smccc_nr_args(&t, FN_CPU_OFF), 0);
		CHECK_EQ(smccc_nr_args(&t, FN_SYSTEM_OFF), 0);
		CHECK_EQ(smccc_nr_args(&t, FN_CPU_SUSPEND), 3);
		CHECK_EQ(smccc_nr_args(&t, FN64_CPU_SUSPEND), 3);
		CHECK_EQ(smccc_nr_args(&t, FN_CPU_DEFAULT_SUSPEND), 2);
		CHECK_EQ(smccc_nr_args(&t, FN_SYSTEM_SUSPEND), 2);
		CHECK_EQ(smccc_nr_args(&t, FN_NODE_HW_STATE), 2);
		CHECK_EQ(smccc_nr_args(&t, FN_STAT_COUNT), 2);
		CHECK_EQ(smccc_nr_args(&t, FN_SYSTEM_RESET2), 2);
		CHECK_EQ(smccc_nr_args(&t, FN_SYSTEM_OFF2), 2);
	}
}

PSCI_TEST(cpu_on_succeeds_and_marks_target_on_pending)
{
	psci_boot_cpu(p, 0);
	CHECK_EQ(cpu_on(p, 0x1, ENTRY, 0xfeedfacecafef00dULL), RET_SUCCESS);
	CHECK_EQ(cpu_state(p, 1), PSCI_CPU_ON_PENDING);
	CHECK_EQ(p->cpus[1].nr_on, 1);
	/* nobody else changed */
	CHECK_EQ(cpu_state(p, 2), PSCI_CPU_OFF);
	CHECK_EQ(cpu_state(p, 0), PSCI_CPU_ON);
}

PSCI_TEST_WITH_THREADS(cpu_on_wakes_a_blocked_waiter_with_entry_and_context)
{
	struct waiter w;
	bool joined;

	if (!waiter_start(&w, p, 2)) {
		fail_now("pthread_create failed");
		return true;
	}
	msleep(20); /* let it block first */
	CHECK_EQ(cpu_on(p, 0x100, ENTRY + 0x40, 0x0123456789abcdefULL), RET_SUCCESS);
	joined = waiter_join(&w);
	CHECK(w.on);
	CHECK_EQ(w.entry, ENTRY + 0x40);
	CHECK_EQ(w.context_id, 0x0123456789abcdefULL);
	/* still pending until the vCPU thread says it runs */
	CHECK_EQ(cpu_state(p, 2), PSCI_CPU_ON_PENDING);
	psci_cpu_running(p, 2);
	CHECK_EQ(cpu_state(p, 2), PSCI_CPU_ON);
	return joined;
}

PSCI_TEST_WITH_THREADS(wait_for_on_after_cpu_on_returns_at_once)
{
	CHECK_EQ(cpu_on(p, 0x10000, RAM_BASE, 42), RET_SUCCESS);
	return waiter_expect(p, 3, RAM_BASE, 42);
}

PSCI_TEST(cpu_on_unknown_mpidr_is_invalid_parameters)
{
	static const uint64_t targets[] = {0x2,	    0xff,	    0x200,	    0x101,
					   0x20000, 0x200000000ULL, 0xff00ffffffULL};

	for (size_t i = 0; i < ARRAY_SIZE(targets); i++)
		CHECK_EQ(cpu_on(p, targets[i], ENTRY, 0), RET_INVALID_PARAMS);
	for (unsigned int i = 0; i < NR_CPUS; i++) {
		CHECK_EQ(cpu_state(p, i), PSCI_CPU_OFF);
		CHECK_EQ(p->cpus[i].nr_on, 0);
	}
}

PSCI_TEST(cpu_on_mpidr_with_non_affinity_bits_is_invalid_parameters)
{
	/* DEN0022 §5.1.4: bits other than Aff3..Aff0 must be zero. CPU 1 exists. */
	static const uint64_t targets[] = {
	    0x1 | (1ULL << 24), 0x1 | (1ULL << 30), 0x1 | (1ULL << 31), /* as KVM reads it */
	    0x1 | (1ULL << 40), 0x1 | (1ULL << 63),
	};

	for (size_t i = 0; i < ARRAY_SIZE(targets); i++)
		CHECK_EQ(cpu_on(p, targets[i], ENTRY, 0), RET_INVALID_PARAMS);
	CHECK_EQ(cpu_state(p, 1), PSCI_CPU_OFF);
}

PSCI_TEST(cpu_on_entry_outside_ram_is_invalid_address)
{
	static const uint64_t bad[] = {
	    0,
	    RAM_BASE - 4,
	    RAM_BASE - 0x80000,
	    RAM_BASE + RAM_SIZE,
	    RAM_BASE + RAM_SIZE + 4,
	    0xfffffffffffffffcULL,
	    RAM_BASE + RAM_SIZE + (1ULL << 32),
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int64_t r = cpu_on(p, 0x1, bad[i], 0);

		if (r != RET_INVALID_ADDRESS)
			printf("  CPU_ON entry 0x%llx = %lld\n", (unsigned long long)bad[i],
			       (long long)r);
		CHECK_EQ(r, RET_INVALID_ADDRESS);
	}
	CHECK_EQ(cpu_state(p, 1), PSCI_CPU_OFF);
	CHECK_EQ(p->cpus[1].nr_on, 0);
	/* the first and the last instruction of RAM are fine */
	CHECK_EQ(cpu_on(p, 0x1, RAM_BASE, 0), RET_SUCCESS);
	CHECK_EQ(cpu_on(p, 0x100, RAM_BASE + RAM_SIZE - 4, 0), RET_SUCCESS);
}

PSCI_TEST(cpu_on_misaligned_entry_is_invalid_address)
{
	for (uint64_t off = 1; off < 4; off++)
		CHECK_EQ(cpu_on(p, 0x1, ENTRY + off, 0), RET_INVALID_ADDRESS);
	CHECK_EQ(cpu_state(p, 1), PSCI_CPU_OFF);
	CHECK_EQ(p->cpus[1].nr_on, 0);
}

PSCI_TEST(cpu_on_of_an_on_cpu_is_already_on)
{
	psci_boot_cpu(p, 0);
	CHECK_EQ(cpu_on(p, 0x0, ENTRY, 0), RET_ALREADY_ON);
	/* a CPU that came up through CPU_ON and runs */
	CHECK_EQ(cpu_on(p, 0x1, ENTRY, 0), RET_SUCCESS);
	psci_cpu_running(p, 1);
	CHECK_EQ(cpu_on(p, 0x1, ENTRY, 0), RET_ALREADY_ON);
	CHECK_EQ(cpu_state(p, 1), PSCI_CPU_ON);
	CHECK_EQ(p->cpus[1].nr_on, 1);
}

PSCI_TEST_WITH_THREADS(cpu_on_of_an_on_pending_cpu_is_already_on_and_keeps_first_entry)
{
	CHECK_EQ(cpu_on(p, 0x1, ENTRY, 111), RET_SUCCESS);
	/* DESIGN.md §4: like KVM, ALREADY_ON (not ON_PENDING) once a CPU_ON succeeded */
	CHECK_EQ(cpu_on(p, 0x1, ENTRY + 0x1000, 222), RET_ALREADY_ON);
	CHECK_EQ(cpu_state(p, 1), PSCI_CPU_ON_PENDING);
	CHECK_EQ(p->cpus[1].nr_on, 1);
	return waiter_expect(p, 1, ENTRY, 111);
}

#define RACERS 8
#define ROUNDS 300

struct racer {
	struct psci *p;
	pthread_barrier_t *start, *done;
	unsigned int id;
	int64_t ret[ROUNDS];
};

static void *racer_main(void *arg)
{
	struct racer *r = arg;
	struct smccc_result res;

	for (unsigned int round = 0; round < ROUNDS; round++) {
		pthread_barrier_wait(r->start);
		/* each racer's own entry and context, to tell who won */
		call(r->p, r->id, FN64_CPU_ON, 0x1, ENTRY + 4 * r->id, 1000 + r->id, &res);
		r->ret[round] = (int64_t)res.x[0];
		pthread_barrier_wait(r->done);
	}
	return NULL;
}

TEST(racing_cpu_ons_exactly_one_succeeds_rest_already_on)
{
	struct psci p;
	pthread_barrier_t start, done;
	struct racer racers[RACERS];
	pthread_t threads[RACERS];
	unsigned int started = 0, bad_rounds = 0;

	if (!setup(&p))
		return;
	pthread_barrier_init(&start, NULL, RACERS + 1);
	pthread_barrier_init(&done, NULL, RACERS + 1);
	for (unsigned int i = 0; i < RACERS; i++) {
		racers[i].p = &p;
		racers[i].start = &start;
		racers[i].done = &done;
		racers[i].id = i;
		if (pthread_create(&threads[i], NULL, racer_main, &racers[i]) != 0)
			break;
		started++;
	}
	if (started != RACERS) {
		/* cannot run the race; leak what started rather than hang */
		CHECK_EQ(started, RACERS);
		return;
	}
	for (unsigned int round = 0; round < ROUNDS; round++) {
		unsigned int success = 0, already = 0, winner = 0;
		struct smccc_result res;

		pthread_barrier_wait(&start);
		pthread_barrier_wait(&done);
		for (unsigned int i = 0; i < RACERS; i++) {
			if (racers[i].ret[round] == RET_SUCCESS) {
				success++;
				winner = i;
			} else if (racers[i].ret[round] == RET_ALREADY_ON) {
				already++;
			}
		}
		if (success != 1 || already != RACERS - 1) {
			if (bad_rounds++ < 3)
				printf("  round %u: %u SUCCESS, %u ALREADY_ON of %u\n", round,
				       success, already, RACERS);
		} else if (cpu_state(&p, 1) != PSCI_CPU_ON_PENDING ||
			   p.cpus[1].entry != ENTRY + 4 * winner ||
			   p.cpus[1].context_id != 1000 + winner) {
			/* the target must be pending with the winner's entry and context */
			if (bad_rounds++ < 3)
				printf("  round %u: the target does not hold the winner's call\n",
				       round);
		}
		/* the target runs and powers itself off again for the next round */
		psci_cpu_running(&p, 1);
		call(&p, 1, FN_CPU_OFF, 0, 0, 0, &res);
	}
	for (unsigned int i = 0; i < RACERS; i++)
		pthread_join(threads[i], NULL);
	CHECK_EQ(bad_rounds, 0);
	CHECK_EQ(p.cpus[1].nr_on, ROUNDS); /* one successful CPU_ON per round */
	pthread_barrier_destroy(&start);
	pthread_barrier_destroy(&done);
	psci_destroy(&p);
}

PSCI_TEST(cpu_off_parks_the_caller_without_results)
{
	struct smccc_result res;

	psci_boot_cpu(p, 0);
	CHECK_EQ(p->cpus[0].nr_on, 1);
	CHECK_EQ(call(p, 0, FN_CPU_OFF, 0, 0, 0, &res), SMCCC_CPU_OFF);
	CHECK_EQ(res.nr, 0);
	CHECK_EQ(cpu_state(p, 0), PSCI_CPU_OFF);
	CHECK_EQ(p->cpus[0].nr_off, 1);
	CHECK_EQ(affinity(p, 0x0, 0), AFF_OFF);
	/* and it can be brought back */
	CHECK_EQ(cpu_on(p, 0x0, ENTRY, 0), RET_SUCCESS);
	CHECK_EQ(p->cpus[0].nr_on, 2);
	psci_cpu_running(p, 0);
	CHECK_EQ(call(p, 0, FN_CPU_OFF, 0, 0, 0, &res), SMCCC_CPU_OFF);
	CHECK_EQ(p->cpus[0].nr_off, 2);
	/* other vCPUs' counters untouched */
	CHECK_EQ(p->cpus[1].nr_on, 0);
	CHECK_EQ(p->cpus[1].nr_off, 0);
}

PSCI_TEST(cpu_off_through_dispatch_writes_nothing)
{
	struct smccc_table t;
	struct smccc_result res;

	if (setup_table(p, &t)) {
		psci_boot_cpu(p, 1);
		CHECK_EQ(dispatch(&t, 1, FN_CPU_OFF, 0, 0, 0, &res), SMCCC_CPU_OFF);
		CHECK_EQ(res.nr, 0);
		CHECK_EQ(cpu_state(p, 1), PSCI_CPU_OFF);
	}
}

/*
 * Every PSCI function that returns writes x0 and no other register: one
 * KVM_SET_ONE_REG per call (DEN0028: x1..x3 are not results of a function
 * that defines none there). All 64 IDs of both ranges, through the
 * dispatcher (SMC32 truncation included) with garbage preset in x1..x3.
 */
PSCI_TEST(psci_answers_write_x0_and_nothing_else)
{
	struct smccc_table t;
	struct smccc_result res;
	unsigned int bad = 0;

	if (!setup_table(p, &t))
		return;
	psci_boot_cpu(p, 0);
	for (uint32_t i = 0; i < 0x40; i++) {
		uint32_t fid = i < 0x20 ? 0x84000000U + i : 0xC4000000U + (i - 0x20);
		/* harmless arguments: CPU 0 (on), no valid state, type or entry */
		enum smccc_outcome out = dispatch(&t, 0, fid, 0x0, 0x3, 0, &res);
		uint64_t e, c;

		/* a suspend returns x0 = SUCCESS on wake-up from standby, or nothing */
		unsigned int most = out == SMCCC_RESUME ? 1 : out == SMCCC_CPU_SUSPEND ? 1 : 0;

		if ((res.nr > most || (out == SMCCC_RESUME && res.nr != 1)) && bad++ < 5)
			printf(
			    "  0x%08x (outcome %d) writes %u result registers, at most %u (x0)\n",
			    fid, (int)out, res.nr, most);
		/* whatever the call did, get CPU 0 back to plain ON */
		psci_suspend_end(p, 0, &e, &c);
		if (cpu_state(p, 0) != PSCI_CPU_ON)
			psci_boot_cpu(p, 0);
	}
	CHECK_EQ(bad, 0);
}

/*
 * The glue resets a vCPU right after its CPU_OFF, before it waits (vcpu.c,
 * DESIGN.md §4). A CPU_ON that lands in that window must not be lost: the
 * wait that follows returns at once with the new entry point, and the
 * target stays ON_PENDING until it runs.
 */
PSCI_TEST_WITH_THREADS(cpu_on_between_cpu_off_and_the_wait_is_not_lost)
{
	struct smccc_result res;
	bool joined;

	psci_boot_cpu(p, 0);
	psci_boot_cpu(p, 1);
	CHECK_EQ(call(p, 1, FN_CPU_OFF, 0, 0, 0, &res), SMCCC_CPU_OFF);
	/* vCPU 1's thread is busy resetting: nobody waits yet */
	CHECK_EQ(cpu_on(p, 0x1, ENTRY + 8, 77), RET_SUCCESS);
	CHECK_EQ(affinity(p, 0x1, 0), AFF_ON_PENDING);
	joined = waiter_expect(p, 1, ENTRY + 8, 77);
	CHECK_EQ(affinity(p, 0x1, 0), AFF_ON_PENDING);
	psci_cpu_running(p, 1);
	CHECK_EQ(affinity(p, 0x1, 0), AFF_ON);
	return joined;
}

/* A VM that stops while a vCPU resets after its CPU_OFF: the wait that
 * follows returns false at once (stopping always finishes). */
PSCI_TEST(stop_between_cpu_off_and_the_wait_makes_the_wait_return_false)
{
	struct smccc_result res;
	uint64_t entry = 7, ctx = 7;

	psci_boot_cpu(p, 2);
	CHECK_EQ(call(p, 2, FN_CPU_OFF, 0, 0, 0, &res), SMCCC_CPU_OFF);
	psci_stop(p);
	CHECK(!psci_wait_for_on(p, 2, &entry, &ctx));
	CHECK_EQ(entry, 7);
	CHECK_EQ(ctx, 7);
}

PSCI_TEST(affinity_info_level0_reports_on_off_on_pending)
{
	CHECK_EQ(affinity(p, 0x1, 0), AFF_OFF);
	CHECK_EQ(cpu_on(p, 0x1, ENTRY, 0), RET_SUCCESS);
	CHECK_EQ(affinity(p, 0x1, 0), AFF_ON_PENDING);
	psci_cpu_running(p, 1);
	CHECK_EQ(affinity(p, 0x1, 0), AFF_ON);
	psci_boot_cpu(p, 4);
	CHECK_EQ(affinity(p, 0x100000000ULL, 0), AFF_ON);
	CHECK_EQ(affinity(p, 0x0, 0), AFF_OFF);
	/* the 32-bit call too */
	CHECK_EQ(call_x0(p, 0, FN_AFFINITY_INFO, 0x1, 0, 0), AFF_ON);
	CHECK_EQ(call_x0(p, 0, FN_AFFINITY_INFO, 0x100, 0, 0), AFF_OFF);
}

PSCI_TEST(affinity_info_higher_levels_aggregate)
{
	/* all off */
	CHECK_EQ(affinity(p, 0x0, 1), AFF_OFF);
	CHECK_EQ(affinity(p, 0x0, 2), AFF_OFF);
	CHECK_EQ(affinity(p, 0x0, 3), AFF_OFF);
	/* CPU 1 (0.0.0.1) pending: its cluster and up say ON_PENDING */
	CHECK_EQ(cpu_on(p, 0x1, ENTRY, 0), RET_SUCCESS);
	CHECK_EQ(affinity(p, 0x0, 1), AFF_ON_PENDING);
	CHECK_EQ(affinity(p, 0x7, 1), AFF_ON_PENDING);	 /* Aff0 is ignored at level 1 */
	CHECK_EQ(affinity(p, 0x100, 1), AFF_OFF);	 /* cluster 0.0.1 */
	CHECK_EQ(affinity(p, 0x100, 2), AFF_ON_PENDING); /* Aff2 node 0.0 holds both */
	CHECK_EQ(affinity(p, 0x10000, 2), AFF_OFF);	 /* node 0.1 */
	CHECK_EQ(affinity(p, 0x10000, 3), AFF_ON_PENDING);
	CHECK_EQ(affinity(p, 0x100000000ULL, 3), AFF_OFF); /* Aff3 = 1 */
	/* CPU 2 (0.0.1.0) ON: ON wins over ON_PENDING where both are covered */
	CHECK_EQ(cpu_on(p, 0x100, ENTRY, 0), RET_SUCCESS);
	psci_cpu_running(p, 2);
	CHECK_EQ(affinity(p, 0x0, 1), AFF_ON_PENDING);
	CHECK_EQ(affinity(p, 0x100, 1), AFF_ON);
	CHECK_EQ(affinity(p, 0x0, 2), AFF_ON);
	CHECK_EQ(affinity(p, 0xffff, 2), AFF_ON);
	CHECK_EQ(affinity(p, 0x0, 3), AFF_ON);
	/* CPU 4 (1.0.0.0) ON */
	psci_boot_cpu(p, 4);
	CHECK_EQ(affinity(p, 0x100000000ULL, 3), AFF_ON);
	CHECK_EQ(affinity(p, 0x100ffffffULL, 3), AFF_ON);
}

PSCI_TEST(affinity_info_level_above_3_is_invalid_parameters)
{
	psci_boot_cpu(p, 0);
	CHECK_EQ(affinity(p, 0x0, 4), RET_INVALID_PARAMS);
	CHECK_EQ(affinity(p, 0x0, 255), RET_INVALID_PARAMS);
	CHECK_EQ(affinity(p, 0x0, 1ULL << 32), RET_INVALID_PARAMS);
	CHECK_EQ(affinity(p, 0x0, UINT64_MAX), RET_INVALID_PARAMS);
}

PSCI_TEST(affinity_info_without_a_match_is_invalid_parameters)
{
	CHECK_EQ(affinity(p, 0x2, 0), RET_INVALID_PARAMS);
	CHECK_EQ(affinity(p, 0x200, 1), RET_INVALID_PARAMS);
	CHECK_EQ(affinity(p, 0x20000, 2), RET_INVALID_PARAMS);
	CHECK_EQ(affinity(p, 0x200000000ULL, 3), RET_INVALID_PARAMS);
	/* non-affinity bits set */
	CHECK_EQ(affinity(p, 0x1 | (1ULL << 31), 0), RET_INVALID_PARAMS);
	CHECK_EQ(affinity(p, 0x1 | (1ULL << 40), 0), RET_INVALID_PARAMS);
}

PSCI_TEST(migrate_info_type_is_no_trusted_os)
{
	CHECK_EQ(call_x0(p, 0, FN_MIGRATE_INFO_TYPE, 0, 0, 0), 2);
}

PSCI_TEST(system_off_ends_the_vm)
{
	struct smccc_result res;

	psci_boot_cpu(p, 0);
	CHECK_EQ(call(p, 0, FN_SYSTEM_OFF, 0, 0, 0, &res), SMCCC_SYSTEM_OFF);
	CHECK_EQ(res.nr, 0); /* §5.10: does not return */
}

PSCI_TEST(system_reset_restarts_the_vm)
{
	struct smccc_result res;

	psci_boot_cpu(p, 0);
	CHECK_EQ(call(p, 0, FN_SYSTEM_RESET, 0, 0, 0, &res), SMCCC_SYSTEM_RESET);
	CHECK_EQ(res.nr, 0); /* §5.11: does not return */
}

TEST(stop_wakes_a_blocked_waiter_which_returns_false)
{
	struct psci p;
	struct waiter w[2];
	bool joined = true;
	uint64_t entry = 7, ctx = 7;

	if (!setup(&p))
		return;
	if (!waiter_start(&w[0], &p, 1)) {
		fail_now("pthread_create failed");
		psci_destroy(&p);
		return;
	}
	if (!waiter_start(&w[1], &p, 3)) {
		fail_now("pthread_create failed");
		psci_stop(&p);
		if (waiter_join(&w[0]))
			psci_destroy(&p);
		return;
	}
	msleep(20);
	psci_stop(&p);
	for (int i = 0; i < 2; i++) {
		if (!join_within(w[i].thread, 2.0)) {
			printf("  psci_stop left vCPU %u's waiter blocked\n", w[i].cpu);
			check_failed_in_case = 1;
			pthread_detach(w[i].thread);
			joined = false;
			continue;
		}
		CHECK(!w[i].on);
	}
	/* a wait after stop does not block either, nor touch the outputs */
	CHECK(!psci_wait_for_on(&p, 2, &entry, &ctx));
	CHECK_EQ(entry, 7);
	CHECK_EQ(ctx, 7);
	if (joined)
		psci_destroy(&p);
}

PSCI_TEST_WITH_THREADS(smc32_cpu_on_ignores_upper_argument_bits)
{
	struct smccc_table t;
	struct smccc_result res;
	bool joined;

	if (!setup_table(p, &t))
		return true;
	CHECK_EQ(dispatch(&t, 0, FN_CPU_ON, 0xdeadbeef00000001ULL, 0xffffffff00000000ULL | ENTRY,
			  0xabcdef0012345678ULL, &res),
		 SMCCC_RESUME);
	CHECK_EQ(res.nr, 1);
	CHECK_EQ(res.x[0], 0);
	CHECK_EQ(cpu_state(p, 1), PSCI_CPU_ON_PENDING);
	joined = waiter_expect(p, 1, ENTRY, 0x12345678);
	/* AFFINITY_INFO32 with garbage above the target and the level */
	psci_cpu_running(p, 1);
	CHECK_EQ(dispatch(&t, 0, FN_AFFINITY_INFO, 0xffffffff00000001ULL, 0x100000000ULL, 0, &res),
		 SMCCC_RESUME);
	CHECK_EQ(res.x[0], AFF_ON);
	/* PSCI_FEATURES32 with garbage above the function ID */
	dispatch(&t, 0, FN_PSCI_FEATURES, 0x1234567800000000ULL | FN_CPU_ON, 0, 0, &res);
	CHECK_EQ(res.x[0], 0);
	return joined;
}

PSCI_TEST(smc32_status_is_a_sign_extended_w0)
{
	struct smccc_table t;
	struct smccc_result res;

	if (!setup_table(p, &t))
		return;
	dispatch(&t, 0, FN_PSCI_FEATURES, FN_MIGRATE, 0, 0, &res);
	CHECK_EQ(res.nr, 1);
	CHECK_EQ(res.x[0], 0xffffffffffffffffULL); /* NOT_SUPPORTED in W0, sign-extended */
	dispatch(&t, 0, FN_MIGRATE, 0, 0, 0, &res);
	CHECK_EQ(res.nr, 1);
	CHECK_EQ(res.x[0], 0xffffffffffffffffULL);
	dispatch(&t, 0, FN_CPU_SUSPEND, 0x1234, ENTRY, 0, &res);
	CHECK_EQ(res.x[0], 0xfffffffffffffffeULL);
	dispatch(&t, 0, FN_CPU_ON, 0x2, ENTRY, 0, &res);
	CHECK_EQ(res.x[0], 0xfffffffffffffffeULL); /* INVALID_PARAMETERS */
	dispatch(&t, 0, FN_CPU_ON, 0x1, RAM_BASE - 4, 0, &res);
	CHECK_EQ(res.x[0], 0xfffffffffffffff7ULL); /* INVALID_ADDRESS */
	dispatch(&t, 0, FN_AFFINITY_INFO, 0x2, 0, 0, &res);
	CHECK_EQ(res.x[0], 0xfffffffffffffffeULL);
	dispatch(&t, 0, FN_VERSION, 0, 0, 0, &res);
	CHECK_EQ(res.x[0], 0x00010003);
	dispatch(&t, 0, FN_MIGRATE_INFO_TYPE, 0, 0, 0, &res);
	CHECK_EQ(res.x[0], 2);
	/* a PSCI-range ID the service does not know */
	dispatch(&t, 0, 0x8400001FU, 0, 0, 0, &res);
	CHECK_EQ(res.nr, 1);
	CHECK_EQ(res.x[0], 0xffffffffffffffffULL);
}

PSCI_TEST_WITH_THREADS(smc64_calls_keep_64bit_arguments_and_sign_extended_results)
{
	struct smccc_table t;
	struct smccc_result res;
	bool joined;

	if (!setup_table(p, &t))
		return true;
	psci_boot_cpu(p, 0); /* so a target truncated to 0 would answer ALREADY_ON */
	CHECK_EQ(dispatch(&t, 0, FN64_CPU_ON, 0x100000000ULL, ENTRY, 0xabcdef0012345678ULL, &res),
		 SMCCC_RESUME);
	CHECK_EQ(res.nr, 1);
	CHECK_EQ(res.x[0], 0);
	CHECK_EQ(cpu_state(p, 4), PSCI_CPU_ON_PENDING);
	joined = waiter_expect(p, 4, ENTRY, 0xabcdef0012345678ULL);
	/* an entry that is in RAM only if truncated to 32 bits */
	dispatch(&t, 0, FN64_CPU_ON, 0x1, 0x100000000ULL | ENTRY, 0, &res);
	CHECK_EQ(res.x[0], (uint64_t)(int64_t)RET_INVALID_ADDRESS);
	CHECK_EQ(cpu_state(p, 1), PSCI_CPU_OFF);
	dispatch(&t, 0, FN64_CPU_ON, 0x2, ENTRY, 0, &res);
	CHECK_EQ(res.x[0], 0xfffffffffffffffeULL);
	dispatch(&t, 0, FN64_AFFINITY_INFO, 0x200000000ULL, 0, 0, &res);
	CHECK_EQ(res.x[0], 0xfffffffffffffffeULL);
	dispatch(&t, 0, FN64_AFFINITY_INFO, 0x100000000ULL, 0, 0, &res);
	CHECK_EQ(res.x[0], AFF_ON_PENDING);
	dispatch(&t, 0, FN64_MIGRATE, 0, 0, 0, &res);
	CHECK_EQ(res.x[0], 0xffffffffffffffffULL);
	return joined;
}

/* ---- vCPU hotplug (DESIGN.md §5) ---- */

PSCI_TEST(cpu_on_of_an_absent_cpu_is_denied)
{
	psci_set_present(p, 2, false);
	CHECK_EQ(cpu_on(p, 0x100, ENTRY, 0), RET_DENIED);
	CHECK_EQ(cpu_state(p, 2), PSCI_CPU_OFF);
	CHECK_EQ(p->cpus[2].nr_on, 0);
	/* plugged, it starts */
	CHECK_EQ(psci_plug(p, 2), 0);
	CHECK_EQ(psci_plug(p, 2), -EALREADY);
	CHECK_EQ(cpu_on(p, 0x100, ENTRY, 0), RET_SUCCESS);
	/* an OFF vCPU unplugs at once */
	CHECK_EQ(psci_unplug(p, 3, false), 0);
	CHECK_EQ(psci_unplug(p, 3, false), -EALREADY);
	CHECK_EQ(cpu_on(p, 0x10000, ENTRY, 0), RET_DENIED);
	CHECK_EQ(psci_plug(p, NR_CPUS), -ENOENT);
	CHECK_EQ(psci_unplug(p, NR_CPUS, false), -ENOENT);
}

PSCI_TEST(unplug_of_an_on_cpu_is_refused_or_deferred_to_its_cpu_off)
{
	struct smccc_result res;

	psci_boot_cpu(p, 1);
	CHECK_EQ(psci_unplug(p, 1, false), -EBUSY); /* never yank a running CPU */
	CHECK_EQ(cpu_on(p, 0x1, ENTRY, 0), RET_ALREADY_ON);
	CHECK_EQ(psci_unplug(p, 1, true), 1);
	CHECK_EQ(cpu_state(p, 1), PSCI_CPU_ON); /* still running */
	CHECK_EQ(call(p, 1, FN_CPU_OFF, 0, 0, 0, &res), SMCCC_CPU_OFF);
	CHECK_EQ(cpu_on(p, 0x1, ENTRY, 0), RET_DENIED);
	/* a plug cancels a deferred unplug */
	CHECK_EQ(psci_plug(p, 1), 0);
	CHECK_EQ(cpu_on(p, 0x1, ENTRY, 0), RET_SUCCESS);
	psci_cpu_running(p, 1);
	CHECK_EQ(psci_unplug(p, 1, true), 1);
	CHECK_EQ(psci_plug(p, 1), 0);
	CHECK_EQ(call(p, 1, FN_CPU_OFF, 0, 0, 0, &res), SMCCC_CPU_OFF);
	CHECK_EQ(cpu_on(p, 0x1, ENTRY, 0), RET_SUCCESS);
}

/* vCPU 0 is where every boot (and every SYSTEM_RESET) starts: unplugging it
 * would be undone by the next reset, so it is refused outright. */
PSCI_TEST(the_boot_cpu_cannot_be_unplugged)
{
	struct psci_cpu_info info;
	struct smccc_result res;

	psci_boot_cpu(p, 0);
	CHECK_EQ(psci_unplug(p, 0, false), -EPERM);
	CHECK_EQ(psci_unplug(p, 0, true), -EPERM);
	/* not even once the guest has turned it off */
	CHECK_EQ(cpu_on(p, 0x1, ENTRY, 0), RET_SUCCESS);
	psci_cpu_running(p, 1);
	CHECK_EQ(call(p, 0, FN_CPU_OFF, 0, 0, 0, &res), SMCCC_CPU_OFF);
	CHECK_EQ(psci_unplug(p, 0, false), -EPERM);
	psci_cpu_info(p, 0, &info);
	CHECK(info.present);
	CHECK(!info.unplug_when_off);
	CHECK_EQ(cpu_on(p, 0x0, ENTRY, 0), RET_SUCCESS);
}

/* ---- suspend states ---- */

static uint64_t fake_now;
static uint64_t fake_clock(void)
{
	return fake_now;
}

PSCI_TEST(cpu_suspend_standby_returns_success_when_woken)
{
	struct smccc_result res;
	uint64_t entry = 7, ctx = 7;

	psci_boot_cpu(p, 1);
	CHECK_EQ(call(p, 1, FN_CPU_SUSPEND, PS_STANDBY, 0, 0, &res), SMCCC_CPU_SUSPEND);
	CHECK_EQ(res.nr, 1);
	CHECK_EQ(res.x[0], 0);
	/* suspended is still ON for AFFINITY_INFO, STANDBY for NODE_HW_STATE */
	CHECK_EQ(affinity(p, 0x1, 0), AFF_ON);
	CHECK_EQ(call_x0(p, 0, FN64_NODE_HW_STATE, 0x1, 0, 0), HW_STANDBY);
	CHECK(!psci_suspend_end(p, 1, &entry, &ctx)); /* standby: just return */
	CHECK_EQ(call_x0(p, 0, FN64_NODE_HW_STATE, 0x1, 0, 0), HW_ON);
	CHECK_EQ(call_x0(p, 0, FN64_STAT_COUNT, 0x1, PS_STANDBY, 0), 1);
	CHECK_EQ(call_x0(p, 0, FN64_STAT_COUNT, 0x1, PS_POWERDOWN, 0), 0);
}

PSCI_TEST(cpu_suspend_powerdown_resumes_at_entry_with_context)
{
	struct smccc_result res;
	uint64_t entry = 0, ctx = 0;

	psci_boot_cpu(p, 1);
	CHECK_EQ(call(p, 1, FN64_CPU_SUSPEND, PS_POWERDOWN, ENTRY + 0x100, 0xc0ffee, &res),
		 SMCCC_CPU_SUSPEND);
	CHECK_EQ(res.nr, 0); /* does not return: resumes at the entry point */
	CHECK_EQ(affinity(p, 0x1, 0), AFF_ON);
	CHECK_EQ(call_x0(p, 0, FN64_NODE_HW_STATE, 0x1, 0, 0), HW_OFF);
	check_resumes_at(p, 1, ENTRY + 0x100, 0xc0ffee);
	CHECK_EQ(call_x0(p, 0, FN64_STAT_COUNT, 0x1, PS_POWERDOWN, 0), 1);
	/* nothing left to end */
	CHECK(!psci_suspend_end(p, 1, &entry, &ctx));
}

PSCI_TEST(cpu_suspend_refuses_unknown_state_or_bad_entry)
{
	static const uint64_t bad_states[] = {
	    0x00000001, /* a StateID we do not define */
	    0x00010001, /* ditto, power-down */
	    0x01000000, /* power level 1 (cluster) */
	    0x01010000, /* cluster power-down */
	    0x00020000, /* reserved bit */
	    0x40000000, /* extended-format bit in original format */
	};
	struct smccc_result res;

	psci_boot_cpu(p, 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad_states); i++) {
		CHECK_EQ(call(p, 0, FN64_CPU_SUSPEND, bad_states[i], ENTRY, 0, &res), SMCCC_RESUME);
		CHECK_EQ((int64_t)res.x[0], RET_INVALID_PARAMS);
	}
	CHECK_EQ(call(p, 0, FN64_CPU_SUSPEND, PS_POWERDOWN, RAM_BASE - 4, 0, &res), SMCCC_RESUME);
	CHECK_EQ((int64_t)res.x[0], RET_INVALID_ADDRESS);
	CHECK_EQ(call(p, 0, FN64_CPU_SUSPEND, PS_POWERDOWN, ENTRY + 2, 0, &res), SMCCC_RESUME);
	CHECK_EQ((int64_t)res.x[0], RET_INVALID_ADDRESS);
	/* standby ignores the entry point */
	CHECK_EQ(call(p, 0, FN64_CPU_SUSPEND, PS_STANDBY, 0, 0, &res), SMCCC_CPU_SUSPEND);
	CHECK_EQ(res.x[0], 0);
	CHECK_EQ(call_x0(p, 0, FN64_STAT_COUNT, 0x0, PS_POWERDOWN, 0), 0);
}

PSCI_TEST(cpu_default_suspend_is_a_powerdown)
{
	struct smccc_result res;

	psci_boot_cpu(p, 0);
	CHECK_EQ(call(p, 0, FN_CPU_DEFAULT_SUSPEND, RAM_BASE - 4, 0, 0, &res), SMCCC_RESUME);
	CHECK_EQ((int64_t)res.x[0], RET_INVALID_ADDRESS);
	CHECK_EQ(call(p, 0, FN64_CPU_DEFAULT_SUSPEND, ENTRY, 99, 0, &res), SMCCC_CPU_SUSPEND);
	CHECK_EQ(res.nr, 0);
	check_resumes_at(p, 0, ENTRY, 99);
}

PSCI_TEST(stat_residency_counts_time_suspended)
{
	struct smccc_result res;
	uint64_t entry, ctx;

	p->now_us = fake_clock;
	psci_boot_cpu(p, 2);
	fake_now = 1000;
	CHECK_EQ(call(p, 2, FN_CPU_SUSPEND, PS_STANDBY, 0, 0, &res), SMCCC_CPU_SUSPEND);
	fake_now = 1500;
	psci_suspend_end(p, 2, &entry, &ctx);
	fake_now = 2000;
	CHECK_EQ(call(p, 2, FN_CPU_SUSPEND, PS_STANDBY, 0, 0, &res), SMCCC_CPU_SUSPEND);
	fake_now = 2250;
	psci_suspend_end(p, 2, &entry, &ctx);
	CHECK_EQ(call_x0(p, 0, FN64_STAT_RESIDENCY, 0x100, PS_STANDBY, 0), 750);
	CHECK_EQ(call_x0(p, 0, FN64_STAT_COUNT, 0x100, PS_STANDBY, 0), 2);
	CHECK_EQ(call_x0(p, 0, FN64_STAT_RESIDENCY, 0x100, PS_POWERDOWN, 0), 0);
	/* §5.21: an invalid CPU or state reads 0 */
	CHECK_EQ(call_x0(p, 0, FN64_STAT_RESIDENCY, 0x2, PS_STANDBY, 0), 0);
	CHECK_EQ(call_x0(p, 0, FN64_STAT_COUNT, 0x100, 0x1234, 0), 0);
}

PSCI_TEST(node_hw_state_levels_and_errors)
{
	CHECK_EQ(call_x0(p, 0, FN64_NODE_HW_STATE, 0x0, 0, 0), HW_OFF);
	CHECK_EQ(call_x0(p, 0, FN64_NODE_HW_STATE, 0x0, 1, 0), HW_OFF);
	psci_boot_cpu(p, 1);
	CHECK_EQ(call_x0(p, 0, FN64_NODE_HW_STATE, 0x1, 0, 0), HW_ON);
	CHECK_EQ(call_x0(p, 0, FN64_NODE_HW_STATE, 0x0, 0, 0), HW_OFF);
	CHECK_EQ(call_x0(p, 0, FN64_NODE_HW_STATE, 0x0, 1, 0), HW_ON);
	CHECK_EQ(call_x0(p, 0, FN64_NODE_HW_STATE, 0x100, 1, 0), HW_OFF);
	CHECK_EQ(call_x0(p, 0, FN_NODE_HW_STATE, 0x1, 0, 0), HW_ON);
	CHECK_EQ(call_x0(p, 0, FN64_NODE_HW_STATE, 0x2, 0, 0), RET_INVALID_PARAMS);
	CHECK_EQ(call_x0(p, 0, FN64_NODE_HW_STATE, 0x1, 4, 0), RET_INVALID_PARAMS);
	CHECK_EQ(call_x0(p, 0, FN64_NODE_HW_STATE, 0x1 | (1ULL << 31), 0, 0), RET_INVALID_PARAMS);
}

PSCI_TEST(system_suspend_only_when_all_other_cpus_are_off)
{
	struct smccc_result res;

	psci_boot_cpu(p, 0);
	psci_boot_cpu(p, 3);
	CHECK_EQ(call(p, 0, FN64_SYSTEM_SUSPEND, ENTRY, 5, 0, &res), SMCCC_RESUME);
	CHECK_EQ((int64_t)res.x[0], RET_DENIED);
	CHECK_EQ(call(p, 3, FN_CPU_OFF, 0, 0, 0, &res), SMCCC_CPU_OFF);
	/* an ON_PENDING CPU is not off either */
	CHECK_EQ(cpu_on(p, 0x1, ENTRY, 0), RET_SUCCESS);
	CHECK_EQ(call(p, 0, FN64_SYSTEM_SUSPEND, ENTRY, 5, 0, &res), SMCCC_RESUME);
	CHECK_EQ((int64_t)res.x[0], RET_DENIED);
	psci_cpu_running(p, 1);
	CHECK_EQ(call(p, 1, FN_CPU_OFF, 0, 0, 0, &res), SMCCC_CPU_OFF);
	CHECK_EQ(call(p, 0, FN64_SYSTEM_SUSPEND, RAM_BASE + RAM_SIZE, 5, 0, &res), SMCCC_RESUME);
	CHECK_EQ((int64_t)res.x[0], RET_INVALID_ADDRESS);
	CHECK_EQ(call(p, 0, FN64_SYSTEM_SUSPEND, ENTRY, 5, 0, &res), SMCCC_CPU_SUSPEND);
	CHECK_EQ(res.nr, 0);
	check_resumes_at(p, 0, ENTRY, 5);
}

/* ---- SYSTEM_RESET2 and SYSTEM_OFF2 ---- */

PSCI_TEST(system_reset2_warm_reset_restarts_other_types_refused)
{
	struct smccc_result res;

	psci_boot_cpu(p, 0);
	CHECK_EQ(call(p, 0, FN_SYSTEM_RESET2, 0, 0, 0, &res), SMCCC_SYSTEM_RESET);
	CHECK_EQ(res.nr, 0);
	CHECK_EQ(call(p, 0, FN64_SYSTEM_RESET2, 0, 0x1234, 0, &res), SMCCC_SYSTEM_RESET);
	/* reserved architectural types */
	CHECK_EQ(call_x0(p, 0, FN_SYSTEM_RESET2, 1, 0, 0), RET_INVALID_PARAMS);
	CHECK_EQ(call_x0(p, 0, FN_SYSTEM_RESET2, 0x7fffffff, 0, 0), RET_INVALID_PARAMS);
	/* no vendor types are defined here; for SMC64 the whole of x1 is the
	 * type (KVM's reading), so bits above 31 do not make a warm reset */
	CHECK_EQ(call_x0(p, 0, FN_SYSTEM_RESET2, 0x80000000U, 0, 0), RET_INVALID_PARAMS);
	CHECK_EQ(call_x0(p, 0, FN64_SYSTEM_RESET2, 1ULL << 32, 0, 0), RET_INVALID_PARAMS);
}

/* DEN0022 §6.4.3: the target starts with the caller's endianness; a CPU
 * resuming from power-down keeps its own. Only the calls that start a CPU
 * need the caller's SCTLR_EL1 read (psci_call_enters_at). */
PSCI_TEST(cpu_on_and_power_down_carry_the_callers_endianness)
{
	struct smccc_result res;
	const struct smccc_service *svc;
	struct smccc_call c;

	psci_boot_cpu(p, 0);
	svc = &p->service;
	memset(&c, 0, sizeof(c));
	c.fid = FN64_CPU_ON;
	c.vcpu = 0;
	c.nr_args = 3;
	c.args[0] = mpidrs[1] & MPIDR_HWID_MASK; /* as a guest passes it */
	c.args[1] = ENTRY;
	c.caller_be = true;
	CHECK_EQ(svc->handle(svc->ctx, &c, &res), SMCCC_RESUME);
	CHECK_EQ((int64_t)res.x[0], 0);
	CHECK(psci_entry_big_endian(p, 1));
	c.args[0] = mpidrs[2];
	c.caller_be = false;
	CHECK_EQ(svc->handle(svc->ctx, &c, &res), SMCCC_RESUME);
	CHECK(!psci_entry_big_endian(p, 2));
	/* a big-endian CPU 0 suspends to power-down: it resumes big-endian */
	c.fid = 0xC4000001U; /* CPU_SUSPEND64 */
	c.args[0] = PSCI_POWER_STATE_POWERDOWN;
	c.args[1] = ENTRY;
	c.caller_be = true;
	CHECK_EQ(svc->handle(svc->ctx, &c, &res), SMCCC_CPU_SUSPEND);
	CHECK(psci_entry_big_endian(p, 0));
	CHECK(psci_call_enters_at(FN64_CPU_ON));
	CHECK(psci_call_enters_at(0x8400000EU));  /* SYSTEM_SUSPEND */
	CHECK(!psci_call_enters_at(0x84000000U)); /* PSCI_VERSION */
	CHECK(!psci_call_enters_at(0x84000004U)); /* AFFINITY_INFO */
}

PSCI_TEST(system_off2_hibernate_off_ends_the_vm)
{
	struct smccc_result res;

	psci_boot_cpu(p, 0);
	CHECK_EQ(call(p, 0, FN_SYSTEM_OFF2, 1, 0, 0, &res), SMCCC_SYSTEM_OFF);
	CHECK_EQ(res.nr, 0);
	CHECK_EQ(call(p, 0, FN64_SYSTEM_OFF2, 0, 0, 0, &res), SMCCC_SYSTEM_OFF);
	CHECK_EQ(call_x0(p, 0, FN_SYSTEM_OFF2, 2, 0, 0), RET_INVALID_PARAMS);
	CHECK_EQ(call_x0(p, 0, FN_SYSTEM_OFF2, 1, 1, 0), RET_INVALID_PARAMS); /* cookie */
}

CHECK_MAIN_BEGIN
RUN(init_masks_mpidr_to_affinity_bits);
RUN(version_is_1_3);
RUN(features_supported_functions_answer_success);
RUN(features_cpu_suspend_uses_original_format_without_osi);
RUN(features_system_off2_reports_hibernate_off);
RUN(features_unimplemented_psci_functions_answer_not_supported);
RUN(features_agree_with_what_is_served);
RUN(features_smccc_version_answers_success);
RUN(features_unknown_ids_answer_not_supported);
RUN(unimplemented_function_answers_not_supported);
RUN(nr_args_per_function);
RUN(cpu_on_succeeds_and_marks_target_on_pending);
RUN(cpu_on_wakes_a_blocked_waiter_with_entry_and_context);
RUN(wait_for_on_after_cpu_on_returns_at_once);
RUN(cpu_on_unknown_mpidr_is_invalid_parameters);
RUN(cpu_on_mpidr_with_non_affinity_bits_is_invalid_parameters);
RUN(cpu_on_entry_outside_ram_is_invalid_address);
RUN(cpu_on_misaligned_entry_is_invalid_address);
RUN(cpu_on_of_an_on_cpu_is_already_on);
RUN(cpu_on_of_an_on_pending_cpu_is_already_on_and_keeps_first_entry);
RUN(racing_cpu_ons_exactly_one_succeeds_rest_already_on);
RUN(cpu_off_parks_the_caller_without_results);
RUN(cpu_off_through_dispatch_writes_nothing);
RUN(psci_answers_write_x0_and_nothing_else);
RUN(cpu_on_between_cpu_off_and_the_wait_is_not_lost);
RUN(stop_between_cpu_off_and_the_wait_makes_the_wait_return_false);
RUN(affinity_info_level0_reports_on_off_on_pending);
RUN(affinity_info_higher_levels_aggregate);
RUN(affinity_info_level_above_3_is_invalid_parameters);
RUN(affinity_info_without_a_match_is_invalid_parameters);
RUN(migrate_info_type_is_no_trusted_os);
RUN(system_off_ends_the_vm);
RUN(system_reset_restarts_the_vm);
RUN(stop_wakes_a_blocked_waiter_which_returns_false);
RUN(smc32_cpu_on_ignores_upper_argument_bits);
RUN(smc32_status_is_a_sign_extended_w0);
RUN(smc64_calls_keep_64bit_arguments_and_sign_extended_results);
RUN(cpu_on_of_an_absent_cpu_is_denied);
RUN(unplug_of_an_on_cpu_is_refused_or_deferred_to_its_cpu_off);
RUN(the_boot_cpu_cannot_be_unplugged);
RUN(cpu_suspend_standby_returns_success_when_woken);
RUN(cpu_suspend_powerdown_resumes_at_entry_with_context);
RUN(cpu_suspend_refuses_unknown_state_or_bad_entry);
RUN(cpu_default_suspend_is_a_powerdown);
RUN(stat_residency_counts_time_suspended);
RUN(node_hw_state_levels_and_errors);
RUN(system_suspend_only_when_all_other_cpus_are_off);
RUN(system_reset2_warm_reset_restarts_other_types_refused);
RUN(cpu_on_and_power_down_carry_the_callers_endianness);
RUN(system_off2_hibernate_off_ends_the_vm);
CHECK_MAIN_END
