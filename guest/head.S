/*
 * The test guest's first instructions: the arm64 Image header, the boot CPU's
 * entry, the secondary entry that PSCI CPU_ON targets, the exception vectors
 * and the stacks.
 *
 * Everything here runs with the MMU off (booting.rst for the boot CPU; PSCI
 * CPU_ON entry state, DEN0022 "CPU_ON", for the secondaries), so there is no
 * stack until we set one up and every access is to Device memory.
 */
#include "vmm/guest_abi.h"
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

	ldr	x1, =vectors
	msr	vbar_el1, x1
	msr	spsel, #1
	isb

	/* Zero .bss (16-byte aligned by guest.ld). The stacks are not in it. */
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	dsb	sy

	/* Logical index 0 until primary_main has read the DT (exception stack). */
	msr	tpidr_el1, xzr
	ldr	x1, =boot_stack_top
	mov	sp, x1
	mov	x29, xzr
	mov	x30, xzr
	mov	x0, x19
	bl	primary_main
3:	wfi
	b	3b

/*
 * Loaded at the wrong address: say so with position-independent code only
 * (PC-relative string, MMIO addresses as immediates), report failure to the
 * test device and power off over both conduits (the DT is not read yet).
 */
wrong_load_address:
	adr	x1, wrong_load_msg
	mov	x2, #GUEST_UART_BASE
4:	ldrb	w3, [x1], #1
	cbz	w3, 6f
	mov	x5, #0x10000		// bounded wait for THRE, as in uart.c
5:	ldrb	w4, [x2, #5]		// LSR
	tbnz	w4, #5, 7f		// THRE
	subs	x5, x5, #1
	b.ne	5b
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
 * Secondary CPU, started by PSCI CPU_ON: x0 = context id, which must be
 * GUEST_CTX(logical index). DEN0022 "CPU_ON" promises EL1 (the caller's EL),
 * MMU off and DAIF masked; record what we were actually given, in this CPU's
 * own cpu_reports slot, before touching anything, for the boot CPU to check.
 */
	.text
	.globl	secondary_entry
	.balign	8
secondary_entry:
	mrs	x1, CurrentEL
	mrs	x2, daif
	mrs	x3, sctlr_el1
	mrs	x4, mpidr_el1

	and	x5, x0, #~GUEST_CTX_INDEX_MASK
	mov	x6, #GUEST_CTX_BASE
	cmp	x5, x6
	b.ne	stray_secondary
	and	x7, x0, #GUEST_CTX_INDEX_MASK
	cmp	x7, #GUEST_MAX_CPUS
	b.hs	stray_secondary

	ldr	x8, =cpu_reports
	add	x8, x8, x7, lsl #CPU_REPORT_SHIFT
	str	x0, [x8, #CPU_REPORT_X0]
	str	x1, [x8, #CPU_REPORT_EL]
	str	x2, [x8, #CPU_REPORT_DAIF]
	str	x3, [x8, #CPU_REPORT_SCTLR]
	str	x4, [x8, #CPU_REPORT_MPIDR]

	msr	daifset, #0xf
	msr	tpidr_el1, x7
	ldr	x9, =vectors
	msr	vbar_el1, x9
	msr	spsel, #1
	isb

	ldr	x9, =cpu_stacks
	add	x9, x9, x7, lsl #GUEST_STACK_SHIFT
	add	x9, x9, #GUEST_STACK_SIZE
	mov	sp, x9
	mov	x29, xzr
	mov	x30, xzr
	mov	w0, w7
	bl	secondary_main
1:	wfi
	b	1b

/*
 * A context id we did not hand out: without a logical index there is no
 * stack or slot to use. Leave x0 and MPIDR_EL1 where the boot CPU looks when
 * a CPU fails to check in, and sleep.
 */
stray_secondary:
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
 * Exception vectors: 16 entries of 128 bytes, 2 KiB aligned (VBAR_EL1[10:0]
 * are RES0). The guest takes no exceptions on purpose, so every entry reports
 * and fails. Entry n passes n; exception_report() names it.
 */
	.section .text.vectors, "ax"
	.balign	2048
	.globl	vectors
vectors:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.balign	128
	mov	x0, #\n
	b	exception_entry
	.endr

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
	ldr	x7, =cpu_stacks
	add	x7, x7, x6, lsl #GUEST_STACK_SHIFT
	add	x7, x7, #GUEST_STACK_SIZE
	mov	sp, x7
	mov	x29, xzr
	mov	x30, xzr
	bl	exception_report
3:	wfi
	b	3b
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
