/*
 * The way every run ends (finish.c): the verdict and the power-off, and the
 * report of an unexpected exception.
 */
#ifndef GUEST_FINISH_H
#define GUEST_FINISH_H

#include <stdbool.h>
#include <stdint.h>

#include "guest/arch.h"

/*
 * Write the verdict to the test device's RESULT register (0 = pass) and
 * call PSCI SYSTEM_OFF over the DT's conduit. Does not return.
 */
void guest_finish(bool failed) __noreturn;

/* head.S, any CPU: vector n (0..15) was taken. Reports and fails. */
void exception_report(uint64_t vector, uint64_t esr, uint64_t elr, uint64_t far, uint64_t spsr,
		      uint64_t sp) __noreturn;

#endif
