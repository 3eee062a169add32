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

static int parse(const char *line, struct control_req *req, char *err)
{
	err[0] = '\0';
	return control_parse(line, req, err, 160);
}

TEST(parses_every_command)
{
	struct control_req r;
	char err[160];

	CHECK_EQ(parse("cpus", &r, err), 0);
	CHECK_EQ(r.cmd, CONTROL_CPUS);
	CHECK_EQ(parse("stats", &r, err), 0);
	CHECK_EQ(r.cmd, CONTROL_STATS);
	CHECK_EQ(parse("quit", &r, err), 0);
	CHECK_EQ(r.cmd, CONTROL_QUIT);
	CHECK_EQ(parse("help", &r, err), 0);
	CHECK_EQ(r.cmd, CONTROL_HELP);
	CHECK_EQ(parse("plug 3", &r, err), 0);
	CHECK_EQ(r.cmd, CONTROL_PLUG);
	CHECK_EQ(r.cpu, 3);
	CHECK_EQ(parse("unplug 511", &r, err), 0);
	CHECK_EQ(r.cmd, CONTROL_UNPLUG);
	CHECK_EQ(r.cpu, 511);
	CHECK(!r.when_off);
	CHECK_EQ(r.timeout_s, CONTROL_UNPLUG_TIMEOUT_S);
	CHECK_EQ(parse("unplug 2 --when-off", &r, err), 0);
	CHECK(r.when_off);
	CHECK_EQ(parse("unplug 2 --timeout 8", &r, err), 0);
	CHECK(!r.when_off);
	CHECK_EQ(r.timeout_s, 8);
	CHECK_EQ(parse("unplug 3 --timeout 600 --when-off", &r, err), 0);
	CHECK(r.when_off);
	CHECK_EQ(r.timeout_s, 600);
	CHECK_EQ(parse("trace on", &r, err), 0);
	CHECK_EQ(r.cmd, CONTROL_TRACE);
	CHECK(r.on);
	CHECK_EQ(parse("trace off", &r, err), 0);
	CHECK(!r.on);
}

TEST(blanks_around_words_are_fine)
{
	struct control_req r;
	char err[160];

	CHECK_EQ(parse("  plug\t 7  ", &r, err), 0);
	CHECK_EQ(r.cmd, CONTROL_PLUG);
	CHECK_EQ(r.cpu, 7);
}

TEST(refusals_name_the_problem)
{
	static const struct {
		const char *line, *why;
	} bad[] = {
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
	    {"plug 1 --timeout 5", "usage: plug ID"},
	    {"cpus\x01", "non-printable byte 0x01"},
	};
	struct control_req r;
	char err[160];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = parse(bad[i].line, &r, err);

		CHECK_EQ(ret, -1);
		if (!strstr(err, bad[i].why)) {
			printf("  '%s' -> '%s', expected it to mention '%s'\n", bad[i].line, err,
			       bad[i].why);
			check_failed_in_case = 1;
		}
		CHECK(strchr(err, '\n') == NULL);
	}
}

TEST(overlong_line_refused_by_parse)
{
	char line[CONTROL_MAX_LINE + 2];
	struct control_req r;
	char err[160];

	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	CHECK_EQ(parse(line, &r, err), -1);
	CHECK(strstr(err, "line too long") != NULL);
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
RUN(blanks_around_words_are_fine);
RUN(refusals_name_the_problem);
RUN(overlong_line_refused_by_parse);
RUN(framing_joins_partial_lines_and_strips_crlf);
RUN(framing_reports_a_long_line_once_and_recovers);
RUN(framing_accepts_a_line_of_exactly_the_limit);
RUN(framing_empty_lines_are_lines);
CHECK_MAIN_END
