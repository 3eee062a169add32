/*
 * The console every CPU prints to (console.c): every CPU's output collects
 * in its own line buffer (TPIDR_EL1 = logical index) and goes to the UART
 * (uart.c) a whole line at a time under a lock, so lines of different CPUs
 * never interleave. printk() formats with print.c and writes here.
 */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <stdarg.h>

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

/* Format (print.h's conversions) to the console. Returns the number of
 * characters formatted. */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
