/*
 * The VM-wide run loop, on the main thread: start one thread per vCPU, then
 * wait in poll() for whatever ends the run or needs the main thread — the
 * exit eventfd (SYSTEM_OFF/RESET, an error), SIGINT/SIGTERM from a signalfd,
 * console input, the control socket — and finally stop and join the vCPU
 * threads.
 *
 * Stopping must always finish. A vCPU thread can be in KVM_RUN (left by
 * immediate_exit plus a signal), parked OFF in psci_wait_for_on (woken by
 * psci_stop), waiting for room in the console's ring (released by
 * outbuf_cancel), in an injected delay (inject_stop) or at the pause gate
 * (vm_pause_stop); it never write()s to a file itself (DESIGN.md §4). A kick
 * can land just before the thread blocks, so it is repeated until the thread
 * has been joined.
 *
 * This thread itself never waits on an output ring (outbuf.h): its own lines
 * ("stopping the VM on ...", before the rings are cancelled) are vm_err
 * lines, which a full ring drops, and it is marked so that any waiting put
 * on it would drop too.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "vmm/machine/console.h"
#include "vmm/control/server.h"
#include "vmm/firmware/inject.h"
#include "vmm/kvm/kvm_compat.h"
#include "vmm/output/outbuf.h"
#include "vmm/record/tracefile.h"
#include "vmm/util/deadline.h"
#include "vmm/kvm/vm.h"

#define VCPU_KICK_PERIOD_MS 20
/* How often a `snapshot` in progress looks whether the vCPUs parked. */
#define SNAPSHOT_TICK_MS 5

void vm_request_exit(struct vm *vm, enum vm_exit why)
{
	uint64_t one = 1;

	pthread_mutex_lock(&vm->exit_lock);
	if (vm->exit == VM_EXIT_NONE) {
		vm->exit = why;
		if (write(vm->exit_efd, &one, sizeof(one)) < 0)
			vm_err("eventfd write: %s\n", strerror(errno));
	}
	pthread_mutex_unlock(&vm->exit_lock);
}

/* PSCI's observer (psci.h): one trace-file line per power-state change. */
static void vm_trace_state(void *ctx, unsigned int cpu, const char *from, const char *to,
			   const char *cause)
{
	struct tracefile *t = ctx;
	char line[TRACEFILE_MAX_LINE];

	if (tracefile_on(t))
		tracefile_write(t, line,
				tracefile_fmt_state(line, sizeof(line), tracefile_now_ns(), cpu,
						    from, to, cause));
}

void vm_trace_snapshot(struct vm *vm, const char *what)
{
	struct tracefile *t = vm->shared->tracefile;
	char line[TRACEFILE_MAX_LINE];
	uint64_t now = tracefile_now_ns();

	if (!tracefile_on(t))
		return;
	tracefile_write(
	    t, line,
	    tracefile_fmt_vm(line, sizeof(line), now, what, vm->nr_cpus, vm->shared->resets));
	for (unsigned int i = 0; i < vm->nr_cpus; i++) {
		struct psci_cpu_info info;

		psci_cpu_info(&vm->psci, i, &info);
		tracefile_write(t, line,
				tracefile_fmt_state(line, sizeof(line), now, i, "-",
						    psci_cpu_state_name(&info), what));
	}
}

/* The VM is gone: every vCPU that was not off is now (for the trace). */
static void vm_trace_end(struct vm *vm)
{
	struct tracefile *t = vm->shared->tracefile;
	char line[TRACEFILE_MAX_LINE];
	uint64_t now = tracefile_now_ns();
	const char *cause = vm->exit == VM_EXIT_SYSTEM_RESET ? "reset"
			    : vm->exit == VM_EXIT_SYSTEM_OFF ? "system-off"
							     : "stop";

	psci_set_observer(&vm->psci, NULL, NULL);
	if (!tracefile_on(t))
		return;
	for (unsigned int i = 0; i < vm->nr_cpus; i++) {
		struct psci_cpu_info info;
		const char *from;

		psci_cpu_info(&vm->psci, i, &info);
		from = psci_cpu_state_name(&info);
		if (strcmp(from, "off") && strcmp(from, "absent"))
			tracefile_write(
			    t, line,
			    tracefile_fmt_state(line, sizeof(line), now, i, from, "off", cause));
	}
	tracefile_write(
	    t, line,
	    tracefile_fmt_vm(line, sizeof(line), now, cause, vm->nr_cpus, vm->shared->resets));
}

static void vcpu_kick_handler(int sig)
{
	(void)sig; /* only here to make KVM_RUN (or a blocked write) return EINTR */
}

void vm_kick_vcpus(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_cpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (!v->thread_started)
			continue;
		/* immediate_exit covers a thread that is just about to enter KVM_RUN. */
		v->run->immediate_exit = 1;
		pthread_kill(v->thread, VCPU_KICK_SIGNAL);
	}
}

/* Make every vCPU thread leave KVM_RUN or wherever it waits, then join them. */
static void vm_stop_vcpus(struct vm *vm)
{
	atomic_store(&vm->stopping, true);
	vm_pause_stop(vm); /* a paused vCPU is released to stop */
	outbuf_cancel(vm->shared->out);
	outbuf_cancel(vm->shared->err);
	inject_stop(vm->shared->inject); /* an injected delay ends now */
	if (vm->psci_ready)
		psci_stop(&vm->psci);
	for (unsigned int i = 0; i < vm->nr_cpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		while (v->thread_started) {
			struct timespec until;

			vm_kick_vcpus(vm);
			until = deadline_after_ns(CLOCK_REALTIME, VCPU_KICK_PERIOD_MS * NS_PER_MS);
			if (pthread_timedjoin_np(v->thread, NULL, &until) == 0)
				v->thread_started = false;
		}
	}
	/* The next VM (after a reset) gets back-pressure again. */
	outbuf_resume(vm->shared->out);
	outbuf_resume(vm->shared->err);
	inject_resume(vm->shared->inject);
	vm_trace_end(vm);
}

/*
 * Run the VM until something ends it: the guest (SYSTEM_OFF/RESET), an error,
 * or SIGINT/SIGTERM arriving on signal_fd. Returns 0; vm->exit says why.
 */
/* The boot vCPU placed (unless restored), the record told, one thread per
 * vCPU started. Returns -1 if the run cannot begin (vm->exit says why). */
static int vm_start(struct vm *vm)
{
	struct vcpu *boot = &vm->vcpus[0];
	int ret;

	/* The boot vCPU starts at the image entry with x0 = DTB (booting.rst);
	 * a restored VM goes on where its snapshot stopped. */
	ret = vm->restored ? 0 : vm_set_reg(boot, KVM_REG_PC, vm->entry);
	if (!ret && !vm->restored)
		ret = vm_set_reg(boot, KVM_REG_X(0), vm->dtb_addr);
	if (ret) {
		vm_err("setting the boot vCPU's registers: %s\n", strerror(-ret));
		vm->exit = VM_EXIT_ERROR;
		return -1;
	}
	psci_set_observer(&vm->psci, vm_trace_state, vm->shared->tracefile);
	vm_trace_snapshot(vm, vm->restored ? "restore" : "start");
	if (!vm->restored)
		psci_boot_cpu(&vm->psci, 0);
	vm_pause_init(&vm->pause);

	for (unsigned int i = 0; i < vm->nr_cpus; i++) {
		ret = pthread_create(&vm->vcpus[i].thread, NULL, vcpu_thread, &vm->vcpus[i]);
		if (ret) {
			vm_err("creating vCPU thread %u: %s\n", i, strerror(ret));
			vm_request_exit(vm, VM_EXIT_ERROR);
			break;
		}
		vm->vcpus[i].thread_started = true;
	}

	return 0;
}

int vm_run(struct vm *vm, int signal_fd, struct control_server *ctl, struct console *con)
{
	struct sigaction sa = {.sa_handler = vcpu_kick_handler};

	sigemptyset(&sa.sa_mask);
	sigaction(VCPU_KICK_SIGNAL, &sa, NULL);
	outbuf_never_wait_on_this_thread();

	if (vm_start(vm))
		return 0;
	if (ctl)
		ctl->vm = vm;
	for (;;) {
		struct pollfd fds[3 + 1 + CONTROL_MAX_CLIENTS] = {
		    {.fd = vm->exit_efd, .events = POLLIN},
		    {.fd = signal_fd, .events = POLLIN},
		    {.fd = -1},
		};
		unsigned int n = 3;
		bool stdin_ready;

		if (con)
			console_pollfd(con, &fds[2]);
		if (ctl)
			n += control_server_pollfds(ctl, fds + 3);
		int timeout =
		    control_server_poll_timeout(ctl, con ? console_poll_timeout(con) : -1);

		if (vm_snapshot_active(vm) && (timeout < 0 || timeout > SNAPSHOT_TICK_MS))
			timeout = SNAPSHOT_TICK_MS;
		if (poll(fds, n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			vm_err("poll: %s\n", strerror(errno));
			vm_request_exit(vm, VM_EXIT_ERROR);
			break;
		}
		if (fds[0].revents)
			break;
		if (fds[1].revents) {
			struct signalfd_siginfo si;

			if (read(signal_fd, &si, sizeof(si)) == sizeof(si))
				vm_err("stopping the VM on %s\n", strsignal((int)si.ssi_signo));
			vm_request_exit(vm, VM_EXIT_SIGNAL);
			break;
		}
		stdin_ready = fds[2].fd >= 0 && fds[2].revents;
		if (con && console_service(con, &vm->uart, stdin_ready) == CONSOLE_QUIT) {
			vm_err("Ctrl-A x: stopping the VM\n");
			vm_request_exit(vm, VM_EXIT_SIGNAL);
			break;
		}
		if (ctl)
			control_server_handle(ctl, fds + 3, n - 3);
		if (vm_snapshot_active(vm))
			vm_snapshot_tick(vm);
	}
	vm_stop_vcpus(vm);
	return 0;
}
