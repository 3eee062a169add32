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
 *
 * ENABLED is PSCI's present bit (minus a deferred unplug), so PSCI and ACPI
 * never disagree about a vCPU: one owner, two views. Pure logic; the glue
 * supplies the interrupt pulse.
 */
#ifndef VMM_CPUHP_H
#define VMM_CPUHP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct psci;

struct cpuhp_cpu {
	uint8_t pending;      /* GUEST_CPUHP_INSERT | GUEST_CPUHP_EJECT not yet acknowledged */
	bool eject_requested; /* `unplug` asked, _EJ0 not seen yet */
};

struct cpuhp {
	pthread_mutex_t lock;
	struct psci *psci;
	unsigned int nr_cpus;
	struct cpuhp_cpu *cpus;
	void (*pulse)(void *ctx); /* raise the GED's edge-triggered interrupt */
	void *ctx;
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

/* "insert-pending", "eject-pending" or "" for `cpus`. */
const char *cpuhp_state_name(struct cpuhp *h, unsigned int cpu);

#endif
