/*
 * Entry points into C from head.S, the way every run ends, and the modes
 * selected by the first word of /chosen/bootargs.
 */
#ifndef GUEST_MAIN_H
#define GUEST_MAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "guest/arch.h"

/* head.S, boot CPU: x0 = DTB address. */
void primary_main(uint64_t dtb) __noreturn;

/* head.S, any CPU: vector n (0..15) was taken. Reports and fails. */
void exception_report(uint64_t vector, uint64_t esr, uint64_t elr, uint64_t far, uint64_t spsr,
		      uint64_t sp) __noreturn;

/*
 * Write the verdict to the test device's RESULT register (0 = pass) and
 * call PSCI SYSTEM_OFF over the DT's conduit. Does not return.
 */
void guest_finish(bool failed) __noreturn;

/* `demo`: a narrated tour of PSCI. Returns true if something went wrong. */
bool demo_run(void);

/* `test`: the conformance suite. Returns true if a case failed. */
bool psci_tests_run(void);

#endif
