/*
 * The allow-lists of the sandbox, per thread role, as data (policy.c): every
 * system call and every ioctl number a role may use, each with the reason.
 * seccomp.c turns them into BPF; DESIGN.md §12 lists them. To allow a call,
 * add a row here with its reason (and to DESIGN.md's table).
 */
#ifndef VMM_SANDBOX_POLICY_H
#define VMM_SANDBOX_POLICY_H

#include <stddef.h>

#include "vmm/sandbox/sandbox.h"

/* What a row checks of the call's arguments besides its number. */
enum sandbox_arg_rule {
	SANDBOX_ANY_ARGS,
	SANDBOX_IOCTL_LISTED, /* ioctl: the request is one of the role's ioctl rows */
	SANDBOX_NO_EXEC,      /* mmap/mprotect: PROT_EXEC clear (arg 2) */
	SANDBOX_THREAD_ONLY,  /* clone: CLONE_THREAD set, so never a new process */
	SANDBOX_PRCTL_LISTED, /* prctl: PR_SET_NO_NEW_PRIVS or PR_SET_NAME */
	SANDBOX_OWN_PROCESS,  /* tgkill: the first argument is our own pid */
	SANDBOX_ENOSYS,	      /* clone3: answered ENOSYS so glibc falls back to clone,
				 whose flags a filter can see */
};

struct sandbox_call {
	const char *name; /* libseccomp's name; one the arch lacks is skipped */
	enum sandbox_arg_rule rule;
	const char *why;
};

struct sandbox_ioctl {
	unsigned long request;
	const char *name;
	const char *why;
};

struct sandbox_role_policy {
	const char *name;
	const struct sandbox_call *calls;
	size_t nr_calls;
	const struct sandbox_ioctl *ioctls;
	size_t nr_ioctls;
};

extern const struct sandbox_role_policy sandbox_policies[SANDBOX_NR_ROLES];

/* The prctl options SANDBOX_PRCTL_LISTED lets through. */
extern const unsigned long sandbox_prctl_options[2];

#endif
