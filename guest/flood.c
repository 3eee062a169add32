/*
 * flood: the boot CPU prints numbered lines for ever, as fast as the UART
 * takes them. It never ends by itself: the host stops the VM (`vmm ctl quit`,
 * SIGTERM). The nested case for a stalled console points the VMM's stdout at
 * a pipe nobody reads and checks that stopping still finishes.
 */
#include <stdbool.h>

#include "guest/console.h"
#include "guest/main.h"

bool mode_flood(void)
{
	for (unsigned long n = 0;; n++)
		printk("@@ flood line %lu: the quick brown fox jumps over the lazy dog\n", n);
	return true; /* not reached */
}
