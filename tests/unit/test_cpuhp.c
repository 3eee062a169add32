/*
 * Unit tests of the ACPI CPU hotplug registers (vmm/machine/cpuhp.c) against the
 * real PSCI state: what _STA and _EVT read, what _EJ0 does, that PSCI's
 * CPU_ON and ACPI's view of a vCPU never disagree, and what the guest's _OST
 * tells `plug`/`unplug`, `cpus` and the record.
 */
#define CHECK_FILE "cpuhp"
#include "tests/unit/check.h"
#include "tests/unit/golden.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "vmm/machine/cpuhp.h"
#include "vmm/machine/guest_abi.h"
#include "vmm/machine/machine.h"
#include "vmm/firmware/psci.h"
#include "vmm/record/timeline.h"
#include "vmm/record/tracefile.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (64ULL << 20)
#define NR	 4

static const uint64_t mpidrs[NR] = {0x80000000, 0x80000001, 0x80000002, 0x80000003};
static unsigned int pulses;

static void count_pulse(void *ctx)
{
	(void)ctx;
	pulses++;
}

static uint32_t reg(struct cpuhp *h, uint64_t off)
{
	uint32_t v = 0xdeadbeef;

	cpuhp_mmio(h, off, (uint8_t *)&v, 4, false);
	return v;
}

static void wreg(struct cpuhp *h, uint64_t off, uint32_t v)
{
	cpuhp_mmio(h, off, (uint8_t *)&v, 4, true);
}

/* 2 of 4 vCPUs plugged at boot, vCPU 0 running. */
static bool setup(struct psci *p, struct cpuhp *h)
{
	if (psci_init(p, NR, mpidrs, RAM_BASE, RAM_SIZE))
		return false;
	psci_set_present(p, 2, false);
	psci_set_present(p, 3, false);
	psci_boot_cpu(p, 0);
	pulses = 0;
	return cpuhp_init(h, p, NR, count_pulse, NULL) == 0;
}

static int64_t cpu_on(struct psci *p, unsigned int target)
{
	const struct smccc_service *s = psci_service(p);
	struct smccc_call c = {.fid = 0xC4000003U, .nr_args = 3};
	struct smccc_result res = {.nr = 1};

	c.args[0] = mpidrs[target] & MPIDR_HWID_MASK;
	c.args[1] = RAM_BASE;
	s->handle(s->ctx, &c, &res);
	return (int64_t)res.x[0];
}

TEST(sta_reads_enabled_for_plugged_vcpus_only)
{
	struct psci p;
	struct cpuhp h;

	CHECK(setup(&p, &h));
	CHECK_EQ(reg(&h, GUEST_CPUHP_COUNT), NR);
	CHECK_EQ(reg(&h, GUEST_CPUHP_CPU(0)), GUEST_CPUHP_ENABLED);
	CHECK_EQ(reg(&h, GUEST_CPUHP_CPU(1)), GUEST_CPUHP_ENABLED);
	CHECK_EQ(reg(&h, GUEST_CPUHP_CPU(2)), 0);
	CHECK_EQ(reg(&h, GUEST_CPUHP_CPU(3)), 0);
	CHECK_EQ(reg(&h, GUEST_CPUHP_CPU(NR)), 0); /* past the last vCPU */
	CHECK_EQ(pulses, 0);
	cpuhp_destroy(&h);
	psci_destroy(&p);
}

TEST(plug_sets_insert_pulses_and_makes_cpu_on_succeed)
{
	struct psci p;
	struct cpuhp h;

	CHECK(setup(&p, &h));
	CHECK_EQ(cpu_on(&p, 2), -3); /* DENIED while absent */
	CHECK_EQ(cpuhp_plug(&h, 2), 0);
	CHECK_EQ(pulses, 1);
	CHECK_EQ(reg(&h, GUEST_CPUHP_CPU(2)), GUEST_CPUHP_ENABLED | GUEST_CPUHP_INSERT);
	CHECK_STR(cpuhp_state_name(&h, 2), "insert-pending");
	/* _EVT acknowledges the insert: the event is gone, the CPU stays */
	wreg(&h, GUEST_CPUHP_CPU(2), GUEST_CPUHP_INSERT);
	CHECK_EQ(reg(&h, GUEST_CPUHP_CPU(2)), GUEST_CPUHP_ENABLED);
	CHECK_STR(cpuhp_state_name(&h, 2), "");
	CHECK_EQ(cpu_on(&p, 2), 0);
	CHECK_EQ(cpuhp_plug(&h, 2), -EALREADY);
	CHECK_EQ(cpuhp_plug(&h, NR), -ENOENT);
	CHECK_EQ(pulses, 1);
	cpuhp_destroy(&h);
	psci_destroy(&p);
}

TEST(eject_request_then_ej0_of_an_off_cpu_makes_it_absent)
{
	struct psci p;
	struct cpuhp h;

	CHECK(setup(&p, &h));
	CHECK_EQ(cpuhp_request_eject(&h, 1), 0);
	CHECK_EQ(pulses, 1);
	CHECK_EQ(reg(&h, GUEST_CPUHP_CPU(1)), GUEST_CPUHP_ENABLED | GUEST_CPUHP_EJECT);
	CHECK(cpuhp_eject_pending(&h, 1));
	CHECK(!cpuhp_gone(&h, 1));
	wreg(&h, GUEST_CPUHP_CPU(1), GUEST_CPUHP_EJECT);   /* _EVT: Notify(CPU1, 3) */
	CHECK(cpuhp_eject_pending(&h, 1));		   /* the guest has not answered */
	wreg(&h, GUEST_CPUHP_CPU(1), GUEST_CPUHP_EJECTED); /* _EJ0 */
	CHECK_EQ(reg(&h, GUEST_CPUHP_CPU(1)), 0);	   /* _STA now 0xD */
	CHECK(cpuhp_gone(&h, 1));
	CHECK(!cpuhp_eject_pending(&h, 1));
	CHECK_EQ(cpu_on(&p, 1), -3);
	CHECK_EQ(cpuhp_request_eject(&h, 1), -EALREADY);
	cpuhp_destroy(&h);
	psci_destroy(&p);
}

/* _EJ0 of a vCPU PSCI still sees ON: _STA must stop saying enabled at once
 * (the kernel re-reads it), the vCPU turns absent at its CPU_OFF. */
TEST(ej0_of_a_running_cpu_reads_disabled_and_completes_at_cpu_off)
{
	struct psci p;
	struct cpuhp h;
	struct psci_cpu_info info;

	CHECK(setup(&p, &h));
	CHECK_EQ(cpu_on(&p, 1), 0);
	CHECK_EQ(cpuhp_request_eject(&h, 1), 0);
	wreg(&h, GUEST_CPUHP_CPU(1), GUEST_CPUHP_EJECTED);
	CHECK_EQ(reg(&h, GUEST_CPUHP_CPU(1)) & GUEST_CPUHP_ENABLED, 0);
	CHECK(cpuhp_gone(&h, 1));
	CHECK_EQ(psci_cpu_info(&p, 1, &info), 0);
	CHECK(info.present && info.unplug_when_off);
	cpuhp_destroy(&h);
	psci_destroy(&p);
}

TEST(the_boot_cpu_cannot_be_ejected)
{
	struct psci p;
	struct cpuhp h;

	CHECK(setup(&p, &h));
	CHECK_EQ(cpuhp_request_eject(&h, 0), -EPERM);
	wreg(&h, GUEST_CPUHP_CPU(0), GUEST_CPUHP_EJECTED); /* a guest trying anyway */
	CHECK_EQ(reg(&h, GUEST_CPUHP_CPU(0)), GUEST_CPUHP_ENABLED);
	CHECK_EQ(pulses, 0);
	cpuhp_destroy(&h);
	psci_destroy(&p);
}

TEST(plug_cancels_an_unanswered_eject_request)
{
	struct psci p;
	struct cpuhp h;

	CHECK(setup(&p, &h));
	CHECK_EQ(cpuhp_request_eject(&h, 1), 0);
	CHECK_EQ(cpuhp_plug(&h, 1), -EALREADY); /* still plugged: nothing to add */
	CHECK(cpuhp_eject_pending(&h, 1));
	wreg(&h, GUEST_CPUHP_CPU(1), GUEST_CPUHP_EJECTED);
	CHECK_EQ(cpuhp_plug(&h, 1), 0);
	CHECK(!cpuhp_eject_pending(&h, 1));
	CHECK_EQ(reg(&h, GUEST_CPUHP_CPU(1)), GUEST_CPUHP_ENABLED | GUEST_CPUHP_INSERT);
	cpuhp_destroy(&h);
	psci_destroy(&p);
}

TEST(odd_sized_or_unaligned_accesses_are_harmless)
{
	struct psci p;
	struct cpuhp h;
	uint8_t b[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	CHECK(setup(&p, &h));
	cpuhp_mmio(&h, GUEST_CPUHP_CPU(1), b, 1, false);
	CHECK_EQ(b[0], 0);
	cpuhp_mmio(&h, GUEST_CPUHP_CPU(1) + 1, b, 4, false);
	CHECK_EQ(b[1] | b[2] | b[3], 0);
	memset(b, 0xff, sizeof(b));
	cpuhp_mmio(&h, GUEST_CPUHP_CPU(1), b, 8, true); /* not a DWORD: ignored */
	CHECK(!cpuhp_gone(&h, 1));
	wreg(&h, 0xffc, GUEST_CPUHP_EJECTED); /* beyond the vCPUs: ignored */
	wreg(&h, GUEST_CPUHP_COUNT, 0);
	CHECK_EQ(reg(&h, GUEST_CPUHP_COUNT), NR);
	cpuhp_destroy(&h);
	psci_destroy(&p);
}

/* What the DSDT's _OST writes: Arg0 << 16 | Arg1 & 0xFFFF. */
static void ost(struct cpuhp *h, unsigned int cpu, uint32_t event, uint32_t status)
{
	wreg(h, GUEST_CPUHP_OST(cpu), event << 16 | (status & 0xffff));
}

TEST(ost_register_keeps_the_last_status_per_vcpu)
{
	struct psci p;
	struct cpuhp h;
	struct cpuhp_ost o;

	CHECK(setup(&p, &h));
	CHECK_EQ(GUEST_CPUHP_OST(MACHINE_MAX_CPUS - 1) + 4 <= GUEST_CPUHP_SIZE, 1);
	CHECK_EQ(GUEST_CPUHP_CPU(MACHINE_MAX_CPUS - 1) + 4 <= GUEST_CPUHP_OST(0), 1);
	CHECK(!cpuhp_last_ost(&h, 2, &o));
	CHECK_EQ(reg(&h, GUEST_CPUHP_OST(2)), 0);
	ost(&h, 2, CPUHP_OST_DEVICE_CHECK, CPUHP_OST_SUCCESS);
	ost(&h, 3, CPUHP_OST_EJECT_REQUEST, 0x84);
	CHECK_EQ(reg(&h, GUEST_CPUHP_OST(2)), 0x10000);
	CHECK_EQ(reg(&h, GUEST_CPUHP_OST(3)), 0x30084);
	CHECK(cpuhp_last_ost(&h, 2, &o));
	CHECK_EQ(o.event, 1);
	CHECK_EQ(o.status, 0);
	CHECK_EQ(o.seq, 1);
	CHECK(cpuhp_last_ost(&h, 3, &o));
	CHECK_EQ(o.seq, 2);
	CHECK_EQ(cpuhp_ost_seq(&h), 2);
	/* _OST is a report, not a command: no vCPU changes state */
	CHECK(cpuhp_gone(&h, 2));
	CHECK(cpuhp_gone(&h, 3));
	CHECK_EQ(pulses, 0);
	wreg(&h, GUEST_CPUHP_OST(NR), 0x10000); /* past the last vCPU: ignored */
	CHECK_EQ(cpuhp_ost_seq(&h), 2);
	cpuhp_destroy(&h);
	psci_destroy(&p);
}

TEST(answer_looks_at_the_right_event_after_the_request_only)
{
	struct psci p;
	struct cpuhp h;
	struct cpuhp_ost o;
	unsigned long since;

	CHECK(setup(&p, &h));
	ost(&h, 2, CPUHP_OST_DEVICE_CHECK, CPUHP_OST_SUCCESS); /* an older answer */
	since = cpuhp_ost_seq(&h);
	CHECK_EQ(cpuhp_plug(&h, 2), 0);
	CHECK_EQ(cpuhp_answer(&h, 2, since, false, &o), CPUHP_ANSWER_NONE);
	ost(&h, 2, CPUHP_OST_DEVICE_CHECK, CPUHP_OST_INSERTION_PENDING);
	CHECK_EQ(cpuhp_answer(&h, 2, since, false, &o), CPUHP_ANSWER_PENDING);
	ost(&h, 2, CPUHP_OST_DEVICE_CHECK, CPUHP_OST_SUCCESS);
	CHECK_EQ(cpuhp_answer(&h, 2, since, false, &o), CPUHP_ANSWER_SUCCESS);
	CHECK_EQ(cpuhp_answer(&h, 2, since, true, &o), CPUHP_ANSWER_NONE);  /* not an eject */
	CHECK_EQ(cpuhp_answer(&h, 3, since, false, &o), CPUHP_ANSWER_NONE); /* other vCPU */
	ost(&h, 2, CPUHP_OST_OSPM_INSERTION, 0x81);
	CHECK_EQ(cpuhp_answer(&h, 2, since, false, &o), CPUHP_ANSWER_FAILURE);
	CHECK_EQ(o.status, 0x81);

	since = cpuhp_ost_seq(&h);
	CHECK_EQ(cpuhp_request_eject(&h, 1), 0);
	ost(&h, 1, CPUHP_OST_EJECT_REQUEST, CPUHP_OST_EJECTION_PENDING);
	CHECK_EQ(cpuhp_answer(&h, 1, since, true, &o), CPUHP_ANSWER_PENDING);
	ost(&h, 1, CPUHP_OST_EJECT_REQUEST, 0x82); /* device busy: Linux's last online CPU */
	CHECK_EQ(cpuhp_answer(&h, 1, since, true, &o), CPUHP_ANSWER_FAILURE);
	ost(&h, 1, CPUHP_OST_OSPM_EJECT, CPUHP_OST_SUCCESS);
	CHECK_EQ(cpuhp_answer(&h, 1, since, true, &o), CPUHP_ANSWER_SUCCESS);
	CHECK_EQ(cpuhp_answer(&h, NR, 0, true, &o), CPUHP_ANSWER_NONE);
	cpuhp_destroy(&h);
	psci_destroy(&p);
}

TEST(ost_names_follow_acpi_6_5)
{
	char b[32];

	CHECK_STR(cpuhp_ost_event_name(1, b, sizeof(b)), "device-check");
	CHECK_STR(cpuhp_ost_event_name(3, b, sizeof(b)), "eject-request");
	CHECK_STR(cpuhp_ost_event_name(0x103, b, sizeof(b)), "ospm-eject");
	CHECK_STR(cpuhp_ost_event_name(0x200, b, sizeof(b)), "ospm-insertion");
	CHECK_STR(cpuhp_ost_event_name(0x42, b, sizeof(b)), "event-0x42");
	CHECK_STR(cpuhp_ost_status_name(1, 0, b, sizeof(b)), "success");
	CHECK_STR(cpuhp_ost_status_name(3, 1, b, sizeof(b)), "failure");
	/* 0x80.. mean different things for insertion and ejection */
	CHECK_STR(cpuhp_ost_status_name(1, 0x80, b, sizeof(b)), "insertion-in-progress");
	CHECK_STR(cpuhp_ost_status_name(1, 0x82, b, sizeof(b)), "insertion-not-supported");
	CHECK_STR(cpuhp_ost_status_name(1, 0x83, b, sizeof(b)), "status-0x83");
	CHECK_STR(cpuhp_ost_status_name(3, 0x80, b, sizeof(b)), "ejection-not-supported");
	CHECK_STR(cpuhp_ost_status_name(3, 0x82, b, sizeof(b)), "device-busy");
	CHECK_STR(cpuhp_ost_status_name(0x103, 0x84, b, sizeof(b)), "ejection-in-progress");
	CHECK_STR(cpuhp_ost_status_name(3, 0x85, b, sizeof(b)), "status-0x85");
	CHECK_STR(cpuhp_ost_status_name(0x42, 0x80, b, sizeof(b)), "status-0x80");
}

/* Every _OST is a line in the record, and the timeline reader takes it. */
TEST(ost_goes_into_the_record)
{
	struct psci p;
	struct cpuhp h;
	struct tracefile t;
	struct timeline tl;
	char path[] = "/tmp/vmm-test-cpuhp-XXXXXX", err[256];
	char *text;
	size_t len = 0;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	close(fd);
	CHECK(setup(&p, &h));
	tracefile_init(&t);
	h.tracefile = &t;
	ost(&h, 2, CPUHP_OST_DEVICE_CHECK, CPUHP_OST_SUCCESS); /* no file: nothing */
	CHECK_EQ(tracefile_open(&t, path, err, sizeof(err)), 0);
	ost(&h, 3, CPUHP_OST_EJECT_REQUEST, 0x82);
	tracefile_close(&t, 5000);
	text = golden_read_path(path, &len);
	CHECK(text != NULL);
	if (text) {
		CHECK(strstr(text,
			     "\"ev\":\"ost\",\"vcpu\":3,\"event\":3,\"what\":"
			     "\"eject-request\",\"status\":130,\"meaning\":\"device-busy\"}\n") !=
		      NULL);
		CHECK(strstr(text, "\"vcpu\":2") == NULL);
		CHECK_EQ(timeline_parse(&tl, text, len, err, sizeof(err)), 0);
		timeline_free(&tl);
	}
	free(text);
	unlink(path);
	cpuhp_destroy(&h);
	psci_destroy(&p);
}

CHECK_MAIN_BEGIN
RUN(sta_reads_enabled_for_plugged_vcpus_only);
RUN(plug_sets_insert_pulses_and_makes_cpu_on_succeed);
RUN(eject_request_then_ej0_of_an_off_cpu_makes_it_absent);
RUN(ej0_of_a_running_cpu_reads_disabled_and_completes_at_cpu_off);
RUN(the_boot_cpu_cannot_be_ejected);
RUN(plug_cancels_an_unanswered_eject_request);
RUN(odd_sized_or_unaligned_accesses_are_harmless);
RUN(ost_register_keeps_the_last_status_per_vcpu);
RUN(answer_looks_at_the_right_event_after_the_request_only);
RUN(ost_names_follow_acpi_6_5);
RUN(ost_goes_into_the_record);
CHECK_MAIN_END
