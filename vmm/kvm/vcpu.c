/*
 * KVM glue, per vCPU: one thread per vCPU and its run loop.
 *
 * A vCPU that is OFF waits in userspace (psci_wait_for_on), not in KVM_RUN.
 * Its warm reset (KVM_ARM_VCPU_INIT) is done ahead, by its own thread right
 * after its CPU_OFF, so that a CPU_ON only records the entry point and wakes
 * it, and the woken thread only sets PC and x0 before KVM_RUN. Every ioctl on
 * a vCPU comes from that vCPU's own thread, because one from another thread
 * would block on the vCPU mutex while that vCPU sits in KVM_RUN (DESIGN.md
 * §4). The VM-wide loop that starts and stops these threads is run_loop.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmm/firmware/inject.h"
#include "vmm/kvm/kvm_compat.h"
#include "vmm/output/outbuf.h"
#include "vmm/record/tracefile.h"
#include "vmm/kvm/vm.h"

/* What the run loop does after handling one exit. */
enum vcpu_outcome {
	VCPU_CONTINUE, /* re-enter the guest */
	VCPU_PARK,     /* the vCPU is OFF: wait for a CPU_ON */
	VCPU_STOP,     /* the VM run is ending */
};

static enum vcpu_outcome vcpu_fail(struct vcpu *v, const char *what)
{
	uint64_t pc = 0;

	vm_get_reg(v, KVM_REG_PC, &pc);
	vm_err("vcpu %u: %s (guest pc 0x%" PRIx64 ")\n", v->id, what, pc);
	vm_request_exit(v->vm, VM_EXIT_ERROR);
	return VCPU_STOP;
}

static enum vcpu_outcome vcpu_ioctl_fail(struct vcpu *v, const char *what, int err)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "%s: %s", what, strerror(err));
	return vcpu_fail(v, buf);
}

static void vcpu_trace(struct vcpu *v, const struct smccc_call *call,
		       const struct smccc_result *res, enum smccc_outcome out, const char *rule)
{
	char name[48], line[512];
	int n;

	n = snprintf(line, sizeof(line), "trace: vcpu %u %s %s (0x%08x)", v->id,
		     smccc_conduit_name(call->conduit),
		     smccc_fid_name(call->fid, name, sizeof(name)), call->fid);
	for (unsigned int i = 0; i < call->nr_args && n < (int)sizeof(line); i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " x%u=0x%" PRIx64, i + 1,
			      call->args[i]);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	if ((out == SMCCC_RESUME || out == SMCCC_CPU_SUSPEND) && res->nr)
		snprintf(line + n, sizeof(line) - (size_t)n, " -> %" PRId64 " (0x%" PRIx64 ")%s",
			 (int64_t)res->x[0], res->x[0],
			 out == SMCCC_CPU_SUSPEND ? " on wake-up" : "");
	else
		snprintf(line + n, sizeof(line) - (size_t)n, " -> %s",
			 out == SMCCC_CPU_OFF	     ? "(cpu off)"
			 : out == SMCCC_CPU_SUSPEND  ? "(power-down suspend)"
			 : out == SMCCC_SYSTEM_OFF   ? "(system off)"
			 : out == SMCCC_SYSTEM_RESET ? "(system reset)"
						     : "(no result)");
	if (rule) {
		n = (int)strnlen(line, sizeof(line));
		snprintf(line + n, sizeof(line) - (size_t)n, " [injected %s]", rule);
	}
	/* Through the stderr buffer: a stalled stderr must not stall the vCPU. */
	n = (int)strnlen(line, sizeof(line) - 2);
	line[n++] = '\n';
	outbuf_write_may_wait(v->vm->shared->err, line, (size_t)n);
}

static int vcpu_set_mp_state(struct vcpu *v, uint32_t state)
{
	struct kvm_mp_state mp = {.mp_state = state};

	return ioctl(v->fd, KVM_SET_MP_STATE, &mp) < 0 ? -errno : 0;
}

/*
 * CPU_SUSPEND and friends: KVM_MP_STATE_SUSPENDED makes the next KVM_RUN
 * block like WFI until a wake-up event (a pending interrupt, even a masked
 * one) and then exit with KVM_SYSTEM_EVENT_WAKEUP (api.rst), where
 * vcpu_wakeup() finishes the job.
 */
static enum vcpu_outcome vcpu_suspend(struct vcpu *v)
{
	int ret = vcpu_set_mp_state(v, KVM_MP_STATE_SUSPENDED);

	if (ret)
		return vcpu_ioctl_fail(v, "KVM_SET_MP_STATE(SUSPENDED)", -ret);
	return VCPU_CONTINUE;
}

static int vcpu_power_on(struct vcpu *v, uint64_t entry, uint64_t x0, bool be);

/* The wake-up event arrived: standby returns (x0 = SUCCESS is already in
 * place), power-down restarts at the entry point like CPU_ON (DEN0022 §6.4). */
static enum vcpu_outcome vcpu_wakeup(struct vcpu *v)
{
	uint64_t entry, context_id;
	int ret = vcpu_set_mp_state(v, KVM_MP_STATE_RUNNABLE);

	if (ret)
		return vcpu_ioctl_fail(v, "KVM_SET_MP_STATE(RUNNABLE)", -ret);
	if (psci_suspend_end(&v->vm->psci, v->id, &entry, &context_id)) {
		ret =
		    vcpu_power_on(v, entry, context_id, psci_entry_big_endian(&v->vm->psci, v->id));
		if (ret)
			return vcpu_ioctl_fail(v, "resetting after a power-down suspend", -ret);
	}
	return VCPU_CONTINUE;
}

/*
 * The injection rules (inject.h) for a call whose arguments are read: the
 * vCPU it is about is the target x1 names for CPU_ON, AFFINITY_INFO and
 * friends, else the caller. *target is that vCPU for such calls (-1: no
 * vCPU has that MPIDR), else -1 and *has_target false.
 */
static void vcpu_inject_match(struct vcpu *v, const struct smccc_call *call,
			      struct inject_action *act, bool *has_target, int *target)
{
	uint64_t x1 = call->nr_args ? call->args[0] : 0;

	*has_target = call->nr_args && inject_fid_has_target(call->fid);
	/* An SMC32 call's x1 is W1 (DEN0028 §2.6). */
	*target = *has_target
		      ? psci_find_cpu(&v->vm->psci, smccc_is_64(call->fid) ? x1 : (uint32_t)x1)
		      : -1;
	inject_match(v->vm->shared->inject, call->fid, *has_target ? *target : (int)v->id, act);
}

/* Answer an injected return code in place of the function: x0 as the
 * dispatcher would write it (an SMC32 status sign-extended from W0) and no
 * other register, like every PSCI answer (psci_calls.c). */
static void vcpu_inject_result(uint32_t fid, int64_t ret, struct smccc_result *res)
{
	res->x[0] = smccc_is_64(fid) ? (uint64_t)ret : (uint64_t)(int64_t)(int32_t)ret;
	res->nr = 1;
}

/* One hypercall exit on its way through vcpu_handle_hypercall's steps. */
struct hypercall {
	struct smccc_call call;
	const struct smccc_range *row; /* NULL: no service owns the ID */
	struct inject_action act;
	bool has_target; /* the call names a target vCPU in x1 ... */
	int target;	 /* ... this one (-1: no vCPU has that MPIDR) */
	struct smccc_result res;
	enum smccc_outcome out;
	int slot; /* its counter slot (-1: counted in `other`) */
	unsigned int extra_syscalls;
	bool record;	/* the record (--trace-file) is on */
	uint64_t t0_ns; /* when the exit was taken, for the record */
};

/* x1.. as far as the row's function reads them (one KVM_GET_ONE_REG each). */
static enum vcpu_outcome vcpu_read_call(struct vcpu *v, struct hypercall *h)
{
	struct vm *vm = v->vm;
	uint64_t sctlr;
	int ret;

	h->call.nr_args = smccc_row_nr_args(h->row, h->call.fid);
	for (unsigned int i = 0; i < h->call.nr_args; i++) {
		ret = vm_get_reg(v, KVM_REG_X(i + 1), &h->call.args[i]);
		if (ret)
			return vcpu_ioctl_fail(v, "KVM_GET_ONE_REG(hypercall argument)", -ret);
	}
	/* CPU_ON and the power-down suspends start a CPU in the caller's
	 * endianness (DEN0022 §6.4.3): one more register read, for them only. */
	if (h->row && h->row->service == &vm->psci.service && psci_call_enters_at(h->call.fid)) {
		ret = vm_get_reg(v, KVM_REG_SCTLR_EL1, &sctlr);
		if (ret)
			return vcpu_ioctl_fail(v, "KVM_GET_ONE_REG(SCTLR_EL1)", -ret);
		h->call.caller_be = (sctlr & SCTLR_EL1_EE) != 0;
		h->extra_syscalls++;
	}
	return VCPU_CONTINUE;
}

/* The answer: an injection rule's (after its delay), else the service's. */
static enum smccc_outcome vcpu_answer(struct vcpu *v, struct hypercall *h)
{
	struct smccc_call *call = &h->call;

	/* A stopping VM cuts the delay short (inject_stop): answer and go. */
	if (h->act.hit && h->act.delay_ns)
		inject_delay(v->vm->shared->inject, h->act.delay_ns);
	if (h->act.hit && h->act.has_ret) {
		/* Traced as the dispatcher would have seen them (§2.6: W registers). */
		for (unsigned int i = 0; !smccc_is_64(call->fid) && i < call->nr_args; i++)
			call->args[i] = (uint32_t)call->args[i];
		vcpu_inject_result(call->fid, h->act.ret, &h->res);
		return SMCCC_RESUME;
	}
	call->lost = h->act.hit && h->act.lost;
	return smccc_dispatch_row(h->row, call, &h->res);
}

/* x0.. as far as the function defines them (one KVM_SET_ONE_REG each). */
static enum vcpu_outcome vcpu_write_results(struct vcpu *v, const struct smccc_result *res)
{
	int ret;

	for (unsigned int i = 0; i < res->nr; i++) {
		ret = vm_set_reg(v, KVM_REG_X(i), res->x[i]);
		if (ret)
			return vcpu_ioctl_fail(v, "KVM_SET_ONE_REG(hypercall result)", -ret);
	}
	return VCPU_CONTINUE;
}

/* The call's line in the record (--trace-file). */
static void vcpu_record_call(struct vcpu *v, const struct hypercall *h)
{
	char line[TRACEFILE_MAX_LINE];
	struct tracefile_call tc = {
	    .t_ns = h->t0_ns,
	    .vmm_ns = tracefile_now_ns() - h->t0_ns,
	    .call = &h->call,
	    .res = &h->res,
	    .out = h->out,
	    .has_target = h->has_target,
	    .target = h->target,
	    .rule = h->act.hit ? h->act.rule : NULL,
	};

	tracefile_write(v->vm->shared->tracefile, line,
			tracefile_fmt_call(line, sizeof(line), &tc));
}

/* VMM_RESET_AT_CPU_ON=1: read once per process, never written after. */
static bool reset_at_cpu_on;
static pthread_once_t reset_at_cpu_on_once = PTHREAD_ONCE_INIT;

static void vcpu_read_reset_knob(void)
{
	const char *s = getenv("VMM_RESET_AT_CPU_ON");

	reset_at_cpu_on = s && strcmp(s, "1") == 0;
}

/*
 * The warm reset a CPU_ON needs, done as soon as the vCPU is OFF: its own
 * thread is idle until the next CPU_ON anyway, and the reset then is off
 * that CPU_ON's critical path (the target only sets PC and x0). A CPU_ON
 * that arrives meanwhile waits for it, as it waited for the reset before.
 * Only a vCPU that ran needs it: creation left the others in the reset
 * state. A stopping VM skips it; VMM_RESET_AT_CPU_ON=1 in the environment
 * leaves it on the CPU_ON path, to measure the difference (README,
 * Performance). Returns the ioctls it issued (0 or 1), or -errno.
 */
static int vcpu_reset_ahead(struct vcpu *v)
{
	int ret;

	pthread_once(&reset_at_cpu_on_once, vcpu_read_reset_knob);
	if (!v->has_run || reset_at_cpu_on || atomic_load(&v->vm->stopping))
		return 0;
	ret = vm_vcpu_reset(v, false);
	if (ret)
		return ret;
	v->has_run = false;
	return 1;
}

/* What the vCPU does after the call: run on, park, sleep, or end the run.
 * A CPU_OFF's count of syscalls (slot) includes the reset done ahead. */
static enum vcpu_outcome vcpu_after_call(struct vcpu *v, enum smccc_outcome out, int slot)
{
	int ret;

	switch (out) {
	case SMCCC_RESUME:
		return VCPU_CONTINUE;
	case SMCCC_CPU_OFF:
		ret = vcpu_reset_ahead(v);
		if (ret < 0)
			return vcpu_ioctl_fail(v, "KVM_ARM_VCPU_INIT (reset after CPU_OFF)", -ret);
		if (ret && slot >= 0)
			atomic_fetch_add(&v->vm->shared->calls.syscalls[slot], (unsigned long)ret);
		return VCPU_PARK;
	case SMCCC_CPU_SUSPEND:
		return vcpu_suspend(v);
	case SMCCC_SYSTEM_OFF:
		vm_request_exit(v->vm, VM_EXIT_SYSTEM_OFF);
		return VCPU_STOP;
	case SMCCC_SYSTEM_RESET:
		vm_request_exit(v->vm, VM_EXIT_SYSTEM_RESET);
		return VCPU_STOP;
	}
	return VCPU_CONTINUE;
}

/*
 * KVM_EXIT_HYPERCALL: the function ID is in run->hypercall.nr and the
 * conduit in its flags; arguments are read from x1.. only as far as the
 * function needs, results written back to x0.. only as far as it defines
 * (every register access is a syscall). The PC already points past the
 * HVC/SMC (api.rst): it is not touched. An injection rule may delay the
 * answer, replace it (the function does not run), or make a CPU_ON lose its
 * target (inject.h).
 */
static enum vcpu_outcome vcpu_handle_hypercall(struct vcpu *v)
{
	struct vm *vm = v->vm;
	struct hypercall h = {
	    .call.fid = (uint32_t)v->run->hypercall.nr,
	    .call.conduit = (v->run->hypercall.longmode & KVM_HYPERCALL_EXIT_SMC)
				? SMCCC_CONDUIT_SMC
				: SMCCC_CONDUIT_HVC,
	    .call.vcpu = v->id,
	    .record = tracefile_on(vm->shared->tracefile),
	};

	h.row = smccc_lookup(&vm->smccc, h.call.fid);
	h.t0_ns = h.record ? tracefile_now_ns() : 0;
	atomic_fetch_add(&vm->shared->hypercalls, 1);
	h.slot = smccc_count(&vm->shared->calls, h.call.fid);
	if (vcpu_read_call(v, &h) != VCPU_CONTINUE)
		return VCPU_STOP;
	if (!h.row || !h.row->service)
		atomic_fetch_add(&vm->shared->unknown_fids, 1);
	vcpu_inject_match(v, &h.call, &h.act, &h.has_target, &h.target);
	h.out = vcpu_answer(v, &h);
	if (atomic_load_explicit(&vm->shared->trace, memory_order_relaxed))
		vcpu_trace(v, &h.call, &h.res, h.out, h.act.hit ? h.act.rule : NULL);
	if (vcpu_write_results(v, &h.res) != VCPU_CONTINUE)
		return VCPU_STOP;
	/* The KVM_RUN that returned this exit, plus one ioctl per register. */
	if (h.slot >= 0)
		atomic_fetch_add(&vm->shared->calls.syscalls[h.slot],
				 1 + h.call.nr_args + h.res.nr + h.extra_syscalls);
	if (h.record)
		vcpu_record_call(v, &h);
	return vcpu_after_call(v, h.out, h.slot);
}

static enum vcpu_outcome vcpu_handle_mmio(struct vcpu *v)
{
	struct vm *vm = v->vm;
	uint64_t addr = v->run->mmio.phys_addr;
	unsigned int len = v->run->mmio.len;
	bool is_write = v->run->mmio.is_write;

	atomic_fetch_add(&vm->shared->mmio_exits, 1);
	if (len == 0 || len > sizeof(v->run->mmio.data))
		return vcpu_fail(v, "MMIO exit with an impossible access size");
	enum mmio_result r = mmio_access(&vm->mmio, addr, v->run->mmio.data, len, is_write);

	if (r != MMIO_HANDLED)
		atomic_fetch_add(&vm->shared->unclaimed_mmio, 1);
	/* Warn once per VMM process, not once per reset. */
	if (r == MMIO_UNCLAIMED_FIRST && atomic_load(&vm->shared->unclaimed_mmio) == 1) {
		uint64_t pc = 0;

		vm_get_reg(v, KVM_REG_PC, &pc);
		vm_err("vcpu %u: %u-byte %s of unclaimed address 0x%" PRIx64 " (guest pc 0x%" PRIx64
		       "): reads as zero, writes ignored; further ones "
		       "are only counted\n",
		       v->id, len, is_write ? "write" : "read", addr, pc);
	}
	return VCPU_CONTINUE;
}

/*
 * KVM_EXIT_ARM_NISV: a data abort outside every memslot whose instruction
 * KVM cannot decode (no valid ISV: a load/store pair, writeback, ...). A
 * guest must not be able to kill the VMM that way: count it, warn once and
 * give the guest what real hardware would, an external data abort
 * (KVM_SET_VCPU_EVENTS, api.rst).
 */
static enum vcpu_outcome vcpu_handle_nisv(struct vcpu *v)
{
	struct kvm_vcpu_events ev;
	uint64_t pc = 0;

	atomic_fetch_add(&v->vm->shared->unclaimed_mmio, 1);
	if (!atomic_exchange(&v->vm->shared->nisv_warned, true)) {
		vm_get_reg(v, KVM_REG_PC, &pc);
		vm_err("vcpu %u: MMIO access at 0x%llx that KVM cannot decode (no valid syndrome; "
		       "guest pc 0x%" PRIx64 "): injecting an external data abort\n",
		       v->id, (unsigned long long)v->run->arm_nisv.fault_ipa, pc);
	}
	memset(&ev, 0, sizeof(ev));
	ev.exception.ext_dabt_pending = 1;
	if (ioctl(v->fd, KVM_SET_VCPU_EVENTS, &ev) < 0)
		return vcpu_ioctl_fail(v, "KVM_SET_VCPU_EVENTS(external data abort)", errno);
	return VCPU_CONTINUE;
}

/* In-kernel PSCI reports SYSTEM_OFF/RESET as system events. */
static enum vcpu_outcome vcpu_handle_system_event(struct vcpu *v)
{
	char buf[64];

	switch (v->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		vm_request_exit(v->vm, VM_EXIT_SYSTEM_OFF);
		return VCPU_STOP;
	case KVM_SYSTEM_EVENT_RESET:
		vm_request_exit(v->vm, VM_EXIT_SYSTEM_RESET);
		return VCPU_STOP;
	case KVM_SYSTEM_EVENT_WAKEUP:
		return vcpu_wakeup(v);
	case KVM_SYSTEM_EVENT_CRASH:
		return vcpu_fail(v, "the guest reported a crash (SYSTEM_EVENT_CRASH)");
	default:
		snprintf(buf, sizeof(buf), "unexpected system event type %u",
			 v->run->system_event.type);
		return vcpu_fail(v, buf);
	}
}

static enum vcpu_outcome vcpu_handle_exit(struct vcpu *v)
{
	char buf[128];

	switch (v->run->exit_reason) {
	case KVM_EXIT_HYPERCALL:
		return vcpu_handle_hypercall(v);
	case KVM_EXIT_MMIO:
		return vcpu_handle_mmio(v);
	case KVM_EXIT_SYSTEM_EVENT:
		return vcpu_handle_system_event(v);
	case KVM_EXIT_ARM_NISV:
		return vcpu_handle_nisv(v);
	case KVM_EXIT_INTR:
		return VCPU_CONTINUE;
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(buf, sizeof(buf), "KVM_EXIT_FAIL_ENTRY (hardware reason 0x%llx)",
			 (unsigned long long)v->run->fail_entry.hardware_entry_failure_reason);
		return vcpu_fail(v, buf);
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(buf, sizeof(buf), "KVM_EXIT_INTERNAL_ERROR (suberror %u)",
			 v->run->internal.suberror);
		return vcpu_fail(v, buf);
	default:
		snprintf(buf, sizeof(buf), "unexpected exit reason %u", v->run->exit_reason);
		return vcpu_fail(v, buf);
	}
}

/* Start this vCPU at a CPU_ON entry point: PC = entry, x0 = context id, and
 * big-endian data accesses at EL1 if the caller had them (KVM's reset sets
 * SCTLR_EL1.EE the same way for its in-kernel CPU_ON). The warm reset comes
 * first unless it was done ahead (vcpu_reset_ahead) or the vCPU never ran;
 * a power-down suspend's resume always needs it here, since that vCPU waited
 * inside KVM_RUN. */
static int vcpu_power_on(struct vcpu *v, uint64_t entry, uint64_t x0, bool be)
{
	unsigned int syscalls = 2;
	int ret = 0;

	if (v->has_run) {
		ret = vm_vcpu_reset(v, false);
		syscalls++;
		if (!ret)
			v->has_run = false;
	}
	if (!ret)
		ret = vm_set_reg(v, KVM_REG_PC, entry);
	if (!ret)
		ret = vm_set_reg(v, KVM_REG_X(0), x0);
	if (!ret && be) {
		uint64_t sctlr;

		ret = vm_get_reg(v, KVM_REG_SCTLR_EL1, &sctlr);
		if (!ret)
			ret = vm_set_reg(v, KVM_REG_SCTLR_EL1, sctlr | SCTLR_EL1_EE);
		syscalls += 2;
	}
	/* The target's share of a CPU_ON: [KVM_ARM_VCPU_INIT,] PC and x0. */
	atomic_fetch_add(&v->vm->shared->power_on_syscalls, syscalls);
	return ret;
}

/* A restored vCPU goes straight into KVM_RUN if PSCI has it on (running or
 * suspended); every other one waits for a CPU_ON, as after its CPU_OFF.
 * Its registers are the snapshot's, not a reset's: the first CPU_ON resets
 * it (has_run). */
static bool vcpu_restored_runs(struct vcpu *v)
{
	struct psci_cpu_info info;

	v->has_run = true;
	return psci_cpu_info(&v->vm->psci, v->id, &info) == 0 && info.state == PSCI_CPU_ON;
}

void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct vm *vm = v->vm;
	bool user_psci = vm->cfg->psci_mode == PSCI_MODE_USER;
	bool parked = user_psci && (vm->restored ? !vcpu_restored_runs(v) : v->id != 0);
	sigset_t kick;
	char name[16];
	int ret;

	snprintf(name, sizeof(name), "vcpu%u", v->id);
	pthread_setname_np(pthread_self(), name);
	sigemptyset(&kick);
	sigaddset(&kick, VCPU_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);
	sandbox_enter(SANDBOX_ROLE_VCPU); /* before the first KVM_RUN (DESIGN.md §12) */

	while (!atomic_load(&vm->stopping)) {
		if (parked) {
			uint64_t entry, context_id;

			bool on;

			vm_pause_park(v);
			on = psci_wait_for_on(&vm->psci, v->id, &entry, &context_id);
			vm_pause_unpark(v);
			if (!on)
				break;
			ret = vcpu_power_on(v, entry, context_id,
					    psci_entry_big_endian(&vm->psci, v->id));
			if (ret) {
				vcpu_ioctl_fail(v, "resetting for CPU_ON", -ret);
				break;
			}
			psci_cpu_running(&vm->psci, v->id);
			parked = false;
		}
		if (v->id == 0 && !v->has_run)
			vm_note_first_run(vm);
		v->has_run = true;
		if (vm_pause_kvm_run(v) < 0) { /* KVM_RUN, held while paused (pause.c) */
			if (errno == EINTR || errno == EAGAIN)
				continue;
			vcpu_ioctl_fail(v, "KVM_RUN", errno);
			break;
		}
		switch (vcpu_handle_exit(v)) {
		case VCPU_CONTINUE:
			break;
		case VCPU_PARK:
			parked = true;
			break;
		case VCPU_STOP:
			return NULL;
		}
	}
	return NULL;
}
