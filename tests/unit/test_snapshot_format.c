/*
 * Unit tests of the snapshot container (vmm/snapshot/snapfile.c,
 * snapfile_read.c) and the payload encoding (snapbuf.c): a file written and
 * parsed back; every way a file can be cut, corrupted, or come from another
 * version refused with one line that names what is wrong; lengths that
 * claim more than is there never read or allocate past the file.
 */
#define CHECK_FILE "snapshot_format"
#include "tests/unit/check.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "vmm/snapshot/snapbuf.h"
#include "vmm/snapshot/snapfile.h"

/* A file written by the writer, read back whole. */
struct file {
	uint8_t *buf;
	size_t len;
	uint64_t bytes; /* what the writer counted */
};

static const char psci_payload[] = "power states";
static const uint8_t vcpu0[300] = {1, 2, 3};
static const uint8_t vcpu1[1] = {0x7f};

static int memfd(void)
{
	return memfd_create("snap", 0);
}

static void read_back(int fd, struct file *f)
{
	off_t end = lseek(fd, 0, SEEK_END);

	f->len = (size_t)end;
	f->buf = malloc(f->len ? f->len : 1);
	CHECK(pread(fd, f->buf, f->len, 0) == (ssize_t)f->len);
	close(fd);
}

/* PSCI 0, VCPU 0, VCPU 1, an empty TESTDEV 0, END. */
static void write_sample(struct file *f)
{
	struct snap_writer w;
	int fd = memfd();

	CHECK(fd >= 0);
	CHECK_EQ(snap_writer_begin(&w, fd), 0);
	CHECK_EQ(snap_write_section(&w, SNAP_PSCI, 0, psci_payload, sizeof(psci_payload)), 0);
	CHECK_EQ(snap_write_section(&w, SNAP_VCPU, 0, vcpu0, sizeof(vcpu0)), 0);
	CHECK_EQ(snap_write_section(&w, SNAP_VCPU, 1, vcpu1, sizeof(vcpu1)), 0);
	CHECK_EQ(snap_write_section(&w, SNAP_TESTDEV, 0, NULL, 0), 0);
	CHECK_EQ(snap_writer_end(&w), 0);
	f->bytes = snap_writer_bytes(&w);
	read_back(fd, f);
}

/* Where section k (0-based, END = 4) of the sample starts. */
static size_t sample_offset(unsigned int k)
{
	const size_t lens[] = {sizeof(psci_payload), sizeof(vcpu0), sizeof(vcpu1), 0, 16};
	size_t pos = SNAP_HEADER_LEN;

	for (unsigned int i = 0; i < k; i++)
		pos += SNAP_SECTION_HEAD + lens[i] + SNAP_SECTION_CRC;
	return pos;
}

/* Parse and expect a refusal: one line that contains says. */
static void check_refused(const uint8_t *buf, size_t len, const char *says, const char *what)
{
	struct snap_image img;
	char err[256] = "";
	int ret = snap_parse(buf, len, &img, err, sizeof(err));

	if (ret >= 0 || !strstr(err, says) || strchr(err, '\n') || img.nr || img.sections) {
		printf("  %s: ret %d, '%s', expected a refusal with '%s'\n", what, ret, err, says);
		check_failed_in_case = 1;
	}
}

/* Recompute section at pos's CRC after a test edited it. */
static void fix_crc(uint8_t *buf, size_t pos, size_t payload)
{
	uint32_t crc = (uint32_t)crc32(0, buf + pos, (uInt)(SNAP_SECTION_HEAD + payload));

	for (int i = 0; i < 4; i++)
		buf[pos + SNAP_SECTION_HEAD + payload + (size_t)i] = (uint8_t)(crc >> (8 * i));
}

TEST(a_written_file_parses_back_section_by_section)
{
	struct snap_image img;
	const struct snap_section *s;
	char err[256] = "";
	struct file f;

	write_sample(&f);
	CHECK_EQ(f.bytes, f.len);
	CHECK_EQ(f.len, sample_offset(5));
	CHECK(!memcmp(f.buf, "VMMSNAP\0", 8));
	CHECK_EQ(snap_parse(f.buf, f.len, &img, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_EQ(img.nr, 4);
	CHECK_EQ(img.version, 1);
	s = snap_find(&img, SNAP_VCPU, 1);
	CHECK(s && s->len == 1 && s->data[0] == 0x7f);
	s = snap_find(&img, SNAP_VCPU, 0);
	CHECK(s && s->len == sizeof(vcpu0) && !memcmp(s->data, vcpu0, sizeof(vcpu0)));
	s = snap_find(&img, SNAP_PSCI, 0);
	CHECK(s && !strcmp((const char *)s->data, psci_payload));
	s = snap_find(&img, SNAP_TESTDEV, 0);
	CHECK(s && s->len == 0);
	CHECK(!snap_find(&img, SNAP_VCPU, 2));
	CHECK(!snap_find(&img, SNAP_UART, 0));
	CHECK_EQ(img.sections[0].tag, SNAP_PSCI);
	CHECK_EQ(img.sections[3].tag, SNAP_TESTDEV);
	snap_image_free(&img);
	free(f.buf);
}

TEST(a_file_cut_at_any_byte_is_truncated)
{
	struct file f;
	char what[64];

	write_sample(&f);
	check_refused(f.buf, 0, "empty", "0 bytes");
	for (size_t cut = 1; cut < f.len; cut++) {
		uint8_t *copy = malloc(cut); /* exactly cut bytes: ASan sees any overread */

		memcpy(copy, f.buf, cut);
		snprintf(what, sizeof(what), "cut at %zu of %zu", cut, f.len);
		check_refused(copy, cut, "truncated", what);
		free(copy);
	}
	/* Between two sections: no END, said so. */
	check_refused(f.buf, sample_offset(2), "no END section after 2 sections", "between");
	free(f.buf);
}

TEST(a_flipped_byte_in_any_section_is_refused_naming_the_section)
{
	const char *names[] = {"(PSCI 0)", "(VCPU 0)", "(VCPU 1)", "(TESTDEV 0)", "(END 0)"};
	char what[64], says[64];
	struct file f;

	write_sample(&f);
	for (unsigned int k = 0; k < 5; k++) {
		for (size_t pos = sample_offset(k); pos < sample_offset(k + 1); pos++) {
			bool head = pos < sample_offset(k) + SNAP_SECTION_HEAD;

			f.buf[pos] ^= 0x20;
			snprintf(what, sizeof(what), "byte %zu flipped", pos);
			/* A flipped tag or length changes what the section is
			 * taken to be; its number is still right. */
			if (head)
				snprintf(says, sizeof(says), "section %u", k + 1);
			else
				snprintf(says, sizeof(says), "CRC mismatch in section %u %s", k + 1,
					 names[k]);
			check_refused(f.buf, f.len, says, what);
			f.buf[pos] ^= 0x20;
		}
	}
	free(f.buf);
}

TEST(the_header_is_checked_field_by_field)
{
	struct file f;

	write_sample(&f);
	f.buf[0] = 'X';
	check_refused(f.buf, f.len, "not a vmm snapshot", "magic");
	f.buf[0] = 'V';
	f.buf[8] = 2;
	check_refused(f.buf, f.len, "format version 2, this vmm reads 1", "version 2");
	f.buf[8] = 0;
	check_refused(f.buf, f.len, "format version 0, this vmm reads 1", "version 0");
	f.buf[8] = 1;
	f.buf[12] = 32;
	check_refused(f.buf, f.len, "header length 32", "header length");
	f.buf[12] = 24;
	f.buf[23] = 0x80;
	check_refused(f.buf, f.len, "unknown header flags 0x8000000000000000", "flags");
	f.buf[23] = 0;
	check_refused((const uint8_t *)"#!/bin/sh\n", 10, "not a vmm snapshot", "a script");
	free(f.buf);
}

TEST(end_must_agree_with_the_file)
{
	size_t end = sample_offset(4);
	struct file f;

	write_sample(&f);
	f.buf[end + SNAP_SECTION_HEAD] = 3; /* count */
	fix_crc(f.buf, end, 16);
	check_refused(f.buf, f.len, "END says 3 sections, the file has 4", "count");
	f.buf[end + SNAP_SECTION_HEAD] = 4;
	f.buf[end + SNAP_SECTION_HEAD + 8] ^= 1; /* length */
	fix_crc(f.buf, end, 16);
	check_refused(f.buf, f.len, "END says the file is", "length");
	f.buf[end + SNAP_SECTION_HEAD + 8] ^= 1;
	fix_crc(f.buf, end, 16);
	f.buf = realloc(f.buf, f.len + 1);
	f.buf[f.len] = 0;
	check_refused(f.buf, f.len + 1, "1 bytes after the END section", "trailing");
	free(f.buf);
}

/* A section head claiming len bytes, then nothing. */
static size_t claim(uint8_t *buf, uint32_t tag, uint64_t len)
{
	struct snap_writer w;
	struct file f;
	int fd = memfd();

	snap_writer_begin(&w, fd);
	read_back(fd, &f);
	memcpy(buf, f.buf, f.len);
	free(f.buf);
	for (int i = 0; i < 4; i++)
		buf[SNAP_HEADER_LEN + i] = (uint8_t)(tag >> (8 * i));
	memset(buf + SNAP_HEADER_LEN + 4, 0, 4);
	for (int i = 0; i < 8; i++)
		buf[SNAP_HEADER_LEN + 8 + i] = (uint8_t)(len >> (8 * i));
	return SNAP_HEADER_LEN + SNAP_SECTION_HEAD;
}

TEST(huge_lengths_neither_allocate_nor_wrap)
{
	const uint64_t lens[] = {
	    UINT64_MAX, UINT64_MAX - 3, UINT64_MAX - 19, 1ULL << 63, SIZE_MAX - SNAP_HEADER_LEN, 5};
	uint8_t buf[SNAP_HEADER_LEN + SNAP_SECTION_HEAD + 4];

	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		size_t n = claim(buf, SNAP_VGIC, lens[i]);

		check_refused(buf, n, "truncated in section 1 (VGIC 0)", "huge length");
		memset(buf + n, 0, 4); /* a CRC's worth of bytes after the head */
		check_refused(buf, n + 4, "truncated in section 1 (VGIC 0)", "huge length + 4");
	}
}

TEST(unknown_tags_and_duplicates_are_refused)
{
	struct snap_writer w;
	struct file f;
	int fd = memfd();

	snap_writer_begin(&w, fd);
	snap_write_section(&w, SNAP_UART, 0, "a", 1);
	snap_write_section(&w, SNAP_VCPU, 3, "b", 1);
	snap_write_section(&w, SNAP_UART, 0, "c", 1);
	snap_writer_end(&w);
	read_back(fd, &f);
	check_refused(f.buf, f.len, "section UART 0 occurs twice", "duplicate");
	f.buf[SNAP_HEADER_LEN] = SNAP_NR_TAGS + 7;
	fix_crc(f.buf, SNAP_HEADER_LEN, 1);
	check_refused(f.buf, f.len, "section 1 has unknown tag 24", "unknown tag");
	free(f.buf);
}

TEST(the_writer_refuses_what_it_cannot_write_and_keeps_the_error)
{
	struct snap_writer w;
	int fd = memfd();

	CHECK_EQ(snap_writer_begin(&w, fd), 0);
	CHECK_EQ(snap_write_section(&w, SNAP_END, 0, NULL, 0), -EINVAL);
	CHECK_EQ(snap_write_section(&w, SNAP_NR_TAGS, 0, NULL, 0), -EINVAL);
	CHECK_EQ(snap_writer_end(&w), 0);
	CHECK_EQ(snap_write_section(&w, SNAP_UART, 0, "x", 1), -EINVAL);
	CHECK(strstr(w.err, "after END"));
	CHECK_EQ(snap_writer_end(&w), -EINVAL);
	close(fd);

	fd = memfd();
	close(fd); /* writes now fail with EBADF */
	CHECK_EQ(snap_writer_begin(&w, fd), -EBADF);
	CHECK_STR(w.err, "write: Bad file descriptor");
	CHECK_EQ(snap_write_section(&w, SNAP_UART, 0, "x", 1), -EBADF);
	CHECK_EQ(snap_writer_end(&w), -EBADF);
	CHECK_EQ(snap_writer_bytes(&w), 0);
}

TEST(read_file_names_the_file)
{
	char path[] = "/tmp/test_snapshot_XXXXXX";
	struct snap_image img;
	char err[512] = "";
	struct file f;
	int fd = mkstemp(path);

	write_sample(&f);
	CHECK(write(fd, f.buf, f.len) == (ssize_t)f.len);
	CHECK_EQ(snap_read_file(path, &img, err, sizeof(err)), 0);
	CHECK_EQ(img.nr, 4);
	CHECK(img.owned != NULL);
	CHECK(snap_find(&img, SNAP_VCPU, 1) != NULL);
	snap_image_free(&img);
	CHECK(ftruncate(fd, (off_t)f.len - 1) == 0);
	CHECK(snap_read_file(path, &img, err, sizeof(err)) < 0);
	CHECK(!strncmp(err, "snapshot ", 9) && strstr(err, path) && strstr(err, "truncated"));
	close(fd);
	unlink(path);
	CHECK_EQ(snap_read_file(path, &img, err, sizeof(err)), -ENOENT);
	CHECK(strstr(err, "No such file or directory") && strstr(err, path));
	free(f.buf);
}

/* A state file bigger than the reader's first buffer (64 KiB) is read
 * whole: its one large section comes back byte for byte. */
TEST(read_file_reads_a_file_larger_than_its_first_buffer)
{
	char path[] = "/tmp/test_snapshot_XXXXXX";
	static uint8_t big[200000];
	const struct snap_section *sec;
	struct snap_writer w;
	struct snap_image img;
	char err[512] = "";
	int fd = mkstemp(path);

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + i / 251);
	CHECK(fd >= 0);
	CHECK_EQ(snap_writer_begin(&w, fd), 0);
	CHECK_EQ(snap_write_section(&w, SNAP_VCPU, 0, big, sizeof(big)), 0);
	CHECK_EQ(snap_writer_end(&w), 0);
	CHECK_EQ(snap_read_file(path, &img, err, sizeof(err)), 0);
	sec = snap_find(&img, SNAP_VCPU, 0);
	CHECK(sec && sec->len == sizeof(big) && !memcmp(sec->data, big, sizeof(big)));
	snap_image_free(&img);
	close(fd);
	unlink(path);
}

TEST(payload_encoding_round_trips_and_catches_overruns)
{
	struct snap_buf b = {0};
	struct snap_cursor c;
	char s[8];
	uint8_t raw[3];

	snap_put_u8(&b, 0xab);
	snap_put_bool(&b, true);
	snap_put_u32(&b, 0x01020304);
	snap_put_u64(&b, 0x1122334455667788ULL);
	snap_put_str(&b, "hello");
	snap_put_bytes(&b, "xyz", 3);
	CHECK(!b.oom);
	CHECK_EQ(b.data[2], 0x04); /* little-endian */
	snap_cursor_init(&c, b.data, b.len);
	CHECK_EQ(snap_get_u8(&c), 0xab);
	CHECK(snap_get_bool(&c));
	CHECK_EQ(snap_get_u32(&c), 0x01020304);
	CHECK(snap_get_u64(&c) == 0x1122334455667788ULL);
	CHECK(snap_get_str(&c, s, sizeof(s)));
	CHECK_STR(s, "hello");
	CHECK(snap_get_bytes(&c, raw, 3) && !memcmp(raw, "xyz", 3));
	CHECK(snap_cursor_ok_and_done(&c));
	CHECK_EQ(snap_get_u32(&c), 0); /* past the end: zero, and bad for good */
	CHECK(c.bad && !snap_cursor_ok_and_done(&c));

	snap_cursor_init(&c, b.data, b.len);
	snap_get_u8(&c);
	CHECK(!snap_cursor_ok_and_done(&c)); /* bytes left over */
	snap_cursor_init(&c, b.data, b.len);
	CHECK(!snap_get_bool(&c) && c.bad); /* 0xab is no bool */
	snap_cursor_init(&c, b.data + 14, b.len - 14);
	CHECK(!snap_get_str(&c, s, 5) && c.bad && s[0] == '\0'); /* "hello" needs 6 */
	snap_buf_free(&b);

	snap_put_u32(&b, 2);
	snap_put_bytes(&b, "a\0", 2);
	snap_cursor_init(&c, b.data, b.len);
	CHECK(!snap_get_str(&c, s, sizeof(s)) && c.bad); /* a NUL inside */
	snap_buf_free(&b);
}

CHECK_MAIN_BEGIN
RUN(a_written_file_parses_back_section_by_section);
RUN(a_file_cut_at_any_byte_is_truncated);
RUN(a_flipped_byte_in_any_section_is_refused_naming_the_section);
RUN(the_header_is_checked_field_by_field);
RUN(end_must_agree_with_the_file);
RUN(huge_lengths_neither_allocate_nor_wrap);
RUN(unknown_tags_and_duplicates_are_refused);
RUN(the_writer_refuses_what_it_cannot_write_and_keeps_the_error);
RUN(read_file_names_the_file);
RUN(read_file_reads_a_file_larger_than_its_first_buffer);
RUN(payload_encoding_round_trips_and_catches_overruns);
CHECK_MAIN_END
