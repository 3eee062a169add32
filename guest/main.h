/*
 * The boot CPU's entry into C from head.S, and the modes selected by the
 * first word of /chosen/bootargs (main.c's table; options: bootargs.h).
 */
#ifndef GUEST_MAIN_H
#define GUEST_MAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "guest/arch.h"

/* head.S, boot CPU: x0 = DTB address. */
void primary_main(uint64_t dtb) __noreturn;

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
bool mode_pmu(void);	  /* pmu.c */
bool mode_its(void);	  /* its.c */
bool mode_snapshot(void); /* snapshot.c */

/*
 * The check of a device mode (pmu.c, its.c), and again after one warm boot:
 * prints "@@ NAME: boot N" (N: SYSTEM_RESETs so far; with " (NOTE)" when
 * NOTE is not NULL) and runs check, which returns true if it failed. A first
 * boot that passed asks for SYSTEM_RESET when the `reset` option (default
 * reset_default) is set, so the next boot checks what a reset left.
 */
bool mode_check_across_reset(const char *name, const char *note, bool (*check)(void),
			     uint64_t reset_default);

/* Every wait in those modes gives up after this long (virtual counter). */
#define MODE_TIMEOUT_MS 60000

#endif
