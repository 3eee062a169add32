#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/cli/cli.h"
#include "vmm/firmware/inject.h"
#include "vmm/firmware/psci.h"

/*
 * Laid out as kvmtool's top-level help is (builtin-help.c): scripts that
 * drive `lkvm` look for "The most commonly used ... commands are:" to tell
 * a kvmtool-compatible binary from anything else.
 */
const char cli_main_usage[] =
    "\n"
    " A minimal arm64 KVM VMM that answers the guest's PSCI calls itself.\n"
    "\n"
    "usage: vmm [--version] [--help] COMMAND [ARGS]\n"
    "\n"
    " The most commonly used vmm commands are:\n"
    "   boot       Boot IMAGE in a new VM: vmm boot IMAGE [OPTIONS]\n"
    "   run        The same with kvmtool's `lkvm run` options: vmm run -k IMAGE\n"
    "   ctl        Talk to a running VM's control socket: vmm ctl SOCKET help\n"
    "   info       Print what this host's KVM offers (vCPUs, SMCCC filter, PMU)\n"
    "   timeline   Draw a --trace-file record as SVG: vmm timeline TRACE -o OUT.svg\n"
    "   version    Print the version of vmm\n"
    "\n"
    " See 'vmm help COMMAND' (or vmm COMMAND --help) for a command's options.\n"
    "\n";

const char cli_boot_usage[] =
    "usage: vmm boot IMAGE [OPTIONS]\n"
    "       vmm run -k IMAGE [OPTIONS]   (kvmtool spellings)\n"
    "\n"
    "Boot IMAGE (an arm64 Linux Image, or a flat binary loaded at RAM+0x80000) in a new\n"
    "KVM VM. PSCI calls are forwarded to and answered by this program (--psci user).\n"
    "\n"
    "  -c, --cpus N          vCPUs present at boot (default 1; at most the host's KVM limit)\n"
    "      --max-cpus M      vCPUs possible (default: --cpus); vCPUs N..M-1 start absent\n"
    "                        and can be plugged through the control socket\n"
    "      --control PATH    control socket (UNIX, mode 0600): vmm ctl PATH help\n"
    "  -m, --mem SIZE        guest RAM: 256M, 1G, ... a bare number is MiB (default 256M)\n"
    "  -p, --params STR      kernel command line (/chosen/bootargs); also --cmdline\n"
    "  -i, --initrd FILE     initial ramdisk\n"
    "      --psci MODE       user (default): PSCI in this VMM via the SMCCC filter;\n"
    "                        kernel: KVM's in-kernel PSCI\n"
    "      --conduit C       hvc (default) or smc: the DT's PSCI method\n"
    "      --trace           print one line per forwarded call (vCPU, conduit, function,\n"
    "                        arguments, result) on stderr\n"
    "      --trace-file PATH write every forwarded call and every vCPU power-state change\n"
    "                        to PATH, one JSON object per line (vmm timeline draws it)\n"
    "      --inject RULE     fault/latency injection (repeatable), e.g.\n"
    "                        CPU_ON:cpu=2:next=1:ret=INTERNAL_FAILURE, CPU_ON:delay=200ms,\n"
    "                        CPU_ON:cpu=3:lost; options cpu=N next=N ret=CODE delay=DUR lost\n"
    "      --dump-dtb FILE   write the generated device tree to FILE and continue\n"
    "      --max-resets N    end with an error after N guest SYSTEM_RESETs (default 100)\n"
    "      --exit-stats      at exit, print the `stats` counters and the VMM's memory use\n"
    "                        (peak RSS, guest RAM resident) on stderr\n"
    "      --smccc-filter BASE[-END|+COUNT]:handle|deny|forward\n"
    "                        add an SMCCC filter range (repeatable); forwarded calls with\n"
    "                        no userspace service answer NOT_SUPPORTED and are traced\n"
    "      --smccc-services LIST  in-kernel services the guest may discover: a comma list\n"
    "                        of trng, pv-time, kvm-features, ptp; or none / all (default)\n"
    "      --psci-version X.Y  KVM's in-kernel PSCI version (--psci kernel): 0.2, 1.0, 1.1\n"
    "      --impl-cpus MIDR:REVIDR:AIDR[,...]  CPU implementations DISCOVER_IMPL_CPUS\n"
    "                        reports (default: the host CPU's)\n"
    "      --acpi            describe the machine to a Linux guest with ACPI tables (handed\n"
    "                        over through a minimal EFI system table, no firmware) instead\n"
    "                        of a device tree; with --max-cpus, vCPUs are hot-added and\n"
    "                        ejected through ACPI (vmm ctl PATH plug/unplug N)\n"
    "      --pmu             give every vCPU a virtual PMUv3 (overflow interrupt PPI 7,\n"
    "                        INTID 23); an error where the host's KVM has none\n"
    "  -h, --help            this text\n"
    "\n"
    "`vmm run` also takes kvmtool's -k/--kernel IMAGE, --console serial, --irqchip\n"
    "gicv3, -n/--network none|mode=none, --loglevel LEVEL and --nodefaults; it ignores\n"
    "--name, --nocompat, --no-dhcp and --debug, and refuses in one line the kvmtool\n"
    "options for what this VMM does not have (--disk, --9p, --balloon, --vhost, ...).\n"
    "A kernel or initrd it cannot read is reported as kvmtool does (\"  Fatal: ...\").\n"
    "\n"
    "Exit status: 0 after the guest's SYSTEM_OFF, 1 if the guest reported a failure,\n"
    "2 on a VMM error, 130 when stopped by SIGINT/SIGTERM or Ctrl-A x.\n";

const char cli_version[] = "vmm version 0.1\n";

int cli_parse_size(const char *s, uint64_t *bytes)
{
	char *end;
	unsigned long long v;
	unsigned int shift = 20; /* a bare number is MiB, as in kvmtool */

	if (!s || !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (*end) {
		switch (toupper((unsigned char)*end)) {
		case 'K':
			shift = 10;
			break;
		case 'M':
			shift = 20;
			break;
		case 'G':
			shift = 30;
			break;
		case 'T':
			shift = 40;
			break;
		default:
			return -1;
		}
		end++;
		/* Accept "M", "MB" and "MiB". */
		if (!strcmp(end, "iB") || !strcmp(end, "B"))
			end += strlen(end);
		if (*end)
			return -1;
	}
	if (v > (UINT64_MAX >> shift))
		return -1;
	*bytes = (uint64_t)v << shift;
	return 0;
}

/* A whole number in the given base (10, or 0 for C's 0x/0 prefixes) of at
 * most max; -1 for anything else (sign, junk, overflow). */
static int parse_number(const char *s, int base, uint64_t max, uint64_t *out)
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

static int parse_uint(const char *s, unsigned int max, unsigned int *out)
{
	uint64_t v;

	if (parse_number(s, 10, max, &v))
		return -1;
	*out = (unsigned int)v;
	return 0;
}

/* Function IDs and register values are written as C writes numbers. */
static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	return parse_number(s, 0, max, out);
}

#define FAIL_REASON(...)                                                                           \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return -1;                                                                         \
	} while (0)

int cli_parse_filter(const char *s, struct cli_filter *f, char *err, size_t errlen)
{
	char buf[96], *colon, *sep;
	uint64_t base, end;

	if (strlen(s) >= sizeof(buf))
		FAIL_REASON("--smccc-filter: '%.40s...' is too long", s);
	strcpy(buf, s);
	colon = strrchr(buf, ':');
	if (!colon)
		FAIL_REASON("--smccc-filter: '%s' lacks ':handle', ':deny' or ':forward'", s);
	*colon++ = '\0';
	if (!strcmp(colon, "handle"))
		f->action = SMCCC_FILTER_HANDLE;
	else if (!strcmp(colon, "deny"))
		f->action = SMCCC_FILTER_DENY;
	else if (!strcmp(colon, "forward"))
		f->action = SMCCC_FILTER_FWD_TO_USER;
	else
		FAIL_REASON("--smccc-filter: action '%s' is not handle, deny or forward", colon);
	sep = strpbrk(buf, "-+");
	if (sep) {
		char kind = *sep;

		*sep++ = '\0';
		if (parse_u64(buf, UINT32_MAX, &base) || parse_u64(sep, UINT64_MAX, &end))
			FAIL_REASON("--smccc-filter: '%s' is not BASE[-END|+COUNT]:ACTION", s);
		/* Compute the exclusive end without wrapping 64 bits. */
		if (kind == '-') {
			if (end < base)
				FAIL_REASON("--smccc-filter: '%s' ends before it starts", s);
			if (end > UINT32_MAX)
				FAIL_REASON("--smccc-filter: '%s' runs past function ID 0xffffffff",
					    s);
			end = end + 1; /* END is inclusive */
		} else {
			if (end == 0)
				FAIL_REASON("--smccc-filter: '%s' is an empty range", s);
			if (end > 0x100000000ULL - base)
				FAIL_REASON("--smccc-filter: '%s' runs past function ID 0xffffffff",
					    s);
			end = base + end;
		}
	} else {
		if (parse_u64(buf, UINT32_MAX, &base))
			FAIL_REASON("--smccc-filter: '%s' is not BASE[-END|+COUNT]:ACTION", s);
		end = base + 1;
	}
	if (end > 0x100000000ULL)
		FAIL_REASON("--smccc-filter: '%s' runs past function ID 0xffffffff", s);
	/* KVM counts functions in 32 bits: the whole ID space is one too many. */
	if (end - base > UINT32_MAX)
		FAIL_REASON("--smccc-filter: '%s' covers the whole function ID space; KVM takes at "
			    "most 0xffffffff functions per range",
			    s);
	f->base = (uint32_t)base;
	f->nr = (uint32_t)(end - base);
	return 0;
}

const char *const cli_service_names[4] = {"trng", "pv-time", "kvm-features", "ptp"};

int cli_parse_services(const char *s, unsigned int *mask, char *err, size_t errlen)
{
	char buf[128], *save = NULL, *tok;

	if (strlen(s) >= sizeof(buf))
		FAIL_REASON("--smccc-services: list too long");
	strcpy(buf, s);
	*mask = 0;
	if (!*s)
		FAIL_REASON("--smccc-services: empty list (use 'none' for no services)");
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned int i;

		if (!strcmp(tok, "none") || !strcmp(tok, "all")) {
			if (strcmp(s, tok))
				FAIL_REASON("--smccc-services: '%s' cannot be combined with others",
					    tok);
			*mask = tok[0] == 'a' ? CLI_SVC_ALL : 0;
			return 0;
		}
		for (i = 0; i < 4; i++)
			if (!strcmp(tok, cli_service_names[i]))
				break;
		if (i == 4)
			FAIL_REASON("--smccc-services: unknown service '%s' (trng, pv-time, "
				    "kvm-features, ptp, none, all)",
				    tok);
		*mask |= 1U << i;
	}
	if (*mask == 0)
		FAIL_REASON("--smccc-services: empty list (use 'none' for no services)");
	return 0;
}

int cli_parse_psci_version(const char *s, uint32_t *version, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		uint32_t v;
	} known[] = {{"0.2", 0x2}, {"1.0", 0x10000}, {"1.1", 0x10001}};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (!strcmp(s, known[i].name)) {
			*version = known[i].v;
			return 0;
		}
	}
	FAIL_REASON("--psci-version: '%s' is not one KVM implements (0.2, 1.0, 1.1)", s);
}

int cli_parse_impl_cpus(const char *s, struct cli_impl_cpu *cpus, unsigned int max,
			unsigned int *nr, char *err, size_t errlen)
{
	char buf[1024], *save = NULL, *tok;

	if (strlen(s) >= sizeof(buf))
		FAIL_REASON("--impl-cpus: list too long");
	strcpy(buf, s);
	*nr = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *r = strchr(tok, ':'), *a = r ? strchr(r + 1, ':') : NULL;
		uint64_t midr, revidr, aidr;

		if (*nr == max)
			FAIL_REASON("--impl-cpus: at most %u implementations", max);
		if (!r || !a)
			FAIL_REASON("--impl-cpus: '%s' is not MIDR:REVIDR:AIDR", tok);
		*r++ = '\0';
		*a++ = '\0';
		if (parse_u64(tok, UINT32_MAX, &midr) || parse_u64(r, UINT64_MAX, &revidr) ||
		    parse_u64(a, UINT64_MAX, &aidr))
			FAIL_REASON("--impl-cpus: bad number in '%s:%s:%s' (MIDR is 32 bits)", tok,
				    r, a);
		cpus[*nr].midr = midr;
		cpus[*nr].revidr = revidr;
		cpus[*nr].aidr = aidr;
		(*nr)++;
	}
	if (*nr == 0)
		FAIL_REASON("--impl-cpus: empty list");
	return 0;
}

enum {
	OPT_PSCI = 0x100,
	OPT_CONDUIT,
	OPT_TRACE,
	OPT_TRACE_FILE,
	OPT_INJECT,
	OPT_DUMP_DTB,
	OPT_MAX_RESETS,
	OPT_MAX_CPUS,
	OPT_CONTROL,
	OPT_SMCCC_FILTER,
	OPT_SMCCC_SERVICES,
	OPT_PSCI_VERSION,
	OPT_IMPL_CPUS,
	OPT_EXIT_STATS,
	OPT_ACPI,
	OPT_PMU,
	OPT_CONSOLE,
	OPT_IRQCHIP,
	OPT_NETWORK,
	OPT_LOGLEVEL,
	OPT_NODEFAULTS,
	OPT_KVMTOOL_IGNORED, /* accepted and ignored: --name, --nocompat, ... */
	OPT_KVMTOOL_REFUSED, /* refused: kvmtool_refused[] says why */
};

/* kvmtool `run` options for what this VMM does not have: each is refused in
 * one line that says why (its argument, if any, is consumed first). */
static const struct {
	const char *name;
	const char *why;
} kvmtool_refused[] = {
    {"disk", "it has no virtio devices (no disks)"},
    {"9p", "it has no virtio devices (no 9p)"},
    {"balloon", "it has no virtio devices (no balloon)"},
    {"rng", "it has no virtio devices (no rng)"},
    {"vsock", "it has no virtio devices (no vsock)"},
    {"vhost", "it has no virtio devices (no vhost)"},
    {"virtio-transport", "it has no virtio devices"},
    {"shmem", "it has no PCI devices"},
    {"vfio-pci", "it has no PCI devices"},
    {"force-pci", "it has no PCI devices"},
    {"vnc", "it has no framebuffer"},
    {"gtk", "it has no framebuffer"},
    {"sdl", "it has no framebuffer"},
    {"tty", "the console is the 16550 UART on stdin/stdout"},
    {"sandbox", "it sets up no root filesystem"},
    {"hugetlbfs", "guest RAM is anonymous memory"},
    {"firmware", "it boots a kernel Image or flat binary, no firmware"},
    {"dev", "it always uses /dev/kvm"},
    {"aarch32", "it runs 64-bit guests only"},
    {"disable-mte", "it does not enable MTE"},
    {"vcpu-affinity", "it does not pin vCPU threads"},
    {"debug-single-step", "it has no debug hooks"},
    {"debug-ioport", "it has no debug hooks"},
    {"debug-mmio", "it has no debug hooks"},
    {"debug-iodelay", "it has no debug hooks"},
};

static const char *kvmtool_refused_why(const char *name)
{
	for (size_t i = 0; i < sizeof(kvmtool_refused) / sizeof(kvmtool_refused[0]); i++)
		if (!strcmp(name, kvmtool_refused[i].name))
			return kvmtool_refused[i].why;
	return NULL;
}

static const struct option boot_options[] = {
    {"cpus", required_argument, NULL, 'c'},
    {"mem", required_argument, NULL, 'm'},
    {"params", required_argument, NULL, 'p'},
    {"cmdline", required_argument, NULL, 'p'},
    {"initrd", required_argument, NULL, 'i'},
    {"psci", required_argument, NULL, OPT_PSCI},
    {"conduit", required_argument, NULL, OPT_CONDUIT},
    {"trace", no_argument, NULL, OPT_TRACE},
    {"trace-file", required_argument, NULL, OPT_TRACE_FILE},
    {"inject", required_argument, NULL, OPT_INJECT},
    {"dump-dtb", required_argument, NULL, OPT_DUMP_DTB},
    {"max-resets", required_argument, NULL, OPT_MAX_RESETS},
    {"max-cpus", required_argument, NULL, OPT_MAX_CPUS},
    {"control", required_argument, NULL, OPT_CONTROL},
    {"smccc-filter", required_argument, NULL, OPT_SMCCC_FILTER},
    {"smccc-services", required_argument, NULL, OPT_SMCCC_SERVICES},
    {"psci-version", required_argument, NULL, OPT_PSCI_VERSION},
    {"impl-cpus", required_argument, NULL, OPT_IMPL_CPUS},
    {"exit-stats", no_argument, NULL, OPT_EXIT_STATS},
    {"acpi", no_argument, NULL, OPT_ACPI},
    {"pmu", no_argument, NULL, OPT_PMU},
    {"help", no_argument, NULL, 'h'},
    /* kvmtool spellings, accepted by `vmm run` only */
    {"kernel", required_argument, NULL, 'k'},
    {"console", required_argument, NULL, OPT_CONSOLE},
    {"irqchip", required_argument, NULL, OPT_IRQCHIP},
    {"network", required_argument, NULL, OPT_NETWORK},
    {"loglevel", required_argument, NULL, OPT_LOGLEVEL},
    {"nodefaults", no_argument, NULL, OPT_NODEFAULTS},
    {"name", required_argument, NULL, OPT_KVMTOOL_IGNORED},
    {"nocompat", no_argument, NULL, OPT_KVMTOOL_IGNORED},
    {"no-dhcp", no_argument, NULL, OPT_KVMTOOL_IGNORED},
    {"debug", no_argument, NULL, OPT_KVMTOOL_IGNORED},
    {"disk", required_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"9p", required_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"balloon", no_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"rng", no_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"vsock", required_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"vhost", no_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"virtio-transport", required_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"shmem", required_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"vfio-pci", required_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"force-pci", no_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"vnc", no_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"gtk", no_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"sdl", no_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"tty", required_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"sandbox", required_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"hugetlbfs", required_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"firmware", required_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"dev", required_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"aarch32", no_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"disable-mte", no_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"vcpu-affinity", required_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"debug-single-step", no_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"debug-ioport", no_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"debug-mmio", no_argument, NULL, OPT_KVMTOOL_REFUSED},
    {"debug-iodelay", required_argument, NULL, OPT_KVMTOOL_REFUSED},
    {NULL, 0, NULL, 0},
};

/* The options from OPT_CONSOLE on are kvmtool's spellings. */
static bool kvmtool_only(int opt)
{
	return opt == 'k' || opt >= OPT_CONSOLE;
}

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return CLI_ERROR;                                                                  \
	} while (0)

enum cli_result cli_parse_boot(int argc, char **argv, bool kvmtool_spelling, struct vmm_config *cfg,
			       char *err, size_t errlen)
{
	/* kvmtool's short forms: -k kernel, -n network, -d disk, -f firmware */
	const char *shortopts = kvmtool_spelling ? ":c:m:p:i:k:n:d:f:h" : ":c:m:p:i:h";
	int opt, idx;

	memset(cfg, 0, sizeof(*cfg));
	cfg->nr_cpus = 1;
	cfg->ram_size = VMM_DEFAULT_RAM;
	cfg->max_resets = 100;
	cfg->psci_mode = PSCI_MODE_USER;
	cfg->conduit = SMCCC_CONDUIT_HVC;

	optind = 0; /* GNU getopt: full re-initialisation, so we can parse twice */
	opterr = 0;
	for (;;) {
		char name[40];
		const char *arg;

		idx = -1;
		opt = getopt_long(argc, argv, shortopts, boot_options, &idx);
		if (opt == -1)
			break;
		arg = optarg;
		/* Name the option as the user spelled it, not its argument. */
		if (idx >= 0)
			snprintf(name, sizeof(name), "--%s", boot_options[idx].name);
		else if (opt > 0 && opt < 0x100 && opt != '?' && opt != ':')
			snprintf(name, sizeof(name), "-%c", opt);
		else
			snprintf(name, sizeof(name), "%.39s", argv[optind - 1]);

		/* kvmtool's options for what we lack are no options of `vmm boot`. */
		if (opt == OPT_KVMTOOL_REFUSED && !kvmtool_spelling)
			FAIL("unknown option '%s' (see vmm boot --help)", name);
		if (kvmtool_only(opt) && !kvmtool_spelling)
			FAIL("option '%s' is only accepted by `vmm run` (kvmtool spelling)", name);
		switch (opt) {
		case 'c':
			if (parse_uint(arg, VMM_MAX_CPUS, &cfg->nr_cpus) || cfg->nr_cpus == 0)
				FAIL("--cpus: '%s' is not a vCPU count from 1 to %d", arg,
				     VMM_MAX_CPUS);
			break;
		case 'm':
			if (cli_parse_size(arg, &cfg->ram_size))
				FAIL("--mem: '%s' is not a size (e.g. 256M, 1G; a bare number is "
				     "MiB)",
				     arg);
			if (cfg->ram_size < VMM_MIN_RAM)
				FAIL("--mem: %s is too small (at least %lluM)", arg,
				     VMM_MIN_RAM >> 20);
			if (cfg->ram_size > VMM_MAX_RAM)
				FAIL("--mem: %s is too large (at most %lluG)", arg,
				     VMM_MAX_RAM >> 30);
			if (cfg->ram_size & 0xfff)
				FAIL("--mem: %s is not a multiple of 4K", arg);
			break;
		case 'p':
			cfg->cmdline = arg;
			break;
		case 'i':
			cfg->initrd = arg;
			break;
		case 'k':
			if (cfg->image)
				FAIL("more than one kernel image given ('%s' and '%s')", cfg->image,
				     arg);
			cfg->image = arg;
			break;
		case OPT_PSCI:
			if (!strcmp(arg, "user"))
				cfg->psci_mode = PSCI_MODE_USER;
			else if (!strcmp(arg, "kernel"))
				cfg->psci_mode = PSCI_MODE_KERNEL;
			else
				FAIL("--psci: '%s' is not 'user' or 'kernel'", arg);
			break;
		case OPT_CONDUIT:
			if (!strcmp(arg, "hvc"))
				cfg->conduit = SMCCC_CONDUIT_HVC;
			else if (!strcmp(arg, "smc"))
				cfg->conduit = SMCCC_CONDUIT_SMC;
			else
				FAIL("--conduit: '%s' is not 'hvc' or 'smc'", arg);
			break;
		case OPT_TRACE:
			cfg->trace = true;
			break;
		case OPT_TRACE_FILE:
			if (!*arg)
				FAIL("--trace-file: empty path");
			cfg->trace_file = arg;
			break;
		case OPT_INJECT: {
			struct inject_rule rule;

			if (cfg->nr_injects == CLI_MAX_INJECTS)
				FAIL("--inject: at most %d rules", CLI_MAX_INJECTS);
			if (inject_parse(arg, &rule, err, errlen))
				return CLI_ERROR;
			cfg->injects[cfg->nr_injects++] = arg;
			break;
		}
		case OPT_DUMP_DTB:
			cfg->dump_dtb = arg;
			break;
		case OPT_MAX_RESETS:
			if (parse_uint(arg, 1000000, &cfg->max_resets))
				FAIL("--max-resets: '%s' is not a number from 0 to 1000000", arg);
			break;
		case OPT_MAX_CPUS:
			if (parse_uint(arg, VMM_MAX_CPUS, &cfg->max_cpus) || cfg->max_cpus == 0)
				FAIL("--max-cpus: '%s' is not a vCPU count from 1 to %d", arg,
				     VMM_MAX_CPUS);
			break;
		case OPT_CONTROL:
			if (!*arg || strlen(arg) >= 108)
				FAIL("--control: '%s' is not a usable socket path (1 to 107 bytes)",
				     arg);
			cfg->control = arg;
			break;
		case OPT_SMCCC_FILTER:
			if (cfg->nr_filters == CLI_MAX_FILTERS)
				FAIL("--smccc-filter: at most %d ranges", CLI_MAX_FILTERS);
			if (cli_parse_filter(arg, &cfg->filters[cfg->nr_filters], err, errlen))
				return CLI_ERROR;
			cfg->nr_filters++;
			break;
		case OPT_SMCCC_SERVICES:
			if (cli_parse_services(arg, &cfg->services, err, errlen))
				return CLI_ERROR;
			cfg->services_set = true;
			break;
		case OPT_PSCI_VERSION:
			if (cli_parse_psci_version(arg, &cfg->psci_version, err, errlen))
				return CLI_ERROR;
			break;
		case OPT_IMPL_CPUS:
			if (cli_parse_impl_cpus(arg, cfg->impl_cpus, CLI_MAX_IMPL_CPUS,
						&cfg->nr_impl_cpus, err, errlen))
				return CLI_ERROR;
			break;
		case OPT_ACPI:
			cfg->acpi = true;
			break;
		case OPT_PMU:
			cfg->pmu = true;
			break;
		case OPT_EXIT_STATS:
			cfg->exit_stats = true;
			break;
		case OPT_CONSOLE:
			if (strcmp(arg, "serial"))
				FAIL("--console: '%s' is not supported by this VMM: only 'serial' "
				     "(a 16550 UART)",
				     arg);
			break;
		case OPT_IRQCHIP:
			if (strcmp(arg, "gicv3"))
				FAIL("--irqchip: '%s' is not supported by this VMM: only 'gicv3' "
				     "(no GICv2, no ITS)",
				     arg);
			break;
		case 'n':
		case OPT_NETWORK:
			if (strcmp(arg, "mode=none") && strcmp(arg, "none"))
				FAIL("--network: '%s' is not supported by this VMM: it has no "
				     "network devices (only 'mode=none')",
				     arg);
			break;
		case OPT_KVMTOOL_IGNORED:
			break;
		case 'd':
		case 'f':
		case OPT_KVMTOOL_REFUSED:
			FAIL("kvmtool option '%s' is not supported by this VMM: %s",
			     opt == 'd'	  ? "--disk"
			     : opt == 'f' ? "--firmware"
					  : name,
			     kvmtool_refused_why(opt == 'd'   ? "disk"
						 : opt == 'f' ? "firmware"
							      : boot_options[idx].name));
		case OPT_LOGLEVEL:
			if (strcmp(arg, "error") && strcmp(arg, "warning") && strcmp(arg, "info") &&
			    strcmp(arg, "debug"))
				FAIL("--loglevel: '%s' is not error, warning, info or debug", arg);
			break;
		case OPT_NODEFAULTS: /* we have no default devices to drop */
			break;
		case 'h':
			return CLI_HELP;
		case ':':
			FAIL("option '%s' needs an argument", name);
		case '?':
		default:
			if (optopt && optopt < 0x100)
				FAIL("unknown option '-%c' (see vmm boot --help)", optopt);
			FAIL("unknown option '%s' (see vmm boot --help)", name);
		}
	}
	for (; optind < argc; optind++) {
		if (cfg->image)
			FAIL("unexpected argument '%s' (the image is '%s')", argv[optind],
			     cfg->image);
		cfg->image = argv[optind];
	}
	if (cfg->psci_version && cfg->psci_mode != PSCI_MODE_KERNEL)
		FAIL("--psci-version sets KVM's in-kernel PSCI: it needs --psci kernel");
	if (!cfg->services_set)
		cfg->services = CLI_SVC_ALL;
	if (cfg->max_cpus == 0)
		cfg->max_cpus = cfg->nr_cpus;
	if (cfg->max_cpus < cfg->nr_cpus)
		FAIL("--max-cpus %u is less than --cpus %u", cfg->max_cpus, cfg->nr_cpus);
	/* KVM's in-kernel PSCI knows nothing of absent vCPUs: it would start them. */
	if (cfg->max_cpus != cfg->nr_cpus && cfg->psci_mode == PSCI_MODE_KERNEL)
		FAIL("--max-cpus (vCPU hotplug) needs --psci user: KVM's in-kernel PSCI would "
		     "start absent vCPUs");
	for (unsigned int i = 0; i < cfg->nr_injects; i++) {
		struct inject_rule rule;

		inject_parse(cfg->injects[i], &rule, err, errlen);
		if (rule.cpu != INJECT_ANY_CPU && (unsigned int)rule.cpu >= cfg->max_cpus)
			FAIL("--inject '%s': cpu=%d, but the vCPUs are 0-%u", cfg->injects[i],
			     rule.cpu, cfg->max_cpus - 1);
		/* In-kernel PSCI answers PSCI calls before the VMM could see them. */
		if (cfg->psci_mode == PSCI_MODE_KERNEL &&
		    ((rule.fid[0] & ~(PSCI_FN_RANGE_SIZE - 1)) == PSCI_0_2_FN_BASE ||
		     (rule.fid[0] & ~(PSCI_FN_RANGE_SIZE - 1)) == PSCI_0_2_FN64_BASE))
			FAIL("--inject '%s': PSCI calls reach the VMM only with --psci user",
			     cfg->injects[i]);
	}
	if (!cfg->image)
		FAIL(kvmtool_spelling ? "no kernel image given (-k IMAGE)"
				      : "no image given (vmm boot IMAGE)");
	return CLI_OK;
}

void cli_file_error(char *buf, size_t len, bool kvmtool_spelling, enum cli_file_kind kind,
		    enum cli_file_problem problem, const char *path, int err, uint64_t size,
		    uint64_t limit)
{
	const char *what = kind == CLI_FILE_KERNEL ? "kernel" : "initrd";
	char reason[128];

	switch (problem) {
	case CLI_FILE_OPEN:
		snprintf(reason, sizeof(reason), "%s", strerror(err));
		break;
	case CLI_FILE_NOT_REGULAR:
		snprintf(reason, sizeof(reason), "not a regular file");
		break;
	case CLI_FILE_TOO_LARGE:
		snprintf(reason, sizeof(reason),
			 "%" PRIu64 " bytes, larger than guest RAM (%" PRIu64 " bytes)", size,
			 limit);
		break;
	case CLI_FILE_READ:
		snprintf(reason, sizeof(reason), "%s", err ? strerror(err) : "short read");
		break;
	case CLI_FILE_EMPTY:
	default:
		snprintf(reason, sizeof(reason), "empty");
		break;
	}
	if (!kvmtool_spelling) {
		/* `vmm boot` has always called the kernel "image". */
		snprintf(buf, len, "vmm: %s '%s': %s", kind == CLI_FILE_KERNEL ? "image" : "initrd",
			 path, reason);
		return;
	}
	/* kvmtool's die(): "  Fatal: " and its sentences (kvm.c, arm/kvm.c). */
	if (problem == CLI_FILE_OPEN)
		snprintf(buf, len, "  Fatal: Unable to open %s %s (%s)", what, path, reason);
	else if (problem == CLI_FILE_TOO_LARGE)
		snprintf(buf, len, "  Fatal: %s too big to contain in guest memory. (%s: %s)", what,
			 path, reason);
	else if (kind == CLI_FILE_KERNEL)
		snprintf(buf, len, "  Fatal: %s is not a valid kernel image (%s)", path, reason);
	else
		snprintf(buf, len, "  Fatal: %s is not an initrd (%s)", path, reason);
}
