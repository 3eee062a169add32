/*
 * `vmm boot` and `vmm run`: parse the options, set everything up in order,
 * run the VM (again after each SYSTEM_RESET) and tear it all down. Wiring.
 */
#ifndef VMM_BOOT_H
#define VMM_BOOT_H

#include <stdbool.h>

/* The process exit status (README "Exit status"). */
enum {
	EXIT_GUEST_OK = 0,
	EXIT_GUEST_FAILED = 1,
	EXIT_VMM_ERROR = 2,
	EXIT_STOPPED = 130, /* SIGINT/SIGTERM or Ctrl-A x, as a shell reports SIGINT */
};

/* argv[0] is "boot" or "run" (kvmtool_spelling: `vmm run`). */
int cmd_boot(int argc, char **argv, bool kvmtool_spelling);

#endif
