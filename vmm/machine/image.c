#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "vmm/machine/guest_abi.h"
#include "vmm/machine/image.h"

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int image_plan(const uint8_t *hdr, size_t hdr_len, uint64_t file_size, uint64_t initrd_size,
	       uint64_t ram_base, uint64_t ram_size, struct image_layout *out, char *err,
	       size_t errlen)
{
	uint64_t ram_end = ram_base + ram_size;
	uint64_t offset, footprint;

	memset(out, 0, sizeof(*out));
	if (file_size == 0) {
		snprintf(err, errlen, "the kernel image is empty");
		return -1;
	}
	if (ram_size <= FDT_MAX_SIZE) {
		snprintf(err, errlen,
			 "RAM (%" PRIu64 " bytes) leaves no room beside the device tree", ram_size);
		return -1;
	}
	if (hdr_len >= ARM64_IMAGE_HEADER_SIZE && file_size >= ARM64_IMAGE_HEADER_SIZE &&
	    le32(hdr + 56) == ARM64_IMAGE_MAGIC) {
		uint64_t text_offset = le64(hdr + 8), image_size = le64(hdr + 16);

		out->is_arm64_image = true;
		/* booting.rst: image_size 0 means an old kernel with text_offset 0x80000. */
		if (image_size == 0)
			text_offset = 0x80000;
		if (text_offset >= ram_size || (text_offset & 0xfff)) {
			snprintf(err, errlen,
				 "the arm64 Image header has an unusable text_offset 0x%" PRIx64,
				 text_offset);
			return -1;
		}
		offset = text_offset;
		footprint = image_size > file_size ? image_size : file_size;
	} else {
		offset = GUEST_FLAT_LOAD_OFFSET;
		footprint = file_size;
	}
	/* The DTB takes the top 2 MiB of RAM, the initrd sits just below it. */
	out->dtb_addr = ram_end - FDT_MAX_SIZE;
	/* RAM base is 2 MiB aligned, as booting.rst wants the load base to be. */
	out->kernel_load = ram_base + offset;
	if (footprint > out->dtb_addr - out->kernel_load || offset >= ram_size - FDT_MAX_SIZE) {
		snprintf(err, errlen,
			 "the kernel (%" PRIu64 " bytes at RAM+0x%" PRIx64
			 ") does not fit in %" PRIu64 " MiB of RAM (the top 2 MiB hold the DTB)",
			 footprint, offset, ram_size >> 20);
		return -1;
	}
	out->kernel_end = out->kernel_load + footprint;
	if (initrd_size) {
		/*
		 * booting.rst: the initrd must lie within a 1 GiB-aligned window
		 * of at most 32 GiB that also covers the kernel Image. Place it
		 * as high as that window (and the DTB above it) allows.
		 */
		uint64_t window_end = (out->kernel_load & ~(ARM64_INITRD_WINDOW_ALIGN - 1)) +
				      ARM64_INITRD_WINDOW_SIZE;
		uint64_t top = out->dtb_addr < window_end ? out->dtb_addr : window_end;
		uint64_t room = top > out->kernel_end ? top - out->kernel_end : 0;
		uint64_t start;

		if (initrd_size > room) {
			snprintf(err, errlen,
				 "the initrd (%" PRIu64
				 " bytes) does not fit in RAM beside the kernel "
				 "(%" PRIu64 " bytes free)",
				 initrd_size, room);
			return -1;
		}
		start = (top - initrd_size) & ~0xfffULL;
		if (start < out->kernel_end) {
			snprintf(err, errlen,
				 "the initrd (%" PRIu64
				 " bytes) does not fit in RAM beside the kernel",
				 initrd_size);
			return -1;
		}
		out->initrd_start = start;
		out->initrd_end = start + initrd_size;
	}
	return 0;
}

unsigned int image_ipa_bits(uint64_t top)
{
	unsigned int bits = 32;

	while (bits < 64 && top > (1ULL << bits))
		bits++;
	return bits;
}

int image_check_ram_size(uint64_t ram_size, uint64_t host_page_size, char *err, size_t errlen)
{
	if (host_page_size == 0 || (host_page_size & (host_page_size - 1))) {
		snprintf(err, errlen, "the host page size %" PRIu64 " is not a power of two",
			 host_page_size);
		return -1;
	}
	if (ram_size & (host_page_size - 1)) {
		snprintf(err, errlen,
			 "--mem: %" PRIu64
			 " bytes is not a multiple of this host's page size (%" PRIu64 "K)",
			 ram_size, host_page_size >> 10);
		return -1;
	}
	return 0;
}
