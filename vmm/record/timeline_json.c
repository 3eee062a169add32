/*
 * The JSON scanner of `vmm timeline` (contract in timeline_json.h): just
 * enough JSON for the flat objects of a --trace-file record (RFC 8259's
 * strings, numbers, true/false/null), with nested arrays and objects
 * checked and skipped. No allocation: values land in the caller's buffers.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/record/timeline_json.h"

void tl_json_skip_ws(struct tl_json *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\r'))
		r->p++;
}

/* The four hex digits of a \u escape. */
static bool read_hex4(struct tl_json *r, unsigned int *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++, r->p++) {
		if (r->p >= r->end || !isxdigit((unsigned char)*r->p))
			return false;
		*v = *v * 16 + (unsigned int)(isdigit((unsigned char)*r->p)
						  ? *r->p - '0'
						  : (tolower(*r->p) - 'a' + 10));
	}
	return true;
}

bool tl_json_string(struct tl_json *r, char *out, size_t outlen)
{
	size_t n = 0;

	if (r->p >= r->end || *r->p != '"')
		return false;
	r->p++;
	while (r->p < r->end && *r->p != '"') {
		char c = *r->p++;

		if (c == '\\') {
			if (r->p >= r->end)
				return false;
			c = *r->p++;
			if (c == 'u') {
				unsigned int v;

				if (!read_hex4(r, &v))
					return false;
				c = v < 0x80 ? (char)v : '?';
			} else if (c == 'n') {
				c = '\n';
			} else if (c == 't') {
				c = '\t';
			} else if (c != '"' && c != '\\' && c != '/' && c != 'b' && c != 'f' &&
				   c != 'r') {
				return false;
			}
		}
		if (out && n + 1 < outlen)
			out[n++] = c;
	}
	if (r->p >= r->end)
		return false;
	r->p++;
	if (out && outlen)
		out[n] = '\0';
	return true;
}

bool tl_json_number(struct tl_json *r, uint64_t *mag, bool *neg)
{
	const char *start = r->p;
	uint64_t v = 0;
	bool digits = false;

	*neg = r->p < r->end && *r->p == '-';
	if (*neg)
		r->p++;
	while (r->p < r->end && isdigit((unsigned char)*r->p)) {
		unsigned int d = (unsigned int)(*r->p++ - '0');

		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
		digits = true;
	}
	if (!digits)
		return false;
	if (r->p < r->end && (*r->p == '.' || *r->p == 'e' || *r->p == 'E')) {
		char buf[64];
		size_t n;
		double d;

		while (r->p < r->end &&
		       (isdigit((unsigned char)*r->p) || *r->p == '.' || *r->p == 'e' ||
			*r->p == 'E' || *r->p == '+' || *r->p == '-'))
			r->p++;
		n = (size_t)(r->p - start);
		if (n >= sizeof(buf))
			return false;
		memcpy(buf, start, n);
		buf[n] = '\0';
		d = strtod(buf, NULL);
		if (d < 0)
			d = -d;
		v = d >= 1.8e19 ? UINT64_MAX : (uint64_t)d;
	}
	*mag = v;
	return true;
}

bool tl_json_open(struct tl_json *r, char open, char close, bool *end)
{
	*end = false;
	if (r->p >= r->end || *r->p != open)
		return false;
	r->p++;
	tl_json_skip_ws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		*end = true;
	}
	return true;
}

bool tl_json_key(struct tl_json *r, char *out, size_t outlen)
{
	tl_json_skip_ws(r);
	if (!tl_json_string(r, out, outlen))
		return false;
	tl_json_skip_ws(r);
	if (r->p >= r->end || *r->p++ != ':')
		return false;
	tl_json_skip_ws(r);
	return true;
}

bool tl_json_next(struct tl_json *r, char close, bool *end)
{
	tl_json_skip_ws(r);
	if (r->p >= r->end)
		return false;
	if (*r->p == close) {
		r->p++;
		*end = true;
		return true;
	}
	return *r->p++ == ',';
}

static bool skip_value(struct tl_json *r, int depth);

static bool skip_container(struct tl_json *r, char open, char close, int depth)
{
	bool end;

	if (!tl_json_open(r, open, close, &end))
		return false;
	while (!end) {
		if (close == '}' && !tl_json_key(r, NULL, 0))
			return false;
		tl_json_skip_ws(r);
		if (!skip_value(r, depth + 1) || !tl_json_next(r, close, &end))
			return false;
	}
	return true;
}

static bool skip_value(struct tl_json *r, int depth)
{
	uint64_t mag;
	bool neg;

	if (depth > 16 || r->p >= r->end)
		return false;
	switch (*r->p) {
	case '"':
		return tl_json_string(r, NULL, 0);
	case '[':
		return skip_container(r, '[', ']', depth);
	case '{':
		return skip_container(r, '{', '}', depth);
	case 't':
	case 'f':
	case 'n': {
		static const char *const words[] = {"true", "false", "null"};

		for (int i = 0; i < 3; i++) {
			size_t n = strlen(words[i]);

			if ((size_t)(r->end - r->p) >= n && !memcmp(r->p, words[i], n)) {
				r->p += n;
				return true;
			}
		}
		return false;
	}
	default:
		return tl_json_number(r, &mag, &neg);
	}
}

bool tl_json_skip(struct tl_json *r)
{
	return skip_value(r, 0);
}

/* One element of a string array: kept if it is a string that fits. */
static bool read_element(struct tl_json *r, char *out, size_t outlen, size_t *used,
			 unsigned int *nr)
{
	const char *start = r->p;
	size_t room = outlen - *used;

	if (r->p >= r->end || *r->p != '"')
		return skip_value(r, 1);
	if (!tl_json_string(r, room > 1 ? out + *used : NULL, room))
		return false;
	/* The decoded string is never longer than its quoted text. */
	if (room > 1 && (size_t)(r->p - start) - 2 < room) {
		*used += strlen(out + *used) + 1;
		(*nr)++;
	}
	return true;
}

bool tl_json_strings(struct tl_json *r, char *out, size_t outlen, unsigned int *nr)
{
	size_t used = 0;
	bool end;

	*nr = 0;
	if (!tl_json_open(r, '[', ']', &end))
		return false;
	while (!end) {
		tl_json_skip_ws(r);
		if (!read_element(r, out, outlen, &used, nr) || !tl_json_next(r, ']', &end))
			return false;
	}
	return true;
}
