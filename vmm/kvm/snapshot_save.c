/*
 * Snapshot glue, the save (DESIGN.md §13, "Taking a snapshot"): with every
 * vCPU parked (vm_control_snapshot.c made sure), the VM's whole state goes
 * into a new directory:
 *
 *   DIR/ram    guest RAM, sparse (snapshot_ram.c), then the ACPI region
 *   DIR/state  the sections (snapfile.h), in this order: MACHINE, HOST,
 *              RAM_INFO, SHARED, PSCI, SMCCC, VENDOR, CPUHP (--acpi), UART,
 *              TESTDEV, INJECT, FIRMWARE_REGS, VCPU 0..n-1, VGIC, COUNTER,
 *              PVTIME (when the guest has PV time)
 *
 * Both are written into a temporary sibling, DIR.partial-PID, which is
 * renamed to DIR only once everything is written and fsync()ed: a snapshot
 * cut short (a full disk, a crash, a kill) leaves no DIR that looks whole.
 * DIR must not exist, or be an empty directory (rename replaces one).
 *
 * System calls: mkdir, openat, pwrite/write, ftruncate, lseek, fsync,
 * rename, unlink, rmdir, getdents (the emptiness check), realpath's, and
 * /proc/self/pagemap's pread (snapshot_ram.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vmm/kvm/snapshot.h"
#include "vmm/kvm/vm.h"
#include "vmm/kvm/vm_internal.h"
#include "vmm/machine/machine.h"
#include "vmm/snapshot/snapstate.h"

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return -1;                                                                         \
	} while (0)

/* The directory that holds `dir` ("." for a bare name), into parent. */
static void parent_of(const char *dir, char *parent, size_t len)
{
	const char *slash = strrchr(dir, '/');

	if (!slash)
		snprintf(parent, len, ".");
	else if (slash == dir)
		snprintf(parent, len, "/");
	else
		snprintf(parent, len, "%.*s", (int)(slash - dir), dir);
}

static bool dir_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool empty = true;

	if (!d)
		return false;
	while (empty && (e = readdir(d)))
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	closedir(d);
	return empty;
}

int snapshot_check_dir(const char *dir, char *err, size_t errlen)
{
	char parent[PATH_MAX];
	struct stat st;
	size_t n = strlen(dir);

	if (n == 0 || dir[n - 1] == '/' || n > PATH_MAX - 32)
		FAIL("snapshot '%s': give a directory name without a trailing '/'", dir);
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode) || !dir_is_empty(dir))
			FAIL("snapshot '%s': exists and is not an empty directory", dir);
		return 0;
	}
	if (errno != ENOENT)
		FAIL("snapshot '%s': %s", dir, strerror(errno));
	parent_of(dir, parent, sizeof(parent));
	if (stat(parent, &st) < 0 || !S_ISDIR(st.st_mode))
		FAIL("snapshot '%s': no directory '%s' to put it in", dir, parent);
	return 0;
}

void snapshot_host_facts(struct vm *vm, struct snap_host *h)
{
	memset(h, 0, sizeof(*h));
	h->page_size = (uint32_t)sysconf(_SC_PAGESIZE);
	h->filter = vm_has_smccc_filter(vm) && vm->smccc.nr > 0;
	h->pmu = machine_has_pmu(vm->machine);
}

/* A boot file: its absolute path and the identity it was opened with. */
static int boot_file_fact(const struct image_file *f, struct snap_boot_file *out, char *err,
			  size_t errlen)
{
	char abs[PATH_MAX];

	if (!f)
		return 0;
	if (!realpath(f->path, abs))
		FAIL("the guest's %s '%s' is gone (%s): a restore could not reset the guest",
		     f->what, f->path, strerror(errno));
	snprintf(out->path, sizeof(out->path), "%s", abs);
	out->size = (uint64_t)f->st.st_size;
	out->mtime_ns =
	    (uint64_t)f->st.st_mtim.tv_sec * 1000000000ULL + (uint64_t)f->st.st_mtim.tv_nsec;
	return 0;
}

/* The state file being written: one buffer reused for every payload. */
struct saver {
	struct snap_writer w;
	struct snap_buf b;
	char *err;
	size_t errlen;
};

static int put(struct saver *s, uint32_t tag, uint32_t index)
{
	char name[32];
	int ret;

	if (s->b.oom) {
		snprintf(s->err, s->errlen, "out of memory saving section %s",
			 snap_tag_name(tag, name, sizeof(name)));
		return -1;
	}
	ret = snap_write_section(&s->w, tag, index, s->b.data, s->b.len);
	snap_buf_reset(&s->b);
	if (ret)
		snprintf(s->err, s->errlen, "writing the state file: %s", s->w.err);
	return ret ? -1 : 0;
}

/* What outlives a reset, as the next VM would start from it (boot.c's
 * keep_vm_outcome): a deferred unplug or an unanswered eject completes. */
static void save_shared(struct saver *s, struct vm *vm)
{
	struct snap_shared sh = {
	    .resets = vm->shared->resets,
	    .restores = vm->shared->restores,
	    .hypercalls = atomic_load(&vm->shared->hypercalls),
	    .nr_cpus = vm->nr_cpus,
	};

	for (unsigned int i = 0; i < vm->nr_cpus; i++) {
		struct psci_cpu_info info;

		psci_cpu_info(&vm->psci, i, &info);
		sh.present[i] = info.present && !info.unplug_when_off &&
				!(vm->cpuhp_ready && cpuhp_eject_pending(&vm->cpuhp, i));
	}
	snap_shared_save(&sh, &s->b);
}

/* MACHINE .. INJECT: what the VMM itself holds. */
static int save_userspace(struct saver *s, struct vm *vm, uint64_t ram_pages)
{
	struct snap_host host;
	struct snap_ram_info ri = {
	    .ram_size = vm->ram_size,
	    .page_size = (uint32_t)sysconf(_SC_PAGESIZE),
	    .data_pages = ram_pages,
	    .acpi_size = vm->acpi_region ? vm->machine->acpi_size : 0,
	};

	snapshot_host_facts(vm, &host);
	if (boot_file_fact(vm->images->kernel, &host.kernel, s->err, s->errlen) ||
	    boot_file_fact(vm->images->initrd, &host.initrd, s->err, s->errlen))
		return -1;
	snap_machine_save(vm->machine, &s->b);
	if (put(s, SNAP_MACHINE, 0))
		return -1;
	snap_host_save(&host, &s->b);
	if (put(s, SNAP_HOST, 0))
		return -1;
	snap_ram_info_save(&ri, &s->b);
	if (put(s, SNAP_RAM_INFO, 0))
		return -1;
	save_shared(s, vm);
	if (put(s, SNAP_SHARED, 0))
		return -1;
	snap_psci_save(&vm->psci, &s->b);
	if (put(s, SNAP_PSCI, 0))
		return -1;
	snap_smccc_save(&vm->smccc, &s->b);
	if (put(s, SNAP_SMCCC, 0))
		return -1;
	snap_vendor_save(&vm->vendor, &s->b);
	if (put(s, SNAP_VENDOR, 0))
		return -1;
	if (vm->cpuhp_ready) {
		snap_cpuhp_save(&vm->cpuhp, &s->b);
		if (put(s, SNAP_CPUHP, 0))
			return -1;
	}
	snap_uart_save(&vm->uart, &s->b);
	if (put(s, SNAP_UART, 0))
		return -1;
	snap_testdev_save(&vm->testdev, &s->b);
	if (put(s, SNAP_TESTDEV, 0))
		return -1;
	snap_inject_save(vm->shared->inject, &s->b);
	return put(s, SNAP_INJECT, 0);
}

/* FIRMWARE_REGS .. PVTIME: what KVM holds. */
static int save_kvm(struct saver *s, struct vm *vm, uint64_t counter)
{
	struct snap_fw_regs fw;

	if (snapshot_save_fw_regs(&vm->vcpus[0], &fw, s->err, s->errlen))
		return -1;
	snap_fw_regs_save(&fw, &s->b);
	if (put(s, SNAP_FIRMWARE_REGS, 0))
		return -1;
	for (unsigned int i = 0; i < vm->nr_cpus; i++) {
		if (snapshot_save_vcpu(&vm->vcpus[i], &s->b, s->err, s->errlen) ||
		    put(s, SNAP_VCPU, i))
			return -1;
	}
	if (snapshot_save_vgic(vm, &s->b, s->err, s->errlen) || put(s, SNAP_VGIC, 0))
		return -1;
	snap_counter_save(counter, &s->b);
	if (put(s, SNAP_COUNTER, 0))
		return -1;
	if (vm->pvtime) {
		snap_pvtime_save(vm->machine->pvtime_base, vm->pvtime, vm->machine->pvtime_size,
				 &s->b);
		if (put(s, SNAP_PVTIME, 0))
			return -1;
	}
	return 0;
}

static int open_new(const char *dir, const char *name, char *path, size_t len)
{
	snprintf(path, len, "%s/%s", dir, name);
	return open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
}

static int fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret;

	if (fd < 0)
		return -1;
	ret = fsync(fd);
	close(fd);
	return ret;
}

/* Both files into tmp, synced. *bytes: state file plus RAM data. */
static int write_files(struct vm *vm, const char *tmp, uint64_t counter, uint64_t *bytes, char *err,
		       size_t errlen)
{
	char path[PATH_MAX + 16];
	struct saver s = {.err = err, .errlen = errlen};
	uint64_t pages = 0;
	int ram_fd = open_new(tmp, "ram", path, sizeof(path)), state_fd, ret;

	if (ram_fd < 0)
		FAIL("snapshot: creating %s: %s", path, strerror(errno));
	ret = snapshot_write_ram(vm, ram_fd, &pages, err, errlen);
	if (!ret && fsync(ram_fd) < 0)
		snprintf(err, errlen, "snapshot: fsync(ram): %s", strerror(ret = errno));
	close(ram_fd);
	if (ret)
		return -1;
	state_fd = open_new(tmp, "state", path, sizeof(path));
	if (state_fd < 0)
		FAIL("snapshot: creating %s: %s", path, strerror(errno));
	snap_buf_init(&s.b);
	ret = snap_writer_begin(&s.w, state_fd);
	if (ret)
		snprintf(err, errlen, "writing the state file: %s", s.w.err);
	if (!ret)
		ret = save_userspace(&s, vm, pages);
	if (!ret)
		ret = save_kvm(&s, vm, counter);
	if (!ret && snap_writer_end(&s.w))
		ret = -1, snprintf(err, errlen, "writing the state file: %s", s.w.err);
	if (!ret && fsync(state_fd) < 0)
		ret = -1, snprintf(err, errlen, "snapshot: fsync(state): %s", strerror(errno));
	snap_buf_free(&s.b);
	close(state_fd);
	*bytes = snap_writer_bytes(&s.w) + pages * (uint64_t)sysconf(_SC_PAGESIZE);
	return ret ? -1 : 0;
}

static void remove_tmp(const char *tmp)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/state", tmp);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ram", tmp);
	unlink(path);
	rmdir(tmp);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int snapshot_save(struct vm *vm, const char *dir, uint64_t counter, struct snapshot_result *res,
		  char *err, size_t errlen)
{
	char tmp[PATH_MAX], parent[PATH_MAX];
	uint64_t t0 = now_ms();

	if (snapshot_check_dir(dir, err, errlen))
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.partial-%ld", dir, (long)getpid());
	if (mkdir(tmp, 0700) < 0)
		FAIL("snapshot: creating %s: %s", tmp, strerror(errno));
	if (write_files(vm, tmp, counter, &res->bytes, err, errlen)) {
		remove_tmp(tmp);
		return -1;
	}
	if (fsync_path(tmp) < 0 || rename(tmp, dir) < 0) {
		snprintf(err, errlen, "snapshot: renaming %s to %s: %s", tmp, dir, strerror(errno));
		remove_tmp(tmp);
		return -1;
	}
	parent_of(dir, parent, sizeof(parent));
	fsync_path(parent);
	res->ms = now_ms() - t0;
	return 0;
}
