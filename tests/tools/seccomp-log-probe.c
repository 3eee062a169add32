/*
 * The positive control of the nested test that runs the VMM with --sandbox
 * log and expects no seccomp log line: this process installs a filter that
 * logs every system call (SECCOMP_RET_LOG) and makes one, so the kernel
 * must log at least one line (audit type=1326). If it does not, the test's
 * "no line" would prove nothing, and it says so. Static, for the test host.
 */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	struct sock_filter log_all = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_LOG);
	struct sock_fprog prog = {.len = 1, .filter = &log_all};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog)) {
		perror("seccomp-log-probe");
		return 1;
	}
	return getppid() > 0 ? 0 : 1; /* a logged call */
}
