/*
 * Pausing a VM (`vmm ctl NAME pause` / `resume`): every vCPU parked outside
 * KVM_RUN, then released. The mechanism is kvm/pause.c; its hooks are one
 * call in the vCPU loop (vm_pause_kvm_run instead of the bare KVM_RUN) and
 * one in the stop path (vm_pause_stop).
 */
#ifndef VMM_KVM_PAUSE_H
#define VMM_KVM_PAUSE_H

#include <pthread.h>
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
	enum vm_pause_state state;
	bool stopping;	      /* the run is ending: nobody waits at the gate any more */
	unsigned int in_run;  /* threads inside KVM_RUN (or about to enter it) */
	unsigned int waiting; /* threads held at the gate */
	bool have_cnt;	      /* cnt holds the guest's virtual counter at the pause */
	uint64_t cnt;
};

/* Before the vCPU threads start (run_loop.c). */
void vm_pause_init(struct vm_pause *p);

/* KVM_RUN for v's thread, through the gate: while the VM is paused the
 * thread waits here. Returns what ioctl(KVM_RUN) returned, errno intact. */
int vm_pause_kvm_run(struct vcpu *v);

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
