/*
 * PSCI (Arm DEN0022) in userspace: per-vCPU power state and call handling.
 *
 * Pure logic, no ioctls: a vCPU thread talks to it through psci_wait_for_on()
 * / psci_cpu_running() / the SMCCC service, and the unit tests drive it with
 * plain threads. All state is guarded by one mutex; each vCPU has a condition
 * variable its thread sleeps on while the vCPU is OFF (DESIGN.md §4).
 */
#ifndef VMM_PSCI_H
#define VMM_PSCI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/firmware/smccc.h"

#if defined(__has_include)
#if __has_include(<linux/psci.h>)
#include <linux/psci.h>
#endif
#endif

/*
 * The kernel's uapi <linux/psci.h> (pulled in by <linux/kvm.h>) defines many
 * of these with the same names and values; ours fill in what older headers
 * lack.
 *
 * Function IDs, DEN0022 §5.1. "32" IDs are SMC32, "64" IDs SMC64. */
#ifndef PSCI_0_2_FN_BASE
#define PSCI_0_2_FN_BASE 0x84000000U
#endif
#ifndef PSCI_0_2_FN64_BASE
#define PSCI_0_2_FN64_BASE 0xC4000000U
#endif
#ifndef PSCI_FN_RANGE_SIZE
#define PSCI_FN_RANGE_SIZE 0x20U
#endif

#ifndef PSCI_0_2_FN_PSCI_VERSION
#define PSCI_0_2_FN_PSCI_VERSION 0x84000000U
#endif
#ifndef PSCI_0_2_FN_CPU_SUSPEND
#define PSCI_0_2_FN_CPU_SUSPEND 0x84000001U
#endif
#ifndef PSCI_0_2_FN_CPU_OFF
#define PSCI_0_2_FN_CPU_OFF 0x84000002U
#endif
#ifndef PSCI_0_2_FN_CPU_ON
#define PSCI_0_2_FN_CPU_ON 0x84000003U
#endif
#ifndef PSCI_0_2_FN_AFFINITY_INFO
#define PSCI_0_2_FN_AFFINITY_INFO 0x84000004U
#endif
#ifndef PSCI_0_2_FN_MIGRATE
#define PSCI_0_2_FN_MIGRATE 0x84000005U
#endif
#ifndef PSCI_0_2_FN_MIGRATE_INFO_TYPE
#define PSCI_0_2_FN_MIGRATE_INFO_TYPE 0x84000006U
#endif
#ifndef PSCI_0_2_FN_MIGRATE_INFO_UP_CPU
#define PSCI_0_2_FN_MIGRATE_INFO_UP_CPU 0x84000007U
#endif
#ifndef PSCI_0_2_FN_SYSTEM_OFF
#define PSCI_0_2_FN_SYSTEM_OFF 0x84000008U
#endif
#ifndef PSCI_0_2_FN_SYSTEM_RESET
#define PSCI_0_2_FN_SYSTEM_RESET 0x84000009U
#endif
#ifndef PSCI_1_0_FN_PSCI_FEATURES
#define PSCI_1_0_FN_PSCI_FEATURES 0x8400000AU
#endif
#ifndef PSCI_1_0_FN_CPU_FREEZE
#define PSCI_1_0_FN_CPU_FREEZE 0x8400000BU
#endif
#ifndef PSCI_1_0_FN_CPU_DEFAULT_SUSPEND
#define PSCI_1_0_FN_CPU_DEFAULT_SUSPEND 0x8400000CU
#endif
#ifndef PSCI_1_0_FN_NODE_HW_STATE
#define PSCI_1_0_FN_NODE_HW_STATE 0x8400000DU
#endif
#ifndef PSCI_1_0_FN_SYSTEM_SUSPEND
#define PSCI_1_0_FN_SYSTEM_SUSPEND 0x8400000EU
#endif
#ifndef PSCI_1_0_FN_SET_SUSPEND_MODE
#define PSCI_1_0_FN_SET_SUSPEND_MODE 0x8400000FU
#endif
#ifndef PSCI_1_0_FN_STAT_RESIDENCY
#define PSCI_1_0_FN_STAT_RESIDENCY 0x84000010U
#endif
#ifndef PSCI_1_0_FN_STAT_COUNT
#define PSCI_1_0_FN_STAT_COUNT 0x84000011U
#endif
#ifndef PSCI_1_1_FN_SYSTEM_RESET2
#define PSCI_1_1_FN_SYSTEM_RESET2 0x84000012U
#endif
#ifndef PSCI_1_1_FN_MEM_PROTECT
#define PSCI_1_1_FN_MEM_PROTECT 0x84000013U
#endif
#ifndef PSCI_1_1_FN_MEM_PROTECT_CHECK_RANGE
#define PSCI_1_1_FN_MEM_PROTECT_CHECK_RANGE 0x84000014U
#endif
#ifndef PSCI_1_3_FN_SYSTEM_OFF2
#define PSCI_1_3_FN_SYSTEM_OFF2 0x84000015U
#endif

#ifndef PSCI_0_2_FN64_CPU_SUSPEND
#define PSCI_0_2_FN64_CPU_SUSPEND 0xC4000001U
#endif
#ifndef PSCI_0_2_FN64_CPU_ON
#define PSCI_0_2_FN64_CPU_ON 0xC4000003U
#endif
#ifndef PSCI_0_2_FN64_AFFINITY_INFO
#define PSCI_0_2_FN64_AFFINITY_INFO 0xC4000004U
#endif
#ifndef PSCI_0_2_FN64_MIGRATE
#define PSCI_0_2_FN64_MIGRATE 0xC4000005U
#endif
#ifndef PSCI_0_2_FN64_MIGRATE_INFO_UP_CPU
#define PSCI_0_2_FN64_MIGRATE_INFO_UP_CPU 0xC4000007U
#endif
#ifndef PSCI_1_0_FN64_CPU_DEFAULT_SUSPEND
#define PSCI_1_0_FN64_CPU_DEFAULT_SUSPEND 0xC400000CU
#endif
#ifndef PSCI_1_0_FN64_NODE_HW_STATE
#define PSCI_1_0_FN64_NODE_HW_STATE 0xC400000DU
#endif
#ifndef PSCI_1_0_FN64_SYSTEM_SUSPEND
#define PSCI_1_0_FN64_SYSTEM_SUSPEND 0xC400000EU
#endif
#ifndef PSCI_1_0_FN64_STAT_RESIDENCY
#define PSCI_1_0_FN64_STAT_RESIDENCY 0xC4000010U
#endif
#ifndef PSCI_1_0_FN64_STAT_COUNT
#define PSCI_1_0_FN64_STAT_COUNT 0xC4000011U
#endif
#ifndef PSCI_1_1_FN64_SYSTEM_RESET2
#define PSCI_1_1_FN64_SYSTEM_RESET2 0xC4000012U
#endif
#ifndef PSCI_1_1_FN64_MEM_PROTECT_CHECK_RANGE
#define PSCI_1_1_FN64_MEM_PROTECT_CHECK_RANGE 0xC4000014U
#endif
#ifndef PSCI_1_3_FN64_SYSTEM_OFF2
#define PSCI_1_3_FN64_SYSTEM_OFF2 0xC4000015U
#endif

/* The PSCI 0.1 IDs KVM used to hand out through the DT ("arm,psci"). */
#ifndef PSCI_0_1_FN_BASE
#define PSCI_0_1_FN_BASE 0x95c1ba5eU
#endif
#ifndef PSCI_0_1_FN_COUNT
#define PSCI_0_1_FN_COUNT 4U
#endif

/* Return codes, DEN0022 §5.2.2. */
#ifndef PSCI_RET_SUCCESS
#define PSCI_RET_SUCCESS 0
#endif
#ifndef PSCI_RET_NOT_SUPPORTED
#define PSCI_RET_NOT_SUPPORTED (-1)
#endif
#ifndef PSCI_RET_INVALID_PARAMS
#define PSCI_RET_INVALID_PARAMS (-2)
#endif
#ifndef PSCI_RET_DENIED
#define PSCI_RET_DENIED (-3)
#endif
#ifndef PSCI_RET_ALREADY_ON
#define PSCI_RET_ALREADY_ON (-4)
#endif
#ifndef PSCI_RET_ON_PENDING
#define PSCI_RET_ON_PENDING (-5)
#endif
#ifndef PSCI_RET_INTERNAL_FAILURE
#define PSCI_RET_INTERNAL_FAILURE (-6)
#endif
#ifndef PSCI_RET_NOT_PRESENT
#define PSCI_RET_NOT_PRESENT (-7)
#endif
#ifndef PSCI_RET_DISABLED
#define PSCI_RET_DISABLED (-8)
#endif
#ifndef PSCI_RET_INVALID_ADDRESS
#define PSCI_RET_INVALID_ADDRESS (-9)
#endif

/* AFFINITY_INFO answers, DEN0022 §5.7. */
#define PSCI_AFFINITY_ON	 0
#define PSCI_AFFINITY_OFF	 1
#define PSCI_AFFINITY_ON_PENDING 2

/* NODE_HW_STATE answers, DEN0022 §5.13. */
#define PSCI_HW_ON	0
#define PSCI_HW_OFF	1
#define PSCI_HW_STANDBY 2

/* MIGRATE_INFO_TYPE: no Trusted OS, nothing to migrate (DEN0022 §5.9). */
#define PSCI_TOS_NOT_PRESENT_MP 2

/* SYSTEM_RESET2 (§5.16) and SYSTEM_OFF2 (PSCI 1.3, §5.23) types. */
#define PSCI_RESET2_SYSTEM_WARM_RESET 0
#define PSCI_RESET2_VENDOR_BIT	      (1U << 31)
#define PSCI_OFF2_HIBERNATE_OFF	      1 /* also its PSCI_FEATURES bit (bit 0) */

/*
 * CPU_SUSPEND power_state, original format (PSCI_FEATURES(CPU_SUSPEND) bit 1
 * = 0, DEN0022 §5.4.2.1): StateID in bits 15:0, StateType in bit 16 (0 =
 * standby, 1 = power-down), PowerLevel in bits 25:24. We offer two states at
 * the core level, both StateID 0: PSCI_POWER_STATE_STANDBY returns like WFI,
 * PSCI_POWER_STATE_POWERDOWN loses context and resumes at the entry point.
 */
#define PSCI_POWER_STATE_TYPE_POWERDOWN (1U << 16)
#define PSCI_POWER_STATE_STANDBY	0x00000000U
#define PSCI_POWER_STATE_POWERDOWN	PSCI_POWER_STATE_TYPE_POWERDOWN

/* What this implementation reports: PSCI 1.3 (SYSTEM_OFF2 is the newest call). */
#ifndef PSCI_VERSION
#define PSCI_VERSION(major, minor) (((uint32_t)(major) << 16) | (minor))
#endif
#define PSCI_IMPL_VERSION PSCI_VERSION(1, 3)

/* MPIDR_EL1 affinity fields (Aff3 at 39:32, Aff2..0 at 23:0). */
#define MPIDR_HWID_MASK 0xff00ffffffULL

enum psci_cpu_state {
	PSCI_CPU_OFF,
	PSCI_CPU_ON_PENDING, /* CPU_ON succeeded, the vCPU has not run yet */
	PSCI_CPU_ON,
};

/* The suspend states we offer, as indices into the statistics arrays. */
enum psci_suspend {
	PSCI_SUSPEND_NONE = -1,
	PSCI_SUSPEND_STANDBY = 0,
	PSCI_SUSPEND_POWERDOWN = 1,
	PSCI_NR_SUSPEND_STATES = 2,
};

struct psci_cpu {
	uint64_t mpidr;
	enum psci_cpu_state state;
	bool present;		   /* vCPU hotplug: an absent vCPU cannot be started */
	bool unplug_when_off;	   /* `unplug --when-off`: becomes absent at CPU_OFF */
	enum psci_suspend suspend; /* while ON: the suspend state it sits in */
	uint64_t entry;		   /* CPU_ON / power-down resume entry point */
	uint64_t context_id;
	bool entry_be; /* start big-endian: the caller's SCTLR_EL1.EE (§6.4.3) */
	bool lost;     /* an injected lost CPU_ON: ON_PENDING, never started */
	uint64_t suspend_start_us;
	unsigned long nr_on;  /* successful CPU_ONs of this vCPU */
	unsigned long nr_off; /* CPU_OFFs by this vCPU */
	unsigned long suspend_count[PSCI_NR_SUSPEND_STATES];
	uint64_t residency_us[PSCI_NR_SUSPEND_STATES];
	pthread_cond_t wake;
};

/*
 * Told of every power-state change of every vCPU, with the PSCI lock held
 * (so changes arrive in the order they happened): vCPU, the state names
 * before and after (psci_cpu_state_name's), and the cause: "boot" (the boot
 * vCPU at VM start), "CPU_ON" (off to on-pending; "CPU_ON lost" for an
 * injected core that never comes up), "running" (on-pending to on: the vCPU
 * enters at its entry point), "CPU_OFF", "suspend", "wake-up", "plug",
 * "unplug". It must not block or call back into PSCI.
 */
typedef void (*psci_observer_fn)(void *ctx, unsigned int cpu, const char *from, const char *to,
				 const char *cause);

struct psci {
	pthread_mutex_t lock;
	psci_observer_fn observer; /* NULL: nobody watches */
	void *observer_ctx;
	unsigned int nr_cpus;
	struct psci_cpu *cpus;
	uint64_t ram_base, ram_size; /* entry points must lie inside */
	bool stopping;		     /* the VM is going away: waiters return */
	uint64_t (*now_us)(void);    /* clock for STAT_RESIDENCY; tests may replace it */
	struct smccc_service service;
};

/*
 * Set up state for nr_cpus vCPUs with the given MPIDRs, all OFF and present.
 * Entry points are checked against [ram_base, ram_base + ram_size).
 * Returns 0 or -errno.
 */
int psci_init(struct psci *p, unsigned int nr_cpus, const uint64_t *mpidrs, uint64_t ram_base,
	      uint64_t ram_size);
void psci_destroy(struct psci *p);

/* Set (or with fn NULL, remove) the power-state observer. */
void psci_set_observer(struct psci *p, psci_observer_fn fn, void *ctx);

/* Mark the boot vCPU ON (it starts at the image entry, not through CPU_ON). */
void psci_boot_cpu(struct psci *p, unsigned int cpu);

/*
 * Called by vCPU cpu's own thread while the vCPU is OFF: sleeps until a
 * CPU_ON targets it (returns true with the entry point and context id; the
 * state is ON_PENDING) or the VM stops (returns false).
 */
bool psci_wait_for_on(struct psci *p, unsigned int cpu, uint64_t *entry, uint64_t *context_id);

/*
 * DEN0022 §6.4.3: a CPU started by CPU_ON, or resuming from a power-down
 * suspend, runs at its entry point with the endianness of the caller (the
 * CPU_ON caller, or itself when it suspended): SCTLR_EL1.EE, which the glue
 * reads into smccc_call.caller_be for the calls psci_call_enters_at() names
 * and restores after the reset when psci_entry_big_endian() says so.
 */
bool psci_call_enters_at(uint32_t fid);
bool psci_entry_big_endian(struct psci *p, unsigned int cpu);

/* The vCPU was reset to its entry point and is about to run: ON_PENDING → ON. */
void psci_cpu_running(struct psci *p, unsigned int cpu);

/*
 * The vCPU woke from the suspend its CPU_SUSPEND / CPU_DEFAULT_SUSPEND /
 * SYSTEM_SUSPEND started: residency is accounted. For a power-down state it
 * returns true with the entry point and context id to resume at.
 */
bool psci_suspend_end(struct psci *p, unsigned int cpu, uint64_t *entry, uint64_t *context_id);

/* Wake every sleeping vCPU thread and make further waits return false. */
void psci_stop(struct psci *p);

/* The vCPU index with this MPIDR (affinity bits only), or -1. */
int psci_find_cpu(const struct psci *p, uint64_t mpidr);

/* vCPU hotplug (all return 0 or -errno, never touching a running vCPU):
 * psci_set_present: at set-up, before any vCPU runs.
 * psci_plug: -ENOENT no such vCPU, -EALREADY already present.
 * psci_unplug: an OFF vCPU becomes absent (0); an ON one is refused (-EBUSY)
 * unless when_off, then it becomes absent at its CPU_OFF (returns 1);
 * -EALREADY if absent; -EPERM for vCPU 0, the boot CPU. */
void psci_set_present(struct psci *p, unsigned int cpu, bool present);
int psci_plug(struct psci *p, unsigned int cpu);
int psci_unplug(struct psci *p, unsigned int cpu, bool when_off);

/* A consistent copy of one vCPU's bookkeeping, for `cpus` and tests. */
struct psci_cpu_info {
	uint64_t mpidr;
	enum psci_cpu_state state;
	bool present, unplug_when_off;
	bool lost; /* ON_PENDING for good: an injected lost CPU_ON */
	enum psci_suspend suspend;
	unsigned long nr_on, nr_off;
};
int psci_cpu_info(struct psci *p, unsigned int cpu, struct psci_cpu_info *info);

/* "absent", "off", "on-pending", "on", "suspended". */
const char *psci_cpu_state_name(const struct psci_cpu_info *info);

/* The SMCCC service for the PSCI ranges (ctx = p). */
const struct smccc_service *psci_service(struct psci *p);

#endif
