/*
 * One VM: KVM file descriptors, guest RAM, vCPUs and the devices and
 * services wired to them, built from the machine description
 * (vmm/machine/machine.h). The KVM glue lives in kvm/vm.c (the VM and
 * vm_create's order of steps, one file per subject beside it: vm_vcpus.c,
 * vgic.c, pmu.c, vm_smccc.c, pvtime.c, vm_devices.c, vm_boot.c, vm_info.c)
 * and kvm/vcpu.c (vCPU threads and the run loop); main.c decides the order.
 */
#ifndef VMM_VM_H
#define VMM_VM_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/machine/acpi.h"
#include "vmm/cli/cli.h"
#include "vmm/machine/cpuhp.h"
#include "vmm/machine/image_file.h"
#include "vmm/machine/mmio.h"
#include "vmm/output/outbuf.h"
#include "vmm/firmware/psci.h"
#include "vmm/firmware/smccc.h"
#include "vmm/machine/testdev.h"
#include "vmm/machine/uart.h"
#include "vmm/firmware/vendor.h"
#include "vmm/kvm/pause.h"

struct kvm_run;
struct outbuf;
struct inject;
struct tracefile;

/* Why a VM run ended. */
enum vm_exit {
	VM_EXIT_NONE,
	VM_EXIT_SYSTEM_OFF,   /* the guest powered off */
	VM_EXIT_SYSTEM_RESET, /* the guest asked for a reset: boot it again */
	VM_EXIT_SIGNAL,	      /* SIGINT/SIGTERM */
	VM_EXIT_ERROR,	      /* a VMM or KVM failure (already reported) */
};

struct vcpu {
	struct vm *vm;
	unsigned int id;
	int fd;
	struct kvm_run *run;
	uint64_t mpidr;
	pthread_t thread;
	bool thread_started;
	bool has_run; /* entered KVM_RUN since its KVM_ARM_VCPU_INIT (own thread only) */
	/* Its last KVM_RUN returned an MMIO exit that the next KVM_RUN completes
	 * (api.rst: the access is done only once KVM_RUN is re-entered); the
	 * pause gate completes it before parking (pause.c). Own thread only. */
	bool mmio_pending;
};

/*
 * What outlives one VM instance (SYSTEM_RESET builds a fresh VM): counters,
 * the trace switch and the hotplug state. Owned by main.
 */
struct vmm_shared {
	atomic_ulong hypercalls; /* KVM_EXIT_HYPERCALL exits */
	atomic_ulong mmio_exits;
	atomic_ulong unclaimed_mmio;	/* accesses no device claimed */
	atomic_ulong unknown_fids;	/* forwarded calls nobody serves */
	atomic_ulong power_on_syscalls; /* a started vCPU's own reset ioctls */
	struct smccc_counters calls;	/* forwarded calls by function ID */
	atomic_bool trace;		/* --trace / `trace on|off` */
	atomic_bool nisv_warned;	/* an undecodable MMIO access was reported */
	atomic_bool no_filter_warned;	/* "no SMCCC filter on this host" was said */
	unsigned int resets;		/* SYSTEM_RESETs served */
	unsigned int restores;		/* snapshot restores of this guest (vmm restore) */
	bool *present;			/* per possible vCPU: hotplug state */
	struct outbuf *out, *err;	/* guest console and trace output (outbuf.h) */
	struct inject *inject;		/* fault injection rules (inject.h) */
	struct tracefile *tracefile;	/* --trace-file, `trace-file` (tracefile.h) */
	atomic_ullong first_run_ns;	/* CLOCK_MONOTONIC at vCPU 0's first KVM_RUN */
};

/* The guest's files, opened once and read into RAM at every boot (image_file.h). */
struct vm_images {
	const struct image_file *kernel;
	const struct image_file *initrd; /* NULL without one */
	/* `vmm restore`: RAM is ram_fd (the snapshot's `ram` file) mapped
	 * copy-on-write, and nothing is loaded into it (kvm/snapshot.h). */
	bool from_snapshot;
	int ram_fd;
};

struct machine;

/*
 * A `snapshot DIR [--stop]` request, driven by the run loop (main thread)
 * whether or not its client stays connected, so a VM it paused is always
 * resumed (vm_control_snapshot.c). seq numbers the jobs; done_seq is the
 * last finished one, whose reply line is in reply.
 */
struct vm_snapshot_job {
	bool active;
	bool stop;	/* --stop: the VM ends once saved */
	bool we_paused; /* the job paused the VM (else the user had) */
	char dir[4096];
	uint64_t deadline_ms; /* the vCPUs must have parked by then */
	unsigned long seq, done_seq;
	char reply[1024];
};

struct vm {
	const struct vmm_config *cfg;
	const struct machine *machine; /* what the guest sees (machine.h) */
	const struct vm_images *images;
	int kvm_fd, vm_fd, gic_fd;
	uint8_t *ram;
	uint64_t ram_size;
	int ram_fd;    /* a restored VM's RAM file (not owned), else -1 */
	bool restored; /* built from a snapshot: state comes from it, not a boot */
	void *pvtime;  /* machine->pvtime_size bytes, or NULL without PV time */
	uint64_t entry, dtb_addr;

	unsigned int nr_cpus;
	struct vcpu *vcpus;
	int vcpu_init_target;
	size_t run_size;

	struct psci psci;
	bool psci_ready;
	struct smccc_table smccc;
	struct vendor vendor;
	struct mmio_bus mmio;
	struct uart uart;
	bool uart_ready;
	struct testdev testdev;
	struct vmm_shared *shared;

	/* --acpi: the EFI hand-off and table region, and the hotplug registers. */
	void *acpi_region;
	struct acpi_layout acpi_layout;
	struct cpuhp cpuhp;
	bool cpuhp_ready;

	pthread_mutex_t exit_lock;
	enum vm_exit exit;
	atomic_bool stopping;
	struct vm_pause pause;	     /* `pause`/`resume` (kvm/pause.c) */
	struct vm_snapshot_job snap; /* `snapshot DIR` (vm_control_snapshot.c) */
	int exit_efd;		     /* eventfd: written once when the run must end */
};

struct control_server;
struct console;

/* kvm/vm.c: m (built once by machine_describe()) must outlive the VM. */
int kvm_open(char *err, size_t errlen);
int vm_create(struct vm *vm, int kvm_fd, const struct vmm_config *cfg, const struct machine *m,
	      const struct vm_images *images, struct vmm_shared *shared);
void vm_destroy(struct vm *vm);
int vm_get_reg(struct vcpu *v, uint64_t id, uint64_t *val);
int vm_set_reg(struct vcpu *v, uint64_t id, uint64_t val);
/* kvm/vm_vcpus.c */
int vm_vcpu_reset(struct vcpu *v, bool power_off);
/* kvm/vm_info.c */
int vm_info(int kvm_fd);
/* vCPU 0 is about to enter the guest: the first time, note when (--exit-stats). */
void vm_note_first_run(struct vm *vm);

/* kvm/vm_control_snapshot.c: drive a `snapshot` request (run loop, each
 * turn while active; vm_snapshot_active says whether to come back soon). */
void vm_snapshot_tick(struct vm *vm);
static inline bool vm_snapshot_active(const struct vm *vm)
{
	return vm->snap.active;
}

/* The signal that kicks a vCPU thread out of KVM_RUN (its handler does nothing). */
#define VCPU_KICK_SIGNAL SIGUSR1

/* kvm/vcpu.c: the body of one vCPU's thread (arg: its struct vcpu). */
void *vcpu_thread(void *arg);

/* run_loop.c: ctl may be NULL (no --control), con NULL (no console input). */
int vm_run(struct vm *vm, int signal_fd, struct control_server *ctl, struct console *con);
/* Out of KVM_RUN, every started vCPU thread (immediate_exit plus the kick
 * signal; a thread outside KVM_RUN ignores it). */
void vm_kick_vcpus(struct vm *vm);
/* Record why the run ends (the first reason wins) and wake the main thread. */
void vm_request_exit(struct vm *vm, enum vm_exit why);
/* Write a "vm" line (what: "start", "open") and every vCPU's power state to
 * the trace file, if one is open (tracefile.h). */
void vm_trace_snapshot(struct vm *vm, const char *what);

/* One line on stderr, through the log buffer once main set it (outbuf.h). */
#define vm_err(...) outbuf_log("vmm: " __VA_ARGS__)

#endif
