/*
 * Console output of the test guest: a 16550 UART (uart.c), the per-CPU line
 * buffers that keep CPUs from interleaving their lines (console.c) and a
 * small printf-like formatter (print.c).
 *
 * Supported conversions: %d %i %u %x %X %c %s %p %%, with the length
 * modifiers l, ll and z, the flags '0' and '-', and a field width. That is
 * a subset of C's printf with the same meaning, so -Wformat checks callers.
 */
#ifndef GUEST_PRINT_H
#define GUEST_PRINT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Write one character; "\n" goes out as "\r\n". Only console.c calls it,
 * holding the console lock. */
void uart_putc(char c);

/* How long the UART may keep THRE clear before bytes are sent regardless;
 * true once that happened. */
#define UART_THRE_MS 1000
bool uart_thre_stalled(void);

/*
 * The console (console.c): every CPU's output collects in its own line
 * buffer (TPIDR_EL1 = logical index) and goes to the UART a whole line at a
 * time under a lock, so lines of different CPUs never interleave.
 */
void console_putc(char c);
/* Send what this CPU has buffered, a partial line included. Before CPU_OFF,
 * SYSTEM_OFF and anything else that may stop the CPU. */
void console_flush(void);
/* secondary_main(): logical CPU cpu starts a life; drop what an earlier life
 * left in the lock or its buffer. */
void console_cpu_reset(unsigned int cpu);
/* The exception vector, before its report: release this CPU's hold on the
 * lock, in case it faulted while printing. */
void console_crash_reset(void);

/* Format to the console. Returns the number of characters formatted. */
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
