#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/control/protocol.h"
#include "vmm/firmware/inject.h"

const char control_help[] =
    "cpus[--json] plug unplug stats[--json] trace trace-file inject(RULE|list|clear) quit help";

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

int control_parse(const char *line, struct control_req *req, char *err, size_t errlen)
{
	char copy[CONTROL_MAX_LINE + 1], *w[MAX_WORDS];
	int n;

	memset(req, 0, sizeof(*req));
	if (strlen(line) > CONTROL_MAX_LINE)
		FAIL("line too long (at most %d bytes)", CONTROL_MAX_LINE);
	for (const char *p = line; *p; p++)
		if (!isprint((unsigned char)*p) && *p != '\t')
			FAIL("request contains a non-printable byte 0x%02x",
			     (unsigned int)(unsigned char)*p);
	snprintf(copy, sizeof(copy), "%s", line);
	n = split(copy, w);
	if (n < 0)
		FAIL("too many words");
	if (n == 0)
		FAIL("empty request (try 'help')");

	if ((!strcmp(w[0], "cpus") || !strcmp(w[0], "stats")) && n == 2) {
		if (strcmp(w[1], "--json"))
			FAIL("'%s' takes no arguments but --json", w[0]);
		req->cmd = w[0][0] == 'c' ? CONTROL_CPUS : CONTROL_STATS;
		req->json = true;
		return 0;
	}
	if (!strcmp(w[0], "inject")) {
		struct inject_rule rule;

		if (n != 2)
			FAIL("usage: inject RULE|list|clear (RULE e.g. "
			     "CPU_ON:cpu=2:next=1:ret=INTERNAL_FAILURE)");
		req->cmd = CONTROL_INJECT;
		if (!strcmp(w[1], "list")) {
			req->inject_op = CONTROL_INJECT_LIST;
		} else if (!strcmp(w[1], "clear")) {
			req->inject_op = CONTROL_INJECT_CLEAR;
		} else {
			/* Checked here, so the error names what is wrong. */
			if (inject_parse(w[1], &rule, err, errlen))
				return -1;
			req->inject_op = CONTROL_INJECT_ADD;
			snprintf(req->arg, sizeof(req->arg), "%s", w[1]);
		}
		return 0;
	}
	if (!strcmp(w[0], "trace-file")) {
		if (n != 2)
			FAIL("usage: trace-file PATH|off");
		req->cmd = CONTROL_TRACE_FILE;
		req->on = strcmp(w[1], "off") != 0;
		snprintf(req->arg, sizeof(req->arg), "%s", w[1]);
		return 0;
	}
	if (!strcmp(w[0], "cpus") || !strcmp(w[0], "stats") || !strcmp(w[0], "quit") ||
	    !strcmp(w[0], "help")) {
		if (n != 1)
			FAIL("'%s' takes no arguments", w[0]);
		req->cmd = !strcmp(w[0], "cpus")    ? CONTROL_CPUS
			   : !strcmp(w[0], "stats") ? CONTROL_STATS
			   : !strcmp(w[0], "quit")  ? CONTROL_QUIT
						    : CONTROL_HELP;
		return 0;
	}
	if (!strcmp(w[0], "plug") || !strcmp(w[0], "unplug")) {
		bool unplug = w[0][0] == 'u';
		const char *usage =
		    unplug ? "unplug ID [--when-off] [--timeout SECONDS]" : "plug ID";

		if (n < 2)
			FAIL("usage: %s", usage);
		if (parse_cpu(w[1], &req->cpu))
			FAIL("'%s' is not a vCPU id", w[1]);
		req->timeout_s = CONTROL_UNPLUG_TIMEOUT_S;
		for (int i = 2; i < n; i++) {
			if (unplug && !strcmp(w[i], "--when-off")) {
				req->when_off = true;
			} else if (unplug && !strcmp(w[i], "--timeout") && i + 1 < n) {
				if (parse_cpu(w[i + 1], &req->timeout_s) || req->timeout_s == 0 ||
				    req->timeout_s > CONTROL_UNPLUG_TIMEOUT_MAX_S)
					FAIL("--timeout: '%s' is not a number of seconds from 1 to "
					     "%d",
					     w[i + 1], CONTROL_UNPLUG_TIMEOUT_MAX_S);
				i++;
			} else {
				FAIL("usage: %s", usage);
			}
		}
		req->cmd = unplug ? CONTROL_UNPLUG : CONTROL_PLUG;
		return 0;
	}
	if (!strcmp(w[0], "trace")) {
		if (n != 2 || (strcmp(w[1], "on") && strcmp(w[1], "off")))
			FAIL("usage: trace on|off");
		req->cmd = CONTROL_TRACE;
		req->on = !strcmp(w[1], "on");
		return 0;
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
