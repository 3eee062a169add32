/*
 * ctl-torture SOCKET: abuse a running VMM's control socket the way a buggy
 * or hostile client would, and check that every well-formed request still
 * gets its answer promptly. One line per check ("ok ..." / "FAIL ...");
 * exit status 1 if any check failed. Built static for the test host.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *sock_path;
static int failures;

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s ", ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	failures += !ok;
}

static int connect_ctl(void)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", sock_path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror("connect");
		exit(2);
	}
	return fd;
}

static void send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

/* Read one reply line within timeout_ms; "" on timeout or EOF. */
static const char *read_line(int fd, int timeout_ms)
{
	static char line[65536];
	size_t len = 0;

	while (len < sizeof(line) - 1) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (poll(&p, 1, timeout_ms) <= 0)
			break;
		n = recv(fd, line + len, 1, 0);
		if (n <= 0)
			break;
		if (line[len] == '\n')
			break;
		len++;
	}
	line[len] = '\0';
	return line;
}

/* Read one reply line into buf within timeout_ms: 1 a whole line (newline
 * stripped), 0 the connection ended (buf holds a cut line, or nothing), -1
 * nothing more arrived in time. */
static int read_reply(int fd, char *buf, size_t cap, int timeout_ms)
{
	size_t len = 0;

	buf[0] = '\0';
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		char ch;
		ssize_t n;

		if (poll(&p, 1, timeout_ms) <= 0)
			return -1;
		n = recv(fd, &ch, 1, 0);
		if (n <= 0)
			return 0;
		if (ch == '\n')
			return 1;
		if (len + 1 < cap) {
			buf[len++] = ch;
			buf[len] = '\0';
		}
	}
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int main(int argc, char **argv)
{
	int a, b, c, d, e, hog, many[24];
	const char *r;
	char *huge;

	if (argc != 2) {
		fprintf(stderr, "usage: ctl-torture SOCKET\n");
		return 2;
	}
	sock_path = argv[1];

	/* A partial line on one connection must not hold up another. */
	a = connect_ctl();
	send_all(a, "cp", 2);
	b = connect_ctl();
	send_all(b, "cpus\n", 5);
	r = read_line(b, 2000);
	check(starts(r, "ok 0:"),
	      "a second client is served while another sent half a line: '%.60s'", r);
	send_all(a, "us\n", 3);
	r = read_line(a, 2000);
	check(starts(r, "ok 0:"), "the half line, completed later, is served: '%.60s'", r);

	/* A huge line is refused once, and the connection keeps working. */
	c = connect_ctl();
	huge = malloc(100000);
	memset(huge, 'x', 100000);
	send_all(c, huge, 100000);
	send_all(c, "\nhelp\n", 6);
	r = read_line(c, 3000);
	check(starts(r, "error line too long"), "a 100000-byte line: '%.60s'", r);
	r = read_line(c, 3000);
	check(starts(r, "ok cpus"), "the next line on that connection works: '%.60s'", r);

	/* Garbage and malformed requests get one-line errors. */
	d = connect_ctl();
	send_all(d, "\x01\xff\x7fgarbage\n", 11);
	r = read_line(d, 2000);
	check(starts(r, "error request contains a non-printable byte"), "binary garbage: '%.60s'",
	      r);
	static const char *const bad[] = {
	    "plug 99999999999", "plug", "unplug 1 --now", "trace maybe", "cpus please",
	    "frobnicate",	"",	"plug -1",	  "plug 4096"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		send_all(d, bad[i], strlen(bad[i]));
		send_all(d, "\r\n", 2);
		r = read_line(d, 2000);
		check(starts(r, "error "), "'%s' -> '%.70s'", bad[i], r);
	}

	/* A client that never reads its replies must not stall the VMM. */
	hog = connect_ctl();
	for (int i = 0; i < 20000; i++)
		send_all(hog, "cpus\n", 5);
	e = connect_ctl();
	send_all(e, "stats\n", 6);
	r = read_line(e, 3000);
	check(starts(r, "ok hypercalls="), "served while a client ignores 20000 replies: '%.50s'",
	      r);

	/* A client that reads its replies only after sending 20000 requests:
	 * each line it gets is a whole reply; the server either keeps up or
	 * hangs up on it, never cuts a reply and carries on after the cut. */
	{
		static char first[4096], got[4096];
		int hog2 = connect_ctl(), end, whole = 0, damaged = 0;

		for (int i = 0; i < 20000; i++)
			send_all(hog2, "help\n", 5);
		while ((end = read_reply(hog2, got, sizeof(got), 3000)) == 1) {
			if (!whole)
				snprintf(first, sizeof(first), "%s", got);
			else if (strcmp(got, first) != 0 && damaged++ == 0)
				printf("reply %d: '%.60s' after '%.60s'\n", whole, got, first);
			whole++;
		}
		check(starts(first, "ok cpus") && damaged == 0,
		      "20000 requests read late: %d whole replies, %d damaged, then %s", whole,
		      damaged, end == 0 ? "hung up on (a cut line at most)" : "nothing more");
		close(hog2);
	}

	/* More clients than the server takes: the extra ones are told so. */
	int refused = 0, served = 0;

	for (int i = 0; i < 24; i++)
		many[i] = connect_ctl();
	for (int i = 0; i < 24; i++) {
		send_all(many[i], "help\n", 5);
		r = read_line(many[i], 2000);
		if (starts(r, "ok "))
			served++;
		else if (starts(r, "error too many control clients"))
			refused++;
	}
	check(refused > 0 && served > 0 && refused + served == 24,
	      "24 more clients: %d served, %d refused with a reason", served, refused);
	for (int i = 0; i < 24; i++)
		close(many[i]);

	/* A client that hangs up mid-line changes nothing. */
	close(a);
	a = connect_ctl();
	send_all(a, "qu", 2);
	close(a);
	close(hog);
	b = connect_ctl();
	send_all(b, "cpus\n", 5);
	r = read_line(b, 3000);
	check(starts(r, "ok 0:"), "after clients hung up mid-line, the VM still runs: '%.40s'", r);
	close(b);
	close(c);
	close(d);
	close(e);
	free(huge);
	return failures ? 1 : 0;
}
