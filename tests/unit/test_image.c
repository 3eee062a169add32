/*
 * Unit tests of the guest memory layout planner (vmm/machine/image.c) against the
 * arm64 boot protocol (Documentation/arch/arm64/booting.rst, DESIGN.md §6):
 * Image header placement, the flat-binary convention, initrd and DTB
 * placement and every refusal; and of the guest's files read again at
 * every boot (vmm/machine/image_file.c): a file truncated or rewritten in
 * place since it was opened is refused in one line, never faulted on.
 */
#define CHECK_FILE "image"
#include "tests/unit/check.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/machine/guest_abi.h"
#include "vmm/machine/image.h"
#include "vmm/machine/image_file.h"

#define RAM_BASE 0x80000000ULL
#define MiB	 (1ULL << 20)
#define RAM_SIZE (256 * MiB)
#define RAM_END	 (RAM_BASE + RAM_SIZE)
#define DTB	 (RAM_END - 2 * MiB)

/* What each case plans with: one set for the file, every plan starts afresh. */
static uint8_t hdr[64];
static struct image_layout l;
static char err[256];

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A 64-byte arm64 Image header (booting.rst): text_offset at 8, image_size
 * at 16, magic "ARM\x64" at 56. */
static void make_header(uint8_t *h, uint64_t text_offset, uint64_t image_size)
{
	memset(h, 0, 64);
	h[0] = 0x4d; /* "MZ" as in a real Image; irrelevant to the loader */
	h[1] = 0x5a;
	put_le64(h + 8, text_offset);
	put_le64(h + 16, image_size);
	memcpy(h + 56, "ARM\x64", 4);
}

static int plan(const uint8_t *h, size_t h_len, uint64_t file_size, uint64_t initrd_size,
		uint64_t ram_size, struct image_layout *out, char *msg, size_t msglen)
{
	msg[0] = '\0';
	return image_plan(h, h_len, file_size, initrd_size, RAM_BASE, ram_size, out, msg, msglen);
}

/* A refusal must explain itself in one line. */
static void expect_refusal(int r, const char *msg)
{
	CHECK_EQ(r, -1);
	CHECK(msg[0] != '\0');
	CHECK(strchr(msg, '\n') == NULL);
}

TEST(arm64_image_placed_at_text_offset)
{
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
	make_header(hdr, 0, 1 * MiB);
	CHECK_EQ(plan(hdr, sizeof(hdr), 3 * MiB, 0, RAM_SIZE, &l, err, sizeof(err)), 0);
	CHECK_EQ(l.kernel_end, RAM_BASE + 3 * MiB); /* the whole file is copied */
}

TEST(arm64_image_size_zero_means_text_offset_0x80000)
{
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
	memset(hdr, 0, sizeof(hdr));
	expect_refusal(plan(hdr, 0, 0, 0, RAM_SIZE, &l, err, sizeof(err)), err);
}

TEST(kernel_too_large_refused)
{
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
	uint64_t kernel_end = RAM_BASE + 0x80000 + 20 * MiB;

	make_header(hdr, 0x80000, 20 * MiB);
	CHECK_EQ(plan(hdr, sizeof(hdr), 20 * MiB, DTB - kernel_end, RAM_SIZE, &l, err, sizeof(err)),
		 0);
	CHECK_EQ(l.initrd_start, kernel_end);
	CHECK_EQ(l.initrd_end, DTB);
}

TEST(initrd_too_large_refused)
{
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
	memset(hdr, 0, sizeof(hdr));
	expect_refusal(plan(hdr, sizeof(hdr), 4096, 0, 2 * MiB, &l, err, sizeof(err)), err);
	expect_refusal(plan(hdr, sizeof(hdr), 4096, 0, 1 * MiB, &l, err, sizeof(err)), err);
	/* 2 MiB + 0x80000: the flat load address is where the DTB goes */
	expect_refusal(plan(hdr, sizeof(hdr), 4096, 0, 2 * MiB + 0x80000, &l, err, sizeof(err)),
		       err);
}

/* ---- image_file: the guest's files, read again at every boot ---- */

#define FILE_SIZE 10000

static char file_path[64];

/* A fresh file of FILE_SIZE bytes (byte i is i * 7 + seed), opened as an
 * image_file the way the VMM opens one. */
static void make_file(struct image_file *f, uint8_t seed)
{
	uint8_t buf[FILE_SIZE];
	int fd;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + seed);
	snprintf(file_path, sizeof(file_path), "/tmp/vmm-test-image-XXXXXX");
	fd = mkstemp(file_path);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	CHECK_EQ(image_file_init(f, fd, file_path, "image"), 0);
}

/* What a boot finds in RAM: the file's bytes at the offset, nothing else. */
static bool ram_holds_file(const uint8_t *ram, size_t offset, uint8_t seed)
{
	for (size_t i = 0; i < FILE_SIZE; i++)
		if (ram[offset + i] != (uint8_t)(i * 7 + seed))
			return false;
	return ram[offset - 1] == 0 && ram[offset + FILE_SIZE] == 0;
}

/* A refusal names the file and says it changed, in one line. */
static void expect_changed(const struct image_file *f, uint8_t *ram, size_t ram_size)
{
	CHECK_EQ(image_file_read(f, ram, ram_size, 4096, err, sizeof(err)), -1);
	CHECK(strstr(err, file_path) != NULL);
	CHECK(strstr(err, "image '") == err);
	CHECK(strstr(err, "was changed in place since the VM started") != NULL);
	CHECK(strchr(err, '\n') == NULL);
}

TEST(image_file_read_at_every_boot)
{
	static uint8_t ram[16384];
	struct image_file f;

	make_file(&f, 3);
	CHECK_EQ(f.size, FILE_SIZE);
	CHECK_EQ(f.head_len, 64);
	CHECK_EQ(f.head[1], 7 + 3);
	CHECK_EQ(image_file_read(&f, ram, sizeof(ram), 4096, err, sizeof(err)), 0);
	CHECK(ram_holds_file(ram, 4096, 3));
	/* a reset reads it again, whole */
	memset(ram, 0, sizeof(ram));
	CHECK_EQ(image_file_read(&f, ram, sizeof(ram), 4096, err, sizeof(err)), 0);
	CHECK(ram_holds_file(ram, 4096, 3));
	CHECK(!image_file_changed(&f));
	unlink(file_path);
	image_file_close(&f);
	CHECK_EQ(f.fd, -1);
}

/* The file shrinks while the VM runs: the next boot refuses it in one line,
 * without faulting (a mapping of it would raise SIGBUS here). */
TEST(image_file_truncated_is_refused)
{
	static uint8_t ram[16384];
	struct image_file f;

	make_file(&f, 5);
	CHECK_EQ(ftruncate(f.fd, 100), 0);
	CHECK(image_file_changed(&f));
	expect_changed(&f, ram, sizeof(ram));
	CHECK_EQ(ftruncate(f.fd, 0), 0);
	expect_changed(&f, ram, sizeof(ram));
	unlink(file_path);
	image_file_close(&f);
}

TEST(image_file_rewritten_in_place_is_refused)
{
	static uint8_t ram[16384];
	struct timespec later[2] = {{.tv_nsec = UTIME_OMIT}, {.tv_sec = 0}};
	struct image_file f;

	make_file(&f, 9);
	/* the same size, another mtime: what `cp` over it leaves */
	later[1].tv_sec = f.st.st_mtim.tv_sec + 10;
	CHECK_EQ(futimens(f.fd, later), 0);
	expect_changed(&f, ram, sizeof(ram));
	unlink(file_path);
	image_file_close(&f);
}

/* install(1) and most builds write a new file and rename it over the old
 * name: the opened one is untouched and boots again. */
TEST(image_file_replaced_by_rename_boots_the_opened_one)
{
	static uint8_t ram[16384];
	struct image_file f;
	char newer[80];
	int fd;

	make_file(&f, 11);
	snprintf(newer, sizeof(newer), "%s.new", file_path);
	fd = open(newer, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "other", 5), 5);
	close(fd);
	CHECK_EQ(rename(newer, file_path), 0);
	CHECK_EQ(image_file_read(&f, ram, sizeof(ram), 4096, err, sizeof(err)), 0);
	CHECK(ram_holds_file(ram, 4096, 11));
	unlink(file_path);
	image_file_close(&f);
}

TEST(image_file_must_fit_where_it_goes)
{
	static uint8_t ram[16384];
	struct image_file f;

	make_file(&f, 13);
	CHECK_EQ(image_file_read(&f, ram, FILE_SIZE - 1, 0, err, sizeof(err)), -1);
	CHECK(strstr(err, file_path) != NULL);
	CHECK_EQ(
	    image_file_read(&f, ram, sizeof(ram), sizeof(ram) - FILE_SIZE + 1, err, sizeof(err)),
	    -1);
	CHECK_EQ(image_file_read(&f, ram, sizeof(ram), UINT64_MAX, err, sizeof(err)), -1);
	CHECK_EQ(image_file_read(&f, ram, sizeof(ram), sizeof(ram) - FILE_SIZE, err, sizeof(err)),
		 0);
	unlink(file_path);
	image_file_close(&f);
}

/* An empty initrd or a file shorter than an Image header. */
TEST(image_file_empty_or_short)
{
	static uint8_t ram[64];
	struct image_file f;
	int fd;

	snprintf(file_path, sizeof(file_path), "/tmp/vmm-test-image-XXXXXX");
	fd = mkstemp(file_path);
	CHECK(fd >= 0);
	CHECK_EQ(image_file_init(&f, fd, file_path, "initrd"), 0);
	CHECK_EQ(f.size, 0);
	CHECK_EQ(f.head_len, 0);
	CHECK_EQ(image_file_read(&f, ram, sizeof(ram), UINT64_MAX, err, sizeof(err)), 0);
	CHECK_EQ(write(fd, "0123456789", 10), 10);
	/* it grew: no longer what was opened */
	CHECK_EQ(image_file_read(&f, ram, sizeof(ram), 0, err, sizeof(err)), -1);
	CHECK(strstr(err, "initrd '") == err);
	image_file_close(&f);
	fd = open(file_path, O_RDONLY);
	CHECK_EQ(image_file_init(&f, fd, file_path, "image"), 0);
	CHECK_EQ(f.head_len, 10);
	CHECK_EQ(image_file_read(&f, ram, sizeof(ram), 0, err, sizeof(err)), 0);
	CHECK(memcmp(ram, "0123456789", 10) == 0);
	unlink(file_path);
	image_file_close(&f);
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
RUN(image_file_read_at_every_boot);
RUN(image_file_truncated_is_refused);
RUN(image_file_rewritten_in_place_is_refused);
RUN(image_file_replaced_by_rename_boots_the_opened_one);
RUN(image_file_must_fit_where_it_goes);
RUN(image_file_empty_or_short);
CHECK_MAIN_END
