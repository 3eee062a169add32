/*
 * The pause gate (vmm/kvm/pause.c) on the build host: its own source,
 * compiled here with KVM_RUN replaced by a fake that "runs the guest" for a
 * moment and counts who is inside, so its one promise can be checked with
 * real threads: once vm_pause_settled() says the VM is paused, no vCPU
 * thread is in KVM_RUN, and none enters it, until vm_resume(). Kicks are
 * what a real kick is to a thread in KVM_RUN (it returns EINTR at once), and
 * some runs end in an MMIO exit, which the gate must complete (a KVM_RUN
 * with immediate_exit) before it parks the thread.
 *
 * All threads share one CPU, so the main thread's every wake-up preempts a
 * vCPU thread wherever it is, between any two of the gate's steps. (Not
 * SCHED_IDLE: on a loaded host such threads hardly run, and the gate would
 * be tried a handful of times.) The test goes on until it has seen enough
 * pauses and guest entries, within a deadline; the same test runs under
 * ThreadSanitizer.
 */
#include "tests/unit/check.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tests/unit/threads.h"

/* x86's <linux/kvm.h> has no arm64 register IDs; the fakes ignore the ID. */
#define KVM_REG_ARM_TIMER_CNT 0

static int fake_ioctl(int fd, unsigned long req, ...);
static void between_steps(void);
#define ioctl			   fake_ioctl
#define PAUSE_GATE_BETWEEN_STEPS() between_steps()
#include "vmm/kvm/pause.c"
#undef ioctl

#define CHECK_FILE "pause_gate"
#define NR_VCPUS   3

static struct vm vm;
static struct vcpu vcpus[NR_VCPUS];
static struct kvm_run runs[NR_VCPUS];
static atomic_bool in_guest[NR_VCPUS];
static atomic_bool kicked[NR_VCPUS];
static atomic_int inside;     /* threads in the fake guest */
static atomic_bool held;      /* the main thread holds the VM paused */
static atomic_int violations; /* a thread in the guest while held */
static atomic_uint entries;   /* fake guest entries, for the report */

int vm_get_reg(struct vcpu *v, uint64_t id, uint64_t *val)
{
	(void)v;
	(void)id;
	*val = 1234;
	return 0;
}

int vm_set_reg(struct vcpu *v, uint64_t id, uint64_t val)
{
	(void)v;
	(void)id;
	(void)val;
	return 0;
}

/* A kick interrupts a thread in the guest (KVM_RUN returns EINTR); to a
 * thread anywhere else it is lost, as a signal is that lands between two
 * KVM_RUNs. (The real kick also sets immediate_exit, but the thread clears
 * that at the gate: the gate must not count on it, and the fake does not
 * model it.) vm_pause_settled kicks again while a thread is in. */
void vm_kick_vcpus(struct vm *m)
{
	for (unsigned int i = 0; i < m->nr_cpus; i++)
		if (atomic_load(&in_guest[i]))
			atomic_store(&kicked[i], true);
}

/* Between counting itself in and looking at the gate, a thread sleeps one
 * time in four and yields one in four: the main thread may close the gate
 * right there. */
static void between_steps(void)
{
	static _Thread_local unsigned int n;

	if (n % 4 == 1)
		usleep(100);
	else if (n % 4 == 3)
		sched_yield();
	n++;
}

static void note_if_held(void)
{
	if (atomic_load(&held))
		atomic_fetch_add(&violations, 1);
}

/* KVM_RUN: EINTR at once with immediate_exit or a kick; else a short stay
 * in the "guest" (until a kick or a few yields), then an exit, one in four
 * of them an MMIO exit. */
static int fake_ioctl(int fd, unsigned long req, ...)
{
	struct vcpu *v = &vcpus[fd];
	unsigned int n;

	if (req != KVM_RUN) {
		errno = ENOTTY;
		return -1;
	}
	if (v->run->immediate_exit) { /* set by the gate itself, for an MMIO exit */
		errno = EINTR;
		return -1;
	}
	atomic_store(&kicked[fd], false);
	atomic_store(&in_guest[fd], true);
	atomic_fetch_add(&inside, 1);
	n = atomic_fetch_add(&entries, 1);
	note_if_held();
	for (unsigned int i = 0; i < 1 + n % 7 && !atomic_load(&kicked[fd]); i++)
		sched_yield();
	note_if_held();
	atomic_fetch_sub(&inside, 1);
	atomic_store(&in_guest[fd], false);
	if (atomic_exchange(&kicked[fd], false)) {
		errno = EINTR;
		return -1;
	}
	v->run->exit_reason = n % 4 == 0 ? KVM_EXIT_MMIO : KVM_EXIT_HYPERCALL;
	return 0;
}

static void *gate_thread(void *arg)
{
	struct vcpu *v = arg;

	pin_to_cpu0(NULL);
	while (!atomic_load(&vm.stopping))
		vm_pause_kvm_run(v);
	return NULL;
}

static void setup(void)
{
	memset(&vm, 0, sizeof(vm));
	memset(vcpus, 0, sizeof(vcpus));
	memset(runs, 0, sizeof(runs));
	vm.nr_cpus = NR_VCPUS;
	vm.vcpus = vcpus;
	atomic_init(&vm.stopping, false);
	vm_pause_init(&vm.pause);
	for (int i = 0; i < NR_VCPUS; i++) {
		vcpus[i] =
		    (struct vcpu){.vm = &vm, .id = (unsigned int)i, .fd = i, .run = &runs[i]};
		atomic_store(&kicked[i], false);
		atomic_store(&in_guest[i], false);
	}
	atomic_store(&inside, 0);
	atomic_store(&held, false);
	atomic_store(&violations, 0);
	atomic_store(&entries, 0);
}

/* Poll fn until true, for at most seconds; false if the deadline passed. */
static bool within(bool (*fn)(struct vm *), double seconds)
{
	double end = now_s() + seconds;

	while (!fn(&vm)) {
		if (now_s() > end)
			return false;
		usleep(100);
	}
	return true;
}

TEST(no_vcpu_is_in_kvm_run_while_paused)
{
	cpu_set_t old;
	unsigned int cycles = 0;
	double start;

	setup();
	pin_to_cpu0(&old);
	for (int i = 0; i < NR_VCPUS; i++) {
		CHECK_EQ(pthread_create(&vcpus[i].thread, NULL, gate_thread, &vcpus[i]), 0);
		vcpus[i].thread_started = true;
	}
	/* 1.5 s and 50 cycles, whichever is later, but never past 10 s (a
	 * loaded host gives SCHED_IDLE threads little time). */
	start = now_s();
	while ((now_s() < start + 1.5 || cycles < 50) && now_s() < start + 20) {
		CHECK_EQ(vm_pause_request(&vm), 0);
		if (!within(vm_pause_settled, 10)) {
			CHECK(!"the pause did not settle within 10 s");
			break;
		}
		atomic_store(&held, true);
		CHECK_EQ(atomic_load(&inside), 0);
		usleep(300); /* room for a thread that slipped past the gate to show */
		CHECK_EQ(atomic_load(&inside), 0);
		atomic_store(&held, false);
		CHECK_EQ(vm_resume(&vm), 0);
		CHECK(within(vm_resume_settled, 10));
		usleep(200);
		cycles++;
	}
	atomic_store(&vm.stopping, true);
	vm_pause_stop(&vm);
	vm_kick_vcpus(&vm);
	for (int i = 0; i < NR_VCPUS; i++)
		CHECK(join_within(vcpus[i].thread, 10));
	sched_setaffinity(0, sizeof(old), &old);
	printf("  %u pause/resume cycles, %u guest entries\n", cycles, atomic_load(&entries));
	CHECK(cycles > 0);
	CHECK_EQ(atomic_load(&violations), 0);
}

CHECK_MAIN_BEGIN
RUN(no_vcpu_is_in_kvm_run_while_paused);
CHECK_MAIN_END
