/*
 * A small printf-like formatter (print.c), below the console: it writes
 * into a caller's buffer or hands characters to a caller's function, and
 * knows nothing of where they go (console.h's printk() is built on it).
 *
 * Supported conversions: %d %i %u %x %X %c %s %p %%, with the length
 * modifiers l, ll and z, the flags '0' and '-', and a field width. That is
 * a subset of C's printf with the same meaning, so -Wformat checks callers.
 */
#ifndef GUEST_PRINT_H
#define GUEST_PRINT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Format fmt with ap, handing each character in order to put(c, arg).
 * Returns the number of characters. The one formatter behind printk()
 * (console.c) and snprintk().
 */
int vformatk(void (*put)(char c, void *arg), void *arg, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/*
 * Format into buf (size bytes, always NUL-terminated when size > 0).
 * Returns the length the full result would have, like snprintf.
 */
int snprintk(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* A reader's reason for refusing its input, into the caller's buffer. */
struct why {
	char *buf;
	size_t size;
};

/* Format the reason into w (cut to fit) and return -1: "return why_fail(...)". */
int why_fail(struct why *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
