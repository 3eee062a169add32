/*
 * `snapshot DIR [--stop]` (control/protocol.h), on the main thread:
 *
 *   1. DIR checked (absent, or an empty directory), then the VM paused
 *      through the pause gate (kvm/pause.c), unless the user paused it.
 *   2. The run loop calls vm_snapshot_tick every few ms until every vCPU
 *      thread is at the gate or parked OFF (vm_pause_freeze). A thread in
 *      the middle of a forwarded call (an injected delay, a CPU_ON's
 *      start-up, the console's back-pressure) is waited for, up to
 *      SNAPSHOT_PARK_MS: then the request is refused, "error busy: ...",
 *      nothing is written and the VM goes on. A snapshot is never taken
 *      with a call half answered.
 *   3. DIR written (snapshot_save) on this thread, the vCPUs held; then
 *      the VM resumes (or stays paused if the user had paused it), or with
 *      --stop ends as on `quit` once the reply is out.
 *
 * An ACPI hotplug event in flight or a deferred unplug is no reason to
 * refuse: its whole state is in the saved sections (PSCI, CPUHP, the
 * vGIC's pending GED interrupt), and the restored guest finishes it; only
 * a `plug`/`unplug` reply still waiting goes to the client of this VMM.
 *
 * The main thread is busy while DIR is written (RAM is the big part): the
 * control socket and signals are answered right after. Writing from
 * another thread would free the loop but needs the vCPUs held all the
 * same, so it would only move the wait.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "vmm/control/server.h"
#include "vmm/kvm/snapshot.h"
#include "vmm/sandbox/sandbox.h"
#include "vmm/kvm/vm.h"
#include "vmm/kvm/vm_control.h"

/* How long the vCPUs get to park; how long a --stop waits for its reply. */
#define SNAPSHOT_PARK_MS   5000
#define SNAPSHOT_REPLY_MAX CONTROL_DEFER_MAX_TIMEOUT_MS

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The job is over; its reply line (without newline) is `line`. */
static void job_done(struct vm *vm, const char *line)
{
	struct vm_snapshot_job *j = &vm->snap;

	snprintf(j->reply, sizeof(j->reply), "%s", line);
	j->done_seq = j->seq;
	j->active = false;
}

/* The vCPUs did not all park in time: undo our pause, refuse. */
static void job_give_up(struct vm *vm)
{
	struct vm_snapshot_job *j = &vm->snap;
	unsigned int busy = 0;
	char line[256];

	vm_pause_freeze(vm, &busy); /* only for the vCPU to name (not frozen: not whole) */
	if (j->we_paused) {
		if (vm->pause.state == VM_PAUSED)
			vm_resume(vm);
		else
			vm_pause_cancel(vm);
	}
	snprintf(line, sizeof(line),
		 "error busy: vCPU %u did not come to rest within %d ms (a forwarded call being "
		 "answered, an injected delay?); nothing was written, the VM runs",
		 busy, SNAPSHOT_PARK_MS);
	job_done(vm, line);
}

/* Every vCPU parked and held: write DIR, then let the VM go on (or stop). */
static void job_save(struct vm *vm)
{
	struct vm_snapshot_job *j = &vm->snap;
	struct snapshot_result res = {0};
	char err[768];
	int ret;

	if (!vm->pause.have_cnt) {
		vm_pause_thaw(vm);
		if (j->we_paused)
			vm_resume(vm);
		job_done(vm, "error the guest's virtual counter could not be read");
		return;
	}
	ret = snapshot_save(vm, j->dir, vm->pause.cnt, &res, err + 6, sizeof(err) - 6);
	vm_pause_thaw(vm);
	if (ret) {
		if (j->we_paused)
			vm_resume(vm);
		memcpy(err, "error ", 6);
		job_done(vm, err);
		return;
	}
	/* --stop: the VM stays parked and ends once the reply is out. */
	if (j->we_paused && !j->stop)
		vm_resume(vm);
	snprintf(err, sizeof(err), "ok %" PRIu64 " %" PRIu64, res.bytes, res.ms);
	job_done(vm, err);
}

void vm_snapshot_tick(struct vm *vm)
{
	struct vm_snapshot_job *j = &vm->snap;
	unsigned int busy;

	if (!j->active)
		return;
	if (atomic_load(&vm->stopping)) {
		job_done(vm, "error the VM is stopping");
		return;
	}
	if (j->we_paused && vm->pause.state == VM_PAUSING && !vm_pause_settled(vm)) {
		if (mono_ms() >= j->deadline_ms)
			job_give_up(vm);
		return;
	}
	if (vm->pause.state != VM_PAUSED) {
		/* A SYSTEM_RESET built a new VM meanwhile, or the user resumed. */
		job_done(vm, "error the VM was resumed or reset before it was saved");
		return;
	}
	if (vm_pause_freeze(vm, &busy))
		job_save(vm);
	else if (mono_ms() >= j->deadline_ms)
		job_give_up(vm);
}

static bool snapshot_done(struct control_server *s, const struct control_deferred *d,
			  bool timed_out, struct control_reply *r)
{
	struct vm *vm = s->vm;

	if (!vm || vm->snap.done_seq != d->arg) {
		if (!timed_out && vm && vm->snap.active && vm->snap.seq == d->arg)
			return false;
		control_reply_add(r, "error the snapshot did not finish (the VM was reset?)");
		return true;
	}
	control_reply_add(r, "%s", vm->snap.reply);
	if (vm->snap.stop && !strncmp(vm->snap.reply, "ok", 2))
		vm_request_exit(vm, VM_EXIT_SYSTEM_OFF);
	return true;
}

void vm_control_snapshot(struct vm *vm, const struct control_req *req, struct control_reply *r)
{
	struct vm_snapshot_job *j = &vm->snap;
	char err[512];

	if (j->active) {
		control_reply_add(r, "error busy: a snapshot is being taken");
		return;
	}
	if (vm->pause.state == VM_PAUSING) {
		control_reply_add(r, "error busy: the VM is pausing; try once pause answered");
		return;
	}
	if (vm->its_fd >= 0) {
		/* KVM keeps the ITS's tables in guest RAM only after a
		 * KVM_DEV_ARM_ITS_SAVE_TABLES; its registers need their own
		 * group. Neither is saved yet: refuse rather than restore a guest
		 * whose LPIs silently stop. */
		control_reply_add(
		    r, "error the ITS's state is not saved: snapshots need --irqchip gicv3");
		return;
	}
	if (sandbox_check_write("snapshot", req->arg, err, sizeof(err)) ||
	    snapshot_check_dir(req->arg, err, sizeof(err))) {
		control_reply_add(r, "error %s", err);
		return;
	}
	snprintf(j->dir, sizeof(j->dir), "%s", req->arg);
	j->stop = req->stop;
	j->we_paused = vm->pause.state == VM_RUNNING;
	if (j->we_paused && vm_pause_request(vm)) {
		control_reply_add(r, "error the VM is %s", vm_pause_state_name(vm));
		return;
	}
	j->deadline_ms = mono_ms() + SNAPSHOT_PARK_MS;
	j->seq++;
	j->active = true;
	control_reply_defer(r, &(struct control_deferred){
				   .check = snapshot_done,
				   .arg = j->seq,
				   .timeout_ms = SNAPSHOT_REPLY_MAX,
			       });
}
