/*
 * Inside the sandbox module (not for the rest of the VMM): the seccomp
 * filters (seccomp.c) and the Landlock ruleset (landlock.c) that sandbox.c
 * puts together.
 */
#ifndef VMM_SANDBOX_INTERNAL_H
#define VMM_SANDBOX_INTERNAL_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "vmm/sandbox/sandbox.h"

/* role's allow-list (policy.c) as a BPF program for this architecture: what
 * is not listed is logged (log) or kills the process. 0, or -1 with one
 * line in err. The program's memory is the caller's (free prog->filter). */
int sandbox_filter_build(enum sandbox_role role, bool log, struct sock_fprog *prog, char *err,
			 size_t errlen);

/* NNP, then prog on the calling thread. 0 or -errno. */
int sandbox_filter_install(const struct sock_fprog *prog);

/* `vmm info`'s seccomp line. */
void sandbox_seccomp_info(FILE *f);

/* The Landlock ABI the kernel offers (1, 2, ...), or -errno (ENOSYS: not
 * built in; EOPNOTSUPP: built in but not enabled at boot). */
int sandbox_landlock_abi(void);

/* Restrict the calling thread (and the threads it creates later) to paths,
 * with every access right the kernel's ABI can handle. NNP must be set.
 * 0, or -1 with one line in err. */
int sandbox_landlock_restrict(const struct sandbox_paths *paths, char *err, size_t errlen);

#endif
