/*
 * Unit tests of the kernel formats (vmm/machine/image_format.c) and their
 * unpacking into RAM (vmm/machine/image_unpack.c, image_file_unpack): each
 * format told from synthetic first bytes, gzip and zstd kernels and EFI
 * zboot images (header built here per the kernel's zboot-header.S) made
 * with zlib and libzstd in the test and unpacked byte for byte, and every
 * refusal in one line: corrupt and truncated streams, a kernel that
 * unpacks to more than RAM, an unknown zboot compression, an ELF vmlinux,
 * an initramfs (plain or compressed), other compressors.
 */
#define CHECK_FILE "image_format"
#include "tests/unit/check.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "vmm/machine/image_file.h"
#include "vmm/machine/image_format.h"
#include "vmm/machine/image_unpack.h"

#define MiB	    (1ULL << 20)
#define KERNEL_SIZE (3 * MiB) /* more than one 256 KiB read of the file */

static char err[512];
static char file_path[64];

/* A kernel: an arm64 Image header, then bytes that compress to roughly
 * half (so the compressed file too spans several reads). */
static uint8_t *make_kernel(size_t size)
{
	uint8_t *k = malloc(size);
	uint32_t x = 2463534242u;

	for (size_t i = 0; i < size; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		k[i] = (uint8_t)(x & 0x0f);
	}
	memset(k, 0, 64);
	memcpy(k, "MZ", 2);
	k[16] = (uint8_t)(size >> 0); /* image_size */
	k[17] = (uint8_t)(size >> 8);
	k[18] = (uint8_t)(size >> 16);
	k[19] = (uint8_t)(size >> 24);
	memcpy(k + 56, "ARM\x64", 4);
	return k;
}

/* gzip (RFC 1952) of in[0..n) into a malloc'd buffer; *out_len its size. */
static uint8_t *gzip_of(const uint8_t *in, size_t n, size_t *out_len)
{
	z_stream zs;
	size_t cap = compressBound(n) + 64;
	uint8_t *out = malloc(cap);

	memset(&zs, 0, sizeof(zs));
	CHECK_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	CHECK_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*out_len = zs.total_out;
	deflateEnd(&zs);
	return out;
}

/*
 * zstd of in[0..n): with a checksum, as zstd(1) writes, and, if
 * big_window, a 256 MiB window and no content size in the frame header,
 * as a streaming `zstd --ultra -22 --long` may write: more than libzstd
 * decodes by default (ZSTD_WINDOWLOG_LIMIT_DEFAULT, 27).
 */
static uint8_t *zstd_of(const uint8_t *in, size_t n, bool big_window, size_t *out_len)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	size_t cap = ZSTD_compressBound(n);
	uint8_t *out = malloc(cap);
	ZSTD_outBuffer ob = {out, cap, 0};
	ZSTD_inBuffer ib = {in, n, 0};

	ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 3);
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
	if (big_window) {
		/* fed as a stream, the size unknown: the window stays as set */
		ZSTD_CCtx_setParameter(c, ZSTD_c_windowLog, 28);
		while (ib.pos < ib.size)
			CHECK(!ZSTD_isError(ZSTD_compressStream2(c, &ob, &ib, ZSTD_e_continue)));
	}
	CHECK_EQ(ZSTD_compressStream2(c, &ob, &ib, ZSTD_e_end), 0);
	if (big_window) {
		CHECK_EQ(ZSTD_getFrameContentSize(out, ob.pos), ZSTD_CONTENTSIZE_UNKNOWN);
	}
	*out_len = ob.pos;
	ZSTD_freeCCtx(c);
	return out;
}

/* An EFI zboot image (zboot-header.S): the header, the payload at 0x1000,
 * and for zstd the le32 unpacked size after it (outside payload_size). */
static uint8_t *zboot_of(const uint8_t *payload, size_t n, const char *comp, uint32_t unpacked,
			 size_t *out_len)
{
	size_t tail = strcmp(comp, "gzip") ? 4 : 0, len = 0x1000 + n + tail;
	uint8_t *z = calloc(1, len);

	memcpy(z, "MZ\0\0zimg", 8);
	for (int i = 0; i < 4; i++) {
		z[ZBOOT_PAYLOAD_OFFSET + i] = (uint8_t)(0x1000 >> (8 * i));
		z[ZBOOT_PAYLOAD_SIZE + i] = (uint8_t)(n >> (8 * i));
		if (tail)
			z[0x1000 + n + i] = (uint8_t)(unpacked >> (8 * i));
		z[ZBOOT_LINUX_PE_MAGIC_OFFS + i] = (uint8_t)(ZBOOT_LINUX_PE_MAGIC >> (8 * i));
	}
	memcpy(z + ZBOOT_COMP_TYPE_OFFSET, comp, strlen(comp) + 1);
	memcpy(z + 0x1000, payload, n);
	*out_len = len;
	return z;
}

/* The bytes as a kernel file f, opened and its format told as boot.c does. */
static int open_kernel(struct image_file *f, const uint8_t *bytes, size_t n)
{
	int fd;

	snprintf(file_path, sizeof(file_path), "/tmp/vmm-test-kernel-XXXXXX");
	fd = mkstemp(file_path);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, bytes, n), (ssize_t)n);
	CHECK_EQ(image_file_init(f, fd, file_path, "image"), 0);
	err[0] = '\0';
	return image_format_detect(f->head, f->head_len, f->size, &f->fmt, err, sizeof(err));
}

static void close_kernel(struct image_file *f)
{
	unlink(file_path);
	image_file_close(f);
}

/* Unpack bytes (a compressed kernel file) into a RAM of room bytes. */
static int unpack_bytes(const uint8_t *bytes, size_t n, uint8_t *ram, uint64_t room, uint64_t *len)
{
	struct image_file f;
	int ret = open_kernel(&f, bytes, n);

	CHECK_EQ(ret, 0);
	CHECK(f.fmt.codec != IMAGE_CODEC_NONE);
	if (!ret)
		ret = image_file_unpack(&f, ram, room, len, err, sizeof(err));
	close_kernel(&f);
	return ret;
}

static int detect(const void *head, size_t len, struct image_format *fmt)
{
	err[0] = '\0';
	return image_format_detect(head, len, 1 * MiB, fmt, err, sizeof(err));
}

TEST(image_and_flat_binary_are_taken_as_they_are)
{
	uint8_t *k = make_kernel(4096);
	struct image_format fmt;

	CHECK_EQ(detect(k, 64, &fmt), 0);
	CHECK_EQ(fmt.codec, IMAGE_CODEC_NONE);
	CHECK_STR(fmt.name, "an arm64 Image");
	/* a flat binary: no magic at all, or too short to have one */
	CHECK_EQ(detect("\x00\x00\xa0\xd2\x01\x00\x00\xd4", 8, &fmt), 0);
	CHECK_EQ(fmt.codec, IMAGE_CODEC_NONE);
	CHECK_STR(fmt.name, "a flat binary");
	CHECK_EQ(detect("\x1f", 1, &fmt), 0);
	CHECK_EQ(fmt.codec, IMAGE_CODEC_NONE);
	free(k);
}

TEST(gzip_and_zstd_told_by_their_magic)
{
	struct image_format fmt;

	CHECK_EQ(detect("\x1f\x8b\x08\x00\x00\x00\x00\x00", 8, &fmt), 0);
	CHECK_EQ(fmt.codec, IMAGE_CODEC_GZIP);
	CHECK_EQ(fmt.payload_offset, 0);
	CHECK_EQ(fmt.payload_size, 1 * MiB);
	CHECK_EQ(detect("\x28\xb5\x2f\xfd\x04\x00", 6, &fmt), 0);
	CHECK_EQ(fmt.codec, IMAGE_CODEC_ZSTD);
	CHECK_EQ(fmt.payload_size, 1 * MiB);
}

TEST(what_no_one_boots_is_named_in_one_line)
{
	static const struct {
		const char *bytes;
		size_t len;
		const char *says;
	} cases[] = {
#define HEAD(s) s, sizeof(s) - 1
	    {HEAD("\x7f"
		  "ELF\x02\x01\x01"),
	     "this is an ELF file (a vmlinux?): give the arm64 Image (arch/arm64/boot/Image)"},
	    {HEAD("070701000000"),
	     "this is a cpio archive (an initramfs?): give it with -i/--initrd"},
	    {HEAD("070702000000"), "cpio archive"},
	    {HEAD("070707000000"), "cpio archive"},
	    {HEAD("\xfd"
		  "7zXZ\0\0"),
	     "this is an xz stream: this VMM unpacks gzip and zstd kernels only"},
	    {HEAD("\x04\x22\x4d\x18"), "an lz4 stream"},
	    {HEAD("\x02\x21\x4c\x18"), "an lz4 stream"},
	    {HEAD("BZh91AY"), "a bzip2 stream"},
	    {HEAD("\x89LZO\0\r\n"), "an lzop stream"},
	    {HEAD("\x27\x05\x19\x56"), "U-Boot legacy image"},
	    {HEAD("MZ\x90\0\x03\0\0\0"), "neither an arm64 Image nor an EFI zboot image"},
#undef HEAD
	};
	struct image_format fmt;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t head[64] = {0};
		char name[8];

		memcpy(head, cases[i].bytes, cases[i].len);
		snprintf(name, sizeof(name), "case %zu", i);
		CHECK_REFUSED(detect(head, sizeof(head), &fmt), err, cases[i].says, name);
	}
	memcpy(err, "", 1);
	CHECK_EQ(detect("\x7f"
			"ELF",
			4, &fmt),
		 -1);
	CHECK_STR(err, "this is an ELF file (a vmlinux?): give the arm64 Image "
		       "(arch/arm64/boot/Image)");
}

TEST(zboot_header_gives_payload_and_compression)
{
	uint8_t payload[16] = {0};
	struct image_format fmt;
	size_t n;
	uint8_t *z = zboot_of(payload, sizeof(payload), "gzip", 0, &n);

	CHECK_EQ(image_format_detect(z, 64, n, &fmt, err, sizeof(err)), 0);
	CHECK_EQ(fmt.codec, IMAGE_CODEC_GZIP);
	CHECK_EQ(fmt.payload_offset, 0x1000);
	CHECK_EQ(fmt.payload_size, sizeof(payload));
	CHECK_STR(fmt.name, "an EFI zboot image (gzip)");
	free(z);
	z = zboot_of(payload, sizeof(payload), "zstd22", 1234, &n);
	CHECK_EQ(image_format_detect(z, 64, n, &fmt, err, sizeof(err)), 0);
	CHECK_EQ(fmt.codec, IMAGE_CODEC_ZSTD);
	CHECK_EQ(fmt.payload_size, sizeof(payload)); /* the size word is not payload */
	/* the file ends before the payload does */
	CHECK_REFUSED(image_format_detect(z, 64, 0x1000 + 15, &fmt, err, sizeof(err)), err,
		      "this EFI zboot image is truncated or damaged: its payload is bytes "
		      "4096-4112 of a 4111-byte file",
		      "zboot, short");
	/* a header alone, cut short */
	CHECK_REFUSED(image_format_detect(z, 40, 40, &fmt, err, sizeof(err)), err, "truncated",
		      "zboot, 40 bytes");
	free(z);
	z = zboot_of(payload, sizeof(payload), "lzma", 0, &n);
	CHECK_REFUSED(image_format_detect(z, 64, n, &fmt, err, sizeof(err)), err,
		      "payload is compressed with 'lzma': this VMM unpacks gzip and zstd only",
		      "zboot lzma");
	memset(z + ZBOOT_COMP_TYPE_OFFSET, 'x', ZBOOT_COMP_TYPE_MAX); /* no NUL */
	CHECK_REFUSED(image_format_detect(z, 64, n, &fmt, err, sizeof(err)), err,
		      "names no compression type", "zboot unterminated name");
	memset(z + ZBOOT_COMP_TYPE_OFFSET, 0, ZBOOT_COMP_TYPE_MAX);
	CHECK_REFUSED(image_format_detect(z, 64, n, &fmt, err, sizeof(err)), err,
		      "names no compression type", "zboot empty name");
	free(z);
}

TEST(gzip_kernel_unpacks_into_ram)
{
	uint8_t *k = make_kernel(KERNEL_SIZE), *ram = malloc(8 * MiB);
	size_t n;
	uint8_t *gz = gzip_of(k, KERNEL_SIZE, &n);
	uint64_t len = 0;

	CHECK(n > 512 * 1024); /* several reads of the file */
	CHECK_EQ(unpack_bytes(gz, n, ram, 8 * MiB, &len), 0);
	CHECK_EQ(len, KERNEL_SIZE);
	CHECK(memcmp(ram, k, KERNEL_SIZE) == 0);
	free(gz);
	free(ram);
	free(k);
}

TEST(zstd_kernel_unpacks_into_ram_whatever_its_window)
{
	uint8_t *k = make_kernel(KERNEL_SIZE), *ram = malloc(8 * MiB);
	uint64_t len = 0;

	for (int big = 0; big <= 1; big++) {
		size_t n;
		uint8_t *zs = zstd_of(k, KERNEL_SIZE, big, &n);

		memset(ram, 0xaa, 8 * MiB);
		CHECK_EQ(unpack_bytes(zs, n, ram, 8 * MiB, &len), 0);
		CHECK_EQ(len, KERNEL_SIZE);
		CHECK(memcmp(ram, k, KERNEL_SIZE) == 0);
		free(zs);
	}
	free(ram);
	free(k);
}

TEST(zboot_image_unpacks_its_payload)
{
	uint8_t *k = make_kernel(KERNEL_SIZE), *ram = malloc(8 * MiB);
	size_t pn, zn;
	uint64_t len = 0;
	uint8_t *p = gzip_of(k, KERNEL_SIZE, &pn);
	uint8_t *z = zboot_of(p, pn, "gzip", 0, &zn);

	CHECK_EQ(unpack_bytes(z, zn, ram, 8 * MiB, &len), 0);
	CHECK_EQ(len, KERNEL_SIZE);
	CHECK(memcmp(ram, k, KERNEL_SIZE) == 0);
	free(z);
	free(p);
	p = zstd_of(k, KERNEL_SIZE, false, &pn);
	z = zboot_of(p, pn, "zstd22", KERNEL_SIZE, &zn);
	memset(ram, 0, 8 * MiB);
	CHECK_EQ(unpack_bytes(z, zn, ram, 8 * MiB, &len), 0);
	CHECK_EQ(len, KERNEL_SIZE);
	CHECK(memcmp(ram, k, KERNEL_SIZE) == 0);
	free(z);
	free(p);
	free(ram);
	free(k);
}

/* The tests that try both codecs: 0 gzip, 1 zstd. */
static const char *const codec_name[] = {"gzip", "zstd"};

static uint8_t *packed_kernel(int codec, const uint8_t *k, size_t *n)
{
	return codec ? zstd_of(k, KERNEL_SIZE, false, n) : gzip_of(k, KERNEL_SIZE, n);
}

/* RAM exactly the unpacked size: fits; a byte less: one line, no overrun
 * (ASan watches the heap block's end). */
TEST(kernel_unpacking_to_more_than_ram_refused)
{
	uint8_t *k = make_kernel(KERNEL_SIZE);
	size_t n;

	for (int codec = 0; codec <= 1; codec++) {
		uint8_t *c = packed_kernel(codec, k, &n);
		uint8_t *ram = malloc(KERNEL_SIZE);
		uint64_t len = 0;

		CHECK_EQ(unpack_bytes(c, n, ram, KERNEL_SIZE, &len), 0);
		CHECK_EQ(len, KERNEL_SIZE);
		free(ram);
		ram = malloc(KERNEL_SIZE - 1);
		CHECK_REFUSED(unpack_bytes(c, n, ram, KERNEL_SIZE - 1, &len), err,
			      codec ? "the zstd kernel unpacks to more than the 2 MiB of RAM below "
				      "the device tree: give more --mem"
				    : "the gzip kernel unpacks to more than the 2 MiB",
			      codec_name[codec]);
		CHECK(strstr(err, file_path) != NULL);
		free(ram);
		free(c);
	}
	free(k);
}

TEST(corrupt_streams_refused)
{
	uint8_t *k = make_kernel(KERNEL_SIZE), *ram = malloc(8 * MiB);
	size_t n;
	uint64_t len;

	for (int codec = 0; codec <= 1; codec++) {
		uint8_t *c = packed_kernel(codec, k, &n);

		memset(c + n / 2, 0xff, 64);
		CHECK_REFUSED(unpack_bytes(c, n, ram, 8 * MiB, &len), err,
			      codec ? "the zstd stream is corrupt ("
				    : "the gzip stream is corrupt (",
			      codec_name[codec]);
		free(c);
	}
	free(ram);
	free(k);
}

/* A file cut short, anywhere after its magic. */
TEST(truncated_streams_refused)
{
	uint8_t *k = make_kernel(KERNEL_SIZE), *ram = malloc(8 * MiB);
	size_t n;
	uint64_t len;

	for (int codec = 0; codec <= 1; codec++) {
		uint8_t *c = packed_kernel(codec, k, &n);
		const size_t cuts[] = {n / 2, n - 1, 10};

		for (size_t i = 0; i < 3; i++)
			CHECK_REFUSED(unpack_bytes(c, cuts[i], ram, 8 * MiB, &len), err,
				      codec ? "the zstd stream ends early: the file is truncated"
					    : "the gzip stream ends early: the file is truncated",
				      codec_name[codec]);
		free(c);
	}
	free(ram);
	free(k);
}

/* What unpacks to an initramfs or a vmlinux is named as such. */
TEST(compressed_initramfs_or_vmlinux_refused)
{
	uint8_t cpio[512] = "070701000000000000000000", *ram = malloc(MiB);
	uint8_t elf[512] = "\x7f"
			   "ELF\x02\x01\x01";
	size_t n, zn;
	uint64_t len;
	uint8_t *c = gzip_of(cpio, sizeof(cpio), &n), *z;

	CHECK_REFUSED(
	    unpack_bytes(c, n, ram, MiB, &len), err,
	    "': this is a gzip stream holding a cpio archive (an initramfs?): give it with "
	    "-i/--initrd",
	    "gzip'd cpio");
	CHECK(strstr(err, "image '/tmp/vmm-test-kernel-") == err);
	free(c);
	c = zstd_of(elf, sizeof(elf), false, &n);
	CHECK_REFUSED(unpack_bytes(c, n, ram, MiB, &len), err,
		      "this is a zstd stream holding an ELF file (a vmlinux?)", "zstd'd ELF");
	free(c);
	/* compressed twice */
	c = gzip_of(cpio, sizeof(cpio), &n);
	z = zboot_of(c, n, "gzip", 0, &zn);
	free(c);
	c = gzip_of(z, zn, &n);
	CHECK_REFUSED(unpack_bytes(c, n, ram, MiB, &len), err,
		      "this is a gzip stream holding an EFI zboot image", "gzip'd zboot");
	free(c);
	free(z);
	free(ram);
}

/* A compressed kernel is unpacked from the file at every boot, so a file
 * changed in place since it was opened is refused as an Image is. */
TEST(compressed_kernel_changed_in_place_refused)
{
	uint8_t *k = make_kernel(KERNEL_SIZE), *ram = malloc(8 * MiB);
	size_t n;
	uint64_t len;
	uint8_t *gz = gzip_of(k, KERNEL_SIZE, &n);
	struct image_file f;

	CHECK_EQ(open_kernel(&f, gz, n), 0);
	CHECK_EQ(image_file_unpack(&f, ram, 8 * MiB, &len, err, sizeof(err)), 0);
	CHECK_EQ(ftruncate(f.fd, (off_t)n / 2), 0);
	CHECK_REFUSED(image_file_unpack(&f, ram, 8 * MiB, &len, err, sizeof(err)), err,
		      "was changed in place since the VM started", "truncated after opening");
	close_kernel(&f);
	free(gz);
	free(ram);
	free(k);
}

CHECK_MAIN_BEGIN
RUN(image_and_flat_binary_are_taken_as_they_are);
RUN(gzip_and_zstd_told_by_their_magic);
RUN(what_no_one_boots_is_named_in_one_line);
RUN(zboot_header_gives_payload_and_compression);
RUN(gzip_kernel_unpacks_into_ram);
RUN(zstd_kernel_unpacks_into_ram_whatever_its_window);
RUN(zboot_image_unpacks_its_payload);
RUN(kernel_unpacking_to_more_than_ram_refused);
RUN(corrupt_streams_refused);
RUN(truncated_streams_refused);
RUN(compressed_initramfs_or_vmlinux_refused);
RUN(compressed_kernel_changed_in_place_refused);
CHECK_MAIN_END
