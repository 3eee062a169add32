/*
 * The VMM confines itself (DESIGN.md §12): no_new_privs, a seccomp-bpf
 * allow-list per thread role (built with libseccomp, ioctl numbers
 * included), and Landlock rules for the files it may still create or read.
 *
 * Order, and why (the filters stack, and a thread inherits its creator's):
 *   sandbox_prepare    at start, before any thread: the mode, the filters
 *                      of every role compiled to BPF once
 *   sandbox_enter      first thing in each thread that has a role of its own
 *                      (a vCPU, an output writer): NNP and that role's filter
 *   sandbox_confine_main  the main thread, after the set-up and before the
 *                      first VM is built: NNP, Landlock, the main filter.
 *                      Threads it creates later (the vCPUs of every VM, a
 *                      new trace file's writer) inherit all three and add
 *                      their own filter, so the main set holds what they need.
 * Everything is a no-op until sandbox_prepare ran with a mode other than
 * off, so the unit tests of the modules that call sandbox_enter stay free.
 */
#ifndef VMM_SANDBOX_H
#define VMM_SANDBOX_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum sandbox_mode {
	SANDBOX_ON,	/* the default: a call outside the lists kills the process */
	SANDBOX_LOG,	/* such a call is logged (SECCOMP_RET_LOG) and allowed */
	SANDBOX_OFF,	/* no confinement at all */
	SANDBOX_STRICT, /* as on, and refuse to start without Landlock */
};

enum sandbox_role {
	SANDBOX_ROLE_MAIN,   /* the main loop: set-up, VMs and resets, control, console */
	SANDBOX_ROLE_VCPU,   /* a vCPU thread */
	SANDBOX_ROLE_WRITER, /* an output ring's writer (stdout, stderr, the record) */
	SANDBOX_NR_ROLES,
};

/* "on", "log", "off", "strict" -> mode; -1 for anything else. */
int sandbox_parse_mode(const char *s, enum sandbox_mode *mode);
const char *sandbox_mode_name(enum sandbox_mode mode);

/* At most this many directories the VMM may write, and files or
 * directories it may read, once confined. */
#define SANDBOX_MAX_PATHS 8

/* What Landlock lets the confined VMM touch: each write entry is a
 * directory (created files, removed files, subdirectories), each read entry
 * a file or a directory (read only). Paths as given; made absolute inside. */
struct sandbox_paths {
	const char *write_dirs[SANDBOX_MAX_PATHS];
	unsigned int nr_write_dirs;
	const char *read_paths[SANDBOX_MAX_PATHS];
	unsigned int nr_read_paths;
	char dir_store[SANDBOX_MAX_PATHS][PATH_MAX]; /* sandbox_paths_add_dir_of's copies */
};

/* Add the directory that holds file (NULL: nothing) / a directory /
 * a readable path; a full list drops the entry, which Landlock then refuses. */
void sandbox_paths_add_dir_of(struct sandbox_paths *p, const char *file);
void sandbox_paths_add_dir(struct sandbox_paths *p, const char *dir);
void sandbox_paths_add_read(struct sandbox_paths *p, const char *path);

/*
 * Build every role's filter for mode (and check Landlock for strict).
 * Call once, before any thread exists. 0, or -1 with one line in err.
 */
int sandbox_prepare(enum sandbox_mode mode, char *err, size_t errlen);

/*
 * Confine the calling (main) thread: NNP, Landlock with paths, the main
 * filter. On a host without Landlock, note gets the one warning line to
 * print (strict was refused by sandbox_prepare); else it is empty. 0, or
 * -1 with one line in err.
 */
int sandbox_confine_main(const struct sandbox_paths *paths, char *note, size_t notelen, char *err,
			 size_t errlen);

/* Give the calling thread role's filter (and NNP). Should the kernel
 * refuse, the process ends (status 2) with one line: a thread that should
 * be confined never runs unconfined. No-op unless prepared with a mode
 * other than off. */
void sandbox_enter(enum sandbox_role role);

/*
 * May the confined VMM create or write path (a file)? 0 if so, or if the
 * sandbox is off or not yet confined; otherwise -1 and err says "WHAT
 * 'PATH': outside the directories this VMM may write (DIR1, DIR2)".
 * Checked before open(), so the reason is clear; Landlock enforces it.
 */
int sandbox_check_write(const char *what, const char *path, char *err, size_t errlen);

/* `vmm info`: seccomp's filter flags and actions, the Landlock ABI. */
void sandbox_print_info(FILE *f);

#endif
