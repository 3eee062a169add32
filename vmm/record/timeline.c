/*
 * The timeline picture of a trace file (contract in timeline.h).
 *
 *   JSON lines --parse_line--> fields --> state changes, calls, resets
 *              --timeline_svg--> lanes (one rect per state interval),
 *                                call marks (deduplicated per pixel column),
 *                                reset lines, time axis, legend
 *
 * The one thing that is easy to get wrong: a record has lines in the order
 * they were written, not the order they happened (a call's line follows the
 * state change it caused). Changes are sorted by time before the lanes are
 * drawn; a lane starts where the record first mentions its vCPU.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/record/timeline.h"

/* ---- a small JSON reader for flat objects ---- */

struct fields {
	bool has_t, has_vcpu, has_target, has_cpus, injected;
	uint64_t t, vmm_ns;
	long long vcpu, target, cpus;
	char ev[16], to[24], cause[40], what[24];
};

struct reader {
	const char *p, *end;
};

static void skip_ws(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\r'))
		r->p++;
}

/* A string into out (cut to outlen - 1); false if malformed. */
static bool read_string(struct reader *r, char *out, size_t outlen)
{
	size_t n = 0;

	if (r->p >= r->end || *r->p != '"')
		return false;
	r->p++;
	while (r->p < r->end && *r->p != '"') {
		char c = *r->p++;

		if (c == '\\') {
			if (r->p >= r->end)
				return false;
			c = *r->p++;
			if (c == 'u') {
				unsigned int v = 0;

				for (int i = 0; i < 4; i++, r->p++) {
					if (r->p >= r->end || !isxdigit((unsigned char)*r->p))
						return false;
					v = v * 16 +
					    (unsigned int)(isdigit((unsigned char)*r->p)
							       ? *r->p - '0'
							       : (tolower(*r->p) - 'a' + 10));
				}
				c = v < 0x80 ? (char)v : '?';
			} else if (c == 'n') {
				c = '\n';
			} else if (c == 't') {
				c = '\t';
			} else if (c != '"' && c != '\\' && c != '/' && c != 'b' && c != 'f' &&
				   c != 'r') {
				return false;
			}
		}
		if (out && n + 1 < outlen)
			out[n++] = c;
	}
	if (r->p >= r->end)
		return false;
	r->p++;
	if (out && outlen)
		out[n] = '\0';
	return true;
}

/* A number: an integer (kept exactly, up to 2^64-1, sign in *neg) or, with a
 * fraction or exponent, rounded toward zero. */
static bool read_number(struct reader *r, uint64_t *mag, bool *neg)
{
	const char *start = r->p;
	uint64_t v = 0;
	bool digits = false;

	*neg = r->p < r->end && *r->p == '-';
	if (*neg)
		r->p++;
	while (r->p < r->end && isdigit((unsigned char)*r->p)) {
		unsigned int d = (unsigned int)(*r->p++ - '0');

		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
		digits = true;
	}
	if (!digits)
		return false;
	if (r->p < r->end && (*r->p == '.' || *r->p == 'e' || *r->p == 'E')) {
		char buf[64];
		size_t n;
		double d;

		while (r->p < r->end &&
		       (isdigit((unsigned char)*r->p) || *r->p == '.' || *r->p == 'e' ||
			*r->p == 'E' || *r->p == '+' || *r->p == '-'))
			r->p++;
		n = (size_t)(r->p - start);
		if (n >= sizeof(buf))
			return false;
		memcpy(buf, start, n);
		buf[n] = '\0';
		d = strtod(buf, NULL);
		if (d < 0)
			d = -d;
		v = d >= 1.8e19 ? UINT64_MAX : (uint64_t)d;
	}
	*mag = v;
	return true;
}

static bool skip_value(struct reader *r, int depth);

static bool skip_container(struct reader *r, char close, int depth)
{
	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return true;
	}
	for (;;) {
		skip_ws(r);
		if (close == '}') {
			if (!read_string(r, NULL, 0))
				return false;
			skip_ws(r);
			if (r->p >= r->end || *r->p++ != ':')
				return false;
			skip_ws(r);
		}
		if (!skip_value(r, depth + 1))
			return false;
		skip_ws(r);
		if (r->p >= r->end)
			return false;
		if (*r->p == close) {
			r->p++;
			return true;
		}
		if (*r->p++ != ',')
			return false;
	}
}

static bool skip_value(struct reader *r, int depth)
{
	uint64_t mag;
	bool neg;

	if (depth > 16 || r->p >= r->end)
		return false;
	switch (*r->p) {
	case '"':
		return read_string(r, NULL, 0);
	case '[':
		return skip_container(r, ']', depth);
	case '{':
		return skip_container(r, '}', depth);
	case 't':
	case 'f':
	case 'n': {
		static const char *const words[] = {"true", "false", "null"};

		for (int i = 0; i < 3; i++) {
			size_t n = strlen(words[i]);

			if ((size_t)(r->end - r->p) >= n && !memcmp(r->p, words[i], n)) {
				r->p += n;
				return true;
			}
		}
		return false;
	}
	default:
		return read_number(r, &mag, &neg);
	}
}

/* One line: a JSON object whose fields we know are picked out. */
static bool parse_line(const char *line, size_t len, struct fields *f)
{
	struct reader r = {line, line + len};

	memset(f, 0, sizeof(*f));
	skip_ws(&r);
	if (r.p >= r.end || *r.p++ != '{')
		return false;
	skip_ws(&r);
	if (r.p < r.end && *r.p == '}') {
		r.p++;
		goto done;
	}
	for (;;) {
		char key[24];
		uint64_t mag;
		bool neg;

		skip_ws(&r);
		if (!read_string(&r, key, sizeof(key)))
			return false;
		skip_ws(&r);
		if (r.p >= r.end || *r.p++ != ':')
			return false;
		skip_ws(&r);
		if (r.p >= r.end)
			return false;
		if (*r.p == '"' && (!strcmp(key, "ev") || !strcmp(key, "to") ||
				    !strcmp(key, "cause") || !strcmp(key, "what"))) {
			char *out = !strcmp(key, "ev")	    ? f->ev
				    : !strcmp(key, "to")    ? f->to
				    : !strcmp(key, "cause") ? f->cause
							    : f->what;
			size_t outlen = !strcmp(key, "ev")	? sizeof(f->ev)
					: !strcmp(key, "to")	? sizeof(f->to)
					: !strcmp(key, "cause") ? sizeof(f->cause)
								: sizeof(f->what);

			if (!read_string(&r, out, outlen))
				return false;
		} else if ((*r.p == '-' || isdigit((unsigned char)*r.p)) &&
			   (!strcmp(key, "t") || !strcmp(key, "vcpu") || !strcmp(key, "target") ||
			    !strcmp(key, "vmm_ns") || !strcmp(key, "cpus"))) {
			if (!read_number(&r, &mag, &neg))
				return false;
			if (!strcmp(key, "t")) {
				if (neg)
					return false;
				f->t = mag;
				f->has_t = true;
			} else if (!strcmp(key, "vmm_ns")) {
				f->vmm_ns = neg ? 0 : mag;
			} else {
				long long v =
				    mag > (uint64_t)INT32_MAX ? INT32_MAX : (long long)mag;

				v = neg ? -v : v;
				if (!strcmp(key, "vcpu")) {
					f->vcpu = v;
					f->has_vcpu = true;
				} else if (!strcmp(key, "target")) {
					f->target = v;
					f->has_target = true;
				} else {
					f->cpus = v;
					f->has_cpus = true;
				}
			}
		} else if (!strcmp(key, "injected") && (size_t)(r.end - r.p) >= 4 &&
			   !memcmp(r.p, "true", 4)) {
			f->injected = true;
			r.p += 4;
		} else if (!skip_value(&r, 0)) {
			return false;
		}
		skip_ws(&r);
		if (r.p >= r.end)
			return false;
		if (*r.p == '}') {
			r.p++;
			break;
		}
		if (*r.p++ != ',')
			return false;
	}
done:
	skip_ws(&r);
	return r.p == r.end;
}

/* ---- the record ---- */

enum timeline_state timeline_state_from_name(const char *name, const char *cause)
{
	static const char *const names[] = {"absent", "off", "on-pending", "on", "suspended"};

	for (int i = 0; i < 5; i++) {
		if (!strcmp(name, names[i])) {
			if (i == TL_ON_PENDING && cause && !strcmp(cause, "CPU_ON lost"))
				return TL_LOST;
			return (enum timeline_state)i;
		}
	}
	if (!strcmp(name, "lost"))
		return TL_LOST;
	return TL_UNKNOWN;
}

static bool grow(void **arr, size_t *cap, size_t nr, size_t size)
{
	void *bigger;
	size_t n;

	if (nr < *cap)
		return true;
	n = *cap ? *cap * 2 : 64;
	bigger = realloc(*arr, n * size);
	if (!bigger)
		return false;
	*arr = bigger;
	*cap = n;
	return true;
}

static void see_time(struct timeline *tl, uint64_t t)
{
	if (!tl->nr_times++ || t < tl->t_min)
		tl->t_min = t;
	if (t > tl->t_max)
		tl->t_max = t;
}

static void see_cpu(struct timeline *tl, long long vcpu)
{
	if (vcpu >= 0 && vcpu < TIMELINE_MAX_CPUS && (unsigned int)vcpu + 1 > tl->nr_cpus)
		tl->nr_cpus = (unsigned int)vcpu + 1;
}

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return -1;                                                                         \
	} while (0)

static int add_line(struct timeline *tl, const struct fields *f, unsigned long lineno, char *err,
		    size_t errlen)
{
	if (!f->has_t)
		FAIL("line %lu: no \"t\" (not a vmm --trace-file record?)", lineno);
	if ((!strcmp(f->ev, "state") || !strcmp(f->ev, "call")) &&
	    (!f->has_vcpu || f->vcpu < 0 || f->vcpu >= TIMELINE_MAX_CPUS))
		FAIL("line %lu: \"vcpu\" missing or not from 0 to %d", lineno,
		     TIMELINE_MAX_CPUS - 1);
	if (!strcmp(f->ev, "vm")) {
		if (f->has_cpus && f->cpus > 0)
			see_cpu(tl, f->cpus - 1);
		if (!strcmp(f->what, "start")) {
			if (tl->nr_vm_starts++ > 0) {
				if (!grow((void **)&tl->resets, &tl->cap_resets, tl->nr_resets,
					  sizeof(*tl->resets)))
					FAIL("out of memory");
				tl->resets[tl->nr_resets++] = f->t;
			}
		}
		see_time(tl, f->t);
	} else if (!strcmp(f->ev, "state")) {
		enum timeline_state s = timeline_state_from_name(f->to, f->cause);

		if (s == TL_UNKNOWN)
			FAIL("line %lu: unknown power state \"%s\"", lineno, f->to);
		if (!grow((void **)&tl->changes, &tl->cap_changes, tl->nr_changes,
			  sizeof(*tl->changes)))
			FAIL("out of memory");
		see_time(tl, f->t);
		see_cpu(tl, f->vcpu);
		tl->changes[tl->nr_changes++] = (struct timeline_change){
		    .t = f->t,
		    .vcpu = (unsigned int)f->vcpu,
		    .to = s,
		};
	} else if (!strcmp(f->ev, "call")) {
		if (!grow((void **)&tl->calls, &tl->cap_calls, tl->nr_calls, sizeof(*tl->calls)))
			FAIL("out of memory");
		see_time(tl, f->t);
		see_time(tl, f->t + f->vmm_ns);
		see_cpu(tl, f->vcpu);
		tl->calls[tl->nr_calls++] = (struct timeline_call){
		    .t = f->t,
		    .dur = f->vmm_ns,
		    .vcpu = (unsigned int)f->vcpu,
		    .target = f->has_target && f->target >= 0 && f->target < TIMELINE_MAX_CPUS
				  ? (int)f->target
				  : -1,
		    .injected = f->injected,
		};
		if (f->has_target && f->target >= 0)
			see_cpu(tl, f->target);
		tl->nr_injected += f->injected;
	}
	return 0;
}

static int by_time(const void *a, const void *b)
{
	const struct timeline_change *x = a, *y = b;

	return x->t < y->t ? -1 : x->t > y->t;
}

int timeline_parse(struct timeline *tl, const char *text, size_t len, char *err, size_t errlen)
{
	unsigned long lineno = 0;
	size_t pos = 0;

	memset(tl, 0, sizeof(*tl));
	while (pos < len) {
		const char *start = text + pos, *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos;
		struct fields f;
		size_t i;

		pos += n + (nl != NULL);
		lineno++;
		for (i = 0; i < n && isspace((unsigned char)start[i]); i++)
			;
		if (i == n)
			continue;
		if (!parse_line(start, n, &f))
			FAIL("line %lu: not a JSON object", lineno);
		if (add_line(tl, &f, lineno, err, errlen))
			return -1;
	}
	/* Stable enough: equal times keep no particular order, and a state
	 * snapshot has one change per vCPU at one time. */
	if (tl->nr_changes)
		qsort(tl->changes, tl->nr_changes, sizeof(*tl->changes), by_time);
	return 0;
}

void timeline_free(struct timeline *tl)
{
	free(tl->changes);
	free(tl->calls);
	free(tl->resets);
	memset(tl, 0, sizeof(*tl));
}

/* ---- the picture ---- */

struct svg {
	char *buf;
	size_t len, cap;
	bool oom;
};

static void out(struct svg *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void out(struct svg *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(s->buf ? s->buf + s->len : NULL, s->cap - s->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			s->oom = true;
			return;
		}
		if ((size_t)n < s->cap - s->len) {
			s->len += (size_t)n;
			return;
		}
		size_t cap = s->cap ? s->cap * 2 : 65536;

		while (cap - s->len <= (size_t)n)
			cap *= 2;
		char *bigger = realloc(s->buf, cap);

		if (!bigger) {
			s->oom = true;
			return;
		}
		s->buf = bigger;
		s->cap = cap;
	}
}

/* Text content with XML's special characters escaped. */
static void out_text(struct svg *s, const char *t)
{
	for (; *t; t++) {
		switch (*t) {
		case '<':
			out(s, "&lt;");
			break;
		case '>':
			out(s, "&gt;");
			break;
		case '&':
			out(s, "&amp;");
			break;
		case '"':
			out(s, "&quot;");
			break;
		default:
			if ((unsigned char)*t >= 0x20 && (unsigned char)*t < 0x7f)
				out(s, "%c", *t);
		}
	}
}

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
#define WIDTH		1200
#define LEFT		64
#define RIGHT		24
#define TOP		64
#define PLOT_W		(WIDTH - LEFT - RIGHT)

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

static void tick_label(uint64_t t, uint64_t step, char *buf, size_t len)
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

char *timeline_svg(const struct timeline *tl, const char *title, size_t *len)
{
	struct svg s = {0};
	unsigned int n = tl->nr_cpus ? tl->nr_cpus : 1;
	unsigned int lane = n <= 4    ? 36
			    : n <= 8  ? 28
			    : n <= 16 ? 20
			    : n <= 32 ? 14
			    : n <= 64 ? 10
				      : 4;
	unsigned int label_every = lane >= 10 ? 1 : (10 + lane - 1) / lane;
	unsigned int plot_h = n * lane, axis_y = TOP + plot_h, legend_y = axis_y + 44;
	unsigned int height = legend_y + 56;
	uint64_t t0 = tl->t_min, span = tl->t_max > tl->t_min ? tl->t_max - tl->t_min : 1;
	uint64_t step = tick_step(span);
	enum timeline_state *cur = NULL;
	uint64_t *since = NULL;
	uint8_t *marks = NULL;
	double px = (double)PLOT_W / (double)span;
	char buf[64];

#define X(t) (LEFT + ((double)((t)-t0)) * px)

	cur = malloc(n * sizeof(*cur));
	since = calloc(n, sizeof(*since));
	marks = calloc((size_t)n * PLOT_W, 1);
	if (!cur || !since || !marks)
		goto fail;
	for (unsigned int i = 0; i < n; i++)
		cur[i] = TL_UNKNOWN;

	out(&s,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" "
	    "viewBox=\"0 0 %u %u\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
	    "<rect x=\"0\" y=\"0\" width=\"%u\" height=\"%u\" fill=\"#ffffff\"/>\n",
	    WIDTH, height, WIDTH, height, WIDTH, height);
	out(&s, "<text x=\"%u\" y=\"24\" font-size=\"16\" font-weight=\"bold\">", LEFT);
	out_text(&s, title && *title ? title : "vmm timeline");
	out(&s, "</text>\n");
	tick_label(span, step, buf, sizeof(buf));
	out(&s,
	    "<text x=\"%u\" y=\"44\" font-size=\"12\" fill=\"#424242\">%u vCPU%s, %zu forwarded "
	    "call%s (%zu injected), %zu power-state change%s, %zu reset%s, over %s</text>\n",
	    LEFT, n, n == 1 ? "" : "s", tl->nr_calls, tl->nr_calls == 1 ? "" : "s", tl->nr_injected,
	    tl->nr_changes, tl->nr_changes == 1 ? "" : "s", tl->nr_resets,
	    tl->nr_resets == 1 ? "" : "s", buf);

	/* Lane backgrounds and labels. */
	for (unsigned int i = 0; i < n; i++) {
		unsigned int y = TOP + i * lane;

		out(&s, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"%s\"/>\n", LEFT,
		    y, PLOT_W, lane, i % 2 ? "#fafafa" : "#f4f4f4");
		if (i % label_every == 0)
			out(&s,
			    "<text x=\"%u\" y=\"%.1f\" font-size=\"%u\" text-anchor=\"end\" "
			    "dominant-baseline=\"middle\">cpu%u</text>\n",
			    LEFT - 6, y + lane / 2.0,
			    lane >= 20	 ? 12
			    : lane >= 10 ? 9
					 : 8,
			    i);
	}

	/* Power states: one rect per interval, in time order. */
	out(&s, "<g shape-rendering=\"crispEdges\">\n");
	for (size_t k = 0; k <= tl->nr_changes; k++) {
		bool last = k == tl->nr_changes;
		const struct timeline_change *c = last ? NULL : &tl->changes[k];

		for (unsigned int i = 0; i < n; i++) {
			uint64_t t;

			if (!last && c->vcpu != i)
				continue;
			t = last ? tl->t_max : c->t;
			if (cur[i] != TL_UNKNOWN && t >= since[i]) {
				double x0 = X(since[i]), x1 = X(t);
				unsigned int pad = lane >= 10 ? 2 : 0;

				if (x1 - x0 < 0.5)
					x1 = x0 + 0.5;
				out(&s,
				    "<rect x=\"%.2f\" y=\"%u\" width=\"%.2f\" height=\"%u\" "
				    "fill=\"%s\"/>\n",
				    x0, TOP + i * lane + pad, x1 - x0, lane - 2 * pad,
				    states[cur[i]].colour);
			}
			if (!last) {
				cur[i] = c->to;
				since[i] = c->t;
			}
		}
	}
	out(&s, "</g>\n");

	/* Resets: a dashed line across all lanes. */
	for (size_t k = 0; k < tl->nr_resets; k++)
		out(&s,
		    "<line x1=\"%.2f\" y1=\"%u\" x2=\"%.2f\" y2=\"%u\" stroke=\"#000000\" "
		    "stroke-width=\"1.5\" stroke-dasharray=\"6,4\"/>\n"
		    "<text x=\"%.2f\" y=\"%u\" font-size=\"10\" "
		    "text-anchor=\"middle\">reset</text>\n",
		    X(tl->resets[k]), TOP - 4, X(tl->resets[k]), axis_y, X(tl->resets[k]), TOP - 6);

	/* Calls: a tick in the top part of the caller's lane, one per pixel
	 * column (a busy lane has thousands); injected ones full height in red,
	 * on the target's lane too; long answers as boxes. */
	out(&s, "<g shape-rendering=\"crispEdges\">\n");
	for (int pass = 0; pass < 2; pass++) {
		for (size_t k = 0; k < tl->nr_calls; k++) {
			const struct timeline_call *c = &tl->calls[k];
			double x = X(c->t), w = (double)c->dur * px;
			unsigned int col = (unsigned int)(x - LEFT), lanes[2] = {c->vcpu, 0};
			unsigned int nl = 1;

			if ((pass == 1) != c->injected)
				continue;
			if (col >= PLOT_W)
				col = PLOT_W - 1;
			if (c->injected && c->target >= 0 && (unsigned int)c->target != c->vcpu &&
			    (unsigned int)c->target < n)
				lanes[nl++] = (unsigned int)c->target;
			for (unsigned int j = 0; j < nl; j++) {
				unsigned int y = TOP + lanes[j] * lane;
				uint8_t *m = &marks[(size_t)lanes[j] * PLOT_W + col];
				uint8_t bit = c->injected ? 2 : 1;

				/* A band along the top of the lane, so the state
				 * underneath stays readable. */
				if (w >= 2.0)
					out(&s,
					    "<rect x=\"%.2f\" y=\"%u\" width=\"%.2f\" "
					    "height=\"%u\" "
					    "fill=\"%s\" fill-opacity=\"0.6\"/>\n",
					    x, y, w, lane / 4 > 2 ? lane / 4 : 2,
					    c->injected ? COLOUR_INJECTED : COLOUR_CALL);
				if (*m & bit)
					continue;
				*m |= bit;
				if (c->injected)
					out(&s,
					    "<rect x=\"%.2f\" y=\"%u\" width=\"2\" height=\"%u\" "
					    "fill=\"%s\"/>\n",
					    x - 1, y, lane, COLOUR_INJECTED);
				else
					out(&s,
					    "<rect x=\"%.2f\" y=\"%u\" width=\"1\" height=\"%u\" "
					    "fill=\"%s\"/>\n",
					    x, y, lane / 3 ? lane / 3 : 1, COLOUR_CALL);
			}
		}
	}
	out(&s, "</g>\n");

	/* Time axis. */
	out(&s,
	    "<line x1=\"%u\" y1=\"%u\" x2=\"%u\" y2=\"%u\" stroke=\"#000000\" "
	    "stroke-width=\"1\"/>\n",
	    LEFT, axis_y, LEFT + PLOT_W, axis_y);
	for (uint64_t t = 0; t <= span; t += step) {
		double x = X(t0 + t);

		tick_label(t, step, buf, sizeof(buf));
		out(&s,
		    "<line x1=\"%.2f\" y1=\"%u\" x2=\"%.2f\" y2=\"%u\" stroke=\"#000000\"/>\n"
		    "<line x1=\"%.2f\" y1=\"%u\" x2=\"%.2f\" y2=\"%u\" stroke=\"#000000\" "
		    "stroke-opacity=\"0.12\"/>\n"
		    "<text x=\"%.2f\" y=\"%u\" font-size=\"11\" text-anchor=\"middle\">%s</text>\n",
		    x, axis_y, x, axis_y + 5, x, TOP, x, axis_y, x, axis_y + 18, buf);
		if (t > UINT64_MAX - step)
			break;
	}
	out(&s,
	    "<text x=\"%u\" y=\"%u\" font-size=\"11\" text-anchor=\"middle\" fill=\"#424242\">"
	    "time since the first event (CLOCK_MONOTONIC)</text>\n",
	    LEFT + PLOT_W / 2, axis_y + 34);

	/* Legend. */
	{
		unsigned int x = LEFT;

		for (int i = 0; i < TL_NR_STATES; i++) {
			out(&s,
			    "<rect x=\"%u\" y=\"%u\" width=\"14\" height=\"14\" fill=\"%s\" "
			    "stroke=\"#616161\" stroke-width=\"0.5\"/>\n"
			    "<text x=\"%u\" y=\"%u\" font-size=\"12\">%s</text>\n",
			    x, legend_y, states[i].colour, x + 19, legend_y + 11, states[i].label);
			x += 19 + 7 * (unsigned int)strlen(states[i].label) + 18;
		}
		x = LEFT;
		out(&s,
		    "<rect x=\"%u\" y=\"%u\" width=\"1\" height=\"14\" fill=\"%s\"/>\n"
		    "<text x=\"%u\" y=\"%u\" font-size=\"12\">forwarded call (caller's "
		    "lane)</text>\n",
		    x + 6, legend_y + 24, COLOUR_CALL, x + 19, legend_y + 35);
		x += 250;
		out(&s,
		    "<rect x=\"%u\" y=\"%u\" width=\"2\" height=\"14\" fill=\"%s\"/>\n"
		    "<text x=\"%u\" y=\"%u\" font-size=\"12\">injected answer (caller's and "
		    "target's lane)</text>\n",
		    x + 6, legend_y + 24, COLOUR_INJECTED, x + 19, legend_y + 35);
		x += 330;
		out(&s,
		    "<rect x=\"%u\" y=\"%u\" width=\"14\" height=\"4\" fill=\"%s\" "
		    "fill-opacity=\"0.6\"/>\n"
		    "<text x=\"%u\" y=\"%u\" font-size=\"12\">time to answer, when wider than "
		    "2 px (red: injected)</text>\n",
		    x, legend_y + 29, COLOUR_INJECTED, x + 19, legend_y + 35);
	}
	out(&s, "</svg>\n");
#undef X
	free(cur);
	free(since);
	free(marks);
	if (s.oom) {
		free(s.buf);
		return NULL;
	}
	*len = s.len;
	return s.buf;
fail:
	free(cur);
	free(since);
	free(marks);
	free(s.buf);
	return NULL;
}

/* ---- `vmm timeline` ---- */

static char *read_all(const char *path, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	char *buf;
	size_t done = 0;

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return NULL;
	}
	if (st.st_size > (off_t)1 << 30) {
		snprintf(err, errlen, "%s: larger than 1 GiB", path);
		close(fd);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		close(fd);
		return NULL;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	close(fd);
	*len = done;
	return buf;
}

int timeline_main(int argc, char **argv)
{
	const char *in = NULL, *outpath = NULL, *title = NULL;
	char err[256], *text, *svg, defout[512], deftitle[300];
	struct timeline tl;
	size_t len, svglen;
	int fd;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			outpath = argv[++i];
		} else if (!strcmp(argv[i], "--title") && i + 1 < argc) {
			title = argv[++i];
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf(
			    "usage: vmm timeline TRACE.jsonl [-o OUT.svg] [--title TEXT]\n"
			    "Draw a --trace-file record: one lane per vCPU with its power state "
			    "over time,\nmarks for forwarded calls (injected ones in red), a time "
			    "axis and a legend.\n");
			return 0;
		} else if (argv[i][0] == '-' || in) {
			fprintf(stderr,
				"vmm: timeline: unexpected argument '%s' (usage: vmm timeline "
				"TRACE.jsonl [-o OUT.svg] [--title TEXT])\n",
				argv[i]);
			return 2;
		} else {
			in = argv[i];
		}
	}
	if (!in) {
		fprintf(stderr, "vmm: timeline: no trace file (usage: vmm timeline TRACE.jsonl "
				"[-o OUT.svg] [--title TEXT])\n");
		return 2;
	}
	if (!outpath) {
		snprintf(defout, sizeof(defout), "%s.svg", in);
		outpath = defout;
	}
	if (!title) {
		snprintf(deftitle, sizeof(deftitle), "vmm timeline: %s", in);
		title = deftitle;
	}
	text = read_all(in, &len, err, sizeof(err));
	if (!text) {
		fprintf(stderr, "vmm: timeline: %s\n", err);
		return 2;
	}
	if (timeline_parse(&tl, text, len, err, sizeof(err))) {
		fprintf(stderr, "vmm: timeline: %s: %s\n", in, err);
		timeline_free(&tl);
		free(text);
		return 2;
	}
	free(text);
	svg = timeline_svg(&tl, title, &svglen);
	timeline_free(&tl);
	if (!svg) {
		fprintf(stderr, "vmm: timeline: out of memory\n");
		return 2;
	}
	fd = open(outpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "vmm: timeline: %s: %s\n", outpath, strerror(errno));
		free(svg);
		return 2;
	}
	for (size_t done = 0; done < svglen;) {
		ssize_t n = write(fd, svg + done, svglen - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "vmm: timeline: writing %s: %s\n", outpath,
				strerror(errno));
			close(fd);
			free(svg);
			return 2;
		}
		done += (size_t)n;
	}
	free(svg);
	if (close(fd) < 0) {
		fprintf(stderr, "vmm: timeline: closing %s: %s\n", outpath, strerror(errno));
		return 2;
	}
	return 0;
}
