/*
 * Pausing a VM (`vmm ctl NAME pause` / `resume`): every vCPU parked outside
 * KVM_RUN, then released. The mechanism is kvm/pause.c; its hooks are one
 * call in the vCPU loop (vm_pause_kvm_run instead of the bare KVM_RUN) and
 * one in the stop path (vm_pause_stop).
 */
#ifndef VMM_KVM_PAUSE_H
#define VMM_KVM_PAUSE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct vm;
struct vcpu;

enum vm_pause_state {
	VM_RUNNING,
	VM_PAUSING, /* asked; some vCPU may still be in KVM_RUN */
	VM_PAUSED,  /* no vCPU is in KVM_RUN, none will enter it */
};

struct vm_pause {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* state and in_run are atomic: an open gate is passed without the lock
	 * (pause.c, vm_pause_kvm_run). Written under the lock all the same. */
	_Atomic(enum vm_pause_state) state;
	atomic_uint in_run;   /* threads inside KVM_RUN (or about to enter it) */
	bool stopping;	      /* the run is ending: nobody waits at the gate any more */
	unsigned int waiting; /* threads held at the gate */
	unsigned int parked;  /* threads of OFF vCPUs waiting for a CPU_ON (user PSCI) */
	bool frozen;	      /* a snapshot is being taken: parked threads stay parked */
	bool have_cnt;	      /* cnt holds the guest's virtual counter at the pause */
	uint64_t cnt;
};

/* Before the vCPU threads start (run_loop.c). */
void vm_pause_init(struct vm_pause *p);

/* KVM_RUN for v's thread, through the gate: while the VM is paused the
 * thread waits here. Returns what ioctl(KVM_RUN) returned, errno intact. */
int vm_pause_kvm_run(struct vcpu *v);

/* Around psci_wait_for_on (vcpu.c): the thread of an OFF vCPU is parked,
 * its vCPU reset and idle. vm_pause_unpark waits while a snapshot is being
 * taken (frozen), so a CPU_ON that woke it cannot touch the vCPU then. */
void vm_pause_park(struct vcpu *v);
void vm_pause_unpark(struct vcpu *v);

/*
 * For `snapshot` (main thread, VM paused): every started vCPU thread is at
 * the gate (its last MMIO access completed) or parked OFF, and stays so
 * until vm_pause_thaw: true and frozen. False while some thread is still
 * on its way (in the middle of a forwarded call, an injected delay, a
 * CPU_ON's start-up); *busy gets one of them.
 */
bool vm_pause_freeze(struct vm *vm, unsigned int *busy);
void vm_pause_thaw(struct vm *vm);

/* The stop path (run_loop.c): release every held thread for good. */
void vm_pause_stop(struct vm *vm);

/*
 * For the control commands (main thread). vm_pause_request: RUNNING ->
 * PAUSING and kick the vCPUs (-EALREADY if not running). vm_pause_settled:
 * true once PAUSED (it finishes the pause: the guest's clock stops there);
 * while PAUSING it kicks again. vm_pause_cancel: a pause that did not settle
 * in time goes back to RUNNING. vm_resume: PAUSED -> RUNNING, the held
 * threads released (-EALREADY if running, -EBUSY while pausing);
 * vm_resume_settled: true once no thread waits at the gate.
 */
int vm_pause_request(struct vm *vm);
bool vm_pause_settled(struct vm *vm);
void vm_pause_cancel(struct vm *vm);
int vm_resume(struct vm *vm);
bool vm_resume_settled(struct vm *vm);
const char *vm_pause_state_name(struct vm *vm);

#endif
