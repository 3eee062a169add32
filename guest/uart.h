/*
 * The 16550-compatible UART the guest writes to (uart.c): polled output only.
 * console.c is its only caller; everything else prints through printk().
 */
#ifndef GUEST_UART_H
#define GUEST_UART_H

#include <stdbool.h>

/* Write one character; "\n" goes out as "\r\n". Only console.c calls it,
 * holding the console lock. */
void uart_putc(char c);

/* How long the UART may keep THRE clear before bytes are sent regardless;
 * true once that happened. */
#define UART_THRE_MS 1000
bool uart_thre_stalled(void);

#endif
