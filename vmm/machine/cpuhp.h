/*
 * ACPI CPU hotplug registers (`--acpi`): the MMIO block through which the
 * DSDT's processor devices (_STA, _EJ0) and the Generic Event Device's _EVT
 * talk to the VMM. Layout in vmm/machine/guest_abi.h (GUEST_CPUHP_*), the protocol
 * in DESIGN.md §8:
 *
 *   host `plug N`      -> present for PSCI, INSERT set, GED interrupt
 *   guest _EVT         -> sees INSERT, acknowledges it, Notify(CPUn, 1)
 *   guest _STA         <- ENABLED: 0xF, else 0xD
 *   host `unplug N`    -> EJECT set, GED interrupt
 *   guest _EVT         -> sees EJECT, acknowledges it, Notify(CPUn, 3)
 *   guest offlines the CPU (PSCI CPU_OFF), then _EJ0 writes EJECTED
 *                      -> absent for PSCI (at once if OFF, else at CPU_OFF)
 *   guest _OST         -> (source event, status code) of what it made of an
 *                         event: cpuhp_answer() for `plug`/`unplug`, the
 *                         last one per vCPU for `cpus`, an "ost" line in the
 *                         record (tracefile.h)
 *
 * ENABLED is PSCI's present bit (minus a deferred unplug), so PSCI and ACPI
 * never disagree about a vCPU: one owner, two views. Pure logic; the glue
 * supplies the interrupt pulse.
 */
#ifndef VMM_CPUHP_H
#define VMM_CPUHP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct psci;
struct tracefile;

/* _OST source events (ACPI 6.5 §6.3.5, Table 6.xx): a Notify value, or an
 * OSPM-initiated event. */
#define CPUHP_OST_BUS_CHECK	 0x000U
#define CPUHP_OST_DEVICE_CHECK	 0x001U
#define CPUHP_OST_EJECT_REQUEST	 0x003U
#define CPUHP_OST_OSPM_EJECT	 0x103U
#define CPUHP_OST_OSPM_INSERTION 0x200U
/* Status codes: general, then the insertion and ejection ones. */
#define CPUHP_OST_SUCCESS	    0x00U
#define CPUHP_OST_FAILURE	    0x01U
#define CPUHP_OST_INSERTION_PENDING 0x80U
#define CPUHP_OST_EJECTION_PENDING  0x84U

/* The guest's last _OST for a vCPU. */
struct cpuhp_ost {
	unsigned long seq; /* 0: none yet; cpuhp.ost_seq when it came */
	uint32_t event;	   /* source event (CPUHP_OST_*) */
	uint32_t status;   /* status code */
};

struct cpuhp_cpu {
	uint8_t pending;      /* GUEST_CPUHP_INSERT | GUEST_CPUHP_EJECT not yet acknowledged */
	bool eject_requested; /* `unplug` asked, _EJ0 not seen yet */
	struct cpuhp_ost ost; /* the last _OST */
};

struct cpuhp {
	pthread_mutex_t lock;
	struct psci *psci;
	unsigned int nr_cpus;
	struct cpuhp_cpu *cpus;
	unsigned long ost_seq;	  /* _OST writes so far, all vCPUs */
	void (*pulse)(void *ctx); /* raise the GED's edge-triggered interrupt */
	void *ctx;
	struct tracefile *tracefile; /* where an _OST is recorded, or NULL (set by the glue) */
};

int cpuhp_init(struct cpuhp *h, struct psci *psci, unsigned int nr_cpus, void (*pulse)(void *),
	       void *ctx);
void cpuhp_destroy(struct cpuhp *h);

/* The mmio_handler_fn for GUEST_CPUHP_BASE (32-bit accesses only). */
void cpuhp_mmio(void *ctx, uint64_t offset, uint8_t *data, unsigned int len, bool is_write);

/*
 * `plug N`: the vCPU becomes present for PSCI and the guest is told.
 * 0, -ENOENT (no such vCPU), -EALREADY (already plugged).
 */
int cpuhp_plug(struct cpuhp *h, unsigned int cpu);

/*
 * `unplug N`: ask the guest to give the vCPU up (eject request). 0 when the
 * request went out, -ENOENT, -EALREADY (not plugged), -EPERM (vCPU 0: every
 * reset boots there). Whether the guest complied shows in cpuhp_gone().
 */
int cpuhp_request_eject(struct cpuhp *h, unsigned int cpu);

/* The guest did not answer in time: the request is withdrawn (a later
 * reset keeps the vCPU). */
void cpuhp_cancel_eject(struct cpuhp *h, unsigned int cpu);

/* The vCPU is no longer plugged (the guest ejected it, or it never was). */
bool cpuhp_gone(struct cpuhp *h, unsigned int cpu);

/* An eject request the guest has not answered yet (for a reset: the vCPU
 * comes back absent, as a deferred unplug does). */
bool cpuhp_eject_pending(struct cpuhp *h, unsigned int cpu);

/* How far the guest's _OST count has got: a request notes it before it
 * posts an event, and cpuhp_answer() then looks only at later _OSTs. */
unsigned long cpuhp_ost_seq(struct cpuhp *h);

/* The last _OST for the vCPU (false: none since the VM started). */
bool cpuhp_last_ost(struct cpuhp *h, unsigned int cpu, struct cpuhp_ost *ost);

enum cpuhp_answer {
	CPUHP_ANSWER_NONE,    /* no _OST for this kind of event since `since` */
	CPUHP_ANSWER_PENDING, /* the guest is still at it (insertion/ejection in progress) */
	CPUHP_ANSWER_SUCCESS,
	CPUHP_ANSWER_FAILURE, /* any other status: *ost says which */
};

/* What the guest's newest _OST for cpu after since says about an insertion
 * (device check, bus check, OSPM insertion) or, with eject, an ejection
 * (eject request, OSPM eject). *ost gets that _OST (when not NONE). */
enum cpuhp_answer cpuhp_answer(struct cpuhp *h, unsigned int cpu, unsigned long since, bool eject,
			       struct cpuhp_ost *ost);

/* "device-check", "eject-request", ... or "event-0xN". */
const char *cpuhp_ost_event_name(uint32_t event, char *buf, size_t len);

/* "success", "failure", "insertion-in-progress", "device-busy", ... or
 * "status-0xN" (the meaning of 0x80.. depends on the event). */
const char *cpuhp_ost_status_name(uint32_t event, uint32_t status, char *buf, size_t len);

/* "insert-pending", "eject-pending" or "" for `cpus`. */
const char *cpuhp_state_name(struct cpuhp *h, unsigned int cpu);

#endif
