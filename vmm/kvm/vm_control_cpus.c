/*
 * The control commands about vCPUs, executed against the running VM
 * (vm_control.c dispatches): `cpus` and, for the hotplug models of DESIGN.md
 * §5 and §8, `plug` and `unplug`. With --acpi a reply waits for the guest
 * (deferred, never blocking the main loop) until it reported through _OST
 * or ejected the vCPU, or until the request's deadline.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/control/server.h"
#include "vmm/kvm/vm.h"
#include "vmm/kvm/vm_control.h"

/*
 * ACPI hotplug replies (DESIGN.md §8) wait for the guest: `plug` for its _OST
 * after the device check, `unplug` for its eject and the _OST after it. The
 * deferred check's arg packs the vCPU, the VM's reset count when the request
 * was made (a reset replaces s->vm and its registers) and the _OST count
 * before the event was posted (cpuhp_answer looks only at later ones).
 */
static uint64_t hp_arg(struct vm *vm, unsigned int cpu, unsigned long since)
{
	return (uint64_t)cpu | (uint64_t)(vm->shared->resets & 0xffff) << 16 |
	       (uint64_t)(since & 0xffffffffUL) << 32;
}

static unsigned int hp_cpu(uint64_t arg)
{
	return (unsigned int)(arg & 0xffff);
}

/* The VM the request went to, or NULL after a reset (or without ACPI). */
static struct vm *hp_vm(struct control_server *s, uint64_t arg)
{
	struct vm *vm = s->vm;

	if (!vm || !vm->cpuhp_ready || (vm->shared->resets & 0xffff) != ((arg >> 16) & 0xffff))
		return NULL;
	return vm;
}

/* A deferred plug or unplug, as it stands: the vCPU, and unless a reset
 * replaced the VM (false, h->vm NULL), what the guest's _OST said since the
 * request. */
struct hp_answer {
	struct vm *vm;
	unsigned int cpu;
	enum cpuhp_answer a;
	struct cpuhp_ost ost;
};

static bool hp_read_answer(struct control_server *s, const struct control_deferred *d, bool eject,
			   struct hp_answer *h)
{
	h->vm = hp_vm(s, d->arg);
	h->cpu = hp_cpu(d->arg);
	if (!h->vm)
		return false;
	h->a = cpuhp_answer(&h->vm->cpuhp, h->cpu, (unsigned long)(d->arg >> 32), eject, &h->ost);
	return true;
}

/* What the guest's _OST said, for a reply: "device-check status 0x1 (failure)". */
static void add_ost(struct control_reply *r, const struct cpuhp_ost *o)
{
	char ev[24], st[32];

	control_reply_add(r, "%s status 0x%x (%s)", cpuhp_ost_event_name(o->event, ev, sizeof(ev)),
			  o->status, cpuhp_ost_status_name(o->event, o->status, st, sizeof(st)));
}

/* The guest brought the vCPU up: CPU_ON since the plug (it was absent, so
 * OFF, before). */
static bool plug_started(struct vm *vm, unsigned int cpu)
{
	struct psci_cpu_info info;

	return psci_cpu_info(&vm->psci, cpu, &info) == 0 && info.present &&
	       info.state != PSCI_CPU_OFF;
}

/* The timed-out `plug` reply: what the guest did and did not do. */
static void plug_timeout_reply(const struct control_deferred *d, enum cpuhp_answer a,
			       const struct cpuhp_ost *o, struct control_reply *r)
{
	unsigned int cpu = hp_cpu(d->arg);
	int s = d->timeout_ms / 1000;

	if (a == CPUHP_ANSWER_SUCCESS) {
		/* Linux before 6.11 on arm64 answers a device check with
		 * success although it cannot add the CPU (DESIGN.md §8). */
		control_reply_add(r, "error the guest did not take vCPU %u: its _OST reported ",
				  cpu);
		add_ost(r, o);
		control_reply_add(r,
				  ", but it did not start the vCPU within %d s (a kernel "
				  "without ACPI CPU hotplug answers so; a guest that leaves "
				  "hot-added CPUs offline looks the same)",
				  s);
	} else if (a == CPUHP_ANSWER_PENDING) {
		control_reply_add(r,
				  "error the guest did not finish taking vCPU %u within %d s "
				  "(its last _OST: ",
				  cpu, s);
		add_ost(r, o);
		control_reply_add(r, ")");
	} else {
		control_reply_add(r,
				  "error the guest gave no answer for vCPU %u within %d s (no "
				  "_OST after the device check)",
				  cpu, s);
	}
}

/* `plug`: ok once the guest's _OST reported success and it started the
 * vCPU (CPU_ON); an _OST failure at once, anything else at the deadline. */
static bool acpi_plug_done(struct control_server *s, const struct control_deferred *d,
			   bool timed_out, struct control_reply *r)
{
	struct hp_answer h;

	if (!hp_read_answer(s, d, false, &h)) {
		control_reply_add(r,
				  "error the VM was reset before the guest answered; vCPU %u "
				  "stays plugged and boots with it",
				  h.cpu);
		return true;
	}
	if (h.a == CPUHP_ANSWER_SUCCESS && plug_started(h.vm, h.cpu)) {
		control_reply_add(r, "ok");
		return true;
	}
	if (h.a == CPUHP_ANSWER_FAILURE) {
		control_reply_add(r, "error the guest did not take vCPU %u: its _OST reported ",
				  h.cpu);
		add_ost(r, &h.ost);
	} else if (!timed_out) {
		return false;
	} else {
		plug_timeout_reply(d, h.a, &h.ost, r);
	}
	control_reply_add(r,
			  "; the vCPU stays plugged and boots with the guest's next reset "
			  "(unplug %u to undo)",
			  h.cpu);
	return true;
}

/* `unplug`: ok once the guest ejected the vCPU (_EJ0, and PSCI saw it go)
 * and said so in _OST; a failure in _OST or the deadline withdraws the
 * request, so a later reset does not remove the vCPU behind the guest's back.
 * A reset completes an unanswered eject (main.c): the vCPU is gone there. */
static bool acpi_unplug_done(struct control_server *s, const struct control_deferred *d,
			     bool timed_out, struct control_reply *r)
{
	struct hp_answer h;

	if (!hp_read_answer(s, d, true, &h)) {
		control_reply_add(r, "ok vCPU %u ejected by the reset (the guest gave no _OST)",
				  h.cpu);
		return true;
	}
	if (h.a == CPUHP_ANSWER_SUCCESS && cpuhp_gone(&h.vm->cpuhp, h.cpu)) {
		control_reply_add(r, "ok");
		return true;
	}
	if (h.a == CPUHP_ANSWER_FAILURE) {
		cpuhp_cancel_eject(&h.vm->cpuhp, h.cpu);
		control_reply_add(
		    r, "error the guest refused to give vCPU %u up: its _OST reported ", h.cpu);
		add_ost(r, &h.ost);
		control_reply_add(r, "; the vCPU stays plugged");
		return true;
	}
	if (!timed_out)
		return false;
	if (cpuhp_gone(&h.vm->cpuhp, h.cpu)) {
		control_reply_add(r, "ok vCPU %u ejected, but the guest gave no _OST status",
				  h.cpu);
		return true;
	}
	cpuhp_cancel_eject(&h.vm->cpuhp, h.cpu);
	control_reply_add(r,
			  "error the guest did not give vCPU %u up within %d s (it refused or "
			  "ignored the eject request); the vCPU stays plugged",
			  h.cpu, d->timeout_ms / 1000);
	return true;
}

static void acpi_hotplug(struct vm *vm, const struct control_req *req, struct control_reply *r)
{
	unsigned long since = cpuhp_ost_seq(&vm->cpuhp);
	struct control_deferred d = {
	    .arg = hp_arg(vm, req->cpu, since),
	    .timeout_ms = (int)req->timeout_s * 1000,
	};
	int ret;

	if (req->cmd == CONTROL_PLUG) {
		ret = cpuhp_plug(&vm->cpuhp, req->cpu);
		d.check = acpi_plug_done;
		if (ret == 0)
			control_reply_defer(r, &d);
		else if (ret == -EALREADY)
			control_reply_add(r, "error vCPU %u is already plugged", req->cpu);
		else
			control_reply_add(r, "error %s", strerror(-ret));
		return;
	}
	if (req->when_off) {
		control_reply_add(r, "error --when-off is for device-tree guests: an ACPI guest "
				     "offlines the vCPU itself when asked to eject it");
		return;
	}
	ret = cpuhp_request_eject(&vm->cpuhp, req->cpu);
	d.check = acpi_unplug_done;
	if (ret == -EPERM)
		control_reply_add(r, "error cpu %u is the boot CPU and cannot be unplugged",
				  req->cpu);
	else if (ret == -EALREADY)
		control_reply_add(r, "error vCPU %u is already absent", req->cpu);
	else if (ret)
		control_reply_add(r, "error %s", strerror(-ret));
	else
		control_reply_defer(r, &d);
}

void vm_control_hotplug(struct vm *vm, const struct control_req *req, struct control_reply *r)
{
	int ret;

	if (vm->cfg->psci_mode == PSCI_MODE_KERNEL) {
		control_reply_add(r, "error vCPU hotplug needs --psci user (KVM's PSCI would "
				     "start any vCPU)");
		return;
	}
	if (req->cpu >= vm->nr_cpus) {
		control_reply_add(r, "error no vCPU %u (possible vCPUs: 0-%u)", req->cpu,
				  vm->nr_cpus - 1);
		return;
	}
	if (vm->cpuhp_ready) {
		acpi_hotplug(vm, req, r);
		return;
	}
	if (req->cmd == CONTROL_PLUG)
		ret = psci_plug(&vm->psci, req->cpu);
	else
		ret = psci_unplug(&vm->psci, req->cpu, req->when_off);
	if (ret == 0)
		control_reply_add(r, "ok");
	else if (ret == 1)
		control_reply_add(r, "ok deferred: vCPU %u becomes absent at its CPU_OFF",
				  req->cpu);
	else if (ret == -EALREADY)
		control_reply_add(r, "error vCPU %u is already %s", req->cpu,
				  req->cmd == CONTROL_PLUG ? "present" : "absent");
	else if (ret == -EBUSY)
		control_reply_add(r,
				  "error vCPU %u is on; the guest must CPU_OFF it first (or: "
				  "unplug %u --when-off)",
				  req->cpu, req->cpu);
	else if (ret == -EPERM)
		control_reply_add(r, "error cpu %u is the boot CPU and cannot be unplugged",
				  req->cpu);
	else
		control_reply_add(r, "error %s", strerror(-ret));
}

/* `cpus`, ACPI guests: ":enabled|disabled", any event in flight and the
 * guest's last _OST (",ost=device-check/success"). */
static void cpus_acpi_text(struct vm *vm, unsigned int i, struct control_reply *r)
{
	const char *state = cpuhp_state_name(&vm->cpuhp, i);
	struct cpuhp_ost o;
	char ev[24], st[32];

	control_reply_add(r, ":%s%s%s", cpuhp_gone(&vm->cpuhp, i) ? "disabled" : "enabled",
			  *state ? "," : "", state);
	if (cpuhp_last_ost(&vm->cpuhp, i, &o))
		control_reply_add(r, ",ost=%s/%s", cpuhp_ost_event_name(o.event, ev, sizeof(ev)),
				  cpuhp_ost_status_name(o.event, o.status, st, sizeof(st)));
}

/* `cpus --json`, ACPI guests: ,"acpi":{"enabled":B,"pending":S,"ost":null|{...}}. */
static void cpus_acpi_json(struct vm *vm, unsigned int i, struct control_reply *r)
{
	struct cpuhp_ost o;
	char ev[24], st[32];

	control_reply_add(r, ",\"acpi\":{\"enabled\":%s,\"pending\":\"%s\",\"ost\":",
			  cpuhp_gone(&vm->cpuhp, i) ? "false" : "true",
			  cpuhp_state_name(&vm->cpuhp, i));
	if (cpuhp_last_ost(&vm->cpuhp, i, &o))
		control_reply_add(
		    r, "{\"event\":%u,\"what\":\"%s\",\"status\":%u,\"meaning\":\"%s\"}}", o.event,
		    cpuhp_ost_event_name(o.event, ev, sizeof(ev)), o.status,
		    cpuhp_ost_status_name(o.event, o.status, st, sizeof(st)));
	else
		control_reply_add(r, "null}");
}

/* `cpus --json`: one object per vCPU. */
static void cpus_json(struct vm *vm, struct control_reply *r)
{
	bool kernel_psci = vm->cfg->psci_mode == PSCI_MODE_KERNEL;
	struct psci_cpu_info info;

	control_reply_add(r, "ok [");
	for (unsigned int i = 0; i < vm->nr_cpus; i++) {
		psci_cpu_info(&vm->psci, i, &info);
		control_reply_add(r,
				  "%s{\"id\":%u,\"mpidr\":\"0x%" PRIx64
				  "\",\"state\":\"%s\",\"present\":%s,\"cpu_ons\":%lu,"
				  "\"cpu_offs\":%lu,\"lost\":%s",
				  i ? "," : "", i, info.mpidr,
				  kernel_psci ? "kvm" : psci_cpu_state_name(&info),
				  info.present ? "true" : "false", info.nr_on, info.nr_off,
				  info.lost ? "true" : "false");
		if (vm->cpuhp_ready)
			cpus_acpi_json(vm, i, r);
		control_reply_add(r, "}");
	}
	control_reply_add(r, "]");
}

/* `cpus [--json]`: every possible vCPU's power state, with --acpi its
 * hotplug view too. */
void vm_control_cpus(struct vm *vm, const struct control_req *req, struct control_reply *r)
{
	bool kernel_psci = vm->cfg->psci_mode == PSCI_MODE_KERNEL;
	struct psci_cpu_info info;

	if (req->json) {
		cpus_json(vm, r);
		return;
	}
	control_reply_add(r, "ok");
	for (unsigned int i = 0; i < vm->nr_cpus; i++) {
		psci_cpu_info(&vm->psci, i, &info);
		/* In kernel mode KVM owns the power state; asking a running
		 * vCPU for it would block on its mutex. */
		control_reply_add(r, " %u:0x%" PRIx64 ":%s:%lu:%lu", i, info.mpidr,
				  kernel_psci ? "kvm" : psci_cpu_state_name(&info), info.nr_on,
				  info.nr_off);
		if (vm->cpuhp_ready)
			cpus_acpi_text(vm, i, r);
	}
}
