/*
 * Just enough GICv3 (Arm IHI 0069) for a wake-up event: route the virtual
 * timer's PPI to the calling CPU's CPU interface as an enabled Group 1
 * interrupt that can be signalled (priority above the priority mask), while
 * PSTATE.I keeps it from ever being taken. A pending interrupt, taken or
 * not, is a wake-up event for WFI and so for the suspend states (DEN0022
 * §5.4.2, "wakeup events").
 */
#ifndef GUEST_GIC_H
#define GUEST_GIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The virtual timer's PPI (INTID 27, the DT timer node's third entry, PPI 11). */
#define GIC_INTID_VTIMER 27

/*
 * Set up the distributor (affinity routing, Group 1 enabled), the calling
 * CPU's redistributor (awake; PPI intid in Group 1, enabled, mid priority)
 * and its CPU interface (system registers, priority mask open, Group 1
 * enabled). cpu is the caller's logical index: its redistributor is frame
 * cpu of machine.gicr_base (GUEST_GICR_BASE(DT CPU count), or the MADT's
 * GICR range), which GICR_TYPER must confirm.
 * Idempotent; every CPU calls it for itself (again after a power-down, which
 * resets the CPU interface). Returns false with a reason in why.
 */
bool gic_wake_setup(unsigned int cpu, unsigned int intid, char *why, size_t why_size);

/*
 * The part of gic_wake_setup() that enables no interrupt: the distributor,
 * cpu's redistributor awake (checked against GICR_TYPER) and the calling
 * CPU's interface. For LPIs (its.c), which the redistributor enables.
 */
bool gic_cpu_setup(unsigned int cpu, char *why, size_t why_size);

/* cpu's redistributor (RD_base; its SGI_base follows at + 64 KiB). */
uintptr_t gic_redist_base(unsigned int cpu);

/* Set up the virtual timer wake-up for the calling CPU (gic_wake_setup for
 * GIC_INTID_VTIMER) and fire it ticks from now. */
bool wake_timer_arm(unsigned int cpu, uint64_t ticks, char *why, size_t why_size);

#endif
