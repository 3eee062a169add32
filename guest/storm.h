/*
 * `storm` and `ramread` (storm.c, storm.S): a hostile guest for the VMM's
 * reliability tests, and a guest that reads much RAM and writes none of it
 * (for --exit-stats' memory figures). Shared by storm.c and storm.S.
 */
#ifndef GUEST_STORM_H
#define GUEST_STORM_H

/* struct storm_frame: x0..x30, then these (offsets for storm.S). */
#define STORM_FRAME_ELR	   248
#define STORM_FRAME_SPSR   256
#define STORM_FRAME_ESR	   264
#define STORM_FRAME_FAR	   272
#define STORM_FRAME_VECTOR 280
#define STORM_FRAME_SIZE   288

#ifndef __ASSEMBLY__
#include <stdbool.h>
#include <stdint.h>

/* The saved state of an exception taken under storm_vectors. */
struct storm_frame {
	uint64_t x[31];
	uint64_t elr, spsr, esr, far, vector;
};

/* The modes (main.c's table). */
bool mode_storm(void);
bool mode_ramread(void);

/* storm.S */
void storm_entry(void);
extern char storm_vectors[];

/* Called by storm.S: a CPU started by a storm CPU_ON (logical index idx,
 * x0 and MPIDR_EL1 at entry). */
void storm_secondary(unsigned int idx, uint64_t x0, uint64_t mpidr) __attribute__((noreturn));
/* Called by storm.S's vectors; may change f->elr and f->spsr. */
void storm_exception(struct storm_frame *f);
#endif

#endif
