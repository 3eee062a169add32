/*
 * The sandbox's state and its entry points (contract and order in
 * sandbox.h; the lists in policy.c, DESIGN.md §12).
 *
 * One process, one policy: the mode, the compiled filters and the
 * directories the VMM may write are kept here, set once at start by the
 * main thread before any other thread exists and read-only afterwards.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmm/sandbox/sandbox_internal.h"

static struct {
	enum sandbox_mode mode;
	bool prepared; /* the filters exist: the mode is not off */
	bool confined; /* the main thread is: sandbox_check_write checks */
	struct sock_fprog progs[SANDBOX_NR_ROLES];
	char write_dirs[SANDBOX_MAX_PATHS][PATH_MAX]; /* absolute, resolved */
	unsigned int nr_write_dirs;
} sandbox;

static const char *const mode_names[] = {
    [SANDBOX_ON] = "on", [SANDBOX_LOG] = "log", [SANDBOX_OFF] = "off", [SANDBOX_STRICT] = "strict"};

int sandbox_parse_mode(const char *s, enum sandbox_mode *mode)
{
	for (unsigned int i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
		if (!strcmp(s, mode_names[i])) {
			*mode = (enum sandbox_mode)i;
			return 0;
		}
	}
	return -1;
}

const char *sandbox_mode_name(enum sandbox_mode mode)
{
	return mode_names[mode];
}

void sandbox_paths_add_dir(struct sandbox_paths *p, const char *dir)
{
	if (dir && p->nr_write_dirs < SANDBOX_MAX_PATHS)
		p->write_dirs[p->nr_write_dirs++] = dir;
}

void sandbox_paths_add_read(struct sandbox_paths *p, const char *path)
{
	if (path && p->nr_read_paths < SANDBOX_MAX_PATHS)
		p->read_paths[p->nr_read_paths++] = path;
}

/* The directory part of file, resolved; false if it does not resolve. */
static bool dir_of(const char *file, char out[PATH_MAX])
{
	char dir[PATH_MAX];
	const char *slash = strrchr(file, '/');

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == file)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - file), file);
	return realpath(dir, out) != NULL;
}

void sandbox_paths_add_dir_of(struct sandbox_paths *p, const char *file)
{
	char *dir = p->dir_store[p->nr_write_dirs % SANDBOX_MAX_PATHS];

	if (file && p->nr_write_dirs < SANDBOX_MAX_PATHS && dir_of(file, dir))
		sandbox_paths_add_dir(p, dir);
}

int sandbox_prepare(enum sandbox_mode mode, char *err, size_t errlen)
{
	int abi;

	sandbox.mode = mode;
	if (mode == SANDBOX_OFF)
		return 0;
	abi = sandbox_landlock_abi();
	if (mode == SANDBOX_STRICT && abi < 1) {
		snprintf(err, errlen,
			 "--sandbox strict: this host's kernel offers no Landlock (%s); "
			 "--sandbox on runs with seccomp alone",
			 strerror(-abi));
		return -1;
	}
	for (int r = 0; r < SANDBOX_NR_ROLES; r++)
		if (sandbox_filter_build((enum sandbox_role)r, mode == SANDBOX_LOG,
					 &sandbox.progs[r], err, errlen))
			return -1;
	sandbox.prepared = true;
	return 0;
}

/* The directories a confined VMM may write, for sandbox_check_write. */
static void keep_write_dirs(const struct sandbox_paths *paths)
{
	for (unsigned int i = 0; i < paths->nr_write_dirs; i++) {
		char *d = sandbox.write_dirs[sandbox.nr_write_dirs];

		if (realpath(paths->write_dirs[i], d))
			sandbox.nr_write_dirs++;
	}
}

int sandbox_confine_main(const struct sandbox_paths *paths, char *note, size_t notelen, char *err,
			 size_t errlen)
{
	int ret, abi;

	note[0] = '\0';
	if (!sandbox.prepared)
		return 0;
	keep_write_dirs(paths);
	/* Landlock wants no_new_privs first (or CAP_SYS_ADMIN). */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		snprintf(err, errlen, "sandbox: PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return -1;
	}
	abi = sandbox_landlock_abi();
	if (abi < 1)
		snprintf(note, notelen,
			 "warning: no Landlock on this host (%s): files are not confined, "
			 "seccomp is (--sandbox strict refuses to start)",
			 strerror(-abi));
	else if (sandbox_landlock_restrict(paths, err, errlen))
		return -1;
	ret = sandbox_filter_install(&sandbox.progs[SANDBOX_ROLE_MAIN]);
	if (ret) {
		snprintf(err, errlen, "sandbox: installing the main thread's filter: %s",
			 strerror(-ret));
		return -1;
	}
	sandbox.confined = true;
	return 0;
}

void sandbox_enter(enum sandbox_role role)
{
	static const char msg[] = "vmm: sandbox: a thread could not confine itself; stopping\n";
	int ret;

	if (!sandbox.prepared || role == SANDBOX_ROLE_MAIN)
		return;
	ret = sandbox_filter_install(&sandbox.progs[role]);
	if (ret) {
		/* Never run a thread unconfined that should not be. */
		ssize_t ignored = write(STDERR_FILENO, msg, sizeof(msg) - 1);

		(void)ignored;
		syscall(SYS_exit_group, 2);
	}
}

/* Is dir (resolved) the directory d or beneath it? */
static bool beneath(const char *dir, const char *d)
{
	size_t n = strlen(d);

	if (!strcmp(d, "/"))
		return true;
	return !strncmp(dir, d, n) && (dir[n] == '\0' || dir[n] == '/');
}

int sandbox_check_write(const char *what, const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	size_t used;

	if (!sandbox.confined || !dir_of(path, dir))
		return 0; /* a directory that does not resolve fails in open() */
	for (unsigned int i = 0; i < sandbox.nr_write_dirs; i++)
		if (beneath(dir, sandbox.write_dirs[i]))
			return 0;
	used = (size_t)snprintf(
	    err, errlen, "%s '%s': outside the directories this VMM may write (", what, path);
	for (unsigned int i = 0; i < sandbox.nr_write_dirs && used < errlen; i++)
		used += (size_t)snprintf(err + used, errlen - used, "%s%s", i ? ", " : "",
					 sandbox.write_dirs[i]);
	if (!sandbox.nr_write_dirs && used < errlen)
		used += (size_t)snprintf(err + used, errlen - used, "none");
	if (used < errlen)
		snprintf(err + used, errlen - used, ")");
	return -1;
}

void sandbox_print_info(FILE *f)
{
	int abi = sandbox_landlock_abi();

	sandbox_seccomp_info(f);
	if (abi >= 1)
		fprintf(f, "landlock abi: %d\n", abi);
	else
		fprintf(f, "landlock abi: none (%s)\n", strerror(-abi));
}
