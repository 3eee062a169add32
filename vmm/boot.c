/*
 * `vmm boot` / `vmm run` (boot.h), as explicit steps in the order they must
 * happen:
 *
 *   parse the options -> block the stop signals (before any thread exists)
 *   -> injection rules and the trace file -> open the guest's files
 *   -> /dev/kvm -> the control socket -> the signalfd -> the output
 *   buffers and the console -> confinement (sandbox.h) -> the VM, again
 *   after each SYSTEM_RESET
 *   -> the exit statistics -> tear down what was set up, in reverse.
 *
 * Each step returns 0 or reports its failure in one line and returns -1;
 * boot_teardown undoes whatever steps completed, so a failure anywhere
 * leaves nothing behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/boot.h"
#include "vmm/control/names.h"
#include "vmm/machine/image_format.h"
#include "vmm/sandbox/sandbox.h"

/* How long the guest's last output may take to drain at exit. */
#define OUTBUF_EXIT_FLUSH_MS 3000

/*
 * SIGINT/SIGTERM end the VM cleanly: the main thread reads them from a
 * signalfd. They (and the kick) are blocked before the first thread exists
 * (the trace file's writer is one), so every thread inherits the mask and
 * none of them can take a signal whose default action ends the process. A
 * signal arriving meanwhile stays pending for the signalfd.
 */
static void block_stop_signals(struct boot *b)
{
	sigemptyset(&b->stop_signals);
	sigaddset(&b->stop_signals, SIGINT);
	sigaddset(&b->stop_signals, SIGTERM);
	sigaddset(&b->stop_signals, VCPU_KICK_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &b->stop_signals, NULL);
}

/* --inject rules into the live set, --trace-file opened. */
static int setup_injection_and_trace(struct boot *b)
{
	char err[256];

	for (unsigned int i = 0; i < b->cfg.nr_injects; i++) {
		struct inject_rule rule;

		inject_parse(b->cfg.injects[i], &rule, err, sizeof(err)); /* cli checked it */
		inject_add(&b->inject, &rule);
	}
	if (b->cfg.trace_file &&
	    tracefile_open(&b->tracefile, b->cfg.trace_file, err, sizeof(err))) {
		vm_err("%s\n", err);
		return -1;
	}
	return 0;
}

static void file_error(const struct boot *b, enum cli_file_kind kind, enum cli_file_problem problem,
		       const char *path, int err, uint64_t size)
{
	char line[PATH_MAX + 256];

	cli_file_error(line, sizeof(line), b->kvmtool_spelling, kind, problem, path, err, size,
		       b->cfg.ram_size);
	fprintf(stderr, "%s\n", line);
}

/*
 * Open one of the guest's files for every boot to read (image_file.h):
 * refuses what is not a regular file or is larger than guest RAM, in the
 * spelling of the command (kvmtool's "  Fatal: ..." under `vmm run`).
 */
static int open_image_file(struct boot *b, enum cli_file_kind kind, const char *path,
			   struct image_file *f)
{
	struct stat st;
	/* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
	 * writer for ever; it is refused below like any non-regular file. */
	int ret, fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		file_error(b, kind, CLI_FILE_OPEN, path, errno, 0);
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		file_error(b, kind, CLI_FILE_NOT_REGULAR, path, 0, 0);
		close(fd);
		return -1;
	}
	if ((uint64_t)st.st_size > b->cfg.ram_size) {
		file_error(b, kind, CLI_FILE_TOO_LARGE, path, 0, (uint64_t)st.st_size);
		close(fd);
		return -1;
	}
	ret = image_file_init(f, fd, path, kind == CLI_FILE_KERNEL ? "image" : "initrd");
	if (ret) {
		file_error(b, kind, CLI_FILE_READ, path, -ret, 0);
		close(fd);
		return -1;
	}
	return 0;
}

/*
 * The kernel's format from its first bytes (image_format.h): what no one
 * boots (an ELF vmlinux, an initramfs, an xz kernel) is refused here, in
 * one line saying what it looks like, before any VM exists.
 */
static int detect_kernel_format(struct boot *b)
{
	char why[256];

	if (!image_format_detect(b->kernel.head, b->kernel.head_len, b->kernel.size, &b->kernel.fmt,
				 why, sizeof(why)))
		return 0;
	if (b->kvmtool_spelling)
		fprintf(stderr, "  Fatal: %s is not a valid kernel image (%s)\n", b->cfg.image,
			why);
	else
		vm_err("image '%s': %s\n", b->cfg.image, why);
	return -1;
}

static int open_images(struct boot *b)
{
	if (open_image_file(b, CLI_FILE_KERNEL, b->cfg.image, &b->kernel))
		return -1;
	if (b->kernel.size == 0) {
		file_error(b, CLI_FILE_KERNEL, CLI_FILE_EMPTY, b->cfg.image, 0, 0);
		return -1;
	}
	if (detect_kernel_format(b))
		return -1;
	b->images.kernel = &b->kernel;
	if (b->cfg.initrd) {
		if (open_image_file(b, CLI_FILE_INITRD, b->cfg.initrd, &b->initrd))
			return -1;
		b->images.initrd = &b->initrd;
	}
	b->timing.opened = mono_ns();
	return 0;
}

/* --name NAME: the control socket is the name's, in a directory made 0700. */
static const char *named_socket(struct boot *b)
{
	char dir[CONTROL_PATH_MAX], err[256];
	unsigned int euid = (unsigned int)geteuid();

	if (control_name_dir(euid, getenv("XDG_RUNTIME_DIR"), dir, sizeof(dir), err, sizeof(err)) ||
	    control_name_make_dir(dir, euid, err, sizeof(err)) ||
	    control_name_path(dir, b->cfg.name, b->ctl_path, sizeof(b->ctl_path), err,
			      sizeof(err))) {
		vm_err("--name %s: %s\n", b->cfg.name, err);
		return NULL;
	}
	return b->ctl_path;
}

/* /dev/kvm, the hotplug state every VM starts from, the control socket. */
static int setup_kvm_and_control(struct boot *b)
{
	char err[256];

	b->shared.present = calloc(b->cfg.max_cpus, sizeof(*b->shared.present));
	if (!b->shared.present) {
		vm_err("out of memory\n");
		return -1;
	}
	for (unsigned int i = 0; i < b->cfg.nr_cpus; i++)
		b->shared.present[i] = true;
	atomic_store(&b->shared.trace, b->cfg.trace);
	b->kvm_fd = kvm_open(err, sizeof(err));
	if (b->kvm_fd < 0) {
		vm_err("%s\n", err);
		return -1;
	}
	if (b->cfg.name) {
		b->cfg.control = named_socket(b);
		if (!b->cfg.control)
			return -1;
	}
	if (b->cfg.control) {
		if (control_server_open(&b->ctl, b->cfg.control, err, sizeof(err))) {
			vm_err("%s\n", err);
			return -1;
		}
		b->ctl_open = true;
	}
	return 0;
}

/* The main thread reads SIGINT/SIGTERM from here (the kick stays blocked). */
static int setup_signalfd(struct boot *b)
{
	sigdelset(&b->stop_signals, VCPU_KICK_SIGNAL);
	b->signal_fd = signalfd(-1, &b->stop_signals, SFD_CLOEXEC);
	if (b->signal_fd < 0) {
		vm_err("signalfd: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * stdout and stderr are one file (2>&1, a terminal): then guest output and
 * trace lines share one buffer, so they come out in the order they happened.
 */
static bool same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* The output buffers (each with its writer thread) and the console. */
static int setup_output(struct boot *b)
{
	b->out = outbuf_new(STDOUT_FILENO);
	b->errout = same_file(STDOUT_FILENO, STDERR_FILENO) ? b->out : outbuf_new(STDERR_FILENO);
	if (!b->out || !b->errout) {
		vm_err("starting the console output thread: out of resources\n");
		return -1;
	}
	b->shared.out = b->out;
	b->shared.err = b->errout;
	outbuf_set_log(b->errout);
	console_open(&b->con, STDIN_FILENO);
	b->con_open = true;
	return 0;
}

/*
 * The set-up is done: confine the main thread before the first VM is built
 * (DESIGN.md §12), so that every VM, the first and each SYSTEM_RESET's,
 * is built the same way. What it may still write: the directories of the
 * control socket, the trace file and --dump-dtb, and --snapshot-dir; read:
 * the kernel and initrd (opened already, and read at every boot through
 * those fds), /proc/self for --exit-stats, /dev/null for the control
 * socket's spare fd.
 */
static int confine(struct boot *b)
{
	static struct sandbox_paths paths;
	char note[256], err[PATH_MAX + 128];
	struct stat st;

	if (b->cfg.snapshot_dir && (stat(b->cfg.snapshot_dir, &st) || !S_ISDIR(st.st_mode))) {
		vm_err("--snapshot-dir '%s': not a directory\n", b->cfg.snapshot_dir);
		return -1;
	}
	sandbox_paths_add_dir_of(&paths, b->cfg.control);
	sandbox_paths_add_dir_of(&paths, b->cfg.trace_file);
	sandbox_paths_add_dir_of(&paths, b->cfg.dump_dtb);
	sandbox_paths_add_dir(&paths, b->cfg.snapshot_dir);
	sandbox_paths_add_read(&paths, b->cfg.image);
	sandbox_paths_add_read(&paths, b->cfg.initrd);
	if (b->restore)
		sandbox_paths_add_read(&paths, restore_dir(b));
	/* --exit-stats reads its status; ctl snapshot its pagemap (which
	 * RAM pages hold data, swapped out ones included). */
	if (b->cfg.exit_stats || b->cfg.control)
		sandbox_paths_add_read(&paths, "/proc/self");
	if (b->cfg.control)
		sandbox_paths_add_read(&paths, "/dev/null");
	if (sandbox_confine_main(&paths, note, sizeof(note), err, sizeof(err))) {
		vm_err("%s\n", err);
		return -1;
	}
	if (note[0])
		vm_err("%s\n", note);
	return 0;
}

/* What a VM leaves for the next one and for the exit status. */
static void keep_vm_outcome(struct boot *b, struct vm *vm)
{
	/* A failure reported before a reset still counts at the end. */
	if (atomic_load(&vm->testdev.failed)) {
		b->failed = true;
		b->result = atomic_load(&vm->testdev.result);
	}
	/* Hotplug state survives a reset; a deferred unplug completes, since
	 * every vCPU goes off. */
	for (unsigned int i = 0; i < b->cfg.max_cpus; i++) {
		struct psci_cpu_info info;

		psci_cpu_info(&vm->psci, i, &info);
		/* An ACPI eject the guest never answered completes too: the
		 * machine comes back without that vCPU. */
		b->shared.present[i] = info.present && !info.unplug_when_off &&
				       !(vm->cpuhp_ready && cpuhp_eject_pending(&vm->cpuhp, i));
	}
}

/* One VM, from creation to tear-down: why it ended (VM_EXIT_ERROR if it
 * could not be built; vm_create said why). */
static enum vm_exit run_one_vm(struct boot *b)
{
	struct vm vm;
	enum vm_exit why;

	/* `vmm restore`: the first VM is the snapshot's, the ones after a
	 * reset boot the files as `vmm boot` does. */
	b->images.from_snapshot = b->restore && !restore_done(b);
	b->images.ram_fd = b->images.from_snapshot ? restore_ram_fd(b) : -1;
	if (vm_create(&vm, b->kvm_fd, &b->cfg, &b->machine, &b->images, &b->shared) ||
	    (b->images.from_snapshot && restore_into(b, &vm))) {
		vm_destroy(&vm);
		return VM_EXIT_ERROR;
	}
	if (!b->timing.created)
		b->timing.created = mono_ns();
	vm_run(&vm, b->signal_fd, b->ctl_open ? &b->ctl : NULL, &b->con);
	b->timing.run_end = mono_ns();
	why = vm.exit;
	if (b->cfg.exit_stats)
		mem_usage_sample(&vm, &b->mem);
	keep_vm_outcome(b, &vm);
	vm_destroy(&vm);
	b->timing.destroyed = mono_ns();
	return why;
}

/*
 * The VM, and a fresh one (vGIC and all) after each SYSTEM_RESET, booting
 * the same files: each boot reads them again, and refuses one changed in
 * place since (image_file.h). Returns the exit status.
 */
static int run_vms(struct boot *b)
{
	enum vm_exit why;

	while ((why = run_one_vm(b)) == VM_EXIT_SYSTEM_RESET) {
		b->shared.resets++;
		if (b->shared.resets > b->cfg.max_resets) {
			vm_err("the guest reset %u times; giving up (--max-resets %u)\n",
			       b->shared.resets, b->cfg.max_resets);
			return EXIT_VMM_ERROR;
		}
	}
	if (why == VM_EXIT_SYSTEM_OFF && b->failed) {
		vm_err("the guest reported failure (result %u)\n", b->result);
		return EXIT_GUEST_FAILED;
	}
	if (why == VM_EXIT_SYSTEM_OFF)
		return EXIT_GUEST_OK;
	return why == VM_EXIT_SIGNAL ? EXIT_STOPPED : EXIT_VMM_ERROR;
}

/* What the guest printed comes out before our last words; a reader that
 * never reads gets a few seconds, not forever. */
static void finish_output(struct boot *b)
{
	/* The statistics queue behind the guest's last output and drain with it:
	 * both flushes have a deadline, so a stalled stdout or stderr costs
	 * seconds at most, never the exit. */
	if (b->cfg.exit_stats)
		print_exit_stats(&b->shared, &b->mem, &b->timing);
	outbuf_flush(b->out, OUTBUF_EXIT_FLUSH_MS);
	if (b->errout != b->out)
		outbuf_flush(b->errout, OUTBUF_EXIT_FLUSH_MS);
	console_close(&b->con);
	b->con_open = false;
}

/* Undo, in reverse order, the steps that completed. */
static void boot_teardown(struct boot *b)
{
	if (b->con_open)
		console_close(&b->con);
	outbuf_set_log(NULL);
	if (b->errout != b->out)
		outbuf_destroy(b->errout);
	outbuf_destroy(b->out);
	if (b->signal_fd >= 0)
		close(b->signal_fd);
	if (b->ctl_open)
		control_server_close(&b->ctl);
	if (b->kvm_fd >= 0)
		close(b->kvm_fd);
	/* The record ends with the VM: its last lines get the same grace. */
	tracefile_close(&b->tracefile, OUTBUF_EXIT_FLUSH_MS);
	free(b->shared.present);
	image_file_close(&b->kernel);
	image_file_close(&b->initrd);
}

/* Everything after the options and the machine: set up, run, tear down. */
int boot_main(struct boot *b)
{
	int status = EXIT_VMM_ERROR;
	char err[256];

	if (sandbox_prepare(b->cfg.sandbox, err, sizeof(err))) {
		vm_err("%s\n", err);
		return EXIT_VMM_ERROR;
	}
	block_stop_signals(b);
	inject_init(&b->inject);
	tracefile_init(&b->tracefile);
	b->shared.inject = &b->inject;
	b->shared.tracefile = &b->tracefile;
	if (!setup_injection_and_trace(b) && !open_images(b) && !setup_kvm_and_control(b) &&
	    !setup_signalfd(b) && !setup_output(b) && (!b->restore || !restore_prepare(b)) &&
	    !confine(b)) {
		status = run_vms(b);
		finish_output(b);
	}
	boot_teardown(b);
	return status;
}

void boot_start(struct boot *b)
{
	b->timing.start = mono_ns();
	b->kernel.fd = b->initrd.fd = b->kvm_fd = b->signal_fd = -1;
}

int boot_options_outcome(enum cli_result r, const char *usage, const char *err)
{
	switch (r) {
	case CLI_HELP:
		fputs(usage, stdout);
		return 0;
	case CLI_ERROR:
		vm_err("%s\n", err);
		return EXIT_VMM_ERROR;
	case CLI_OK:
		break;
	}
	return -1;
}

int cmd_boot(int argc, char **argv, bool kvmtool_spelling)
{
	struct boot boot = {0}, *b = &boot;
	char err[256];
	int status;

	boot_start(b);
	b->kvmtool_spelling = kvmtool_spelling;
	status = boot_options_outcome(
	    cli_parse_boot(argc, argv, kvmtool_spelling, &b->cfg, err, sizeof(err)), cli_boot_usage,
	    err);
	if (status >= 0)
		return status;
	if (machine_describe(&b->cfg, &b->machine, err, sizeof(err))) {
		vm_err("%s\n", err);
		return EXIT_VMM_ERROR;
	}
	return boot_main(b);
}
