/*
 * `storm` (storm.c): the entry point of a CPU that a storm CPU_ON started,
 * and the storm's exception vectors, which count an exception and go on
 * instead of failing the run at once (a hostile guest takes faults; the
 * verdict comes at the end, from the counts).
 */
#include "guest/guest.h"
#include "guest/storm.h"

/*
 * CPU_ON entry (DEN0022 §6.4.3: EL1, MMU off, DAIF masked, x0 = context id).
 * The low 32 bits of x0 must be GUEST_CTX(logical index), like head.S's
 * secondary_entry; anything else is a stray entry (recorded where head.S
 * records its own, then the CPU sleeps, and the storm's final check finds
 * it still on). Bits 63:32 are checked in C.
 */
	.text
	.globl	storm_entry
	.balign	8
storm_entry:
	mrs	x4, mpidr_el1
	and	x5, x0, #0xffff0000
	mov	x6, #GUEST_CTX_BASE
	cmp	x5, x6
	b.ne	storm_stray
	and	x7, x0, #GUEST_CTX_INDEX_MASK
	cmp	x7, #GUEST_MAX_CPUS
	b.hs	storm_stray

	msr	daifset, #0xf
	msr	tpidr_el1, x7
	ldr	x9, =storm_vectors
	msr	vbar_el1, x9
	msr	spsel, #1
	isb

	ldr	x9, =cpu_stacks
	add	x9, x9, x7, lsl #GUEST_STACK_SHIFT
	add	x9, x9, #GUEST_STACK_SIZE
	mov	sp, x9
	mov	x29, xzr
	mov	x30, xzr
	mov	x1, x0
	mov	w0, w7
	mov	x2, x4
	bl	storm_secondary
1:	wfi
	b	1b

storm_stray:
	ldr	x8, =stray_entry
	str	x0, [x8, #STRAY_X0]
	str	x4, [x8, #STRAY_MPIDR]
	ldr	x9, [x8, #STRAY_COUNT]
	add	x9, x9, #1
	str	x9, [x8, #STRAY_COUNT]
	dsb	sy
2:	wfi
	b	2b
	.ltorg

/*
 * Vectors: 16 entries of 128 bytes, 2 KiB aligned. Each saves x0..x30,
 * ELR_EL1, SPSR_EL1, ESR_EL1 and FAR_EL1 in a struct storm_frame on the
 * current stack, calls storm_exception(frame), which may change the saved
 * ELR/SPSR (skip the instruction, mask what was taken), and returns there.
 */
	.section .text.storm_vectors, "ax"
	.balign	2048
	.globl	storm_vectors
storm_vectors:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.balign	128
	sub	sp, sp, #STORM_FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x0, #\n
	b	storm_exception_entry
	.endr

storm_exception_entry:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	str	x30, [sp, #240]
	mrs	x1, elr_el1
	mrs	x2, spsr_el1
	stp	x1, x2, [sp, #STORM_FRAME_ELR]
	mrs	x1, esr_el1
	mrs	x2, far_el1
	stp	x1, x2, [sp, #STORM_FRAME_ESR]
	str	x0, [sp, #STORM_FRAME_VECTOR]
	mov	x0, sp
	bl	storm_exception
	ldp	x1, x2, [sp, #STORM_FRAME_ELR]
	msr	elr_el1, x1
	msr	spsr_el1, x2
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	add	sp, sp, #STORM_FRAME_SIZE
	eret
	.ltorg
