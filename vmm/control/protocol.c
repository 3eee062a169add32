/*
 * The control protocol's pure half (the commands are listed in protocol.h):
 * a request line split into words and checked against a table of commands,
 * each with its own argument parser, so that server.c only ever acts on a
 * well-formed request and every bad one gets a one-line reason; and the
 * framing that cuts a socket's byte stream into lines, an overlong line
 * reported once and dropped. No sockets here, so it is unit-tested directly.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/control/protocol.h"
#include "vmm/firmware/inject.h"

const char control_help[] =
    "cpus[--json] plug unplug stats[--json] info[--json] pause resume snapshot(DIR[--stop]) "
    "trace trace-file inject(RULE|list|clear) quit help";

#define MAX_WORDS 5 /* unplug ID --when-off --timeout S */

/* Split on blanks into at most MAX_WORDS words; returns the count, or -1 if more. */
static int split(char *s, char *words[MAX_WORDS])
{
	int n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			return n;
		if (n == MAX_WORDS)
			return -1;
		words[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (*s)
			*s++ = '\0';
	}
}

static int parse_cpu(const char *s, unsigned int *cpu)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 65535)
		return -1;
	*cpu = (unsigned int)v;
	return 0;
}

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return -1;                                                                         \
	} while (0)

/*
 * One command's arguments: w[0] is the command, n >= 1 the word count.
 * Fills req (req->cmd is set from the table) or fails with a reason.
 */
typedef int (*parse_args_fn)(int n, char **w, struct control_req *req, char *err, size_t errlen);

/* cpus, stats, info: nothing, or --json. */
static int parse_json_flag(int n, char **w, struct control_req *req, char *err, size_t errlen)
{
	if (n > 2)
		FAIL("'%s' takes no arguments", w[0]);
	if (n == 2 && strcmp(w[1], "--json"))
		FAIL("'%s' takes no arguments but --json", w[0]);
	req->json = n == 2;
	return 0;
}

/* quit, help, pause, resume. */
static int parse_no_args(int n, char **w, struct control_req *req, char *err, size_t errlen)
{
	(void)req;
	if (n != 1)
		FAIL("'%s' takes no arguments", w[0]);
	return 0;
}

/* plug ID [--timeout SECONDS]; unplug ID [--when-off] [--timeout SECONDS],
 * the options in any order. */
static int parse_hotplug(int n, char **w, struct control_req *req, char *err, size_t errlen)
{
	bool plug = req->cmd == CONTROL_PLUG;
	const char *usage = plug ? "usage: plug ID [--timeout SECONDS]"
				 : "usage: unplug ID [--when-off] [--timeout SECONDS]";

	if (n < 2)
		FAIL("%s", usage);
	if (parse_cpu(w[1], &req->cpu))
		FAIL("'%s' is not a vCPU id", w[1]);
	req->timeout_s = plug ? CONTROL_PLUG_TIMEOUT_S : CONTROL_UNPLUG_TIMEOUT_S;
	for (int i = 2; i < n; i++) {
		if (!plug && !strcmp(w[i], "--when-off")) {
			req->when_off = true;
		} else if (!strcmp(w[i], "--timeout") && i + 1 < n) {
			i++;
			if (parse_cpu(w[i], &req->timeout_s) || req->timeout_s == 0 ||
			    req->timeout_s > CONTROL_UNPLUG_TIMEOUT_MAX_S)
				FAIL("--timeout: '%s' is not a number of seconds from 1 to %d",
				     w[i], CONTROL_UNPLUG_TIMEOUT_MAX_S);
		} else {
			FAIL("%s", usage);
		}
	}
	return 0;
}

/* trace on|off */
static int parse_trace(int n, char **w, struct control_req *req, char *err, size_t errlen)
{
	if (n != 2 || (strcmp(w[1], "on") && strcmp(w[1], "off")))
		FAIL("usage: trace on|off");
	req->on = !strcmp(w[1], "on");
	return 0;
}

/* trace-file PATH|off */
static int parse_trace_file(int n, char **w, struct control_req *req, char *err, size_t errlen)
{
	if (n != 2)
		FAIL("usage: trace-file PATH|off");
	req->on = strcmp(w[1], "off") != 0;
	if (req->on && w[1][0] != '/')
		FAIL("trace-file: '%s' is relative: the VMM's working directory is not yours "
		     "(vmm ctl sends an absolute path)",
		     w[1]);
	snprintf(req->arg, sizeof(req->arg), "%s", w[1]);
	return 0;
}

/* inject RULE|list|clear; a rule is checked here, so the error names what
 * is wrong with it. */
static int parse_inject(int n, char **w, struct control_req *req, char *err, size_t errlen)
{
	struct inject_rule rule;

	if (n != 2)
		FAIL("usage: inject RULE|list|clear (RULE e.g. "
		     "CPU_ON:cpu=2:next=1:ret=INTERNAL_FAILURE)");
	if (!strcmp(w[1], "list")) {
		req->inject_op = CONTROL_INJECT_LIST;
	} else if (!strcmp(w[1], "clear")) {
		req->inject_op = CONTROL_INJECT_CLEAR;
	} else {
		if (inject_parse(w[1], &rule, err, errlen))
			return -1;
		req->inject_op = CONTROL_INJECT_ADD;
		snprintf(req->arg, sizeof(req->arg), "%s", w[1]);
	}
	return 0;
}

/* snapshot DIR [--stop], in either order. */
static int parse_snapshot(int n, char **w, struct control_req *req, char *err, size_t errlen)
{
	const char *dir = NULL;

	for (int i = 1; i < n; i++) {
		if (!strcmp(w[i], "--stop") && !req->stop)
			req->stop = true;
		else if (w[i][0] != '-' && !dir)
			dir = w[i];
		else
			FAIL("usage: snapshot DIR [--stop]");
	}
	if (!dir)
		FAIL("usage: snapshot DIR [--stop]");
	if (dir[0] != '/')
		FAIL("snapshot: '%s' is relative: the VMM's working directory is not yours "
		     "(vmm ctl sends an absolute path)",
		     dir);
	snprintf(req->arg, sizeof(req->arg), "%s", dir);
	return 0;
}

static const struct {
	const char *name;
	enum control_cmd cmd;
	parse_args_fn parse;
} commands[] = {
    {"cpus", CONTROL_CPUS, parse_json_flag},
    {"plug", CONTROL_PLUG, parse_hotplug},
    {"unplug", CONTROL_UNPLUG, parse_hotplug},
    {"stats", CONTROL_STATS, parse_json_flag},
    {"trace", CONTROL_TRACE, parse_trace},
    {"trace-file", CONTROL_TRACE_FILE, parse_trace_file},
    {"inject", CONTROL_INJECT, parse_inject},
    {"quit", CONTROL_QUIT, parse_no_args},
    {"info", CONTROL_INFO, parse_json_flag},
    {"pause", CONTROL_PAUSE, parse_no_args},
    {"resume", CONTROL_RESUME, parse_no_args},
    {"help", CONTROL_HELP, parse_no_args},
    {"snapshot", CONTROL_SNAPSHOT, parse_snapshot},
};

/* The request as words, in copy; fails on a byte that has no business in a
 * request line. */
static int split_request(const char *line, char copy[CONTROL_MAX_LINE + 1], char *w[MAX_WORDS],
			 char *err, size_t errlen)
{
	int n;

	if (strlen(line) > CONTROL_MAX_LINE)
		FAIL("line too long (at most %d bytes)", CONTROL_MAX_LINE);
	for (const char *p = line; *p; p++)
		if (!isprint((unsigned char)*p) && *p != '\t')
			FAIL("request contains a non-printable byte 0x%02x",
			     (unsigned int)(unsigned char)*p);
	snprintf(copy, CONTROL_MAX_LINE + 1, "%s", line);
	n = split(copy, w);
	if (n < 0)
		FAIL("too many words");
	if (n == 0)
		FAIL("empty request (try 'help')");
	return n;
}

int control_parse(const char *line, struct control_req *req, char *err, size_t errlen)
{
	char copy[CONTROL_MAX_LINE + 1], *w[MAX_WORDS];
	int n;

	memset(req, 0, sizeof(*req));
	n = split_request(line, copy, w, err, errlen);
	if (n < 0)
		return -1;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(w[0], commands[i].name)) {
			req->cmd = commands[i].cmd;
			return commands[i].parse(n, w, req, err, errlen);
		}
	}
	FAIL("unknown command '%.32s' (try 'help')", w[0]);
}

void control_feed(struct control_conn *c, const char *data, size_t n, control_line_fn on_line,
		  void *ctx)
{
	for (size_t i = 0; i < n; i++) {
		char ch = data[i];

		if (ch == '\n') {
			if (!c->discarding) {
				if (c->len && c->buf[c->len - 1] == '\r')
					c->len--;
				c->buf[c->len] = '\0';
				on_line(ctx, c->buf, false);
			}
			c->len = 0;
			c->discarding = false;
			continue;
		}
		if (c->discarding)
			continue;
		if (c->len == CONTROL_MAX_LINE) {
			/* Report once, then drop the rest of this line. */
			c->discarding = true;
			c->len = 0;
			on_line(ctx, "", true);
			continue;
		}
		c->buf[c->len++] = ch;
	}
}
