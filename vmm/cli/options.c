/*
 * `vmm boot`'s options, one table row each, and cli_parse_boot: getopt's
 * tables are built from the rows (this file's and kvmtool.c's), every
 * option found is applied through its row, the operand is the image, and
 * checks.c looks at the combinations last. An option is named in an error
 * as the user spelled it ("-c", "--cpus"), never by its argument. Pure.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "vmm/cli/number.h"
#include "vmm/cli/option_table.h"
#include "vmm/control/names.h"
#include "vmm/firmware/inject.h"

#define CLI_NR_OPTIONS (CLI_NR_BOOT_OPTIONS + CLI_NR_KVMTOOL_OPTIONS)
/* getopt_long's value for a row without a short form: above every char. */
#define LONG_ONLY_BASE 0x100

bool cli_in_list(const char *arg, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(arg, *list))
			return true;
	return false;
}

enum cli_result cli_apply_nothing(const char *arg, struct vmm_config *cfg, char *err, size_t errlen)
{
	(void)arg;
	(void)cfg;
	(void)err;
	(void)errlen;
	return CLI_OK;
}

static enum cli_result vcpu_count(const char *opt, const char *arg, unsigned int *out, char *err,
				  size_t errlen)
{
	uint64_t v;

	if (cli_parse_number(arg, 10, VMM_MAX_CPUS, &v) || v == 0)
		CLI_FAIL("%s: '%s' is not a vCPU count from 1 to %d", opt, arg, VMM_MAX_CPUS);
	*out = (unsigned int)v;
	return CLI_OK;
}

static enum cli_result apply_cpus(const char *arg, struct vmm_config *cfg, char *err, size_t errlen)
{
	return vcpu_count("--cpus", arg, &cfg->nr_cpus, err, errlen);
}

static enum cli_result apply_max_cpus(const char *arg, struct vmm_config *cfg, char *err,
				      size_t errlen)
{
	return vcpu_count("--max-cpus", arg, &cfg->max_cpus, err, errlen);
}

static enum cli_result apply_mem(const char *arg, struct vmm_config *cfg, char *err, size_t errlen)
{
	if (cli_parse_size(arg, &cfg->ram_size))
		CLI_FAIL("--mem: '%s' is not a size (e.g. 256M, 1G; a bare number is MiB)", arg);
	if (cfg->ram_size < VMM_MIN_RAM)
		CLI_FAIL("--mem: %s is too small (at least %lluM)", arg, VMM_MIN_RAM >> 20);
	if (cfg->ram_size > VMM_MAX_RAM)
		CLI_FAIL("--mem: %s is too large (at most %lluG)", arg, VMM_MAX_RAM >> 30);
	if (cfg->ram_size & 0xfff)
		CLI_FAIL("--mem: %s is not a multiple of 4K", arg);
	return CLI_OK;
}

/* The options that keep their argument as it is; a path that must name a
 * file is refused when empty (an empty one would reach open() or mkdir()). */
#define TAKE_ARG(fn, field, opt, may_be_empty)                                                     \
	static enum cli_result fn(const char *arg, struct vmm_config *cfg, char *err,              \
				  size_t errlen)                                                   \
	{                                                                                          \
		if (!(may_be_empty) && !*arg)                                                      \
			CLI_FAIL(opt ": empty path");                                              \
		cfg->field = arg;                                                                  \
		return CLI_OK;                                                                     \
	}
TAKE_ARG(apply_params, cmdline, "--params", true)
TAKE_ARG(apply_initrd, initrd, "--initrd", true)
TAKE_ARG(apply_dump_dtb, dump_dtb, "--dump-dtb", true)
TAKE_ARG(apply_trace_file, trace_file, "--trace-file", false)
TAKE_ARG(apply_snapshot_dir, snapshot_dir, "--snapshot-dir", false)

/* An option that takes one of two words: *second says which. */
static enum cli_result one_of_two(const char *opt, const char *arg, const char *first,
				  const char *second_word, bool *second, char *err, size_t errlen)
{
	if (strcmp(arg, first) && strcmp(arg, second_word))
		CLI_FAIL("%s: '%s' is not '%s' or '%s'", opt, arg, first, second_word);
	*second = !strcmp(arg, second_word);
	return CLI_OK;
}

static enum cli_result apply_psci(const char *arg, struct vmm_config *cfg, char *err, size_t errlen)
{
	bool kernel;

	if (one_of_two("--psci", arg, "user", "kernel", &kernel, err, errlen))
		return CLI_ERROR;
	cfg->psci_mode = kernel ? PSCI_MODE_KERNEL : PSCI_MODE_USER;
	return CLI_OK;
}

static enum cli_result apply_conduit(const char *arg, struct vmm_config *cfg, char *err,
				     size_t errlen)
{
	bool smc;

	if (one_of_two("--conduit", arg, "hvc", "smc", &smc, err, errlen))
		return CLI_ERROR;
	cfg->conduit = smc ? SMCCC_CONDUIT_SMC : SMCCC_CONDUIT_HVC;
	return CLI_OK;
}

/* kvmtool's --sandbox takes a script for its guest; ours takes a mode. */
static enum cli_result apply_sandbox(const char *arg, struct vmm_config *cfg, char *err,
				     size_t errlen)
{
	if (sandbox_parse_mode(arg, &cfg->sandbox))
		CLI_FAIL("--sandbox: '%s' is not supported by this VMM: it takes on, log, off or "
			 "strict",
			 arg);
	return CLI_OK;
}

/* Checked here, so a bad rule is refused before anything starts; main
 * parses it again into the live rule set. */
static enum cli_result apply_inject(const char *arg, struct vmm_config *cfg, char *err,
				    size_t errlen)
{
	struct inject_rule rule;

	if (cfg->nr_injects == CLI_MAX_INJECTS)
		CLI_FAIL("--inject: at most %d rules", CLI_MAX_INJECTS);
	if (inject_parse(arg, &rule, err, errlen))
		return CLI_ERROR;
	cfg->injects[cfg->nr_injects++] = arg;
	return CLI_OK;
}

static enum cli_result apply_max_resets(const char *arg, struct vmm_config *cfg, char *err,
					size_t errlen)
{
	uint64_t v;

	if (cli_parse_number(arg, 10, 1000000, &v))
		CLI_FAIL("--max-resets: '%s' is not a number from 0 to 1000000", arg);
	cfg->max_resets = (unsigned int)v;
	return CLI_OK;
}

/* 107 bytes and its NUL fill sockaddr_un's sun_path. */
static enum cli_result apply_control(const char *arg, struct vmm_config *cfg, char *err,
				     size_t errlen)
{
	if (!*arg || strlen(arg) >= 108)
		CLI_FAIL("--control: '%s' is not a usable socket path (1 to 107 bytes)", arg);
	cfg->control = arg;
	return CLI_OK;
}

/* The rules are control/names.c's: the name becomes a file name. */
static enum cli_result apply_name(const char *arg, struct vmm_config *cfg, char *err, size_t errlen)
{
	char why[160];

	if (!control_name_valid(arg, why, sizeof(why)))
		CLI_FAIL("--name: %s", why);
	cfg->name = arg;
	return CLI_OK;
}

static enum cli_result apply_smccc_filter(const char *arg, struct vmm_config *cfg, char *err,
					  size_t errlen)
{
	if (cfg->nr_filters == CLI_MAX_FILTERS)
		CLI_FAIL("--smccc-filter: at most %d ranges", CLI_MAX_FILTERS);
	if (cli_parse_filter(arg, &cfg->filters[cfg->nr_filters], err, errlen))
		return CLI_ERROR;
	cfg->nr_filters++;
	return CLI_OK;
}

static enum cli_result apply_smccc_services(const char *arg, struct vmm_config *cfg, char *err,
					    size_t errlen)
{
	if (cli_parse_services(arg, &cfg->services, err, errlen))
		return CLI_ERROR;
	cfg->services_set = true;
	return CLI_OK;
}

static enum cli_result apply_psci_version(const char *arg, struct vmm_config *cfg, char *err,
					  size_t errlen)
{
	return cli_parse_psci_version(arg, &cfg->psci_version, err, errlen) ? CLI_ERROR : CLI_OK;
}

static enum cli_result apply_impl_cpus(const char *arg, struct vmm_config *cfg, char *err,
				       size_t errlen)
{
	return cli_parse_impl_cpus(arg, cfg->impl_cpus, CLI_MAX_IMPL_CPUS, &cfg->nr_impl_cpus, err,
				   errlen)
		   ? CLI_ERROR
		   : CLI_OK;
}

/* The switches: each sets one flag of the configuration. */
#define SWITCH(fn, field)                                                                          \
	static enum cli_result fn(const char *arg, struct vmm_config *cfg, char *err,              \
				  size_t errlen)                                                   \
	{                                                                                          \
		(void)arg;                                                                         \
		(void)err;                                                                         \
		(void)errlen;                                                                      \
		cfg->field = true;                                                                 \
		return CLI_OK;                                                                     \
	}
SWITCH(apply_trace, trace)
SWITCH(apply_exit_stats, exit_stats)
SWITCH(apply_acpi, acpi)
SWITCH(apply_pmu, pmu)

/* kvmtool's --irqchip, for both commands: the GICv3 alone (the default) or
 * with an ITS; no GICv2. */
static enum cli_result apply_irqchip(const char *arg, struct vmm_config *cfg, char *err,
				     size_t errlen)
{
	if (strcmp(arg, "gicv3") && strcmp(arg, "gicv3-its"))
		CLI_FAIL("--irqchip: '%s' is not supported by this VMM: only 'gicv3' (the default) "
			 "or 'gicv3-its' (no GICv2)",
			 arg);
	cfg->its = !strcmp(arg, "gicv3-its");
	return CLI_OK;
}

static enum cli_result apply_help(const char *arg, struct vmm_config *cfg, char *err, size_t errlen)
{
	(void)arg;
	(void)cfg;
	(void)err;
	(void)errlen;
	return CLI_HELP;
}

#define BOOT_OPT(name_, short_, has_arg_, apply_)                                                  \
	{                                                                                          \
		.name = name_, .short_name = short_, .has_arg = has_arg_, .kind = CLI_OPT_BOOT,    \
		.apply = apply_                                                                    \
	}

const struct cli_option cli_boot_options[CLI_NR_BOOT_OPTIONS] = {
    BOOT_OPT("cpus", 'c', true, apply_cpus),
    BOOT_OPT("mem", 'm', true, apply_mem),
    BOOT_OPT("params", 'p', true, apply_params),
    BOOT_OPT("cmdline", 0, true, apply_params),
    BOOT_OPT("initrd", 'i', true, apply_initrd),
    BOOT_OPT("psci", 0, true, apply_psci),
    BOOT_OPT("conduit", 0, true, apply_conduit),
    BOOT_OPT("trace", 0, false, apply_trace),
    BOOT_OPT("trace-file", 0, true, apply_trace_file),
    BOOT_OPT("inject", 0, true, apply_inject),
    BOOT_OPT("dump-dtb", 0, true, apply_dump_dtb),
    BOOT_OPT("max-resets", 0, true, apply_max_resets),
    BOOT_OPT("max-cpus", 0, true, apply_max_cpus),
    BOOT_OPT("control", 0, true, apply_control),
    BOOT_OPT("name", 0, true, apply_name),
    BOOT_OPT("smccc-filter", 0, true, apply_smccc_filter),
    BOOT_OPT("smccc-services", 0, true, apply_smccc_services),
    BOOT_OPT("psci-version", 0, true, apply_psci_version),
    BOOT_OPT("impl-cpus", 0, true, apply_impl_cpus),
    BOOT_OPT("exit-stats", 0, false, apply_exit_stats),
    BOOT_OPT("acpi", 0, false, apply_acpi),
    BOOT_OPT("pmu", 0, false, apply_pmu),
    BOOT_OPT("irqchip", 0, true, apply_irqchip),
    BOOT_OPT("sandbox", 0, true, apply_sandbox),
    BOOT_OPT("snapshot-dir", 0, true, apply_snapshot_dir),
    BOOT_OPT("help", 'h', false, apply_help),
};

/* Row i of the one table getopt sees: `vmm boot`'s rows, then kvmtool's. */
static const struct cli_option *row_at(size_t i)
{
	return i < CLI_NR_BOOT_OPTIONS ? &cli_boot_options[i]
				       : &cli_kvmtool_options[i - CLI_NR_BOOT_OPTIONS];
}

/* The row getopt_long's return value stands for, or NULL. */
static const struct cli_option *row_of(int opt)
{
	if (opt >= LONG_ONLY_BASE && opt < LONG_ONLY_BASE + CLI_NR_OPTIONS)
		return row_at((size_t)(opt - LONG_ONLY_BASE));
	for (size_t i = 0; opt > 0 && i < CLI_NR_OPTIONS; i++)
		if (row_at(i)->short_name == opt)
			return row_at(i);
	return NULL;
}

/*
 * getopt's tables from the rows. Every long name is known to both commands
 * (so `vmm boot` can say "only accepted by `vmm run`"); the short forms of
 * kvmtool's options (-k, -n, -d, -f) only to `vmm run`. The leading ':'
 * reports a missing argument apart from an unknown option.
 */
static void getopt_tables(bool kvmtool_spelling, struct option *longopts, char *shortopts)
{
	char *s = shortopts;

	*s++ = ':';
	for (size_t i = 0; i < CLI_NR_OPTIONS; i++) {
		const struct cli_option *row = row_at(i);

		longopts[i] = (struct option){
		    .name = row->name,
		    .has_arg = row->has_arg ? required_argument : no_argument,
		    .val = row->short_name ? row->short_name : LONG_ONLY_BASE + (int)i,
		};
		if (row->short_name && (row->kind == CLI_OPT_BOOT || kvmtool_spelling)) {
			*s++ = row->short_name;
			if (row->has_arg)
				*s++ = ':';
		}
	}
	longopts[CLI_NR_OPTIONS] = (struct option){0};
	*s = '\0';
}

/* The option as the user spelled it, for an error message. */
static void option_name(int opt, int idx, char **argv, const struct option *longopts, char *name,
			size_t len)
{
	if (idx >= 0)
		snprintf(name, len, "--%s", longopts[idx].name);
	else if (opt > 0 && opt < 0x100 && opt != '?' && opt != ':')
		snprintf(name, len, "-%c", opt);
	else
		snprintf(name, len, "%.39s", argv[optind - 1]);
}

/* One option getopt_long returned (idx: its long form's index, or -1). */
static enum cli_result apply_option(int opt, int idx, char **argv, const struct option *longopts,
				    bool kvmtool_spelling, struct vmm_config *cfg, char *err,
				    size_t errlen)
{
	const struct cli_option *row = opt == '?' || opt == ':' ? NULL : row_of(opt);
	char name[40];

	option_name(opt, idx, argv, longopts, name, sizeof(name));
	if (opt == ':')
		CLI_FAIL("option '%s' needs an argument", name);
	if (!row) {
		if (optopt && optopt < 0x100)
			CLI_FAIL("unknown option '-%c' (see vmm boot --help)", optopt);
		CLI_FAIL("unknown option '%s' (see vmm boot --help)", name);
	}
	/* kvmtool's options for what we lack are no options of `vmm boot`. */
	if (row->kind == CLI_OPT_REFUSED && !kvmtool_spelling)
		CLI_FAIL("unknown option '%s' (see vmm boot --help)", name);
	if (row->kind != CLI_OPT_BOOT && !kvmtool_spelling)
		CLI_FAIL("option '%s' is only accepted by `vmm run` (kvmtool spelling)", name);
	if (row->kind == CLI_OPT_REFUSED)
		CLI_FAIL("kvmtool option '--%s' is not supported by this VMM: %s", row->name,
			 row->why);
	if (row->only && !cli_in_list(optarg, row->only))
		CLI_FAIL("--%s: '%s' is not supported by this VMM: %s", row->name, optarg,
			 row->why);
	return row->apply(optarg, cfg, err, errlen);
}

static void set_defaults(struct vmm_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->nr_cpus = 1;
	cfg->ram_size = VMM_DEFAULT_RAM;
	cfg->max_resets = 100;
	cfg->psci_mode = PSCI_MODE_USER;
	cfg->conduit = SMCCC_CONDUIT_HVC;
}

enum cli_result cli_parse_boot(int argc, char **argv, bool kvmtool_spelling, struct vmm_config *cfg,
			       char *err, size_t errlen)
{
	struct option longopts[CLI_NR_OPTIONS + 1];
	char shortopts[2 + 2 * CLI_NR_OPTIONS];
	enum cli_result r;

	set_defaults(cfg);
	getopt_tables(kvmtool_spelling, longopts, shortopts);
	optind = 0; /* GNU getopt: full re-initialisation, so we can parse twice */
	opterr = 0;
	for (;;) {
		int idx = -1, opt = getopt_long(argc, argv, shortopts, longopts, &idx);

		if (opt == -1)
			break;
		r = apply_option(opt, idx, argv, longopts, kvmtool_spelling, cfg, err, errlen);
		if (r != CLI_OK)
			return r;
	}
	/* The operand is the image (`vmm run` may have had it from -k). */
	for (; optind < argc; optind++) {
		if (cfg->image)
			CLI_FAIL("unexpected argument '%s' (the image is '%s')", argv[optind],
				 cfg->image);
		cfg->image = argv[optind];
	}
	return cli_check_boot(cfg, kvmtool_spelling, err, errlen);
}
