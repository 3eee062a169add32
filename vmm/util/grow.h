/*
 * Room for more bytes at the end of a heap buffer that doubles as it grows:
 * the text of strbuf.h (replies, pictures), the payloads of snapbuf.h
 * (snapshots), the strings a record keeps (timeline_read.c), a state file
 * as it is read (snapfile_read.c) and a `vmm ctl` reply (client.c). One
 * rule for all, the overflow check included.
 */
#ifndef VMM_UTIL_GROW_H
#define VMM_UTIL_GROW_H

#include <stdint.h>
#include <stdlib.h>

/*
 * data holds len bytes in *cap; make room for more (> 0) after them. Returns
 * the buffer, moved or not, with *cap updated; NULL when the size would
 * overflow or realloc fails, and then data and *cap are as they were.
 */
static inline void *grow_for(void *data, size_t *cap, size_t len, size_t more, size_t first_cap)
{
	size_t want = *cap ? *cap : first_cap;
	void *bigger;

	if (more <= *cap - len)
		return data;
	while (want - len < more) {
		if (want > SIZE_MAX / 2)
			return NULL;
		want *= 2;
	}
	bigger = realloc(data, want);
	if (bigger)
		*cap = want;
	return bigger;
}

#endif
