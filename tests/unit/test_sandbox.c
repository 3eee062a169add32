/*
 * The sandbox (vmm/sandbox): each case forks a child that installs the very
 * filters the VMM installs, for this build host's architecture, and shows
 * what they let through and what they kill. A call outside a role's list
 * must end the child with SIGSYS (SECCOMP_RET_KILL_PROCESS); the calls a
 * real run makes in that role must not. Landlock: a write outside the
 * directories given fails with EACCES, inside them it works.
 *
 * No /dev/kvm here: a KVM ioctl on /dev/null passes the filter and fails in
 * the kernel (ENOTTY), which is what "allowed" looks like.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/unit/check.h"
#include "vmm/sandbox/policy.h"
#include "vmm/sandbox/sandbox.h"
#include "vmm/sandbox/sandbox_internal.h"

#define CHECK_FILE "test_sandbox"

/* ASan gives each new thread an alternate signal stack; the VMM does not,
 * and the main list (rightly) has no sigaltstack. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "use_sigaltstack=0";
}

static char tmp[64];

/* A child's verdict: its exit status (the step that went wrong, 0 = none)
 * or the signal that ended it. */
struct outcome {
	int status, signal;
};

typedef int (*child_fn)(void);

static struct outcome in_child(child_fn fn)
{
	struct outcome o = {-1, 0};
	int ws;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	/* exit_group itself: ASan's _exit() first takes down its signal stack */
	if (pid == 0)
		syscall(SYS_exit_group, fn());
	if (pid < 0 || waitpid(pid, &ws, 0) != pid)
		return o;
	if (WIFEXITED(ws))
		o.status = WEXITSTATUS(ws);
	if (WIFSIGNALED(ws))
		o.signal = WTERMSIG(ws);
	return o;
}

#define CHECK_KILLED(fn)                                                                           \
	do {                                                                                       \
		struct outcome o_ = in_child(fn);                                                  \
		if (o_.signal != SIGSYS) {                                                         \
			printf("  %s: exit %d, signal %d; expected SIGSYS\n", #fn, o_.status,      \
			       o_.signal);                                                         \
			check_failed_in_case = 1;                                                  \
		}                                                                                  \
	} while (0)

#define CHECK_LIVES(fn)                                                                            \
	do {                                                                                       \
		struct outcome o_ = in_child(fn);                                                  \
		if (o_.signal || o_.status) {                                                      \
			printf("  %s: step %d failed, signal %d; expected a clean exit\n", #fn,    \
			       o_.status, o_.signal);                                              \
			check_failed_in_case = 1;                                                  \
		}                                                                                  \
	} while (0)

/* ---- entering a role, as the VMM does ---- */

static int confine_main_with(enum sandbox_mode mode, const char *write_dir)
{
	static struct sandbox_paths paths;
	char note[256], err[512];

	if (sandbox_prepare(mode, err, sizeof(err)))
		return 90;
	sandbox_paths_add_dir(&paths, write_dir);
	sandbox_paths_add_read(&paths, "/dev/null");
	sandbox_paths_add_read(&paths, "/proc/self"); /* as boot.c with a control socket */
	if (sandbox_confine_main(&paths, note, sizeof(note), err, sizeof(err)))
		return 91;
	return 0;
}

static int enter(enum sandbox_role role)
{
	char err[256];

	if (role == SANDBOX_ROLE_MAIN)
		return confine_main_with(SANDBOX_ON, tmp);
	if (sandbox_prepare(SANDBOX_ON, err, sizeof(err)))
		return 90;
	sandbox_enter(role);
	return 0;
}

/* ---- calls outside the lists ---- */

static int main_execve(void)
{
	char *argv[] = {"/bin/true", NULL};

	if (enter(SANDBOX_ROLE_MAIN))
		return 1;
	execve("/bin/true", argv, environ);
	return 2;
}

static int main_socket_inet(void)
{
	if (enter(SANDBOX_ROLE_MAIN))
		return 1;
	socket(AF_INET, SOCK_STREAM, 0);
	return 2;
}

static int main_other_kvm_ioctl(void)
{
	int fd = open("/dev/null", O_RDONLY);

	if (enter(SANDBOX_ROLE_MAIN))
		return 1;
	ioctl(fd, KVM_GET_DIRTY_LOG, NULL); /* a KVM ioctl the VMM never makes */
	return 2;
}

static int main_fork(void)
{
	if (enter(SANDBOX_ROLE_MAIN))
		return 1;
	/* clone without CLONE_THREAD, as fork() makes it */
	syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
	return 2;
}

static int main_exec_mapping(void)
{
	if (enter(SANDBOX_ROLE_MAIN))
		return 1;
	mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return 2;
}

static int main_signal_other_process(void)
{
	pid_t parent = getppid();

	if (enter(SANDBOX_ROLE_MAIN))
		return 1;
	syscall(SYS_tgkill, parent, parent, 0); /* signal 0: nothing is sent if let through */
	return 2;
}

static int vcpu_create_vm(void)
{
	int fd = open("/dev/null", O_RDONLY);

	if (enter(SANDBOX_ROLE_VCPU))
		return 1;
	ioctl(fd, KVM_CREATE_VM, 0);
	return 2;
}

static int vcpu_openat(void)
{
	if (enter(SANDBOX_ROLE_VCPU))
		return 1;
	open("/dev/null", O_RDONLY);
	return 2;
}

static int vcpu_clone_thread(void)
{
	if (enter(SANDBOX_ROLE_VCPU))
		return 1;
	/* a vCPU creates no thread: even CLONE_THREAD is refused (raw, so
	 * nothing is started if it were let through) */
	syscall(SYS_clone, CLONE_THREAD | CLONE_SIGHAND | CLONE_VM, (void *)8, NULL, NULL, 0);
	return 2;
}

static int writer_read(void)
{
	char c;

	if (enter(SANDBOX_ROLE_WRITER))
		return 1;
	(void)!read(0, &c, 0);
	return 2;
}

static int writer_ioctl(void)
{
	int fd = open("/dev/null", O_RDONLY);

	if (enter(SANDBOX_ROLE_WRITER))
		return 1;
	ioctl(fd, KVM_RUN, 0);
	return 2;
}

TEST(calls_outside_a_roles_list_kill_the_process)
{
	CHECK_KILLED(main_execve);
	CHECK_KILLED(main_socket_inet);
	CHECK_KILLED(main_other_kvm_ioctl);
	CHECK_KILLED(main_fork);
	CHECK_KILLED(main_exec_mapping);
	CHECK_KILLED(main_signal_other_process);
	CHECK_KILLED(vcpu_create_vm);
	CHECK_KILLED(vcpu_openat);
	CHECK_KILLED(vcpu_clone_thread);
	CHECK_KILLED(writer_read);
	CHECK_KILLED(writer_ioctl);
}

/* ---- what a real run does in each role ---- */

/* The KVM ioctls a vCPU thread makes reach the kernel (ENOTTY on /dev/null). */
static int vcpu_ioctls_reach_the_kernel(int fd)
{
	static const unsigned long reqs[] = {KVM_RUN, KVM_GET_ONE_REG, KVM_SET_ONE_REG,
					     KVM_SET_MP_STATE, KVM_IRQ_LINE};

	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
		if (ioctl(fd, reqs[i], NULL) != -1 || errno != ENOTTY)
			return 1;
	for (size_t i = 0; i < sandbox_policies[SANDBOX_ROLE_VCPU].nr_ioctls; i++)
		if (ioctl(fd, sandbox_policies[SANDBOX_ROLE_VCPU].ioctls[i].request, NULL) != -1)
			return 1;
	return 0;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;

/* Locks, timed waits, memory, time, signals to ourselves, as any thread. */
static int common_calls(void)
{
	struct timespec until, ts = {0, 1000};
	void *big;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec = 0;
	until.tv_sec += 0; /* already past: returns at once */
	pthread_mutex_lock(&lock);
	if (pthread_cond_timedwait(&cond, &lock, &until) != ETIMEDOUT)
		return 20;
	pthread_mutex_unlock(&lock);
	if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts))
		return 21;
	if (nanosleep(&(struct timespec){0, 1000}, NULL))
		return 22;
	big = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (big == MAP_FAILED || mprotect(big, 4096, PROT_READ) ||
	    madvise(big, 1 << 20, MADV_DONTNEED) || munmap(big, 1 << 20))
		return 23;
	if (syscall(SYS_tgkill, getpid(), gettid(), 0))
		return 24;
	sched_yield();
	return 0;
}

static int vcpu_run_loop_calls(void)
{
	int fd = open("/dev/null", O_RDONLY), efd = eventfd(0, EFD_NONBLOCK);
	uint64_t one = 1;

	if (fd < 0 || efd < 0 || enter(SANDBOX_ROLE_VCPU))
		return 1;
	if (vcpu_ioctls_reach_the_kernel(fd))
		return 2;
	if (write(efd, &one, sizeof(one)) != sizeof(one)) /* vm_request_exit */
		return 3;
	return common_calls();
}

static int writer_calls(void)
{
	int p[2];
	struct pollfd pfd;

	if (pipe(p) || enter(SANDBOX_ROLE_WRITER))
		return 1;
	pfd = (struct pollfd){.fd = p[1], .events = POLLOUT};
	if (write(p[1], "x", 1) != 1 || poll(&pfd, 1, 0) != 1 || close(p[1]))
		return 2;
	return common_calls();
}

/* The main loop: files in its directory, the control socket. (Creating a
 * thread is left to the nested suite, where every VM's vCPU threads are
 * created confined: here ASan's own thread start-up makes calls the VMM
 * never makes, sched_getaffinity among them.) */
static int main_files(void)
{
	char path[128], renamed[128], dir[128];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/trace.json", tmp);
	snprintf(renamed, sizeof(renamed), "%s/trace2.json", tmp);
	snprintf(dir, sizeof(dir), "%s/snap", tmp);
	fd = open(path, O_WRONLY | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0644);
	if (fd < 0 || fstat(fd, &st) || flock(fd, LOCK_EX | LOCK_NB) || ftruncate(fd, 0) ||
	    write(fd, "{}\n", 3) != 3 || fsync(fd) || pwrite(fd, "{", 1, 0) != 1 || close(fd))
		return 30;
	if (mkdir(dir, 0700) || rename(path, renamed) || rmdir(dir) || unlink(renamed))
		return 31;
	return 0;
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* What `ctl snapshot` adds: the directory checked empty, RAM pages found
 * (pagemap, else mincore), a sparse file's data found, the register list
 * sorted (glibc's qsort of a large array asks sysinfo for the RAM size). */
static int main_snapshot_calls(void)
{
	static uint64_t regs[8192];
	unsigned char vec[4];
	uint64_t entry;
	DIR *d = opendir(tmp);
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	void *ram =
	    mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (!d || !readdir(d) || closedir(d))
		return 40;
	if (ram == MAP_FAILED || mincore(ram, 4 * 4096, vec))
		return 41;
	if (fd < 0)
		return 42;
	if (pread(fd, &entry, sizeof(entry), (off_t)((uintptr_t)ram / 4096 * 8)) != 8)
		return 45;
	close(fd);
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		regs[i] = (uint64_t)(i * 2654435761U) % 100003U;
	qsort(regs, sizeof(regs) / sizeof(regs[0]), sizeof(regs[0]), by_value);
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || lseek(fd, 0, SEEK_SET) != 0 || close(fd))
		return 43;
	return munmap(ram, 4 * 4096) ? 44 : 0;
}

static int main_loop_calls(void)
{
	int dev = open("/dev/null", O_RDONLY), efd, ret, lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/ctl.sock", tmp);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) || listen(lfd, 1) ||
	    fcntl(lfd, F_SETFL, O_NONBLOCK))
		return 1;
	if (enter(SANDBOX_ROLE_MAIN))
		return 2;
	if (accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC) != -1 || errno != EAGAIN)
		return 3;
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0 || close(efd))
		return 4;
	if (ioctl(dev, KVM_CREATE_VM, 0) != -1 || errno != ENOTTY)
		return 5;
	if (ioctl(dev, TCGETS, NULL) != -1 || errno != ENOTTY)
		return 6;
	if (prctl(PR_SET_NAME, "vmm-main")) /* what a new thread names itself */
		return 7;
	ret = main_files();
	if (!ret)
		ret = main_snapshot_calls();
	if (ret)
		return ret;
	if (unlink(addr.sun_path)) /* the control socket at exit */
		return 8;
	return common_calls();
}

TEST(calls_a_real_run_makes_pass_in_each_role)
{
	CHECK_LIVES(vcpu_run_loop_calls);
	CHECK_LIVES(writer_calls);
	CHECK_LIVES(main_loop_calls);
}

/* --sandbox log: the same call outside the list is logged and goes through. */
static int log_mode_lets_through(void)
{
	char err[256];
	int fd;

	if (sandbox_prepare(SANDBOX_LOG, err, sizeof(err)))
		return 1;
	sandbox_enter(SANDBOX_ROLE_VCPU);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	return fd < 0 ? 2 : 0;
}

static int off_mode_installs_nothing(void)
{
	char err[256];

	if (sandbox_prepare(SANDBOX_OFF, err, sizeof(err)))
		return 1;
	sandbox_enter(SANDBOX_ROLE_WRITER);
	return prctl(PR_GET_SECCOMP) == 0 ? 0 : 2;
}

TEST(log_mode_logs_and_off_mode_confines_nothing)
{
	CHECK_LIVES(log_mode_lets_through);
	CHECK_LIVES(off_mode_installs_nothing);
}

/* Every thread the main thread creates inherits its filter: whatever a
 * vCPU or a writer may call, the main list must allow too. */
TEST(child_roles_lists_are_within_the_main_list)
{
	const struct sandbox_role_policy *m = &sandbox_policies[SANDBOX_ROLE_MAIN];

	for (int r = SANDBOX_ROLE_VCPU; r < SANDBOX_NR_ROLES; r++) {
		const struct sandbox_role_policy *p = &sandbox_policies[r];

		for (size_t i = 0; i < p->nr_calls; i++) {
			bool found = false;

			for (size_t j = 0; j < m->nr_calls; j++)
				found |= !strcmp(p->calls[i].name, m->calls[j].name) &&
					 p->calls[i].rule == m->calls[j].rule;
			if (!found)
				printf("  %s's %s is not in the main list\n", p->name,
				       p->calls[i].name);
			CHECK(found);
		}
		for (size_t i = 0; i < p->nr_ioctls; i++) {
			bool found = false;

			for (size_t j = 0; j < m->nr_ioctls; j++)
				found |= p->ioctls[i].request == m->ioctls[j].request;
			if (!found)
				printf("  %s's %s is not in the main list\n", p->name,
				       p->ioctls[i].name);
			CHECK(found);
		}
	}
}

/* ---- Landlock ---- */

static char allowed[96], other[96];

static int landlock_confines_writes(void)
{
	char path[160], err[512];
	int fd;

	if (confine_main_with(SANDBOX_ON, allowed))
		return 1;
	snprintf(path, sizeof(path), "%s/x.json", other);
	if (open(path, O_WRONLY | O_CREAT, 0644) != -1 || errno != EACCES)
		return 2;
	if (sandbox_check_write("trace file", path, err, sizeof(err)) != -1 ||
	    !strstr(err, "outside the directories this VMM may write (") || !strstr(err, allowed))
		return 3;
	snprintf(path, sizeof(path), "%s/x.json", allowed);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	if (fd < 0 || write(fd, "{}\n", 3) != 3 || close(fd) || unlink(path))
		return 4;
	if (sandbox_check_write("trace file", path, err, sizeof(err)))
		return 5;
	return 0;
}

TEST(landlock_lets_the_vmm_write_only_where_it_was_told)
{
	int abi = sandbox_landlock_abi();

	if (abi < 1) {
		printf("  skipped: this build host's kernel offers no Landlock (%s)\n",
		       strerror(-abi));
		return;
	}
	snprintf(allowed, sizeof(allowed), "%s/allowed", tmp);
	snprintf(other, sizeof(other), "%s/other", tmp);
	CHECK(mkdir(allowed, 0700) == 0 && mkdir(other, 0700) == 0);
	CHECK_LIVES(landlock_confines_writes);
	rmdir(allowed);
	rmdir(other);
}

TEST(modes_parse_and_check_write_is_quiet_until_confined)
{
	enum sandbox_mode m;
	char err[256];

	CHECK(sandbox_parse_mode("on", &m) == 0 && m == SANDBOX_ON);
	CHECK(sandbox_parse_mode("log", &m) == 0 && m == SANDBOX_LOG);
	CHECK(sandbox_parse_mode("off", &m) == 0 && m == SANDBOX_OFF);
	CHECK(sandbox_parse_mode("strict", &m) == 0 && m == SANDBOX_STRICT);
	CHECK(sandbox_parse_mode("kill", &m) == -1);
	CHECK(sandbox_parse_mode("", &m) == -1);
	CHECK_STR(sandbox_mode_name(SANDBOX_LOG), "log");
	/* This process is not confined: nothing is refused. */
	CHECK(sandbox_check_write("trace file", "/etc/x.json", err, sizeof(err)) == 0);
}

CHECK_MAIN_BEGIN
snprintf(tmp, sizeof(tmp), "/tmp/test_sandbox.XXXXXX");
if (!mkdtemp(tmp)) {
	perror("mkdtemp");
	return 1;
}
RUN(modes_parse_and_check_write_is_quiet_until_confined);
RUN(child_roles_lists_are_within_the_main_list);
RUN(calls_outside_a_roles_list_kill_the_process);
RUN(calls_a_real_run_makes_pass_in_each_role);
RUN(log_mode_logs_and_off_mode_confines_nothing);
RUN(landlock_lets_the_vmm_write_only_where_it_was_told);
rmdir(tmp);
CHECK_MAIN_END
