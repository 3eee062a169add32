/*
 * A small printf-like formatter for the test guest. Output goes into a
 * caller's buffer (snprintk) or to a caller's function (vformatk: console.c
 * passes the console's); see print.h for what it understands.
 *
 * Pure code that calls nothing of the guest's: it can be compiled natively
 * and checked against the C library's printf.
 */
#include <stdbool.h>
#include <stdint.h>

#include "guest/print.h"

/* Where formatted characters go. */
struct sink {
	void (*put)(char c, void *arg);
	void *arg;
	size_t len; /* characters produced */
};

static void sink_put(struct sink *s, char c)
{
	s->put(c, s->arg);
	s->len++;
}

static void sink_pad(struct sink *s, char c, int n)
{
	while (n-- > 0)
		sink_put(s, c);
}

struct spec {
	bool zero;  /* '0': pad numbers with zeros */
	bool left;  /* '-': pad on the right */
	int width;  /* minimum field width */
	int length; /* 0 int, 1 long, 2 long long, 3 size_t */
};

/* Emit a field of len characters from str (plus sign), padded to the width. */
static void put_field(struct sink *s, const struct spec *sp, const char *sign, const char *str,
		      int len)
{
	int signlen = sign ? 1 : 0;
	int pad = sp->width - len - signlen;

	if (!sp->left && !sp->zero)
		sink_pad(s, ' ', pad);
	if (sign)
		sink_put(s, *sign);
	if (!sp->left && sp->zero)
		sink_pad(s, '0', pad);
	while (len-- > 0)
		sink_put(s, *str++);
	if (sp->left)
		sink_pad(s, ' ', pad);
}

static void put_unsigned(struct sink *s, const struct spec *sp, const char *sign, uint64_t v,
			 unsigned int base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = (int)sizeof(tmp);

	do {
		tmp[--n] = digits[v % base];
		v /= base;
	} while (v);
	put_field(s, sp, sign, &tmp[n], (int)sizeof(tmp) - n);
}

static uint64_t arg_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 1:
		return va_arg(*ap, unsigned long);
	case 2:
		return va_arg(*ap, unsigned long long);
	case 3:
		return va_arg(*ap, size_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static int64_t arg_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 1:
		return va_arg(*ap, long);
	case 2:
		return va_arg(*ap, long long);
	case 3:
		return (int64_t)va_arg(*ap, size_t);
	default:
		return va_arg(*ap, int);
	}
}

static void format(struct sink *s, const char *fmt, va_list *ap)
{
	while (*fmt) {
		struct spec sp = {0};
		const char *start = fmt;

		if (*fmt != '%') {
			sink_put(s, *fmt++);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '0')
				sp.zero = true;
			else if (*fmt == '-')
				sp.left = true;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9' && sp.width < 1000)
			sp.width = sp.width * 10 + (*fmt++ - '0');
		if (*fmt == 'l') {
			fmt++;
			sp.length = 1;
			if (*fmt == 'l') {
				fmt++;
				sp.length = 2;
			}
		} else if (*fmt == 'z') {
			fmt++;
			sp.length = 3;
		}

		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = arg_signed(&sp, ap);

			/* Negate in unsigned arithmetic: INT64_MIN has no positive twin. */
			if (v < 0)
				put_unsigned(s, &sp, "-", 0 - (uint64_t)v, 10, false);
			else
				put_unsigned(s, &sp, NULL, (uint64_t)v, 10, false);
			break;
		}
		case 'u':
			put_unsigned(s, &sp, NULL, arg_unsigned(&sp, ap), 10, false);
			break;
		case 'x':
		case 'X':
			put_unsigned(s, &sp, NULL, arg_unsigned(&sp, ap), 16, *fmt == 'X');
			break;
		case 'p': {
			uintptr_t v = (uintptr_t)va_arg(*ap, void *);

			sink_put(s, '0');
			sink_put(s, 'x');
			sp.width = sp.width > 2 ? sp.width - 2 : 0;
			put_unsigned(s, &sp, NULL, v, 16, false);
			break;
		}
		case 'c': {
			char c = (char)va_arg(*ap, int);

			sp.zero = false;
			put_field(s, &sp, NULL, &c, 1);
			break;
		}
		case 's': {
			const char *str = va_arg(*ap, const char *);
			int len = 0;

			if (!str)
				str = "(null)";
			while (str[len])
				len++;
			sp.zero = false;
			put_field(s, &sp, NULL, str, len);
			break;
		}
		case '%':
			sink_put(s, '%');
			break;
		default:
			/* Not ours: print the directive as written, so it shows. */
			while (start < fmt)
				sink_put(s, *start++);
			if (!*fmt)
				return;
			sink_put(s, *fmt);
			break;
		}
		fmt++;
	}
}

int vformatk(void (*put)(char c, void *arg), void *arg, const char *fmt, va_list ap)
{
	struct sink s = {.put = put, .arg = arg};
	va_list aq;

	va_copy(aq, ap);
	format(&s, fmt, &aq);
	va_end(aq);
	return (int)s.len;
}

/* snprintk's sink: keeps what fits, with room for the NUL. */
struct buf_sink {
	char *buf;
	size_t size;
	size_t len; /* characters produced, including any that did not fit */
};

static void buf_put(char c, void *arg)
{
	struct buf_sink *b = arg;

	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_sink b = {.buf = buf, .size = size};

	vformatk(buf_put, &b, fmt, ap);
	if (size)
		buf[b.len < size ? b.len : size - 1] = '\0';
	return (int)b.len;
}

int snprintk(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintk(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int why_fail(struct why *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintk(w->buf, w->size, fmt, ap);
	va_end(ap);
	return -1;
}
