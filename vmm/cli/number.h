/*
 * A whole number as a user types it on a command line or a control socket
 * line: digits from the first byte (no sign, no blank), nothing after them,
 * no larger than a bound. strtoull alone accepts " 12", "-1" (as a huge
 * value) and "12abc"; every parser of user input here refuses them alike.
 * Pure.
 */
#ifndef VMM_CLI_NUMBER_H
#define VMM_CLI_NUMBER_H

#include <stdint.h>

/*
 * Parse s in base 10, or with base 0 as C writes numbers (0x.., 0..), into
 * *out if it is at most max. Returns 0, or -1 (NULL, empty, sign, junk,
 * overflow, above max) with *out untouched.
 */
int cli_parse_number(const char *s, int base, uint64_t max, uint64_t *out);

#endif
