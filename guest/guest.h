/*
 * The bare-metal test guest: constants shared by head.S and the C code.
 *
 * Boot model: the VMM loads guest.img (an arm64 Image) at GUEST_RAM_BASE and
 * enters it at offset 0 on the boot CPU with x0 = DTB address. Secondary
 * CPUs are started with PSCI CPU_ON at secondary_entry with a context id
 * built by GUEST_CTX(): the low 16 bits are the CPU's logical index (its
 * position among the DT's /cpus nodes), which is how a secondary finds its
 * per-CPU slot and stack before it can do anything else.
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

/* CPUs the guest uses; further /cpus nodes are ignored with a message. */
#define GUEST_MAX_CPUS 64

/* Context id of CPU_ON for logical CPU n: 0x5ec0000 | n. */
#define GUEST_CTX_BASE	     0x5ec0000
#define GUEST_CTX_INDEX_MASK 0xffff
#define GUEST_CTX(n)	     (GUEST_CTX_BASE | (n))

/*
 * The low 32 bits of a context id are all head.S looks at: bits 63:32 are a
 * tag for the C code, so that it can tell which call a CPU resumes or starts
 * from (only the SMC64 calls carry it: SMC32 arguments are 32 bits wide).
 * Tag 0 is a plain CPU_ON.
 */
#define GUEST_CTX_TAG_SHIFT	 32
#define GUEST_CTX_TAGGED(n, tag) (GUEST_CTX(n) | ((unsigned long)(tag) << GUEST_CTX_TAG_SHIFT))
/* Tag kinds (bits 31:24 of the tag; bits 23:0 count the calls of a CPU). */
#define GUEST_TAG_CPU_SUSPEND	  1
#define GUEST_TAG_DEFAULT_SUSPEND 2
#define GUEST_TAG_SYSTEM_SUSPEND  3
#define GUEST_TAG_STRESS	  4
#define GUEST_TAG_KIND_SHIFT	  24
#define GUEST_TAG(kind, gen)	  (((kind) << GUEST_TAG_KIND_SHIFT) | ((gen)&0xffffff))

/*
 * What psci_suspend_call() (head.S) returns when the CPU came back through
 * cpu_resume_entry instead of the call returning: no PSCI function that
 * suspends returns a positive value.
 */
#define GUEST_SUSPEND_RESUMED 1

/* Per-CPU stacks: 4 KiB each, indexed by logical CPU. The boot CPU runs on
 * its own boot stack, so its logical index's stack is free and serves as its
 * exception stack. */
#define GUEST_STACK_SHIFT     12
#define GUEST_STACK_SIZE      (1 << GUEST_STACK_SHIFT)
#define GUEST_BOOT_STACK_SIZE 16384

/*
 * struct cpu_report (cpus.h) is one 256-byte slot per logical CPU, written
 * only by that CPU. head.S stores the CPU_ON entry state in the first six
 * words and the state at a resume from a power-down suspend in the next
 * seven, before any C code runs; these offsets are checked against the C
 * struct with _Static_assert.
 */
#define CPU_REPORT_SHIFT	8
#define CPU_REPORT_X0		0
#define CPU_REPORT_EL		8
#define CPU_REPORT_DAIF		16
#define CPU_REPORT_SCTLR	24
#define CPU_REPORT_MPIDR	32
#define CPU_REPORT_CNTVCT	40
#define CPU_REPORT_RESUME_X0	48
#define CPU_REPORT_RESUME_EL	56
#define CPU_REPORT_RESUME_DAIF	64
#define CPU_REPORT_RESUME_SCTLR 72
#define CPU_REPORT_RESUME_MPIDR 80
#define CPU_REPORT_RESUME_CNT	88 /* CNTVCT_EL0 at the resume entry */
#define CPU_REPORT_RESUMES	96 /* resumes so far */

/*
 * psci_suspend_call() saves the callee-saved registers (x19..x30), SP and an
 * "armed" flag in this CPU's 128-byte slot of suspend_ctxs before a call
 * that may power the CPU down; cpu_resume_entry restores them from the slot
 * the context id names, so the call "returns" GUEST_SUSPEND_RESUMED. The
 * slot is written only by its CPU.
 */
#define SUSPEND_CTX_SHIFT 7
#define SUSPEND_CTX_SP	  96
#define SUSPEND_CTX_ARMED 104

/* struct stray_entry (cpus.h): a secondary that entered with a context id
 * it cannot use records it here, then waits for interrupts forever. */
#define STRAY_X0    0
#define STRAY_MPIDR 8
#define STRAY_COUNT 16

/* Image header flags (booting.rst): little-endian (bit 0 = 0), 4K pages
 * (bits 2:1 = 1), placement "as close as possible to the base of DRAM"
 * (bit 3 = 0) because the guest is linked to run at GUEST_RAM_BASE and is
 * not position-independent. */
#define GUEST_IMAGE_FLAGS 0x2

#define GUEST_IMAGE_MAGIC 0x644d5241 /* "ARM\x64" */

#endif
