/*
 * libFuzzer target: a kernel file (vmm/machine/image_format.c,
 * image_unpack.c, image.c), which comes from whoever runs the VMM. Any bytes
 * are either refused with a non-empty one-line reason or told a format; a
 * compressed one is unpacked into a 1 MiB RAM (ASan watches its end), never
 * to more than that, or refused in one line; what it unpacks to is then
 * planned as vm_load plans it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm/machine/image.h"
#include "vmm/machine/image_file.h"
#include "vmm/machine/image_format.h"

#define FUZZ_RAM (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one_line(const char *err)
{
	if (!err[0] || strchr(err, '\n'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static uint8_t *ram;
	struct image_file f;
	struct image_layout l;
	char err[512] = "";
	uint64_t len = 0;

	if (fd < 0) {
		fd = memfd_create("fuzz-kernel", 0);
		ram = malloc(FUZZ_RAM);
		if (fd < 0 || !ram)
			abort();
	}
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size ||
	    image_file_init(&f, fd, "fuzz", "image"))
		abort();
	if (image_format_detect(f.head, f.head_len, f.size, &f.fmt, err, sizeof(err))) {
		one_line(err);
		return 0;
	}
	if (f.fmt.codec == IMAGE_CODEC_NONE)
		return 0;
	if (f.fmt.payload_offset + f.fmt.payload_size > size)
		abort(); /* a zboot payload lies within the file */
	if (image_file_unpack(&f, ram, FUZZ_RAM, &len, err, sizeof(err))) {
		one_line(err);
		return 0;
	}
	if (len > FUZZ_RAM)
		abort();
	if (image_plan(ram, len < 64 ? len : 64, len, 0, 0x80000000ULL, 4 * FUZZ_RAM, &l, err,
		       sizeof(err)))
		one_line(err);
	return 0;
}
