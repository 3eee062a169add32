/*
 * `vmm boot` and `vmm run`: parse the options, set everything up in order,
 * run the VM (again after each SYSTEM_RESET) and tear it all down. Wiring.
 */
#ifndef VMM_BOOT_H
#define VMM_BOOT_H

#include <signal.h>
#include <stdbool.h>

#include "vmm/cli/cli.h"
#include "vmm/control/names.h"
#include "vmm/control/server.h"
#include "vmm/exit_stats.h"
#include "vmm/firmware/inject.h"
#include "vmm/kvm/vm.h"
#include "vmm/machine/console.h"
#include "vmm/machine/image_file.h"
#include "vmm/machine/machine.h"
#include "vmm/output/outbuf.h"
#include "vmm/record/tracefile.h"

/* The process exit status (README "Exit status"). */
enum {
	EXIT_GUEST_OK = 0,
	EXIT_GUEST_FAILED = 1,
	EXIT_VMM_ERROR = 2,
	EXIT_STOPPED = 130, /* SIGINT/SIGTERM or Ctrl-A x, as a shell reports SIGINT */
};

struct boot_restore;

/* Everything one `vmm boot` (or `vmm restore`) sets up; what outlives each
 * VM of a reset. */
struct boot {
	struct vmm_config cfg;
	struct machine machine; /* what the guest sees, described once (DESIGN.md §6) */
	bool kvmtool_spelling;
	struct boot_timing timing;
	struct image_file kernel, initrd;
	struct vm_images images;
	struct vmm_shared shared;
	struct inject inject;
	struct tracefile tracefile;
	struct control_server ctl;
	bool ctl_open;
	char ctl_path[CONTROL_PATH_MAX]; /* --name's socket (control/names.h) */
	struct console con;
	bool con_open;
	struct outbuf *out, *errout;
	struct mem_usage mem;
	sigset_t stop_signals;
	int kvm_fd, signal_fd;
	bool failed;		      /* the guest reported failure, in any VM so far */
	unsigned int result;	      /* its last failure's result */
	struct boot_restore *restore; /* `vmm restore` (restore.c), else NULL */
};

/* argv[0] is "boot" or "run" (kvmtool_spelling: `vmm run`). */
int cmd_boot(int argc, char **argv, bool kvmtool_spelling);
/* b's cfg and machine filled: set everything up, run, tear down; the exit
 * status. */
int boot_main(struct boot *b);
/* A command's first steps, shared by boot/run and restore: b's clock and
 * closed fds; then what its options' parse result means: -1 to go on,
 * else the exit status (usage printed for --help, err's line for an error). */
void boot_start(struct boot *b);
int boot_options_outcome(enum cli_result r, const char *usage, const char *err);

/* restore.c: `vmm restore DIR ...` (argv[0] is "restore"), and its hooks in
 * boot_main: after the set-up (the shared state and rules from the
 * snapshot, the boot files checked), whether the first VM is still to be
 * restored, the RAM file, and bringing that VM to the saved state. */
int cmd_restore(int argc, char **argv);
int restore_prepare(struct boot *b);
bool restore_done(const struct boot *b);
int restore_ram_fd(const struct boot *b);
const char *restore_dir(const struct boot *b);
int restore_into(struct boot *b, struct vm *vm);

#endif
