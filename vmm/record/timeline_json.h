/*
 * The JSON scanner under `vmm timeline`'s reader (timeline_read.c): each
 * line of a --trace-file record is one JSON object, and the reader walks it
 * member by member with these, keeping the values it knows and skipping
 * (after checking that they are well-formed) the ones it does not.
 *
 * Every function reads from r->p up to r->end (the text need not be
 * NUL-terminated), advances r->p past what it read and returns false on
 * text that is not what it expects (r->p is then somewhere inside it).
 */
#ifndef VMM_TIMELINE_JSON_H
#define VMM_TIMELINE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tl_json {
	const char *p, *end;
};

/* Spaces, tabs and CRs (a line holds no newline). */
void tl_json_skip_ws(struct tl_json *r);

/* The start of an object or array: OPEN and the white space after it; an
 * empty one (CLOSE next) is read whole and sets *end. */
bool tl_json_open(struct tl_json *r, char open, char close, bool *end);

/* A member's key, as tl_json_string reads it, and its ':' (white space
 * before, between and after). */
bool tl_json_key(struct tl_json *r, char *out, size_t outlen);

/* What follows a member or element: white space, then CLOSE, which ends the
 * object or array (*end set), or ',' before the next one. */
bool tl_json_next(struct tl_json *r, char close, bool *end);

/* A string, its escapes decoded (a \u escape beyond ASCII becomes '?'), into
 * out cut to outlen - 1 bytes and NUL-terminated; out may be NULL to only
 * check it. */
bool tl_json_string(struct tl_json *r, char *out, size_t outlen);

/* A number: an integer kept exactly (magnitude up to 2^64-1, the sign in
 * *neg) or, with a fraction or an exponent, rounded toward zero. */
bool tl_json_number(struct tl_json *r, uint64_t *mag, bool *neg);

/* Any value (nested up to 16 deep), checked and skipped. */
bool tl_json_skip(struct tl_json *r);

/* An array of strings into out, one after another, each NUL-terminated,
 * their count in *nr. Strings that do not fit, and elements that are not
 * strings, are checked and left out. */
bool tl_json_strings(struct tl_json *r, char *out, size_t outlen, unsigned int *nr);

#endif
