/*
 * The checks of options that depend on each other, made once every option
 * is in: a choice that needs another (--psci-version needs --psci kernel),
 * defaults that follow others (--max-cpus follows --cpus), and --inject
 * rules that name vCPUs or calls the configuration cannot have. Pure.
 */
#include <stdio.h>

#include "vmm/cli/option_table.h"
#include "vmm/firmware/inject.h"
#include "vmm/firmware/psci.h"

/* True for a PSCI 0.2+ function ID, SMC32 or SMC64 (DEN0022 §5.1). */
static bool is_psci_fid(uint32_t fid)
{
	uint32_t base = fid & ~(PSCI_FN_RANGE_SIZE - 1);

	return base == PSCI_0_2_FN_BASE || base == PSCI_0_2_FN64_BASE;
}

/* A rule (inject_parse accepted it already) against the whole configuration. */
static enum cli_result check_inject(const struct vmm_config *cfg, const char *text, char *err,
				    size_t errlen)
{
	struct inject_rule rule;

	inject_parse(text, &rule, err, errlen);
	if (rule.cpu != INJECT_ANY_CPU && (unsigned int)rule.cpu >= cfg->max_cpus)
		CLI_FAIL("--inject '%s': cpu=%d, but the vCPUs are 0-%u", text, rule.cpu,
			 cfg->max_cpus - 1);
	/* In-kernel PSCI answers PSCI calls before the VMM could see them. */
	if (cfg->psci_mode == PSCI_MODE_KERNEL && is_psci_fid(rule.fid[0]))
		CLI_FAIL("--inject '%s': PSCI calls reach the VMM only with --psci user", text);
	return CLI_OK;
}

enum cli_result cli_check_boot(struct vmm_config *cfg, bool kvmtool_spelling, char *err,
			       size_t errlen)
{
	/* Both say where the socket goes: rather than pick one silently, refuse. */
	if (cfg->name && cfg->control)
		CLI_FAIL("--name and --control both place the control socket: give one of them");
	if (cfg->psci_version && cfg->psci_mode != PSCI_MODE_KERNEL)
		CLI_FAIL("--psci-version sets KVM's in-kernel PSCI: it needs --psci kernel");
	if (!cfg->services_set)
		cfg->services = CLI_SVC_ALL;
	if (cfg->max_cpus == 0)
		cfg->max_cpus = cfg->nr_cpus;
	if (cfg->max_cpus < cfg->nr_cpus)
		CLI_FAIL("--max-cpus %u is less than --cpus %u", cfg->max_cpus, cfg->nr_cpus);
	/* KVM's in-kernel PSCI knows nothing of absent vCPUs: it would start them. */
	if (cfg->max_cpus != cfg->nr_cpus && cfg->psci_mode == PSCI_MODE_KERNEL)
		CLI_FAIL("--max-cpus (vCPU hotplug) needs --psci user: KVM's in-kernel PSCI would "
			 "start absent vCPUs");
	for (unsigned int i = 0; i < cfg->nr_injects; i++)
		if (check_inject(cfg, cfg->injects[i], err, errlen) != CLI_OK)
			return CLI_ERROR;
	if (!cfg->image)
		CLI_FAIL(kvmtool_spelling ? "no kernel image given (-k IMAGE)"
					  : "no image given (vmm boot IMAGE)");
	return CLI_OK;
}
