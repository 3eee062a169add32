/*
 * The codecs of the VMM's userspace state: each module's state to a section
 * payload (save) and back (load). What each saves and why is DESIGN.md §13,
 * "Userspace state"; the sections they fill are snapfile.h's tags.
 *
 *   save: module state -> snap_buf (snapbuf.h). Takes the module's own lock
 *         where it has one, so a save sees one instant of that module; the
 *         caller has parked every vCPU first. Running out of memory shows in
 *         the buffer's sticky oom flag.
 *   load: payload -> module state, every value checked: a payload that is
 *         CRC-valid but describes an impossible state (a suspended vCPU
 *         that is off, a FIFO longer than the FIFO, ...) is refused. Returns
 *         0, or -1 with one line in err that starts with the section's name
 *         ("PSCI: vCPU 2 is suspended but off"); the caller puts "snapshot
 *         DIR/state: " in front. On -1 the module may be half-loaded: the
 *         restore gives up. A load runs before any vCPU thread does.
 *
 * Pure: no ioctls, no KVM headers. What only KVM holds (registers, vGIC,
 * counter, PV time, RAM) is the KVM glue's (snapshot glue in vmm/kvm/).
 */
#ifndef VMM_SNAPSTATE_H
#define VMM_SNAPSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/firmware/smccc.h"
#include "vmm/machine/machine.h"
#include "vmm/snapshot/snapbuf.h"

struct psci;
struct cpuhp;
struct uart;
struct testdev;
struct inject;
struct vendor;
struct vmm_config;
struct cli_filter;

/*
 * SNAP_MACHINE: the machine description, field by field. load checks it is
 * a machine this vmm would build (vCPU counts in bounds, RAM a whole number
 * of pages inside the address space, the memory map and interrupts this
 * vmm's guest_abi.h puts there, a NUL-terminated command line): it rebuilds
 * the machine from the options it implies (machine_describe) and refuses
 * any field that differs, naming it.
 */
void snap_machine_save(const struct machine *m, struct snap_buf *b);
int snap_machine_load(struct machine *m, const void *data, size_t len, char *err, size_t errlen);
/* The options that shape the machine, set in cfg from m (vCPUs, memory,
 * PSCI mode, conduit, --acpi, --pmu, the command line, which points into m);
 * other fields of cfg are left alone. */
void snap_machine_config(const struct machine *m, struct vmm_config *cfg);

/*
 * SNAP_SHARED: what struct vmm_shared (vmm/kvm/vm.h) keeps across resets
 * and a guest can see: the SYSTEM_RESETs served and the restores (test
 * device registers), the hypercall exits so far (the test device's HCALLS),
 * and the present bit of every possible vCPU (what the next reset's VM
 * starts with). Passed as plain values: pure code does not see vm.h.
 * load: nr_cpus must be the machine's; vCPU 0 must be present.
 */
struct snap_shared {
	unsigned int resets;
	unsigned int restores; /* snapshot restores before this one */
	uint64_t hypercalls;
	unsigned int nr_cpus;
	bool present[MACHINE_MAX_CPUS];
};
void snap_shared_save(const struct snap_shared *s, struct snap_buf *b);
int snap_shared_load(struct snap_shared *s, unsigned int nr_cpus, const void *data, size_t len,
		     char *err, size_t errlen);

/*
 * SNAP_PSCI: every vCPU's power state (off, on-pending with a `lost`
 * CPU_ON, on, suspended with its entry point and context id), its pending
 * CPU_ON (entry, context id, endianness), presence and a deferred unplug,
 * CPU_ON/CPU_OFF counts, STAT_COUNT and STAT_RESIDENCY per state (a suspend
 * in progress as the time it has lasted so far: the host clock itself is not
 * saved), and the PSCI version and PSCI_FEATURES answers the guest could
 * read. The mutex, the wait conditions, the observer and `stopping` are not
 * state.
 * load: p was psci_init()ed for the machine's vCPUs and RAM; the saved
 * vCPU count and MPIDRs must be p's, every state possible (nothing but ON is
 * suspended, only ON_PENDING is lost, an absent vCPU is OFF, a pending or
 * power-down entry point lies in RAM, ...), and this vmm's PSCI version and
 * PSCI_FEATURES answers the ones the guest saw (else the guest would see
 * another firmware).
 */
void snap_psci_save(struct psci *p, struct snap_buf *b);
int snap_psci_load(struct psci *p, const void *data, size_t len, char *err, size_t errlen);

/*
 * SNAP_SMCCC: the SMCCC table's rows: range, action, who asked for it, and
 * the service answering it ("" for none). The table holds pointers to
 * services, so a restore does not load it: it builds its table as a boot
 * does, with the user's --smccc-filter ranges taken from the snapshot
 * (snap_smccc_filters), then checks the result is the saved table
 * (snap_smccc_compare): one line naming the first row that differs.
 */
#define SNAP_SMCCC_NAME_MAX 32
struct snap_smccc_row {
	uint32_t base, nr;
	enum smccc_filter_action action;
	char origin[SNAP_SMCCC_NAME_MAX];  /* "psci", "--smccc-filter", ... */
	char service[SNAP_SMCCC_NAME_MAX]; /* the service's name, "" for none */
};
struct snap_smccc {
	unsigned int nr;
	struct snap_smccc_row rows[SMCCC_MAX_RANGES];
};
void snap_smccc_save(const struct smccc_table *t, struct snap_buf *b);
int snap_smccc_load(struct snap_smccc *s, const void *data, size_t len, char *err, size_t errlen);
/* The saved rows that came from --smccc-filter, as cli_filter (vmm/cli/cli.h),
 * at most max; returns how many. */
unsigned int snap_smccc_filters(const struct snap_smccc *s, struct cli_filter *f, unsigned int max);
int snap_smccc_compare(const struct snap_smccc *s, const struct smccc_table *t, char *err,
		       size_t errlen);

/*
 * SNAP_VENDOR: the CPU implementations DISCOVER_IMPL_CPUS tells the guest
 * (the host's, or --impl-cpus). load sets v->nr_impl and v->impl[] (at most
 * VENDOR_MAX_IMPL_CPUS), so the guest keeps its errata view on another host.
 */
void snap_vendor_save(const struct vendor *v, struct snap_buf *b);
int snap_vendor_load(struct vendor *v, const void *data, size_t len, char *err, size_t errlen);

/*
 * SNAP_CPUHP (--acpi only): per vCPU the events the guest has not
 * acknowledged (INSERT/EJECT), an eject request the guest has not answered,
 * the last _OST and its sequence number, and the _OST count. Presence is
 * PSCI's (SNAP_PSCI). load: h was cpuhp_init()ed for the machine's vCPUs.
 */
void snap_cpuhp_save(struct cpuhp *h, struct snap_buf *b);
int snap_cpuhp_load(struct cpuhp *h, const void *data, size_t len, char *err, size_t errlen);

/*
 * SNAP_UART: the registers (IER, LCR, MCR, SCR, DLL, DLM, FCR), the latched
 * THR-empty interrupt, the interrupt line's level and the receive FIFO's
 * bytes, oldest first. load: u was uart_init()ed; the level must be what the
 * registers make it (the vGIC's line level is restored beside it, by the
 * glue); irq() is not called.
 */
void snap_uart_save(struct uart *u, struct snap_buf *b);
int snap_uart_load(struct uart *u, const void *data, size_t len, char *err, size_t errlen);

/*
 * SNAP_TESTDEV: the guest's verdict (failed, last result), the resets and
 * restores it reads, the PSCI mode it reads. load restores them as saved:
 * the restore counts itself afterwards (restores + 1, here and in
 * snap_shared). hcalls is the glue's pointer, not state.
 */
void snap_testdev_save(const struct testdev *t, struct snap_buf *b);
int snap_testdev_load(struct testdev *t, const void *data, size_t len, char *err, size_t errlen);

/*
 * SNAP_INJECT: the rules in force, as their canonical texts, with how many
 * calls each has fired on. load re-parses each text (inject_parse: a text
 * this vmm would not accept is refused) and appends the rules, in order and
 * with their counts, to inj; a rule whose count passed its next=N, or more
 * rules than fit, is refused. The counters of injected answers are
 * statistics, not state. Whether restore's own --inject rules go before,
 * after or instead of these is the restore's choice.
 */
void snap_inject_save(struct inject *inj, struct snap_buf *b);
int snap_inject_load(struct inject *inj, const void *data, size_t len, char *err, size_t errlen);

#endif
