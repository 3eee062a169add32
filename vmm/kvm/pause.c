/*
 * Pause and resume (pause.h): a gate in front of every KVM_RUN.
 *
 * A vCPU thread passes the gate before each KVM_RUN and is counted in
 * in_run until the ioctl returns. Pausing closes the gate and kicks every
 * thread (immediate_exit plus the kick signal, as the stop path does); a
 * thread in KVM_RUN leaves it with EINTR, its loop comes back to the gate
 * and waits there. The pause is complete when in_run is 0: then no vCPU
 * runs guest code, whatever else the threads are doing (waiting OFF for a
 * CPU_ON, in an injected delay, on the console's back-pressure); each of
 * them meets the closed gate before it could enter the guest again.
 *
 * Stopping always finishes (DESIGN.md §4): vm_pause_stop opens the gate for
 * good, and a thread never waits there once the run is ending.
 *
 * The guest's clock. The virtual counter (CNTVCT_EL0, what Linux and the
 * bare-metal guest keep time with) stops while the VM is paused: at the
 * pause it is read (KVM_REG_ARM_TIMER_CNT), at the resume written back, so
 * the guest goes on from the value it had and never sees the paused time,
 * nor time going backwards; its timers fire as many counter ticks after
 * the resume as they had left. KVM makes that write VM-wide (it sets the
 * VM's virtual offset, api.rst "KVM_REG_ARM_TIMER_CNT" and the counter
 * offset section), so one vCPU's register does it. It is done on vCPU 0's
 * fd from the main thread, which only takes that vCPU's mutex: no vCPU is
 * in KVM_RUN while paused, so it is never held for long. The physical
 * counter keeps the host's time (KVM_ARM_SET_COUNTER_OFFSET would move
 * both, and move the physical one backwards). A snapshot restore (issue
 * 18) wants the same rule: the saved counter value comes back.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm/kvm/kvm_compat.h"
#include "vmm/kvm/vm.h"
#include "vmm/util/wake.h"

void vm_pause_init(struct vm_pause *p)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
}

/*
 * The gate is not open (paused, pausing, or the run ending): under the lock,
 * complete an MMIO access the last exit left half done, wait while paused,
 * then count the thread in.
 */
static void gate_closed(struct vcpu *v)
{
	struct vm_pause *p = &v->vm->pause;

	pthread_mutex_lock(&p->lock);
	if (p->state != VM_RUNNING && !p->stopping && v->mmio_pending) {
		p->in_run++;
		pthread_mutex_unlock(&p->lock);
		v->run->immediate_exit = 1;
		ioctl(v->fd, KVM_RUN, 0); /* EINTR at once, the access done */
		v->mmio_pending = false;
		pthread_mutex_lock(&p->lock);
		p->in_run--;
	}
	if (p->state != VM_RUNNING && !p->stopping) {
		p->waiting++;
		while (p->state != VM_RUNNING && !p->stopping)
			pthread_cond_wait(&p->cond, &p->lock);
		p->waiting--;
	}
	/* The pause's kick may have left immediate_exit set; the stop path's is
	 * not cleared (and it repeats its kick until the thread is joined). */
	if (!atomic_load(&v->vm->stopping))
		v->run->immediate_exit = 0;
	p->in_run++;
	pthread_mutex_unlock(&p->lock);
}

/* A seam for tests/unit/test_pause_gate.c, which yields the CPU here to
 * widen the window between the two steps below; nothing in the VMM. */
#ifndef PAUSE_GATE_BETWEEN_STEPS
#define PAUSE_GATE_BETWEEN_STEPS() ((void)0)
#endif

/*
 * Every KVM_RUN passes here, so the open gate takes no lock (a VM-wide mutex
 * twice per exit was a point where all vCPUs met). The thread counts itself
 * in, then looks at the gate; the pauser sets the gate, then looks at the
 * count (vm_pause_settled). Both in that order and sequentially consistent,
 * so one of them sees the other: the thread sees the gate closing and steps
 * back to gate_closed(), or the pauser sees it in and waits for it to leave.
 * A thread that lost the race with a kick (it cleared immediate_exit after
 * the kick set it) is kicked again by vm_pause_settled.
 */
int vm_pause_kvm_run(struct vcpu *v)
{
	struct vm_pause *p = &v->vm->pause;
	int ret, e;

	if (!atomic_load(&v->vm->stopping))
		v->run->immediate_exit = 0;
	atomic_fetch_add(&p->in_run, 1);
	PAUSE_GATE_BETWEEN_STEPS();
	if (atomic_load(&p->state) != VM_RUNNING) {
		atomic_fetch_sub(&p->in_run, 1);
		gate_closed(v);
	}
	ret = ioctl(v->fd, KVM_RUN, 0);
	e = errno;
	v->mmio_pending = ret == 0 && v->run->exit_reason == KVM_EXIT_MMIO;
	atomic_fetch_sub(&p->in_run, 1);
	errno = e;
	return ret;
}

void vm_pause_park(struct vcpu *v)
{
	struct vm_pause *p = &v->vm->pause;

	pthread_mutex_lock(&p->lock);
	p->parked++;
	pthread_mutex_unlock(&p->lock);
}

void vm_pause_unpark(struct vcpu *v)
{
	struct vm_pause *p = &v->vm->pause;

	pthread_mutex_lock(&p->lock);
	while (p->frozen && !p->stopping)
		pthread_cond_wait(&p->cond, &p->lock);
	p->parked--;
	pthread_mutex_unlock(&p->lock);
}

bool vm_pause_freeze(struct vm *vm, unsigned int *busy)
{
	struct vm_pause *p = &vm->pause;
	unsigned int started = 0;
	bool whole;

	for (unsigned int i = 0; i < vm->nr_cpus; i++)
		started += vm->vcpus[i].thread_started;
	pthread_mutex_lock(&p->lock);
	whole = p->state == VM_PAUSED && !p->stopping && p->in_run == 0 &&
		p->waiting + p->parked == started;
	p->frozen = whole;
	pthread_mutex_unlock(&p->lock);
	/* Which one is missing is not tracked per thread: name the first vCPU
	 * whose PSCI state says it should be running. */
	*busy = 0;
	for (unsigned int i = 0; !whole && i < vm->nr_cpus; i++) {
		struct psci_cpu_info info;

		if (psci_cpu_info(&vm->psci, i, &info) == 0 && info.state != PSCI_CPU_OFF) {
			*busy = i;
			break;
		}
	}
	return whole;
}

void vm_pause_thaw(struct vm *vm)
{
	set_flag_and_wake(&vm->pause.lock, &vm->pause.cond, &vm->pause.frozen, false);
}

void vm_pause_stop(struct vm *vm)
{
	set_flag_and_wake(&vm->pause.lock, &vm->pause.cond, &vm->pause.stopping, true);
}

int vm_pause_request(struct vm *vm)
{
	struct vm_pause *p = &vm->pause;
	int ret = 0;

	pthread_mutex_lock(&p->lock);
	if (p->state != VM_RUNNING)
		ret = -EALREADY;
	else
		p->state = VM_PAUSING;
	pthread_mutex_unlock(&p->lock);
	if (!ret)
		vm_kick_vcpus(vm);
	return ret;
}

bool vm_pause_settled(struct vm *vm)
{
	struct vm_pause *p = &vm->pause;
	bool done;

	pthread_mutex_lock(&p->lock);
	done = p->state == VM_PAUSING && p->in_run == 0;
	if (done)
		p->state = VM_PAUSED;
	pthread_mutex_unlock(&p->lock);
	if (!done) {
		if (vm->pause.state == VM_PAUSING)
			vm_kick_vcpus(vm); /* a kick that landed between two KVM_RUNs */
		return false;
	}
	/* Stop the guest's clock (see the top of the file). */
	p->have_cnt = vm_get_reg(&vm->vcpus[0], KVM_REG_ARM_TIMER_CNT, &p->cnt) == 0;
	if (!p->have_cnt)
		vm_err("pause: reading the guest's virtual counter failed: the guest's clock "
		       "runs on while paused\n");
	return true;
}

void vm_pause_cancel(struct vm *vm)
{
	struct vm_pause *p = &vm->pause;

	pthread_mutex_lock(&p->lock);
	if (p->state == VM_PAUSING)
		p->state = VM_RUNNING;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

int vm_resume(struct vm *vm)
{
	struct vm_pause *p = &vm->pause;
	int ret;

	pthread_mutex_lock(&p->lock);
	if (p->state != VM_PAUSED) {
		ret = p->state == VM_RUNNING ? -EALREADY : -EBUSY;
		pthread_mutex_unlock(&p->lock);
		return ret;
	}
	/* Still closed: the counter goes back while nobody can run. */
	if (p->have_cnt) {
		ret = vm_set_reg(&vm->vcpus[0], KVM_REG_ARM_TIMER_CNT, p->cnt);
		if (ret)
			vm_err("resume: setting the guest's virtual counter: %s\n", strerror(-ret));
	}
	p->state = VM_RUNNING;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

bool vm_resume_settled(struct vm *vm)
{
	struct vm_pause *p = &vm->pause;
	bool done;

	pthread_mutex_lock(&p->lock);
	done = p->waiting == 0 || p->state != VM_RUNNING;
	pthread_mutex_unlock(&p->lock);
	return done;
}

const char *vm_pause_state_name(struct vm *vm)
{
	switch (vm->pause.state) {
	case VM_PAUSING:
		return "pausing";
	case VM_PAUSED:
		return "paused";
	case VM_RUNNING:
		break;
	}
	return "running";
}
