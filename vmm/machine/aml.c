/*
 * AML emitter (see aml.h). Encodings from ACPI 6.5 §20.2 (AML grammar):
 *
 *   NameString  §20.2.2   RootChar '\' 0x5C, ParentPrefixChar '^' 0x5E,
 *                         DualNamePrefix 0x2E, MultiNamePrefix 0x2F, NullName 0
 *   Constants   §20.2.3   Zero 0x00, One 0x01, Ones 0xFF, BytePrefix 0x0A,
 *                         WordPrefix 0x0B, DWordPrefix 0x0C, StringPrefix 0x0D,
 *                         QWordPrefix 0x0E
 *   PkgLength   §20.2.4   1 to 4 bytes, counting itself
 *   Opcodes     §20.2.5   Scope 0x10, Buffer 0x11, Name 0x08, Method 0x14,
 *                         If 0xA0, ExtOpPrefix 0x5B + Device 0x82,
 *                         OpRegion 0x80, Field 0x81
 *
 * Every package reserves four PkgLength bytes when it opens; aml_end()
 * writes the real encoding and slides the content down over the bytes it
 * did not need. Inner packages close first, so the slide never moves a
 * position that is still recorded.
 */
#include <errno.h>
#include <string.h>

#include "vmm/machine/aml.h"

#define AML_NAME_OP	    0x08
#define AML_SCOPE_OP	    0x10
#define AML_BUFFER_OP	    0x11
#define AML_METHOD_OP	    0x14
#define AML_IF_OP	    0xa0
#define AML_EXT_PREFIX	    0x5b
#define AML_EXT_DEVICE	    0x82
#define AML_EXT_OPREGION    0x80
#define AML_EXT_FIELD	    0x81
#define AML_ONE		    0x01
#define AML_ONES	    0xff
#define AML_BYTE_PREFIX	    0x0a
#define AML_WORD_PREFIX	    0x0b
#define AML_DWORD_PREFIX    0x0c
#define AML_STRING_PREFIX   0x0d
#define AML_QWORD_PREFIX    0x0e
#define AML_ROOT_CHAR	    '\\'
#define AML_PARENT_CHAR	    '^'
#define AML_DUAL_NAME	    0x2e
#define AML_MULTI_NAME	    0x2f
#define AML_REGION_SYSMEM   0x00 /* RegionSpace SystemMemory (§19.6.100) */
#define AML_FIELD_DWORD_ACC 0x03 /* AccessType DWordAcc; NoLock, Preserve = 0 */

/* PkgLength's widest form: 4 bytes, 28 bits of length. */
#define PKG_RESERVE 4
#define PKG_MAX	    ((1UL << 28) - 1)

/* The open package that is a Buffer: its BufferSize is inserted at end. */
#define OPEN_BUFFER_FLAG ((size_t)1 << (sizeof(size_t) * 8 - 1))

void aml_init(struct aml *a, void *buf, size_t cap)
{
	memset(a, 0, sizeof(*a));
	a->buf = buf;
	a->cap = buf ? cap : 0;
}

long aml_finish(const struct aml *a)
{
	if (a->err)
		return a->err;
	if (a->depth)
		return -EINVAL;
	return (long)a->len;
}

static void put(struct aml *a, const void *p, size_t n)
{
	if (a->err)
		return;
	if (a->buf) {
		if (n > a->cap - a->len) {
			a->err = -ENOSPC;
			return;
		}
		memcpy(a->buf + a->len, p, n);
	}
	a->len += n;
}

void aml_byte(struct aml *a, uint8_t b)
{
	put(a, &b, 1);
}

static int seg_char_ok(char c, int first)
{
	if ((c >= 'A' && c <= 'Z') || c == '_')
		return 1;
	return !first && c >= '0' && c <= '9';
}

/* Parse one NameSeg of path at *p into seg[4]; 0 or -EINVAL. */
static int parse_seg(const char **p, uint8_t seg[4])
{
	const char *s = *p;
	int n = 0;

	while (*s && *s != '.') {
		if (n == 4 || !seg_char_ok(*s, n == 0))
			return -EINVAL;
		seg[n++] = (uint8_t)*s++;
	}
	if (n == 0)
		return -EINVAL;
	while (n < 4)
		seg[n++] = '_';
	if (*s == '.')
		s++;
	if (**p && s[-1] == '.' && *s == '\0')
		return -EINVAL; /* trailing '.' */
	*p = s;
	return 0;
}

void aml_name(struct aml *a, const char *path)
{
	uint8_t segs[255][4];
	unsigned int n = 0, i;
	const char *p = path;

	if (a->err)
		return;
	if (*p == AML_ROOT_CHAR) {
		aml_byte(a, AML_ROOT_CHAR);
		p++;
	} else {
		while (*p == AML_PARENT_CHAR) {
			aml_byte(a, AML_PARENT_CHAR);
			p++;
		}
	}
	while (*p) {
		if (n == 255 || parse_seg(&p, segs[n])) {
			a->err = -EINVAL;
			return;
		}
		n++;
	}
	if (n == 0) {
		aml_byte(a, 0); /* NullName */
		return;
	}
	if (n == 2) {
		aml_byte(a, AML_DUAL_NAME);
	} else if (n > 2) {
		aml_byte(a, AML_MULTI_NAME);
		aml_byte(a, (uint8_t)n);
	}
	for (i = 0; i < n; i++)
		put(a, segs[i], 4);
}

/* The shortest encoding of v into out[9]; returns its length. */
static size_t encode_int(uint64_t v, uint8_t out[9])
{
	size_t n, i;

	if (v == 0) {
		out[0] = AML_ZERO;
		return 1;
	}
	if (v == 1) {
		out[0] = AML_ONE;
		return 1;
	}
	if (v == UINT64_MAX) {
		out[0] = AML_ONES;
		return 1;
	}
	if (v <= 0xff) {
		out[0] = AML_BYTE_PREFIX;
		n = 1;
	} else if (v <= 0xffff) {
		out[0] = AML_WORD_PREFIX;
		n = 2;
	} else if (v <= 0xffffffff) {
		out[0] = AML_DWORD_PREFIX;
		n = 4;
	} else {
		out[0] = AML_QWORD_PREFIX;
		n = 8;
	}
	for (i = 0; i < n; i++)
		out[1 + i] = (uint8_t)(v >> (8 * i));
	return 1 + n;
}

void aml_int(struct aml *a, uint64_t v)
{
	uint8_t enc[9];

	put(a, enc, encode_int(v, enc));
}

void aml_string(struct aml *a, const char *s)
{
	const char *c;

	for (c = s; *c; c++) {
		if (*c < 0x20 || *c > 0x7e) {
			if (!a->err)
				a->err = -EINVAL;
			return;
		}
	}
	aml_byte(a, AML_STRING_PREFIX);
	put(a, s, strlen(s) + 1);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * EISA ID: three letters in five bits each ('A' = 1) and four hex digits,
 * packed big-endian into 32 bits, then stored as a little-endian DWord,
 * i.e. byte-swapped (§19.6.44).
 */
void aml_eisaid(struct aml *a, const char *id)
{
	uint32_t v = 0;
	int i, d;

	if (strlen(id) != 7)
		goto bad;
	for (i = 0; i < 3; i++) {
		if (id[i] < 'A' || id[i] > 'Z')
			goto bad;
		v |= (uint32_t)(id[i] - 0x40) << (26 - 5 * i);
	}
	for (i = 3; i < 7; i++) {
		d = hex_digit(id[i]);
		if (d < 0)
			goto bad;
		v |= (uint32_t)d << (4 * (6 - i));
	}
	v = (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
	aml_byte(a, AML_DWORD_PREFIX);
	for (i = 0; i < 4; i++)
		aml_byte(a, (uint8_t)(v >> (8 * i)));
	return;
bad:
	if (!a->err)
		a->err = -EINVAL;
}

void aml_name_decl(struct aml *a, const char *name)
{
	aml_byte(a, AML_NAME_OP);
	aml_name(a, name);
}

static void pkg_open(struct aml *a, size_t flag)
{
	static const uint8_t reserve[PKG_RESERVE];

	if (a->err)
		return;
	if (a->depth == AML_MAX_DEPTH) {
		a->err = -EINVAL;
		return;
	}
	a->open[a->depth++] = a->len | flag;
	put(a, reserve, PKG_RESERVE);
}

/* Move buf[from, len) to `to` (either direction) and fix len. */
static void slide(struct aml *a, size_t from, size_t to)
{
	if (a->buf)
		memmove(a->buf + to, a->buf + from, a->len - from);
	a->len = a->len - from + to;
}

void aml_end(struct aml *a)
{
	size_t pos, body, total, n, i;
	uint8_t enc[9];
	size_t enc_len = 0;
	int is_buffer;

	if (a->err)
		return;
	if (a->depth == 0) {
		a->err = -EINVAL;
		return;
	}
	pos = a->open[--a->depth];
	is_buffer = (pos & OPEN_BUFFER_FLAG) != 0;
	pos &= ~OPEN_BUFFER_FLAG;
	body = a->len - pos - PKG_RESERVE;

	/* A Buffer's BufferSize precedes its bytes (§20.2.5.4 DefBuffer). */
	if (is_buffer)
		enc_len = encode_int(body, enc);
	for (n = 1; n <= PKG_RESERVE; n++) {
		total = body + enc_len + n;
		if ((n == 1 && total < 64) || (n > 1 && total < (1UL << (4 + 8 * (n - 1)))))
			break;
	}
	if (n > PKG_RESERVE || total > PKG_MAX) {
		a->err = -EINVAL;
		return;
	}
	/* Make room for (or close the gap to) exactly n + enc_len bytes. */
	if (n + enc_len > PKG_RESERVE && a->buf && n + enc_len - PKG_RESERVE > a->cap - a->len) {
		a->err = -ENOSPC;
		return;
	}
	slide(a, pos + PKG_RESERVE, pos + n + enc_len);
	if (!a->buf)
		return;
	if (n == 1) {
		a->buf[pos] = (uint8_t)total;
	} else {
		/* lead byte: count of following bytes in bits 7:6, low nibble */
		a->buf[pos] = (uint8_t)(((n - 1) << 6) | (total & 0x0f));
		for (i = 1; i < n; i++)
			a->buf[pos + i] = (uint8_t)(total >> (4 + 8 * (i - 1)));
	}
	memcpy(a->buf + pos + n, enc, enc_len);
}

void aml_scope_begin(struct aml *a, const char *name)
{
	aml_byte(a, AML_SCOPE_OP);
	pkg_open(a, 0);
	aml_name(a, name);
}

void aml_device_begin(struct aml *a, const char *name)
{
	aml_byte(a, AML_EXT_PREFIX);
	aml_byte(a, AML_EXT_DEVICE);
	pkg_open(a, 0);
	aml_name(a, name);
}

void aml_method_begin(struct aml *a, const char *name, unsigned int nargs, int serialized)
{
	if (nargs > 7 && !a->err)
		a->err = -EINVAL;
	aml_byte(a, AML_METHOD_OP);
	pkg_open(a, 0);
	aml_name(a, name);
	/* MethodFlags: ArgCount bits 2:0, SerializeFlag bit 3, SyncLevel 0 */
	aml_byte(a, (uint8_t)((nargs & 7) | (serialized ? 0x08 : 0)));
}

void aml_if_begin(struct aml *a)
{
	aml_byte(a, AML_IF_OP);
	pkg_open(a, 0);
}

void aml_buffer_begin(struct aml *a)
{
	aml_byte(a, AML_BUFFER_OP);
	pkg_open(a, OPEN_BUFFER_FLAG);
}

void aml_opregion_mem(struct aml *a, const char *name, uint64_t base, uint64_t len)
{
	aml_byte(a, AML_EXT_PREFIX);
	aml_byte(a, AML_EXT_OPREGION);
	aml_name(a, name);
	aml_byte(a, AML_REGION_SYSMEM);
	aml_int(a, base);
	aml_int(a, len);
}

void aml_field_dword(struct aml *a, const char *region, const char *field)
{
	aml_byte(a, AML_EXT_PREFIX);
	aml_byte(a, AML_EXT_FIELD);
	pkg_open(a, 0);
	aml_name(a, region);
	aml_byte(a, AML_FIELD_DWORD_ACC);
	/* NamedField: a bare NameSeg, then its width in bits as a PkgLength
	 * (§20.2.5.2); 32 fits the one-byte form. */
	aml_name(a, field);
	aml_byte(a, 32);
	aml_end(a);
}
