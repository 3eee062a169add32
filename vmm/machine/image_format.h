/*
 * What a kernel file is, from its first bytes: an arm64 Image or a flat
 * binary (copied into RAM as it is), a compressed kernel this VMM unpacks
 * (gzip as distributions ship `vmlinuz`, a bare zstd frame as `make
 * Image.zst` writes, or an EFI zboot image: a PE/COFF header with the
 * "zimg" type that says where its gzip or zstd payload lies, per the
 * kernel's drivers/firmware/efi/libstub/zboot-header.S), or a file nobody
 * meant as a kernel (an ELF vmlinux, an initramfs, an xz/lz4/bzip2/lzo
 * stream), which is refused with one line saying what it looks like.
 *
 * Pure logic on bytes: the reading is image_file.c's, the unpacking
 * image_unpack.c's. The first ARM64_IMAGE_HEADER_SIZE (64) bytes suffice
 * for every decision, the zboot header's included.
 */
#ifndef VMM_IMAGE_FORMAT_H
#define VMM_IMAGE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* How the kernel is stored in the file. */
enum image_codec {
	IMAGE_CODEC_NONE, /* an arm64 Image or a flat binary, as it is */
	IMAGE_CODEC_GZIP, /* RFC 1952 */
	IMAGE_CODEC_ZSTD, /* RFC 8878 */
};

/* zboot-header.S: "MZ" at 0, the image type "zimg" at 4, the payload's
 * offset and size (le32) at 8 and 12, its compression as a NUL-terminated
 * name at 24, the Linux PE magic at 0x38. */
#define ZBOOT_TYPE_OFFSET	  4
#define ZBOOT_PAYLOAD_OFFSET	  8
#define ZBOOT_PAYLOAD_SIZE	  12
#define ZBOOT_COMP_TYPE_OFFSET	  24
#define ZBOOT_COMP_TYPE_MAX	  (0x38 - ZBOOT_COMP_TYPE_OFFSET)
#define ZBOOT_LINUX_PE_MAGIC	  0x818223cdU /* le32 at 0x38 */
#define ZBOOT_LINUX_PE_MAGIC_OFFS 0x38

struct image_format {
	enum image_codec codec;
	/* The compressed stream: [payload_offset, payload_offset + payload_size)
	 * of the file (the whole file unless zboot). */
	uint64_t payload_offset, payload_size;
	const char *name; /* for messages: "gzip", "EFI zboot (zstd)", ... */
};

/*
 * Tell what the kernel file of file_size bytes whose first bytes are
 * head[0..head_len) is. Returns 0 with *out filled, or -1 with one line in
 * err saying what the file looks like and what to give instead (an ELF
 * file, a cpio archive, a stream compressed in a way this VMM does not
 * unpack, a zboot image with an unknown compression or a payload past the
 * end of the file).
 */
int image_format_detect(const uint8_t *head, size_t head_len, uint64_t file_size,
			struct image_format *out, char *err, size_t errlen);

/*
 * The unpacked kernel's first bytes head[0..head_len), unpacked from a
 * stream described by fmt: -1 with one line in err if they are something
 * no one boots (a compressed cpio archive is an initramfs, a compressed
 * ELF file a vmlinux, compressed again), else 0: an arm64 Image or a flat
 * binary.
 */
int image_format_check_unpacked(const uint8_t *head, size_t head_len,
				const struct image_format *fmt, char *err, size_t errlen);

#endif
