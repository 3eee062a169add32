/*
 * Payload encoding for snapshot sections (snapfile.h): little-endian
 * integers, byte strings, and length-prefixed text, appended to a growable
 * buffer and read back through a bounded cursor.
 *
 *   snap_buf     append; running out of memory is sticky (`oom`): later puts
 *                do nothing and the owner reports one error
 *   snap_cursor  read; reading past the end, or a value a get refuses
 *                (a bool other than 0/1, a string too long or with a NUL
 *                in it) is sticky (`bad`): later gets return zeroes, and
 *                the codec checks once at the end with
 *                snap_cursor_ok_and_done(), which also refuses bytes left
 *                over
 *
 * Text is a u32 byte count then the bytes, without the NUL.
 */
#ifndef VMM_SNAPBUF_H
#define VMM_SNAPBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct snap_buf {
	uint8_t *data; /* NULL until something was put */
	size_t len, cap;
	bool oom;
};

/* Start from a zeroed struct (or snap_buf_init); snap_buf_free when done. */
void snap_buf_init(struct snap_buf *b);
void snap_buf_free(struct snap_buf *b);
/* Forget the contents, keep the memory (and the oom flag). */
void snap_buf_reset(struct snap_buf *b);

void snap_put_u8(struct snap_buf *b, uint8_t v);
void snap_put_bool(struct snap_buf *b, bool v);
void snap_put_u32(struct snap_buf *b, uint32_t v);
void snap_put_u64(struct snap_buf *b, uint64_t v);
void snap_put_bytes(struct snap_buf *b, const void *p, size_t n);
void snap_put_str(struct snap_buf *b, const char *s);

struct snap_cursor {
	const uint8_t *p;
	size_t left;
	bool bad;
};

void snap_cursor_init(struct snap_cursor *c, const void *data, size_t len);

uint8_t snap_get_u8(struct snap_cursor *c);
bool snap_get_bool(struct snap_cursor *c); /* a byte other than 0 or 1 is bad */
uint32_t snap_get_u32(struct snap_cursor *c);
uint64_t snap_get_u64(struct snap_cursor *c);
/* n bytes into out (zeroes when bad); false once bad. */
bool snap_get_bytes(struct snap_cursor *c, void *out, size_t n);
/* Text into out (size bytes with the NUL): longer than size - 1 or holding
 * a NUL is bad ("" in out). false once bad. */
bool snap_get_str(struct snap_cursor *c, char *out, size_t size);

/* Nothing went wrong and every byte was read. */
bool snap_cursor_ok_and_done(const struct snap_cursor *c);

#endif
