/*
 * vmm: a minimal arm64 KVM VMM whose guest firmware calls (PSCI and chosen
 * SMCCC ranges) are answered in userspace. This file only wires the pieces
 * together, in the order they must be set up.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vmm/cli/cli.h"
#include "vmm/machine/console.h"
#include "vmm/machine/machine.h"
#include "vmm/control/server.h"
#include "vmm/firmware/inject.h"
#include "vmm/output/outbuf.h"
#include "vmm/record/timeline.h"
#include "vmm/record/tracefile.h"
#include "vmm/kvm/vm.h"

/* How long the guest's last output may take to drain at exit. */
#define OUTBUF_EXIT_FLUSH_MS 3000

enum {
	EXIT_GUEST_OK = 0,
	EXIT_GUEST_FAILED = 1,
	EXIT_VMM_ERROR = 2,
};

static void file_error(bool kvmtool_spelling, enum cli_file_kind kind,
		       enum cli_file_problem problem, const char *path, int err, uint64_t size,
		       uint64_t limit)
{
	char line[PATH_MAX + 256];

	cli_file_error(line, sizeof(line), kvmtool_spelling, kind, problem, path, err, size, limit);
	fprintf(stderr, "%s\n", line);
}

/*
 * Map a whole regular file read-only; refuses what is not one, or is too
 * large for RAM. Mapped, not read into the heap: every boot (and every
 * SYSTEM_RESET) copies it into guest RAM straight from the page cache, one
 * copy instead of two, and the VMM holds no private copy of a 40 MiB kernel.
 * The file stays open so that a reset can check it still holds what was
 * mapped (image_changed). An empty file is len 0 and buf NULL.
 */
struct mapped_file {
	int fd; /* kept open: -1 if nothing is mapped */
	struct stat st;
};

static int map_file(bool kvmtool_spelling, enum cli_file_kind kind, const char *path,
		    uint64_t limit, struct mapped_file *mf, uint8_t **buf, size_t *len)
{
	struct stat st;
	void *map;
	/* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
	 * writer for ever; it is refused below like any non-regular file. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		file_error(kvmtool_spelling, kind, CLI_FILE_OPEN, path, errno, 0, 0);
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		file_error(kvmtool_spelling, kind, CLI_FILE_NOT_REGULAR, path, 0, 0, 0);
		close(fd);
		return -1;
	}
	if ((uint64_t)st.st_size > limit) {
		file_error(kvmtool_spelling, kind, CLI_FILE_TOO_LARGE, path, 0,
			   (uint64_t)st.st_size, limit);
		close(fd);
		return -1;
	}
	*len = (size_t)st.st_size;
	*buf = NULL;
	if (*len) {
		map = mmap(NULL, *len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
		if (map == MAP_FAILED) {
			file_error(kvmtool_spelling, kind, CLI_FILE_READ, path, errno, 0, 0);
			close(fd);
			return -1;
		}
		*buf = map;
	}
	mf->fd = fd;
	mf->st = st;
	return 0;
}

static void unmap_file(struct mapped_file *mf, uint8_t *buf, size_t len)
{
	if (buf)
		munmap(buf, len);
	if (mf->fd >= 0)
		close(mf->fd);
	mf->fd = -1;
}

/*
 * A mapping shows what the file holds now: written in place since (a `cp`
 * over it), a reset would boot something else, and a file truncated under
 * the mapping faults on the copy. Replacing the file by a new one (rename,
 * what install(1) and most builds do) leaves the mapped one alone.
 */
static bool image_changed(const char *what, const char *path, const struct mapped_file *mf)
{
	struct stat now;

	if (mf->fd < 0)
		return false;
	if (fstat(mf->fd, &now) == 0 && now.st_size == mf->st.st_size &&
	    now.st_mtim.tv_sec == mf->st.st_mtim.tv_sec &&
	    now.st_mtim.tv_nsec == mf->st.st_mtim.tv_nsec)
		return false;
	vm_err("%s '%s' was changed in place since the VM started: not rebooting a different "
	       "%s\n",
	       what, path, what);
	return true;
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

/*
 * Memory as RSS counts it, from /proc/self/smaps: the Rss of the mappings
 * that make up guest RAM, and of the whole process, read in one pass. Not
 * mincore(): a page that the guest (or the VMM, serving a console write)
 * only read maps the shared zero page, which mincore() calls resident and
 * RSS does not count, so untouched RAM that was read showed up as "resident"
 * beyond the process's peak RSS. Each sample has ram_kib <= total_kib.
 */
struct mem_usage {
	bool ok;		 /* at least one sample was read */
	unsigned long ram_kib;	 /* the largest guest RAM Rss sampled */
	unsigned long total_kib; /* the largest process Rss sampled */
};

static void mem_usage_sample(const struct vm *vm, struct mem_usage *u)
{
	uintptr_t ram = (uintptr_t)vm->ram, ram_end = ram + vm->ram_size;
	unsigned long ram_kib = 0, total_kib = 0, kib;
	bool in_ram = false, line_start = true;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f = fopen("/proc/self/smaps", "re");

	if (!f)
		return;
	while ((n = getline(&line, &cap, f)) > 0) {
		unsigned long start, end;
		/* A mapping's header line ("start-end perms ..."), then its fields. */
		bool header = line_start && sscanf(line, "%lx-%lx ", &start, &end) == 2;

		line_start = line[n - 1] == '\n';
		if (header)
			in_ram = start >= ram && end <= ram_end;
		else if (sscanf(line, "Rss: %lu kB", &kib) == 1) {
			total_kib += kib;
			if (in_ram)
				ram_kib += kib;
		}
	}
	free(line);
	if (ferror(f)) {
		fclose(f);
		return;
	}
	fclose(f);
	u->ok = true;
	if (ram_kib > u->ram_kib)
		u->ram_kib = ram_kib;
	if (total_kib > u->total_kib)
		u->total_kib = total_kib;
}

/* --exit-stats: the counters, then memory: peak RSS of the whole process and
 * the guest RAM it holds, whose difference is the VMM's own footprint. The
 * peak is at least every sample of the process's Rss, and each sample holds
 * its guest RAM's, so the difference cannot go negative. */
static void print_exit_stats(struct vmm_shared *shared, const struct mem_usage *mem)
{
	struct rusage ru;
	char *line = control_stats_line(shared);
	unsigned long peak;

	getrusage(RUSAGE_SELF, &ru);
	peak = (unsigned long)ru.ru_maxrss;
	if (mem->total_kib > peak)
		peak = mem->total_kib;
	if (line)
		fprintf(stderr, "vmm: exit-stats: %s", line + 3); /* drop "ok " */
	if (mem->ok)
		fprintf(stderr,
			"vmm: exit-stats: rss_peak_kib=%lu guest_ram_resident_kib=%lu "
			"vmm_overhead_kib=%lu\n",
			peak, mem->ram_kib, peak - mem->ram_kib);
	else
		fprintf(stderr,
			"vmm: exit-stats: rss_peak_kib=%lu (/proc/self/smaps unreadable: "
			"no guest RAM figure)\n",
			peak);
	free(line);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * --exit-stats: where start-up and shutdown time goes, in microseconds since
 * `vmm` began: guest files mapped, the first VM built (RAM, vCPUs, vGIC,
 * filter, images copied in), vCPU 0's first KVM_RUN (the guest's first
 * instruction), the last run's end and the last VM torn down.
 */
struct boot_timing {
	uint64_t start, mapped, created, run_end, destroyed;
};

static void print_boot_timing(const struct boot_timing *t, const struct vmm_shared *shared)
{
	uint64_t first = atomic_load(&shared->first_run_ns);
#define SINCE_US(x) ((x) > t->start ? (unsigned long long)(((x)-t->start) / 1000) : 0ULL)

	fprintf(stderr,
		"vmm: exit-stats: startup_us mapped=%llu vm_built=%llu first_run=%llu "
		"run_end=%llu torn_down=%llu\n",
		SINCE_US(t->mapped), SINCE_US(t->created), SINCE_US(first), SINCE_US(t->run_end),
		SINCE_US(t->destroyed));
#undef SINCE_US
}

static int cmd_boot(int argc, char **argv, bool kvmtool_spelling)
{
	struct boot_timing timing = {.start = mono_ns()};
	struct vmm_config cfg;
	struct vm_images images = {0};
	struct mapped_file kernel_file = {.fd = -1}, initrd_file = {.fd = -1};
	struct vmm_shared shared = {0};
	static struct machine machine; /* what the guest sees, built once */
	struct inject inject;
	struct tracefile tracefile;
	struct control_server ctl;
	struct console con;
	struct outbuf *out = NULL, *errout = NULL;
	struct vm vm;
	char err[256];
	enum vm_exit why;
	struct mem_usage mem = {0};
	bool failed = false;
	unsigned int result = 0;
	sigset_t stop_signals;
	int kvm_fd, signal_fd, status = EXIT_VMM_ERROR;

	switch (cli_parse_boot(argc, argv, kvmtool_spelling, &cfg, err, sizeof(err))) {
	case CLI_HELP:
		fputs(cli_boot_usage, stdout);
		return 0;
	case CLI_ERROR:
		vm_err("%s\n", err);
		return EXIT_VMM_ERROR;
	case CLI_OK:
		break;
	}
	if (machine_describe(&cfg, &machine, err, sizeof(err))) {
		vm_err("%s\n", err);
		return EXIT_VMM_ERROR;
	}
	/* SIGINT/SIGTERM end the VM cleanly: the main thread reads them from a
	 * signalfd. They (and the kick) are blocked before the first thread
	 * exists (the trace file's writer is one), so every thread inherits the
	 * mask and none of them can take a signal whose default action ends the
	 * process. A signal arriving meanwhile stays pending for the signalfd. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, VCPU_KICK_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	inject_init(&inject);
	tracefile_init(&tracefile);
	shared.inject = &inject;
	shared.tracefile = &tracefile;
	for (unsigned int i = 0; i < cfg.nr_injects; i++) {
		struct inject_rule rule;

		inject_parse(cfg.injects[i], &rule, err, sizeof(err)); /* cli checked it */
		inject_add(&inject, &rule);
	}
	if (cfg.trace_file && tracefile_open(&tracefile, cfg.trace_file, err, sizeof(err))) {
		vm_err("%s\n", err);
		return EXIT_VMM_ERROR;
	}
	if (map_file(kvmtool_spelling, CLI_FILE_KERNEL, cfg.image, cfg.ram_size, &kernel_file,
		     &images.kernel, &images.kernel_size))
		return EXIT_VMM_ERROR;
	if (images.kernel_size == 0) {
		file_error(kvmtool_spelling, CLI_FILE_KERNEL, CLI_FILE_EMPTY, cfg.image, 0, 0, 0);
		goto out_images;
	}
	if (cfg.initrd && map_file(kvmtool_spelling, CLI_FILE_INITRD, cfg.initrd, cfg.ram_size,
				   &initrd_file, &images.initrd, &images.initrd_size))
		goto out_images;
	timing.mapped = mono_ns();

	shared.present = calloc(cfg.max_cpus, sizeof(*shared.present));
	if (!shared.present) {
		vm_err("out of memory\n");
		goto out_images;
	}
	for (unsigned int i = 0; i < cfg.nr_cpus; i++)
		shared.present[i] = true;
	atomic_store(&shared.trace, cfg.trace);

	kvm_fd = kvm_open(err, sizeof(err));
	if (kvm_fd < 0) {
		vm_err("%s\n", err);
		goto out_images;
	}
	if (cfg.control && control_server_open(&ctl, cfg.control, err, sizeof(err))) {
		vm_err("%s\n", err);
		goto out_kvm;
	}

	sigdelset(&stop_signals, VCPU_KICK_SIGNAL);
	signal_fd = signalfd(-1, &stop_signals, SFD_CLOEXEC);
	if (signal_fd < 0) {
		vm_err("signalfd: %s\n", strerror(errno));
		goto out_ctl;
	}

	out = outbuf_new(STDOUT_FILENO);
	errout = same_file(STDOUT_FILENO, STDERR_FILENO) ? out : outbuf_new(STDERR_FILENO);
	if (!out || !errout) {
		vm_err("starting the console output thread: out of resources\n");
		goto out_signal;
	}
	shared.out = out;
	shared.err = errout;
	outbuf_set_log(errout);
	console_open(&con, STDIN_FILENO);
	for (;;) {
		if (vm_create(&vm, kvm_fd, &cfg, &machine, &images, &shared)) {
			vm_destroy(&vm);
			break;
		}
		/* Guest RAM has its copy now: the mapped pages leave our RSS and
		 * stay in the page cache for a reset's copy. */
		if (images.kernel)
			madvise(images.kernel, images.kernel_size, MADV_DONTNEED);
		if (images.initrd)
			madvise(images.initrd, images.initrd_size, MADV_DONTNEED);
		if (!timing.created)
			timing.created = mono_ns();
		vm_run(&vm, signal_fd, cfg.control ? &ctl : NULL, &con);
		timing.run_end = mono_ns();
		why = vm.exit;
		if (cfg.exit_stats)
			mem_usage_sample(&vm, &mem);
		/* A failure reported before a reset still counts at the end. */
		failed |= atomic_load(&vm.testdev.failed);
		if (atomic_load(&vm.testdev.failed))
			result = atomic_load(&vm.testdev.result);
		/* Hotplug state survives a reset; a deferred unplug completes,
		 * since every vCPU goes off. */
		for (unsigned int i = 0; i < cfg.max_cpus; i++) {
			struct psci_cpu_info info;

			psci_cpu_info(&vm.psci, i, &info);
			/* An ACPI eject the guest never answered completes too:
			 * the machine comes back without that vCPU. */
			shared.present[i] = info.present && !info.unplug_when_off &&
					    !(vm.cpuhp_ready && cpuhp_eject_pending(&vm.cpuhp, i));
		}
		vm_destroy(&vm);
		timing.destroyed = mono_ns();

		if (why == VM_EXIT_SYSTEM_RESET) {
			shared.resets++;
			if (shared.resets > cfg.max_resets) {
				vm_err("the guest reset %u times; giving up (--max-resets %u)\n",
				       shared.resets, cfg.max_resets);
				break;
			}
			/* SYSTEM_RESET: a fresh VM (vGIC and all) boots the same image. */
			if (image_changed("image", cfg.image, &kernel_file) ||
			    image_changed("initrd", cfg.initrd, &initrd_file))
				break;
			continue;
		}
		if (why == VM_EXIT_SYSTEM_OFF) {
			if (failed) {
				vm_err("the guest reported failure (result %u)\n", result);
				status = EXIT_GUEST_FAILED;
			} else {
				status = EXIT_GUEST_OK;
			}
		} else if (why == VM_EXIT_SIGNAL) {
			status = 130; /* as a shell reports SIGINT */
		}
		break;
	}
	/* What the guest printed comes out before our last words; a reader
	 * that never reads gets a few seconds, not forever. */
	outbuf_flush(out, OUTBUF_EXIT_FLUSH_MS);
	outbuf_flush(errout, OUTBUF_EXIT_FLUSH_MS);
	console_close(&con);
	if (cfg.exit_stats) {
		print_exit_stats(&shared, &mem);
		print_boot_timing(&timing, &shared);
	}
out_signal:
	outbuf_set_log(NULL);
	if (errout != out)
		outbuf_destroy(errout);
	outbuf_destroy(out);
	close(signal_fd);
out_ctl:
	if (cfg.control)
		control_server_close(&ctl);
out_kvm:
	close(kvm_fd);
out_images:
	/* The record ends with the VM: its last lines get the same grace. */
	tracefile_close(&tracefile, OUTBUF_EXIT_FLUSH_MS);
	free(shared.present);
	unmap_file(&kernel_file, images.kernel, images.kernel_size);
	unmap_file(&initrd_file, images.initrd, images.initrd_size);
	return status;
}

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
	if (!strcmp(cmd, "ctl"))
		return control_client_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "info"))
		return cmd_info(argc - 1, argv + 1);
	if (!strcmp(cmd, "timeline"))
		return timeline_main(argc - 1, argv + 1);
	vm_err("unknown command '%s' (see vmm --help)\n", cmd);
	return EXIT_VMM_ERROR;
}
