/*
 * The seccomp-bpf filters (sandbox_internal.h): policy.c's rows turned into
 * BPF with libseccomp for the architecture we run on, then installed with
 * the seccomp(2) system call itself.
 *
 * The programs are compiled once, at start (sandbox_prepare), and exported
 * to memory: a thread that confines itself later makes two system calls
 * (prctl, seccomp) and allocates nothing, so its own filter needs no
 * allocator and a new thread cannot fail halfway.
 *
 * An argument check compares the low 32 bits of ioctl's request (the kernel
 * reads an unsigned int), the PROT_EXEC bit of mmap/mprotect, CLONE_THREAD
 * in clone's flags, prctl's option and tgkill's process. clone3 passes its
 * flags in memory, which a filter cannot read: it is answered ENOSYS, so
 * glibc falls back to clone (the kernel's seccomp_filter.rst, and glibc's
 * own fallback since 2.34).
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmm/sandbox/policy.h"
#include "vmm/sandbox/sandbox_internal.h"

/* Argument arg, masked, equals value (libseccomp's macros leave a field
 * out, which -Wextra refuses). */
static struct scmp_arg_cmp arg_is(unsigned int arg, scmp_datum_t mask, scmp_datum_t value)
{
	return (struct scmp_arg_cmp){
	    .arg = arg, .op = SCMP_CMP_MASKED_EQ, .datum_a = mask, .datum_b = value};
}

static int add_ioctls(scmp_filter_ctx ctx, int nr, const struct sandbox_role_policy *p)
{
	for (size_t i = 0; i < p->nr_ioctls; i++) {
		int ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
					   arg_is(1, 0xffffffffu, p->ioctls[i].request));
		if (ret)
			return ret;
	}
	return 0;
}

static int add_prctls(scmp_filter_ctx ctx, int nr)
{
	for (size_t i = 0; i < sizeof(sandbox_prctl_options) / sizeof(sandbox_prctl_options[0]);
	     i++) {
		int ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
					   arg_is(0, ~0ULL, sandbox_prctl_options[i]));
		if (ret)
			return ret;
	}
	return 0;
}

/* One row of the role's table; a call this architecture lacks is skipped. */
static int add_call(scmp_filter_ctx ctx, const struct sandbox_call *c,
		    const struct sandbox_role_policy *p)
{
	int nr = seccomp_syscall_resolve_name(c->name);

	if (nr == __NR_SCMP_ERROR || nr < 0)
		return 0;
	switch (c->rule) {
	case SANDBOX_ANY_ARGS:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	case SANDBOX_IOCTL_LISTED:
		return add_ioctls(ctx, nr, p);
	case SANDBOX_NO_EXEC:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, arg_is(2, PROT_EXEC, 0));
	case SANDBOX_THREAD_ONLY:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
					arg_is(0, CLONE_THREAD, CLONE_THREAD));
	case SANDBOX_PRCTL_LISTED:
		return add_prctls(ctx, nr);
	case SANDBOX_OWN_PROCESS:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
					arg_is(0, ~0ULL, (scmp_datum_t)getpid()));
	case SANDBOX_ENOSYS:
		return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
	}
	return -EINVAL;
}

/* The compiled program, out of libseccomp into memory of our own. */
static int export_program(scmp_filter_ctx ctx, struct sock_fprog *prog)
{
	int fd = memfd_create("vmm-seccomp", MFD_CLOEXEC), ret;
	struct stat st;
	void *buf;

	if (fd < 0)
		return -errno;
	ret = seccomp_export_bpf(ctx, fd);
	if (!ret && fstat(fd, &st))
		ret = -errno;
	if (!ret && (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) ||
		     st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS))
		ret = -E2BIG;
	if (ret) {
		close(fd);
		return ret;
	}
	buf = malloc((size_t)st.st_size);
	if (!buf || pread(fd, buf, (size_t)st.st_size, 0) != st.st_size) {
		free(buf);
		close(fd);
		return -EIO;
	}
	close(fd);
	prog->filter = buf;
	prog->len = (unsigned short)(st.st_size / sizeof(struct sock_filter));
	return 0;
}

int sandbox_filter_build(enum sandbox_role role, bool log, struct sock_fprog *prog, char *err,
			 size_t errlen)
{
	const struct sandbox_role_policy *p = &sandbox_policies[role];
	scmp_filter_ctx ctx = seccomp_init(log ? SCMP_ACT_LOG : SCMP_ACT_KILL_PROCESS);
	int ret = 0;

	if (!ctx) {
		snprintf(err, errlen, "sandbox: libseccomp refused the %s action on this kernel",
			 log ? "log" : "kill-process");
		return -1;
	}
	for (size_t i = 0; !ret && i < p->nr_calls; i++) {
		ret = add_call(ctx, &p->calls[i], p);
		if (ret)
			snprintf(err, errlen, "sandbox: %s filter, %s: %s", p->name,
				 p->calls[i].name, strerror(-ret));
	}
	if (!ret) {
		ret = export_program(ctx, prog);
		if (ret)
			snprintf(err, errlen, "sandbox: %s filter: exporting it: %s", p->name,
				 strerror(-ret));
	}
	seccomp_release(ctx);
	return ret ? -1 : 0;
}

int sandbox_filter_install(const struct sock_fprog *prog)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog))
		return -errno;
	return 0;
}

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* A flag the kernel knows fails on the NULL program (EFAULT), not on the
 * flag (EINVAL); nothing is installed either way. */
static bool filter_flag_known(unsigned long flags)
{
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, NULL) < 0 && errno == EFAULT;
}

static bool action_available(uint32_t action)
{
	return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
}

void sandbox_seccomp_info(FILE *f)
{
	static const struct {
		unsigned long flag;
		const char *name;
	} flags[] = {
	    {SECCOMP_FILTER_FLAG_TSYNC, "tsync"},
	    {SECCOMP_FILTER_FLAG_LOG, "log"},
	    {SECCOMP_FILTER_FLAG_SPEC_ALLOW, "spec_allow"},
	    {SECCOMP_FILTER_FLAG_NEW_LISTENER, "new_listener"},
	    {SECCOMP_FILTER_FLAG_TSYNC_ESRCH, "tsync_esrch"},
	    {SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV | SECCOMP_FILTER_FLAG_NEW_LISTENER,
	     "wait_killable_recv"},
	};
	static const struct {
		uint32_t action;
		const char *name;
	} actions[] = {
	    {SECCOMP_RET_KILL_PROCESS, "kill_process"},
	    {SECCOMP_RET_KILL_THREAD, "kill_thread"},
	    {SECCOMP_RET_TRAP, "trap"},
	    {SECCOMP_RET_ERRNO, "errno"},
	    {SECCOMP_RET_USER_NOTIF, "user_notif"},
	    {SECCOMP_RET_TRACE, "trace"},
	    {SECCOMP_RET_LOG, "log"},
	    {SECCOMP_RET_ALLOW, "allow"},
	};

	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0 && errno == EINVAL) {
		fputs("seccomp: no (this kernel has no CONFIG_SECCOMP)\n", f);
		return;
	}
	fputs("seccomp filter flags:", f);
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (filter_flag_known(flags[i].flag))
			fprintf(f, " %s", flags[i].name);
	fputs("\nseccomp actions:", f);
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (action_available(actions[i].action))
			fprintf(f, " %s", actions[i].name);
	fputc('\n', f);
}
