/*
 * Inside the command line (not for the rest of the VMM): one row per option
 * of `vmm boot` and `vmm run`. cli_parse_boot (options.c) builds getopt's
 * table from the rows, applies each option through its row, then checks the
 * combinations (checks.c). The rows of `vmm boot` live in options.c, those
 * of kvmtool's spellings in kvmtool.c.
 */
#ifndef VMM_CLI_OPTION_TABLE_H
#define VMM_CLI_OPTION_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "vmm/cli/cli.h"

enum cli_option_kind {
	CLI_OPT_BOOT,	 /* an option of `vmm boot`, and so of `vmm run` */
	CLI_OPT_KVMTOOL, /* kvmtool's spelling: `vmm run` only */
	CLI_OPT_REFUSED, /* kvmtool's, for what this VMM lacks: `vmm run` refuses it
			    in one line saying why; `vmm boot` knows no such option */
};

struct cli_option {
	const char *name; /* the long name, without "--" */
	char short_name;  /* its one-letter form, or 0 */
	bool has_arg;
	enum cli_option_kind kind;
	/* Apply the option (arg is NULL without an argument) to cfg: CLI_OK,
	 * CLI_HELP, or CLI_ERROR with a one-line reason in err. NULL for
	 * CLI_OPT_REFUSED rows. */
	enum cli_result (*apply)(const char *arg, struct vmm_config *cfg, char *err, size_t errlen);
	/* CLI_OPT_REFUSED: why this VMM has no use for it. With only: what
	 * this VMM has instead of any other value. */
	const char *why;
	/* NULL, or the values honoured (NULL-terminated): any other is refused
	 * in one line, "--NAME: 'VALUE' is not supported by this VMM: why". */
	const char *const *only;
};

#define CLI_NR_BOOT_OPTIONS    26
#define CLI_NR_KVMTOOL_OPTIONS 33

extern const struct cli_option cli_boot_options[CLI_NR_BOOT_OPTIONS];
extern const struct cli_option cli_kvmtool_options[CLI_NR_KVMTOOL_OPTIONS];

/* arg is one of the words of list (NULL-terminated). */
bool cli_in_list(const char *arg, const char *const *list);

/* An option that takes no argument and changes nothing (kvmtool's ignored
 * ones, --nodefaults). */
enum cli_result cli_apply_nothing(const char *arg, struct vmm_config *cfg, char *err,
				  size_t errlen);

/* After every option: the checks of options that depend on each other,
 * and the defaults that depend on others (--max-cpus, --smccc-services). */
enum cli_result cli_check_boot(struct vmm_config *cfg, bool kvmtool_spelling, char *err,
			       size_t errlen);

/* Fill err with one line and return CLI_ERROR from the enclosing function
 * (whose parameters are named err and errlen). */
#define CLI_FAIL(...)                                                                              \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return CLI_ERROR;                                                                  \
	} while (0)

#endif
