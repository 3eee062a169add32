/*
 * `vmm ctl SOCKET|NAME COMMAND [ARGS...]` (contract in server.h): a NAME
 * (names.h: no '/', a valid name, no such file here) stands for the named
 * VM's socket. Join the words
 * into one request line, send it, print the one reply line. Exit status 0
 * for "ok", 1 for "error", 2 when the VMM could not be reached, did not
 * answer in time, or hung up before a whole line: a cut reply is printed
 * but never taken for an answer.
 */
#include <errno.h>
#include <stdbool.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vmm/control/names.h"
#include "vmm/control/server.h"
#include "vmm/util/grow.h"

/*
 * How long `vmm ctl` waits for its reply: 10 s, but an ACPI `plug` or
 * `unplug` may legitimately wait for the guest up to its --timeout (the
 * server answers by then), so give it that plus the same margin.
 */
int control_client_wait_s(int argc, char **argv)
{
	int wait_s = CONTROL_CLIENT_WAIT_S;
	bool plug = argc >= 1 && !strcmp(argv[0], "plug");

	if (plug || (argc >= 1 && !strcmp(argv[0], "unplug"))) {
		wait_s += plug ? CONTROL_PLUG_TIMEOUT_S : CONTROL_UNPLUG_TIMEOUT_S;
		for (int i = 1; i + 1 < argc; i++)
			if (!strcmp(argv[i], "--timeout")) {
				long t = strtol(argv[i + 1], NULL, 10);

				if (t > 0 && t <= CONTROL_UNPLUG_TIMEOUT_MAX_S)
					wait_s = CONTROL_CLIENT_WAIT_S + (int)t;
			}
	}
	return wait_s;
}

/* A word holding a line break would send a second request unseen: refuse it
 * (after saying so). */
static bool words_hold_a_line_break(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (strpbrk(argv[i], "\r\n")) {
			fprintf(stderr, "vmm ctl: word %d holds a line break: one request only\n",
				i + 1);
			return true;
		}
	return false;
}

/*
 * The word of a request that names a file the VMM will write: DIR of
 * `snapshot DIR [--stop]` (either order), PATH of `trace-file PATH|off`.
 * Its index in argv (argv[0] = COMMAND), or -1 if there is none.
 */
int control_client_path_word(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[0], "trace-file") && strcmp(argv[1], "off"))
		return 1;
	if (argc >= 2 && !strcmp(argv[0], "snapshot"))
		for (int i = 1; i < argc; i++)
			if (argv[i][0] != '-')
				return i;
	return -1;
}

/*
 * A relative path in a request is meant from where the user typed `vmm ctl`,
 * not from the VMM's working directory, which is not theirs to know (a VMM
 * started by a script or a service manager may sit anywhere). So it is made
 * absolute against the client's cwd before it is sent. The protocol splits
 * on blanks: a cwd holding one cannot be sent, and is refused. Returns the
 * word to send, malloc'd, or NULL after saying why.
 */
char *control_client_absolute(const char *word, const char *cwd)
{
	char *abs = NULL;

	if (word[0] == '/')
		cwd = "";
	else if (!cwd) {
		fprintf(stderr,
			"vmm ctl: %s is relative and the current directory is unknown: "
			"give an absolute path\n",
			word);
		return NULL;
	}
	if (strpbrk(cwd, " \t")) {
		fprintf(stderr,
			"vmm ctl: %s is relative and the current directory (%s) holds a "
			"blank, which a request cannot carry: give an absolute path\n",
			word, cwd);
		return NULL;
	}
	if (asprintf(&abs, "%s%s%s", cwd, !*cwd || cwd[strlen(cwd) - 1] == '/' ? "" : "/", word) <
	    0) {
		fprintf(stderr, "vmm ctl: out of memory\n");
		return NULL;
	}
	return abs;
}

/* The words joined by blanks, newline-terminated, into req; its length, or
 * 0 if it is longer than a request may be. */
static size_t build_request(int argc, char **argv, char req[CONTROL_MAX_LINE + 2])
{
	size_t len = 0;

	for (int i = 0; i < argc; i++) {
		int n =
		    snprintf(req + len, CONTROL_MAX_LINE + 2 - len, "%s%s", i ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= CONTROL_MAX_LINE + 2 - len - 1)
			return 0;
		len += (size_t)n;
	}
	req[len++] = '\n';
	return len;
}

/* Connected to the VMM at addr with the request sent; -1 after saying why. */
static int send_request(const struct sockaddr_un *addr, const char *req, size_t len)
{
	const char *path = addr->sun_path;
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) < 0) {
		fprintf(stderr, "vmm ctl: cannot reach the VMM at %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (send(fd, req, len, MSG_NOSIGNAL) != (ssize_t)len) {
		fprintf(stderr, "vmm ctl: sending to %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Read up to the first newline, however long (`cpus` with 512 vCPUs is
 * ~13 KB), waiting at most wait_s between reads. Returns what came
 * (malloc'd, *len bytes; NULL out of memory). */
static char *read_reply(int fd, const char *path, int wait_s, size_t *len)
{
	const size_t first_cap = 4096;
	size_t cap = first_cap;
	char *buf = malloc(cap);

	*len = 0;
	while (buf) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (*len == cap) {
			char *bigger = grow_for(buf, &cap, *len, 1, first_cap);

			if (!bigger)
				break;
			buf = bigger;
		}
		if (poll(&p, 1, wait_s * 1000) <= 0) {
			fprintf(stderr, "vmm ctl: no reply from %s within %d s\n", path, wait_s);
			break;
		}
		n = read(fd, buf + *len, cap - *len);
		if (n <= 0)
			break;
		*len += (size_t)n;
		if (memchr(buf + *len - (size_t)n, '\n', (size_t)n))
			break;
	}
	return buf;
}

/* Print what came; the exit status it earns. */
static int print_reply(const char *reply, size_t len)
{
	if (reply && len && reply[len - 1] == '\n') {
		fwrite(reply, 1, len, stdout);
		return strncmp(reply, "ok", 2) == 0 ? 0 : 1;
	}
	if (reply && len) {
		/* Not a whole line: the VMM went away (or dropped us) mid-reply. */
		fwrite(reply, 1, len, stdout);
		putchar('\n');
		fprintf(stderr,
			"vmm ctl: the VMM closed the connection in the middle of a reply\n");
	} else {
		fprintf(stderr, "vmm ctl: the VMM closed the connection without a reply\n");
	}
	return 2;
}

int control_client_main(int argc, char **argv)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char req[CONTROL_MAX_LINE + 2], *reply, err[200];
	struct stat st;
	char *given = NULL, *sent;
	size_t len;
	int fd, status, pw;

	if (argc < 3) {
		fprintf(stderr, "usage: vmm ctl SOCKET|NAME COMMAND [ARGS...]   (vmm ctl SOCKET "
				"help)\n");
		return 2;
	}
	if (control_name_resolve(argv[1], lstat(argv[1], &st) == 0, (unsigned int)geteuid(),
				 getenv("XDG_RUNTIME_DIR"), addr.sun_path, sizeof(addr.sun_path),
				 err, sizeof(err))) {
		fprintf(stderr, "vmm ctl: %s\n", err);
		return 2;
	}
	if (words_hold_a_line_break(argc - 2, argv + 2))
		return 2;
	pw = control_client_path_word(argc - 2, argv + 2);
	if (pw >= 0) {
		char *cwd = getcwd(NULL, 0);

		given = argv[2 + pw];
		sent = control_client_absolute(given, cwd);
		free(cwd);
		if (!sent)
			return 2;
		argv[2 + pw] = sent;
	}
	len = build_request(argc - 2, argv + 2, req);
	if (pw >= 0) {
		free(argv[2 + pw]);
		argv[2 + pw] = given;
	}
	if (!len) {
		fprintf(stderr, "vmm ctl: request too long (at most %d bytes)\n", CONTROL_MAX_LINE);
		return 2;
	}
	fd = send_request(&addr, req, len);
	if (fd < 0)
		return 2;
	reply = read_reply(fd, addr.sun_path, control_client_wait_s(argc - 2, argv + 2), &len);
	status = print_reply(reply, len);
	free(reply);
	close(fd);
	return status;
}
