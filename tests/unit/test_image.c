/*
 * Unit tests of the guest memory layout planner (vmm/machine/image.c) against the
 * arm64 boot protocol (Documentation/arch/arm64/booting.rst, DESIGN.md §6):
 * Image header placement, the flat-binary convention, initrd and DTB
 * placement and every refusal.
 */
#define CHECK_FILE "image"
#include "tests/unit/check.h"

#include <stdbool.h>
#include <stdint.h>

#include "vmm/machine/guest_abi.h"
#include "vmm/machine/image.h"

#define RAM_BASE 0x80000000ULL
#define MiB	 (1ULL << 20)
#define RAM_SIZE (256 * MiB)
#define RAM_END	 (RAM_BASE + RAM_SIZE)
#define DTB	 (RAM_END - 2 * MiB)

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A 64-byte arm64 Image header (booting.rst): text_offset at 8, image_size
 * at 16, magic "ARM\x64" at 56. */
static void make_header(uint8_t *hdr, uint64_t text_offset, uint64_t image_size)
{
	memset(hdr, 0, 64);
	hdr[0] = 0x4d; /* "MZ" as in a real Image; irrelevant to the loader */
	hdr[1] = 0x5a;
	put_le64(hdr + 8, text_offset);
	put_le64(hdr + 16, image_size);
	memcpy(hdr + 56, "ARM\x64", 4);
}

static int plan(const uint8_t *hdr, size_t hdr_len, uint64_t file_size, uint64_t initrd_size,
		uint64_t ram_size, struct image_layout *l, char *err, size_t errlen)
{
	err[0] = '\0';
	return image_plan(hdr, hdr_len, file_size, initrd_size, RAM_BASE, ram_size, l, err, errlen);
}

/* A refusal must explain itself in one line. */
static void expect_refusal(int r, const char *err)
{
	CHECK_EQ(r, -1);
	CHECK(err[0] != '\0');
	CHECK(strchr(err, '\n') == NULL);
}

TEST(arm64_image_placed_at_text_offset)
{
	uint8_t hdr[64];
	struct image_layout l;
	char err[256];

	make_header(hdr, 0x200000, 16 * MiB);
	CHECK_EQ(plan(hdr, sizeof(hdr), 9 * MiB, 0, RAM_SIZE, &l, err, sizeof(err)), 0);
	CHECK(l.is_arm64_image);
	CHECK_EQ(l.kernel_load, RAM_BASE + 0x200000);
	/* image_size, not the file size, is what the kernel may use */
	CHECK_EQ(l.kernel_end, RAM_BASE + 0x200000 + 16 * MiB);
	CHECK_EQ(l.initrd_start, 0);
	CHECK_EQ(l.initrd_end, 0);
	CHECK_EQ(l.dtb_addr, DTB);
}

TEST(arm64_image_text_offset_zero_and_0x80000)
{
	uint8_t hdr[64];
	struct image_layout l;
	char err[256];

	make_header(hdr, 0, 4 * MiB);
	CHECK_EQ(plan(hdr, sizeof(hdr), 4 * MiB, 0, RAM_SIZE, &l, err, sizeof(err)), 0);
	CHECK_EQ(l.kernel_load, RAM_BASE);
	CHECK_EQ(l.kernel_end, RAM_BASE + 4 * MiB);
	make_header(hdr, 0x80000, 4 * MiB);
	CHECK_EQ(plan(hdr, sizeof(hdr), 4 * MiB, 0, RAM_SIZE, &l, err, sizeof(err)), 0);
	CHECK_EQ(l.kernel_load, RAM_BASE + 0x80000);
}

TEST(arm64_image_file_larger_than_image_size)
{
	uint8_t hdr[64];
	struct image_layout l;
	char err[256];

	make_header(hdr, 0, 1 * MiB);
	CHECK_EQ(plan(hdr, sizeof(hdr), 3 * MiB, 0, RAM_SIZE, &l, err, sizeof(err)), 0);
	CHECK_EQ(l.kernel_end, RAM_BASE + 3 * MiB); /* the whole file is copied */
}

TEST(arm64_image_size_zero_means_text_offset_0x80000)
{
	uint8_t hdr[64];
	struct image_layout l;
	char err[256];

	/* booting.rst: pre-3.17 kernels have image_size 0 and a text_offset of
	 * unspecified endianness, which is 0x80000 */
	make_header(hdr, 0x0000080000000000ULL, 0);
	CHECK_EQ(plan(hdr, sizeof(hdr), 5 * MiB, 0, RAM_SIZE, &l, err, sizeof(err)), 0);
	CHECK(l.is_arm64_image);
	CHECK_EQ(l.kernel_load, RAM_BASE + 0x80000);
	CHECK_EQ(l.kernel_end, RAM_BASE + 0x80000 + 5 * MiB);
}

TEST(flat_binary_loads_at_0x80000)
{
	uint8_t hdr[64];
	struct image_layout l;
	char err[256];

	memset(hdr, 0x11, sizeof(hdr));
	CHECK_EQ(plan(hdr, sizeof(hdr), 104, 0, RAM_SIZE, &l, err, sizeof(err)), 0);
	CHECK(!l.is_arm64_image);
	CHECK_EQ(l.kernel_load, RAM_BASE + 0x80000);
	CHECK_EQ(l.kernel_end, RAM_BASE + 0x80000 + 104);
	CHECK_EQ(l.dtb_addr, DTB);
	/* shorter than a header: flat, even if it happens to hold the magic */
	make_header(hdr, 0, 1 * MiB);
	CHECK_EQ(plan(hdr, 60, 60, 0, RAM_SIZE, &l, err, sizeof(err)), 0);
	CHECK(!l.is_arm64_image);
	CHECK_EQ(l.kernel_load, RAM_BASE + 0x80000);
	CHECK_EQ(l.kernel_end, RAM_BASE + 0x80000 + 60);
}

TEST(empty_kernel_refused)
{
	uint8_t hdr[64] = {0};
	struct image_layout l;
	char err[256];

	expect_refusal(plan(hdr, 0, 0, 0, RAM_SIZE, &l, err, sizeof(err)), err);
}

TEST(kernel_too_large_refused)
{
	uint8_t hdr[64];
	struct image_layout l;
	char err[256];
	uint64_t room = DTB - (RAM_BASE + 0x80000);

	memset(hdr, 0, sizeof(hdr));
	/* a flat binary that just fits ends where the DTB starts */
	CHECK_EQ(plan(hdr, sizeof(hdr), room, 0, RAM_SIZE, &l, err, sizeof(err)), 0);
	CHECK_EQ(l.kernel_end, DTB);
	expect_refusal(plan(hdr, sizeof(hdr), room + 1, 0, RAM_SIZE, &l, err, sizeof(err)), err);
	expect_refusal(plan(hdr, sizeof(hdr), 1ULL << 40, 0, RAM_SIZE, &l, err, sizeof(err)), err);
	/* an Image whose image_size overlaps the DTB */
	make_header(hdr, 0x200000, DTB - RAM_BASE - 0x200000 + 0x1000);
	expect_refusal(plan(hdr, sizeof(hdr), 1 * MiB, 0, RAM_SIZE, &l, err, sizeof(err)), err);
	make_header(hdr, 0x200000, UINT64_MAX);
	expect_refusal(plan(hdr, sizeof(hdr), 1 * MiB, 0, RAM_SIZE, &l, err, sizeof(err)), err);
}

TEST(text_offset_unaligned_or_outside_ram_refused)
{
	uint8_t hdr[64];
	struct image_layout l;
	char err[256];

	make_header(hdr, 0x80100, 1 * MiB);
	expect_refusal(plan(hdr, sizeof(hdr), 1 * MiB, 0, RAM_SIZE, &l, err, sizeof(err)), err);
	CHECK(strstr(err, "text_offset") != NULL);
	make_header(hdr, 0x80001, 1 * MiB);
	expect_refusal(plan(hdr, sizeof(hdr), 1 * MiB, 0, RAM_SIZE, &l, err, sizeof(err)), err);
	make_header(hdr, RAM_SIZE, 1 * MiB);
	expect_refusal(plan(hdr, sizeof(hdr), 1 * MiB, 0, RAM_SIZE, &l, err, sizeof(err)), err);
	make_header(hdr, RAM_SIZE - 2 * MiB, 4096); /* where the DTB goes */
	expect_refusal(plan(hdr, sizeof(hdr), 4096, 0, RAM_SIZE, &l, err, sizeof(err)), err);
	make_header(hdr, 1ULL << 63, 1 * MiB);
	expect_refusal(plan(hdr, sizeof(hdr), 1 * MiB, 0, RAM_SIZE, &l, err, sizeof(err)), err);
}

TEST(initrd_below_dtb_page_aligned_clear_of_kernel)
{
	uint8_t hdr[64];
	struct image_layout l;
	char err[256];
	const uint64_t sizes[] = {1, 4096, 0x123456, 100 * MiB};

	make_header(hdr, 0x80000, 20 * MiB);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		CHECK_EQ(plan(hdr, sizeof(hdr), 10 * MiB, sizes[i], RAM_SIZE, &l, err, sizeof(err)),
			 0);
		CHECK_EQ(l.initrd_end - l.initrd_start, sizes[i]);
		CHECK_EQ(l.initrd_start & 0xfff, 0);
		CHECK(l.initrd_start >= l.kernel_end);
		CHECK(l.initrd_end <= l.dtb_addr);
		CHECK(l.initrd_start >= RAM_BASE);
		CHECK_EQ(l.dtb_addr, DTB);
	}
}

/* booting.rst: with 64 GiB of RAM the top of RAM is 2 + 64 GiB, far outside
 * the 1 GiB-aligned 32 GiB window around the kernel; the initrd must end
 * inside that window while the DTB may stay at the top. */
TEST(initrd_within_the_32gib_window_covering_the_kernel)
{
	uint8_t hdr[64];
	struct image_layout l;
	char err[256];
	const uint64_t ram = 64ULL << 30;
	const uint64_t window_end = (RAM_BASE & ~((1ULL << 30) - 1)) + (32ULL << 30);

	make_header(hdr, 0x200000, 40 * MiB);
	CHECK_EQ(plan(hdr, sizeof(hdr), 40 * MiB, 30 * MiB, ram, &l, err, sizeof(err)), 0);
	CHECK(l.initrd_end <= window_end);
	CHECK(l.initrd_start >= l.kernel_end);
	CHECK_EQ(l.initrd_start & 0xfff, 0);
	CHECK_EQ(l.initrd_end - l.initrd_start, 30 * MiB);
	CHECK_EQ(l.dtb_addr, RAM_BASE + ram - 2 * MiB);
	/* Just fits below the window's end; a kernel window can't hold more. */
	CHECK_EQ(plan(hdr, sizeof(hdr), 40 * MiB, window_end - RAM_BASE - 0x200000 - 40 * MiB, ram,
		      &l, err, sizeof(err)),
		 0);
	CHECK_EQ(l.initrd_end, window_end);
	expect_refusal(plan(hdr, sizeof(hdr), 40 * MiB,
			    window_end - RAM_BASE - 0x200000 - 40 * MiB + 4096, ram, &l, err,
			    sizeof(err)),
		       err);
}

TEST(ipa_bits_cover_the_top_of_guest_ram)
{
	CHECK_EQ(image_ipa_bits(0), 32);
	CHECK_EQ(image_ipa_bits(1ULL << 32), 32);
	CHECK_EQ(image_ipa_bits((1ULL << 32) + 1), 33);
	/* 2 GiB base + 256 MiB; 2 GiB base + 64 GiB; 2 GiB + 256 GiB */
	CHECK_EQ(image_ipa_bits(RAM_BASE + (256ULL << 20)), 32);
	CHECK_EQ(image_ipa_bits(RAM_BASE + (64ULL << 30)), 37);
	CHECK_EQ(image_ipa_bits(RAM_BASE + (256ULL << 30)), 39);
	CHECK_EQ(image_ipa_bits(UINT64_MAX), 64);
}

/* A 16K or 64K host cannot map RAM that is only a multiple of 4K. */
TEST(ram_size_must_be_a_multiple_of_the_host_page_size)
{
	char err[256];

	err[0] = '\0';
	CHECK_EQ(image_check_ram_size(256 * MiB, 4096, err, sizeof(err)), 0);
	CHECK_EQ(image_check_ram_size(256 * MiB, 65536, err, sizeof(err)), 0);
	CHECK_EQ(image_check_ram_size(256 * MiB + 4096, 4096, err, sizeof(err)), 0);
	expect_refusal(image_check_ram_size(256 * MiB + 4096, 16384, err, sizeof(err)), err);
	CHECK(strstr(err, "16K") != NULL);
	err[0] = '\0';
	expect_refusal(image_check_ram_size(256 * MiB + 16384, 65536, err, sizeof(err)), err);
	CHECK(strstr(err, "64K") != NULL);
}

TEST(initrd_exactly_filling_the_gap_fits)
{
	uint8_t hdr[64];
	struct image_layout l;
	char err[256];
	uint64_t kernel_end = RAM_BASE + 0x80000 + 20 * MiB;

	make_header(hdr, 0x80000, 20 * MiB);
	CHECK_EQ(plan(hdr, sizeof(hdr), 20 * MiB, DTB - kernel_end, RAM_SIZE, &l, err, sizeof(err)),
		 0);
	CHECK_EQ(l.initrd_start, kernel_end);
	CHECK_EQ(l.initrd_end, DTB);
}

TEST(initrd_too_large_refused)
{
	uint8_t hdr[64];
	struct image_layout l;
	char err[256];
	uint64_t kernel_end = RAM_BASE + 0x80000 + 20 * MiB;

	make_header(hdr, 0x80000, 20 * MiB);
	expect_refusal(
	    plan(hdr, sizeof(hdr), 20 * MiB, DTB - kernel_end + 1, RAM_SIZE, &l, err, sizeof(err)),
	    err);
	expect_refusal(plan(hdr, sizeof(hdr), 20 * MiB, RAM_SIZE, RAM_SIZE, &l, err, sizeof(err)),
		       err);
	expect_refusal(plan(hdr, sizeof(hdr), 20 * MiB, UINT64_MAX, RAM_SIZE, &l, err, sizeof(err)),
		       err);
	/* fits byte-wise but not once its start is page aligned */
	memset(hdr, 0, sizeof(hdr));
	expect_refusal(plan(hdr, sizeof(hdr), DTB - (RAM_BASE + 0x80000) - 0x800, 0x700, RAM_SIZE,
			    &l, err, sizeof(err)),
		       err);
}

TEST(dtb_at_ram_end_minus_2mib)
{
	const uint64_t ram_sizes[] = {4 * MiB, 64 * MiB, RAM_SIZE, 1ULL << 30, 256ULL << 30};
	uint8_t hdr[64];
	struct image_layout l;
	char err[256];

	memset(hdr, 0, sizeof(hdr));
	for (size_t i = 0; i < sizeof(ram_sizes) / sizeof(ram_sizes[0]); i++) {
		CHECK_EQ(plan(hdr, sizeof(hdr), 4096, 4096, ram_sizes[i], &l, err, sizeof(err)), 0);
		CHECK_EQ(l.dtb_addr, RAM_BASE + ram_sizes[i] - 2 * MiB);
		CHECK_EQ(l.dtb_addr & 7, 0); /* booting.rst: 8-byte aligned */
		CHECK(l.kernel_end <= l.dtb_addr);
		CHECK(l.initrd_end <= l.dtb_addr);
	}
}

TEST(ram_without_room_beside_the_dtb_refused)
{
	uint8_t hdr[64];
	struct image_layout l;
	char err[256];

	memset(hdr, 0, sizeof(hdr));
	expect_refusal(plan(hdr, sizeof(hdr), 4096, 0, 2 * MiB, &l, err, sizeof(err)), err);
	expect_refusal(plan(hdr, sizeof(hdr), 4096, 0, 1 * MiB, &l, err, sizeof(err)), err);
	/* 2 MiB + 0x80000: the flat load address is where the DTB goes */
	expect_refusal(plan(hdr, sizeof(hdr), 4096, 0, 2 * MiB + 0x80000, &l, err, sizeof(err)),
		       err);
}

CHECK_MAIN_BEGIN
RUN(arm64_image_placed_at_text_offset);
RUN(arm64_image_text_offset_zero_and_0x80000);
RUN(arm64_image_file_larger_than_image_size);
RUN(arm64_image_size_zero_means_text_offset_0x80000);
RUN(flat_binary_loads_at_0x80000);
RUN(empty_kernel_refused);
RUN(kernel_too_large_refused);
RUN(text_offset_unaligned_or_outside_ram_refused);
RUN(initrd_below_dtb_page_aligned_clear_of_kernel);
RUN(initrd_within_the_32gib_window_covering_the_kernel);
RUN(ipa_bits_cover_the_top_of_guest_ram);
RUN(ram_size_must_be_a_multiple_of_the_host_page_size);
RUN(initrd_exactly_filling_the_gap_fits);
RUN(initrd_too_large_refused);
RUN(dtb_at_ram_end_minus_2mib);
RUN(ram_without_room_beside_the_dtb_refused);
CHECK_MAIN_END
