/*
 * Unit tests of the control protocol (vmm/control/protocol.c): request parsing with
 * its one-line refusals, and line framing as the socket server uses it
 * (partial lines, CRLF, several lines per read, over-long lines reported
 * once and skipped).
 */
#define CHECK_FILE "control"
#include "tests/unit/check.h"

#include <stdbool.h>
#include <string.h>

#include "vmm/control/protocol.h"

TEST(parses_every_command)
{
	static const struct {
		const char *line;
		struct control_req want; /* arg aside */
	} good[] = {
	    {"cpus", {.cmd = CONTROL_CPUS}},
	    {"cpus --json", {.cmd = CONTROL_CPUS, .json = true}},
	    {"stats", {.cmd = CONTROL_STATS}},
	    {"stats --json", {.cmd = CONTROL_STATS, .json = true}},
	    {"quit", {.cmd = CONTROL_QUIT}},
	    {"help", {.cmd = CONTROL_HELP}},
	    {"plug 3", {.cmd = CONTROL_PLUG, .cpu = 3, .timeout_s = CONTROL_PLUG_TIMEOUT_S}},
	    {"  plug\t 7  ", /* blanks around words */
	     {.cmd = CONTROL_PLUG, .cpu = 7, .timeout_s = CONTROL_PLUG_TIMEOUT_S}},
	    {"plug 2 --timeout 5", {.cmd = CONTROL_PLUG, .cpu = 2, .timeout_s = 5}},
	    {"unplug 511",
	     {.cmd = CONTROL_UNPLUG, .cpu = 511, .timeout_s = CONTROL_UNPLUG_TIMEOUT_S}},
	    {"unplug 2 --when-off",
	     {.cmd = CONTROL_UNPLUG,
	      .cpu = 2,
	      .when_off = true,
	      .timeout_s = CONTROL_UNPLUG_TIMEOUT_S}},
	    {"unplug 2 --timeout 8", {.cmd = CONTROL_UNPLUG, .cpu = 2, .timeout_s = 8}},
	    {"unplug 3 --timeout 600 --when-off",
	     {.cmd = CONTROL_UNPLUG, .cpu = 3, .when_off = true, .timeout_s = 600}},
	    {"trace on", {.cmd = CONTROL_TRACE, .on = true}},
	    {"trace off", {.cmd = CONTROL_TRACE}},
	    {"trace-file /tmp/t.jsonl", {.cmd = CONTROL_TRACE_FILE, .on = true}},
	    {"trace-file off", {.cmd = CONTROL_TRACE_FILE}},
	    {"inject list", {.cmd = CONTROL_INJECT, .inject_op = CONTROL_INJECT_LIST}},
	    {"inject clear", {.cmd = CONTROL_INJECT, .inject_op = CONTROL_INJECT_CLEAR}},
	    {"inject CPU_ON:ret=DENIED", {.cmd = CONTROL_INJECT, .inject_op = CONTROL_INJECT_ADD}},
	    {"info", {.cmd = CONTROL_INFO}},
	    {"info --json", {.cmd = CONTROL_INFO, .json = true}},
	    {"pause", {.cmd = CONTROL_PAUSE}},
	    {"resume", {.cmd = CONTROL_RESUME}},
	};
	struct control_req r;
	char err[160];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const struct control_req *w = &good[i].want;

		err[0] = '\0';
		if (control_parse(good[i].line, &r, err, sizeof(err)) || r.cmd != w->cmd ||
		    r.cpu != w->cpu || r.when_off != w->when_off || r.timeout_s != w->timeout_s ||
		    r.on != w->on || r.json != w->json || r.inject_op != w->inject_op) {
			printf("  '%s' parsed wrong ('%s')\n", good[i].line, err);
			check_failed_in_case = 1;
		}
	}
	/* The rule and the path are kept as given. */
	CHECK_EQ(control_parse("inject CPU_ON:cpu=2:next=1:ret=DENIED", &r, err, sizeof(err)), 0);
	CHECK_STR(r.arg, "CPU_ON:cpu=2:next=1:ret=DENIED");
	CHECK_EQ(control_parse("trace-file /tmp/t.jsonl", &r, err, sizeof(err)), 0);
	CHECK_STR(r.arg, "/tmp/t.jsonl");
}

TEST(refusals_name_the_problem)
{
	static const struct check_refusal bad[] = {
	    {"", "empty request"},
	    {"   ", "empty request"},
	    {"frobnicate", "unknown command 'frobnicate'"},
	    {"cpus now", "'cpus' takes no arguments"},
	    {"plug", "usage: plug ID"},
	    {"plug x", "'x' is not a vCPU id"},
	    {"plug -1", "'-1' is not a vCPU id"},
	    {"plug 65536", "'65536' is not a vCPU id"},
	    {"plug 99999999999999999999", "is not a vCPU id"},
	    {"plug 1 2", "usage: plug ID"},
	    {"unplug 1 --later", "usage: unplug ID [--when-off]"},
	    {"trace", "usage: trace on|off"},
	    {"trace maybe", "usage: trace on|off"},
	    {"a b c d e f", "too many words"},
	    {"unplug 1 --timeout", "usage: unplug ID [--when-off] [--timeout SECONDS]"},
	    {"unplug 1 --timeout 0", "--timeout: '0' is not a number of seconds from 1 to 600"},
	    {"unplug 1 --timeout 601", "from 1 to 600"},
	    {"unplug 1 --timeout x", "--timeout: 'x'"},
	    {"plug 1 --when-off", "usage: plug ID [--timeout SECONDS]"},
	    {"plug 1 --timeout 0", "--timeout: '0' is not a number of seconds from 1 to 600"},
	    {"cpus\x01", "non-printable byte 0x01"},
	    {"stats --yaml", "'stats' takes no arguments but --json"},
	    {"cpus --json x", "'cpus' takes no arguments"},
	    {"quit now", "'quit' takes no arguments"},
	    {"inject", "usage: inject RULE|list|clear"},
	    {"inject CPU_BLAH:ret=DENIED", "unknown function 'CPU_BLAH'"},
	    {"trace-file", "usage: trace-file PATH|off"},
	    {"trace-file a b", "usage: trace-file PATH|off"},
	    {"trace-file t.jsonl", "trace-file: 't.jsonl' is relative"},
	    {"snapshot snap --stop", "snapshot: 'snap' is relative"},
	    {"pause now", "'pause' takes no arguments"},
	    {"resume 1", "'resume' takes no arguments"},
	    {"info --yaml", "'info' takes no arguments but --json"},
	};
	struct control_req r;
	char err[160];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CHECK_REFUSED(control_parse(bad[i].input, &r, err, sizeof(err)), err, bad[i].says,
			      bad[i].input);
	}
}

TEST(overlong_line_refused_by_parse)
{
	char line[CONTROL_MAX_LINE + 2];
	struct control_req r;
	char err[160];

	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	CHECK_REFUSED(control_parse(line, &r, err, sizeof(err)), err, "line too long", "a...a");
}

/* Collects what the framer hands over. */
struct seen {
	char lines[8][CONTROL_MAX_LINE + 1];
	int n, too_long;
};

static void collect(void *ctx, const char *line, bool too_long)
{
	struct seen *s = ctx;

	if (too_long) {
		s->too_long++;
		return;
	}
	if (s->n < 8)
		snprintf(s->lines[s->n], sizeof(s->lines[0]), "%s", line);
	s->n++;
}

TEST(framing_joins_partial_lines_and_strips_crlf)
{
	struct control_conn c = {0};
	struct seen s = {0};

	control_feed(&c, "cp", 2, collect, &s);
	CHECK_EQ(s.n, 0);
	control_feed(&c, "us\r\nplug 2\nhel", 14, collect, &s);
	CHECK_EQ(s.n, 2);
	CHECK_STR(s.lines[0], "cpus");
	CHECK_STR(s.lines[1], "plug 2");
	control_feed(&c, "p\n", 2, collect, &s);
	CHECK_EQ(s.n, 3);
	CHECK_STR(s.lines[2], "help");
	CHECK_EQ(s.too_long, 0);
}

TEST(framing_reports_a_long_line_once_and_recovers)
{
	struct control_conn c = {0};
	struct seen s = {0};
	char big[1000];

	memset(big, 'x', sizeof(big));
	control_feed(&c, big, sizeof(big), collect, &s);
	control_feed(&c, big, sizeof(big), collect, &s);
	CHECK_EQ(s.too_long, 1);
	CHECK_EQ(s.n, 0);
	control_feed(&c, "\nstats\n", 7, collect, &s);
	CHECK_EQ(s.too_long, 1);
	CHECK_EQ(s.n, 1);
	CHECK_STR(s.lines[0], "stats");
}

TEST(framing_accepts_a_line_of_exactly_the_limit)
{
	struct control_conn c = {0};
	struct seen s = {0};
	char line[CONTROL_MAX_LINE + 1];

	memset(line, 'y', CONTROL_MAX_LINE);
	line[CONTROL_MAX_LINE] = '\n';
	control_feed(&c, line, sizeof(line), collect, &s);
	CHECK_EQ(s.too_long, 0);
	CHECK_EQ(s.n, 1);
	CHECK_EQ(strlen(s.lines[0]), CONTROL_MAX_LINE);
}

TEST(framing_empty_lines_are_lines)
{
	struct control_conn c = {0};
	struct seen s = {0};

	control_feed(&c, "\n\r\n", 3, collect, &s);
	CHECK_EQ(s.n, 2);
	CHECK_STR(s.lines[0], "");
	CHECK_STR(s.lines[1], "");
}

CHECK_MAIN_BEGIN
RUN(parses_every_command);
RUN(refusals_name_the_problem);
RUN(overlong_line_refused_by_parse);
RUN(framing_joins_partial_lines_and_strips_crlf);
RUN(framing_reports_a_long_line_once_and_recovers);
RUN(framing_accepts_a_line_of_exactly_the_limit);
RUN(framing_empty_lines_are_lines);
CHECK_MAIN_END
