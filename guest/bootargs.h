/*
 * A mode's options (bootargs.c): the words of /chosen/bootargs after the
 * mode, "key=value".
 */
#ifndef GUEST_BOOTARGS_H
#define GUEST_BOOTARGS_H

#include <stdint.h>

/* primary_main(): the bootargs string, kept (not copied) for the lookups. */
void bootargs_init(const char *args);

/*
 * The value of key as a decimal (or 0x hex) number, def when key is absent.
 * A value that is not a number is reported and gives def too.
 */
uint64_t bootarg_uint(const char *key, uint64_t def);

#endif
