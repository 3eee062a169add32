/*
 * Unit tests of the ACPI CPU hotplug registers (vmm/machine/cpuhp.c) against the
 * real PSCI state: what _STA and _EVT read, what _EJ0 does, and that PSCI's
 * CPU_ON and ACPI's view of a vCPU never disagree.
 */
#define CHECK_FILE "cpuhp"
#include "tests/unit/check.h"

#include <errno.h>

#include "vmm/machine/cpuhp.h"
#include "vmm/machine/guest_abi.h"
#include "vmm/firmware/psci.h"

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

CHECK_MAIN_BEGIN
RUN(sta_reads_enabled_for_plugged_vcpus_only);
RUN(plug_sets_insert_pulses_and_makes_cpu_on_succeed);
RUN(eject_request_then_ej0_of_an_off_cpu_makes_it_absent);
RUN(ej0_of_a_running_cpu_reads_disabled_and_completes_at_cpu_off);
RUN(the_boot_cpu_cannot_be_ejected);
RUN(plug_cancels_an_unanswered_eject_request);
RUN(odd_sized_or_unaligned_accesses_are_harmless);
CHECK_MAIN_END
