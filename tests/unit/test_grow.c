/*
 * The growing buffers: vmm/util/grow.h's one rule (double until it fits,
 * refuse a size that would overflow, leave the buffer alone on failure) and
 * the two buffers built on it, strbuf (text) and snap_buf (payloads).
 */
#include "tests/unit/check.h"

#include <stdint.h>

#include "vmm/output/strbuf.h"
#include "vmm/snapshot/snapbuf.h"
#include "vmm/util/grow.h"

#define CHECK_FILE "grow"

TEST(an_empty_buffer_starts_at_its_first_capacity)
{
	size_t cap = 0;
	char *p = grow_for(NULL, &cap, 0, 10, 64);

	CHECK(p != NULL);
	CHECK_EQ(cap, 64);
	free(p);
}

TEST(a_full_buffer_doubles_until_the_bytes_fit)
{
	size_t cap = 0;
	char *p = grow_for(NULL, &cap, 0, 1, 16), *q;

	CHECK(p != NULL);
	q = grow_for(p, &cap, 16, 1, 16); /* 16 held: 32 */
	CHECK(q != NULL);
	CHECK_EQ(cap, 32);
	p = grow_for(q, &cap, 30, 100, 16); /* 130 needed: 64, then 128, then 256 */
	CHECK(p != NULL);
	CHECK_EQ(cap, 256);
	q = grow_for(p, &cap, 130, 126, 16); /* fits exactly: no move, no change */
	CHECK(q == p);
	CHECK_EQ(cap, 256);
	free(q);
}

TEST(a_size_that_would_overflow_is_refused_and_nothing_changes)
{
	char keep[8];
	size_t cap = SIZE_MAX / 2 + 2;

	CHECK(grow_for(keep, &cap, cap, 1, 16) == NULL);
	CHECK_EQ(cap, SIZE_MAX / 2 + 2);
	cap = 8;
	CHECK(grow_for(keep, &cap, 8, SIZE_MAX - 4, 16) == NULL);
	CHECK_EQ(cap, 8);
}

TEST(strbuf_holds_text_longer_than_its_first_capacity)
{
	struct strbuf b = {0};
	char want[2001];

	memset(want, 'x', 2000);
	want[2000] = '\0';
	strbuf_printf(&b, "%s", "ab");
	strbuf_printf(&b, "%s", want);
	CHECK(!b.oom);
	CHECK_EQ(b.len, 2002);
	CHECK(b.cap > b.len); /* room for the NUL */
	CHECK(strncmp(b.buf, "ab", 2) == 0 && strcmp(b.buf + 2, want) == 0);
	free(b.buf);
}

TEST(snap_buf_holds_bytes_across_growths)
{
	struct snap_buf b;
	uint8_t chunk[300];

	for (size_t i = 0; i < sizeof(chunk); i++)
		chunk[i] = (uint8_t)i;
	snap_buf_init(&b);
	for (int i = 0; i < 10; i++)
		snap_put_bytes(&b, chunk, sizeof(chunk));
	CHECK(!b.oom);
	CHECK_EQ(b.len, 3000);
	CHECK(memcmp(b.data + 2700, chunk, sizeof(chunk)) == 0);
	snap_buf_free(&b);
}

CHECK_MAIN_BEGIN
RUN(an_empty_buffer_starts_at_its_first_capacity);
RUN(a_full_buffer_doubles_until_the_bytes_fit);
RUN(a_size_that_would_overflow_is_refused_and_nothing_changes);
RUN(strbuf_holds_text_longer_than_its_first_capacity);
RUN(snap_buf_holds_bytes_across_growths);
CHECK_MAIN_END
