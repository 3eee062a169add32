/*
 * The refusals every codec of snapstate.h shares: one line, the section's
 * name first, so a user learns which part of a snapshot is wrong.
 */
#include <stdarg.h>
#include <stdio.h>

#include "vmm/snapshot/snap_codec.h"

int snap_refuse(char *err, size_t errlen, const char *section, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(err, errlen, "%s: ", section);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int snap_check_done(const struct snap_cursor *c, const char *section, char *err, size_t errlen)
{
	if (snap_cursor_ok_and_done(c))
		return 0;
	if (c->bad)
		return snap_refuse(err, errlen, section,
				   "payload malformed (cut short, or a value out of range)");
	return snap_refuse(err, errlen, section, "payload malformed (%zu bytes left over)",
			   c->left);
}
