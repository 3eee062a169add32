/*
 * A text buffer that grows as printf-style text is appended: the control
 * socket builds a reply line in one (vmm/control/server.c), `vmm timeline`
 * its SVG document (vmm/record/timeline_svg.c).
 *
 * Running out of memory is sticky: once an append fails, `oom` is set, later
 * appends do nothing, and the owner reports one error instead of handing on
 * a text with a hole in it. Start from a zeroed struct; free(buf) when done.
 */
#ifndef VMM_STRBUF_H
#define VMM_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *buf; /* NUL-terminated once anything was appended; NULL before */
	size_t len, cap;
	bool oom;
};

void strbuf_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(struct strbuf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#endif
