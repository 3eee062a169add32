/*
 * `vmm restore DIR [OPTIONS]`: the options a restore takes. The machine is
 * the snapshot's (DESIGN.md §13, "Restoring"), so only what does not change
 * it is accepted: where the control socket goes, the record, the injection
 * rules, tracing, the exit statistics, the reset guard, the sandbox and
 * where snapshots may go. Every option that
 * would change the machine (vCPUs, memory, kernel, conduit, filters, ...)
 * is refused in one line saying so. Pure: fills cfg's restore-time fields.
 */
#include <stdio.h>
#include <string.h>

#include "vmm/cli/cli.h"
#include "vmm/cli/number.h"
#include "vmm/control/names.h"
#include "vmm/firmware/inject.h"
#include "vmm/sandbox/sandbox.h"

const char cli_restore_usage[] =
    "usage: vmm restore DIR [OPTIONS]\n"
    "\n"
    "Continue the guest saved in DIR (vmm ctl SOCK snapshot DIR) in this process, on this\n"
    "host: the machine, its RAM (mapped copy-on-write from DIR/ram) and every vCPU, device\n"
    "and firmware state are the snapshot's; the console goes on on stdout.\n"
    "\n"
    "      --control PATH    serve the control protocol on a UNIX socket at PATH\n"
    "      --name NAME       the control socket of the name (vmm list, vmm ctl NAME)\n"
    "      --trace           print every forwarded call\n"
    "      --trace-file PATH JSON-lines record of calls and power states\n"
    "      --inject RULE     injection rules in force instead of the saved ones (repeatable)\n"
    "      --exit-stats      counters and memory use at exit\n"
    "      --max-resets N    give up after N SYSTEM_RESETs (default 100)\n"
    "      --sandbox MODE    on (default), log, off or strict: as for vmm boot; DIR is\n"
    "                        readable, nothing else new\n"
    "      --snapshot-dir DIR  the directory `snapshot` of the control socket may write into\n"
    "\n"
    "The options of vmm boot that shape the machine (-c, --max-cpus, -m, -p, -i, --acpi,\n"
    "--pmu, --irqchip, --conduit, --psci, --smccc-*, --psci-version, --impl-cpus, a kernel)\n"
    "are refused.\n";

/* vmm boot's options that describe the machine: refused by name. */
static const char *const machine_opts[] = {
    "-c",
    "--cpus",
    "--max-cpus",
    "-m",
    "--mem",
    "-p",
    "--params",
    "--cmdline",
    "-i",
    "--initrd",
    "-k",
    "--kernel",
    "--psci",
    "--conduit",
    "--acpi",
    "--pmu",
    "--irqchip",
    "--smccc-filter",
    "--smccc-services",
    "--psci-version",
    "--impl-cpus",
    "--dump-dtb",
};

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return CLI_ERROR;                                                                  \
	} while (0)

/* "--opt" or "--opt=VALUE": the option's name (into name) and its value. */
static const char *split_opt(const char *arg, char *name, size_t len)
{
	const char *eq = strchr(arg, '=');

	snprintf(name, len, "%.*s", (int)(eq ? (size_t)(eq - arg) : strlen(arg)), arg);
	return eq ? eq + 1 : NULL;
}

static enum cli_result restore_value(const char *name, const char *val, struct vmm_config *cfg,
				     char *err, size_t errlen)
{
	struct inject_rule rule;
	uint64_t n;
	char why[160];

	if (!strcmp(name, "--control")) {
		if (!*val || strlen(val) >= 108)
			FAIL("--control: '%s' is not a usable socket path (1 to 107 bytes)", val);
		cfg->control = val;
	} else if (!strcmp(name, "--name")) {
		if (!control_name_valid(val, why, sizeof(why)))
			FAIL("--name: %s", why);
		cfg->name = val;
	} else if (!strcmp(name, "--trace-file")) {
		cfg->trace_file = val;
	} else if (!strcmp(name, "--inject")) {
		if (cfg->nr_injects == CLI_MAX_INJECTS)
			FAIL("--inject: at most %d rules", CLI_MAX_INJECTS);
		if (inject_parse(val, &rule, err, errlen))
			return CLI_ERROR;
		cfg->injects[cfg->nr_injects++] = val;
	} else if (!strcmp(name, "--sandbox")) {
		if (sandbox_parse_mode(val, &cfg->sandbox))
			FAIL("--sandbox: '%s' is not supported by this VMM: it takes on, log, off "
			     "or "
			     "strict",
			     val);
	} else if (!strcmp(name, "--snapshot-dir")) {
		if (!*val)
			FAIL("--snapshot-dir: empty path");
		cfg->snapshot_dir = val;
	} else {
		if (cli_parse_number(val, 10, 1000000, &n))
			FAIL("--max-resets: '%s' is not a number from 0 to 1000000", val);
		cfg->max_resets = (unsigned int)n;
	}
	return CLI_OK;
}

static bool takes_value(const char *name)
{
	return !strcmp(name, "--control") || !strcmp(name, "--name") ||
	       !strcmp(name, "--trace-file") || !strcmp(name, "--inject") ||
	       !strcmp(name, "--max-resets") || !strcmp(name, "--sandbox") ||
	       !strcmp(name, "--snapshot-dir");
}

/* One option at argv[*i] (advanced past its value). */
static enum cli_result restore_option(int argc, char **argv, int *i, struct vmm_config *cfg,
				      char *err, size_t errlen)
{
	char name[64];
	const char *val = split_opt(argv[*i], name, sizeof(name));

	for (size_t k = 0; k < sizeof(machine_opts) / sizeof(machine_opts[0]); k++)
		if (!strcmp(name, machine_opts[k]) ||
		    (name[1] != '-' && !strncmp(argv[*i], machine_opts[k], 2) &&
		     machine_opts[k][1] != '-'))
			FAIL("restore: %s would change the machine; it comes from the snapshot",
			     machine_opts[k]);
	if (!strcmp(name, "--trace") && !val) {
		cfg->trace = true;
	} else if (!strcmp(name, "--exit-stats") && !val) {
		cfg->exit_stats = true;
	} else if (takes_value(name)) {
		if (!val && *i + 1 >= argc)
			FAIL("restore: %s needs a value", name);
		return restore_value(name, val ? val : argv[++*i], cfg, err, errlen);
	} else {
		FAIL("restore: unknown option '%s' (see vmm restore --help)", argv[*i]);
	}
	return CLI_OK;
}

enum cli_result cli_parse_restore(int argc, char **argv, struct vmm_config *cfg, const char **dir,
				  char *err, size_t errlen)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_resets = 100;
	*dir = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return CLI_HELP;
		if (argv[i][0] == '-' && argv[i][1]) {
			if (restore_option(argc, argv, &i, cfg, err, errlen) != CLI_OK)
				return CLI_ERROR;
		} else if (*dir) {
			FAIL("restore: one snapshot directory, not '%s' and '%s'", *dir, argv[i]);
		} else {
			*dir = argv[i];
		}
	}
	if (!*dir)
		FAIL("restore: no snapshot directory (usage: vmm restore DIR [OPTIONS])");
	if (cfg->name && cfg->control)
		FAIL("restore: --name and --control both place the control socket; give one");
	return CLI_OK;
}
