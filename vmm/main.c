/*
 * vmm: a minimal arm64 KVM VMM whose guest firmware calls (PSCI and chosen
 * SMCCC ranges) are answered in userspace. This file only wires the pieces
 * together, in the order they must be set up.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/cli.h"
#include "vmm/console.h"
#include "vmm/control_server.h"
#include "vmm/inject.h"
#include "vmm/outbuf.h"
#include "vmm/timeline.h"
#include "vmm/tracefile.h"
#include "vmm/vm.h"

/* How long the guest's last output may take to drain at exit. */
#define OUTBUF_EXIT_FLUSH_MS 3000

enum {
	EXIT_GUEST_OK = 0,
	EXIT_GUEST_FAILED = 1,
	EXIT_VMM_ERROR = 2,
};

/* Read a whole regular file; refuses what is not one, or is too large for RAM. */
static int read_file(const char *what, const char *path, uint64_t limit, uint8_t **buf, size_t *len)
{
	struct stat st;
	size_t done = 0;
	/* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
	 * writer for ever; it is refused below like any non-regular file. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		vm_err("%s '%s': %s\n", what, path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		vm_err("%s '%s': not a regular file\n", what, path);
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	if ((uint64_t)st.st_size > limit) {
		vm_err("%s '%s' (%lld bytes) is larger than guest RAM (%llu bytes)\n", what, path,
		       (long long)st.st_size, (unsigned long long)limit);
		close(fd);
		return -1;
	}
	*len = (size_t)st.st_size;
	*buf = malloc(*len ? *len : 1);
	if (!*buf) {
		vm_err("%s '%s': out of memory for %zu bytes\n", what, path, *len);
		close(fd);
		return -1;
	}
	while (done < *len) {
		ssize_t n = read(fd, *buf + done, *len - done);

		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			vm_err("%s '%s': short read\n", what, path);
			free(*buf);
			*buf = NULL;
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	close(fd);
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

static int cmd_boot(int argc, char **argv, bool kvmtool_spelling)
{
	struct vmm_config cfg;
	struct vm_images images = {0};
	struct vmm_shared shared = {0};
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
	if (read_file("image", cfg.image, cfg.ram_size, &images.kernel, &images.kernel_size))
		return EXIT_VMM_ERROR;
	if (images.kernel_size == 0) {
		vm_err("image '%s' is empty\n", cfg.image);
		goto out_images;
	}
	if (cfg.initrd &&
	    read_file("initrd", cfg.initrd, cfg.ram_size, &images.initrd, &images.initrd_size))
		goto out_images;

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

	/* SIGINT/SIGTERM end the VM cleanly: the main thread reads them from a
	 * signalfd; vCPU threads inherit the blocked mask. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	sigdelset(&stop_signals, SIGUSR1);
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
		if (vm_create(&vm, kvm_fd, &cfg, &images, &shared)) {
			vm_destroy(&vm);
			break;
		}
		vm_run(&vm, signal_fd, cfg.control ? &ctl : NULL, &con);
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

		if (why == VM_EXIT_SYSTEM_RESET) {
			shared.resets++;
			if (shared.resets > cfg.max_resets) {
				vm_err("the guest reset %u times; giving up (--max-resets %u)\n",
				       shared.resets, cfg.max_resets);
				break;
			}
			/* SYSTEM_RESET: a fresh VM (vGIC and all) boots the same image. */
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
	if (cfg.exit_stats)
		print_exit_stats(&shared, &mem);
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
	free(images.kernel);
	free(images.initrd);
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
		fputs(cli_main_usage, stdout);
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
