/*
 * The snapshot container (format and contract in snapfile.h, DESIGN.md §13):
 * the streaming writer and the parser that checks every byte of a state file
 * before any codec sees a payload.
 *
 *   writer: header, then each section as it comes (head, payload, CRC), END
 *   parser: header -> sections (bounds, CRC, known tag) -> END (count and
 *           length agree, nothing after it) -> no (tag, index) twice
 *
 * What is easy to get wrong: every length from the file is checked against
 * the bytes that are really there before it is used, by subtraction (never
 * pos + len, which a huge length wraps), and nothing is allocated from a
 * length the file claims.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "vmm/snapshot/snapfile.h"

static const char *const snap_tag_names[SNAP_NR_TAGS] = {
    [SNAP_END] = "END",		[SNAP_MACHINE] = "MACHINE",
    [SNAP_HOST] = "HOST",	[SNAP_VCPU] = "VCPU",
    [SNAP_VGIC] = "VGIC",	[SNAP_COUNTER] = "COUNTER",
    [SNAP_PVTIME] = "PVTIME",	[SNAP_FIRMWARE_REGS] = "FIRMWARE_REGS",
    [SNAP_PSCI] = "PSCI",	[SNAP_SMCCC] = "SMCCC",
    [SNAP_CPUHP] = "CPUHP",	[SNAP_UART] = "UART",
    [SNAP_TESTDEV] = "TESTDEV", [SNAP_INJECT] = "INJECT",
    [SNAP_SHARED] = "SHARED",	[SNAP_RAM_INFO] = "RAM_INFO",
    [SNAP_VENDOR] = "VENDOR",
};

const char *snap_tag_name(uint32_t tag, char *buf, size_t len)
{
	if (tag < SNAP_NR_TAGS && snap_tag_names[tag])
		return snap_tag_names[tag];
	snprintf(buf, len, "tag %" PRIu32, tag);
	return buf;
}

static void le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t section_crc(const uint8_t *head, const void *data, size_t len)
{
	uLong crc = crc32_z(0, head, SNAP_SECTION_HEAD);

	if (len)
		crc = crc32_z(crc, data, len);
	return (uint32_t)crc;
}

/* ---- writer ---- */

static int writer_fail(struct snap_writer *w, int error, const char *what)
{
	w->error = error;
	snprintf(w->err, sizeof(w->err), "%s: %s", what, strerror(-error));
	return error;
}

static int write_all(struct snap_writer *w, const void *data, size_t len)
{
	const uint8_t *p = data;

	if (w->error)
		return w->error;
	while (len) {
		ssize_t n = write(w->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return writer_fail(w, n < 0 ? -errno : -EIO, "write");
		p += n;
		len -= (size_t)n;
		w->bytes += (uint64_t)n;
	}
	return 0;
}

int snap_writer_begin(struct snap_writer *w, int fd)
{
	uint8_t h[SNAP_HEADER_LEN];

	memset(w, 0, sizeof(*w));
	w->fd = fd;
	memcpy(h, SNAP_MAGIC, SNAP_MAGIC_LEN);
	le32(h + 8, SNAP_FORMAT_VERSION);
	le32(h + 12, SNAP_HEADER_LEN);
	le64(h + 16, 0);
	return write_all(w, h, sizeof(h));
}

static int write_one(struct snap_writer *w, uint32_t tag, uint32_t index, const void *data,
		     size_t len)
{
	uint8_t head[SNAP_SECTION_HEAD], crc[SNAP_SECTION_CRC];
	int ret;

	le32(head, tag);
	le32(head + 4, index);
	le64(head + 8, len);
	le32(crc, section_crc(head, data, len));
	ret = write_all(w, head, sizeof(head));
	if (!ret && len)
		ret = write_all(w, data, len);
	if (!ret)
		ret = write_all(w, crc, sizeof(crc));
	return ret;
}

int snap_write_section(struct snap_writer *w, uint32_t tag, uint32_t index, const void *data,
		       size_t len)
{
	int ret;

	if (w->error)
		return w->error;
	if (w->ended || tag == SNAP_END || tag >= SNAP_NR_TAGS || (len && !data)) {
		snprintf(w->err, sizeof(w->err), "section tag %" PRIu32 " %s", tag,
			 w->ended ? "after END" : "is not one to write");
		return -EINVAL;
	}
	ret = write_one(w, tag, index, data, len);
	if (!ret)
		w->nr_sections++;
	return ret;
}

int snap_writer_end(struct snap_writer *w)
{
	uint8_t end[SNAP_END_PAYLOAD];

	if (w->error)
		return w->error;
	if (w->ended) {
		snprintf(w->err, sizeof(w->err), "END written twice");
		return -EINVAL;
	}
	le64(end, w->nr_sections);
	le64(end + 8, w->bytes + SNAP_SECTION_HEAD + SNAP_END_PAYLOAD + SNAP_SECTION_CRC);
	w->ended = true;
	return write_one(w, SNAP_END, 0, end, sizeof(end));
}

uint64_t snap_writer_bytes(const struct snap_writer *w)
{
	return w->bytes;
}
