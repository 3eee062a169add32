/*
 * Whole numbers from user input, strictly (number.h says what is refused
 * and why).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "vmm/cli/number.h"

int cli_parse_number(const char *s, int base, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}
