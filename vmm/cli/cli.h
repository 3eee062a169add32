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

#include "vmm/firmware/smccc.h"
#include "vmm/sandbox/sandbox.h"

/* Compile-time bound on vCPUs (the vGICv3 limit KVM enforces is 512). */
#define VMM_MAX_CPUS	512
#define VMM_MIN_RAM	(4ULL << 20)
#define VMM_MAX_RAM	(256ULL << 30)
#define VMM_DEFAULT_RAM (256ULL << 20)

enum psci_mode {
	PSCI_MODE_USER,	  /* SMCCC filter forwards PSCI to us */
	PSCI_MODE_KERNEL, /* KVM's in-kernel PSCI */
};

#define CLI_MAX_FILTERS	  16
#define CLI_MAX_INJECTS	  16
#define CLI_MAX_IMPL_CPUS 16

/* --smccc-filter BASE[-END|+COUNT]:ACTION */
struct cli_filter {
	uint32_t base, nr;
	enum smccc_filter_action action;
};

/* In-kernel SMCCC services a guest may discover (--smccc-services), one bit
 * each in the KVM hypercall bitmap registers. */
#define CLI_SVC_TRNG	     (1U << 0) /* KVM_REG_ARM_STD_BMAP bit 0 */
#define CLI_SVC_PV_TIME	     (1U << 1) /* KVM_REG_ARM_STD_HYP_BMAP bit 0 */
#define CLI_SVC_KVM_FEATURES (1U << 2) /* KVM_REG_ARM_VENDOR_HYP_BMAP bit 0 */
#define CLI_SVC_PTP	     (1U << 3) /* KVM_REG_ARM_VENDOR_HYP_BMAP bit 1 */
#define CLI_SVC_ALL	     0xfU

struct cli_impl_cpu {
	uint64_t midr, revidr, aidr;
};

struct vmm_config {
	const char *image;
	const char *initrd;
	const char *cmdline;
	unsigned int nr_cpus;  /* present at boot */
	unsigned int max_cpus; /* possible (>= nr_cpus); the rest start absent */
	const char *control;   /* control socket path, or NULL */
	const char *name;      /* --name: the socket is DIR/NAME.sock (control/names.h) */
	uint64_t ram_size;
	enum psci_mode psci_mode;
	enum smccc_conduit conduit;
	bool trace;
	const char *trace_file;		      /* --trace-file: JSON lines (tracefile.h) */
	const char *injects[CLI_MAX_INJECTS]; /* --inject rules, validated (inject.h) */
	unsigned int nr_injects;
	bool exit_stats; /* --exit-stats: print counters and memory use at exit */
	bool acpi;	 /* --acpi: ACPI tables + EFI hand-off instead of a device tree */
	bool pmu;	 /* --pmu: a virtual PMUv3 on every vCPU */
	bool its;	 /* --irqchip gicv3-its: a GICv3 ITS beside the vGICv3 */
	const char *dump_dtb;
	unsigned int max_resets;
	enum sandbox_mode sandbox; /* --sandbox: on (the default), log, off, strict */
	const char *snapshot_dir;  /* --snapshot-dir: where `ctl snapshot` may write */

	struct cli_filter filters[CLI_MAX_FILTERS];
	unsigned int nr_filters;
	bool services_set;     /* --smccc-services given */
	unsigned int services; /* CLI_SVC_* the guest may discover */
	uint32_t psci_version; /* --psci-version (kernel mode); 0 = KVM's default */
	struct cli_impl_cpu impl_cpus[CLI_MAX_IMPL_CPUS];
	unsigned int nr_impl_cpus; /* 0 = the host CPU's */
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

/*
 * `vmm restore DIR [OPTIONS]` (argv[0] is "restore"): *dir and the
 * restore-time fields of cfg (control, name, trace, trace_file, injects,
 * exit_stats, max_resets; the rest zeroed). An option of vmm boot that
 * would change the machine is refused in one line.
 */
enum cli_result cli_parse_restore(int argc, char **argv, struct vmm_config *cfg, const char **dir,
				  char *err, size_t errlen);
extern const char cli_restore_usage[];

/* "256M", "1G", "1024K", "512" (MiB, as in kvmtool) → bytes; -1 if malformed. */
int cli_parse_size(const char *s, uint64_t *bytes);

/* The option-argument parsers, exposed for unit tests. Each returns 0, or -1
 * with a one-line reason in err. */
int cli_parse_filter(const char *s, struct cli_filter *f, char *err, size_t errlen);
int cli_parse_services(const char *s, unsigned int *mask, char *err, size_t errlen);
int cli_parse_psci_version(const char *s, uint32_t *version, char *err, size_t errlen);
int cli_parse_impl_cpus(const char *s, struct cli_impl_cpu *cpus, unsigned int max,
			unsigned int *nr, char *err, size_t errlen);

/* The names --smccc-services takes, in bit order. */
extern const char *const cli_service_names[4];

extern const char cli_boot_usage[];
/* `vmm --help`: laid out as `lkvm --help` is, for scripts that probe it. */
extern const char cli_main_usage[];
/* `vmm --version` / `vmm version` */
extern const char cli_version[];

/* Why the kernel image or the initrd could not be used (main.c reads them). */
enum cli_file_kind {
	CLI_FILE_KERNEL,
	CLI_FILE_INITRD,
};

enum cli_file_problem {
	CLI_FILE_OPEN,	      /* open() failed: err is its errno */
	CLI_FILE_NOT_REGULAR, /* a directory, FIFO, device, ... */
	CLI_FILE_TOO_LARGE,   /* size bytes, more than limit (guest RAM) */
	CLI_FILE_READ,	      /* reading or mapping failed: err is the errno, 0 = short */
	CLI_FILE_EMPTY,	      /* a kernel of 0 bytes */
};

/*
 * The one-line message (no newline) for a kernel or initrd that cannot be
 * used. `vmm boot` says "vmm: image 'PATH': reason"; `vmm run`
 * (kvmtool_spelling) uses kvmtool's fatal-error wording and prefix
 * ("  Fatal: Unable to open kernel PATH", "  Fatal: PATH is not a valid
 * kernel image", "  Fatal: PATH is not an initrd", ...), which scripts that
 * drive kvmtool match to tell a missing kernel from a failed guest. The
 * reason follows in parentheses.
 */
void cli_file_error(char *buf, size_t len, bool kvmtool_spelling, enum cli_file_kind kind,
		    enum cli_file_problem problem, const char *path, int err, uint64_t size,
		    uint64_t limit);

#endif
