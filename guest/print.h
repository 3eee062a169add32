/*
 * Console output of the test guest: a 16550 UART (uart.c) and a small
 * printf-like formatter (print.c).
 *
 * Supported conversions: %d %i %u %x %X %c %s %p %%, with the length
 * modifiers l, ll and z, the flags '0' and '-', and a field width. That is
 * a subset of C's printf with the same meaning, so -Wformat checks callers.
 */
#ifndef GUEST_PRINT_H
#define GUEST_PRINT_H

#include <stdarg.h>
#include <stddef.h>

/* Write one character; "\n" goes out as "\r\n". */
void uart_putc(char c);

/* Format to the UART. Returns the number of characters formatted. */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/*
 * Format into buf (size bytes, always NUL-terminated when size > 0).
 * Returns the length the full result would have, like snprintf.
 */
int snprintk(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#endif
