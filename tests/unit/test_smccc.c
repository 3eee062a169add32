/*
 * Unit tests of the SMCCC service table (vmm/firmware/smccc.c): range bookkeeping
 * with the refusals KVM's filter would give (DESIGN.md §7), lookup edges,
 * argument counts, dispatch with SMC32 truncation (DEN0028 §2.6), the
 * per-FID counters and the names used by --trace.
 */
#define CHECK_FILE "smccc"
#include "tests/unit/check.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/firmware/smccc.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static struct smccc_range range(uint32_t base, uint32_t nr, const char *origin)
{
	struct smccc_range r = {base, nr, SMCCC_FILTER_FWD_TO_USER, origin, NULL};

	return r;
}

/* The line the last refused add() gave (empty after a success). */
static char err[256];

static int add(struct smccc_table *t, uint32_t base, uint32_t nr, const char *origin)
{
	struct smccc_range r = range(base, nr, origin);

	err[0] = '\0';
	return smccc_table_add(t, &r, err, sizeof(err));
}

static bool contains(const char *haystack, const char *needle)
{
	if (!strstr(haystack, needle)) {
		printf("  \"%s\" does not mention \"%s\"\n", haystack, needle);
		return false;
	}
	return true;
}

/* ---- a fake service that records what it was given ---- */

struct fake {
	unsigned int calls;
	struct smccc_call seen;
	struct smccc_result preset; /* res as the handler found it */
	uint64_t results[4];
	unsigned int nr_results;
	enum smccc_outcome outcome;
	unsigned int nr_args;
};

static unsigned int fake_nr_args(void *ctx, uint32_t fid)
{
	struct fake *f = ctx;

	(void)fid;
	return f->nr_args;
}

static enum smccc_outcome fake_handle(void *ctx, const struct smccc_call *call,
				      struct smccc_result *res)
{
	struct fake *f = ctx;

	f->calls++;
	f->seen = *call;
	f->preset = *res;
	for (unsigned int i = 0; i < 4; i++)
		res->x[i] = f->results[i];
	res->nr = f->nr_results;
	return f->outcome;
}

static void fake_init(struct fake *f, struct smccc_service *s)
{
	memset(f, 0, sizeof(*f));
	f->results[0] = 0xfffffffffffffffeULL; /* -2 */
	f->results[1] = 0x123456789abcdef0ULL;
	f->results[2] = 0xffffffff00000001ULL;
	f->results[3] = 0x8000000000000000ULL;
	f->nr_results = 4;
	f->outcome = SMCCC_RESUME;
	f->nr_args = 4;
	s->name = "fake";
	s->nr_args = fake_nr_args;
	s->handle = fake_handle;
	s->ctx = f;
}

static void call_init(struct smccc_call *c, const struct smccc_table *t, uint32_t fid)
{
	memset(c, 0, sizeof(*c));
	c->fid = fid;
	c->conduit = SMCCC_CONDUIT_HVC;
	c->vcpu = 3;
	c->nr_args = smccc_nr_args(t, fid);
	for (unsigned int i = 0; i < SMCCC_MAX_ARGS; i++)
		c->args[i] = 0xa5a5a5a500000000ULL | (i + 1);
}

/* ---- table_add ---- */

TEST(add_accepts_disjoint_and_adjacent_ranges)
{
	struct smccc_table t = {0};

	CHECK_EQ(add(&t, 0x84000000U, 0x20, "psci"), 0);
	CHECK_EQ(add(&t, 0xC4000000U, 0x20, "psci"), 0);
	/* touching either end */
	CHECK_EQ(add(&t, 0x84000020U, 0x20, "sdei"), 0);
	CHECK_EQ(add(&t, 0x83ffffe0U, 0x20, "below"), 0);
	/* touching the reserved Arm Architecture ranges */
	CHECK_EQ(add(&t, 0x80010000U, 1, "arch+"), 0);
	CHECK_EQ(add(&t, 0x7fffff00U, 0x100, "arch-"), 0);
	CHECK_EQ(add(&t, 0xC0010000U, 1, "arch64+"), 0);
	CHECK_EQ(add(&t, 0xBfffffffU, 1, "arch64-"), 0);
	/* the very ends of the FID space */
	CHECK_EQ(add(&t, 0x00000000U, 1, "zero"), 0);
	CHECK_EQ(add(&t, 0xffffff00U, 0x100, "top"), 0);
	CHECK_EQ(t.nr, 10);
	CHECK_EQ(t.ranges[0].base, 0x84000000U);
	CHECK_EQ(t.ranges[0].nr, 0x20);
	CHECK_STR(t.ranges[0].origin, "psci");
}

TEST(add_refuses_overlaps_naming_both_ranges)
{
	static const struct {
		uint32_t base, nr;
		const char *new_desc;
	} clash[] = {
	    {0x8400001fU, 2, "0x8400001f-0x84000020"},	       /* over the top end */
	    {0x83ffffffU, 2, "0x83ffffff-0x84000000"},	       /* over the bottom end */
	    {0x84000004U, 1, "0x84000004-0x84000004"},	       /* inside */
	    {0x83000000U, 0x2000000, "0x83000000-0x84ffffff"}, /* around */
	    {0x84000000U, 0x20, "0x84000000-0x8400001f"},      /* identical */
	};
	struct smccc_table t = {0};

	CHECK_EQ(add(&t, 0x84000000U, 0x20, "psci"), 0);
	for (size_t i = 0; i < ARRAY_SIZE(clash); i++) {
		CHECK_EQ(add(&t, clash[i].base, clash[i].nr, "--smccc-filter"), -EEXIST);
		CHECK(contains(err, clash[i].new_desc));
		CHECK(contains(err, "--smccc-filter"));
		CHECK(contains(err, "0x84000000-0x8400001f"));
		CHECK(contains(err, "psci"));
	}
	CHECK_EQ(t.nr, 1);
}

TEST(add_refuses_zero_length)
{
	struct smccc_table t = {0};

	CHECK_EQ(add(&t, 0x86000000U, 0, "--smccc-filter"), -EINVAL);
	CHECK(contains(err, "0x86000000"));
	CHECK(contains(err, "--smccc-filter"));
	CHECK_EQ(t.nr, 0);
}

TEST(add_refuses_wrapping_ranges)
{
	struct smccc_table t = {0};

	CHECK_EQ(add(&t, 0xffffff00U, 0x101, "wrap"), -EINVAL);
	CHECK(contains(err, "0xffffff00"));
	CHECK_EQ(add(&t, 0xffffffffU, 2, "wrap"), -EINVAL);
	CHECK_EQ(add(&t, 0x00000002U, 0xffffffffU, "wrap"), -EINVAL);
	CHECK_EQ(t.nr, 0);
	/* ending exactly at 0xffffffff does not wrap */
	CHECK_EQ(add(&t, 0xffffffffU, 1, "last"), 0);
	CHECK_EQ(t.nr, 1);
}

TEST(add_refuses_the_arm_architecture_ranges)
{
	static const struct {
		uint32_t base, nr;
		const char *reserved;
	} bad[] = {
	    {0x80000000U, 1, "0x80000000-0x8000ffff"},
	    {0x8000ffffU, 1, "0x80000000-0x8000ffff"},
	    {0x80000000U, 0x10000, "0x80000000-0x8000ffff"},
	    {0x7fffffffU, 2, "0x80000000-0x8000ffff"},
	    {0x8000fff0U, 0x20, "0x80000000-0x8000ffff"},
	    {0x70000000U, 0x20000000, "0x80000000-0x8000ffff"},
	    {0xC0000000U, 1, "0xc0000000-0xc000ffff"},
	    {0xC000ffffU, 1, "0xc0000000-0xc000ffff"},
	    {0xBfffffffU, 2, "0xc0000000-0xc000ffff"},
	    {0xC0000000U, 0x10000, "0xc0000000-0xc000ffff"},
	};
	struct smccc_table t = {0};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int r = add(&t, bad[i].base, bad[i].nr, "--smccc-filter");

		if (r != -EEXIST)
			printf("  0x%08x+0x%x: %d\n", bad[i].base, bad[i].nr, r);
		CHECK_EQ(r, -EEXIST);
		CHECK(contains(err, bad[i].reserved));
		CHECK(contains(err, "--smccc-filter"));
	}
	CHECK_EQ(t.nr, 0);
}

TEST(add_refuses_unknown_action)
{
	struct smccc_table t = {0};
	struct smccc_range r = range(0x86000000U, 1, "x");

	r.action = (enum smccc_filter_action)3;
	CHECK_EQ(smccc_table_add(&t, &r, err, sizeof(err)), -EINVAL);
	CHECK(err[0] != '\0');
	CHECK_EQ(t.nr, 0);
}

TEST(add_refuses_when_table_full)
{
	struct smccc_table t = {0};

	for (unsigned int i = 0; i < SMCCC_MAX_RANGES; i++)
		CHECK_EQ(add(&t, 0x86000000U + 0x10 * i, 0x10, "vendor"), 0);
	CHECK_EQ(t.nr, SMCCC_MAX_RANGES);
	CHECK_EQ(add(&t, 0x87000000U, 1, "one-too-many"), -ENOSPC);
	CHECK(contains(err, "0x87000000"));
	CHECK_EQ(t.nr, SMCCC_MAX_RANGES);
	/* an overlap is still reported as such on a full table */
	CHECK_EQ(add(&t, 0x86000000U, 1, "clash"), -EEXIST);
}

/* ---- lookup, nr_args ---- */

TEST(lookup_covers_first_and_last_fid_only)
{
	struct smccc_table t = {0};

	CHECK_EQ(add(&t, 0x84000000U, 0x20, "psci"), 0);
	CHECK_EQ(add(&t, 0xC4000000U, 0x20, "psci64"), 0);
	CHECK_EQ(add(&t, 0xfffffff0U, 0x10, "top"), 0);
	CHECK(smccc_lookup(&t, 0x84000000U) == &t.ranges[0]);
	CHECK(smccc_lookup(&t, 0x8400001fU) == &t.ranges[0]);
	CHECK(smccc_lookup(&t, 0x84000020U) == NULL);
	CHECK(smccc_lookup(&t, 0x83ffffffU) == NULL);
	CHECK(smccc_lookup(&t, 0xC4000000U) == &t.ranges[1]);
	CHECK(smccc_lookup(&t, 0xC400001fU) == &t.ranges[1]);
	CHECK(smccc_lookup(&t, 0xC4000020U) == NULL);
	CHECK(smccc_lookup(&t, 0xfffffff0U) == &t.ranges[2]);
	CHECK(smccc_lookup(&t, 0xffffffffU) == &t.ranges[2]);
	CHECK(smccc_lookup(&t, 0xffffffefU) == NULL);
	CHECK(smccc_lookup(&t, 0) == NULL);
}

TEST(nr_args_asks_the_service_and_caps_at_17)
{
	struct smccc_table t = {0};
	struct smccc_service svc, no_nr_args;
	struct fake f;
	struct smccc_range r = range(0x86000000U, 0x10, "fake");
	struct smccc_range bare = range(0x87000000U, 0x10, "no-service");
	struct smccc_range silent = range(0x88000000U, 0x10, "no-nr-args");

	fake_init(&f, &svc);
	r.service = &svc;
	no_nr_args = svc;
	no_nr_args.nr_args = NULL;
	silent.service = &no_nr_args;
	CHECK_EQ(smccc_table_add(&t, &r, err, sizeof(err)), 0);
	CHECK_EQ(smccc_table_add(&t, &bare, err, sizeof(err)), 0);
	CHECK_EQ(smccc_table_add(&t, &silent, err, sizeof(err)), 0);
	f.nr_args = 5;
	CHECK_EQ(smccc_nr_args(&t, 0x86000003U), 5);
	f.nr_args = 17;
	CHECK_EQ(smccc_nr_args(&t, 0x86000003U), 17);
	f.nr_args = 100;
	CHECK_EQ(smccc_nr_args(&t, 0x86000003U), SMCCC_MAX_ARGS);
	CHECK_EQ(SMCCC_MAX_ARGS, 17);
	CHECK_EQ(smccc_nr_args(&t, 0x87000000U), 0);
	CHECK_EQ(smccc_nr_args(&t, 0x88000000U), 0);
	CHECK_EQ(smccc_nr_args(&t, 0x89000000U), 0);
}

/* ---- dispatch ---- */

/* A table with one row, [base, base + 0x10), served by the fake service. */
struct rig {
	struct smccc_table t;
	struct smccc_service svc;
	struct fake f;
	struct smccc_call c;
	struct smccc_result res;
};

static void rig_init(struct rig *g, uint32_t base)
{
	struct smccc_range r = range(base, 0x10, "fake");

	memset(g, 0, sizeof(*g));
	fake_init(&g->f, &g->svc);
	r.service = &g->svc;
	CHECK_EQ(smccc_table_add(&g->t, &r, err, sizeof(err)), 0);
}

TEST(dispatch_without_row_answers_not_supported)
{
	struct smccc_table t = {0};
	struct smccc_call c;
	struct smccc_result res;

	call_init(&c, &t, 0x86000001U);
	res.x[0] = res.x[1] = res.x[2] = res.x[3] = 0x5555555555555555ULL;
	res.nr = 3;
	CHECK_EQ(smccc_dispatch(&t, &c, &res), SMCCC_RESUME);
	CHECK_EQ(res.nr, 1);
	CHECK_EQ(res.x[0], 0xffffffffffffffffULL); /* -1 in W0, sign-extended as KVM does */
	call_init(&c, &t, 0xC6000001U);
	CHECK_EQ(smccc_dispatch(&t, &c, &res), SMCCC_RESUME);
	CHECK_EQ(res.nr, 1);
	CHECK_EQ(res.x[0], 0xffffffffffffffffULL); /* -1 in an X register */
}

TEST(dispatch_row_without_service_answers_not_supported)
{
	struct smccc_table t = {0};
	struct smccc_call c;
	struct smccc_result res;

	CHECK_EQ(add(&t, 0x86000000U, 0x10, "--smccc-filter"), 0);
	CHECK_EQ(add(&t, 0xC6000000U, 0x10, "--smccc-filter"), 0);
	call_init(&c, &t, 0x86000001U);
	CHECK_EQ(c.nr_args, 0);
	CHECK_EQ(smccc_dispatch(&t, &c, &res), SMCCC_RESUME);
	CHECK_EQ(res.nr, 1);
	CHECK_EQ(res.x[0], 0xffffffffffffffffULL);
	call_init(&c, &t, 0xC6000001U);
	CHECK_EQ(smccc_dispatch(&t, &c, &res), SMCCC_RESUME);
	CHECK_EQ(res.nr, 1);
	CHECK_EQ(res.x[0], 0xffffffffffffffffULL);
}

TEST(dispatch_presets_not_supported_for_the_service)
{
	struct rig g;

	rig_init(&g, 0xC6000000U);
	call_init(&g.c, &g.t, 0xC6000002U);
	g.res.x[0] = g.res.x[1] = g.res.x[2] = g.res.x[3] = 0x5555555555555555ULL;
	g.res.nr = 3;
	smccc_dispatch(&g.t, &g.c, &g.res);
	CHECK_EQ(g.f.calls, 1);
	CHECK_EQ(g.f.preset.nr, 1);
	CHECK_EQ(g.f.preset.x[0], 0xffffffffffffffffULL);
	CHECK_EQ(g.f.seen.fid, 0xC6000002U);
	CHECK_EQ(g.f.seen.vcpu, 3);
	CHECK_EQ(g.f.seen.conduit, SMCCC_CONDUIT_HVC);
}

TEST(dispatch_smc32_truncates_arguments_and_results)
{
	struct rig g;

	rig_init(&g, 0x86000000U);
	call_init(&g.c, &g.t, 0x86000002U);
	CHECK_EQ(g.c.nr_args, 4);
	CHECK_EQ(smccc_dispatch(&g.t, &g.c, &g.res), SMCCC_RESUME);
	CHECK_EQ(g.f.calls, 1);
	for (unsigned int i = 0; i < 4; i++)
		CHECK_EQ(g.f.seen.args[i], i + 1);
	CHECK_EQ(g.res.nr, 4);
	CHECK_EQ(g.res.x[0], 0xfffffffffffffffeULL); /* W0, sign-extended */
	CHECK_EQ(g.res.x[1], 0x9abcdef0ULL);	     /* data: zero-extended */
	CHECK_EQ(g.res.x[2], 0x00000001ULL);
	CHECK_EQ(g.res.x[3], 0);
}

TEST(dispatch_smc64_keeps_arguments_and_results)
{
	struct rig g;

	rig_init(&g, 0xC6000000U);
	g.f.nr_args = SMCCC_MAX_ARGS;
	call_init(&g.c, &g.t, 0xC6000002U);
	CHECK_EQ(smccc_dispatch(&g.t, &g.c, &g.res), SMCCC_RESUME);
	for (unsigned int i = 0; i < SMCCC_MAX_ARGS; i++)
		CHECK_EQ(g.f.seen.args[i], 0xa5a5a5a500000000ULL | (i + 1));
	CHECK_EQ(g.res.nr, 4);
	CHECK_EQ(g.res.x[0], 0xfffffffffffffffeULL);
	CHECK_EQ(g.res.x[1], 0x123456789abcdef0ULL);
	CHECK_EQ(g.res.x[2], 0xffffffff00000001ULL);
	CHECK_EQ(g.res.x[3], 0x8000000000000000ULL);
}

TEST(dispatch_passes_outcome_and_nr_through)
{
	static const enum smccc_outcome outcomes[] = {SMCCC_RESUME, SMCCC_CPU_OFF, SMCCC_SYSTEM_OFF,
						      SMCCC_SYSTEM_RESET};
	struct rig g;

	rig_init(&g, 0x86000000U);
	for (size_t i = 0; i < ARRAY_SIZE(outcomes); i++) {
		g.f.outcome = outcomes[i];
		g.f.nr_results = (unsigned int)i;
		call_init(&g.c, &g.t, 0x86000001U);
		CHECK_EQ(smccc_dispatch(&g.t, &g.c, &g.res), outcomes[i]);
		CHECK_EQ(g.res.nr, i);
	}
}

/* ---- counters ---- */

static unsigned long counted(const struct smccc_counters *c, uint32_t fid)
{
	for (unsigned int i = 0; i < SMCCC_COUNTER_SLOTS; i++)
		if (atomic_load(&c->key[i]) == fid + 1)
			return atomic_load(&c->count[i]);
	return 0;
}

/* Every call counted: the slot counts plus `other` (what a report must add up to). */
static unsigned long counted_total(const struct smccc_counters *c)
{
	unsigned long total = atomic_load(&c->other);

	for (unsigned int i = 0; i < SMCCC_COUNTER_SLOTS; i++)
		total += atomic_load(&c->count[i]);
	return total;
}

TEST(count_tallies_per_function_id)
{
	static struct smccc_counters c; /* zeroed */

	for (int i = 0; i < 3; i++)
		smccc_count(&c, 0x84000003U);
	smccc_count(&c, 0xC4000003U);
	smccc_count(&c, 0);
	CHECK_EQ(counted(&c, 0x84000003U), 3);
	CHECK_EQ(counted(&c, 0xC4000003U), 1);
	CHECK_EQ(counted(&c, 0), 1);
	CHECK_EQ(counted(&c, 0x84000002U), 0);
	CHECK_EQ(atomic_load(&c.other), 0);
	smccc_count(&c, 0xffffffffU); /* cannot be keyed */
	CHECK_EQ(atomic_load(&c.other), 1);
	/* ... yet it is counted: the figures still add up */
	CHECK_EQ(smccc_counters_used(&c), 3);
	CHECK_EQ(counted_total(&c), 6);
}

TEST(count_overflows_into_other_when_full)
{
	static struct smccc_counters c;

	for (uint32_t i = 0; i < SMCCC_COUNTER_SLOTS; i++)
		smccc_count(&c, 0x86000000U + i);
	CHECK_EQ(atomic_load(&c.other), 0);
	for (uint32_t i = 0; i < SMCCC_COUNTER_SLOTS; i++)
		CHECK_EQ(counted(&c, 0x86000000U + i), 1);
	smccc_count(&c, 0x87000000U);
	CHECK_EQ(atomic_load(&c.other), 1);
	/* a known FID still finds its slot */
	smccc_count(&c, 0x86000005U);
	CHECK_EQ(counted(&c, 0x86000005U), 2);
	CHECK_EQ(atomic_load(&c.other), 1);
	CHECK_EQ(smccc_counters_used(&c), SMCCC_COUNTER_SLOTS);
	CHECK_EQ(counted_total(&c), SMCCC_COUNTER_SLOTS + 2);
}

/*
 * A forwarded range sprayed with distinct IDs from several vCPU threads at
 * once (what a hostile guest does with --smccc-filter BASE+COUNT:forward):
 * far more IDs than slots. Every call is counted exactly once, in its FID's
 * slot or in `other`, so the per-function figures plus `other` add up to the
 * calls made, and each slot holds exactly the calls its FID got.
 */
#define SPRAY_THREADS 4
#define SPRAY_FIDS    1000
#define SPRAY_BASE    0x82000000U

/* FID i is called 1 + i % 5 times by each thread. */
static unsigned long spray_calls_per_thread(uint32_t i)
{
	return 1 + i % 5;
}

static void *spray(void *arg)
{
	struct smccc_counters *c = arg;

	for (uint32_t round = 0; round < 5; round++)
		for (uint32_t i = 0; i < SPRAY_FIDS; i++)
			if (round < spray_calls_per_thread(i))
				smccc_count(c, SPRAY_BASE + i);
	return NULL;
}

TEST(count_accounts_for_every_call_of_a_spray)
{
	static struct smccc_counters c;
	pthread_t threads[SPRAY_THREADS];
	unsigned long calls = 0, in_slots = 0;
	unsigned int keyed = 0;

	for (int t = 0; t < SPRAY_THREADS; t++)
		CHECK_EQ(pthread_create(&threads[t], NULL, spray, &c), 0);
	for (int t = 0; t < SPRAY_THREADS; t++)
		pthread_join(threads[t], NULL);
	for (uint32_t i = 0; i < SPRAY_FIDS; i++)
		calls += SPRAY_THREADS * spray_calls_per_thread(i);

	CHECK_EQ(smccc_counters_used(&c), SMCCC_COUNTER_SLOTS);
	CHECK_EQ(counted_total(&c), calls);
	for (unsigned int s = 0; s < SMCCC_COUNTER_SLOTS; s++) {
		unsigned int key = atomic_load(&c.key[s]);
		uint32_t i = key - 1 - SPRAY_BASE;

		CHECK(key != 0);
		CHECK(i < SPRAY_FIDS);
		if (key == 0 || i >= SPRAY_FIDS)
			continue;
		keyed++;
		in_slots += atomic_load(&c.count[s]);
		/* no slot lost or doubled a call of its FID */
		CHECK_EQ(atomic_load(&c.count[s]), SPRAY_THREADS * spray_calls_per_thread(i));
	}
	CHECK_EQ(keyed, SMCCC_COUNTER_SLOTS);
	CHECK(atomic_load(&c.other) > 0);
	CHECK_EQ(in_slots + atomic_load(&c.other), calls);
}

/* ---- names ---- */

TEST(fid_name_known_ids)
{
	static const struct {
		uint32_t fid;
		const char *name;
	} known[] = {
	    {0x80000000U, "SMCCC_VERSION"},
	    {0x80000001U, "SMCCC_ARCH_FEATURES"},
	    {0x80008000U, "SMCCC_ARCH_WORKAROUND_1"},
	    {0x84000000U, "PSCI_VERSION"},
	    {0x84000002U, "PSCI_CPU_OFF"},
	    {0x84000003U, "PSCI_CPU_ON"},
	    {0xC4000003U, "PSCI_CPU_ON64"},
	    {0x84000004U, "PSCI_AFFINITY_INFO"},
	    {0xC4000004U, "PSCI_AFFINITY_INFO64"},
	    {0x84000008U, "PSCI_SYSTEM_OFF"},
	    {0x84000009U, "PSCI_SYSTEM_RESET"},
	    {0x8400000AU, "PSCI_FEATURES"},
	    {0x84000015U, "PSCI_SYSTEM_OFF2"},
	    {0x95c1ba60U, "PSCI_0_1_CPU_ON"},
	    {0x84000050U, "TRNG_VERSION"},
	    {0xC5000021U, "PV_TIME_ST"},
	    {0x86000000U, "KVM_FEATURES"},
	    {0x86000001U, "KVM_PTP"},
	    {0xC6000040U, "KVM_DISCOVER_IMPL_VER"},
	};
	char buf[64];

	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		CHECK_STR(smccc_fid_name(known[i].fid, buf, sizeof(buf)), known[i].name);
}

TEST(fid_name_unknown_ids_name_owner_and_number)
{
	static const struct {
		uint32_t fid;
		const char *name;
	} unknown[] = {
	    {0x82000010U, "SiP 0x0010"},	  {0xC2000010U, "SiP64 0x0010"},
	    {0x81000001U, "CPU 0x0001"},	  {0x83001234U, "OEM 0x1234"},
	    {0x84000016U, "Standard 0x0016"},	  {0xC5000030U, "Standard-Hyp64 0x0030"},
	    {0x8600ff01U, "Vendor-Hyp 0xff01"},	  {0x80000123U, "Arm 0x0123"},
	    {0xB0000001U, "owner48 0x0001"},	  {0xF0000001U, "owner48/64 0x0001"},
	    {0x02000010U, "yielding 0x02000010"},
	};
	char buf[64];

	for (size_t i = 0; i < ARRAY_SIZE(unknown); i++)
		CHECK_STR(smccc_fid_name(unknown[i].fid, buf, sizeof(buf)), unknown[i].name);
}

TEST(fid_name_truncates_to_buffer)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	CHECK(smccc_fid_name(0xC4000003U, buf, sizeof(buf)) == buf);
	CHECK_STR(buf, "PSCI_CP");
	memset(buf, 'x', sizeof(buf));
	CHECK_STR(smccc_fid_name(0x82000010U, buf, 5), "SiP ");
}

TEST(conduit_and_action_names)
{
	CHECK_STR(smccc_conduit_name(SMCCC_CONDUIT_HVC), "hvc");
	CHECK_STR(smccc_conduit_name(SMCCC_CONDUIT_SMC), "smc");
	CHECK_STR(smccc_action_name(SMCCC_FILTER_HANDLE), "handle");
	CHECK_STR(smccc_action_name(SMCCC_FILTER_DENY), "deny");
	CHECK_STR(smccc_action_name(SMCCC_FILTER_FWD_TO_USER), "forward");
	CHECK_STR(smccc_outcome_name(SMCCC_RESUME), "resume");
	CHECK_STR(smccc_outcome_name(SMCCC_CPU_OFF), "cpu-off");
	CHECK_STR(smccc_outcome_name(SMCCC_CPU_SUSPEND), "suspend");
	CHECK_STR(smccc_outcome_name(SMCCC_SYSTEM_OFF), "system-off");
	CHECK_STR(smccc_outcome_name(SMCCC_SYSTEM_RESET), "system-reset");
	CHECK_STR(smccc_outcome_name((enum smccc_outcome)99), "?");
	CHECK_EQ(SMCCC_FILTER_HANDLE, 0); /* the kernel's values */
	CHECK_EQ(SMCCC_FILTER_DENY, 1);
	CHECK_EQ(SMCCC_FILTER_FWD_TO_USER, 2);
}

/* pKVM refuses vendor-hyp functions 2-63 with EEXIST: that service is left
 * out (dropped from the table, so dispatch agrees with the filter) and the
 * VM goes on; PSCI rows and other errors are fatal. */
TEST(refused_rows_dropped_or_fatal)
{
	static const struct smccc_service svc = {.name = "x"};
	struct smccc_table t = {0};
	char msg[256];
	const struct smccc_range rows[] = {
	    {0x84000000, 0x20, SMCCC_FILTER_FWD_TO_USER, "psci", &svc},
	    {0xC6000040, 2, SMCCC_FILTER_FWD_TO_USER, "kvm-discover-impl", &svc},
	    {0xC6000100, 0x10, SMCCC_FILTER_FWD_TO_USER, "vmm-hyp", &svc},
	};

	for (size_t i = 0; i < 3; i++)
		CHECK_EQ(smccc_table_add(&t, &rows[i], err, sizeof(err)), 0);
	CHECK_EQ(smccc_table_refused(&t, 1, EEXIST, msg, sizeof(msg)), 0);
	CHECK(strstr(msg, "warning: ") == msg);
	CHECK(strstr(msg, "0xc6000040-0xc6000041 (kvm-discover-impl, forward)") != NULL);
	CHECK(strstr(msg, "continuing without it") != NULL);
	CHECK_EQ(t.nr, 2);
	CHECK(smccc_lookup(&t, 0xC6000040) == NULL);
	CHECK(smccc_lookup(&t, 0xC6000100) != NULL); /* its successor moved up intact */
	CHECK_EQ(t.ranges[1].base, 0xC6000100);
	CHECK_EQ(smccc_table_refused(&t, 1, EINVAL, msg, sizeof(msg)), -EINVAL);
	CHECK_EQ(t.nr, 2);
	CHECK(strstr(msg, "warning") == NULL);
	CHECK_EQ(smccc_table_refused(&t, 0, EEXIST, msg, sizeof(msg)), -EEXIST);
	CHECK(strstr(msg, "(psci, forward)") != NULL);
	CHECK_EQ(t.nr, 2);
	/* A range the user asked for is never silently dropped. */
	const struct smccc_range user = {0x82000000, 0x10, SMCCC_FILTER_FWD_TO_USER,
					 "--smccc-filter", NULL};
	CHECK_EQ(smccc_table_add(&t, &user, err, sizeof(err)), 0);
	CHECK_EQ(smccc_table_refused(&t, 2, EEXIST, msg, sizeof(msg)), -EEXIST);
	CHECK_EQ(t.nr, 3);
}

CHECK_MAIN_BEGIN
RUN(add_accepts_disjoint_and_adjacent_ranges);
RUN(add_refuses_overlaps_naming_both_ranges);
RUN(add_refuses_zero_length);
RUN(add_refuses_wrapping_ranges);
RUN(add_refuses_the_arm_architecture_ranges);
RUN(add_refuses_unknown_action);
RUN(add_refuses_when_table_full);
RUN(lookup_covers_first_and_last_fid_only);
RUN(nr_args_asks_the_service_and_caps_at_17);
RUN(dispatch_without_row_answers_not_supported);
RUN(dispatch_row_without_service_answers_not_supported);
RUN(dispatch_presets_not_supported_for_the_service);
RUN(dispatch_smc32_truncates_arguments_and_results);
RUN(dispatch_smc64_keeps_arguments_and_results);
RUN(dispatch_passes_outcome_and_nr_through);
RUN(count_tallies_per_function_id);
RUN(count_overflows_into_other_when_full);
RUN(count_accounts_for_every_call_of_a_spray);
RUN(fid_name_known_ids);
RUN(fid_name_unknown_ids_name_owner_and_number);
RUN(fid_name_truncates_to_buffer);
RUN(conduit_and_action_names);
RUN(refused_rows_dropped_or_fatal);
CHECK_MAIN_END
