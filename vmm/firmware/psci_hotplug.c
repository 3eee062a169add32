/*
 * vCPU hotplug as PSCI sees it (PSCI 1.2 DENIED for an absent CPU): which
 * vCPUs are present. A vCPU that is absent cannot be started by CPU_ON; one
 * that is on cannot vanish under the guest: `unplug` refuses it, or with
 * --when-off marks it to become absent at its own CPU_OFF (psci_power.c).
 *
 *   absent --plug--> OFF --CPU_ON--> ...      ON --CPU_OFF--> OFF --unplug--> absent
 *                                              (unplug_when_off: straight to absent)
 *
 * The ACPI side (the _STA a guest reads) is cpuhp.c; the control socket's
 * plug/unplug commands call both.
 */
#include <errno.h>

#include "vmm/firmware/psci_impl.h"

void psci_set_present(struct psci *p, unsigned int cpu, bool present)
{
	const char *from;

	pthread_mutex_lock(&p->lock);
	from = psci_cpu_name_locked(&p->cpus[cpu]);
	p->cpus[cpu].present = present;
	psci_notify_locked(p, cpu, from, present ? "plug" : "unplug");
	pthread_mutex_unlock(&p->lock);
}

int psci_plug(struct psci *p, unsigned int cpu)
{
	const char *from;
	int ret = 0;

	if (cpu >= p->nr_cpus)
		return -ENOENT;
	pthread_mutex_lock(&p->lock);
	from = psci_cpu_name_locked(&p->cpus[cpu]);
	if (p->cpus[cpu].present && !p->cpus[cpu].unplug_when_off)
		ret = -EALREADY;
	p->cpus[cpu].present = true;
	p->cpus[cpu].unplug_when_off = false; /* plug cancels a deferred unplug */
	psci_notify_locked(p, cpu, from, "plug");
	pthread_mutex_unlock(&p->lock);
	return ret;
}

int psci_unplug(struct psci *p, unsigned int cpu, bool when_off)
{
	struct psci_cpu *c;
	int ret;

	if (cpu >= p->nr_cpus)
		return -ENOENT;
	/* vCPU 0 is where the VM boots, after every SYSTEM_RESET too
	 * (psci_boot_cpu): an unplug would be undone by the next reset. */
	if (cpu == 0)
		return -EPERM;
	c = &p->cpus[cpu];
	pthread_mutex_lock(&p->lock);
	if (!c->present) {
		ret = -EALREADY;
	} else if (c->state == PSCI_CPU_OFF) {
		c->present = false;
		psci_notify_locked(p, cpu, "off", "unplug");
		ret = 0;
	} else if (when_off) {
		c->unplug_when_off = true;
		ret = 1;
	} else {
		ret = -EBUSY;
	}
	pthread_mutex_unlock(&p->lock);
	return ret;
}
