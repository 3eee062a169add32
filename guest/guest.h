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

/* Per-CPU stacks: 4 KiB each, indexed by logical CPU. The boot CPU runs on
 * its own boot stack, so its logical index's stack is free and serves as its
 * exception stack. */
#define GUEST_STACK_SHIFT     12
#define GUEST_STACK_SIZE      (1 << GUEST_STACK_SHIFT)
#define GUEST_BOOT_STACK_SIZE 16384

/*
 * struct cpu_report (cpus.h) is one 128-byte slot per logical CPU, written
 * only by that CPU. head.S stores the CPU_ON entry state in the first five
 * words before any C code runs; these offsets are checked against the C
 * struct with _Static_assert.
 */
#define CPU_REPORT_SHIFT 7
#define CPU_REPORT_X0	 0
#define CPU_REPORT_EL	 8
#define CPU_REPORT_DAIF	 16
#define CPU_REPORT_SCTLR 24
#define CPU_REPORT_MPIDR 32

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
