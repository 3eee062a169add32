/*
 * Unpacking a compressed kernel (image_format.h) from its file straight
 * into guest RAM, with zlib (gzip, RFC 1952) and libzstd (RFC 8878): the
 * file is read with pread in small pieces, the output goes nowhere but
 * RAM, so a boot costs one copy of the kernel as an uncompressed one does.
 * libzstd writes into RAM as its window (ZSTD_d_stableOutBuffer), so even a
 * `zstd --ultra -22` kernel needs no window buffer of its own.
 *
 * No ioctls: unit-tested on ordinary files.
 */
#ifndef VMM_IMAGE_UNPACK_H
#define VMM_IMAGE_UNPACK_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/machine/image_format.h"

/*
 * Unpack the stream fmt describes (its codec, and where in the file it
 * lies) from fd into dst[0, room). Returns 0 with the unpacked length in
 * *len, or -1 with one line in err: the stream is corrupt, it ends before
 * its end (a truncated file), it unpacks to more than room bytes, or a
 * read failed. fmt->codec is GZIP or ZSTD.
 */
int image_unpack(int fd, const struct image_format *fmt, uint8_t *dst, uint64_t room, uint64_t *len,
		 char *err, size_t errlen);

#endif
