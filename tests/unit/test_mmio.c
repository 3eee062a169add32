/*
 * Unit tests of the MMIO bus (vmm/machine/mmio.c): registration with its
 * refusals, routing with region-relative offsets, accesses that straddle a
 * region's edge, and unclaimed accesses (read as zero, counted, warned once;
 * DESIGN.md §7).
 */
#define CHECK_FILE "mmio"
#include "tests/unit/check.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/machine/mmio.h"

struct dev {
	unsigned int calls;
	uint64_t offset;
	unsigned int len;
	bool is_write;
	uint8_t data[8];
	uint8_t fill; /* what reads return */
};

static void dev_fn(void *ctx, uint64_t offset, uint8_t *data, unsigned int len, bool is_write)
{
	struct dev *d = ctx;

	d->calls++;
	d->offset = offset;
	d->len = len;
	d->is_write = is_write;
	if (is_write)
		memcpy(d->data, data, len);
	else
		memset(data, d->fill, len);
}

static void bus_init(struct mmio_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
	atomic_init(&bus->unclaimed, 0);
}

/* A bus with one device, a, at 0x1000-0x1fff. */
static void bus_with_a(struct mmio_bus *bus, struct dev *a)
{
	bus_init(bus);
	CHECK_EQ(mmio_register(bus, 0x1000, 0x1000, dev_fn, a, "a"), 0);
}

TEST(register_and_route_with_offsets)
{
	struct mmio_bus bus;
	struct dev a = {.fill = 0xaa}, b = {.fill = 0xbb};
	uint8_t data[8];

	bus_init(&bus);
	CHECK_EQ(mmio_register(&bus, 0x01000000, 0x1000, dev_fn, &a, "uart"), 0);
	CHECK_EQ(mmio_register(&bus, 0x01001000, 0x1000, dev_fn, &b, "testdev"), 0);
	CHECK_EQ(bus.nr, 2);

	memset(data, 0, sizeof(data));
	CHECK_EQ(mmio_access(&bus, 0x01000005, data, 1, false), MMIO_HANDLED);
	CHECK_EQ(a.calls, 1);
	CHECK_EQ(a.offset, 5);
	CHECK_EQ(a.len, 1);
	CHECK(!a.is_write);
	CHECK_EQ(data[0], 0xaa);
	CHECK_EQ(b.calls, 0);

	memcpy(data, "\x01\x02\x03\x04", 4);
	CHECK_EQ(mmio_access(&bus, 0x01001010, data, 4, true), MMIO_HANDLED);
	CHECK_EQ(b.calls, 1);
	CHECK_EQ(b.offset, 0x10);
	CHECK_EQ(b.len, 4);
	CHECK(b.is_write);
	CHECK(memcmp(b.data, "\x01\x02\x03\x04", 4) == 0);

	/* first and last bytes of a region */
	CHECK_EQ(mmio_access(&bus, 0x01000000, data, 1, false), MMIO_HANDLED);
	CHECK_EQ(a.offset, 0);
	CHECK_EQ(mmio_access(&bus, 0x01000fff, data, 1, false), MMIO_HANDLED);
	CHECK_EQ(a.offset, 0xfff);
	CHECK_EQ(mmio_access(&bus, 0x01001ff8, data, 8, false), MMIO_HANDLED);
	CHECK_EQ(b.offset, 0xff8);
	CHECK_EQ(b.len, 8);
	CHECK_EQ(atomic_load(&bus.unclaimed), 0);
}

TEST(overlapping_registration_refused)
{
	static const struct {
		uint64_t base, size;
	} clash[] = {
	    {0x1000, 0x1000}, /* identical */
	    {0x0800, 0x1000}, /* over the start */
	    {0x1800, 0x1000}, /* over the end */
	    {0x1400, 0x0100}, /* inside */
	    {0x0000, 0x4000}, /* around */
	    {0x1fff, 0x0001}, /* the last byte */
	};
	struct mmio_bus bus;
	struct dev a = {0};

	bus_with_a(&bus, &a);
	for (size_t i = 0; i < sizeof(clash) / sizeof(clash[0]); i++)
		CHECK_EQ(mmio_register(&bus, clash[i].base, clash[i].size, dev_fn, &a, "b"),
			 -EEXIST);
	CHECK_EQ(bus.nr, 1);
	/* adjacent on both sides is fine */
	CHECK_EQ(mmio_register(&bus, 0x0000, 0x1000, dev_fn, &a, "below"), 0);
	CHECK_EQ(mmio_register(&bus, 0x2000, 0x1000, dev_fn, &a, "above"), 0);
	CHECK_EQ(bus.nr, 3);
}

TEST(empty_wrapping_or_handlerless_registration_refused)
{
	struct mmio_bus bus;
	struct dev a = {0};

	bus_init(&bus);
	CHECK_EQ(mmio_register(&bus, 0x1000, 0, dev_fn, &a, "empty"), -EINVAL);
	CHECK_EQ(mmio_register(&bus, UINT64_MAX - 0xf, 0x20, dev_fn, &a, "wraps"), -EINVAL);
	CHECK_EQ(mmio_register(&bus, 0x1000, 0x1000, NULL, &a, "no handler"), -EINVAL);
	CHECK_EQ(bus.nr, 0);
}

TEST(full_bus_refused)
{
	struct mmio_bus bus;
	struct dev a = {0};

	bus_init(&bus);
	for (unsigned int i = 0; i < MMIO_MAX_REGIONS; i++)
		CHECK_EQ(mmio_register(&bus, 0x1000 * (i + 1), 0x1000, dev_fn, &a, "r"), 0);
	CHECK_EQ(mmio_register(&bus, 0x100000, 0x1000, dev_fn, &a, "one too many"), -ENOSPC);
	CHECK_EQ(bus.nr, MMIO_MAX_REGIONS);
}

TEST(access_straddling_a_region_edge_is_not_routed)
{
	struct mmio_bus bus;
	struct dev a = {.fill = 0xaa};
	uint8_t data[8];

	bus_with_a(&bus, &a);
	/* over the end */
	memset(data, 0x5a, sizeof(data));
	CHECK(mmio_access(&bus, 0x1ffe, data, 4, false) != MMIO_HANDLED);
	CHECK_EQ(a.calls, 0);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(data[i], 0);
	CHECK(mmio_access(&bus, 0x1ff9, data, 8, true) != MMIO_HANDLED);
	CHECK_EQ(a.calls, 0);
	/* over the start */
	CHECK(mmio_access(&bus, 0x0ffe, data, 4, false) != MMIO_HANDLED);
	CHECK_EQ(a.calls, 0);
	/* the aligned neighbour inside is routed */
	CHECK_EQ(mmio_access(&bus, 0x1ffc, data, 4, false), MMIO_HANDLED);
	CHECK_EQ(a.calls, 1);
	CHECK_EQ(a.offset, 0xffc);
}

TEST(access_at_the_top_of_the_address_space)
{
	struct mmio_bus bus;
	struct dev a = {.fill = 0xaa};
	uint8_t data[8];

	bus_init(&bus);
	CHECK_EQ(mmio_register(&bus, UINT64_MAX - 0xfff, 0xfff, dev_fn, &a, "top"), 0);
	CHECK_EQ(mmio_access(&bus, UINT64_MAX - 0x7, data, 4, false), MMIO_HANDLED);
	CHECK_EQ(a.offset, 0xff8);
	/* ends past the region (and would wrap a naive end computation) */
	CHECK(mmio_access(&bus, UINT64_MAX - 1, data, 4, false) != MMIO_HANDLED);
	CHECK_EQ(a.calls, 1);
}

TEST(unclaimed_read_returns_zeros_and_write_is_ignored)
{
	struct mmio_bus bus;
	struct dev a = {.fill = 0xaa};
	uint8_t data[8];
	bool zero = true;

	bus_with_a(&bus, &a);
	memset(data, 0xa5, sizeof(data));
	CHECK(mmio_access(&bus, 0x9000, data, 8, false) != MMIO_HANDLED);
	for (int i = 0; i < 8; i++)
		zero = zero && data[i] == 0;
	CHECK(zero);
	memset(data, 0xa5, sizeof(data));
	CHECK(mmio_access(&bus, 0x9000, data, 2, false) != MMIO_HANDLED);
	CHECK_EQ(data[0], 0);
	CHECK_EQ(data[1], 0);
	CHECK_EQ(data[2], 0xa5); /* only len bytes are written */
	CHECK(mmio_access(&bus, 0x9000, data, 4, true) != MMIO_HANDLED);
	CHECK_EQ(a.calls, 0);
	/* an empty bus too */
	bus_init(&bus);
	memset(data, 0xa5, sizeof(data));
	CHECK(mmio_access(&bus, 0, data, 4, false) != MMIO_HANDLED);
	CHECK_EQ(data[0] | data[1] | data[2] | data[3], 0);
}

TEST(first_unclaimed_access_is_reported_once)
{
	struct mmio_bus bus;
	struct dev a = {0};
	uint8_t data[8] = {0};

	bus_with_a(&bus, &a);
	CHECK_EQ(mmio_access(&bus, 0x1000, data, 4, false), MMIO_HANDLED);
	CHECK_EQ(atomic_load(&bus.unclaimed), 0);
	CHECK_EQ(mmio_access(&bus, 0x9000, data, 4, true), MMIO_UNCLAIMED_FIRST);
	CHECK_EQ(mmio_access(&bus, 0x9000, data, 4, false), MMIO_UNCLAIMED);
	CHECK_EQ(mmio_access(&bus, 0xa000, data, 1, true), MMIO_UNCLAIMED);
	CHECK_EQ(mmio_access(&bus, 0x1004, data, 4, false), MMIO_HANDLED);
	CHECK_EQ(mmio_access(&bus, 0x0, data, 1, false), MMIO_UNCLAIMED);
	CHECK_EQ(atomic_load(&bus.unclaimed), 4);
}

CHECK_MAIN_BEGIN
RUN(register_and_route_with_offsets);
RUN(overlapping_registration_refused);
RUN(empty_wrapping_or_handlerless_registration_refused);
RUN(full_bus_refused);
RUN(access_straddling_a_region_edge_is_not_routed);
RUN(access_at_the_top_of_the_address_space);
RUN(unclaimed_read_returns_zeros_and_write_is_ignored);
RUN(first_unclaimed_access_is_reported_once);
CHECK_MAIN_END
