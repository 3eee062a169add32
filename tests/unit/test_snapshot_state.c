/*
 * Unit tests of the snapshot codecs of the VMM's userspace state
 * (vmm/snapshot/snap_*.c, contract in snapstate.h): each module's state,
 * made non-trivial through the module's own entry points, saved and loaded
 * into a fresh module must read back the same; a payload whose CRC would be
 * right but whose values cannot be (patched here byte by byte) is refused in
 * one line naming the section and what is wrong; a payload cut anywhere is
 * refused.
 */
#define CHECK_FILE "snapshot_state"
#include "tests/unit/check.h"

#include <stdatomic.h>
#include <stdint.h>

#include "vmm/cli/cli.h"
#include "vmm/firmware/inject.h"
#include "vmm/firmware/psci.h"
#include "vmm/firmware/vendor.h"
#include "vmm/machine/cpuhp.h"
#include "vmm/machine/guest_abi.h"
#include "vmm/machine/testdev.h"
#include "vmm/machine/uart.h"
#include "vmm/snapshot/snapstate.h"

#define NR_CPUS	 5
#define RAM_BASE 0x80000000ULL
#define RAM_SIZE 0x10000000ULL
/* What a guest passes to CPU_ON: the affinity fields of MPIDR_EL1. */
#define MPIDR(n) (GUEST_MPIDR(n) & MPIDR_HWID_MASK)

typedef int (*load_fn)(const void *data, size_t len, char *err, size_t errlen);

/* Every proper prefix of a payload is refused in one line starting with section. */
static void check_every_cut_refused(load_fn load, const struct snap_buf *b, const char *section)
{
	char err[256], what[64];

	for (size_t cut = 0; cut < b->len; cut++) {
		err[0] = '\0';
		snprintf(what, sizeof(what), "%s cut at %zu of %zu", section, cut, b->len);
		CHECK_REFUSED(load(b->data, cut, err, sizeof(err)), err, section, what);
	}
}

/* Load a copy of b with byte off set to v (or, width 4/8, a little-endian word). */
static int load_patched(load_fn load, const struct snap_buf *b, size_t off, uint64_t v, int width,
			char *err, size_t errlen)
{
	uint8_t copy[4096];
	int ret;

	if (b->len > sizeof(copy) || off + (size_t)width > b->len)
		return -2;
	memcpy(copy, b->data, b->len);
	for (int i = 0; i < width; i++)
		copy[off + (size_t)i] = (uint8_t)(v >> (8 * i));
	err[0] = '\0';
	ret = load(copy, b->len, err, errlen);
	return ret;
}

#define CHECK_PATCH_REFUSED(load, b, off, v, width, says)                                          \
	do {                                                                                       \
		char err_[256];                                                                    \
		CHECK_REFUSED(load_patched(load, b, off, v, width, err_, sizeof(err_)), err_,      \
			      says, #off "=" #v);                                                  \
	} while (0)

/* ---- PSCI ---- */

static uint64_t fake_now;
static uint64_t fake_clock(void)
{
	return fake_now;
}

static void psci_fresh(struct psci *p)
{
	uint64_t mpidrs[NR_CPUS];

	for (unsigned int i = 0; i < NR_CPUS; i++)
		mpidrs[i] = GUEST_MPIDR(i);
	CHECK_EQ(psci_init(p, NR_CPUS, mpidrs, RAM_BASE, RAM_SIZE), 0);
	p->now_us = fake_clock;
}

static int64_t psci_call(struct psci *p, unsigned int vcpu, uint32_t fid, uint64_t a0, uint64_t a1,
			 uint64_t a2, bool lost)
{
	struct smccc_call call = {.fid = fid, .vcpu = vcpu, .nr_args = 3, .lost = lost};
	struct smccc_result res = {.x = {(uint64_t)-1}, .nr = 1};

	call.args[0] = a0;
	call.args[1] = a1;
	call.args[2] = a2;
	p->service.handle(p->service.ctx, &call, &res);
	return (int64_t)res.x[0];
}

/*
 * vCPU 0 on (booted), 1 on-pending through a lost CPU_ON, 2 in a power-down
 * suspend since t=1000 after a standby of 200 us, 3 off and unplugged after
 * one CPU_ON/CPU_OFF, 4 on with an unplug deferred to its CPU_OFF.
 */
static void psci_scenario(struct psci *p)
{
	uint64_t e, c;

	psci_fresh(p);
	psci_boot_cpu(p, 0);
	CHECK_EQ(psci_call(p, 0, PSCI_0_2_FN64_CPU_ON, MPIDR(1), RAM_BASE + 0x100, 11, true), 0);
	for (unsigned int i = 2; i <= 4; i++) {
		CHECK_EQ(
		    psci_call(p, 0, PSCI_0_2_FN64_CPU_ON, MPIDR(i), RAM_BASE + 0x200, i, false), 0);
		CHECK(psci_wait_for_on(p, i, &e, &c) && c == i);
		psci_cpu_running(p, i);
	}
	fake_now = 100;
	psci_call(p, 2, PSCI_0_2_FN_CPU_SUSPEND, PSCI_POWER_STATE_STANDBY, 0, 0, false);
	fake_now = 300;
	CHECK(!psci_suspend_end(p, 2, &e, &c));
	fake_now = 1000;
	psci_call(p, 2, PSCI_0_2_FN64_CPU_SUSPEND, PSCI_POWER_STATE_POWERDOWN, RAM_BASE + 0x1000,
		  0x55, false);
	psci_call(p, 3, PSCI_0_2_FN_CPU_OFF, 0, 0, 0, false);
	CHECK_EQ(psci_unplug(p, 3, false), 0);
	CHECK_EQ(psci_unplug(p, 4, true), 1);
}

static int psci_load_fresh(const void *data, size_t len, char *err, size_t errlen)
{
	struct psci p;
	int ret;

	psci_fresh(&p);
	ret = snap_psci_load(&p, data, len, err, errlen);
	psci_destroy(&p);
	return ret;
}

static void check_same_cpus(struct psci *a, struct psci *b)
{
	for (unsigned int i = 0; i < NR_CPUS; i++) {
		struct psci_cpu_info x, y;
		const struct psci_cpu *ca = &a->cpus[i], *cb = &b->cpus[i];

		psci_cpu_info(a, i, &x);
		psci_cpu_info(b, i, &y);
		CHECK(x.mpidr == y.mpidr && x.state == y.state && x.present == y.present &&
		      x.unplug_when_off == y.unplug_when_off && x.lost == y.lost &&
		      x.suspend == y.suspend && x.nr_on == y.nr_on && x.nr_off == y.nr_off);
		CHECK_EQ(ca->entry, cb->entry);
		CHECK_EQ(ca->context_id, cb->context_id);
		CHECK_EQ(ca->entry_be, cb->entry_be);
		CHECK(!memcmp(ca->suspend_count, cb->suspend_count, sizeof(ca->suspend_count)));
	}
}

TEST(psci_round_trips_every_power_state)
{
	struct psci a, b;
	struct snap_buf buf = {0};
	char err[256] = "";
	uint64_t e, c;

	psci_scenario(&a);
	fake_now = 1600; /* the power-down suspend has lasted 600 us */
	snap_psci_save(&a, &buf);
	CHECK(!buf.oom);
	psci_fresh(&b);
	fake_now = 50000; /* another process: another clock */
	CHECK_EQ(snap_psci_load(&b, buf.data, buf.len, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	check_same_cpus(&a, &b);
	CHECK_STR(
	    psci_cpu_state_name(&(struct psci_cpu_info){.state = b.cpus[1].state, .present = true}),
	    "on-pending");
	CHECK(b.cpus[1].lost && !b.cpus[4].lost && b.cpus[4].unplug_when_off);
	CHECK(!b.cpus[3].present && b.cpus[3].nr_off == 1);
	CHECK_EQ(b.cpus[2].residency_us[PSCI_SUSPEND_STANDBY], 200);
	/* AFFINITY_INFO and STAT_COUNT answer as before. */
	CHECK_EQ(psci_call(&b, 0, PSCI_0_2_FN64_AFFINITY_INFO, MPIDR(1), 0, 0, false),
		 PSCI_AFFINITY_ON_PENDING);
	CHECK_EQ(psci_call(&b, 0, PSCI_0_2_FN64_AFFINITY_INFO, MPIDR(3), 0, 0, false),
		 PSCI_AFFINITY_OFF);
	CHECK_EQ(psci_call(&b, 0, PSCI_1_0_FN64_STAT_COUNT, MPIDR(2), PSCI_POWER_STATE_POWERDOWN, 0,
			   false),
		 1);
	/* The suspended vCPU wakes at its entry, 600 + 100 us in all. */
	fake_now = 50100;
	CHECK(psci_suspend_end(&b, 2, &e, &c));
	CHECK_EQ(e, RAM_BASE + 0x1000);
	CHECK_EQ(c, 0x55);
	CHECK_EQ(b.cpus[2].residency_us[PSCI_SUSPEND_POWERDOWN], 700);
	psci_destroy(&b);

	/* A clock younger than the suspend: the total is still right. */
	psci_fresh(&b);
	fake_now = 100;
	CHECK_EQ(snap_psci_load(&b, buf.data, buf.len, err, sizeof(err)), 0);
	fake_now = 150;
	CHECK(psci_suspend_end(&b, 2, &e, &c));
	CHECK_EQ(b.cpus[2].residency_us[PSCI_SUSPEND_POWERDOWN], 650);
	psci_destroy(&b);
	psci_destroy(&a);
	snap_buf_free(&buf);
}

/* Payload layout (snap_psci.c): 264 bytes of firmware view, u32 vCPUs, then
 * 86 bytes per vCPU: MPIDR 0, state 8, present 9, unplug 10, suspend 11,
 * entry 12, context 20, be 28, lost 29, suspended for 30. */
#define PSCI_CPU(i, field) (268 + 86 * (i) + (field))

TEST(psci_refuses_impossible_states)
{
	struct snap_buf b = {0};
	struct psci a;

	psci_scenario(&a);
	snap_psci_save(&a, &b);
	CHECK_PATCH_REFUSED(psci_load_fresh, &b, PSCI_CPU(3, 11), 2, 1,
			    "PSCI: vCPU 3 is suspended but not on");
	CHECK_PATCH_REFUSED(psci_load_fresh, &b, PSCI_CPU(0, 9), 0, 1,
			    "PSCI: vCPU 0 is absent but not off");
	CHECK_PATCH_REFUSED(psci_load_fresh, &b, PSCI_CPU(2, 29), 1, 1,
			    "PSCI: vCPU 2 has a lost CPU_ON but is not on-pending");
	CHECK_PATCH_REFUSED(psci_load_fresh, &b, PSCI_CPU(1, 12), 0x1000, 8,
			    "PSCI: vCPU 1 is on-pending with an entry point outside RAM");
	CHECK_PATCH_REFUSED(psci_load_fresh, &b, PSCI_CPU(2, 12), RAM_BASE + 2, 8,
			    "vCPU 2 is in a power-down suspend with an entry point outside RAM");
	CHECK_PATCH_REFUSED(psci_load_fresh, &b, PSCI_CPU(0, 8), 3, 1, "unknown power state");
	CHECK_PATCH_REFUSED(psci_load_fresh, &b, PSCI_CPU(3, 10), 1, 1,
			    "vCPU 3 is absent but not off");
	CHECK_PATCH_REFUSED(psci_load_fresh, &b, PSCI_CPU(4, 0), 0x42, 8, "another MPIDR");
	CHECK_PATCH_REFUSED(psci_load_fresh, &b, PSCI_CPU(0, 30), 5, 8,
			    "vCPU 0 has a suspend in progress but is not suspended");
	CHECK_PATCH_REFUSED(psci_load_fresh, &b, PSCI_CPU(0, 28), 2, 1, "PSCI: payload malformed");
	CHECK_PATCH_REFUSED(psci_load_fresh, &b, 0, 0x10002, 4,
			    "PSCI: the guest saw PSCI 1.2, this vmm implements 1.3");
	/* PSCI_FEATURES(SYSTEM_OFF2) was 1 (HIBERNATE_OFF). */
	CHECK_PATCH_REFUSED(psci_load_fresh, &b, 8 + 4 * 0x15, 0, 4,
			    "PSCI_FEATURES(PSCI_SYSTEM_OFF2) = 0, this vmm answers 1");
	CHECK_PATCH_REFUSED(psci_load_fresh, &b, 264, 4, 4, "PSCI: 4 vCPUs, the machine has 5");
	check_every_cut_refused(psci_load_fresh, &b, "PSCI: ");
	snap_put_u8(&b, 0);
	CHECK_PATCH_REFUSED(psci_load_fresh, &b, 0, PSCI_IMPL_VERSION, 4, "1 bytes left over");
	psci_destroy(&a);
	snap_buf_free(&b);
}

/* ---- the machine and the shared facts ---- */

static void describe(struct machine *m)
{
	struct vmm_config cfg = {0};
	char err[256];

	cfg.nr_cpus = 2;
	cfg.max_cpus = 4;
	cfg.ram_size = 512ULL << 20;
	cfg.acpi = true;
	cfg.pmu = true;
	cfg.conduit = SMCCC_CONDUIT_SMC;
	cfg.cmdline = "console=ttyS0 earlycon";
	CHECK_EQ(machine_describe(&cfg, m, err, sizeof(err)), 0);
}

static int machine_load_fresh(const void *data, size_t len, char *err, size_t errlen)
{
	static struct machine m;

	return snap_machine_load(&m, data, len, err, errlen);
}

TEST(machine_round_trips_and_gives_back_its_options)
{
	static struct machine m, loaded, again;
	struct vmm_config cfg = {0};
	struct snap_buf b = {0};
	char err[256] = "";

	describe(&m);
	snap_machine_save(&m, &b);
	CHECK_EQ(snap_machine_load(&loaded, b.data, b.len, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK(!memcmp(&m, &loaded, sizeof(m)));
	snap_machine_config(&loaded, &cfg);
	CHECK_EQ(cfg.nr_cpus, 2);
	CHECK_EQ(cfg.max_cpus, 4);
	CHECK(cfg.acpi && cfg.pmu && cfg.conduit == SMCCC_CONDUIT_SMC);
	CHECK_STR(cfg.cmdline, "console=ttyS0 earlycon");
	CHECK_EQ(machine_describe(&cfg, &again, err, sizeof(err)), 0);
	CHECK(!memcmp(&m, &again, sizeof(m)));
	snap_buf_free(&b);
}

/* Layout: nr 0, boot 4, 4 x (MPIDR, bool) from 8, ranges from 44 (RAM, UART,
 * ...), clock 172, SPIs 176, 180, PMU 184, conduit 188, PSCI 192, ACPI 196. */
TEST(machine_refuses_what_this_vmm_would_not_build)
{
	static struct machine m;
	struct snap_buf b = {0};

	describe(&m);
	snap_machine_save(&m, &b);
	CHECK_PATCH_REFUSED(machine_load_fresh, &b, 0, 0, 4, "MACHINE: 2 vCPUs present of 0");
	CHECK_PATCH_REFUSED(machine_load_fresh, &b, 4, 5, 4, "5 vCPUs present of 4 possible");
	CHECK_PATCH_REFUSED(machine_load_fresh, &b, 52, (512ULL << 20) + 1, 8,
			    "is not whole pages");
	CHECK_PATCH_REFUSED(machine_load_fresh, &b, 60, GUEST_UART_BASE + 0x1000, 8,
			    "MACHINE: uart_base is not what this vmm builds");
	CHECK_PATCH_REFUSED(machine_load_fresh, &b, 8, 0x100, 8, "MACHINE: mpidrs");
	CHECK_PATCH_REFUSED(machine_load_fresh, &b, 188, 2, 4, "unknown conduit 2");
	/* Without ACPI the CPU hotplug block would not be there. */
	CHECK_PATCH_REFUSED(machine_load_fresh, &b, 196, 0, 1, "MACHINE: cpuhp_base");
	/* 0 would be a machine without a PMU: possible. INTID 24 is not ours. */
	CHECK_PATCH_REFUSED(machine_load_fresh, &b, 184, 24, 4, "MACHINE: pmu_intid");
	check_every_cut_refused(machine_load_fresh, &b, "MACHINE: ");
	snap_buf_free(&b);
}

static int shared_load_fresh(const void *data, size_t len, char *err, size_t errlen)
{
	static struct snap_shared s;

	return snap_shared_load(&s, 3, data, len, err, errlen);
}

TEST(shared_round_trips_and_keeps_the_boot_vcpu)
{
	static struct snap_shared s, t;
	struct snap_buf b = {0};
	char err[256] = "";

	s.resets = 7;
	s.restores = 2;
	s.hypercalls = 123456789012ULL;
	s.nr_cpus = 3;
	s.present[0] = s.present[2] = true;
	snap_shared_save(&s, &b);
	CHECK_EQ(snap_shared_load(&t, 3, b.data, b.len, err, sizeof(err)), 0);
	CHECK(!memcmp(&s, &t, sizeof(s)));
	CHECK_PATCH_REFUSED(shared_load_fresh, &b, 20, 0, 1, "SHARED: the boot vCPU 0 is absent");
	CHECK_PATCH_REFUSED(shared_load_fresh, &b, 16, 4, 4, "SHARED: 4 vCPUs, the machine has 3");
	check_every_cut_refused(shared_load_fresh, &b, "SHARED: ");
	snap_buf_free(&b);
}

/* ---- firmware around PSCI ---- */

static const struct smccc_service psci_svc = {.name = "psci"};

static void smccc_sample(struct smccc_table *t, bool with_filter, uint8_t deny_action)
{
	const struct smccc_range rows[] = {
	    {PSCI_0_2_FN_BASE, 32, SMCCC_FILTER_FWD_TO_USER, "psci", &psci_svc},
	    {PSCI_0_1_FN_BASE, 4, (enum smccc_filter_action)deny_action, "psci-0.1", NULL},
	    {0xc2000000, 0x100, SMCCC_FILTER_FWD_TO_USER, "--smccc-filter", NULL},
	};
	char err[256];

	memset(t, 0, sizeof(*t));
	for (unsigned int i = 0; i < (with_filter ? 3U : 2U); i++)
		CHECK_EQ(smccc_table_add(t, &rows[i], err, sizeof(err)), 0);
}

static int smccc_load_fresh(const void *data, size_t len, char *err, size_t errlen)
{
	static struct snap_smccc s;

	return snap_smccc_load(&s, data, len, err, errlen);
}

TEST(smccc_table_is_compared_and_gives_back_the_user_ranges)
{
	static struct snap_smccc s;
	struct smccc_table t, other;
	struct cli_filter f[4];
	struct snap_buf b = {0};
	char err[256] = "";

	smccc_sample(&t, true, SMCCC_FILTER_DENY);
	snap_smccc_save(&t, &b);
	CHECK_EQ(snap_smccc_load(&s, b.data, b.len, err, sizeof(err)), 0);
	CHECK_EQ(s.nr, 3);
	CHECK_STR(s.rows[0].service, "psci");
	CHECK_STR(s.rows[1].service, "");
	CHECK_EQ(snap_smccc_compare(&s, &t, err, sizeof(err)), 0);
	CHECK_EQ(snap_smccc_filters(&s, f, 4), 1);
	CHECK(f[0].base == 0xc2000000 && f[0].nr == 0x100 &&
	      f[0].action == SMCCC_FILTER_FWD_TO_USER);
	smccc_sample(&other, false, SMCCC_FILTER_DENY);
	CHECK_REFUSED(snap_smccc_compare(&s, &other, err, sizeof(err)), err,
		      "SMCCC: the guest had 0xc2000000 +256 (--smccc-filter) forward", "no filter");
	smccc_sample(&other, true, SMCCC_FILTER_HANDLE);
	CHECK_REFUSED(snap_smccc_compare(&s, &other, err, sizeof(err)), err,
		      "SMCCC: row 1: this vmm has 0x95c1ba5e +4 (psci-0.1) handle", "action");
	/* Row 0's action byte is at 4 + 8. */
	CHECK_PATCH_REFUSED(smccc_load_fresh, &b, 12, 3, 1, "SMCCC: row 0 (0x84000000 +32");
	CHECK_PATCH_REFUSED(smccc_load_fresh, &b, 8, 0, 4, "is not a range");
	CHECK_PATCH_REFUSED(smccc_load_fresh, &b, 0, 33, 4, "SMCCC: 33 rows, a table holds 32");
	check_every_cut_refused(smccc_load_fresh, &b, "SMCCC: ");
	snap_buf_free(&b);
}

static int vendor_load_fresh(const void *data, size_t len, char *err, size_t errlen)
{
	static struct vendor v;

	return snap_vendor_load(&v, data, len, err, errlen);
}

TEST(vendor_keeps_the_cpu_implementations)
{
	static struct vendor v, w;
	struct snap_buf b = {0};
	char err[256] = "";

	v.nr_impl = 2;
	v.impl[0] = (struct vendor_impl_cpu){0x410fd0c0, 1, 2};
	v.impl[1] = (struct vendor_impl_cpu){0x610f0000, 3, 4};
	snap_vendor_save(&v, &b);
	CHECK_EQ(snap_vendor_load(&w, b.data, b.len, err, sizeof(err)), 0);
	CHECK_EQ(w.nr_impl, 2);
	CHECK(!memcmp(w.impl, v.impl, sizeof(v.impl)));
	CHECK_PATCH_REFUSED(vendor_load_fresh, &b, 0, 17, 4, "VENDOR: 17 CPU implementations");
	check_every_cut_refused(vendor_load_fresh, &b, "VENDOR: ");
	snap_buf_free(&b);
}

static int inject_load_fresh(const void *data, size_t len, char *err, size_t errlen)
{
	static struct inject inj;

	inject_init(&inj);
	return snap_inject_load(&inj, data, len, err, errlen);
}

TEST(inject_rules_come_back_with_what_is_left_of_them)
{
	static struct inject a, b;
	const char *rules[] = {"CPU_ON:cpu=2:next=3:lost", "AFFINITY_INFO:ret=DENIED"};
	struct inject_action act;
	struct inject_rule r;
	struct snap_buf buf = {0};
	char err[256] = "", la[INJECT_LIST_MAX], lb[INJECT_LIST_MAX];

	inject_init(&a);
	for (int i = 0; i < 2; i++) {
		CHECK_EQ(inject_parse(rules[i], &r, err, sizeof(err)), 0);
		CHECK_EQ(inject_add(&a, &r), 0);
	}
	inject_match(&a, PSCI_0_2_FN64_CPU_ON, 2, &act);
	CHECK(act.hit && act.lost);
	snap_inject_save(&a, &buf);
	inject_init(&b);
	CHECK_EQ(snap_inject_load(&b, buf.data, buf.len, err, sizeof(err)), 0);
	inject_list(&a, la, sizeof(la));
	inject_list(&b, lb, sizeof(lb));
	CHECK_STR(lb, la);
	CHECK(strstr(lb, "fired=1,left=2"));
	/* Rule 0's count is after its text: 4 + 4 + strlen. */
	CHECK_PATCH_REFUSED(inject_load_fresh, &buf, 8 + strlen(a.rules[0].text), 4, 8,
			    "fired 4 times");
	CHECK_PATCH_REFUSED(inject_load_fresh, &buf, 8, 'X', 1, "INJECT: rule 0: ");
	CHECK_PATCH_REFUSED(inject_load_fresh, &buf, 0, 33, 4, "INJECT: 33 rules, room for 32");
	check_every_cut_refused(inject_load_fresh, &buf, "INJECT: ");
	snap_buf_free(&buf);
}

/* ---- devices ---- */

static struct psci hp_psci;

static int cpuhp_load_fresh(const void *data, size_t len, char *err, size_t errlen)
{
	struct cpuhp h;
	int ret;

	cpuhp_init(&h, &hp_psci, NR_CPUS, NULL, NULL);
	ret = snap_cpuhp_load(&h, data, len, err, errlen);
	cpuhp_destroy(&h);
	return ret;
}

TEST(cpuhp_keeps_events_in_flight_and_the_last_ost)
{
	struct cpuhp a, b;
	struct snap_buf buf = {0};
	char err[256] = "";
	uint32_t ost = CPUHP_OST_DEVICE_CHECK << 16 | CPUHP_OST_SUCCESS;

	psci_fresh(&hp_psci);
	psci_set_present(&hp_psci, 3, false);
	cpuhp_init(&a, &hp_psci, NR_CPUS, NULL, NULL);
	CHECK_EQ(cpuhp_plug(&a, 3), 0);		 /* INSERT pending */
	CHECK_EQ(cpuhp_request_eject(&a, 2), 0); /* EJECT pending, requested */
	cpuhp_mmio(&a, GUEST_CPUHP_OST(1), (uint8_t *)&ost, 4, true);
	snap_cpuhp_save(&a, &buf);
	cpuhp_init(&b, &hp_psci, NR_CPUS, NULL, NULL);
	CHECK_EQ(snap_cpuhp_load(&b, buf.data, buf.len, err, sizeof(err)), 0);
	CHECK_EQ(b.ost_seq, 1);
	CHECK(!memcmp(a.cpus, b.cpus, NR_CPUS * sizeof(*a.cpus)));
	CHECK(b.cpus[3].pending == GUEST_CPUHP_INSERT && cpuhp_eject_pending(&b, 2));
	CHECK_EQ(cpuhp_answer(&b, 1, 0, false, &(struct cpuhp_ost){0}), CPUHP_ANSWER_SUCCESS);
	/* Per vCPU 18 bytes from 12: pending, requested, seq, event, status. */
	CHECK_PATCH_REFUSED(cpuhp_load_fresh, &buf, 12 + 18 * 3, 6, 1,
			    "CPUHP: vCPU 3 has impossible pending events");
	CHECK_PATCH_REFUSED(cpuhp_load_fresh, &buf, 12 + 18 * 2 + 1, 0, 1,
			    "vCPU 2 has an eject event nobody requested");
	CHECK_PATCH_REFUSED(cpuhp_load_fresh, &buf, 12 + 1, 1, 1,
			    "vCPU 0 is the boot vCPU but asked to eject");
	CHECK_PATCH_REFUSED(cpuhp_load_fresh, &buf, 4, 0, 8, "vCPU 1 has an impossible _OST");
	CHECK_PATCH_REFUSED(cpuhp_load_fresh, &buf, 12 + 18 * 4 + 2, 1, 8,
			    "vCPU 4 has the _OST of another vCPU");
	CHECK_PATCH_REFUSED(cpuhp_load_fresh, &buf, 0, 4, 4, "CPUHP: 4 vCPUs, the machine has 5");
	check_every_cut_refused(cpuhp_load_fresh, &buf, "CPUHP: ");
	cpuhp_destroy(&a);
	cpuhp_destroy(&b);
	psci_destroy(&hp_psci);
	snap_buf_free(&buf);
}

static void no_tx(void *ctx, uint8_t byte)
{
	(void)ctx;
	(void)byte;
}

static uint8_t uart_reg(struct uart *u, unsigned int reg)
{
	uint8_t v = 0;

	uart_mmio(u, reg, &v, 1, false);
	return v;
}

static void uart_set(struct uart *u, unsigned int reg, uint8_t v)
{
	uart_mmio(u, reg, &v, 1, true);
}

static int uart_load_fresh(const void *data, size_t len, char *err, size_t errlen)
{
	struct uart u;
	int ret;

	uart_init(&u, no_tx, NULL, NULL);
	ret = snap_uart_load(&u, data, len, err, errlen);
	uart_destroy(&u);
	return ret;
}

TEST(uart_keeps_registers_and_a_wrapped_fifo)
{
	uint8_t in[64], out[12];
	struct snap_buf buf = {0};
	struct uart a, b;
	char err[256] = "";

	uart_init(&a, no_tx, NULL, NULL);
	uart_set(&a, UART_LCR, 0x83);
	uart_set(&a, UART_RBR_THR, 0x0c); /* DLL */
	uart_set(&a, UART_LCR, 0x03);
	uart_set(&a, UART_IER, UART_IER_RDI);
	uart_set(&a, UART_MCR, 0x0b);
	uart_set(&a, UART_SCR, 0x5a);
	uart_set(&a, UART_IIR_FCR, UART_FCR_ENABLE_FIFO);
	for (int i = 0; i < 64; i++)
		in[i] = (uint8_t)i;
	CHECK_EQ(uart_receive(&a, in, 60), 60);
	for (int i = 0; i < 58; i++)
		uart_reg(&a, UART_RBR_THR);
	CHECK_EQ(uart_receive(&a, in + 50, 10), 10); /* the FIFO wraps */
	snap_uart_save(&a, &buf);
	uart_init(&b, no_tx, NULL, NULL);
	CHECK_EQ(snap_uart_load(&b, buf.data, buf.len, err, sizeof(err)), 0);
	CHECK(b.irq_level);
	CHECK_EQ(uart_reg(&b, UART_LCR), 0x03);
	CHECK_EQ(uart_reg(&b, UART_SCR), 0x5a);
	CHECK_EQ(uart_reg(&b, UART_MCR), 0x0b);
	CHECK_EQ(uart_reg(&b, UART_IIR_FCR), UART_IIR_RDI | UART_IIR_FIFO_ENABLED);
	uart_set(&b, UART_LCR, 0x83);
	CHECK_EQ(uart_reg(&b, UART_RBR_THR), 0x0c);
	uart_set(&b, UART_LCR, 0x03);
	for (int i = 0; i < 12; i++)
		out[i] = uart_reg(&b, UART_RBR_THR);
	CHECK(out[0] == 58 && out[1] == 59 && out[2] == 50 && out[11] == 59);
	CHECK_EQ(uart_reg(&b, UART_LSR) & UART_LSR_DR, 0);
	/* Layout: IER 0, LCR, MCR, SCR, DLL, DLM, FCR 6, THRI 7, level 8, count 9. */
	CHECK_PATCH_REFUSED(uart_load_fresh, &buf, 8, 0, 1,
			    "UART: the interrupt line is low but the registers say high");
	CHECK_PATCH_REFUSED(uart_load_fresh, &buf, 0, 0x81, 1, "bits the 16550 never keeps");
	CHECK_PATCH_REFUSED(uart_load_fresh, &buf, 9, 65, 4, "UART: payload malformed");
	CHECK_PATCH_REFUSED(uart_load_fresh, &buf, 9, 11, 4, "UART: payload malformed");
	check_every_cut_refused(uart_load_fresh, &buf, "UART: ");
	uart_destroy(&a);
	uart_destroy(&b);
	snap_buf_free(&buf);
}

static int testdev_load_fresh(const void *data, size_t len, char *err, size_t errlen)
{
	static struct testdev t;

	return snap_testdev_load(&t, data, len, err, errlen);
}

TEST(testdev_keeps_the_verdict_and_counts)
{
	struct testdev a = {0}, b = {0};
	struct snap_buf buf = {0};
	char err[256] = "";
	uint32_t v = 3;

	testdev_mmio(&a, GUEST_TESTDEV_RESULT, (uint8_t *)&v, 4, true);
	a.resets = 2;
	a.psci_mode = GUEST_PSCI_MODE_KERNEL;
	a.restores = 4;
	snap_testdev_save(&a, &buf);
	CHECK_EQ(snap_testdev_load(&b, buf.data, buf.len, err, sizeof(err)), 0);
	CHECK(atomic_load(&b.failed));
	CHECK_EQ(atomic_load(&b.result), 3);
	CHECK(b.resets == 2 && b.psci_mode == 1 && b.restores == 4);
	CHECK_PATCH_REFUSED(testdev_load_fresh, &buf, 0, 0, 1,
			    "TESTDEV: the guest reported failure 3 but has not failed");
	CHECK_PATCH_REFUSED(testdev_load_fresh, &buf, 9, 9, 4, "TESTDEV: unknown PSCI mode 9");
	check_every_cut_refused(testdev_load_fresh, &buf, "TESTDEV: ");
	snap_buf_free(&buf);
}

CHECK_MAIN_BEGIN
RUN(psci_round_trips_every_power_state);
RUN(psci_refuses_impossible_states);
RUN(machine_round_trips_and_gives_back_its_options);
RUN(machine_refuses_what_this_vmm_would_not_build);
RUN(shared_round_trips_and_keeps_the_boot_vcpu);
RUN(smccc_table_is_compared_and_gives_back_the_user_ranges);
RUN(vendor_keeps_the_cpu_implementations);
RUN(inject_rules_come_back_with_what_is_left_of_them);
RUN(cpuhp_keeps_events_in_flight_and_the_last_ost);
RUN(uart_keeps_registers_and_a_wrapped_fifo);
RUN(testdev_keeps_the_verdict_and_counts);
CHECK_MAIN_END
