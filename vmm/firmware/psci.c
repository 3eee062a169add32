/*
 * Userspace PSCI 1.3 (Arm DEN0022): the per-vCPU power state machine, its
 * observer, and the waits of the vCPU threads (for a CPU_ON, for a wake-up).
 * The calls that move a vCPU along it are psci_power.c, those that only look
 * psci_query.c, presence psci_hotplug.c; psci_calls.c dispatches (psci_impl.h).
 *
 *   absent --plug--> OFF --CPU_ON--> ON_PENDING --vCPU runs--> ON --CPU_OFF--> OFF
 *                     ^--unplug--'                              |  ^
 *                                             CPU_SUSPEND(_DEFAULT)  wake-up
 *                                                               v  |
 *                                                            ON (suspended)
 *
 * A vCPU counts as on from the moment its CPU_ON succeeds: a second CPU_ON
 * then answers ALREADY_ON, as KVM's in-kernel PSCI does, while AFFINITY_INFO
 * can still tell ON_PENDING until the target really runs (§5.6, §5.7). A
 * suspended vCPU is ON for AFFINITY_INFO and STANDBY/OFF for NODE_HW_STATE.
 *
 * Every change of a vCPU's state is told to the observer (psci.h), under the
 * lock, by the function that makes it: PSCI does no I/O of its own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmm/firmware/psci_impl.h"

static uint64_t psci_clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int psci_init(struct psci *p, unsigned int nr_cpus, const uint64_t *mpidrs, uint64_t ram_base,
	      uint64_t ram_size)
{
	memset(p, 0, sizeof(*p));
	if (nr_cpus == 0)
		return -EINVAL;
	p->cpus = calloc(nr_cpus, sizeof(*p->cpus));
	if (!p->cpus)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	for (unsigned int i = 0; i < nr_cpus; i++) {
		p->cpus[i].mpidr = mpidrs[i] & MPIDR_HWID_MASK;
		p->cpus[i].state = PSCI_CPU_OFF;
		p->cpus[i].present = true;
		p->cpus[i].suspend = PSCI_SUSPEND_NONE;
		pthread_cond_init(&p->cpus[i].wake, NULL);
	}
	p->nr_cpus = nr_cpus;
	p->ram_base = ram_base;
	p->ram_size = ram_size;
	p->now_us = psci_clock_us;
	psci_service(p);
	return 0;
}

const char *psci_cpu_name_locked(const struct psci_cpu *c)
{
	struct psci_cpu_info info = {
	    .state = c->state,
	    .present = c->present,
	    .suspend = c->suspend,
	};

	return psci_cpu_state_name(&info);
}

void psci_notify_locked(struct psci *p, unsigned int cpu, const char *from, const char *cause)
{
	const char *to = psci_cpu_name_locked(&p->cpus[cpu]);

	if (p->observer && strcmp(from, to))
		p->observer(p->observer_ctx, cpu, from, to, cause);
}

void psci_set_observer(struct psci *p, psci_observer_fn fn, void *ctx)
{
	pthread_mutex_lock(&p->lock);
	p->observer = fn;
	p->observer_ctx = ctx;
	pthread_mutex_unlock(&p->lock);
}

void psci_destroy(struct psci *p)
{
	if (!p->cpus)
		return;
	for (unsigned int i = 0; i < p->nr_cpus; i++)
		pthread_cond_destroy(&p->cpus[i].wake);
	pthread_mutex_destroy(&p->lock);
	free(p->cpus);
	p->cpus = NULL;
}

void psci_boot_cpu(struct psci *p, unsigned int cpu)
{
	const char *from;

	pthread_mutex_lock(&p->lock);
	from = psci_cpu_name_locked(&p->cpus[cpu]);
	p->cpus[cpu].state = PSCI_CPU_ON;
	p->cpus[cpu].present = true;
	p->cpus[cpu].nr_on++;
	psci_notify_locked(p, cpu, from, "boot");
	pthread_mutex_unlock(&p->lock);
}

bool psci_wait_for_on(struct psci *p, unsigned int cpu, uint64_t *entry, uint64_t *context_id)
{
	struct psci_cpu *c = &p->cpus[cpu];
	bool on;

	pthread_mutex_lock(&p->lock);
	/* A lost CPU_ON leaves the vCPU ON_PENDING without ever starting it. */
	while ((c->state != PSCI_CPU_ON_PENDING || c->lost) && !p->stopping)
		pthread_cond_wait(&c->wake, &p->lock);
	on = !p->stopping;
	if (on) {
		*entry = c->entry;
		*context_id = c->context_id;
	}
	pthread_mutex_unlock(&p->lock);
	return on;
}

bool psci_entry_big_endian(struct psci *p, unsigned int cpu)
{
	bool be;

	pthread_mutex_lock(&p->lock);
	be = p->cpus[cpu].entry_be;
	pthread_mutex_unlock(&p->lock);
	return be;
}

void psci_cpu_running(struct psci *p, unsigned int cpu)
{
	pthread_mutex_lock(&p->lock);
	if (p->cpus[cpu].state == PSCI_CPU_ON_PENDING) {
		p->cpus[cpu].state = PSCI_CPU_ON;
		psci_notify_locked(p, cpu, "on-pending", "running");
	}
	pthread_mutex_unlock(&p->lock);
}

bool psci_suspend_end(struct psci *p, unsigned int cpu, uint64_t *entry, uint64_t *context_id)
{
	struct psci_cpu *c = &p->cpus[cpu];
	bool powerdown = false;

	pthread_mutex_lock(&p->lock);
	if (c->suspend != PSCI_SUSPEND_NONE) {
		uint64_t now = p->now_us();

		c->residency_us[c->suspend] += now - c->suspend_start_us;
		powerdown = c->suspend == PSCI_SUSPEND_POWERDOWN;
		c->suspend = PSCI_SUSPEND_NONE;
		psci_notify_locked(p, cpu, "suspended", "wake-up");
		*entry = c->entry;
		*context_id = c->context_id;
	}
	pthread_mutex_unlock(&p->lock);
	return powerdown;
}

void psci_stop(struct psci *p)
{
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	for (unsigned int i = 0; i < p->nr_cpus; i++)
		pthread_cond_broadcast(&p->cpus[i].wake);
	pthread_mutex_unlock(&p->lock);
}

/* The MPIDR table never changes after init: no lock needed. */
int psci_find_cpu(const struct psci *p, uint64_t mpidr)
{
	if (mpidr & ~MPIDR_HWID_MASK)
		return -1;
	for (unsigned int i = 0; i < p->nr_cpus; i++)
		if (p->cpus[i].mpidr == mpidr)
			return (int)i;
	return -1;
}

int psci_cpu_info(struct psci *p, unsigned int cpu, struct psci_cpu_info *info)
{
	const struct psci_cpu *c;

	if (cpu >= p->nr_cpus)
		return -ENOENT;
	c = &p->cpus[cpu];
	pthread_mutex_lock(&p->lock);
	*info = (struct psci_cpu_info){
	    .mpidr = c->mpidr,
	    .state = c->state,
	    .present = c->present,
	    .unplug_when_off = c->unplug_when_off,
	    .lost = c->lost,
	    .suspend = c->suspend,
	    .nr_on = c->nr_on,
	    .nr_off = c->nr_off,
	};
	pthread_mutex_unlock(&p->lock);
	return 0;
}

const char *psci_cpu_state_name(const struct psci_cpu_info *info)
{
	if (!info->present)
		return "absent";
	switch (info->state) {
	case PSCI_CPU_OFF:
		return "off";
	case PSCI_CPU_ON_PENDING:
		return "on-pending";
	case PSCI_CPU_ON:
		return info->suspend != PSCI_SUSPEND_NONE ? "suspended" : "on";
	}
	return "?";
}
