/*
 * The growing text buffer (contract in strbuf.h): format into the room that
 * is left; if the text did not fit, double the buffer until it does and
 * format again.
 */
#include <stdio.h>
#include <stdlib.h>

#include "vmm/output/strbuf.h"
#include "vmm/util/grow.h"

#define STRBUF_FIRST_CAP 256

void strbuf_vprintf(struct strbuf *b, const char *fmt, va_list ap)
{
	for (;;) {
		size_t room = b->cap - b->len;
		va_list again;
		char *bigger;
		int n;

		if (b->oom)
			return;
		va_copy(again, ap);
		n = vsnprintf(b->buf ? b->buf + b->len : NULL, room, fmt, again);
		va_end(again);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		/* n bytes and the terminating NUL */
		bigger = grow_for(b->buf, &b->cap, b->len, (size_t)n + 1, STRBUF_FIRST_CAP);
		if (!bigger) {
			b->oom = true;
			return;
		}
		b->buf = bigger;
	}
}

void strbuf_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(b, fmt, ap);
	va_end(ap);
}
