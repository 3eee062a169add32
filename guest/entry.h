/*
 * Assembler macros for the guest's entry code, shared by head.S and storm.S:
 * the steps a CPU takes between a PSCI entry (CPU_ON or the resume from a
 * power-down suspend, DEN0022 §6.4.3: EL1, MMU off, DAIF masked, x0 = the
 * context id) and its first C call, written once.
 *
 * Register use, the same in every entry: x0 = context id, x7 = logical
 * index once ctx_index has checked it, x8 = this CPU's cpu_reports slot,
 * x9 scratch. Include from .S files only.
 */
#ifndef GUEST_ENTRY_H
#define GUEST_ENTRY_H

#ifndef __ASSEMBLY__
#error "guest/entry.h holds assembler macros: include it from .S files only"
#endif

#include "guest/guest.h"

/* Assembler, not C: clang-format would take it apart. */
/* clang-format off */

/*
 * The entry state, read before anything else changes it: x10 = CNTVCT_EL0
 * (the first instruction: the CPU_ON latency benchmark), x1 = CurrentEL,
 * x2 = DAIF, x3 = SCTLR_EL1, x4 = MPIDR_EL1. A big-endian caller starts us
 * big-endian (SCTLR_EL1.EE, DEN0022 §6.4.3): x3 keeps that for the report;
 * back to little-endian before the first data access (literal pool, stores).
 */
	.macro	read_entry_state
	mrs	x10, cntvct_el0
	mrs	x1, CurrentEL
	mrs	x2, daif
	mrs	x3, sctlr_el1
	mrs	x4, mpidr_el1
	bic	x9, x3, #(1 << 25)
	msr	sctlr_el1, x9
	isb
	.endm

/*
 * x7 = the logical index in the context id x0, or a branch to \stray when
 * its low 32 bits are not GUEST_CTX(index) with index < GUEST_MAX_CPUS
 * (bits 63:32 are a tag for the C code). Clobbers x5, x6.
 */
	.macro	ctx_index stray
	and	x5, x0, #0xffff0000
	mov	x6, #GUEST_CTX_BASE
	cmp	x5, x6
	b.ne	\stray
	and	x7, x0, #GUEST_CTX_INDEX_MASK
	cmp	x7, #GUEST_MAX_CPUS
	b.hs	\stray
	.endm

/*
 * Store what read_entry_state read, and x0, in CPU x7's cpu_reports slot
 * at the given offsets (the CPU_ON set or the resume set of guest.h).
 * Leaves x8 = the slot.
 */
	.macro	report_entry_state x0_off, el_off, daif_off, sctlr_off, mpidr_off, cnt_off
	ldr	x8, =cpu_reports
	add	x8, x8, x7, lsl #CPU_REPORT_SHIFT
	str	x0, [x8, #\x0_off]
	str	x1, [x8, #\el_off]
	str	x2, [x8, #\daif_off]
	str	x3, [x8, #\sctlr_off]
	str	x4, [x8, #\mpidr_off]
	str	x10, [x8, #\cnt_off]
	.endm

/*
 * EL1 state for logical CPU x7: interrupts masked, TPIDR_EL1 = the index
 * (the console's and the vectors' per-CPU slot), VBAR_EL1 = \vectors,
 * SP_EL1 in use. Clobbers x9.
 */
	.macro	el1_setup vectors
	msr	daifset, #0xf
	msr	tpidr_el1, x7
	ldr	x9, =\vectors
	msr	vbar_el1, x9
	msr	spsel, #1
	isb
	.endm

/*
 * SP = the top of logical CPU \idx's stack in cpu_stacks, with the frame
 * chain ended (x29 = x30 = 0) for the C code. Clobbers \tmp.
 */
	.macro	cpu_stack_top idx, tmp
	ldr	\tmp, =cpu_stacks
	add	\tmp, \tmp, \idx, lsl #GUEST_STACK_SHIFT
	add	\tmp, \tmp, #GUEST_STACK_SIZE
	mov	sp, \tmp
	mov	x29, xzr
	mov	x30, xzr
	.endm

/*
 * A vector table \name: 16 entries of 128 bytes, 2 KiB aligned (VBAR_EL1
 * bits 10:0 are RES0), in section .text.\name; entry n is the macro
 * \entry with n. The code after it stays in that section.
 */
	.macro	vector_table name, entry
	.section .text.\name, "ax"
	.balign	2048
	.globl	\name
\name:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.balign	128
	\entry	\n
	.endr
	.endm

/* Sleep for ever: where a CPU ends that has nothing left to do. */
	.macro	sleep_forever
9999:	wfi
	b	9999b
	.endm

/* clang-format on */
#endif
