/*
 * Command-line parsing for `vmm boot` and its kvmtool-compatible spelling
 * `vmm run`. Pure: fills a struct vmm_config or explains in one line what
 * was wrong.
 */
#ifndef VMM_CLI_H
#define VMM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/smccc.h"

/* Compile-time bound on vCPUs (the vGICv3 limit KVM enforces is 512). */
#define VMM_MAX_CPUS	512
#define VMM_MIN_RAM	(4ULL << 20)
#define VMM_MAX_RAM	(256ULL << 30)
#define VMM_DEFAULT_RAM (256ULL << 20)

enum psci_mode {
	PSCI_MODE_USER,	  /* SMCCC filter forwards PSCI to us */
	PSCI_MODE_KERNEL, /* KVM's in-kernel PSCI */
};

struct vmm_config {
	const char *image;
	const char *initrd;
	const char *cmdline;
	unsigned int nr_cpus;  /* present at boot */
	unsigned int max_cpus; /* possible (>= nr_cpus); the rest start absent */
	const char *control;   /* control socket path, or NULL */
	uint64_t ram_size;
	enum psci_mode psci_mode;
	enum smccc_conduit conduit;
	bool trace;
	const char *dump_dtb;
	unsigned int max_resets;
};

enum cli_result {
	CLI_OK,
	CLI_HELP, /* --help: print cli_boot_usage and exit 0 */
	CLI_ERROR,
};

/*
 * Parse argv (argv[0] is the subcommand, "boot" or "run"). kvmtool_spelling
 * enables `vmm run`'s extra options (-k/--kernel, --console, --irqchip, ...).
 */
enum cli_result cli_parse_boot(int argc, char **argv, bool kvmtool_spelling, struct vmm_config *cfg,
			       char *err, size_t errlen);

/* "256M", "1G", "1024K", "512" (MiB, as in kvmtool) → bytes; -1 if malformed. */
int cli_parse_size(const char *s, uint64_t *bytes);

extern const char cli_boot_usage[];
extern const char cli_main_usage[];

#endif
