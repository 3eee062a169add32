/*
 * The test guest's first instructions: the arm64 Image header, the boot CPU's
 * entry, the secondary entry that PSCI CPU_ON targets, the suspend call and
 * the resume entry of power-down suspends, the exception vectors and the
 * stacks.
 *
 * Everything here runs with the MMU off (booting.rst for the boot CPU; PSCI
 * CPU_ON entry state, DEN0022 "CPU_ON", for the secondaries), so there is no
 * stack until we set one up and every access is to Device memory.
 */
#include "vmm/machine/guest_abi.h"
#include "guest/entry.h"
#include "guest/guest.h"

#define PSCI_0_2_FN_SYSTEM_OFF 0x84000008

/* ---- Image header (Documentation/arch/arm64/booting.rst) ---- */
	.section .head.text, "ax"
	.globl	_head
_head:
	b	primary_entry		// code0
	.long	0			// code1
	.quad	0			// text_offset: run at the RAM base itself
	.quad	_image_size		// image_size: up to _end, .bss and stacks included,
					// so the VMM places the DTB clear of them
	.quad	GUEST_IMAGE_FLAGS	// flags
	.quad	0			// res2
	.quad	0			// res3
	.quad	0			// res4
	.long	GUEST_IMAGE_MAGIC	// magic "ARM\x64"
	.long	0			// res5: no PE/COFF header

/*
 * Boot CPU: x0 = DTB physical address, MMU off, interrupts masked.
 */
primary_entry:
	msr	daifset, #0xf
	mov	x19, x0

	/* The code is linked for GUEST_RAM_BASE; anywhere else the absolute
	 * addresses below would be wrong. adr is PC-relative, the literal is not. */
	adr	x1, _head
	ldr	x2, =_head
	cmp	x1, x2
	b.ne	wrong_load_address

	/* Logical index 0 until primary_main has read the DT (exception stack). */
	mov	x7, xzr
	el1_setup vectors

	/* Zero .bss (16-byte aligned by guest.ld). The stacks are not in it. */
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	dsb	sy

	ldr	x1, =boot_stack_top
	mov	sp, x1
	mov	x29, xzr
	mov	x30, xzr
	mov	x0, x19
	bl	primary_main
	sleep_forever

/*
 * Loaded at the wrong address: say so with position-independent code only
 * (PC-relative string, MMIO addresses as immediates), report failure to the
 * test device and power off over both conduits (the DT is not read yet).
 */
wrong_load_address:
	adr	x1, wrong_load_msg
	mov	x2, #GUEST_UART_BASE
	mrs	x6, cntfrq_el0		// x6 = ticks in 10 ms: the wait for THRE
	mov	x7, #100		// per byte, in real time as in uart.c
	udiv	x6, x6, x7
4:	ldrb	w3, [x1], #1
	cbz	w3, 6f
	isb
	mrs	x5, cntvct_el0
	add	x5, x5, x6		// x5 = this byte's deadline
5:	ldrb	w4, [x2, #5]		// LSR
	tbnz	w4, #5, 7f		// THRE
	isb
	mrs	x8, cntvct_el0
	cmp	x8, x5
	b.lo	5b
7:	strb	w3, [x2]		// THR
	b	4b
6:	ldr	x2, =(GUEST_TESTDEV_BASE + GUEST_TESTDEV_RESULT)
	mov	w3, #1
	str	w3, [x2]
	ldr	x0, =PSCI_0_2_FN_SYSTEM_OFF
	hvc	#0
	ldr	x0, =PSCI_0_2_FN_SYSTEM_OFF
	smc	#0
8:	wfi
	b	8b
	.ltorg

wrong_load_msg:
	.asciz	"guest: guest.img must be loaded at the RAM base (text_offset 0)\r\n"
	.balign	4

/*
 * Secondary CPU, started by PSCI CPU_ON: x0 = context id, whose low 32 bits
 * must be GUEST_CTX(logical index) (bits 63:32 are a tag for the C code).
 * DEN0022 "CPU_ON" promises EL1 (the caller's EL), MMU off and DAIF masked;
 * record what we were actually given, in this CPU's own cpu_reports slot,
 * before touching anything, for the boot CPU to check. The very first
 * instruction reads the virtual counter: the CPU_ON latency benchmark.
 */
	.text
	.globl	secondary_entry
	.balign	8
secondary_entry:
	read_entry_state
	ctx_index stray_secondary
	report_entry_state CPU_REPORT_X0, CPU_REPORT_EL, CPU_REPORT_DAIF, CPU_REPORT_SCTLR, \
			   CPU_REPORT_MPIDR, CPU_REPORT_CNTVCT
	el1_setup vectors
	cpu_stack_top x7, x9
	mov	w0, w7
	bl	secondary_main
	sleep_forever

/*
 * uint64_t psci_suspend_call(enum conduit c, uint32_t fid, uint64_t a1,
 *			      uint64_t a2, uint64_t a3)
 *
 * A PSCI call that may power this CPU down (CPU_SUSPEND, CPU_DEFAULT_SUSPEND,
 * SYSTEM_SUSPEND with entry = cpu_resume_entry). Like cpu_suspend() in Linux:
 * save what the C caller expects to survive a call (x19..x30, SP) in this
 * CPU's suspend_ctxs slot (TPIDR_EL1 = logical index), then call. If the call
 * returns, return its x0. If the CPU loses its context instead and resumes at
 * cpu_resume_entry (DEN0022 §6.4.3: entry state as after CPU_ON, RAM kept),
 * that path restores the slot and returns GUEST_SUSPEND_RESUMED from here.
 */

/* x8 = this CPU's suspend_ctxs slot (TPIDR_EL1 = logical index). Clobbers x9. */
	.macro	this_suspend_ctx
	mrs	x9, tpidr_el1
	and	x9, x9, #(GUEST_MAX_CPUS - 1)
	ldr	x8, =suspend_ctxs
	add	x8, x8, x9, lsl #SUSPEND_CTX_SHIFT
	.endm

/* \op (stp or ldp) the callee-saved x19..x30 at the slot \ctx. */
	.macro	callee_saved op, ctx
	\op	x19, x20, [\ctx, #0]
	\op	x21, x22, [\ctx, #16]
	\op	x23, x24, [\ctx, #32]
	\op	x25, x26, [\ctx, #48]
	\op	x27, x28, [\ctx, #64]
	\op	x29, x30, [\ctx, #80]
	.endm

	.globl	psci_suspend_call
	.balign	8
psci_suspend_call:
	this_suspend_ctx
	callee_saved stp, x8
	mov	x9, sp
	str	x9, [x8, #SUSPEND_CTX_SP]
	mov	x9, #1
	str	x9, [x8, #SUSPEND_CTX_ARMED]
	/* The slot must be in memory before this CPU can lose its context. */
	dsb	sy
	mov	x9, x0
	mov	x0, x1
	mov	x1, x2
	mov	x2, x3
	mov	x3, x4
	cbnz	x9, 2f
	hvc	#0
	b	3f
2:	smc	#0
3:	/* It returned. x4..x17 may be corrupted (SMCCC v1.0): recompute. */
	this_suspend_ctx
	str	xzr, [x8, #SUSPEND_CTX_ARMED]
	ldp	x29, x30, [x8, #80]
	ret

/*
 * Resume from a power-down suspend: entered like a CPU_ON entry point (x0 =
 * the context id given to the suspend call, EL1, MMU off, DAIF masked; every
 * system register we set at boot is back at its reset value). Record the
 * entry state in this CPU's cpu_reports slot, set up VBAR_EL1, SPSel and
 * TPIDR_EL1 again, and return from psci_suspend_call() through the saved
 * context. A context id naming no slot, or a slot with no call in flight, is
 * a stray entry.
 */
	.globl	cpu_resume_entry
	.balign	8
cpu_resume_entry:
	read_entry_state
	ctx_index stray_secondary
	ldr	x11, =suspend_ctxs
	add	x11, x11, x7, lsl #SUSPEND_CTX_SHIFT
	ldr	x12, [x11, #SUSPEND_CTX_ARMED]
	cbz	x12, stray_secondary

	report_entry_state CPU_REPORT_RESUME_X0, CPU_REPORT_RESUME_EL, CPU_REPORT_RESUME_DAIF, \
			   CPU_REPORT_RESUME_SCTLR, CPU_REPORT_RESUME_MPIDR, CPU_REPORT_RESUME_CNT
	ldr	x9, [x8, #CPU_REPORT_RESUMES]
	add	x9, x9, #1
	str	x9, [x8, #CPU_REPORT_RESUMES]

	el1_setup vectors

	str	xzr, [x11, #SUSPEND_CTX_ARMED]
	callee_saved ldp, x11
	ldr	x9, [x11, #SUSPEND_CTX_SP]
	mov	sp, x9
	dsb	sy
	mov	x0, #GUEST_SUSPEND_RESUMED
	ret

/*
 * A context id we did not hand out: without a logical index there is no
 * stack or slot to use. Leave x0 and MPIDR_EL1 (x4) where the boot CPU looks
 * when a CPU fails to check in, and sleep. storm.S's entry ends here too.
 */
	.globl	stray_secondary
stray_secondary:
	ldr	x8, =stray_entry
	str	x0, [x8, #STRAY_X0]
	str	x4, [x8, #STRAY_MPIDR]
	ldr	x9, [x8, #STRAY_COUNT]
	add	x9, x9, #1
	str	x9, [x8, #STRAY_COUNT]
	dsb	sy
	sleep_forever
	.ltorg

/*
 * Exception vectors (entry.h's vector_table). The guest takes no exceptions
 * on purpose, so every entry reports and fails. Entry n passes n;
 * exception_report() names it.
 */
	.macro	report_vector n
	mov	x0, #\n
	b	exception_entry
	.endm
	vector_table vectors, report_vector

exception_entry:
	mrs	x1, esr_el1
	mrs	x2, elr_el1
	mrs	x3, far_el1
	mrs	x4, spsr_el1
	mov	x5, sp
	/* The report never returns, so restart on the top of this CPU's stack
	 * (TPIDR_EL1 = logical index) rather than trust an SP that may be the
	 * cause of the exception. */
	mrs	x6, tpidr_el1
	and	x6, x6, #(GUEST_MAX_CPUS - 1)
	cpu_stack_top x6, x7
	bl	exception_report
	sleep_forever
	.ltorg

/* ---- Stacks: not loaded, not zeroed, counted in image_size ---- */
	.section .stacks, "aw", %nobits
	.balign	16
	.globl	cpu_stacks
cpu_stacks:
	.space	GUEST_MAX_CPUS * GUEST_STACK_SIZE
boot_stack:
	.space	GUEST_BOOT_STACK_SIZE
boot_stack_top:
