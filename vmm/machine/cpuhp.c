/*
 * ACPI CPU hotplug registers: see cpuhp.h for the protocol. The one thing
 * that is easy to get wrong: after _EJ0 the kernel reads _STA again and
 * complains ("Eject incomplete") if the device still says enabled, so an
 * EJECTED write must clear ENABLED at once, even when PSCI has to defer the
 * absence to the vCPU's CPU_OFF (ENABLED already excludes a deferred unplug).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/machine/cpuhp.h"
#include "vmm/machine/guest_abi.h"
#include "vmm/firmware/psci.h"
#include "vmm/record/tracefile.h"

int cpuhp_init(struct cpuhp *h, struct psci *psci, unsigned int nr_cpus, void (*pulse)(void *),
	       void *ctx)
{
	memset(h, 0, sizeof(*h));
	h->cpus = calloc(nr_cpus ? nr_cpus : 1, sizeof(*h->cpus));
	if (!h->cpus)
		return -ENOMEM;
	h->psci = psci;
	h->nr_cpus = nr_cpus;
	h->pulse = pulse;
	h->ctx = ctx;
	pthread_mutex_init(&h->lock, NULL);
	return 0;
}

void cpuhp_destroy(struct cpuhp *h)
{
	if (!h->cpus)
		return;
	pthread_mutex_destroy(&h->lock);
	free(h->cpus);
	h->cpus = NULL;
}

/* Plugged as ACPI sees it: present for PSCI and not on its way out. */
static bool cpuhp_enabled(struct cpuhp *h, unsigned int cpu)
{
	struct psci_cpu_info info;

	if (psci_cpu_info(h->psci, cpu, &info))
		return false;
	return info.present && !info.unplug_when_off;
}

/* The vCPU whose _OST register is at offset, or -1. */
static long ost_cpu(struct cpuhp *h, uint64_t offset)
{
	if (offset < GUEST_CPUHP_OST(0) || (offset - GUEST_CPUHP_OST(0)) / 4 >= h->nr_cpus)
		return -1;
	return (long)((offset - GUEST_CPUHP_OST(0)) / 4);
}

static uint32_t ost_value(const struct cpuhp_ost *o)
{
	return o->event << 16 | (o->status & 0xffffU);
}

/* _OST: keep it, and put it in the record. */
static void ost_write(struct cpuhp *h, unsigned int cpu, uint32_t v)
{
	struct cpuhp_ost o;
	char line[TRACEFILE_MAX_LINE], ev[24], st[32];

	pthread_mutex_lock(&h->lock);
	o.seq = ++h->ost_seq;
	o.event = GUEST_CPUHP_OST_EVENT(v);
	o.status = GUEST_CPUHP_OST_STATUS(v);
	h->cpus[cpu].ost = o;
	pthread_mutex_unlock(&h->lock);
	if (!tracefile_on(h->tracefile))
		return;
	tracefile_write(
	    h->tracefile, line,
	    tracefile_fmt_ost(line, sizeof(line), tracefile_now_ns(), cpu, o.event,
			      cpuhp_ost_event_name(o.event, ev, sizeof(ev)), o.status,
			      cpuhp_ost_status_name(o.event, o.status, st, sizeof(st))));
}

static uint32_t cpuhp_read(struct cpuhp *h, uint64_t offset)
{
	uint32_t v;
	unsigned int cpu;
	long oc = ost_cpu(h, offset);

	if (offset == GUEST_CPUHP_COUNT)
		return h->nr_cpus;
	if (oc >= 0) {
		pthread_mutex_lock(&h->lock);
		v = ost_value(&h->cpus[oc].ost);
		pthread_mutex_unlock(&h->lock);
		return v;
	}
	if (offset < GUEST_CPUHP_CPU(0) || (offset - GUEST_CPUHP_CPU(0)) / 4 >= h->nr_cpus)
		return 0;
	cpu = (unsigned int)((offset - GUEST_CPUHP_CPU(0)) / 4);
	pthread_mutex_lock(&h->lock);
	v = h->cpus[cpu].pending;
	pthread_mutex_unlock(&h->lock);
	if (cpuhp_enabled(h, cpu))
		v |= GUEST_CPUHP_ENABLED;
	return v;
}

static void cpuhp_write(struct cpuhp *h, uint64_t offset, uint32_t v)
{
	struct cpuhp_cpu *c;
	unsigned int cpu;
	long oc = ost_cpu(h, offset);

	if (oc >= 0) {
		ost_write(h, (unsigned int)oc, v);
		return;
	}
	if (offset < GUEST_CPUHP_CPU(0) || (offset - GUEST_CPUHP_CPU(0)) / 4 >= h->nr_cpus)
		return; /* read-only or unused: ignored, like a real register file */
	cpu = (unsigned int)((offset - GUEST_CPUHP_CPU(0)) / 4);
	c = &h->cpus[cpu];
	pthread_mutex_lock(&h->lock);
	c->pending &= (uint8_t) ~(v & (GUEST_CPUHP_INSERT | GUEST_CPUHP_EJECT));
	if (v & GUEST_CPUHP_EJECTED) {
		/* _EJ0: the OS gave the vCPU up (asked to or not). PSCI makes
		 * it absent now if it is OFF, else at its CPU_OFF; vCPU 0 is
		 * refused there (-EPERM) and stays, as every reset needs it. */
		c->eject_requested = false;
		c->pending &= (uint8_t)~GUEST_CPUHP_EJECT;
		psci_unplug(h->psci, cpu, true);
	}
	pthread_mutex_unlock(&h->lock);
}

void cpuhp_mmio(void *ctx, uint64_t offset, uint8_t *data, unsigned int len, bool is_write)
{
	struct cpuhp *h = ctx;
	uint32_t v = 0;

	/* AML's DWordAcc fields make 32-bit accesses; others read as zero and
	 * are ignored rather than half-applied. */
	if (len != 4 || (offset & 3)) {
		if (!is_write)
			memset(data, 0, len);
		return;
	}
	if (is_write) {
		memcpy(&v, data, 4);
		cpuhp_write(h, offset, v);
	} else {
		v = cpuhp_read(h, offset);
		memcpy(data, &v, 4);
	}
}

int cpuhp_plug(struct cpuhp *h, unsigned int cpu)
{
	int ret;

	if (cpu >= h->nr_cpus)
		return -ENOENT;
	pthread_mutex_lock(&h->lock);
	ret = psci_plug(h->psci, cpu);
	if (ret == 0) {
		h->cpus[cpu].pending |= GUEST_CPUHP_INSERT;
		h->cpus[cpu].pending &= (uint8_t)~GUEST_CPUHP_EJECT;
		h->cpus[cpu].eject_requested = false;
	}
	pthread_mutex_unlock(&h->lock);
	if (ret == 0 && h->pulse)
		h->pulse(h->ctx);
	return ret;
}

int cpuhp_request_eject(struct cpuhp *h, unsigned int cpu)
{
	if (cpu >= h->nr_cpus)
		return -ENOENT;
	if (cpu == 0)
		return -EPERM;
	pthread_mutex_lock(&h->lock);
	if (!cpuhp_enabled(h, cpu)) {
		pthread_mutex_unlock(&h->lock);
		return -EALREADY;
	}
	h->cpus[cpu].pending |= GUEST_CPUHP_EJECT;
	h->cpus[cpu].pending &= (uint8_t)~GUEST_CPUHP_INSERT;
	h->cpus[cpu].eject_requested = true;
	pthread_mutex_unlock(&h->lock);
	if (h->pulse)
		h->pulse(h->ctx);
	return 0;
}

void cpuhp_cancel_eject(struct cpuhp *h, unsigned int cpu)
{
	if (cpu >= h->nr_cpus)
		return;
	pthread_mutex_lock(&h->lock);
	h->cpus[cpu].eject_requested = false;
	h->cpus[cpu].pending &= (uint8_t)~GUEST_CPUHP_EJECT;
	pthread_mutex_unlock(&h->lock);
}

bool cpuhp_gone(struct cpuhp *h, unsigned int cpu)
{
	return cpu < h->nr_cpus && !cpuhp_enabled(h, cpu);
}

bool cpuhp_eject_pending(struct cpuhp *h, unsigned int cpu)
{
	bool pending;

	if (cpu >= h->nr_cpus)
		return false;
	pthread_mutex_lock(&h->lock);
	pending = h->cpus[cpu].eject_requested;
	pthread_mutex_unlock(&h->lock);
	return pending && !cpuhp_gone(h, cpu);
}

unsigned long cpuhp_ost_seq(struct cpuhp *h)
{
	unsigned long seq;

	pthread_mutex_lock(&h->lock);
	seq = h->ost_seq;
	pthread_mutex_unlock(&h->lock);
	return seq;
}

bool cpuhp_last_ost(struct cpuhp *h, unsigned int cpu, struct cpuhp_ost *ost)
{
	if (cpu >= h->nr_cpus)
		return false;
	pthread_mutex_lock(&h->lock);
	*ost = h->cpus[cpu].ost;
	pthread_mutex_unlock(&h->lock);
	return ost->seq != 0;
}

static bool is_insertion(uint32_t event)
{
	return event == CPUHP_OST_BUS_CHECK || event == CPUHP_OST_DEVICE_CHECK ||
	       event == CPUHP_OST_OSPM_INSERTION;
}

static bool is_ejection(uint32_t event)
{
	return event == CPUHP_OST_EJECT_REQUEST || event == CPUHP_OST_OSPM_EJECT;
}

enum cpuhp_answer cpuhp_answer(struct cpuhp *h, unsigned int cpu, unsigned long since, bool eject,
			       struct cpuhp_ost *ost)
{
	if (!cpuhp_last_ost(h, cpu, ost) || ost->seq <= since)
		return CPUHP_ANSWER_NONE;
	if (eject ? !is_ejection(ost->event) : !is_insertion(ost->event))
		return CPUHP_ANSWER_NONE;
	if (ost->status == CPUHP_OST_SUCCESS)
		return CPUHP_ANSWER_SUCCESS;
	if (ost->status == (eject ? CPUHP_OST_EJECTION_PENDING : CPUHP_OST_INSERTION_PENDING))
		return CPUHP_ANSWER_PENDING;
	return CPUHP_ANSWER_FAILURE;
}

const char *cpuhp_ost_event_name(uint32_t event, char *buf, size_t len)
{
	switch (event) {
	case CPUHP_OST_BUS_CHECK:
		return "bus-check";
	case CPUHP_OST_DEVICE_CHECK:
		return "device-check";
	case CPUHP_OST_EJECT_REQUEST:
		return "eject-request";
	case CPUHP_OST_OSPM_EJECT:
		return "ospm-eject";
	case CPUHP_OST_OSPM_INSERTION:
		return "ospm-insertion";
	}
	snprintf(buf, len, "event-0x%x", event);
	return buf;
}

/* ACPI 6.5 §6.3.5: 0x80.. for insertion and for ejection processing. */
static const char *const insertion_status[] = {"insertion-in-progress", "driver-load-failure",
					       "insertion-not-supported"};
static const char *const ejection_status[] = {"ejection-not-supported", "device-in-use",
					      "device-busy", "ejection-dependency-busy",
					      "ejection-in-progress"};

const char *cpuhp_ost_status_name(uint32_t event, uint32_t status, char *buf, size_t len)
{
	if (status == CPUHP_OST_SUCCESS)
		return "success";
	if (status == CPUHP_OST_FAILURE)
		return "failure";
	if (status == 2)
		return "unrecognized-notify";
	if (is_insertion(event) && status >= 0x80 && status - 0x80 < 3)
		return insertion_status[status - 0x80];
	if (is_ejection(event) && status >= 0x80 && status - 0x80 < 5)
		return ejection_status[status - 0x80];
	snprintf(buf, len, "status-0x%x", status);
	return buf;
}

const char *cpuhp_state_name(struct cpuhp *h, unsigned int cpu)
{
	const char *name = "";

	if (cpu >= h->nr_cpus)
		return name;
	pthread_mutex_lock(&h->lock);
	if (h->cpus[cpu].pending & GUEST_CPUHP_INSERT)
		name = "insert-pending";
	else if (h->cpus[cpu].pending & GUEST_CPUHP_EJECT)
		name = "eject-pending";
	else if (h->cpus[cpu].eject_requested)
		name = "eject-requested";
	pthread_mutex_unlock(&h->lock);
	return name;
}
