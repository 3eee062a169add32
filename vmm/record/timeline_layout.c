/*
 * The layout of the timeline picture (timeline_layout.h): how tall a lane
 * is for the number of vCPUs, where a time falls on the x axis, the ticks of
 * the axis, and the geometry of every power-state interval and call mark.
 * No drawing here: timeline_svg.c turns these shapes into SVG.
 *
 * A lane starts where the record first mentions its vCPU (before that
 * nothing is known, and nothing is drawn) and its last state lasts until
 * the end of the record.
 */
#include <stdio.h>
#include <stdlib.h>

#include "vmm/record/timeline_layout.h"

static unsigned int lane_height(unsigned int lanes)
{
	return lanes <= 4    ? 36
	       : lanes <= 8  ? 28
	       : lanes <= 16 ? 20
	       : lanes <= 32 ? 14
	       : lanes <= 64 ? 10
			     : 4;
}

/* A "nice" tick step (1, 2 or 5 times a power of ten ns) giving 5-12 ticks. */
static uint64_t tick_step(uint64_t span)
{
	uint64_t step = 1;

	while (span / step > 12) {
		if (span / (step * 2) <= 12)
			return step * 2;
		if (span / (step * 5) <= 12)
			return step * 5;
		step *= 10;
	}
	return step;
}

void tl_layout_init(struct tl_layout *l, const struct timeline *tl)
{
	l->lanes = tl->nr_cpus ? tl->nr_cpus : 1;
	l->lane_h = lane_height(l->lanes);
	l->label_every = l->lane_h >= 10 ? 1 : (10 + l->lane_h - 1) / l->lane_h;
	l->axis_y = TL_TOP + l->lanes * l->lane_h;
	l->legend_y = l->axis_y + 44;
	l->height = l->legend_y + 56;
	l->t0 = tl->t_min;
	l->span = tl->t_max > tl->t_min ? tl->t_max - tl->t_min : 1;
	l->step = tick_step(l->span);
	l->px = (double)TL_PLOT_W / (double)l->span;
}

double tl_x(const struct tl_layout *l, uint64_t t)
{
	return TL_LEFT + ((double)(t - l->t0)) * l->px;
}

void tl_tick_label(uint64_t t, uint64_t step, char *buf, size_t len)
{
	const char *unit = step >= 1000000000ULL ? "s"
			   : step >= 1000000ULL	 ? "ms"
			   : step >= 1000ULL	 ? "us"
						 : "ns";
	double scale = step >= 1000000000ULL ? 1e9
		       : step >= 1000000ULL  ? 1e6
		       : step >= 1000ULL     ? 1e3
					     : 1.0;

	snprintf(buf, len, "%g %s", (double)t / scale, unit);
}

/* The interval of lane i from since to t, in state s. */
static struct tl_interval interval_of(const struct tl_layout *l, unsigned int i,
				      enum timeline_state s, uint64_t since, uint64_t t)
{
	double x0 = tl_x(l, since), x1 = tl_x(l, t);
	unsigned int pad = l->lane_h >= 10 ? 2 : 0;

	if (x1 - x0 < 0.5)
		x1 = x0 + 0.5;
	return (struct tl_interval){
	    .x = x0,
	    .w = x1 - x0,
	    .y = TL_TOP + i * l->lane_h + pad,
	    .h = l->lane_h - 2 * pad,
	    .state = s,
	};
}

int tl_layout_intervals(const struct tl_layout *l, const struct timeline *tl,
			void (*fn)(void *ctx, const struct tl_interval *iv), void *ctx)
{
	enum timeline_state *cur = malloc(l->lanes * sizeof(*cur));
	uint64_t *since = calloc(l->lanes, sizeof(*since));

	if (!cur || !since) {
		free(cur);
		free(since);
		return -1;
	}
	for (unsigned int i = 0; i < l->lanes; i++)
		cur[i] = TL_UNKNOWN;
	/* Each change ends its lane's interval; the end of the record ends them all. */
	for (size_t k = 0; k <= tl->nr_changes; k++) {
		bool last = k == tl->nr_changes;
		const struct timeline_change *c = last ? NULL : &tl->changes[k];

		for (unsigned int i = 0; i < l->lanes; i++) {
			uint64_t t;

			if (!last && c->vcpu != i)
				continue;
			t = last ? tl->t_max : c->t;
			if (cur[i] != TL_UNKNOWN && t >= since[i]) {
				struct tl_interval iv = interval_of(l, i, cur[i], since[i], t);

				fn(ctx, &iv);
			}
			if (!last) {
				cur[i] = c->to;
				since[i] = c->t;
			}
		}
	}
	free(cur);
	free(since);
	return 0;
}

/* The marks of one call: on the caller's lane, and an injected answer on
 * its target's too. marks has a bit per kind, lane and pixel column. */
static void marks_of_call(const struct tl_layout *l, const struct timeline_call *c, uint8_t *marks,
			  void (*fn)(void *ctx, const struct tl_mark *m), void *ctx)
{
	double x = tl_x(l, c->t), w = (double)c->dur * l->px;
	unsigned int col = (unsigned int)(x - TL_LEFT), lanes[2] = {c->vcpu, 0}, nl = 1;
	uint8_t bit = c->injected ? 2 : 1;

	if (col >= TL_PLOT_W)
		col = TL_PLOT_W - 1;
	if (c->injected && c->target >= 0 && (unsigned int)c->target != c->vcpu &&
	    (unsigned int)c->target < l->lanes)
		lanes[nl++] = (unsigned int)c->target;
	for (unsigned int j = 0; j < nl; j++) {
		uint8_t *m = &marks[(size_t)lanes[j] * TL_PLOT_W + col];
		struct tl_mark mark = {
		    .x = x,
		    .w = w,
		    .y = TL_TOP + lanes[j] * l->lane_h,
		    .injected = c->injected,
		    .band = w >= 2.0,
		    .tick = !(*m & bit),
		};

		*m |= bit;
		if (mark.band || mark.tick)
			fn(ctx, &mark);
	}
}

int tl_layout_marks(const struct tl_layout *l, const struct timeline *tl,
		    void (*fn)(void *ctx, const struct tl_mark *m), void *ctx)
{
	uint8_t *marks = calloc((size_t)l->lanes * TL_PLOT_W, 1);

	if (!marks)
		return -1;
	for (int pass = 0; pass < 2; pass++)
		for (size_t k = 0; k < tl->nr_calls; k++)
			if ((pass == 1) == tl->calls[k].injected)
				marks_of_call(l, &tl->calls[k], marks, fn, ctx);
	free(marks);
	return 0;
}
