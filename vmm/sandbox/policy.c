/*
 * The sandbox's allow-lists (policy.h), one table per thread role, a reason
 * per row. Pure data, compiled on the build host too: the unit test
 * installs these very tables.
 *
 * The rule that shapes them: seccomp filters stack and a thread inherits
 * its creator's at clone (the kernel's seccomp_filter.rst). The main thread
 * creates every vCPU thread (again after each SYSTEM_RESET) and a new trace
 * file's writer while it is confined, so the main set must hold everything
 * those threads need as well; each of them then narrows itself to its own
 * set. The vCPU and writer sets are therefore subsets of the main set
 * (test_sandbox checks it).
 *
 * The KVM request numbers are spelled out with their arm64 argument sizes
 * (the x86 build host has other structs for a few of them); on arm64 they
 * are checked against <linux/kvm.h> at compile time.
 */
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>

#include "vmm/sandbox/policy.h"

/* arm64's struct sizes: kvm_vcpu_init 32 bytes, kvm_vcpu_events 64. */
#define SB_KVM_ARM_VCPU_INIT	    _IOC(_IOC_WRITE, KVMIO, 0xae, 32)
#define SB_KVM_ARM_PREFERRED_TARGET _IOC(_IOC_READ, KVMIO, 0xaf, 32)
#define SB_KVM_GET_VCPU_EVENTS	    _IOC(_IOC_READ, KVMIO, 0x9f, 64)
#define SB_KVM_SET_VCPU_EVENTS	    _IOC(_IOC_WRITE, KVMIO, 0xa0, 64)

#ifdef __aarch64__
_Static_assert(SB_KVM_ARM_VCPU_INIT == KVM_ARM_VCPU_INIT, "KVM_ARM_VCPU_INIT");
_Static_assert(SB_KVM_ARM_PREFERRED_TARGET == KVM_ARM_PREFERRED_TARGET, "PREFERRED_TARGET");
_Static_assert(SB_KVM_GET_VCPU_EVENTS == KVM_GET_VCPU_EVENTS, "KVM_GET_VCPU_EVENTS");
_Static_assert(SB_KVM_SET_VCPU_EVENTS == KVM_SET_VCPU_EVENTS, "KVM_SET_VCPU_EVENTS");
#endif

const unsigned long sandbox_prctl_options[2] = {PR_SET_NO_NEW_PRIVS, PR_SET_NAME};

#define CALL(n, r, w)                                                                              \
	{                                                                                          \
		.name = n, .rule = r, .why = w                                                     \
	}
#define IOCTL(n, w)                                                                                \
	{                                                                                          \
		.request = (unsigned long)(n), .name = #n, .why = w                                \
	}
#define IOCTL_ARM64(n, w)                                                                          \
	{                                                                                          \
		.request = (unsigned long)(n), .name = &(#n)[3], .why = w                          \
	}
#define ROWS(a) a, sizeof(a) / sizeof(a[0])

/* Calls every thread makes: memory, locks, time, signals, its own end. */
#define COMMON_CALLS                                                                               \
	CALL("futex", SANDBOX_ANY_ARGS, "mutexes and condition variables (PSCI, rings, pause)"),   \
	    CALL("mmap", SANDBOX_NO_EXEC, "malloc arenas and large blocks; never executable"),     \
	    CALL("munmap", SANDBOX_ANY_ARGS, "free() of large blocks"),                            \
	    CALL("mprotect", SANDBOX_NO_EXEC, "malloc arenas grow; never executable"),             \
	    CALL("mremap", SANDBOX_ANY_ARGS, "realloc() of large blocks"),                         \
	    CALL("madvise", SANDBOX_ANY_ARGS, "glibc returns a finished thread's stack, trims"),   \
	    CALL("brk", SANDBOX_ANY_ARGS, "malloc's main arena"),                                  \
	    CALL("clock_gettime", SANDBOX_ANY_ARGS, "deadlines, when the vDSO falls back"),        \
	    CALL("clock_getres", SANDBOX_ANY_ARGS, "the vDSO's fallback"),                         \
	    CALL("gettimeofday", SANDBOX_ANY_ARGS, "the vDSO's fallback"),                         \
	    CALL("clock_nanosleep", SANDBOX_ANY_ARGS, "short waits"),                              \
	    CALL("nanosleep", SANDBOX_ANY_ARGS, "short waits"),                                    \
	    CALL("sched_yield", SANDBOX_ANY_ARGS, "glibc's lock back-off"),                        \
	    CALL("restart_syscall", SANDBOX_ANY_ARGS, "a wait interrupted by the kick resumes"),   \
	    CALL("rt_sigprocmask", SANDBOX_ANY_ARGS, "signal masks; glibc around thread exit"),    \
	    CALL("rt_sigreturn", SANDBOX_ANY_ARGS, "return from the kick's handler"),              \
	    CALL("getpid", SANDBOX_ANY_ARGS, "raise() and pthread_kill()"),                        \
	    CALL("gettid", SANDBOX_ANY_ARGS, "raise() and pthread_kill()"),                        \
	    CALL("tgkill", SANDBOX_OWN_PROCESS,                                                    \
		 "the kick to vCPU threads; the fatal-signal "                                     \
		 "handler's raise(); only to this process"),                                       \
	    CALL("exit", SANDBOX_ANY_ARGS, "a thread ends"),                                       \
	    CALL("exit_group", SANDBOX_ANY_ARGS, "the process ends")

static const struct sandbox_call main_calls[] = {
    COMMON_CALLS,
    CALL("read", SANDBOX_ANY_ARGS, "signalfd, eventfd, console input, control clients, files"),
    CALL("pread64", SANDBOX_ANY_ARGS, "the kernel and initrd, read into guest RAM at every boot"),
    CALL("readv", SANDBOX_ANY_ARGS, "stdio"),
    CALL("write", SANDBOX_ANY_ARGS, "eventfd, --dump-dtb, snapshot files, stdio"),
    CALL("writev", SANDBOX_ANY_ARGS, "stdio"),
    CALL("pwrite64", SANDBOX_ANY_ARGS, "snapshot files"),
    CALL("lseek", SANDBOX_ANY_ARGS, "stdio on files"),
    CALL("openat", SANDBOX_ANY_ARGS,
	 "ctl trace-file, --dump-dtb at each boot, /proc/self/smaps (--exit-stats), snapshots; "
	 "where: Landlock decides"),
    CALL("close", SANDBOX_ANY_ARGS, "files, clients, a VM's fds at SYSTEM_RESET"),
    CALL("fstat", SANDBOX_ANY_ARGS, "a new trace file is a regular file; stdio"),
    CALL("newfstatat", SANDBOX_ANY_ARGS, "fstat() on arm64; the control socket still ours"),
    CALL("statx", SANDBOX_ANY_ARGS, "stat() where glibc uses statx"),
    CALL("fcntl", SANDBOX_ANY_ARGS, "--dump-dtb back to blocking; file status flags"),
    CALL("flock", SANDBOX_ANY_ARGS, "a trace file is locked by its record"),
    CALL("ftruncate", SANDBOX_ANY_ARGS, "a trace file starts empty"),
    CALL("fsync", SANDBOX_ANY_ARGS, "ctl snapshot"),
    CALL("fdatasync", SANDBOX_ANY_ARGS, "ctl snapshot"),
    CALL("mkdirat", SANDBOX_ANY_ARGS, "ctl snapshot's directory"),
    CALL("mkdir", SANDBOX_ANY_ARGS, "ctl snapshot's directory (x86 name)"),
    CALL("unlinkat", SANDBOX_ANY_ARGS, "the control socket at exit; snapshot temporaries"),
    CALL("unlink", SANDBOX_ANY_ARGS, "the same (x86 name)"),
    CALL("rmdir", SANDBOX_ANY_ARGS, "snapshot temporaries (x86 name; arm64: unlinkat)"),
    CALL("renameat", SANDBOX_ANY_ARGS, "a finished snapshot takes its name"),
    CALL("renameat2", SANDBOX_ANY_ARGS, "the same (arm64's only rename)"),
    CALL("rename", SANDBOX_ANY_ARGS, "the same (x86 name)"),
    CALL("getdents64", SANDBOX_ANY_ARGS, "ctl snapshot checks its directory is empty"),
    CALL("mincore", SANDBOX_ANY_ARGS, "ctl snapshot finds RAM pages (where pagemap is unread)"),
    CALL("readlinkat", SANDBOX_ANY_ARGS, "realpath() of a ctl trace-file directory"),
    CALL("readlink", SANDBOX_ANY_ARGS, "the same (x86 name)"),
    CALL("getcwd", SANDBOX_ANY_ARGS, "realpath() of a relative path"),
    CALL("ppoll", SANDBOX_ANY_ARGS, "the main loop's poll() (arm64)"),
    CALL("poll", SANDBOX_ANY_ARGS, "the main loop's poll() (x86 name)"),
    CALL("accept4", SANDBOX_ANY_ARGS, "control clients (the socket was bound before)"),
    CALL("recvfrom", SANDBOX_ANY_ARGS, "control requests (recv)"),
    CALL("sendto", SANDBOX_ANY_ARGS, "control replies (send)"),
    CALL("eventfd2", SANDBOX_ANY_ARGS, "each VM's exit eventfd (SYSTEM_RESET)"),
    CALL("ioctl", SANDBOX_IOCTL_LISTED, "KVM and the terminal: the numbers below"),
    CALL("clone", SANDBOX_THREAD_ONLY, "vCPU threads, a trace file's writer; never a process"),
    CALL("clone3", SANDBOX_ENOSYS, "refused with ENOSYS: glibc falls back to clone"),
    CALL("set_robust_list", SANDBOX_ANY_ARGS, "a new thread's first call (glibc)"),
    CALL("rseq", SANDBOX_ANY_ARGS, "a new thread registers rseq (glibc)"),
    CALL("prctl", SANDBOX_PRCTL_LISTED, "a new thread's NNP and name"),
    CALL("seccomp", SANDBOX_ANY_ARGS, "a new thread narrows itself to its role's filter"),
    CALL("rt_sigaction", SANDBOX_ANY_ARGS, "the kick's handler for each VM's vCPUs; abort()"),
    CALL("getrusage", SANDBOX_ANY_ARGS, "--exit-stats: peak RSS"),
    CALL("sysinfo", SANDBOX_ANY_ARGS, "glibc's qsort sizes its buffer by RAM (snapshot registers)"),
    CALL("geteuid", SANDBOX_ANY_ARGS, "the control socket's owner checks"),
    CALL("getuid", SANDBOX_ANY_ARGS, "the same"),
};

static const struct sandbox_ioctl main_ioctls[] = {
    IOCTL(KVM_CHECK_EXTENSION, "a new VM's limits (IPA size, vCPUs, PMU, NISV, steal time)"),
    IOCTL(KVM_CREATE_VM, "SYSTEM_RESET builds a whole new VM"),
    IOCTL(KVM_ENABLE_CAP, "KVM_CAP_ARM_NISV_TO_USER on a new VM"),
    IOCTL(KVM_SET_USER_MEMORY_REGION, "guest RAM and the ACPI region of a new VM"),
    IOCTL(KVM_GET_VCPU_MMAP_SIZE, "a new VM's kvm_run mappings"),
    IOCTL_ARM64(SB_KVM_ARM_PREFERRED_TARGET, "a new VM's vCPU type"),
    IOCTL(KVM_CREATE_VCPU, "a new VM's vCPUs"),
    IOCTL(KVM_CREATE_DEVICE, "a new VM's vGICv3 (and ITS)"),
    IOCTL(KVM_SET_DEVICE_ATTR, "vGIC addresses and init, the SMCCC filter, PMU, PV time"),
    IOCTL(KVM_HAS_DEVICE_ATTR, "does KVM have the SMCCC filter"),
    IOCTL(KVM_GET_DEVICE_ATTR, "ctl snapshot: the vGIC's state"),
    IOCTL(KVM_GET_REG_LIST, "ctl snapshot: a vCPU's registers"),
    IOCTL(KVM_GET_MP_STATE, "ctl snapshot: a vCPU's power state"),
    IOCTL_ARM64(SB_KVM_GET_VCPU_EVENTS, "ctl snapshot: pending exceptions"),
    /* The vCPU set, which the vCPU threads inherit from here: */
    IOCTL(KVM_RUN, "(vCPU threads)"),
    IOCTL(KVM_GET_ONE_REG, "MPIDRs, firmware registers, the paused counter; vCPU threads"),
    IOCTL(KVM_SET_ONE_REG, "the boot vCPU's PC and x0, firmware registers; vCPU threads"),
    IOCTL_ARM64(SB_KVM_ARM_VCPU_INIT, "a new VM's vCPUs; vCPU threads' warm resets"),
    IOCTL(KVM_SET_MP_STATE, "(vCPU threads); restore"),
    IOCTL_ARM64(SB_KVM_SET_VCPU_EVENTS, "(vCPU threads); restore"),
    IOCTL(KVM_IRQ_LINE, "console input and ACPI hotplug raise interrupts; vCPU threads"),
    /* The terminal (console.c): */
    IOCTL(TCGETS, "isatty(), tcgetattr()"),
    IOCTL(TCSETS, "the terminal's mode restored at exit"),
    IOCTL(TIOCGPGRP, "tcgetpgrp(): is the terminal ours"),
};

static const struct sandbox_call vcpu_calls[] = {
    COMMON_CALLS,
    CALL("write", SANDBOX_ANY_ARGS, "the VM's exit eventfd; stderr before the rings exist"),
    CALL("ioctl", SANDBOX_IOCTL_LISTED, "the vCPU's own KVM calls: the numbers below"),
};

static const struct sandbox_ioctl vcpu_ioctls[] = {
    IOCTL(KVM_RUN, "runs the guest"),
    IOCTL(KVM_GET_ONE_REG, "hypercall arguments, SCTLR_EL1 for CPU_ON's endianness"),
    IOCTL(KVM_SET_ONE_REG, "hypercall results, CPU_ON's PC and x0"),
    IOCTL_ARM64(SB_KVM_ARM_VCPU_INIT, "the warm reset after CPU_OFF (DESIGN.md §4)"),
    IOCTL(KVM_SET_MP_STATE, "CPU_SUSPEND: KVM_MP_STATE_SUSPENDED"),
    IOCTL_ARM64(SB_KVM_SET_VCPU_EVENTS, "an external abort for undecodable MMIO (NISV)"),
    IOCTL(KVM_IRQ_LINE, "the UART's and the GED's interrupts from MMIO"),
};

static const struct sandbox_call writer_calls[] = {
    COMMON_CALLS,
    CALL("write", SANDBOX_ANY_ARGS, "the ring's file"),
    CALL("ppoll", SANDBOX_ANY_ARGS, "a non-blocking fd that is full (arm64)"),
    CALL("poll", SANDBOX_ANY_ARGS, "the same (x86 name)"),
    CALL("close", SANDBOX_ANY_ARGS, "a retired trace file, after its last write"),
};

const struct sandbox_role_policy sandbox_policies[SANDBOX_NR_ROLES] = {
    [SANDBOX_ROLE_MAIN] = {"main", ROWS(main_calls), ROWS(main_ioctls)},
    [SANDBOX_ROLE_VCPU] = {"vcpu", ROWS(vcpu_calls), ROWS(vcpu_ioctls)},
    [SANDBOX_ROLE_WRITER] = {"writer", ROWS(writer_calls), NULL, 0},
};
