/*
 * Shared by the codecs of snapstate.h only: their one-line refusals.
 */
#ifndef VMM_SNAP_CODEC_H
#define VMM_SNAP_CODEC_H

#include <stddef.h>

#include "vmm/snapshot/snapbuf.h"

/* Write "SECTION: what" into err; returns -1, the loads' error. */
int snap_refuse(char *err, size_t errlen, const char *section, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* 0 if c read a whole, well-formed payload; else -1 and "SECTION: payload
 * malformed ..." in err. */
int snap_check_done(const struct snap_cursor *c, const char *section, char *err, size_t errlen);

#endif
