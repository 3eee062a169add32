/*
 * Control requests executed against the running VM: the execution callback
 * of the control socket (control_server.h), the only part of it that
 * touches struct vm. Every request reads or flips plain state under the
 * PSCI lock or an atomic; none waits on a vCPU (a vCPU sitting in KVM_RUN
 * would hold its mutex for as long as the guest likes).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/control_server.h"
#include "vmm/vm.h"

char *control_stats_line(struct vmm_shared *sh)
{
	char *buf = NULL, name[48];
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	fprintf(f,
		"ok hypercalls=%lu mmio_exits=%lu unclaimed_mmio=%lu unknown_fids=%lu resets=%u "
		"power_on_syscalls=%lu",
		atomic_load(&sh->hypercalls), atomic_load(&sh->mmio_exits),
		atomic_load(&sh->unclaimed_mmio), atomic_load(&sh->unknown_fids), sh->resets,
		atomic_load(&sh->power_on_syscalls));
	/* Per function from fid_slots= to other_fid_calls= (the calls whose FID
	 * found the table full): together they add up to hypercalls. */
	fprintf(f, " fid_slots=%u/%u", smccc_counters_used(&sh->calls), SMCCC_COUNTER_SLOTS);
	for (unsigned int i = 0; i < SMCCC_COUNTER_SLOTS; i++) {
		unsigned int key = atomic_load(&sh->calls.key[i]);

		if (key)
			fprintf(f, " %s=%lu", smccc_fid_name(key - 1, name, sizeof(name)),
				atomic_load(&sh->calls.count[i]));
	}
	fprintf(f, " other_fid_calls=%lu", atomic_load(&sh->calls.other));
	/* The VMM's own syscalls per function, for `make bench`. */
	for (unsigned int i = 0; i < SMCCC_COUNTER_SLOTS; i++) {
		unsigned int key = atomic_load(&sh->calls.key[i]);

		if (key)
			fprintf(f, " syscalls.%s=%lu", smccc_fid_name(key - 1, name, sizeof(name)),
				atomic_load(&sh->calls.syscalls[i]));
	}
	fputc('\n', f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void hotplug(struct vm *vm, const struct control_req *req, struct control_reply *r)
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

static void execute(struct control_server *s, const struct control_req *req,
		    struct control_reply *r)
{
	struct vm *vm = s->vm;
	struct psci_cpu_info info;
	bool kernel_psci = vm->cfg->psci_mode == PSCI_MODE_KERNEL;
	char *stats;

	switch (req->cmd) {
	case CONTROL_HELP:
		control_reply_add(r, "ok %s", control_help);
		break;
	case CONTROL_CPUS:
		control_reply_add(r, "ok");
		for (unsigned int i = 0; i < vm->nr_cpus; i++) {
			psci_cpu_info(&vm->psci, i, &info);
			/* In kernel mode KVM owns the power state; asking a running
			 * vCPU for it would block on its mutex. */
			control_reply_add(r, " %u:0x%" PRIx64 ":%s:%lu:%lu", i, info.mpidr,
					  kernel_psci ? "kvm" : psci_cpu_state_name(&info),
					  info.nr_on, info.nr_off);
		}
		break;
	case CONTROL_PLUG:
	case CONTROL_UNPLUG:
		hotplug(vm, req, r);
		break;
	case CONTROL_STATS:
		stats = control_stats_line(vm->shared);
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
