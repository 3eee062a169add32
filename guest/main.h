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

/*
 * The other modes (modes.c, stress.c, bench.c). Each prints "@@ " marker
 * lines for host-side scripts and returns true if it failed; the ones that
 * end the VM themselves (reset2, off2, sysuspend's failure paths) return
 * only when that went wrong.
 */
bool mode_hotplug(void);
bool mode_stress(void);
bool mode_vendor(void);
bool mode_services(void);
bool mode_sip(void);
bool mode_sysuspend(void);
bool mode_reset2(void);
bool mode_off2(void);
bool mode_bench(void);
bool mode_chatter(void);
bool mode_flood(void);
bool mode_pmu(void); /* pmu.c */

/* Every wait in those modes gives up after this long (virtual counter). */
#define MODE_TIMEOUT_MS 60000

/*
 * Options: the bootargs words after the mode, "key=value". Returns the
 * value of key as a decimal (or 0x hex) number, def when key is absent.
 * A value that is not a number is reported and gives def too.
 */
uint64_t bootarg_uint(const char *key, uint64_t def);

#endif
