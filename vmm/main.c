/*
 * vmm: a minimal arm64 KVM VMM whose guest firmware calls (PSCI and chosen
 * SMCCC ranges) are answered in userspace. This file dispatches the
 * commands; boot.c sets up and runs a VM, in the order things must happen.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vmm/boot.h"
#include "vmm/cli/cli.h"
#include "vmm/control/info.h"
#include "vmm/control/server.h"
#include "vmm/kvm/vm.h"
#include "vmm/record/timeline.h"
#include "vmm/sandbox/sandbox.h"

static int cmd_info(int argc, char **argv)
{
	char err[256];
	int fd, ret;

	(void)argv;
	if (argc > 1) {
		vm_err("info takes no arguments\n");
		return EXIT_VMM_ERROR;
	}
	fd = kvm_open(err, sizeof(err));
	if (fd < 0) {
		vm_err("%s\n", err);
		return EXIT_VMM_ERROR;
	}
	ret = vm_info(fd);
	close(fd);
	sandbox_print_info(stdout);
	return ret ? EXIT_VMM_ERROR : 0;
}

/*
 * A VMM bug must not die silently (a background VMM's death would otherwise
 * leave nothing in its log): say which signal, then die of it as before.
 * Only async-signal-safe calls here.
 */
static void fatal_signal(int sig)
{
	static const char prefix[] = "vmm: fatal signal ";
	char num[4] = {(char)('0' + sig / 10 % 10), (char)('0' + sig % 10), '\n', 0};

	ssize_t ignored; /* nothing to do on failure: we are dying anyway */

	ignored = write(STDERR_FILENO, prefix, sizeof(prefix) - 1);
	ignored = write(STDERR_FILENO, num, 3);
	(void)ignored;
	raise(sig);
}

static void catch_fatal_signals(void)
{
	static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
	struct sigaction sa = {.sa_handler = fatal_signal, .sa_flags = (int)SA_RESETHAND};

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		fputs(cli_main_usage, stderr);
		return EXIT_VMM_ERROR;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		/* `vmm help boot|run` is `vmm boot --help`, as `lkvm help run` is. */
		if (argc > 2 && (!strcmp(argv[2], "boot") || !strcmp(argv[2], "run")))
			fputs(cli_boot_usage, stdout);
		else
			fputs(cli_main_usage, stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		fputs(cli_version, stdout);
		return 0;
	}
	/* A console or client that went away must not kill the VMM silently:
	 * writes then fail with EPIPE instead. */
	signal(SIGPIPE, SIG_IGN);
	catch_fatal_signals();
	if (!strcmp(cmd, "boot"))
		return cmd_boot(argc - 1, argv + 1, false);
	if (!strcmp(cmd, "run"))
		return cmd_boot(argc - 1, argv + 1, true);
	if (!strcmp(cmd, "restore"))
		return cmd_restore(argc - 1, argv + 1);
	if (!strcmp(cmd, "ctl"))
		return control_client_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "list"))
		return control_list_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "info"))
		return cmd_info(argc - 1, argv + 1);
	if (!strcmp(cmd, "timeline"))
		return timeline_main(argc - 1, argv + 1);
	vm_err("unknown command '%s' (see vmm --help)\n", cmd);
	return EXIT_VMM_ERROR;
}
