/*
 * Unit tests of fault and latency injection (vmm/firmware/inject.c): rule parsing and
 * its one-line errors, matching (cpu=, next=, first rule wins), the
 * interruptible delay, and what a lost CPU_ON does to PSCI's state
 * (vmm/firmware/psci.c), including the power-state observer that the trace file
 * hangs on. Function IDs and return codes are the spec's literals.
 */
#define CHECK_FILE "inject"
#include "tests/unit/check.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "vmm/firmware/inject.h"
#include "vmm/firmware/psci.h"

#define FN_CPU_OFF	   0x84000002U
#define FN_CPU_ON	   0x84000003U
#define FN64_CPU_ON	   0xC4000003U
#define FN64_AFFINITY_INFO 0xC4000004U
#define FN_VERSION	   0x84000000U
#define RAM_BASE	   0x80000000ULL

static int parse(const char *s, struct inject_rule *r, char *err)
{
	err[0] = '\0';
	return inject_parse(s, r, err, 256);
}

TEST(rule_with_every_option_reads_back_canonically)
{
	struct inject_rule r;
	char err[256];

	CHECK_EQ(parse("CPU_ON:cpu=2:next=1:ret=INTERNAL_FAILURE", &r, err), 0);
	CHECK_EQ(r.nr_fid, 2);
	CHECK_EQ(r.fid[0], FN_CPU_ON);
	CHECK_EQ(r.fid[1], FN64_CPU_ON);
	CHECK_EQ(r.cpu, 2);
	CHECK_EQ(r.next, 1);
	CHECK(r.has_ret);
	CHECK_EQ(r.ret, -6);
	CHECK_STR(r.text, "CPU_ON:cpu=2:next=1:ret=INTERNAL_FAILURE");

	CHECK_EQ(parse("psci_cpu_on64:delay=200ms:lost", &r, err), 0);
	CHECK_EQ(r.nr_fid, 1);
	CHECK_EQ(r.fid[0], FN64_CPU_ON);
	CHECK_EQ(r.delay_ns, 200000000ULL);
	CHECK(r.lost);
	CHECK_STR(r.text, "PSCI_CPU_ON64:delay=200ms:lost");

	CHECK_EQ(parse("0xc4000004:ret=-5:delay=1.5s", &r, err), 0);
	CHECK_EQ(r.fid[0], FN64_AFFINITY_INFO);
	CHECK_EQ(r.ret, -5);
	CHECK_EQ(r.delay_ns, 1500000000ULL);
	CHECK_STR(r.text, "0xc4000004:delay=1500ms:ret=ON_PENDING");

	CHECK_EQ(parse("CPU_ON32:ret=DENIED", &r, err), 0);
	CHECK_EQ(r.nr_fid, 1);
	CHECK_EQ(r.fid[0], FN_CPU_ON);
	CHECK_EQ(parse("CPU_OFF:ret=-3", &r, err), 0);
	CHECK_EQ(r.nr_fid, 1); /* CPU_OFF has only an SMC32 ID */
	CHECK_EQ(r.fid[0], FN_CPU_OFF);
	CHECK_EQ(parse("SYSTEM_RESET2_64:ret=NOT_SUPPORTED", &r, err), 0);
	CHECK_EQ(r.fid[0], 0xC4000012U);
	CHECK_EQ(parse("CPU_ON:delay=300us", &r, err), 0);
	CHECK_EQ(r.delay_ns, 300000ULL);
	CHECK(!r.has_ret && !r.lost && r.cpu == INJECT_ANY_CPU && r.next == 0);
}

/* Every PSCI function by name, with and without PSCI_, as DEN0022 §5.1 numbers it. */
TEST(every_psci_function_is_known_by_name)
{
	static const struct {
		const char *name;
		uint32_t fid32, fid64;
	} names[] = {
	    {"PSCI_VERSION", 0x84000000U, 0},
	    {"CPU_SUSPEND", 0x84000001U, 0xC4000001U},
	    {"CPU_OFF", 0x84000002U, 0},
	    {"CPU_ON", 0x84000003U, 0xC4000003U},
	    {"AFFINITY_INFO", 0x84000004U, 0xC4000004U},
	    {"MIGRATE", 0x84000005U, 0xC4000005U},
	    {"MIGRATE_INFO_TYPE", 0x84000006U, 0},
	    {"MIGRATE_INFO_UP_CPU", 0x84000007U, 0xC4000007U},
	    {"SYSTEM_OFF", 0x84000008U, 0},
	    {"SYSTEM_RESET", 0x84000009U, 0},
	    {"PSCI_FEATURES", 0x8400000AU, 0},
	    {"CPU_FREEZE", 0x8400000BU, 0},
	    {"CPU_DEFAULT_SUSPEND", 0x8400000CU, 0xC400000CU},
	    {"NODE_HW_STATE", 0x8400000DU, 0xC400000DU},
	    {"SYSTEM_SUSPEND", 0x8400000EU, 0xC400000EU},
	    {"SET_SUSPEND_MODE", 0x8400000FU, 0},
	    {"STAT_RESIDENCY", 0x84000010U, 0xC4000010U},
	    {"STAT_COUNT", 0x84000011U, 0xC4000011U},
	    {"SYSTEM_RESET2", 0x84000012U, 0xC4000012U},
	    {"MEM_PROTECT", 0x84000013U, 0},
	    {"MEM_PROTECT_CHECK_RANGE", 0x84000014U, 0xC4000014U},
	    {"SYSTEM_OFF2", 0x84000015U, 0xC4000015U},
	};
	struct inject_rule r;
	char rule[96], err[256];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *prefix = strncmp(names[i].name, "PSCI_", 5) ? "PSCI_" : "";

		snprintf(rule, sizeof(rule), "%s:ret=DENIED", names[i].name);
		CHECK_EQ(parse(rule, &r, err), 0);
		CHECK_EQ(r.fid[0], names[i].fid32);
		CHECK_EQ(r.nr_fid, names[i].fid64 ? 2 : 1);
		if (names[i].fid64)
			CHECK_EQ(r.fid[1], names[i].fid64);
		snprintf(rule, sizeof(rule), "%s%s64:ret=DENIED", prefix, names[i].name);
		CHECK_EQ(parse(rule, &r, err), names[i].fid64 ? 0 : -1);
		if (names[i].fid64)
			CHECK_EQ(r.fid[0], names[i].fid64);
		else
			CHECK(strstr(err, "no such calling convention") != NULL);
	}
	/* Only PSCI's: other names --trace knows are not injection targets. */
	CHECK_EQ(parse("SMCCC_VERSION:ret=DENIED", &r, err), -1);
	CHECK_EQ(parse("PSCI_0_1_CPU_ON:ret=DENIED", &r, err), -1);
	CHECK_EQ(parse("TRNG_VERSION:ret=DENIED", &r, err), -1);
}

TEST(bad_rules_get_one_line_errors_naming_the_problem)
{
	static const struct {
		const char *rule, *says;
	} bad[] = {
	    {"", "no function"},
	    {":ret=DENIED", "no function"},
	    {"CPU_BLAH:ret=DENIED", "unknown function 'CPU_BLAH'"},
	    {"CPU_OFF64:ret=DENIED", "no such calling convention"},
	    {"CPU_ON", "no effect"},
	    {"CPU_ON:cpu=2", "no effect"},
	    {"CPU_ON:ret=FOO", "unknown return code 'FOO'"},
	    {"CPU_ON:ret=", "unknown return code ''"},
	    {"CPU_ON:ret=DENIED:ret=DENIED", "ret= given twice"},
	    {"CPU_ON:cpu=x:ret=DENIED", "cpu=x is not a vCPU number"},
	    {"CPU_ON:cpu=70000:ret=DENIED", "cpu=70000"},
	    {"CPU_ON:next=0:ret=DENIED", "next=0"},
	    {"CPU_ON:next=-1:ret=DENIED", "next=-1"},
	    {"CPU_ON:delay=200:ret=DENIED", "delay=200 is not a duration"},
	    {"CPU_ON:delay=601s", "delay=601s"},
	    {"CPU_ON:delay=0ms", "delay=0ms"},
	    {"CPU_ON:delay=1.ms", "delay=1.ms"},
	    {"CPU_ON:lost:ret=DENIED", "exclude each other"},
	    {"CPU_OFF:lost", "lost applies to CPU_ON only"},
	    {"CPU_ON:frob=1", "unknown option 'frob=1'"},
	    {"CPU_ON:lost=1", "unknown option 'lost=1'"},
	    {"0x80000000:ret=DENIED", "Arm Architecture call"},
	    {"0xc0000001:ret=DENIED", "Arm Architecture call"},
	    {"0x1ffffffff:ret=DENIED", "unknown function"},
	    {"CPU_ON :ret=DENIED", "blank"},
	};
	struct inject_rule r;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i].rule, &r, err) != -1 || !strstr(err, bad[i].says) ||
		    strchr(err, '\n') || strncmp(err, "inject '", 8)) {
			printf("  rule '%s': got '%s', expected it to say '%s'\n", bad[i].rule, err,
			       bad[i].says);
			check_failed_in_case = 1;
		}
	}
}

/* Injected answers given to calls of fid. */
static unsigned long injected(const struct inject *inj, uint32_t fid)
{
	for (unsigned int i = 0; i < SMCCC_COUNTER_SLOTS; i++)
		if (atomic_load(&inj->injected.key[i]) == fid + 1)
			return atomic_load(&inj->injected.count[i]);
	return 0;
}

static void add(struct inject *inj, const char *rule)
{
	struct inject_rule r;
	char err[256];

	CHECK_EQ(parse(rule, &r, err), 0);
	CHECK_EQ(inject_add(inj, &r), 0);
}

TEST(cpu_next_and_first_rule_wins)
{
	struct inject inj;
	struct inject_action a;
	char list[512];

	inject_init(&inj);
	inject_match(&inj, FN64_CPU_ON, 2, &a);
	CHECK(!a.hit);

	add(&inj, "CPU_ON:cpu=2:next=1:ret=INTERNAL_FAILURE");
	add(&inj, "CPU_ON:delay=10ns");
	/* Another vCPU: the second rule. */
	inject_match(&inj, FN64_CPU_ON, 3, &a);
	CHECK(a.hit && !a.has_ret && a.delay_ns == 10);
	CHECK_STR(a.rule, "CPU_ON:delay=10ns");
	/* cpu 2, first time: the first rule; then it is spent. */
	inject_match(&inj, FN_CPU_ON, 2, &a);
	CHECK(a.hit && a.has_ret && a.ret == -6 && a.delay_ns == 0);
	inject_match(&inj, FN64_CPU_ON, 2, &a);
	CHECK(a.hit && !a.has_ret);
	/* Unknown target (-1) matches only rules without cpu=. */
	inject_match(&inj, FN64_CPU_ON, -1, &a);
	CHECK(a.hit && !a.has_ret);
	/* Other functions: nothing. */
	inject_match(&inj, FN_VERSION, 0, &a);
	CHECK(!a.hit);

	CHECK_STR(inject_list(&inj, list, sizeof(list)),
		  "2 rules: CPU_ON:cpu=2:next=1:ret=INTERNAL_FAILURE(fired=1,left=0) "
		  "CPU_ON:delay=10ns(fired=3)");
	/* Only answered calls count as injected answers. */
	CHECK_EQ(injected(&inj, FN_CPU_ON), 1);
	CHECK_EQ(injected(&inj, FN64_CPU_ON), 0);
	CHECK_EQ(inject_clear(&inj), 2);
	inject_match(&inj, FN64_CPU_ON, 2, &a);
	CHECK(!a.hit);
	CHECK_STR(inject_list(&inj, list, sizeof(list)), "0 rules");
}

TEST(set_is_bounded)
{
	struct inject inj;
	struct inject_rule r;
	char err[256];

	inject_init(&inj);
	CHECK_EQ(parse("CPU_ON:ret=DENIED", &r, err), 0);
	for (int i = 0; i < INJECT_MAX_RULES; i++)
		CHECK_EQ(inject_add(&inj, &r), 0);
	CHECK_EQ(inject_add(&inj, &r), -ENOSPC);
}

/*
 * The longest rule the options allow (every option at its widest): what is
 * accepted is what `inject list`, the trace and the record show, whole.
 */
#define LONGEST_RULE_HEAD "PSCI_MEM_PROTECT_CHECK_RANGE_64:cpu=655"
#define LONGEST_RULE_TAIL ":next=1000000000:delay=599999999999ns:ret=-9223372036854775808"

static void longest_rule(char *buf, size_t len, unsigned int i)
{
	snprintf(buf, len, "%s%02u%s", LONGEST_RULE_HEAD, i, LONGEST_RULE_TAIL);
}

TEST(the_longest_rule_is_shown_whole)
{
	struct inject inj;
	struct inject_rule r;
	struct inject_action a;
	char rule[INJECT_MAX_RULE_TEXT], err[256], max[INJECT_MAX_RULE_LEN + 2];

	longest_rule(rule, sizeof(rule), 35);
	CHECK_EQ(strlen(rule), 103);
	CHECK_EQ(parse(rule, &r, err), 0);
	CHECK_STR(r.text, rule);
	CHECK_EQ(r.ret, INT64_MIN);
	inject_init(&inj);
	CHECK_EQ(inject_add(&inj, &r), 0);
	inject_match(&inj, 0xC4000014U, 65535, &a);
	CHECK(a.hit);
	CHECK_STR(a.rule, rule);
	/* A canonical text longer than what was written ("1" -> "0x00000001",
	 * "1.5s" -> "1500ms") is whole too. */
	CHECK_EQ(parse("1:delay=1.5s:ret=-3", &r, err), 0);
	CHECK_STR(r.text, "0x00000001:delay=1500ms:ret=DENIED");
	/* The longest rule as written: INJECT_MAX_RULE_LEN bytes, no more. */
	snprintf(max, sizeof(max), "CPU_ON:ret=%0*d", INJECT_MAX_RULE_LEN - 11, 3);
	CHECK_EQ(strlen(max), 127);
	CHECK_EQ(parse(max, &r, err), 0);
	CHECK_STR(r.text, "CPU_ON:ret=3");
	strcat(max, "0");
	CHECK_EQ(parse(max, &r, err), -1);
	CHECK(strstr(err, "too long (at most 127 bytes)") != NULL);
}

TEST(list_shows_the_most_rules_of_the_longest_text_whole)
{
	struct inject inj;
	struct inject_action a;
	char rule[INJECT_MAX_RULE_TEXT], want[INJECT_LIST_ENTRY_MAX], list[INJECT_LIST_MAX];
	char small[250];

	inject_init(&inj);
	for (unsigned int i = 0; i < INJECT_MAX_RULES; i++) {
		longest_rule(rule, sizeof(rule), i);
		add(&inj, rule);
	}
	inject_match(&inj, 0xC4000014U, 65500, &a);
	CHECK(a.hit);
	inject_list(&inj, list, sizeof(list));
	CHECK(!strncmp(list, "32 rules: ", 10));
	for (unsigned int i = 0; i < INJECT_MAX_RULES; i++) {
		longest_rule(rule, sizeof(rule), i);
		snprintf(want, sizeof(want), " %s(fired=%u,left=%u)", rule, i == 0 ? 1 : 0,
			 i == 0 ? 999999999 : 1000000000);
		if (!strstr(list, want)) {
			printf("  rule %u is not whole in the list: '%s'\n", i, list);
			check_failed_in_case = 1;
		}
	}
	/* A buffer too small for the set: whole rules, then " ...". */
	inject_list(&inj, small, sizeof(small));
	longest_rule(rule, sizeof(rule), 0);
	snprintf(want, sizeof(want), "32 rules: %s(fired=1,left=999999999) ...", rule);
	CHECK_STR(small, want);
}

struct racer {
	struct inject *inj;
	atomic_int *hits;
};

static void *race(void *arg)
{
	struct racer *rc = arg;
	struct inject_action a;

	for (int i = 0; i < 1000; i++) {
		inject_match(rc->inj, FN64_CPU_ON, 1, &a);
		if (a.hit)
			atomic_fetch_add(rc->hits, 1);
	}
	return NULL;
}

TEST(next_n_fires_exactly_n_times_across_racing_vcpus)
{
	struct inject inj;
	atomic_int hits = 0;
	struct racer rc = {&inj, &hits};
	pthread_t t[4];

	inject_init(&inj);
	add(&inj, "CPU_ON:cpu=1:next=7:ret=DENIED");
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, race, &rc);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(atomic_load(&hits), 7);
	CHECK_EQ(injected(&inj, FN64_CPU_ON), 7);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct sleeper {
	struct inject *inj;
	uint64_t delay_ns;
	bool full;
	uint64_t took_ms;
};

static void *sleep_thread(void *arg)
{
	struct sleeper *s = arg;
	uint64_t t0 = now_ms();

	s->full = inject_delay(s->inj, s->delay_ns);
	s->took_ms = now_ms() - t0;
	return NULL;
}

TEST(delay_waits_and_a_stop_cuts_it_short)
{
	struct inject inj;
	struct sleeper s = {.inj = &inj, .delay_ns = 30000000ULL};
	pthread_t t;
	struct timespec pause = {0, 50000000L};

	inject_init(&inj);
	/* A short delay runs its course. */
	sleep_thread(&s);
	CHECK(s.full);
	CHECK(s.took_ms >= 30);
	/* A 10-minute one ends when the VM stops, whether the stop comes
	 * while it waits or before it starts. */
	s.delay_ns = INJECT_MAX_DELAY_NS;
	pthread_create(&t, NULL, sleep_thread, &s);
	nanosleep(&pause, NULL);
	inject_stop(&inj);
	pthread_join(t, NULL);
	CHECK(!s.full);
	CHECK(s.took_ms < 5000);
	sleep_thread(&s);
	CHECK(!s.full);
	CHECK(s.took_ms < 1000);
	/* The next VM (after a reset) waits again. */
	inject_resume(&inj);
	s.delay_ns = 20000000ULL;
	sleep_thread(&s);
	CHECK(s.full);
}

/* ---- what a lost CPU_ON does to PSCI ---- */

struct seen {
	char lines[16][64];
	int n;
};

static void observe(void *ctx, unsigned int cpu, const char *from, const char *to,
		    const char *cause)
{
	struct seen *s = ctx;

	if (s->n < 16)
		snprintf(s->lines[s->n++], sizeof(s->lines[0]), "%u %s>%s %s", cpu, from, to,
			 cause);
}

static int64_t call(struct psci *p, unsigned int vcpu, uint32_t fid, uint64_t a1, uint64_t a2,
		    bool lost, enum smccc_outcome *out)
{
	struct smccc_call c = {.fid = fid, .vcpu = vcpu, .nr_args = 3, .lost = lost};
	struct smccc_result res = {{0}, 0};
	enum smccc_outcome o;

	c.args[0] = a1;
	c.args[1] = a2;
	o = psci_service(p)->handle(p, &c, &res);
	if (out)
		*out = o;
	return (int64_t)res.x[0];
}

struct waiter {
	struct psci *p;
	unsigned int cpu;
	bool woke;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;
	uint64_t entry, ctx;

	w->woke = psci_wait_for_on(w->p, w->cpu, &entry, &ctx);
	return NULL;
}

TEST(lost_cpu_on_stays_on_pending_and_never_starts_the_target)
{
	static const uint64_t mpidrs[] = {0, 1, 2};
	struct psci p;
	struct seen seen = {0};
	struct psci_cpu_info info;
	struct waiter w = {&p, 2, true};
	struct timespec pause = {0, 100000000L};
	pthread_t t;

	CHECK_EQ(psci_init(&p, 3, mpidrs, RAM_BASE, 1 << 20), 0);
	psci_set_observer(&p, observe, &seen);
	psci_boot_cpu(&p, 0);
	pthread_create(&t, NULL, wait_thread, &w);

	CHECK_EQ(call(&p, 0, FN64_CPU_ON, 2, RAM_BASE, true, NULL), 0); /* SUCCESS */
	nanosleep(&pause, NULL);
	/* The firmware's view: on its way, for good. */
	CHECK_EQ(call(&p, 0, FN64_AFFINITY_INFO, 2, 0, false, NULL), 2);  /* ON_PENDING */
	CHECK_EQ(call(&p, 0, FN64_CPU_ON, 2, RAM_BASE, false, NULL), -4); /* ALREADY_ON */
	psci_cpu_info(&p, 2, &info);
	CHECK(info.lost);
	CHECK_STR(psci_cpu_state_name(&info), "on-pending");
	/* Its thread was never woken: only the stop ends its wait. */
	psci_stop(&p);
	pthread_join(t, NULL);
	CHECK(!w.woke);

	CHECK_EQ(seen.n, 2);
	CHECK_STR(seen.lines[0], "0 off>on boot");
	CHECK_STR(seen.lines[1], "2 off>on-pending CPU_ON lost");
	psci_destroy(&p);
}

TEST(observer_sees_every_power_state_change_with_its_cause)
{
	static const uint64_t mpidrs[] = {0, 1, 2};
	struct psci p;
	struct seen seen = {0};
	enum smccc_outcome out;
	uint64_t entry, ctx;

	CHECK_EQ(psci_init(&p, 3, mpidrs, RAM_BASE, 1 << 20), 0);
	psci_set_present(&p, 2, false); /* before the observer: not seen */
	psci_set_observer(&p, observe, &seen);
	psci_boot_cpu(&p, 0);
	CHECK_EQ(call(&p, 0, FN64_CPU_ON, 1, RAM_BASE, false, NULL), 0);
	CHECK(psci_wait_for_on(&p, 1, &entry, &ctx));
	psci_cpu_running(&p, 1);
	call(&p, 1, 0xC4000001U, 0, 0, false, &out); /* CPU_SUSPEND64 standby */
	CHECK_EQ(out, SMCCC_CPU_SUSPEND);
	psci_suspend_end(&p, 1, &entry, &ctx);
	call(&p, 1, FN_CPU_OFF, 0, 0, false, &out);
	CHECK_EQ(out, SMCCC_CPU_OFF);
	CHECK_EQ(psci_plug(&p, 2), 0);
	CHECK_EQ(psci_plug(&p, 2), -EALREADY); /* no change, no line */
	CHECK_EQ(psci_unplug(&p, 2, false), 0);
	/* A refused CPU_ON changes nothing. */
	CHECK_EQ(call(&p, 0, FN64_CPU_ON, 2, RAM_BASE, false, NULL), -3);

	CHECK_EQ(seen.n, 8);
	CHECK_STR(seen.lines[0], "0 off>on boot");
	CHECK_STR(seen.lines[1], "1 off>on-pending CPU_ON");
	CHECK_STR(seen.lines[2], "1 on-pending>on running");
	CHECK_STR(seen.lines[3], "1 on>suspended suspend");
	CHECK_STR(seen.lines[4], "1 suspended>on wake-up");
	CHECK_STR(seen.lines[5], "1 on>off CPU_OFF");
	CHECK_STR(seen.lines[6], "2 absent>off plug");
	CHECK_STR(seen.lines[7], "2 off>absent unplug");
	psci_destroy(&p);
}

TEST(return_code_names)
{
	CHECK_STR(inject_ret_name(-6), "INTERNAL_FAILURE");
	CHECK_STR(inject_ret_name(-7), "NOT_PRESENT");
	CHECK(inject_ret_name(-42) == NULL);
	CHECK(inject_fid_has_target(FN_CPU_ON));
	CHECK(inject_fid_has_target(FN64_AFFINITY_INFO));
	CHECK(!inject_fid_has_target(FN_CPU_OFF));
}

CHECK_MAIN_BEGIN
RUN(rule_with_every_option_reads_back_canonically);
RUN(every_psci_function_is_known_by_name);
RUN(bad_rules_get_one_line_errors_naming_the_problem);
RUN(cpu_next_and_first_rule_wins);
RUN(set_is_bounded);
RUN(the_longest_rule_is_shown_whole);
RUN(list_shows_the_most_rules_of_the_longest_text_whole);
RUN(next_n_fires_exactly_n_times_across_racing_vcpus);
RUN(delay_waits_and_a_stop_cuts_it_short);
RUN(lost_cpu_on_stays_on_pending_and_never_starts_the_target);
RUN(observer_sees_every_power_state_change_with_its_cause);
RUN(return_code_names);
CHECK_MAIN_END
