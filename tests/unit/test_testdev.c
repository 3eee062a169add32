/*
 * Unit tests of the VMM's test device (vmm/machine/testdev.c), the registers of
 * vmm/machine/guest_abi.h as the guest reads and writes them.
 */
#define CHECK_FILE "testdev"
#include "tests/unit/check.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/machine/guest_abi.h"
#include "vmm/machine/testdev.h"

static void init(struct testdev *t)
{
	memset(t, 0, sizeof(*t));
	atomic_init(&t->failed, false);
	atomic_init(&t->result, 0);
}

static uint32_t rd32(struct testdev *t, uint64_t off)
{
	uint8_t d[4];
	uint32_t v;

	memset(d, 0xee, sizeof(d));
	testdev_mmio(t, off, d, 4, false);
	v = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
	return v;
}

static void wr32(struct testdev *t, uint64_t off, uint32_t v)
{
	uint8_t d[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};

	testdev_mmio(t, off, d, 4, true);
}

TEST(id_reads_the_magic)
{
	struct testdev t;

	init(&t);
	CHECK_EQ(GUEST_TESTDEV_ID, 0x00);
	CHECK_EQ(rd32(&t, GUEST_TESTDEV_ID), 0x564d4d54); /* "VMMT" */
	CHECK_EQ(rd32(&t, GUEST_TESTDEV_ID), GUEST_TESTDEV_MAGIC);
}

TEST(result_zero_is_a_pass)
{
	struct testdev t;

	init(&t);
	wr32(&t, GUEST_TESTDEV_RESULT, 0);
	CHECK(!atomic_load(&t.failed));
	CHECK_EQ(atomic_load(&t.result), 0);
}

TEST(result_non_zero_is_a_failure)
{
	struct testdev t;

	init(&t);
	wr32(&t, GUEST_TESTDEV_RESULT, 3);
	CHECK(atomic_load(&t.failed));
	CHECK_EQ(atomic_load(&t.result), 3);
	init(&t);
	wr32(&t, GUEST_TESTDEV_RESULT, 0x80000000U); /* any bit counts */
	CHECK(atomic_load(&t.failed));
	CHECK_EQ(atomic_load(&t.result), 0x80000000U);
}

TEST(failure_is_sticky)
{
	struct testdev t;

	init(&t);
	wr32(&t, GUEST_TESTDEV_RESULT, 1);
	wr32(&t, GUEST_TESTDEV_RESULT, 0); /* a later pass cannot hide it */
	CHECK(atomic_load(&t.failed));
	CHECK_EQ(atomic_load(&t.result), 0);
}

TEST(psci_mode_and_resets_read_back)
{
	struct testdev t;

	init(&t);
	t.resets = 7;
	t.psci_mode = GUEST_PSCI_MODE_KERNEL;
	CHECK_EQ(rd32(&t, GUEST_TESTDEV_RESETS), 7);
	CHECK_EQ(rd32(&t, GUEST_TESTDEV_PSCI_MODE), GUEST_PSCI_MODE_KERNEL);
	t.psci_mode = GUEST_PSCI_MODE_USER;
	CHECK_EQ(rd32(&t, GUEST_TESTDEV_PSCI_MODE), 0);
}

TEST(hcalls_reads_the_live_counter)
{
	struct testdev t;
	atomic_ulong hcalls;

	init(&t);
	CHECK_EQ(rd32(&t, GUEST_TESTDEV_HCALLS), 0); /* no counter attached */
	atomic_init(&hcalls, 41);
	t.hcalls = &hcalls;
	CHECK_EQ(rd32(&t, GUEST_TESTDEV_HCALLS), 41);
	atomic_fetch_add(&hcalls, 1);
	CHECK_EQ(rd32(&t, GUEST_TESTDEV_HCALLS), 42);
}

TEST(restores_reads_back_and_ignores_writes)
{
	struct testdev t;

	init(&t);
	CHECK_EQ(rd32(&t, GUEST_TESTDEV_RESTORES), 0); /* a cold boot */
	t.restores = 3;
	wr32(&t, GUEST_TESTDEV_RESTORES, 0);
	CHECK_EQ(rd32(&t, GUEST_TESTDEV_RESTORES), 3);
}

TEST(read_only_registers_ignore_writes)
{
	struct testdev t;

	init(&t);
	t.resets = 2;
	wr32(&t, GUEST_TESTDEV_ID, 0);
	wr32(&t, GUEST_TESTDEV_RESETS, 99);
	wr32(&t, GUEST_TESTDEV_PSCI_MODE, 1);
	CHECK_EQ(rd32(&t, GUEST_TESTDEV_ID), GUEST_TESTDEV_MAGIC);
	CHECK_EQ(rd32(&t, GUEST_TESTDEV_RESETS), 2);
	CHECK_EQ(rd32(&t, GUEST_TESTDEV_PSCI_MODE), 0);
	CHECK(!atomic_load(&t.failed));
}

TEST(reads_of_other_offsets_are_zero)
{
	struct testdev t;

	init(&t);
	wr32(&t, GUEST_TESTDEV_RESULT, 5);
	CHECK_EQ(rd32(&t, GUEST_TESTDEV_RESULT), 0); /* write-only */
	CHECK_EQ(rd32(&t, 0x18), 0);
	CHECK_EQ(rd32(&t, 0xffc), 0);
}

TEST(narrow_and_wide_reads)
{
	struct testdev t;
	uint8_t d[8];

	init(&t);
	memset(d, 0xee, sizeof(d));
	testdev_mmio(&t, GUEST_TESTDEV_ID, d, 1, false);
	CHECK_EQ(d[0], 0x54);
	CHECK_EQ(d[1], 0xee); /* only len bytes written */
	memset(d, 0xee, sizeof(d));
	testdev_mmio(&t, GUEST_TESTDEV_ID, d, 2, false);
	CHECK_EQ(d[0] | d[1] << 8, 0x4d54);
	memset(d, 0xee, sizeof(d));
	testdev_mmio(&t, GUEST_TESTDEV_ID, d, 8, false);
	CHECK_EQ(d[0] | d[1] << 8 | d[2] << 16 | (uint32_t)d[3] << 24, GUEST_TESTDEV_MAGIC);
	CHECK_EQ(d[4] | d[5] | d[6] | d[7], 0); /* zero-extended */
}

CHECK_MAIN_BEGIN
RUN(id_reads_the_magic);
RUN(result_zero_is_a_pass);
RUN(result_non_zero_is_a_failure);
RUN(failure_is_sticky);
RUN(psci_mode_and_resets_read_back);
RUN(hcalls_reads_the_live_counter);
RUN(restores_reads_back_and_ignores_writes);
RUN(read_only_registers_ignore_writes);
RUN(reads_of_other_offsets_are_zero);
RUN(narrow_and_wide_reads);
CHECK_MAIN_END
