/*
 * Unpacking a gzip or zstd kernel into guest RAM (image_unpack.h). Each
 * codec's loop reads the next piece of the file when the decoder has eaten
 * the last, and tells its four endings apart: the stream's own end (done),
 * RAM full with the stream still going (too big), the file's end before the
 * stream's (truncated), and a decoder error (corrupt).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_d_stableOutBuffer */
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "vmm/machine/image_unpack.h"

#define UNPACK_CHUNK   (256u << 10)	/* bytes read from the file at a time */
#define GZIP_OUT_MAX   (1u << 30)	/* zlib counts in 32 bits: hand RAM over in pieces */
#define GZIP_WINDOW_GZ (16 + MAX_WBITS) /* inflateInit2: gzip wrapper only */

/* The compressed stream, read a piece at a time. */
struct unpack_input {
	int fd;
	uint64_t pos, end; /* the file's bytes [pos, end) are still to read */
	uint8_t *buf;
};

/* The next piece into in->buf: its length, 0 at the stream's end in the
 * file (or the file's, if it is shorter now), -1 with errno on failure. */
static ssize_t unpack_read(struct unpack_input *in)
{
	size_t want = in->end - in->pos < UNPACK_CHUNK ? (size_t)(in->end - in->pos) : UNPACK_CHUNK;
	ssize_t n;

	if (want == 0)
		return 0;
	do
		n = pread(in->fd, in->buf, want, (off_t)in->pos);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		in->pos += (uint64_t)n;
	return n;
}

static int unpack_too_big(const char *codec, uint64_t room, char *err, size_t errlen)
{
	snprintf(err, errlen,
		 "the %s kernel unpacks to more than the %" PRIu64
		 " MiB of RAM below the device tree: give more --mem",
		 codec, room >> 20);
	return -1;
}

static int unpack_truncated(const char *codec, char *err, size_t errlen)
{
	snprintf(err, errlen, "the %s stream ends early: the file is truncated", codec);
	return -1;
}

static int unpack_read_error(char *err, size_t errlen)
{
	snprintf(err, errlen, "reading: %s", strerror(errno));
	return -1;
}

/*
 * zlib's inflate, RAM given a GiB at a time. It stops when its input is
 * eaten or its output full; only in the first case (starved) does it need
 * the next piece of the file. Once RAM is full, one spare byte of output
 * tells a stream that ends exactly there from one that goes on.
 */
static int unpack_gzip(struct unpack_input *in, uint8_t *dst, uint64_t room, uint64_t *len,
		       char *err, size_t errlen)
{
	z_stream zs;
	uint64_t done = 0;
	uint8_t spare;
	bool starved = true;
	int ret = Z_OK, rc = -1;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, GZIP_WINDOW_GZ) != Z_OK) {
		snprintf(err, errlen, "out of memory for the gzip decoder");
		return -1;
	}
	while (ret != Z_STREAM_END) {
		bool full = done == room;
		uInt out =
		    full ? 1 : (uInt)(room - done < GZIP_OUT_MAX ? room - done : GZIP_OUT_MAX);

		if (zs.avail_in == 0 && starved) {
			ssize_t n = unpack_read(in);

			if (n <= 0) {
				if (n < 0)
					unpack_read_error(err, errlen);
				else
					unpack_truncated("gzip", err, errlen);
				goto out;
			}
			zs.next_in = in->buf;
			zs.avail_in = (uInt)n;
		}
		zs.next_out = full ? &spare : dst + done;
		zs.avail_out = out;
		ret = inflate(&zs, Z_NO_FLUSH);
		if (ret == Z_DATA_ERROR || ret == Z_NEED_DICT || ret == Z_MEM_ERROR ||
		    ret == Z_STREAM_ERROR) {
			snprintf(err, errlen, "the gzip stream is corrupt (%s)",
				 zs.msg ? zs.msg : "inflate failed");
			goto out;
		}
		if (full && zs.avail_out == 0) {
			unpack_too_big("gzip", room, err, errlen);
			goto out;
		}
		if (!full)
			done += out - zs.avail_out;
		starved = zs.avail_out != 0;
	}
	*len = done;
	rc = 0;
out:
	inflateEnd(&zs);
	return rc;
}

static int unpack_zstd_error(size_t ret, uint64_t room, char *err, size_t errlen)
{
	if (ZSTD_getErrorCode(ret) == ZSTD_error_dstSize_tooSmall)
		return unpack_too_big("zstd", room, err, errlen);
	snprintf(err, errlen, "the zstd stream is corrupt (%s)", ZSTD_getErrorName(ret));
	return -1;
}

/*
 * libzstd's streaming decoder writing straight into RAM (its window is
 * RAM, so any window size the stream asks for is fine). Frames may follow
 * one another, as zstd(1) decodes them.
 */
static int unpack_zstd(struct unpack_input *in, uint8_t *dst, uint64_t room, uint64_t *len,
		       char *err, size_t errlen)
{
	ZSTD_DCtx *dctx = ZSTD_createDCtx();
	ZSTD_outBuffer out = {dst, (size_t)room, 0};
	ZSTD_inBuffer inb = {in->buf, 0, 0};
	size_t ret = 1; /* 0 once a frame is complete */
	int rc = -1;

	if (!dctx || ZSTD_isError(ZSTD_DCtx_setParameter(dctx, ZSTD_d_stableOutBuffer, 1)) ||
	    ZSTD_isError(ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, ZSTD_WINDOWLOG_MAX))) {
		snprintf(err, errlen, "out of memory for the zstd decoder");
		goto out;
	}
	for (;;) {
		size_t in_before, out_before;

		if (inb.pos == inb.size) {
			ssize_t n = unpack_read(in);

			if (n < 0) {
				unpack_read_error(err, errlen);
				goto out;
			}
			if (n == 0 && ret == 0)
				break;
			if (n == 0) {
				if (out.pos == out.size)
					unpack_too_big("zstd", room, err, errlen);
				else
					unpack_truncated("zstd", err, errlen);
				goto out;
			}
			inb.size = (size_t)n;
			inb.pos = 0;
		}
		in_before = inb.pos;
		out_before = out.pos;
		ret = ZSTD_decompressStream(dctx, &out, &inb);
		if (ZSTD_isError(ret)) {
			unpack_zstd_error(ret, room, err, errlen);
			goto out;
		}
		/* Input left but no progress: only a full RAM stops it. */
		if (inb.pos == in_before && out.pos == out_before && inb.pos < inb.size) {
			unpack_too_big("zstd", room, err, errlen);
			goto out;
		}
	}
	*len = out.pos;
	rc = 0;
out:
	ZSTD_freeDCtx(dctx);
	return rc;
}

int image_unpack(int fd, const struct image_format *fmt, uint8_t *dst, uint64_t room, uint64_t *len,
		 char *err, size_t errlen)
{
	struct unpack_input in = {
	    .fd = fd,
	    .pos = fmt->payload_offset,
	    .end = fmt->payload_offset + fmt->payload_size,
	    .buf = malloc(UNPACK_CHUNK),
	};
	int rc;

	*len = 0;
	if (!in.buf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (fmt->codec == IMAGE_CODEC_ZSTD)
		rc = unpack_zstd(&in, dst, room, len, err, errlen);
	else
		rc = unpack_gzip(&in, dst, room, len, err, errlen);
	free(in.buf);
	return rc;
}
