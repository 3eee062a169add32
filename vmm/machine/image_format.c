/*
 * Telling a kernel file's format from its first bytes (image_format.h).
 * Every format is known by its magic number; what has none is a flat
 * binary, as kvmtool treats it. Something with a magic that no one boots
 * (an ELF vmlinux, an initramfs, an xz kernel) is refused in one line
 * rather than started at its first byte, where it would hang silently.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "vmm/machine/image.h"
#include "vmm/machine/image_format.h"

/* What the first bytes say. */
enum image_kind {
	KIND_FLAT, /* no magic we know: a flat binary */
	KIND_ARM64_IMAGE,
	KIND_GZIP,
	KIND_ZSTD,
	KIND_ZBOOT,
	KIND_ELF,
	KIND_CPIO,
	KIND_XZ,
	KIND_LZ4,
	KIND_BZIP2,
	KIND_LZO,
	KIND_UIMAGE,
	KIND_PE,
};

struct image_magic {
	enum image_kind kind;
	size_t offset, len;
	const char *bytes;
};

/* Checked in order: the arm64 Image first (its "MZ" makes it a PE file too). */
static const struct image_magic image_magics[] = {
    {KIND_ARM64_IMAGE, 56, 4, "ARM\x64"},
    {KIND_ZBOOT, 0, 8, "MZ\0\0zimg"},
    {KIND_GZIP, 0, 3, "\x1f\x8b\x08"},
    {KIND_ZSTD, 0, 4, "\x28\xb5\x2f\xfd"},
    {KIND_ELF, 0, 4,
     "\x7f"
     "ELF"},
    {KIND_CPIO, 0, 6, "070701"}, /* newc */
    {KIND_CPIO, 0, 6, "070702"}, /* newc with checksums */
    {KIND_CPIO, 0, 6, "070707"}, /* odc */
    {KIND_XZ, 0, 6,
     "\xfd"
     "7zXZ\0"},
    {KIND_LZ4, 0, 4, "\x04\x22\x4d\x18"}, /* frame format */
    {KIND_LZ4, 0, 4, "\x02\x21\x4c\x18"}, /* legacy format, as the kernel's lz4 -l */
    {KIND_BZIP2, 0, 3, "BZh"},
    {KIND_LZO, 0, 4, "\x89LZO"},
    {KIND_UIMAGE, 0, 4, "\x27\x05\x19\x56"},
    {KIND_PE, 0, 2, "MZ"},
};

/* What a refused kind is, and what to give instead. */
struct image_refusal {
	enum image_kind kind;
	const char *noun, *hint;
};

#define UNPACK_FIRST "this VMM unpacks gzip and zstd kernels only: unpack it first"

static const struct image_refusal image_refusals[] = {
    {KIND_ELF, "an ELF file (a vmlinux?)", "give the arm64 Image (arch/arm64/boot/Image)"},
    {KIND_CPIO, "a cpio archive (an initramfs?)",
     "give it with -i/--initrd and a kernel Image as the image"},
    {KIND_XZ, "an xz stream", UNPACK_FIRST " (xz -d)"},
    {KIND_LZ4, "an lz4 stream", UNPACK_FIRST " (lz4 -d)"},
    {KIND_BZIP2, "a bzip2 stream", UNPACK_FIRST " (bunzip2)"},
    {KIND_LZO, "an lzop stream", UNPACK_FIRST " (lzop -d)"},
    {KIND_UIMAGE, "a U-Boot legacy image (uImage)", "give the arm64 Image inside it"},
    {KIND_PE, "a PE/COFF executable but neither an arm64 Image nor an EFI zboot image",
     "give the arm64 Image (arch/arm64/boot/Image)"},
    /* Only inside a compressed kernel: compressed twice. */
    {KIND_GZIP, "a gzip stream", "unpack it first (gunzip)"},
    {KIND_ZSTD, "a zstd stream", "unpack it first (zstd -d)"},
    {KIND_ZBOOT, "an EFI zboot image", "give the zboot image itself"},
};

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static enum image_kind image_kind_of(const uint8_t *head, size_t head_len)
{
	for (size_t i = 0; i < sizeof(image_magics) / sizeof(image_magics[0]); i++) {
		const struct image_magic *m = &image_magics[i];

		if (head_len >= m->offset + m->len &&
		    memcmp(head + m->offset, m->bytes, m->len) == 0)
			return m->kind;
	}
	return KIND_FLAT;
}

static const struct image_refusal *image_refusal_of(enum image_kind kind)
{
	for (size_t i = 0; i < sizeof(image_refusals) / sizeof(image_refusals[0]); i++)
		if (image_refusals[i].kind == kind)
			return &image_refusals[i];
	return NULL;
}

/*
 * The zboot header (zboot-header.S): where the payload lies and how it is
 * compressed. The kernel writes "gzip" or "zstd22" (Makefile.zboot's
 * comp-type); lz4, lzma, lzo and xzkern payloads exist too.
 */
static int image_format_zboot(const uint8_t *head, size_t head_len, uint64_t file_size,
			      struct image_format *out, char *err, size_t errlen)
{
	const char *comp = (const char *)head + ZBOOT_COMP_TYPE_OFFSET;
	size_t comp_len;
	uint64_t end;

	if (head_len < ARM64_IMAGE_HEADER_SIZE) {
		snprintf(err, errlen, "this EFI zboot image is truncated: %" PRIu64 " bytes",
			 file_size);
		return -1;
	}
	comp_len = strnlen(comp, ZBOOT_COMP_TYPE_MAX);
	for (size_t i = 0; i < comp_len; i++) {
		if (comp[i] < 0x21 || comp[i] > 0x7e)
			comp_len = ZBOOT_COMP_TYPE_MAX; /* not a name */
	}
	if (comp_len == 0 || comp_len == ZBOOT_COMP_TYPE_MAX) {
		snprintf(err, errlen, "this EFI zboot image's header names no compression type");
		return -1;
	}
	if (strcmp(comp, "gzip") == 0) {
		out->codec = IMAGE_CODEC_GZIP;
		out->name = "an EFI zboot image (gzip)";
	} else if (strcmp(comp, "zstd22") == 0 || strcmp(comp, "zstd") == 0) {
		out->codec = IMAGE_CODEC_ZSTD;
		out->name = "an EFI zboot image (zstd)";
	} else {
		snprintf(err, errlen,
			 "this EFI zboot image's payload is compressed with '%s': this VMM unpacks "
			 "gzip and zstd only",
			 comp);
		return -1;
	}
	out->payload_offset = le32(head + ZBOOT_PAYLOAD_OFFSET);
	out->payload_size = le32(head + ZBOOT_PAYLOAD_SIZE);
	end = out->payload_offset + out->payload_size;
	if (out->payload_size == 0 || out->payload_offset < ARM64_IMAGE_HEADER_SIZE ||
	    end > file_size) {
		snprintf(err, errlen,
			 "this EFI zboot image is truncated or damaged: its payload is bytes "
			 "%" PRIu64 "-%" PRIu64 " of a %" PRIu64 "-byte file",
			 out->payload_offset, end, file_size);
		return -1;
	}
	return 0;
}

int image_format_detect(const uint8_t *head, size_t head_len, uint64_t file_size,
			struct image_format *out, char *err, size_t errlen)
{
	enum image_kind kind = image_kind_of(head, head_len);
	const struct image_refusal *r;

	memset(out, 0, sizeof(*out));
	out->payload_size = file_size;
	switch (kind) {
	case KIND_FLAT:
	case KIND_ARM64_IMAGE:
		out->name = kind == KIND_FLAT ? "a flat binary" : "an arm64 Image";
		return 0;
	case KIND_GZIP:
		out->codec = IMAGE_CODEC_GZIP;
		out->name = "a gzip stream";
		return 0;
	case KIND_ZSTD:
		out->codec = IMAGE_CODEC_ZSTD;
		out->name = "a zstd stream";
		return 0;
	case KIND_ZBOOT:
		return image_format_zboot(head, head_len, file_size, out, err, errlen);
	default:
		r = image_refusal_of(kind);
		snprintf(err, errlen, "this is %s: %s", r->noun, r->hint);
		return -1;
	}
}

int image_format_check_unpacked(const uint8_t *head, size_t head_len,
				const struct image_format *fmt, char *err, size_t errlen)
{
	enum image_kind kind = image_kind_of(head, head_len);
	const struct image_refusal *r;

	if (kind == KIND_FLAT || kind == KIND_ARM64_IMAGE)
		return 0;
	r = image_refusal_of(kind);
	snprintf(err, errlen, "this is %s holding %s: %s", fmt->name, r->noun, r->hint);
	return -1;
}
