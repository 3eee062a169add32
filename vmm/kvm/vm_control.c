/*
 * Control requests executed against the running VM: the execution callback
 * of the control socket (control_server.h), the only part of it that
 * touches struct vm. Every request reads or flips plain state under the
 * PSCI lock or an atomic; none waits on a vCPU (a vCPU sitting in KVM_RUN
 * would hold its mutex for as long as the guest likes). `pause` and `resume`
 * defer their replies until the vCPUs have followed (kvm/pause.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vmm/control/info.h"
#include "vmm/control/server.h"
#include "vmm/firmware/inject.h"
#include "vmm/record/tracefile.h"
#include "vmm/kvm/vm.h"
#include "vmm/kvm/vm_control.h"

/* The VM-wide counters both `stats` forms start with, in this order. */
struct stat_value {
	const char *name;
	unsigned long value;
};
#define NR_SCALAR_STATS 6

static void scalar_stats(struct vmm_shared *sh, struct stat_value v[NR_SCALAR_STATS])
{
	v[0] = (struct stat_value){"hypercalls", atomic_load(&sh->hypercalls)};
	v[1] = (struct stat_value){"mmio_exits", atomic_load(&sh->mmio_exits)};
	v[2] = (struct stat_value){"unclaimed_mmio", atomic_load(&sh->unclaimed_mmio)};
	v[3] = (struct stat_value){"unknown_fids", atomic_load(&sh->unknown_fids)};
	v[4] = (struct stat_value){"resets", sh->resets};
	v[5] = (struct stat_value){"power_on_syscalls", atomic_load(&sh->power_on_syscalls)};
}

/* The record's counters exist once there was a record. */
static bool tracefile_stats(struct vmm_shared *sh, struct stat_value v[2])
{
	if (!sh->tracefile || !tracefile_was_used(sh->tracefile))
		return false;
	v[0] = (struct stat_value){"trace_file_lines", atomic_load(&sh->tracefile->lines)};
	v[1] = (struct stat_value){"trace_file_dropped", tracefile_dropped(sh->tracefile)};
	return true;
}

/* Per-function counts, " PREFIXNAME=N" each (text) or a JSON object member
 * ",\"KEY\":{\"NAME\":N,...}". */
static void print_counts(FILE *f, bool json, const char *key, const struct smccc_counters *c,
			 const atomic_ulong *values)
{
	char name[48];
	bool first = true;

	if (json)
		fprintf(f, ",\"%s\":{", key);
	for (unsigned int i = 0; i < SMCCC_COUNTER_SLOTS; i++) {
		unsigned int k = atomic_load(&c->key[i]);

		if (!k)
			continue;
		smccc_fid_name(k - 1, name, sizeof(name));
		if (json)
			fprintf(f, "%s\"%s\":%lu", first ? "" : ",", name, atomic_load(&values[i]));
		else
			fprintf(f, " %s%s=%lu", key, name, atomic_load(&values[i]));
		first = false;
	}
	if (json)
		fputc('}', f);
}

/* `stats --json`: the same counters as one JSON object. */
static void print_stats_json(FILE *f, struct vmm_shared *sh, const struct stat_value v[],
			     bool have_trace, const struct stat_value t[])
{
	fputs("ok {", f);
	for (unsigned int i = 0; i < NR_SCALAR_STATS; i++)
		fprintf(f, "%s\"%s\":%lu", i ? "," : "", v[i].name, v[i].value);
	fprintf(f, ",\"other_fid_calls\":%lu", atomic_load(&sh->calls.other));
	if (have_trace)
		fprintf(f, ",\"%s\":%lu,\"%s\":%lu", t[0].name, t[0].value, t[1].name, t[1].value);
	print_counts(f, true, "calls", &sh->calls, sh->calls.count);
	print_counts(f, true, "syscalls", &sh->calls, sh->calls.syscalls);
	print_counts(f, true, "injected", &sh->inject->injected, sh->inject->injected.count);
	fputs("}\n", f);
}

/* `stats`: key=value pairs on one line. */
static void print_stats_text(FILE *f, struct vmm_shared *sh, const struct stat_value v[],
			     bool have_trace, const struct stat_value t[])
{
	fputs("ok", f);
	for (unsigned int i = 0; i < NR_SCALAR_STATS; i++)
		fprintf(f, " %s=%lu", v[i].name, v[i].value);
	/* Per function from fid_slots= to other_fid_calls= (the calls whose FID
	 * found the table full): together they add up to hypercalls. */
	fprintf(f, " fid_slots=%u/%u", smccc_counters_used(&sh->calls), SMCCC_COUNTER_SLOTS);
	print_counts(f, false, "", &sh->calls, sh->calls.count);
	fprintf(f, " other_fid_calls=%lu", atomic_load(&sh->calls.other));
	/* The VMM's own syscalls per function, for `make bench`. */
	print_counts(f, false, "syscalls.", &sh->calls, sh->calls.syscalls);
	/* Answers the injection rules gave instead of the function's own. */
	if (sh->inject)
		print_counts(f, false, "injected.", &sh->inject->injected,
			     sh->inject->injected.count);
	if (have_trace)
		fprintf(f, " %s=%lu %s=%lu", t[0].name, t[0].value, t[1].name, t[1].value);
	fputc('\n', f);
}

/* The `stats` reply in either form, in a buffer of its own (NULL: out of
 * memory). */
static char *stats_reply(struct vmm_shared *sh, bool json)
{
	struct stat_value v[NR_SCALAR_STATS], t[2];
	bool have_trace = tracefile_stats(sh, t);
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	scalar_stats(sh, v);
	if (json)
		print_stats_json(f, sh, v, have_trace, t);
	else
		print_stats_text(f, sh, v, have_trace, t);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *control_stats_line(struct vmm_shared *sh)
{
	return stats_reply(sh, false);
}

static void inject(struct vm *vm, const struct control_req *req, struct control_reply *r)
{
	struct inject_rule rule;
	char err[256], list[INJECT_LIST_MAX];

	switch (req->inject_op) {
	case CONTROL_INJECT_LIST:
		control_reply_add(r, "ok %s", inject_list(vm->shared->inject, list, sizeof(list)));
		return;
	case CONTROL_INJECT_CLEAR:
		control_reply_add(r, "ok cleared %u", inject_clear(vm->shared->inject));
		return;
	case CONTROL_INJECT_ADD:
		break;
	}
	if (inject_parse(req->arg, &rule, err, sizeof(err))) {
		control_reply_add(r, "error %s", err);
		return;
	}
	if (rule.cpu != INJECT_ANY_CPU && (unsigned int)rule.cpu >= vm->nr_cpus) {
		control_reply_add(r, "error inject '%s': cpu=%d, but the vCPUs are 0-%u", req->arg,
				  rule.cpu, vm->nr_cpus - 1);
		return;
	}
	if (inject_add(vm->shared->inject, &rule)) {
		control_reply_add(r, "error inject: at most %d rules (inject clear)",
				  INJECT_MAX_RULES);
		return;
	}
	control_reply_add(r, "ok %s", rule.text);
}

static void trace_file(struct vm *vm, const struct control_req *req, struct control_reply *r)
{
	char err[320];

	if (!req->on) {
		/* The file's own writer finishes it: the loop never waits. */
		tracefile_close(vm->shared->tracefile, 0);
		control_reply_add(r, "ok");
		return;
	}
	if (tracefile_open(vm->shared->tracefile, req->arg, err, sizeof(err))) {
		control_reply_add(r, "error %s", err);
		return;
	}
	/* A record started mid-run needs the lanes' current states. */
	vm_trace_snapshot(vm, "open");
	control_reply_add(r, "ok");
}

/* `info`: what `vmm list` shows of this VM (control/info.h). */
static void vm_info_reply(struct control_server *s, const struct control_req *req,
			  struct control_reply *r)
{
	struct vm *vm = s->vm;
	struct control_info in = {.pid = (long)getpid(), .possible = vm->nr_cpus};
	struct psci_cpu_info ci;
	struct timespec now;
	char line[320];

	snprintf(in.name, sizeof(in.name), "%s", vm->cfg->name ? vm->cfg->name : "-");
	for (unsigned int i = 0; i < vm->nr_cpus; i++) {
		psci_cpu_info(&vm->psci, i, &ci);
		in.present += ci.present;
	}
	snprintf(in.psci, sizeof(in.psci), "%s",
		 vm->cfg->psci_mode == PSCI_MODE_KERNEL ? "kernel" : "user");
	snprintf(in.state, sizeof(in.state), "%s", vm_pause_state_name(vm));
	clock_gettime(CLOCK_MONOTONIC, &now);
	in.uptime_s =
	    ((uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000 - s->started_ms) / 1000;
	control_info_format(&in, req->json, line, sizeof(line));
	control_reply_add(r, "%s", line);
}

/* How long the vCPUs get to leave KVM_RUN, and the held ones to go on. */
#define PAUSE_TIMEOUT_MS 5000

/* `pause`, answered once no vCPU is in KVM_RUN (kvm/pause.c). */
static bool pause_done(struct control_server *s, const struct control_deferred *d, bool timed_out,
		       struct control_reply *r)
{
	(void)d;
	if (s->vm->pause.state != VM_PAUSING) {
		/* A SYSTEM_RESET built a new VM meanwhile: it runs. */
		control_reply_add(r, "error the VM was reset before every vCPU stopped");
		return true;
	}
	if (vm_pause_settled(s->vm)) {
		control_reply_add(r, "ok");
		return true;
	}
	if (!timed_out)
		return false;
	vm_pause_cancel(s->vm);
	control_reply_add(r, "error the vCPUs did not all leave KVM_RUN within %d ms; the VM runs",
			  PAUSE_TIMEOUT_MS);
	return true;
}

static bool resume_done(struct control_server *s, const struct control_deferred *d, bool timed_out,
			struct control_reply *r)
{
	(void)d;
	if (!vm_resume_settled(s->vm) && !timed_out)
		return false;
	control_reply_add(r, "ok");
	return true;
}

static void pause_resume(struct vm *vm, const struct control_req *req, struct control_reply *r)
{
	int ret;

	if (req->cmd == CONTROL_PAUSE) {
		ret = vm_pause_request(vm);
		if (ret)
			control_reply_add(r, "error the VM is already %s", vm_pause_state_name(vm));
		else
			control_reply_defer(r, &(struct control_deferred){
						   .check = pause_done,
						   .timeout_ms = PAUSE_TIMEOUT_MS,
					       });
		return;
	}
	ret = vm_resume(vm);
	if (ret == -EALREADY)
		control_reply_add(r, "error the VM is not paused (it runs)");
	else if (ret)
		control_reply_add(r, "error the VM is still pausing; resume once pause answered");
	else
		control_reply_defer(r, &(struct control_deferred){
					   .check = resume_done,
					   .timeout_ms = PAUSE_TIMEOUT_MS,
				       });
}

static void execute(struct control_server *s, const struct control_req *req,
		    struct control_reply *r)
{
	struct vm *vm = s->vm;
	char *stats;

	switch (req->cmd) {
	case CONTROL_HELP:
		control_reply_add(r, "ok %s", control_help);
		break;
	case CONTROL_CPUS:
		vm_control_cpus(vm, req, r);
		break;
	case CONTROL_PLUG:
	case CONTROL_UNPLUG:
		vm_control_hotplug(vm, req, r);
		break;
	case CONTROL_STATS:
		stats = stats_reply(vm->shared, req->json);
		if (stats)
			control_reply_add(r, "%s", stats); /* its newline ends the reply */
		else
			control_reply_add(r, "error out of memory");
		free(stats);
		break;
	case CONTROL_TRACE:
		atomic_store(&vm->shared->trace, req->on);
		control_reply_add(r, "ok");
		break;
	case CONTROL_INJECT:
		inject(vm, req, r);
		break;
	case CONTROL_TRACE_FILE:
		trace_file(vm, req, r);
		break;
	case CONTROL_INFO:
		vm_info_reply(s, req, r);
		break;
	case CONTROL_PAUSE:
	case CONTROL_RESUME:
		pause_resume(vm, req, r);
		break;
	case CONTROL_SNAPSHOT:
		vm_control_snapshot(vm, req, r);
		break;
	case CONTROL_QUIT:
		control_reply_add(r, "ok");
		vm_request_exit(vm, VM_EXIT_SYSTEM_OFF);
		break;
	}
}

int control_server_open(struct control_server *s, const char *path, char *err, size_t errlen)
{
	return control_server_listen(s, path, execute, err, errlen);
}
