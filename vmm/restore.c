/*
 * `vmm restore DIR [OPTIONS]` (DESIGN.md §13, "Restoring"): a new process
 * continues the guest saved in DIR. Wiring, in the order things must
 * happen:
 *
 *   options (cli_parse_restore) -> DIR/state read and checked whole
 *   (snapfile.h) -> the machine (SNAP_MACHINE) and the options it implies,
 *   the user's SMCCC ranges, PV time, the boot files (SNAP_HOST) ->
 *   DIR/ram opened -> boot_main (boot.c), with three hooks: after the
 *   set-up, restore_prepare (what survives resets, the injection rules, the
 *   boot files as found now); the first VM is created from DIR/ram and
 *   brought to the saved state (restore_into, kvm/snapshot_restore.c);
 *   after a SYSTEM_RESET the next VM boots the kernel as `vmm boot` would.
 *
 * Every problem is one line and exit status 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vmm/boot.h"
#include "vmm/kvm/snapshot.h"
#include "vmm/snapshot/snapstate.h"

struct boot_restore {
	const char *dir;
	struct snap_image img;
	struct snap_host host;
	int ram_fd;
	bool done; /* the first VM was restored */
};

bool restore_done(const struct boot *b)
{
	return b->restore->done;
}

const char *restore_dir(const struct boot *b)
{
	return b->restore->dir;
}

int restore_ram_fd(const struct boot *b)
{
	return b->restore->ram_fd;
}

/* One line: "vmm: snapshot DIR: what". */
static int fail(const struct boot_restore *r, const char *what)
{
	vm_err("snapshot %s: %s\n", r->dir, what);
	return -1;
}

static const struct snap_section *section(const struct boot_restore *r, uint32_t tag)
{
	return snap_find(&r->img, tag, 0);
}

/* The machine and every option it implies, from the snapshot. */
static int restore_config(struct boot *b, struct boot_restore *r)
{
	const struct snap_section *m = section(r, SNAP_MACHINE), *sm = section(r, SNAP_SMCCC),
				  *h = section(r, SNAP_HOST);
	struct snap_smccc smccc;
	char err[512];

	if (!m || !sm || !h)
		return fail(r, "the MACHINE, SMCCC or HOST section is missing");
	if (snap_machine_load(&b->machine, m->data, m->len, err, sizeof(err)) ||
	    snap_smccc_load(&smccc, sm->data, sm->len, err, sizeof(err)) ||
	    snap_host_load(&r->host, h->data, h->len, err, sizeof(err)))
		return fail(r, err);
	snap_machine_config(&b->machine, &b->cfg);
	b->cfg.nr_filters = snap_smccc_filters(&smccc, b->cfg.filters, CLI_MAX_FILTERS);
	/* The guest had PV time: the restored VM maps its region again. */
	if (section(r, SNAP_PVTIME))
		b->cfg.services |= CLI_SVC_PV_TIME;
	b->cfg.image = r->host.kernel.path;
	b->cfg.initrd = r->host.initrd.path[0] ? r->host.initrd.path : NULL;
	return 0;
}

static int open_snapshot(struct boot *b, struct boot_restore *r)
{
	char path[PATH_MAX + 16], err[PATH_MAX + 256];

	snprintf(path, sizeof(path), "%s/state", r->dir);
	if (snap_read_file(path, &r->img, err, sizeof(err))) {
		vm_err("%s\n", err);
		return -1;
	}
	if (restore_config(b, r))
		return -1;
	snprintf(path, sizeof(path), "%s/ram", r->dir);
	r->ram_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->ram_fd < 0) {
		snprintf(err, sizeof(err), "%s: %s", path, strerror(errno));
		return fail(r, err);
	}
	return 0;
}

/* A boot file as opened now must be the one the guest booted. */
static int check_boot_file(struct boot_restore *r, const struct snap_boot_file *saved,
			   const struct image_file *f, const char *what)
{
	char err[SNAP_PATH_MAX + 256];
	uint64_t mtime;

	if (!f)
		return 0;
	mtime = (uint64_t)f->st.st_mtim.tv_sec * 1000000000ULL + (uint64_t)f->st.st_mtim.tv_nsec;
	if (snap_boot_file_check(saved, (uint64_t)f->st.st_size, mtime, what, err, sizeof(err)))
		return fail(r, err);
	return 0;
}

int restore_prepare(struct boot *b)
{
	struct boot_restore *r = b->restore;
	const struct snap_section *sh = section(r, SNAP_SHARED), *inj = section(r, SNAP_INJECT);
	struct snap_shared shared;
	char err[512];

	if (check_boot_file(r, &r->host.kernel, b->images.kernel, "kernel") ||
	    check_boot_file(r, &r->host.initrd, b->images.initrd, "initrd"))
		return -1;
	if (!sh || !inj)
		return fail(r, "the SHARED or INJECT section is missing");
	if (snap_shared_load(&shared, b->machine.nr_cpus, sh->data, sh->len, err, sizeof(err)))
		return fail(r, err);
	b->shared.resets = shared.resets;
	b->shared.restores = shared.restores + 1;
	atomic_store(&b->shared.hypercalls, shared.hypercalls);
	for (unsigned int i = 0; i < b->machine.nr_cpus; i++)
		b->shared.present[i] = shared.present[i];
	/* --inject replaces the rules in force; without it they are the saved ones. */
	if (!b->cfg.nr_injects &&
	    snap_inject_load(&b->inject, inj->data, inj->len, err, sizeof(err)))
		return fail(r, err);
	return 0;
}

int restore_into(struct boot *b, struct vm *vm)
{
	struct boot_restore *r = b->restore;
	char err[1024];

	r->done = true;
	if (snapshot_restore(vm, &r->img, r->ram_fd, err, sizeof(err)))
		return fail(r, err);
	return 0;
}

int cmd_restore(int argc, char **argv)
{
	struct boot boot = {0}, *b = &boot;
	struct boot_restore rs = {.ram_fd = -1};
	char err[256];
	int status;

	boot_start(b);
	status =
	    boot_options_outcome(cli_parse_restore(argc, argv, &b->cfg, &rs.dir, err, sizeof(err)),
				 cli_restore_usage, err);
	if (status >= 0)
		return status;
	status = EXIT_VMM_ERROR;
	b->restore = &rs;
	if (!open_snapshot(b, &rs))
		status = boot_main(b);
	if (rs.ram_fd >= 0)
		close(rs.ram_fd);
	snap_image_free(&rs.img);
	return status;
}
