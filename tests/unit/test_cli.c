/*
 * Unit tests of the command line (vmm/cli/cli.c): `vmm boot` and its kvmtool
 * spelling `vmm run`, every option in its short and long form, the refusals
 * (each must name what was wrong) and the size parser.
 */
#define CHECK_FILE "cli"
#include "tests/unit/check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/cli/cli.h"
#include "vmm/cli/number.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_ARGS      32

/* A writable argv (getopt permutes it); the config points into it. */
struct args {
	int argc;
	char *argv[MAX_ARGS + 1];
	char store[MAX_ARGS][256];
};

/* Parse "boot"/"run" followed by the NULL-terminated arguments. */
static enum cli_result parse(struct args *a, bool run, struct vmm_config *cfg, char *err,
			     size_t errlen, ...)
{
	const char *s;
	va_list ap;

	memset(a, 0, sizeof(*a));
	snprintf(a->store[0], sizeof(a->store[0]), "%s", run ? "run" : "boot");
	a->argv[0] = a->store[0];
	a->argc = 1;
	va_start(ap, errlen);
	while ((s = va_arg(ap, const char *)) != NULL && a->argc < MAX_ARGS) {
		snprintf(a->store[a->argc], sizeof(a->store[0]), "%s", s);
		a->argv[a->argc] = a->store[a->argc];
		a->argc++;
	}
	va_end(ap);
	a->argv[a->argc] = NULL;
	err[0] = '\0';
	return cli_parse_boot(a->argc, a->argv, run, cfg, err, errlen);
}

/* What BOOT and RUNK parse into: one set for the whole file, as every
 * parse starts afresh. */
static struct args a;
static struct vmm_config cfg;
static char err[256];

#define BOOT(...) parse(&a, false, &cfg, err, sizeof(err), __VA_ARGS__, (const char *)NULL)
#define RUNK(...) parse(&a, true, &cfg, err, sizeof(err), __VA_ARGS__, (const char *)NULL)

static bool mentions(const char *msg, const char *needle)
{
	if (!strstr(msg, needle)) {
		printf("  error \"%s\" does not mention \"%s\"\n", msg, needle);
		return false;
	}
	return true;
}

/* The parse failed with a message naming needle (and, if given, needle2). */
static void expect_error(enum cli_result r, const char *msg, const char *needle,
			 const char *needle2)
{
	CHECK_EQ(r, CLI_ERROR);
	CHECK(msg[0] != '\0');
	CHECK(strchr(msg, '\n') == NULL); /* one line */
	if (needle)
		CHECK(mentions(msg, needle));
	if (needle2)
		CHECK(mentions(msg, needle2));
}

/* ---- boot: success paths ---- */

TEST(boot_defaults)
{
	CHECK_EQ(BOOT("guest.img"), CLI_OK);
	CHECK_STR(cfg.image, "guest.img");
	CHECK_EQ(cfg.nr_cpus, 1);
	CHECK_EQ(cfg.max_cpus, 1);
	CHECK_EQ(cfg.ram_size, 256ULL << 20);
	CHECK_EQ(cfg.psci_mode, PSCI_MODE_USER);
	CHECK_EQ(cfg.conduit, SMCCC_CONDUIT_HVC);
	CHECK(!cfg.trace);
	CHECK(cfg.initrd == NULL);
	CHECK(cfg.cmdline == NULL);
	CHECK(cfg.dump_dtb == NULL);
	CHECK(cfg.control == NULL);
	CHECK_EQ(cfg.max_resets, 100);
}

TEST(boot_short_options)
{
	CHECK_EQ(BOOT("-c", "4", "-m", "1G", "-p", "console=ttyS0 earlycon", "-i", "initrd.cpio",
		      "Image"),
		 CLI_OK);
	CHECK_STR(cfg.image, "Image");
	CHECK_EQ(cfg.nr_cpus, 4);
	CHECK_EQ(cfg.ram_size, 1ULL << 30);
	CHECK_STR(cfg.cmdline, "console=ttyS0 earlycon");
	CHECK_STR(cfg.initrd, "initrd.cpio");
	/* attached values */
	CHECK_EQ(BOOT("-c8", "-m512", "Image"), CLI_OK);
	CHECK_EQ(cfg.nr_cpus, 8);
	CHECK_EQ(cfg.ram_size, 512ULL << 20);
}

/* KVM's in-kernel PSCI would start an "absent" vCPU: hotplug needs user mode. */
TEST(kernel_psci_refuses_hotplug)
{
	CHECK_EQ(BOOT("-c", "2", "--max-cpus", "4", "--psci", "kernel", "Image"), CLI_ERROR);
	CHECK(strstr(err, "--max-cpus (vCPU hotplug) needs --psci user") != NULL);
	CHECK_EQ(BOOT("-c", "2", "--max-cpus", "4", "Image"), CLI_OK);
	CHECK_EQ(cfg.max_cpus, 4);
}

TEST(boot_long_options)
{
	CHECK_EQ(BOOT("--cpus", "8", "--mem", "512M", "--params", "quiet", "--initrd", "rd",
		      "--psci", "kernel", "--conduit", "smc", "--trace", "--dump-dtb", "out.dtb",
		      "--max-resets", "7", "--max-cpus", "8", "--control", "/tmp/vmm.sock",
		      "Image"),
		 CLI_OK);
	CHECK_STR(cfg.image, "Image");
	CHECK_EQ(cfg.nr_cpus, 8);
	CHECK_EQ(cfg.max_cpus, 8);
	CHECK_EQ(cfg.ram_size, 512ULL << 20);
	CHECK_STR(cfg.cmdline, "quiet");
	CHECK_STR(cfg.initrd, "rd");
	CHECK_EQ(cfg.psci_mode, PSCI_MODE_KERNEL);
	CHECK_EQ(cfg.conduit, SMCCC_CONDUIT_SMC);
	CHECK(cfg.trace);
	CHECK_STR(cfg.dump_dtb, "out.dtb");
	CHECK_EQ(cfg.max_resets, 7);
	CHECK_STR(cfg.control, "/tmp/vmm.sock");
	/* --opt=value, the --cmdline alias, the other values */
	CHECK_EQ(BOOT("--cpus=3", "--mem=2G", "--cmdline=rdinit=/init", "--psci=user",
		      "--conduit=hvc", "--max-resets=0", "Image"),
		 CLI_OK);
	CHECK_EQ(cfg.nr_cpus, 3);
	CHECK_EQ(cfg.max_cpus, 3);
	CHECK_EQ(cfg.ram_size, 2ULL << 30);
	CHECK_STR(cfg.cmdline, "rdinit=/init");
	CHECK_EQ(cfg.psci_mode, PSCI_MODE_USER);
	CHECK_EQ(cfg.conduit, SMCCC_CONDUIT_HVC);
	CHECK_EQ(cfg.max_resets, 0);
}

TEST(boot_image_anywhere_among_options)
{
	CHECK_EQ(BOOT("img", "-c", "2", "--trace"), CLI_OK);
	CHECK_STR(cfg.image, "img");
	CHECK_EQ(cfg.nr_cpus, 2);
	CHECK(cfg.trace);
	CHECK_EQ(BOOT("-c", "2", "img", "-m", "64M"), CLI_OK);
	CHECK_STR(cfg.image, "img");
	CHECK_EQ(cfg.ram_size, 64ULL << 20);
	CHECK_EQ(BOOT("-m", "64M", "--trace", "img"), CLI_OK);
	CHECK_STR(cfg.image, "img");
	/* after "--", a name that looks like an option */
	CHECK_EQ(BOOT("-c", "2", "--", "-odd-name"), CLI_OK);
	CHECK_STR(cfg.image, "-odd-name");
}

TEST(boot_cpu_and_mem_limits_accepted)
{
	CHECK_EQ(BOOT("-c", "512", "img"), CLI_OK);
	CHECK_EQ(cfg.nr_cpus, 512);
	CHECK_EQ(BOOT("-m", "4M", "img"), CLI_OK);
	CHECK_EQ(cfg.ram_size, 4ULL << 20);
	CHECK_EQ(BOOT("-m", "256G", "img"), CLI_OK);
	CHECK_EQ(cfg.ram_size, 256ULL << 30);
}

TEST(parsing_twice_starts_afresh)
{
	CHECK_EQ(BOOT("-c", "4", "--trace", "one"), CLI_OK);
	CHECK_EQ(BOOT("two"), CLI_OK);
	CHECK_STR(cfg.image, "two");
	CHECK_EQ(cfg.nr_cpus, 1);
	CHECK(!cfg.trace);
	/* an error half-way through does not poison the next parse */
	CHECK_EQ(BOOT("-c", "2", "--bogus", "x"), CLI_ERROR);
	CHECK_EQ(BOOT("-m", "1G", "three"), CLI_OK);
	CHECK_STR(cfg.image, "three");
	CHECK_EQ(cfg.ram_size, 1ULL << 30);
}

/* --pmu: both spellings, off by default. */
TEST(pmu_option)
{
	CHECK_EQ(BOOT("img"), CLI_OK);
	CHECK(!cfg.pmu);
	CHECK_EQ(BOOT("--pmu", "img"), CLI_OK);
	CHECK(cfg.pmu);
	CHECK_EQ(RUNK("-k", "img", "--pmu"), CLI_OK);
	CHECK(cfg.pmu);
	expect_error(BOOT("--pmu=yes", "img"), err, "--pmu", NULL);
	CHECK(strstr(cli_boot_usage, "--pmu") != NULL);
}

/* --irqchip: gicv3 (the default) or gicv3-its, for both commands; anything
 * else one line naming the value. */
TEST(irqchip_gicv3_its_asks_for_an_its_in_boot_and_run)
{
	CHECK_EQ(BOOT("img"), CLI_OK);
	CHECK(!cfg.its);
	CHECK_EQ(BOOT("img", "--irqchip", "gicv3"), CLI_OK);
	CHECK(!cfg.its);
	CHECK_EQ(BOOT("img", "--irqchip", "gicv3-its"), CLI_OK);
	CHECK(cfg.its);
	CHECK_EQ(BOOT("img", "--irqchip=gicv3-its", "--irqchip", "gicv3"), CLI_OK);
	CHECK(!cfg.its);
	CHECK_EQ(RUNK("-k", "img", "--irqchip=gicv3-its"), CLI_OK);
	CHECK(cfg.its);
	CHECK_EQ(RUNK("-k", "img", "--irqchip", "gicv3"), CLI_OK);
	CHECK(!cfg.its);
	expect_error(BOOT("img", "--irqchip", "gicv2"), err, "--irqchip", "'gicv2'");
	expect_error(BOOT("img", "--irqchip", "GICV3-ITS"), err, "--irqchip", "'GICV3-ITS'");
	expect_error(BOOT("img", "--irqchip", ""), err, "--irqchip", "''");
	expect_error(BOOT("img", "--irqchip"), err, "--irqchip", "needs an argument");
	CHECK(strchr(err, '\n') == NULL);
	CHECK(strstr(cli_boot_usage, "--irqchip CHIP") != NULL);
}

/* --sandbox MODE (on by default, for both commands; kvmtool's script is
 * refused as a value) and --snapshot-dir DIR. */
TEST(sandbox_and_snapshot_dir_options)
{
	static const struct {
		const char *word;
		enum sandbox_mode mode;
	} modes[] = {{"on", SANDBOX_ON},
		     {"log", SANDBOX_LOG},
		     {"off", SANDBOX_OFF},
		     {"strict", SANDBOX_STRICT}};

	CHECK_EQ(BOOT("img"), CLI_OK);
	CHECK_EQ(cfg.sandbox, SANDBOX_ON);
	CHECK(cfg.snapshot_dir == NULL);
	CHECK_EQ(RUNK("-k", "img"), CLI_OK);
	CHECK_EQ(cfg.sandbox, SANDBOX_ON);
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		CHECK_EQ(BOOT("--sandbox", modes[i].word, "img"), CLI_OK);
		CHECK_EQ(cfg.sandbox, modes[i].mode);
		CHECK_EQ(RUNK("-k", "img", "--sandbox", modes[i].word), CLI_OK);
		CHECK_EQ(cfg.sandbox, modes[i].mode);
	}
	expect_error(BOOT("--sandbox", "kill", "img"), err, "--sandbox: 'kill'",
		     "on, log, off or strict");
	expect_error(RUNK("-k", "img", "--sandbox", "s.sh"), err, "--sandbox: 's.sh'",
		     "not supported by this VMM");
	expect_error(BOOT("img", "--sandbox"), err, "needs an argument", NULL);
	CHECK_EQ(BOOT("--snapshot-dir", "/srv/snaps", "img"), CLI_OK);
	CHECK_STR(cfg.snapshot_dir, "/srv/snaps");
	expect_error(BOOT("--snapshot-dir", "", "img"), err, "--snapshot-dir: empty path", NULL);
	CHECK(strstr(cli_boot_usage, "--sandbox MODE") != NULL);
	CHECK(strstr(cli_boot_usage, "--snapshot-dir DIR") != NULL);
}

/* ---- run: kvmtool spellings ---- */

TEST(run_accepts_kvmtool_spellings)
{
	CHECK_EQ(RUNK("-k", "Image", "--console", "serial", "--irqchip", "gicv3", "--network",
		      "mode=none", "--loglevel", "info", "--nodefaults", "-c", "2", "-m", "512",
		      "-p", "console=ttyS0"),
		 CLI_OK);
	CHECK_STR(cfg.image, "Image");
	CHECK_EQ(cfg.nr_cpus, 2);
	CHECK_EQ(cfg.ram_size, 512ULL << 20);
	CHECK_STR(cfg.cmdline, "console=ttyS0");
	CHECK_EQ(RUNK("--kernel", "Image", "--loglevel", "debug"), CLI_OK);
	CHECK_STR(cfg.image, "Image");
	CHECK_EQ(RUNK("--kernel=Image", "--network", "none", "--loglevel", "error"), CLI_OK);
	CHECK_STR(cfg.image, "Image");
	/* the boot options still work under run */
	CHECK_EQ(RUNK("-k", "Image", "--conduit", "smc", "--trace"), CLI_OK);
	CHECK_EQ(cfg.conduit, SMCCC_CONDUIT_SMC);
	CHECK(cfg.trace);
}

TEST(run_refuses_unsupported_kvmtool_values)
{
	expect_error(RUNK("-k", "I", "--console", "virtio"), err, "--console", "virtio");
	expect_error(RUNK("-k", "I", "--irqchip", "gicv2"), err, "--irqchip", "gicv2");
	expect_error(RUNK("-k", "I", "--network", "mode=user"), err, "--network", "mode=user");
	expect_error(RUNK("-k", "I", "--loglevel", "loud"), err, "--loglevel", "loud");
}

/* kvmtool options for what this VMM lacks: one line saying so, naming the
 * option; `vmm boot` does not know them at all. The ignored ones parse. */
TEST(run_refuses_kvmtool_options_it_cannot_honour)
{
	static const char *const refused[][2] = {
	    {"--disk", "d.img"},     {"-d", "d.img"},
	    {"--9p", "dir,tag"},     {"--balloon", NULL},
	    {"--vhost", NULL},	     {"--rng", NULL},
	    {"--vnc", NULL},	     {"--sdl", NULL},
	    {"--gtk", NULL},	     {"--vsock", "3"},
	    {"--vfio-pci", "0:1.0"}, {"--firmware", "fw.bin"},
	    {"-f", "fw.bin"},	     {"--hugetlbfs", "/h"},
	    {"--tty", "0"},	     {"--aarch32", NULL},
	    {"--dev", "/dev/kvm"},   {"--shmem", "0:1M"},
	    {"--force-pci", NULL},   {"--debug-single-step", NULL},
	};
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		const char *name = refused[i][0][1] == 'd'   ? "--disk"
				   : refused[i][0][1] == 'f' ? "--firmware"
							     : refused[i][0];
		enum cli_result r = refused[i][1] ? RUNK("-k", "I", refused[i][0], refused[i][1])
						  : RUNK("-k", "I", refused[i][0]);

		expect_error(r, err, name, "not supported by this VMM");
		r = refused[i][1] ? BOOT("I", refused[i][0], refused[i][1])
				  : BOOT("I", refused[i][0]);
		expect_error(r, err, "unknown option", NULL);
	}
	expect_error(RUNK("-k", "I", "--irqchip", "gicv2"), err,
		     "'gicv2' is not supported by this VMM", NULL);
	expect_error(RUNK("-k", "I", "--irqchip", "gicv4"), err,
		     "'gicv4' is not supported by this VMM", NULL);
	expect_error(RUNK("-k", "I", "--network", "mode=tap"), err,
		     "'mode=tap' is not supported by this VMM", NULL);
	expect_error(RUNK("-k", "I", "-n", "mode=user"), err, "not supported by this VMM",
		     "mode=user");
	expect_error(RUNK("-k", "I", "--console", "virtio"), err,
		     "'virtio' is not supported by this VMM", NULL);
	/* honoured or ignored */
	CHECK_EQ(RUNK("-k", "I", "--name", "guest-1", "--nocompat", "--no-dhcp", "--debug", "-n",
		      "none", "--irqchip", "gicv3", "--pmu", "--dump-dtb", "x.dtb"),
		 CLI_OK);
	CHECK(cfg.pmu);
	CHECK_STR(cfg.dump_dtb, "x.dtb");
	/* the refused option's argument is not taken for the image */
	expect_error(RUNK("--disk", "Image"), err, "--disk", NULL);
}

/* --name: both commands honour it (kvmtool's `lkvm run --name` too). */
TEST(name_is_honoured_by_boot_and_run)
{
	CHECK_EQ(BOOT("img", "--name", "web-1.test_A"), CLI_OK);
	CHECK_STR(cfg.name, "web-1.test_A");
	CHECK(cfg.control == NULL);
	CHECK_EQ(RUNK("-k", "I", "--name", "guest-1"), CLI_OK);
	CHECK_STR(cfg.name, "guest-1");
	CHECK_EQ(BOOT("img"), CLI_OK);
	CHECK(cfg.name == NULL);
}

TEST(name_refusals_are_one_line)
{
	expect_error(BOOT("img", "--name", "a/b"), err, "--name", "'a/b'");
	expect_error(BOOT("img", "--name", ".hidden"), err, "--name", "must not start with '.'");
	expect_error(BOOT("img", "--name", ""), err, "--name", "1 to 64");
	expect_error(BOOT("img", "--name", "x y"), err, "--name", "letters, digits");
	expect_error(BOOT("img", "--name",
			  "ab123456789012345678901234567890123456789012345678901234567890123"),
		     err, "--name", "1 to 64");
	/* Both place the socket: refused rather than one silently winning. */
	expect_error(BOOT("img", "--name", "a", "--control", "/tmp/s"), err, "--name", "--control");
	expect_error(RUNK("-k", "I", "--control", "/tmp/s", "--name", "a"), err, "--name",
		     "--control");
}

/* `vmm --help` is laid out as `lkvm --help`: wrappers grep for the banner. */
TEST(main_usage_follows_kvmtool_banner)
{
	static const char *const cmds[] = {"boot", "run", "ctl", "list", "info", "version"};
	char line[64];

	CHECK(strstr(cli_main_usage, "usage: vmm [--version] [--help] COMMAND [ARGS]\n") != NULL);
	CHECK(strstr(cli_main_usage, "\n The most commonly used vmm commands are:\n") != NULL);
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		snprintf(line, sizeof(line), "\n   %s ", cmds[i]);
		CHECK(mentions(cli_main_usage, line));
	}
	CHECK(strncmp(cli_version, "vmm version 0.1 (git ", 21) == 0);
	CHECK(strstr(cli_version, ")\n") != NULL);
}

/* A kernel or initrd that cannot be used: kvmtool's fatal wording under
 * `vmm run` (what kvm-unit-tests greps for), our own under `vmm boot`. */
TEST(file_errors_follow_each_spelling)
{
	char m[512];

	cli_file_error(m, sizeof(m), true, CLI_FILE_KERNEL, CLI_FILE_OPEN, "_NO_FILE_4Uhere_",
		       ENOENT, 0, 0);
	CHECK_STR(m, "  Fatal: Unable to open kernel _NO_FILE_4Uhere_ (No such file or directory)");
	cli_file_error(m, sizeof(m), true, CLI_FILE_INITRD, CLI_FILE_OPEN, "rd", EACCES, 0, 0);
	CHECK_STR(m, "  Fatal: Unable to open initrd rd (Permission denied)");
	cli_file_error(m, sizeof(m), true, CLI_FILE_KERNEL, CLI_FILE_NOT_REGULAR, "/tmp", 0, 0, 0);
	CHECK_STR(m, "  Fatal: /tmp is not a valid kernel image (not a regular file)");
	cli_file_error(m, sizeof(m), true, CLI_FILE_KERNEL, CLI_FILE_EMPTY, "e.img", 0, 0, 0);
	CHECK_STR(m, "  Fatal: e.img is not a valid kernel image (empty)");
	cli_file_error(m, sizeof(m), true, CLI_FILE_INITRD, CLI_FILE_READ, "rd", 0, 0, 0);
	CHECK_STR(m, "  Fatal: rd is not an initrd (short read)");
	cli_file_error(m, sizeof(m), true, CLI_FILE_INITRD, CLI_FILE_TOO_LARGE, "rd", 0, 100, 50);
	CHECK_STR(m, "  Fatal: initrd too big to contain in guest memory. (rd: 100 bytes, larger "
		     "than guest RAM (50 bytes))");
	cli_file_error(m, sizeof(m), false, CLI_FILE_KERNEL, CLI_FILE_OPEN, "x.img", ENOENT, 0, 0);
	CHECK_STR(m, "vmm: image 'x.img': No such file or directory");
	cli_file_error(m, sizeof(m), false, CLI_FILE_INITRD, CLI_FILE_NOT_REGULAR, "/tmp/f", 0, 0,
		       0);
	CHECK_STR(m, "vmm: initrd '/tmp/f': not a regular file");
	cli_file_error(m, sizeof(m), false, CLI_FILE_KERNEL, CLI_FILE_TOO_LARGE, "b.img", 0, 100,
		       50);
	CHECK_STR(m, "vmm: image 'b.img': 100 bytes, larger than guest RAM (50 bytes)");
	cli_file_error(m, sizeof(m), false, CLI_FILE_KERNEL, CLI_FILE_EMPTY, "e.img", 0, 0, 0);
	CHECK_STR(m, "vmm: image 'e.img': empty");
	/* one line, even cut short */
	cli_file_error(m, 16, true, CLI_FILE_KERNEL, CLI_FILE_OPEN, "a-long-path-name", ENOENT, 0,
		       0);
	CHECK_EQ(strlen(m), 15);
	CHECK(strchr(m, '\n') == NULL);
}

TEST(boot_refuses_kvmtool_spellings)
{
	expect_error(BOOT("-k", "Image"), err, "-k", NULL);
	expect_error(BOOT("--kernel", "Image"), err, "--kernel", NULL);
	expect_error(BOOT("img", "--console", "serial"), err, "--console", NULL);
	expect_error(BOOT("img", "--network", "mode=none"), err, "--network", NULL);
	expect_error(BOOT("img", "--loglevel", "info"), err, "--loglevel", NULL);
	expect_error(BOOT("img", "--nodefaults"), err, "--nodefaults", NULL);
}

TEST(help_is_not_an_error)
{
	CHECK_EQ(BOOT("--help"), CLI_HELP);
	CHECK_EQ(BOOT("-h"), CLI_HELP);
	CHECK_EQ(BOOT("img", "-c", "2", "--help"), CLI_HELP);
	CHECK_EQ(RUNK("--help"), CLI_HELP);
	CHECK(strstr(cli_boot_usage, "--cpus") != NULL);
}

/* ---- errors ---- */

TEST(cpus_out_of_range_or_malformed)
{
	expect_error(BOOT("-c", "0", "img"), err, "--cpus", "'0'");
	expect_error(BOOT("-c", "513", "img"), err, "--cpus", "513");
	expect_error(BOOT("-c", "abc", "img"), err, "--cpus", "abc");
	expect_error(BOOT("-c", "-1", "img"), err, "--cpus", "-1");
	expect_error(BOOT("-c", "4x", "img"), err, "--cpus", "4x");
	expect_error(BOOT("-c", "99999999999999999999", "img"), err, "--cpus", NULL);
	expect_error(BOOT("--cpus=", "img"), err, "--cpus", NULL);
}

TEST(mem_too_small)
{
	expect_error(BOOT("-m", "1K", "img"), err, "--mem", "small");
	expect_error(BOOT("-m", "4095K", "img"), err, "--mem", "small");
	expect_error(BOOT("-m", "0", "img"), err, "--mem", "small");
}

TEST(mem_malformed)
{
	expect_error(BOOT("-m", "1x", "img"), err, "--mem", "1x");
	expect_error(BOOT("-m", "", "img"), err, "--mem", NULL);
	expect_error(BOOT("-m", "G", "img"), err, "--mem", NULL);
}

TEST(mem_too_large)
{
	expect_error(BOOT("-m", "300G", "img"), err, "--mem", "large");
	expect_error(BOOT("-m", "257G", "img"), err, "--mem", "large");
	expect_error(BOOT("-m", "1T", "img"), err, "--mem", "large");
}

TEST(mem_not_page_multiple)
{
	expect_error(BOOT("-m", "4097K", "img"), err, "--mem", "4097K");
}

TEST(unknown_options)
{
	expect_error(BOOT("img", "--bogus"), err, "--bogus", NULL);
	expect_error(BOOT("img", "--bogus=1"), err, "--bogus", NULL);
	expect_error(BOOT("img", "-x"), err, "-x", NULL);
	expect_error(RUNK("-k", "img", "-z"), err, "-z", NULL);
}

TEST(missing_option_argument)
{
	expect_error(BOOT("img", "-c"), err, "-c", NULL);
	expect_error(BOOT("img", "--mem"), err, "--mem", NULL);
	expect_error(BOOT("img", "--psci"), err, "--psci", NULL);
	expect_error(RUNK("-k"), err, "-k", NULL);
}

TEST(two_images)
{
	expect_error(BOOT("first.img", "second.img"), err, "first.img", "second.img");
	expect_error(BOOT("first.img", "-c", "2", "second.img"), err, "first.img", "second.img");
	expect_error(RUNK("-k", "first.img", "-k", "second.img"), err, "first.img", "second.img");
	expect_error(RUNK("-k", "first.img", "second.img"), err, "first.img", "second.img");
}

TEST(no_image)
{
	expect_error(parse(&a, false, &cfg, err, sizeof(err), (const char *)NULL), err, "image",
		     NULL);
	expect_error(BOOT("-c", "2", "--trace"), err, "image", NULL);
	expect_error(RUNK("-c", "2"), err, "image", NULL);
}

TEST(psci_mode_bogus)
{
	expect_error(BOOT("img", "--psci", "bogus"), err, "--psci", "bogus");
	expect_error(BOOT("img", "--psci", "User"), err, "--psci", "User");
}

TEST(conduit_bogus)
{
	expect_error(BOOT("img", "--conduit", "bogus"), err, "--conduit", "bogus");
	expect_error(BOOT("img", "--conduit", "svc"), err, "--conduit", "svc");
}

TEST(max_resets_out_of_range)
{
	expect_error(BOOT("img", "--max-resets", "-1"), err, "--max-resets", "-1");
	expect_error(BOOT("img", "--max-resets", "1000001"), err, "--max-resets", "1000001");
	CHECK_EQ(BOOT("img", "--max-resets", "1000000"), CLI_OK);
	CHECK_EQ(cfg.max_resets, 1000000);
}

TEST(max_cpus_below_cpus_or_out_of_range)
{
	expect_error(BOOT("img", "-c", "4", "--max-cpus", "2"), err, "--max-cpus", NULL);
	expect_error(BOOT("img", "--max-cpus", "0"), err, "--max-cpus", "'0'");
	expect_error(BOOT("img", "--max-cpus", "513"), err, "--max-cpus", "513");
	CHECK_EQ(BOOT("img", "--max-cpus", "8", "-c", "4"), CLI_OK);
	CHECK_EQ(cfg.nr_cpus, 4);
	CHECK_EQ(cfg.max_cpus, 8);
}

TEST(control_path_length)
{
	char path[120];

	memset(path, 'p', sizeof(path));
	path[0] = '/';
	path[108] = '\0'; /* 108 bytes: one too many for sun_path */
	expect_error(BOOT("img", "--control", path), err, "--control", NULL);
	expect_error(BOOT("img", "--control", ""), err, "--control", NULL);
	path[107] = '\0';
	CHECK_EQ(BOOT("img", "--control", path), CLI_OK);
	CHECK_STR(cfg.control, path);
}

/* ---- --smccc-filter, --smccc-services, --psci-version, --impl-cpus ---- */

TEST(filter_forms)
{
	struct cli_filter f;

	CHECK_EQ(cli_parse_filter("0x86000000:forward", &f, err, sizeof(err)), 0);
	CHECK_EQ(f.base, 0x86000000U);
	CHECK_EQ(f.nr, 1);
	CHECK_EQ(f.action, SMCCC_FILTER_FWD_TO_USER);
	CHECK_EQ(cli_parse_filter("0x86000000-0x8600000f:deny", &f, err, sizeof(err)), 0);
	CHECK_EQ(f.base, 0x86000000U);
	CHECK_EQ(f.nr, 16); /* END is inclusive */
	CHECK_EQ(f.action, SMCCC_FILTER_DENY);
	CHECK_EQ(cli_parse_filter("0x86000000+16:handle", &f, err, sizeof(err)), 0);
	CHECK_EQ(f.base, 0x86000000U);
	CHECK_EQ(f.nr, 16);
	CHECK_EQ(f.action, SMCCC_FILTER_HANDLE);
	CHECK_EQ(cli_parse_filter("2248146944+0x10:deny", &f, err, sizeof(err)), 0);
	CHECK_EQ(f.base, 0x86000000U);
	CHECK_EQ(f.nr, 16);
	/* up to the last function ID */
	CHECK_EQ(cli_parse_filter("0xfffffff0+16:deny", &f, err, sizeof(err)), 0);
	CHECK_EQ(f.nr, 16);
	CHECK_EQ(cli_parse_filter("0xffffffff:deny", &f, err, sizeof(err)), 0);
	CHECK_EQ(f.nr, 1);
}

/* cli_parse_filter refuses s with a line naming the option. */
static void expect_filter_refused(const char *s)
{
	struct cli_filter f;
	int r;

	err[0] = '\0';
	r = cli_parse_filter(s, &f, err, sizeof(err));
	if (r != -1)
		printf("  \"%s\" accepted: base 0x%x nr 0x%x\n", s, f.base, f.nr);
	CHECK_EQ(r, -1);
	CHECK(mentions(err, "--smccc-filter"));
}

TEST(filter_refusals)
{
	static const char *const bad[] = {
	    "0x86000000",		  /* no action */
	    "0x86000000:bogus",		  /* unknown action */
	    "0x8600000f-0x86000000:deny", /* ends before it starts */
	    "0x86000000+0:deny",	  /* empty */
	    "0xffffffff+2:deny",	  /* past the last FID */
	    "0xfffffff0-0x100000000:deny",
	    "0x100000000:deny", /* base beyond 32 bits */
	    "x:deny",
	    "0x86000000-:deny",
	    ":deny",
	    "-1:deny",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		expect_filter_refused(bad[i]);
}

TEST(filter_count_or_end_past_64_bits_refused)
{
	/* BASE+COUNT and END+1 must not wrap around 2^64 into a small range */
	static const char *const bad[] = {
	    "0xfffffff0+0xffffffff00000010:deny",
	    "0x86000000+0xffffffffffffffff:deny",
	    "0x86000000-0xffffffffffffffff:deny",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		expect_filter_refused(bad[i]);
}

TEST(filter_never_yields_an_empty_range)
{
	/* 2^32 functions do not fit the 32-bit count: refuse, never nr = 0 */
	static const char *const whole[] = {"0-0xffffffff:deny", "0+0x100000000:deny"};
	struct cli_filter f;

	for (size_t i = 0; i < ARRAY_SIZE(whole); i++) {
		int r;

		f.nr = 12345;
		r = cli_parse_filter(whole[i], &f, err, sizeof(err));
		if (r == 0 && f.nr == 0)
			printf("  \"%s\" accepted as an empty range\n", whole[i]);
		CHECK(r == -1 || f.nr != 0);
	}
}

TEST(boot_collects_filters)
{
	CHECK_EQ(BOOT("img", "--smccc-filter", "0x86000000+4:deny", "--smccc-filter",
		      "0xC6000000:forward"),
		 CLI_OK);
	CHECK_EQ(cfg.nr_filters, 2);
	CHECK_EQ(cfg.filters[0].base, 0x86000000U);
	CHECK_EQ(cfg.filters[0].nr, 4);
	CHECK_EQ(cfg.filters[1].base, 0xC6000000U);
	CHECK_EQ(cfg.filters[1].action, SMCCC_FILTER_FWD_TO_USER);
	expect_error(BOOT("img", "--smccc-filter", "0x86000000:maybe"), err, "--smccc-filter",
		     "maybe");
}

TEST(services_lists)
{
	unsigned int mask = 0xdead;

	CHECK_EQ(cli_parse_services("trng", &mask, err, sizeof(err)), 0);
	CHECK_EQ(mask, CLI_SVC_TRNG);
	CHECK_EQ(cli_parse_services("pv-time,ptp", &mask, err, sizeof(err)), 0);
	CHECK_EQ(mask, CLI_SVC_PV_TIME | CLI_SVC_PTP);
	CHECK_EQ(cli_parse_services("kvm-features", &mask, err, sizeof(err)), 0);
	CHECK_EQ(mask, CLI_SVC_KVM_FEATURES);
	CHECK_EQ(cli_parse_services("none", &mask, err, sizeof(err)), 0);
	CHECK_EQ(mask, 0);
	CHECK_EQ(cli_parse_services("all", &mask, err, sizeof(err)), 0);
	CHECK_EQ(mask, CLI_SVC_ALL);
	CHECK_EQ(cli_parse_services("bogus", &mask, err, sizeof(err)), -1);
	CHECK(mentions(err, "bogus"));
	CHECK_EQ(cli_parse_services("trng,none", &mask, err, sizeof(err)), -1);
	CHECK(mentions(err, "none"));
	CHECK_EQ(cli_parse_services("", &mask, err, sizeof(err)), -1);
}

TEST(services_list_of_only_commas_is_empty)
{
	unsigned int mask = 0xdead;

	/* like "", a list naming nothing is refused ("use 'none'") */
	CHECK_EQ(cli_parse_services(",", &mask, err, sizeof(err)), -1);
	CHECK_EQ(cli_parse_services(",,", &mask, err, sizeof(err)), -1);
}

TEST(boot_services_default_to_all)
{
	CHECK_EQ(BOOT("img"), CLI_OK);
	CHECK_EQ(cfg.services, CLI_SVC_ALL);
	CHECK_EQ(BOOT("img", "--smccc-services", "none"), CLI_OK);
	CHECK_EQ(cfg.services, 0);
	CHECK_EQ(BOOT("img", "--smccc-services", "trng"), CLI_OK);
	CHECK_EQ(cfg.services, CLI_SVC_TRNG);
}

TEST(psci_version_values_and_kernel_mode_only)
{
	uint32_t v = 0;

	CHECK_EQ(cli_parse_psci_version("0.2", &v, err, sizeof(err)), 0);
	CHECK_EQ(v, 0x00000002);
	CHECK_EQ(cli_parse_psci_version("1.0", &v, err, sizeof(err)), 0);
	CHECK_EQ(v, 0x00010000);
	CHECK_EQ(cli_parse_psci_version("1.1", &v, err, sizeof(err)), 0);
	CHECK_EQ(v, 0x00010001);
	CHECK_EQ(cli_parse_psci_version("2.0", &v, err, sizeof(err)), -1);
	CHECK(mentions(err, "2.0"));
	CHECK_EQ(cli_parse_psci_version("", &v, err, sizeof(err)), -1);
	CHECK_EQ(BOOT("img", "--psci", "kernel", "--psci-version", "1.0"), CLI_OK);
	CHECK_EQ(cfg.psci_version, 0x00010000);
	expect_error(BOOT("img", "--psci-version", "1.0"), err, "--psci-version", NULL);
}

TEST(impl_cpus_lists)
{
	struct cli_impl_cpu cpus[3];
	unsigned int nr = 99;

	CHECK_EQ(cli_parse_impl_cpus("0x410fd0c0:0:0", cpus, 3, &nr, err, sizeof(err)), 0);
	CHECK_EQ(nr, 1);
	CHECK_EQ(cpus[0].midr, 0x410fd0c0);
	CHECK_EQ(cli_parse_impl_cpus("0x410fd0c0:1:2,0x410fd400:0x10:0xffffffffffffffff", cpus, 3,
				     &nr, err, sizeof(err)),
		 0);
	CHECK_EQ(nr, 2);
	CHECK_EQ(cpus[0].revidr, 1);
	CHECK_EQ(cpus[0].aidr, 2);
	CHECK_EQ(cpus[1].midr, 0x410fd400);
	CHECK_EQ(cpus[1].revidr, 0x10);
	CHECK_EQ(cpus[1].aidr, UINT64_MAX);
	CHECK_EQ(cli_parse_impl_cpus("1:2:3,4:5:6,7:8:9,1:1:1", cpus, 3, &nr, err, sizeof(err)),
		 -1);
	CHECK(mentions(err, "3"));
	CHECK_EQ(cli_parse_impl_cpus("0x410fd0c0:0", cpus, 3, &nr, err, sizeof(err)), -1);
	CHECK_EQ(cli_parse_impl_cpus("0x1410fd0c0:0:0", cpus, 3, &nr, err, sizeof(err)), -1);
	CHECK_EQ(cli_parse_impl_cpus("1:2:3:4", cpus, 3, &nr, err, sizeof(err)), -1);
	CHECK_EQ(cli_parse_impl_cpus("", cpus, 3, &nr, err, sizeof(err)), -1);
}

/* ---- cli_parse_size ---- */

TEST(parse_size_accepts)
{
	static const struct {
		const char *s;
		uint64_t bytes;
	} good[] = {
	    {"256M", 256ULL << 20},
	    {"1G", 1ULL << 30},
	    {"512", 512ULL << 20}, /* a bare number is MiB, as in kvmtool */
	    {"1024K", 1ULL << 20},
	    {"2GiB", 2ULL << 30},
	    {"1MB", 1ULL << 20},
	    {"64m", 64ULL << 20},
	    {"4k", 4096},
	    {"1T", 1ULL << 40},
	    {"0", 0},
	    {"17592186044415", 17592186044415ULL << 20}, /* the largest MiB count */
	};

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		uint64_t v = 0xdeadbeef;
		int r = cli_parse_size(good[i].s, &v);

		if (r != 0 || v != good[i].bytes)
			printf("  \"%s\"\n", good[i].s);
		CHECK_EQ(r, 0);
		CHECK_EQ(v, good[i].bytes);
	}
}

TEST(parse_size_refuses)
{
	static const char *const bad[] = {
	    "",
	    "M",
	    "-1",
	    "+1",
	    " 1",
	    "12Q",
	    "1MM",
	    "1 M",
	    "1M ",
	    "1.5G",
	    "0x10",
	    "17592186044416",	       /* 2^44 MiB = 2^64 bytes */
	    "18446744073709551615K",   /* overflows when shifted */
	    "99999999999999999999999", /* overflows strtoull */
	    "16777216T",	       /* 2^24 TiB = 2^64 bytes */
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		uint64_t v = 0xdeadbeef;
		int r = cli_parse_size(bad[i], &v);

		if (r != -1)
			printf("  \"%s\" accepted as %llu\n", bad[i], (unsigned long long)v);
		CHECK_EQ(r, -1);
		CHECK_EQ(v, 0xdeadbeef); /* untouched on error */
	}
	CHECK_EQ(cli_parse_size(NULL, &(uint64_t){0}), -1);
}

/* ---- options no other case covers ---- */

/* argv for `vmm boot img` with "OPT VALUE" n times; returns argc. */
static int repeated(char **argv, char *opt, char *value, int n)
{
	int argc = 0;

	argv[argc++] = "boot";
	argv[argc++] = "img";
	for (int i = 0; i < n; i++) {
		argv[argc++] = opt;
		argv[argc++] = value;
	}
	argv[argc] = NULL;
	return argc;
}

TEST(switches_and_trace_file)
{
	CHECK_EQ(BOOT("img"), CLI_OK);
	CHECK(!cfg.exit_stats);
	CHECK(!cfg.acpi);
	CHECK(cfg.trace_file == NULL);
	CHECK_EQ(BOOT("--exit-stats", "--acpi", "--trace-file", "/tmp/t.json", "img"), CLI_OK);
	CHECK(cfg.exit_stats);
	CHECK(cfg.acpi);
	CHECK_STR(cfg.trace_file, "/tmp/t.json");
	expect_error(BOOT("img", "--trace-file", ""), err, "--trace-file: empty path", NULL);
	expect_error(BOOT("img", "--acpi=1"), err, "--acpi", NULL);
	expect_error(BOOT("img", "--exit-stats=yes"), err, "--exit-stats", NULL);
}

/* --inject: up to CLI_MAX_INJECTS rules, each checked against the vCPUs
 * and the PSCI mode once every option is in. */
TEST(inject_rules_checked_against_the_configuration)
{
	char *argv[2 * (CLI_MAX_INJECTS + 1) + 3];
	int argc = repeated(argv, "--inject", "CPU_ON:lost", CLI_MAX_INJECTS + 1);

	CHECK_EQ(
	    BOOT("img", "-c", "2", "--inject", "CPU_ON:cpu=1:lost", "--inject", "CPU_ON:delay=5ms"),
	    CLI_OK);
	CHECK_EQ(cfg.nr_injects, 2);
	CHECK_STR(cfg.injects[0], "CPU_ON:cpu=1:lost");
	expect_error(BOOT("img", "--inject", "CPU_ON:cpu=1:lost", "-c", "1"), err,
		     "cpu=1, but the vCPUs are 0-0", NULL);
	/* --max-cpus, wherever it stands, makes the vCPU possible */
	CHECK_EQ(BOOT("img", "--inject", "CPU_ON:cpu=3:lost", "--max-cpus", "4"), CLI_OK);
	expect_error(BOOT("img", "--psci", "kernel", "--inject", "CPU_ON:lost"), err,
		     "PSCI calls reach the VMM only with --psci user", NULL);
	expect_error(BOOT("img", "--inject", "NO_SUCH_CALL:lost"), err, NULL, NULL);
	/* one rule more than the limit */
	expect_error(cli_parse_boot(argc, argv, false, &cfg, err, sizeof(err)), err,
		     "--inject: at most 16 rules", NULL);
	CHECK_EQ(cli_parse_boot(argc - 2, argv, false, &cfg, err, sizeof(err)), CLI_OK);
	CHECK_EQ(cfg.nr_injects, CLI_MAX_INJECTS);
}

TEST(filters_at_most_the_limit)
{
	char *argv[2 * (CLI_MAX_FILTERS + 1) + 3];
	int argc = repeated(argv, "--smccc-filter", "0xc2000000:deny", CLI_MAX_FILTERS + 1);

	expect_error(cli_parse_boot(argc, argv, false, &cfg, err, sizeof(err)), err,
		     "--smccc-filter: at most 16 ranges", NULL);
	CHECK_EQ(cli_parse_boot(argc - 2, argv, false, &cfg, err, sizeof(err)), CLI_OK);
	CHECK_EQ(cfg.nr_filters, CLI_MAX_FILTERS);
}

TEST(boot_collects_impl_cpus_and_services_errors)
{
	CHECK_EQ(BOOT("img", "--impl-cpus", "0x410fd0c0:0:0,0x410fd400:1:2"), CLI_OK);
	CHECK_EQ(cfg.nr_impl_cpus, 2);
	CHECK_EQ(cfg.impl_cpus[1].midr, 0x410fd400);
	expect_error(BOOT("img", "--impl-cpus", "1:2"), err, "--impl-cpus", "1:2");
	expect_error(BOOT("img", "--smccc-services", "trng,bogus"), err, "--smccc-services",
		     "bogus");
	expect_error(BOOT("img", "--psci", "kernel", "--psci-version", "9.9"), err,
		     "--psci-version", "9.9");
}

/* getopt_long takes an unambiguous prefix of a long name; an ambiguous one
 * is refused naming what was typed. */
TEST(long_option_prefixes)
{
	CHECK_EQ(BOOT("--cpu", "3", "--max-c", "4", "img"), CLI_OK);
	CHECK_EQ(cfg.nr_cpus, 3);
	CHECK_EQ(cfg.max_cpus, 4);
	expect_error(BOOT("--c", "3", "img"), err, "unknown option '--c'", NULL);
	expect_error(RUNK("-k", "img", "--bal"), err, "'--balloon' is not supported", NULL);
	expect_error(BOOT("img", "--bal"), err, "unknown option '--balloon'", NULL);
	expect_error(BOOT("img", "--kern", "x"), err, "'--kernel' is only accepted by `vmm run`",
		     NULL);
}

/* The strict number parser every option and control command shares. */
TEST(numbers_are_digits_only)
{
	uint64_t v = 7;

	CHECK_EQ(cli_parse_number("42", 10, 100, &v), 0);
	CHECK_EQ(v, 42);
	CHECK_EQ(cli_parse_number("0x10", 0, 100, &v), 0);
	CHECK_EQ(v, 16);
	CHECK_EQ(cli_parse_number("100", 10, 100, &v), 0);
	v = 7;
	CHECK_EQ(cli_parse_number("101", 10, 100, &v), -1);
	CHECK_EQ(cli_parse_number("0x10", 10, 100, &v), -1);
	CHECK_EQ(cli_parse_number(" 1", 10, 100, &v), -1);
	CHECK_EQ(cli_parse_number("-1", 10, UINT64_MAX, &v), -1);
	CHECK_EQ(cli_parse_number("+1", 10, 100, &v), -1);
	CHECK_EQ(cli_parse_number("1x", 10, 100, &v), -1);
	CHECK_EQ(cli_parse_number("", 10, 100, &v), -1);
	CHECK_EQ(cli_parse_number(NULL, 10, 100, &v), -1);
	CHECK_EQ(cli_parse_number("18446744073709551616", 10, UINT64_MAX, &v), -1);
	CHECK_EQ(v, 7); /* untouched on error */
	CHECK_EQ(cli_parse_number("18446744073709551615", 10, UINT64_MAX, &v), 0);
	CHECK_EQ(v, UINT64_MAX);
}

/* `vmm restore DIR [OPTIONS]`: the restore-time options, and every option
 * that would change the machine refused by name. */
static enum cli_result parse_restore(struct args *ra, struct vmm_config *rcfg, const char **dir,
				     char *rerr, size_t errlen, ...)
{
	const char *s;
	va_list ap;

	memset(ra, 0, sizeof(*ra));
	snprintf(ra->store[0], sizeof(ra->store[0]), "restore");
	ra->argv[0] = ra->store[0];
	ra->argc = 1;
	va_start(ap, errlen);
	while ((s = va_arg(ap, const char *)) != NULL && ra->argc < MAX_ARGS) {
		snprintf(ra->store[ra->argc], sizeof(ra->store[0]), "%s", s);
		ra->argv[ra->argc] = ra->store[ra->argc];
		ra->argc++;
	}
	va_end(ap);
	return cli_parse_restore(ra->argc, ra->argv, rcfg, dir, rerr, errlen);
}

TEST(restore_takes_its_options)
{
	struct args ra;
	struct vmm_config rcfg;
	const char *dir;
	char rerr[256];

	CHECK_EQ(parse_restore(&ra, &rcfg, &dir, rerr, sizeof(rerr), "/tmp/s", "--control",
			       "/tmp/c", "--trace", "--trace-file=/tmp/t", "--inject",
			       "CPU_ON:ret=DENIED", "--exit-stats", "--max-resets", "3", NULL),
		 CLI_OK);
	CHECK_STR(dir, "/tmp/s");
	CHECK_STR(rcfg.control, "/tmp/c");
	CHECK_STR(rcfg.trace_file, "/tmp/t");
	CHECK(rcfg.trace && rcfg.exit_stats);
	CHECK_EQ(rcfg.nr_injects, 1);
	CHECK_EQ(rcfg.max_resets, 3);
	CHECK_EQ(rcfg.nr_cpus, 0); /* the machine is the snapshot's */
	CHECK_EQ(parse_restore(&ra, &rcfg, &dir, rerr, sizeof(rerr), "d", "--name", "vm1", NULL),
		 CLI_OK);
	CHECK_STR(rcfg.name, "vm1");
	CHECK_EQ(rcfg.max_resets, 100);
	CHECK_EQ(rcfg.sandbox, SANDBOX_ON); /* confined by default, as vmm boot */
	CHECK_EQ(parse_restore(&ra, &rcfg, &dir, rerr, sizeof(rerr), "d", "--sandbox", "log",
			       "--snapshot-dir=/srv/snaps", NULL),
		 CLI_OK);
	CHECK_EQ(rcfg.sandbox, SANDBOX_LOG);
	CHECK_STR(rcfg.snapshot_dir, "/srv/snaps");
	CHECK_EQ(parse_restore(&ra, &rcfg, &dir, rerr, sizeof(rerr), "--help", NULL), CLI_HELP);
}

TEST(restore_refuses_what_would_change_the_machine)
{
	static const struct check_refusal cases[] = {
	    {"--cpus", "--cpus would change the machine"},
	    {"-c", "-c would change the machine"},
	    {"-c4", "-c would change the machine"},
	    {"--mem=1G", "--mem would change the machine"},
	    {"--acpi", "--acpi would change the machine"},
	    {"--pmu", "--pmu would change the machine"},
	    {"--conduit", "--conduit would change the machine"},
	    {"--smccc-filter", "--smccc-filter would change the machine"},
	    {"--kernel", "--kernel would change the machine"},
	    {"--initrd", "--initrd would change the machine"},
	    {"--bogus", "unknown option '--bogus'"},
	    {"--inject=CPU_ON:ret=FOO", "FOO"},
	    {"--max-resets=x", "--max-resets"},
	    {"--irqchip=gicv3-its", "--irqchip would change the machine"},
	    {"--sandbox=kill", "--sandbox: 'kill'"},
	    {"--snapshot-dir=", "--snapshot-dir: empty path"},
	};
	struct args ra;
	struct vmm_config rcfg;
	const char *dir;
	char rerr[256];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		enum cli_result r =
		    parse_restore(&ra, &rcfg, &dir, rerr, sizeof(rerr), "d", cases[i].input, NULL);

		CHECK_REFUSED(r == CLI_ERROR ? -1 : 0, rerr, cases[i].says, cases[i].input);
	}
	CHECK_REFUSED(parse_restore(&ra, &rcfg, &dir, rerr, sizeof(rerr), NULL) == CLI_ERROR ? -1
											     : 0,
		      rerr, "no snapshot directory", "none");
	CHECK_REFUSED(
	    parse_restore(&ra, &rcfg, &dir, rerr, sizeof(rerr), "a", "b", NULL) == CLI_ERROR ? -1
											     : 0,
	    rerr, "one snapshot directory", "two");
	CHECK_REFUSED(parse_restore(&ra, &rcfg, &dir, rerr, sizeof(rerr), "a", "--name", "x",
				    "--control", "/s", NULL) == CLI_ERROR
			  ? -1
			  : 0,
		      rerr, "--name and --control", "both");
	CHECK_REFUSED(parse_restore(&ra, &rcfg, &dir, rerr, sizeof(rerr), "a", "--control", NULL) ==
			      CLI_ERROR
			  ? -1
			  : 0,
		      rerr, "needs a value", "novalue");
}

CHECK_MAIN_BEGIN
RUN(boot_defaults);
RUN(boot_short_options);
RUN(boot_long_options);
RUN(kernel_psci_refuses_hotplug);
RUN(boot_image_anywhere_among_options);
RUN(boot_cpu_and_mem_limits_accepted);
RUN(parsing_twice_starts_afresh);
RUN(pmu_option);
RUN(irqchip_gicv3_its_asks_for_an_its_in_boot_and_run);
RUN(sandbox_and_snapshot_dir_options);
RUN(run_accepts_kvmtool_spellings);
RUN(run_refuses_unsupported_kvmtool_values);
RUN(boot_refuses_kvmtool_spellings);
RUN(run_refuses_kvmtool_options_it_cannot_honour);
RUN(main_usage_follows_kvmtool_banner);
RUN(file_errors_follow_each_spelling);
RUN(help_is_not_an_error);
RUN(cpus_out_of_range_or_malformed);
RUN(mem_too_small);
RUN(mem_malformed);
RUN(mem_too_large);
RUN(mem_not_page_multiple);
RUN(unknown_options);
RUN(missing_option_argument);
RUN(two_images);
RUN(no_image);
RUN(psci_mode_bogus);
RUN(conduit_bogus);
RUN(max_resets_out_of_range);
RUN(max_cpus_below_cpus_or_out_of_range);
RUN(control_path_length);
RUN(filter_forms);
RUN(filter_refusals);
RUN(filter_count_or_end_past_64_bits_refused);
RUN(filter_never_yields_an_empty_range);
RUN(boot_collects_filters);
RUN(services_lists);
RUN(services_list_of_only_commas_is_empty);
RUN(boot_services_default_to_all);
RUN(psci_version_values_and_kernel_mode_only);
RUN(impl_cpus_lists);
RUN(parse_size_accepts);
RUN(parse_size_refuses);
RUN(switches_and_trace_file);
RUN(inject_rules_checked_against_the_configuration);
RUN(filters_at_most_the_limit);
RUN(boot_collects_impl_cpus_and_services_errors);
RUN(long_option_prefixes);
RUN(numbers_are_digits_only);
RUN(name_is_honoured_by_boot_and_run);
RUN(name_refusals_are_one_line);
RUN(restore_takes_its_options);
RUN(restore_refuses_what_would_change_the_machine);
CHECK_MAIN_END
