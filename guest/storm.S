/*
 * `storm` (storm.c): the entry point of a CPU that a storm CPU_ON started,
 * and the storm's exception vectors, which count an exception and go on
 * instead of failing the run at once (a hostile guest takes faults; the
 * verdict comes at the end, from the counts).
 */
#include "guest/entry.h"
#include "guest/guest.h"
#include "guest/storm.h"

/*
 * CPU_ON entry (DEN0022 §6.4.3: EL1, MMU off, DAIF masked, x0 = context id).
 * The low 32 bits of x0 must be GUEST_CTX(logical index), like head.S's
 * secondary_entry; anything else is a stray entry (head.S's stray_secondary
 * records it, then the CPU sleeps, and the storm's final check finds it
 * still on). Bits 63:32 are checked in C.
 */
	.text
	.globl	storm_entry
	.balign	8
storm_entry:
	mrs	x4, mpidr_el1
	ctx_index stray_secondary
	el1_setup storm_vectors
	cpu_stack_top x7, x9
	mov	x1, x0
	mov	w0, w7
	mov	x2, x4
	bl	storm_secondary
	sleep_forever
	.ltorg

/*
 * Vectors (entry.h's vector_table). Each saves x0..x30,
 * ELR_EL1, SPSR_EL1, ESR_EL1 and FAR_EL1 in a struct storm_frame on the
 * current stack, calls storm_exception(frame), which may change the saved
 * ELR/SPSR (skip the instruction, mask what was taken), and returns there.
 */

/* \op (stp or ldp) x2..x29 at their struct storm_frame places (x0, x1 are
 * saved by the vector entry itself, x30 alone). */
	.macro	frame_x2_x29 op
	\op	x2, x3, [sp, #16]
	\op	x4, x5, [sp, #32]
	\op	x6, x7, [sp, #48]
	\op	x8, x9, [sp, #64]
	\op	x10, x11, [sp, #80]
	\op	x12, x13, [sp, #96]
	\op	x14, x15, [sp, #112]
	\op	x16, x17, [sp, #128]
	\op	x18, x19, [sp, #144]
	\op	x20, x21, [sp, #160]
	\op	x22, x23, [sp, #176]
	\op	x24, x25, [sp, #192]
	\op	x26, x27, [sp, #208]
	\op	x28, x29, [sp, #224]
	.endm

	.macro	storm_vector n
	sub	sp, sp, #STORM_FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x0, #\n
	b	storm_exception_entry
	.endm
	vector_table storm_vectors, storm_vector

storm_exception_entry:
	frame_x2_x29 stp
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
	frame_x2_x29 ldp
	ldr	x30, [sp, #240]
	add	sp, sp, #STORM_FRAME_SIZE
	eret
	.ltorg
