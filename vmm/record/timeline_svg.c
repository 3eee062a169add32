/*
 * Drawing the timeline picture (contract in timeline.h): the SVG text for
 * the shapes timeline_layout.c places, in painting order:
 *
 *   title and summary, lane backgrounds and labels, power-state intervals,
 *   dashed reset lines, call marks, the time axis, the legend.
 *
 * Colours name the states in the legend; a call is a dark tick in the top
 * third of the caller's lane, an injected answer a red bar the height of
 * the lane (so it shows even at 64 lanes).
 */
#include <stdlib.h>
#include <string.h>

#include "vmm/output/strbuf.h"
#include "vmm/record/timeline_layout.h"

static const struct {
	const char *colour, *label;
} states[TL_NR_STATES] = {
    [TL_ABSENT] = {"#e8e8e8", "absent"},
    [TL_OFF] = {"#9e9e9e", "off"},
    [TL_ON_PENDING] = {"#ffb300", "on-pending"},
    [TL_ON] = {"#43a047", "on"},
    [TL_SUSPENDED] = {"#1e88e5", "suspended"},
    [TL_LOST] = {"#8e24aa", "on-pending, lost (injected)"},
};

#define COLOUR_CALL	"#212121"
#define COLOUR_INJECTED "#e53935"

/* XML's escape for c, or NULL: none needed. */
static const char *xml_escape(char c)
{
	return c == '<'	  ? "&lt;"
	       : c == '>' ? "&gt;"
	       : c == '&' ? "&amp;"
	       : c == '"' ? "&quot;"
			  : NULL;
}

/* Text content, escaped; control and non-ASCII bytes are left out. */
static void out_text(struct strbuf *s, const char *t)
{
	for (; *t; t++) {
		if (xml_escape(*t))
			strbuf_printf(s, "%s", xml_escape(*t));
		else if ((unsigned char)*t >= 0x20 && (unsigned char)*t < 0x7f)
			strbuf_printf(s, "%c", *t);
	}
}

static void draw_header(struct strbuf *s, const struct tl_layout *l, const struct timeline *tl,
			const char *title)
{
	unsigned int n = l->lanes;
	char span[64];

	strbuf_printf(s,
		      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" "
		      "viewBox=\"0 0 %u %u\" font-family=\"DejaVu Sans, Helvetica, Arial, "
		      "sans-serif\">\n"
		      "<rect x=\"0\" y=\"0\" width=\"%u\" height=\"%u\" fill=\"#ffffff\"/>\n",
		      TL_WIDTH, l->height, TL_WIDTH, l->height, TL_WIDTH, l->height);
	strbuf_printf(s, "<text x=\"%u\" y=\"24\" font-size=\"16\" font-weight=\"bold\">", TL_LEFT);
	out_text(s, title && *title ? title : "vmm timeline");
	strbuf_printf(s, "</text>\n");
	tl_tick_label(l->span, l->step, span, sizeof(span));
	strbuf_printf(s,
		      "<text x=\"%u\" y=\"44\" font-size=\"12\" fill=\"#424242\">%u vCPU%s, %zu "
		      "forwarded call%s (%zu injected), %zu power-state change%s, %zu reset%s, "
		      "over %s</text>\n",
		      TL_LEFT, n, n == 1 ? "" : "s", tl->nr_calls, tl->nr_calls == 1 ? "" : "s",
		      tl->nr_injected, tl->nr_changes, tl->nr_changes == 1 ? "" : "s",
		      tl->nr_resets, tl->nr_resets == 1 ? "" : "s", span);
}

static void draw_lanes(struct strbuf *s, const struct tl_layout *l)
{
	unsigned int lane = l->lane_h, font = lane >= 20 ? 12 : lane >= 10 ? 9 : 8;

	for (unsigned int i = 0; i < l->lanes; i++) {
		unsigned int y = TL_TOP + i * lane;

		strbuf_printf(s,
			      "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"%s\"/>\n",
			      TL_LEFT, y, TL_PLOT_W, lane, i % 2 ? "#fafafa" : "#f4f4f4");
		if (i % l->label_every == 0)
			strbuf_printf(
			    s,
			    "<text x=\"%u\" y=\"%.1f\" font-size=\"%u\" "
			    "text-anchor=\"end\" dominant-baseline=\"middle\">cpu%u</text>\n",
			    TL_LEFT - 6, y + lane / 2.0, font, i);
	}
}

static void draw_interval(void *ctx, const struct tl_interval *iv)
{
	strbuf_printf(ctx, "<rect x=\"%.2f\" y=\"%u\" width=\"%.2f\" height=\"%u\" fill=\"%s\"/>\n",
		      iv->x, iv->y, iv->w, iv->h, states[iv->state].colour);
}

/* A dashed line across all lanes where the VM started again. */
static void draw_resets(struct strbuf *s, const struct tl_layout *l, const struct timeline *tl)
{
	for (size_t k = 0; k < tl->nr_resets; k++) {
		double x = tl_x(l, tl->resets[k]);

		strbuf_printf(
		    s,
		    "<line x1=\"%.2f\" y1=\"%u\" x2=\"%.2f\" y2=\"%u\" stroke=\"#000000\" "
		    "stroke-width=\"1.5\" stroke-dasharray=\"6,4\"/>\n"
		    "<text x=\"%.2f\" y=\"%u\" font-size=\"10\" "
		    "text-anchor=\"middle\">reset</text>\n",
		    x, TL_TOP - 4, x, l->axis_y, x, TL_TOP - 6);
	}
}

struct mark_ctx {
	struct strbuf *s;
	unsigned int lane_h;
};

static void draw_mark(void *ctx, const struct tl_mark *m)
{
	struct mark_ctx *mc = ctx;
	unsigned int lane = mc->lane_h;
	const char *colour = m->injected ? COLOUR_INJECTED : COLOUR_CALL;

	/* A band along the top of the lane, so the state underneath stays readable. */
	if (m->band)
		strbuf_printf(mc->s,
			      "<rect x=\"%.2f\" y=\"%u\" width=\"%.2f\" height=\"%u\" fill=\"%s\" "
			      "fill-opacity=\"0.6\"/>\n",
			      m->x, m->y, m->w, lane / 4 > 2 ? lane / 4 : 2, colour);
	if (m->tick && m->injected)
		strbuf_printf(mc->s,
			      "<rect x=\"%.2f\" y=\"%u\" width=\"2\" height=\"%u\" fill=\"%s\"/>\n",
			      m->x - 1, m->y, lane, colour);
	else if (m->tick)
		strbuf_printf(mc->s,
			      "<rect x=\"%.2f\" y=\"%u\" width=\"1\" height=\"%u\" fill=\"%s\"/>\n",
			      m->x, m->y, lane / 3 ? lane / 3 : 1, colour);
}

static void draw_axis(struct strbuf *s, const struct tl_layout *l)
{
	unsigned int y = l->axis_y;
	char label[64];

	strbuf_printf(s,
		      "<line x1=\"%u\" y1=\"%u\" x2=\"%u\" y2=\"%u\" stroke=\"#000000\" "
		      "stroke-width=\"1\"/>\n",
		      TL_LEFT, y, TL_LEFT + TL_PLOT_W, y);
	for (uint64_t t = 0; t <= l->span; t += l->step) {
		double x = tl_x(l, l->t0 + t);

		tl_tick_label(t, l->step, label, sizeof(label));
		strbuf_printf(
		    s,
		    "<line x1=\"%.2f\" y1=\"%u\" x2=\"%.2f\" y2=\"%u\" "
		    "stroke=\"#000000\"/>\n"
		    "<line x1=\"%.2f\" y1=\"%u\" x2=\"%.2f\" y2=\"%u\" stroke=\"#000000\" "
		    "stroke-opacity=\"0.12\"/>\n"
		    "<text x=\"%.2f\" y=\"%u\" font-size=\"11\" "
		    "text-anchor=\"middle\">%s</text>\n",
		    x, y, x, y + 5, x, TL_TOP, x, y, x, y + 18, label);
		if (t > UINT64_MAX - l->step)
			break;
	}
	strbuf_printf(s,
		      "<text x=\"%u\" y=\"%u\" font-size=\"11\" text-anchor=\"middle\" "
		      "fill=\"#424242\">time since the first event (CLOCK_MONOTONIC)</text>\n",
		      TL_LEFT + TL_PLOT_W / 2, y + 34);
}

/* The legend's second row: what the call marks mean, each with a swatch
 * drawn like the mark (dx, dy: from the row's start; x, y: of the swatch). */
static const struct {
	unsigned int dx, x, y, w, h;
	const char *colour, *attrs, *label;
} mark_legend[] = {
    {0, 6, 24, 1, 14, COLOUR_CALL, "", "forwarded call (caller's lane)"},
    {250, 6, 24, 2, 14, COLOUR_INJECTED, "", "injected answer (caller's and target's lane)"},
    {580, 0, 29, 14, 4, COLOUR_INJECTED, " fill-opacity=\"0.6\"",
     "time to answer, when wider than 2 px (red: injected)"},
};

static void draw_mark_legend(struct strbuf *s, unsigned int y)
{
	for (size_t i = 0; i < sizeof(mark_legend) / sizeof(mark_legend[0]); i++) {
		unsigned int x = TL_LEFT + mark_legend[i].dx;

		strbuf_printf(s,
			      "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"%s\"%s/>\n"
			      "<text x=\"%u\" y=\"%u\" font-size=\"12\">%s</text>\n",
			      x + mark_legend[i].x, y + mark_legend[i].y, mark_legend[i].w,
			      mark_legend[i].h, mark_legend[i].colour, mark_legend[i].attrs, x + 19,
			      y + 35, mark_legend[i].label);
	}
}

static void draw_legend(struct strbuf *s, unsigned int y)
{
	unsigned int x = TL_LEFT;

	for (int i = 0; i < TL_NR_STATES; i++) {
		strbuf_printf(s,
			      "<rect x=\"%u\" y=\"%u\" width=\"14\" height=\"14\" fill=\"%s\" "
			      "stroke=\"#616161\" stroke-width=\"0.5\"/>\n"
			      "<text x=\"%u\" y=\"%u\" font-size=\"12\">%s</text>\n",
			      x, y, states[i].colour, x + 19, y + 11, states[i].label);
		x += 19 + 7 * (unsigned int)strlen(states[i].label) + 18;
	}
	draw_mark_legend(s, y);
}

char *timeline_svg(const struct timeline *tl, const char *title, size_t *len)
{
	struct strbuf s = {0};
	struct tl_layout l;
	struct mark_ctx mc = {&s, 0};
	bool failed;

	tl_layout_init(&l, tl);
	mc.lane_h = l.lane_h;
	draw_header(&s, &l, tl, title);
	draw_lanes(&s, &l);
	strbuf_printf(&s, "<g shape-rendering=\"crispEdges\">\n");
	failed = tl_layout_intervals(&l, tl, draw_interval, &s) < 0;
	strbuf_printf(&s, "</g>\n");
	draw_resets(&s, &l, tl);
	strbuf_printf(&s, "<g shape-rendering=\"crispEdges\">\n");
	failed |= tl_layout_marks(&l, tl, draw_mark, &mc) < 0;
	strbuf_printf(&s, "</g>\n");
	draw_axis(&s, &l);
	draw_legend(&s, l.legend_y);
	strbuf_printf(&s, "</svg>\n");
	if (failed || s.oom) {
		free(s.buf);
		return NULL;
	}
	*len = s.len;
	return s.buf;
}
