/*
 * A flat binary (no arm64 Image header): the VMM must load it at
 * RAM + 0x80000 and enter at its first byte, as kvmtool does. It asks for
 * PSCI_VERSION over HVC, prints "flat ok <major>" on the UART and powers
 * off over SMC, so one boot exercises both conduits.
 */
#include "vmm/machine/guest_abi.h"

	.globl	_start
_start:
	ldr	x0, =0x84000000		/* PSCI_VERSION */
	hvc	#0
	lsr	x19, x0, #16		/* major version */
	ldr	x1, =GUEST_UART_BASE
	adr	x2, msg
1:	ldrb	w3, [x2], #1
	cbz	w3, 2f
	strb	w3, [x1]
	b	1b
2:	add	w3, w19, #'0'
	strb	w3, [x1]
	mov	w3, #'\n'
	strb	w3, [x1]
	ldr	x0, =0x84000008		/* SYSTEM_OFF */
	smc	#0
3:	wfi
	b	3b
msg:	.asciz	"flat ok "
	.balign	8
