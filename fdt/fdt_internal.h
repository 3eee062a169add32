/*
 * What the builders in fdt/ share and nobody else needs: the error
 * propagation they all use, the size of a generated node name, and the
 * /chosen node's helpers (fdt_chosen.c).
 */
#ifndef FDT_INTERNAL_H
#define FDT_INTERNAL_H

#include <stddef.h>

struct machine;

/* Every libfdt call returns 0 or a negative error: pass the error up. */
#define FDT_TRY(call)                                                                              \
	do {                                                                                       \
		int fdt_try_err_ = (call);                                                         \
		if (fdt_try_err_)                                                                  \
			return fdt_try_err_;                                                       \
	} while (0)

/* "uart@" or "memory@" plus 16 hex digits and the NUL fit with room. */
#define FDT_NODE_NAME_MAX 32

/* "/uart@<base>": the UART's path, for /chosen/stdout-path and /aliases. */
void fdt_uart_path(const struct machine *m, char *buf, size_t len);

/* The bytes /chosen may take beyond the builders' fixed allowance: the
 * command line's property. */
size_t fdt_chosen_size_hint(const struct machine *m);

#endif
