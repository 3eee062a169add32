/*
 * The options of a mode: the words of /chosen/bootargs after the first (the
 * mode), "key=value". primary_main() hands the string over once it has read
 * the device tree; the modes ask for their options by key.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest/bootargs.h"
#include "guest/console.h"

/* Set once by the boot CPU before any mode runs (.bss: no .data here). */
static const char *bootargs;

void bootargs_init(const char *args)
{
	bootargs = args;
}

/* The value of "key=" among the words of bootargs after the mode, or NULL;
 * *len is its length. */
static const char *bootarg_find(const char *key, unsigned int *len)
{
	const char *p = bootargs;
	bool first = true;

	if (!p)
		return NULL;
	while (*p) {
		const char *w, *k = key;

		while (*p == ' ' || *p == '\t')
			p++;
		w = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (first || w == p) {
			first = false;
			continue;
		}
		while (*k && w < p && *w == *k) {
			w++;
			k++;
		}
		if (!*k && w < p && *w == '=') {
			*len = (unsigned int)(p - w - 1);
			return w + 1;
		}
	}
	return NULL;
}

uint64_t bootarg_uint(const char *key, uint64_t def)
{
	unsigned int len, i = 0, base = 10;
	const char *v = bootarg_find(key, &len);
	uint64_t n = 0;

	if (!v)
		return def;
	if (len > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		goto bad;
	for (; i < len; i++) {
		char ch = v[i];
		unsigned int d;

		if (ch >= '0' && ch <= '9')
			d = (unsigned int)(ch - '0');
		else if (base == 16 && ch >= 'a' && ch <= 'f')
			d = (unsigned int)(ch - 'a' + 10);
		else if (base == 16 && ch >= 'A' && ch <= 'F')
			d = (unsigned int)(ch - 'A' + 10);
		else
			goto bad;
		if (n > (UINT64_MAX - d) / base)
			goto bad;
		n = n * base + d;
	}
	return n;
bad:
	printk("guest: option %s is not a number; using %llu\n", key, (unsigned long long)def);
	return def;
}
