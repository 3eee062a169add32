/*
 * Where things go in the timeline picture (inside vmm/record/: the layout
 * timeline_layout.c computes, timeline_svg.c draws). Pixels: the plot spans
 * x = TL_LEFT .. TL_LEFT + TL_PLOT_W, lanes stack down from y = TL_TOP, one
 * per vCPU, the time axis under them and the legend under that. The unit
 * test (tests/unit/test_timeline.c) reads the rendered picture at these
 * coordinates.
 */
#ifndef VMM_TIMELINE_LAYOUT_H
#define VMM_TIMELINE_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/record/timeline.h"

#define TL_WIDTH  1200
#define TL_LEFT	  64
#define TL_RIGHT  24
#define TL_TOP	  64
#define TL_PLOT_W (TL_WIDTH - TL_LEFT - TL_RIGHT)

struct tl_layout {
	unsigned int lanes;	  /* one per vCPU, at least one */
	unsigned int lane_h;	  /* pixels: 36 for up to 4 lanes, down to 4 for over 64 */
	unsigned int label_every; /* a "cpuN" label on every this many lanes */
	unsigned int axis_y, legend_y, height;
	uint64_t t0, span; /* ns: the first event, and how long the record covers (>= 1) */
	uint64_t step;	   /* ns between two ticks of the time axis */
	double px;	   /* pixels per ns */
};

void tl_layout_init(struct tl_layout *l, const struct timeline *tl);

/* The x of time t (ns on the record's clock). */
double tl_x(const struct tl_layout *l, uint64_t t);

/* "1.5 ms": t (ns) in the unit the tick step calls for. */
void tl_tick_label(uint64_t t, uint64_t step, char *buf, size_t len);

/* One power-state interval of one lane, ready to draw. */
struct tl_interval {
	double x, w;
	unsigned int y, h;
	enum timeline_state state;
};

/* One forwarded call's mark on one lane. A busy lane has thousands of
 * calls: only the first of its kind (plain or injected) in each pixel column
 * gets a tick; a call that took 2 px or more also gets a band that long. */
struct tl_mark {
	double x, w;
	unsigned int y;
	bool injected;
	bool band; /* w >= 2: draw the band */
	bool tick; /* the first mark of its kind in this pixel column */
};

/* Hand every power-state interval to fn, in time order. Returns 0, or -1
 * out of memory (before any call of fn). */
int tl_layout_intervals(const struct tl_layout *l, const struct timeline *tl,
			void (*fn)(void *ctx, const struct tl_interval *iv), void *ctx);

/* Hand every call mark to fn: plain calls first, injected ones on top (on
 * the caller's lane and the target's). Returns 0, or -1 out of memory
 * (before any call of fn). */
int tl_layout_marks(const struct tl_layout *l, const struct timeline *tl,
		    void (*fn)(void *ctx, const struct tl_mark *m), void *ctx);

#endif
