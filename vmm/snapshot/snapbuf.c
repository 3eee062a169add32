/*
 * Payload encoding for snapshot sections (contract in snapbuf.h): puts grow
 * a buffer, gets walk a bounded cursor; both fail stickily so a codec checks
 * once, at the end, instead of after every field.
 */
#include <stdlib.h>
#include <string.h>

#include "vmm/snapshot/snapbuf.h"
#include "vmm/util/grow.h"

#define SNAP_BUF_FIRST_CAP 256

void snap_buf_init(struct snap_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void snap_buf_free(struct snap_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void snap_buf_reset(struct snap_buf *b)
{
	b->len = 0;
}

void snap_put_bytes(struct snap_buf *b, const void *p, size_t n)
{
	uint8_t *d;

	if (b->oom || n == 0)
		return;
	d = grow_for(b->data, &b->cap, b->len, n, SNAP_BUF_FIRST_CAP);
	if (!d) {
		b->oom = true;
		return;
	}
	b->data = d;
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void snap_put_u8(struct snap_buf *b, uint8_t v)
{
	snap_put_bytes(b, &v, 1);
}

void snap_put_bool(struct snap_buf *b, bool v)
{
	snap_put_u8(b, v ? 1 : 0);
}

void snap_put_u32(struct snap_buf *b, uint32_t v)
{
	uint8_t le[4];

	for (int i = 0; i < 4; i++)
		le[i] = (uint8_t)(v >> (8 * i));
	snap_put_bytes(b, le, sizeof(le));
}

void snap_put_u64(struct snap_buf *b, uint64_t v)
{
	uint8_t le[8];

	for (int i = 0; i < 8; i++)
		le[i] = (uint8_t)(v >> (8 * i));
	snap_put_bytes(b, le, sizeof(le));
}

void snap_put_str(struct snap_buf *b, const char *s)
{
	size_t n = strlen(s);

	if (n > UINT32_MAX) {
		b->oom = true;
		return;
	}
	snap_put_u32(b, (uint32_t)n);
	snap_put_bytes(b, s, n);
}

void snap_cursor_init(struct snap_cursor *c, const void *data, size_t len)
{
	c->p = data;
	c->left = data ? len : 0;
	c->bad = false;
}

/* The next n bytes, or NULL (and bad) if there are fewer. */
static const uint8_t *take(struct snap_cursor *c, size_t n)
{
	const uint8_t *p;

	if (c->bad || n > c->left) {
		c->bad = true;
		return NULL;
	}
	p = c->p;
	c->p += n;
	c->left -= n;
	return p;
}

bool snap_get_bytes(struct snap_cursor *c, void *out, size_t n)
{
	const uint8_t *p = take(c, n);

	if (!p) {
		memset(out, 0, n);
		return false;
	}
	memcpy(out, p, n);
	return true;
}

uint8_t snap_get_u8(struct snap_cursor *c)
{
	const uint8_t *p = take(c, 1);

	return p ? p[0] : 0;
}

bool snap_get_bool(struct snap_cursor *c)
{
	uint8_t v = snap_get_u8(c);

	if (v > 1)
		c->bad = true;
	return v == 1;
}

static uint64_t get_le(struct snap_cursor *c, size_t n)
{
	const uint8_t *p = take(c, n);
	uint64_t v = 0;

	for (size_t i = 0; p && i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

uint32_t snap_get_u32(struct snap_cursor *c)
{
	return (uint32_t)get_le(c, 4);
}

uint64_t snap_get_u64(struct snap_cursor *c)
{
	return get_le(c, 8);
}

bool snap_get_str(struct snap_cursor *c, char *out, size_t size)
{
	uint32_t n = snap_get_u32(c);
	const uint8_t *p;

	if (size)
		out[0] = '\0';
	if (c->bad || size == 0 || n > size - 1 || !(p = take(c, n))) {
		c->bad = true;
		return false;
	}
	if (memchr(p, '\0', n)) {
		c->bad = true;
		return false;
	}
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

bool snap_cursor_ok_and_done(const struct snap_cursor *c)
{
	return !c->bad && c->left == 0;
}
