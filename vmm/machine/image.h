/*
 * Where the guest's pieces go in RAM: the kernel (an arm64 Image per
 * Documentation/arch/arm64/booting.rst, or a flat binary loaded at
 * RAM + 0x80000 as kvmtool does), the initrd and the device tree. Pure logic:
 * every placement is checked before anything is copied.
 */
#ifndef VMM_IMAGE_H
#define VMM_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARM64_IMAGE_MAGIC	0x644d5241U /* "ARM\x64" at offset 56 */
#define ARM64_IMAGE_HEADER_SIZE 64
#define FDT_MAX_SIZE		0x200000ULL /* booting.rst: the DTB must not exceed 2 MiB */
/* booting.rst: the initrd lies in a 1 GiB-aligned window of up to 32 GiB
 * that covers the kernel Image too. */
#define ARM64_INITRD_WINDOW_ALIGN (1ULL << 30)
#define ARM64_INITRD_WINDOW_SIZE  (32ULL << 30)

struct image_layout {
	bool is_arm64_image;
	uint64_t kernel_load;		   /* guest-physical load address = entry point */
	uint64_t kernel_end;		   /* end of what the kernel may use (image_size) */
	uint64_t initrd_start, initrd_end; /* 0, 0 without an initrd */
	uint64_t dtb_addr;
};

/*
 * Plan the layout for a kernel file of file_size bytes whose first bytes are
 * hdr[0..hdr_len), an initrd of initrd_size bytes (0 = none), in RAM
 * [ram_base, ram_base + ram_size). Returns 0, or -1 with a one-line reason
 * in err (empty file, bad header, does not fit).
 */
int image_plan(const uint8_t *hdr, size_t hdr_len, uint64_t file_size, uint64_t initrd_size,
	       uint64_t ram_base, uint64_t ram_size, struct image_layout *out, char *err,
	       size_t errlen);

/*
 * The guest-physical address bits the VM needs so that [0, top) is
 * addressable: at least 32 (KVM's minimum IPA size), at most 64.
 */
unsigned int image_ipa_bits(uint64_t top);

/*
 * Guest RAM must be a whole number of host pages (a memslot is): 4K, 16K
 * or 64K hosts. Returns 0, or -1 with a one-line reason in err.
 */
int image_check_ram_size(uint64_t ram_size, uint64_t host_page_size, char *err, size_t errlen);

#endif
