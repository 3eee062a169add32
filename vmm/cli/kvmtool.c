/*
 * kvmtool's spellings, so that scripts written for `lkvm run` drive
 * `vmm run` unchanged: the options it honours (-k/--kernel, --console
 * serial, -n/--network none, --loglevel, --nodefaults; --name, --pmu and
 * --irqchip gicv3|gicv3-its are `vmm boot`'s own options, so both honour
 * them), those it ignores
 * (--nocompat, --no-dhcp, --debug), and those for
 * what this VMM does not have, each refused in one line saying why (its
 * argument is consumed first, so it is never taken for the image). Also
 * kvmtool's wording for a kernel or initrd it cannot use, which wrappers
 * match to tell a missing kernel from a failed guest. Pure.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "vmm/cli/option_table.h"

static enum cli_result apply_kernel(const char *arg, struct vmm_config *cfg, char *err,
				    size_t errlen)
{
	if (cfg->image)
		CLI_FAIL("more than one kernel image given ('%s' and '%s')", cfg->image, arg);
	cfg->image = arg;
	return CLI_OK;
}

/* The values of kvmtool's options that this VMM has. */
static const char *const consoles[] = {"serial", NULL};
static const char *const networks[] = {"mode=none", "none", NULL};

static enum cli_result apply_loglevel(const char *arg, struct vmm_config *cfg, char *err,
				      size_t errlen)
{
	static const char *const levels[] = {"error", "warning", "info", "debug", NULL};

	(void)cfg;
	if (!cli_in_list(arg, levels))
		CLI_FAIL("--loglevel: '%s' is not error, warning, info or debug", arg);
	return CLI_OK;
}

#define REFUSED(name_, short_, has_arg_, why_)                                                     \
	{                                                                                          \
		.name = name_, .short_name = short_, .has_arg = has_arg_, .kind = CLI_OPT_REFUSED, \
		.why = why_                                                                        \
	}
#define IGNORED(name_, has_arg_)                                                                   \
	{                                                                                          \
		.name = name_, .has_arg = has_arg_, .kind = CLI_OPT_KVMTOOL,                       \
		.apply = cli_apply_nothing                                                         \
	}
/* Honoured with the values this VMM has, any other refused saying why. */
#define ONLY(name_, short_, values, why_)                                                          \
	{                                                                                          \
		.name = name_, .short_name = short_, .has_arg = true, .kind = CLI_OPT_KVMTOOL,     \
		.apply = cli_apply_nothing, .why = why_, .only = values                            \
	}

const struct cli_option cli_kvmtool_options[CLI_NR_KVMTOOL_OPTIONS] = {
    {.name = "kernel",
     .short_name = 'k',
     .has_arg = true,
     .kind = CLI_OPT_KVMTOOL,
     .apply = apply_kernel},
    ONLY("console", 0, consoles, "only 'serial' (a 16550 UART)"),
    ONLY("network", 'n', networks, "it has no network devices (only 'mode=none')"),
    {.name = "loglevel", .has_arg = true, .kind = CLI_OPT_KVMTOOL, .apply = apply_loglevel},
    /* we have no default devices to drop */
    IGNORED("nodefaults", false),
    IGNORED("nocompat", false),
    IGNORED("no-dhcp", false),
    IGNORED("debug", false),
    REFUSED("disk", 'd', true, "it has no virtio devices (no disks)"),
    REFUSED("9p", 0, true, "it has no virtio devices (no 9p)"),
    REFUSED("balloon", 0, false, "it has no virtio devices (no balloon)"),
    REFUSED("rng", 0, false, "it has no virtio devices (no rng)"),
    REFUSED("vsock", 0, true, "it has no virtio devices (no vsock)"),
    REFUSED("vhost", 0, false, "it has no virtio devices (no vhost)"),
    REFUSED("virtio-transport", 0, true, "it has no virtio devices"),
    REFUSED("shmem", 0, true, "it has no PCI devices"),
    REFUSED("vfio-pci", 0, true, "it has no PCI devices"),
    REFUSED("force-pci", 0, false, "it has no PCI devices"),
    REFUSED("vnc", 0, false, "it has no framebuffer"),
    REFUSED("gtk", 0, false, "it has no framebuffer"),
    REFUSED("sdl", 0, false, "it has no framebuffer"),
    REFUSED("tty", 0, true, "the console is the 16550 UART on stdin/stdout"),
    REFUSED("hugetlbfs", 0, true, "guest RAM is anonymous memory"),
    REFUSED("firmware", 'f', true, "it boots a kernel Image or flat binary, no firmware"),
    REFUSED("dev", 0, true, "it always uses /dev/kvm"),
    REFUSED("aarch32", 0, false, "it runs 64-bit guests only"),
    REFUSED("disable-mte", 0, false, "it does not enable MTE"),
    REFUSED("vcpu-affinity", 0, true, "it does not pin vCPU threads"),
    REFUSED("debug-single-step", 0, false, "it has no debug hooks"),
    REFUSED("debug-ioport", 0, false, "it has no debug hooks"),
    REFUSED("debug-mmio", 0, false, "it has no debug hooks"),
    REFUSED("debug-iodelay", 0, true, "it has no debug hooks"),
};

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
