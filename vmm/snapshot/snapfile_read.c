/*
 * Reading a snapshot's state file (format in snapfile.h, DESIGN.md §13): the
 * whole file is checked before any codec sees a payload.
 *
 *   header   magic, version, header length, flags: each refused by name
 *   section  head fits, payload and CRC fit, CRC right, tag known
 *   END      count and file length agree with what was read, nothing after
 *   then     no (tag, index) twice
 *
 * Every length from the file is compared with the bytes left by
 * subtraction, so a huge length never wraps an offset, and the only
 * allocation (the section list) grows with sections actually read.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "vmm/snapshot/snapfile.h"
#include "vmm/util/grow.h"

#define END_SECTION_LEN (SNAP_SECTION_HEAD + SNAP_END_PAYLOAD + SNAP_SECTION_CRC)

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static int parse_header(const uint8_t *buf, size_t len, struct snap_image *img, char *err,
			size_t errlen)
{
	size_t m = len < SNAP_MAGIC_LEN ? len : SNAP_MAGIC_LEN;

	if (len == 0 || memcmp(buf, SNAP_MAGIC, m)) {
		snprintf(err, errlen, "not a vmm snapshot (%s)",
			 len ? "no \"VMMSNAP\" magic" : "empty");
		return -EINVAL;
	}
	if (len < SNAP_HEADER_LEN) {
		snprintf(err, errlen, "truncated in the header (%zu of %d bytes)", len,
			 SNAP_HEADER_LEN);
		return -EINVAL;
	}
	img->version = rd32(buf + 8);
	img->header_len = rd32(buf + 12);
	img->flags = rd64(buf + 16);
	if (img->version != SNAP_FORMAT_VERSION) {
		snprintf(err, errlen, "format version %" PRIu32 ", this vmm reads %d", img->version,
			 SNAP_FORMAT_VERSION);
		return -EPROTONOSUPPORT;
	}
	if (img->header_len != SNAP_HEADER_LEN) {
		snprintf(err, errlen, "header length %" PRIu32 ", format version %d has %d",
			 img->header_len, SNAP_FORMAT_VERSION, SNAP_HEADER_LEN);
		return -EINVAL;
	}
	if (img->flags) {
		snprintf(err, errlen, "unknown header flags 0x%" PRIx64, img->flags);
		return -EINVAL;
	}
	return 0;
}

/* Append a section to img (the list grows with sections actually read). */
static int add_section(struct snap_image *img, size_t *cap, const struct snap_section *s)
{
	if (img->nr == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct snap_section *n = realloc(img->sections, ncap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		img->sections = n;
		*cap = ncap;
	}
	img->sections[img->nr++] = *s;
	return 0;
}

/* The END section at pos (already CRC-checked): its figures must be the file's. */
static int check_end(const struct snap_section *s, size_t pos, size_t len, size_t nr, char *err,
		     size_t errlen)
{
	uint64_t count, total;

	if (s->index != 0 || s->len != SNAP_END_PAYLOAD) {
		snprintf(err, errlen,
			 "END section malformed (index %" PRIu32 ", %" PRIu64 " bytes)", s->index,
			 s->len);
		return -EINVAL;
	}
	count = rd64(s->data);
	total = rd64(s->data + 8);
	if (count != nr) {
		snprintf(err, errlen, "END says %" PRIu64 " sections, the file has %zu", count, nr);
		return -EINVAL;
	}
	if (total != (uint64_t)pos + END_SECTION_LEN) {
		snprintf(err, errlen, "END says the file is %" PRIu64 " bytes, it ends at byte %zu",
			 total, pos + END_SECTION_LEN);
		return -EINVAL;
	}
	if (len - pos != END_SECTION_LEN) {
		snprintf(err, errlen, "%zu bytes after the END section",
			 len - pos - END_SECTION_LEN);
		return -EINVAL;
	}
	return 0;
}

/*
 * The section starting at pos (number ord, from 1): bounds, CRC, tag. 0 with
 * *s filled and *next past it, or -errno with err.
 */
static int parse_section(const uint8_t *buf, size_t len, size_t pos, size_t ord,
			 struct snap_section *s, size_t *next, char *err, size_t errlen)
{
	size_t left = len - pos;
	const char *name;
	char tagbuf[24];
	uint32_t crc;

	if (left < SNAP_SECTION_HEAD) {
		snprintf(err, errlen, "truncated in section %zu's head (%zu of %d bytes)", ord,
			 left, SNAP_SECTION_HEAD);
		return -EINVAL;
	}
	s->tag = rd32(buf + pos);
	s->index = rd32(buf + pos + 4);
	s->len = rd64(buf + pos + 8);
	name = snap_tag_name(s->tag, tagbuf, sizeof(tagbuf));
	left -= SNAP_SECTION_HEAD;
	if (left < SNAP_SECTION_CRC || s->len > left - SNAP_SECTION_CRC) {
		snprintf(err, errlen,
			 "truncated in section %zu (%s %" PRIu32 "): it needs %" PRIu64
			 " bytes and a CRC, %zu bytes are left",
			 ord, name, s->index, s->len, left);
		return -EINVAL;
	}
	s->data = buf + pos + SNAP_SECTION_HEAD;
	crc = (uint32_t)crc32_z(0, buf + pos, SNAP_SECTION_HEAD + (size_t)s->len);
	if (crc != rd32(s->data + s->len)) {
		snprintf(err, errlen, "CRC mismatch in section %zu (%s %" PRIu32 ")", ord, name,
			 s->index);
		return -EBADMSG;
	}
	if (s->tag >= SNAP_NR_TAGS) {
		snprintf(err, errlen, "section %zu has unknown tag %" PRIu32 " (a newer vmm's?)",
			 ord, s->tag);
		return -EINVAL;
	}
	*next = pos + SNAP_SECTION_HEAD + (size_t)s->len + SNAP_SECTION_CRC;
	return 0;
}

static int cmp_section(const void *a, const void *b)
{
	const struct snap_section *x = a, *y = b;

	if (x->tag != y->tag)
		return x->tag < y->tag ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* No (tag, index) twice: sort a copy, compare neighbours. */
static int check_unique(const struct snap_image *img, char *err, size_t errlen)
{
	struct snap_section *sorted;
	char name[24];
	int ret = 0;

	if (img->nr < 2)
		return 0;
	sorted = malloc(img->nr * sizeof(*sorted));
	if (!sorted) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memcpy(sorted, img->sections, img->nr * sizeof(*sorted));
	qsort(sorted, img->nr, sizeof(*sorted), cmp_section);
	for (size_t i = 1; i < img->nr && !ret; i++)
		if (!cmp_section(&sorted[i - 1], &sorted[i])) {
			snprintf(err, errlen, "section %s %" PRIu32 " occurs twice",
				 snap_tag_name(sorted[i].tag, name, sizeof(name)), sorted[i].index);
			ret = -EINVAL;
		}
	free(sorted);
	return ret;
}

static int parse_sections(const uint8_t *buf, size_t len, struct snap_image *img, char *err,
			  size_t errlen)
{
	size_t pos = SNAP_HEADER_LEN, cap = 0;
	struct snap_section s;
	int ret;

	for (;;) {
		if (pos == len) {
			snprintf(
			    err, errlen,
			    "truncated: no END section after %zu sections (a save that did not "
			    "finish, or a file cut short)",
			    img->nr);
			return -EINVAL;
		}
		ret = parse_section(buf, len, pos, img->nr + 1, &s, &pos, err, errlen);
		if (ret)
			return ret;
		if (s.tag == SNAP_END)
			return check_end(&s, pos - END_SECTION_LEN, len, img->nr, err, errlen);
		if (add_section(img, &cap, &s)) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
	}
}

int snap_parse(const uint8_t *buf, size_t len, struct snap_image *img, char *err, size_t errlen)
{
	int ret;

	memset(img, 0, sizeof(*img));
	ret = parse_header(buf, len, img, err, errlen);
	if (!ret)
		ret = parse_sections(buf, len, img, err, errlen);
	if (!ret)
		ret = check_unique(img, err, errlen);
	if (ret)
		snap_image_free(img);
	return ret;
}

/* The whole of fd, at most SNAP_MAX_STATE_FILE bytes. */
static int read_whole(int fd, uint8_t **out, size_t *outlen, char *why, size_t whylen)
{
	const size_t first_cap = 64 << 10;
	size_t len = 0, cap = first_cap;
	uint8_t *buf = malloc(cap), *n;
	ssize_t r;

	while (buf) {
		if (len == cap) {
			if (cap > SNAP_MAX_STATE_FILE) {
				snprintf(why, whylen, "larger than %llu MiB: not a state file",
					 SNAP_MAX_STATE_FILE >> 20);
				free(buf);
				return -EFBIG;
			}
			n = grow_for(buf, &cap, len, 1, first_cap);
			if (!n)
				break;
			buf = n;
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			snprintf(why, whylen, "%s", strerror(e));
			free(buf);
			return -e;
		}
		if (r == 0) {
			*out = buf;
			*outlen = len;
			return 0;
		}
		len += (size_t)r;
	}
	free(buf);
	snprintf(why, whylen, "out of memory");
	return -ENOMEM;
}

int snap_read_file(const char *path, struct snap_image *img, char *err, size_t errlen)
{
	char why[256];
	uint8_t *buf = NULL;
	size_t len = 0;
	int fd, ret;

	memset(img, 0, sizeof(*img));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "snapshot %s: %s", path, strerror(-ret));
		return ret;
	}
	ret = read_whole(fd, &buf, &len, why, sizeof(why));
	close(fd);
	if (!ret) {
		ret = snap_parse(buf, len, img, why, sizeof(why));
		if (ret)
			free(buf);
		else
			img->owned = buf;
	}
	if (ret)
		snprintf(err, errlen, "snapshot %s: %s", path, why);
	return ret;
}

const struct snap_section *snap_find(const struct snap_image *img, uint32_t tag, uint32_t index)
{
	for (size_t i = 0; i < img->nr; i++)
		if (img->sections[i].tag == tag && img->sections[i].index == index)
			return &img->sections[i];
	return NULL;
}

void snap_image_free(struct snap_image *img)
{
	free(img->sections);
	free(img->owned);
	memset(img, 0, sizeof(*img));
}
