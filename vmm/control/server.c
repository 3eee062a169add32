/*
 * Control socket server (the socket half; see control_server.h for the
 * contract) and the `vmm ctl` client. Requests are framed and parsed by the
 * pure control.c and handed to the server's execution callback.
 *
 * A client slot moves through:
 *
 *   free --accept--> reading --request deferred--> pending --answered/deadline--> reading
 *                      |  ^                           (its later requests wait in `in`)
 *                      |  '-- unsent reply bytes wait in `out`, flushed on POLLOUT
 *                      '--> free: hang-up, idle for idle_timeout_ms, or `out` would overflow
 *
 * The rule that is easy to get wrong: a reply is either delivered whole, in
 * order, or the client is dropped. Sending "what fits" and forgetting the
 * rest would desync every later reply on that connection.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vmm/control/server.h"

struct control_reply {
	char *buf;
	size_t len, cap;
	bool oom;
	bool deferred;
	struct control_deferred d;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void control_reply_add(struct control_reply *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->oom)
		return;
	for (;;) {
		size_t room = r->cap - r->len;

		va_start(ap, fmt);
		n = vsnprintf(r->buf ? r->buf + r->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			r->oom = true;
			return;
		}
		if ((size_t)n < room) {
			r->len += (size_t)n;
			return;
		}
		size_t cap = r->cap ? r->cap * 2 : 256;

		while (cap - r->len <= (size_t)n)
			cap *= 2;
		char *bigger = realloc(r->buf, cap);

		if (!bigger) {
			r->oom = true;
			return;
		}
		r->buf = bigger;
		r->cap = cap;
	}
}

void control_reply_defer(struct control_reply *r, const struct control_deferred *d)
{
	r->deferred = true;
	r->d = *d;
	if (r->d.timeout_ms < 1)
		r->d.timeout_ms = 1;
	if (r->d.timeout_ms > CONTROL_DEFER_MAX_TIMEOUT_MS)
		r->d.timeout_ms = CONTROL_DEFER_MAX_TIMEOUT_MS;
}

/* ---- the socket path ---- */

/* Does a server accept on the socket at path? 1 yes, 0 no (stale), -errno
 * if it cannot be told. Non-blocking, so a live server with a full backlog
 * (EAGAIN) cannot hang us; a UNIX connect() succeeds once queued. */
static int socket_is_live(const struct sockaddr_un *addr)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int ret;

	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0)
		ret = 1;
	else if (errno == EAGAIN || errno == EWOULDBLOCK)
		ret = 1;
	else if (errno == ECONNREFUSED)
		ret = 0;
	else
		ret = -errno;
	close(fd);
	return ret;
}

int control_server_listen(struct control_server *s, const char *path, control_exec_fn exec,
			  char *err, size_t errlen)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct stat st;
	mode_t old_umask;
	int fd, live;

	memset(s, 0, sizeof(*s));
	s->listen_fd = -1;
	s->spare_fd = -1;
	s->idle_timeout_ms = CONTROL_IDLE_TIMEOUT_MS;
	s->exec = exec;
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		s->clients[i].fd = -1;
	if (strlen(path) >= sizeof(addr.sun_path)) {
		snprintf(err, errlen, "--control %s: path too long", path);
		return -1;
	}
	strcpy(addr.sun_path, path);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen,
				 "--control %s: exists and is not a socket; not replacing it",
				 path);
			return -1;
		}
		live = socket_is_live(&addr);
		if (live > 0) {
			snprintf(err, errlen, "control socket %s is in use by another VMM", path);
			return -1;
		}
		if (live < 0) {
			snprintf(err, errlen,
				 "--control %s: cannot tell whether the socket is in use (%s); not "
				 "replacing it",
				 path, strerror(-live));
			return -1;
		}
		/* Nobody listens: a stale socket from a VMM that died. */
		if (unlink(path) < 0 && errno != ENOENT) {
			snprintf(err, errlen, "--control %s: removing the stale socket: %s", path,
				 strerror(errno));
			return -1;
		}
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "--control %s: socket: %s", path, strerror(errno));
		return -1;
	}
	old_umask = umask(0177); /* the socket is created 0600 */
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 8) < 0) {
		snprintf(err, errlen, "--control %s: %s", path, strerror(errno));
		umask(old_umask);
		close(fd);
		return -1;
	}
	umask(old_umask);
	/* Remember which socket is ours: on exit the name may belong to a newer
	 * VMM (ours was removed and the name reused), which we must not unlink. */
	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "--control %s: stat after bind: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	s->sock_dev = st.st_dev;
	s->sock_ino = st.st_ino;
	s->path = path;
	s->listen_fd = fd;
	/* Best effort: without it, running out of fds pauses accepting instead. */
	s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return 0;
}

/* ---- clients ---- */

static void drop_client(struct control_client *c)
{
	/* Only the fd and the buffers: control_feed may still be walking c->conn
	 * and c->in when a reply drops the client. */
	close(c->fd);
	c->fd = -1;
	free(c->out);
	c->out = NULL;
	c->out_len = 0;
	c->in_off = c->in_len = 0;
	c->pending = false;
}

void control_server_close(struct control_server *s)
{
	struct stat st;

	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		struct control_client *c = &s->clients[i];

		if (c->fd < 0)
			continue;
		/* A last reply (`quit`'s "ok") still in the buffer: one try. */
		if (c->out_len)
			(void)!send(c->fd, c->out, c->out_len, MSG_DONTWAIT | MSG_NOSIGNAL);
		drop_client(c);
	}
	if (s->listen_fd >= 0) {
		close(s->listen_fd);
		if (lstat(s->path, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == s->sock_dev &&
		    st.st_ino == s->sock_ino)
			unlink(s->path);
	}
	if (s->spare_fd >= 0)
		close(s->spare_fd);
	s->listen_fd = -1;
	s->spare_fd = -1;
}

/* Send what the socket takes now. Returns false if the client was dropped. */
static bool flush_client(struct control_client *c, uint64_t now)
{
	while (c->out_len) {
		ssize_t n = send(c->fd, c->out, c->out_len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		if (n <= 0) {
			drop_client(c);
			return false;
		}
		memmove(c->out, c->out + n, c->out_len - (size_t)n);
		c->out_len -= (size_t)n;
		c->last_active_ms = now; /* it reads: not idle */
	}
	return true;
}

/* Queue one whole reply behind what is already waiting. */
static void queue_reply(struct control_client *c, const char *data, size_t len, uint64_t now)
{
	/* Nothing waiting: straight to the socket, so that only what it cannot
	 * take counts against CONTROL_OUT_MAX (a long `cpus` line to a client
	 * that reads is never a reason to drop it). */
	while (!c->out_len && len) {
		ssize_t n = send(c->fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			drop_client(c);
			return;
		}
		data += n;
		len -= (size_t)n;
		c->last_active_ms = now;
	}
	if (!len)
		return;
	if (c->out_len + len > CONTROL_OUT_MAX) {
		/* It does not read its replies: end the stream rather than cut it. */
		if (!flush_client(c, now))
			return;
		if (c->out_len + len > CONTROL_OUT_MAX) {
			drop_client(c);
			return;
		}
	}
	if (!c->out) {
		c->out = malloc(CONTROL_OUT_MAX);
		if (!c->out) {
			drop_client(c);
			return;
		}
	}
	memcpy(c->out + c->out_len, data, len);
	c->out_len += len;
	flush_client(c, now);
}

/* End the reply line and queue it. Frees r's text. */
static void finish_reply(struct control_client *c, struct control_reply *r, const char *fallback,
			 uint64_t now)
{
	/* A handler's own line end (the `stats` line has one) is not a blank. */
	while (r->len && (r->buf[r->len - 1] == '\n' || r->buf[r->len - 1] == '\r'))
		r->len--;
	if (!r->oom && r->len == 0 && fallback)
		control_reply_add(r, "%s", fallback);
	if (!r->oom && r->len == 0)
		control_reply_add(r, "error no reply");
	if (!r->oom)
		control_reply_add(r, "\n");
	if (r->oom) {
		static const char oom[] = "error out of memory\n";

		queue_reply(c, oom, sizeof(oom) - 1, now);
	} else {
		/* One request, one line, whatever the handler wrote. */
		for (size_t i = 0; i + 1 < r->len; i++)
			if (r->buf[i] == '\n' || r->buf[i] == '\r')
				r->buf[i] = ' ';
		queue_reply(c, r->buf, r->len, now);
	}
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

struct line_ctx {
	struct control_server *s;
	struct control_client *c;
	uint64_t now;
};

static void on_line(void *ctx, const char *text, bool too_long)
{
	struct line_ctx *lc = ctx;
	struct control_client *c = lc->c;
	struct control_reply r = {0};
	struct control_req req;
	char err[160];

	if (c->fd < 0)
		return;
	if (too_long) {
		control_reply_add(&r, "error line too long (at most %d bytes)", CONTROL_MAX_LINE);
	} else if (control_parse(text, &req, err, sizeof(err))) {
		control_reply_add(&r, "error %s", err);
	} else {
		lc->s->exec(lc->s, &req, &r);
		if (r.deferred) {
			c->pending = true;
			c->deferred = r.d;
			c->deadline_ms = lc->now + (uint64_t)r.d.timeout_ms;
			free(r.buf);
			return;
		}
	}
	finish_reply(c, &r, NULL, lc->now);
}

/* Serve the requests read but not yet served, one line at a time, so that a
 * deferred reply holds back exactly the requests after it. */
static void serve_input(struct control_server *s, struct control_client *c, uint64_t now)
{
	struct line_ctx lc = {s, c, now};

	while (c->fd >= 0 && !c->pending && c->in_off < c->in_len) {
		const char *start = c->in + c->in_off;
		const char *nl = memchr(start, '\n', c->in_len - c->in_off);
		size_t n = nl ? (size_t)(nl - start) + 1 : c->in_len - c->in_off;

		c->in_off += n;
		control_feed(&c->conn, start, n, on_line, &lc);
	}
	if (c->fd >= 0 && c->in_off == c->in_len)
		c->in_off = c->in_len = 0;
}

/* A client that has shut down its side and has nothing more coming is done. */
static void close_if_finished(struct control_client *c)
{
	if (c->fd >= 0 && c->eof && !c->pending && !c->in_len && !c->out_len)
		drop_client(c);
}

static void read_client(struct control_server *s, struct control_client *c, uint64_t now)
{
	ssize_t got = recv(c->fd, c->in, sizeof(c->in), MSG_DONTWAIT);

	if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (got < 0) {
		drop_client(c);
		return;
	}
	if (got == 0) {
		/* Half-closed (`printf 'cpus\n' | socat - UNIX:...`): still answer. */
		c->eof = true;
		close_if_finished(c);
		return;
	}
	c->last_active_ms = now;
	c->in_off = 0;
	c->in_len = (size_t)got;
	serve_input(s, c, now);
	close_if_finished(c);
}

static void check_deferred(struct control_server *s, struct control_client *c, uint64_t now)
{
	struct control_reply r = {0};
	bool timed_out = now >= c->deadline_ms;
	char fallback[64];

	if (!c->deferred.check(s, &c->deferred, timed_out, &r) && !timed_out) {
		free(r.buf);
		return;
	}
	c->pending = false;
	c->last_active_ms = now;
	snprintf(fallback, sizeof(fallback), "error no answer within %d ms",
		 c->deferred.timeout_ms);
	r.deferred = false; /* a check answers; it cannot defer again */
	finish_reply(c, &r, fallback, now);
	serve_input(s, c, now);
	close_if_finished(c);
}

static void refuse(int fd, const char *line)
{
	(void)!send(fd, line, strlen(line), MSG_DONTWAIT | MSG_NOSIGNAL);
	close(fd);
}

static void accept_clients(struct control_server *s, uint64_t now)
{
	if (s->spare_fd < 0)
		s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	/* A few per wake-up: each one is progress, and the loop stays responsive. */
	for (int tries = 0; tries < 4; tries++) {
		int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		int e = fd < 0 ? errno : 0, i;

		if ((e == EMFILE || e == ENFILE) && s->spare_fd >= 0) {
			/* Out of fds: the connection would stay queued and the listening
			 * socket readable, so poll() would spin. Free the spare to take
			 * it, tell the client why, and hold the spare again. */
			close(s->spare_fd);
			fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
			e = fd < 0 ? errno : 0;
			if (fd >= 0)
				refuse(fd, "error the VMM is out of file descriptors\n");
			s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
			if (fd >= 0)
				continue;
		}
		if (fd < 0) {
			if (e == EAGAIN || e == EWOULDBLOCK || e == EINTR)
				return;
			if (e == ECONNABORTED)
				continue;
			/* EMFILE/ENFILE without a spare, ENOBUFS, ENOMEM...: the
			 * condition persists, so stop polling the socket for a while. */
			s->accept_paused_until_ms = now + CONTROL_ACCEPT_BACKOFF_MS;
			return;
		}
		for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
			if (s->clients[i].fd < 0)
				break;
		if (i == CONTROL_MAX_CLIENTS) {
			char line[96];

			snprintf(line, sizeof(line),
				 "error too many control clients (at most %d; idle ones are "
				 "dropped)\n",
				 CONTROL_MAX_CLIENTS);
			refuse(fd, line);
			continue;
		}
		memset(&s->clients[i], 0, sizeof(s->clients[i]));
		s->clients[i].fd = fd;
		s->clients[i].last_active_ms = now;
	}
}

unsigned int control_server_pollfds(struct control_server *s, struct pollfd *fds)
{
	unsigned int n = 0;
	bool paused = s->accept_paused_until_ms != 0;

	fds[n++] = (struct pollfd){.fd = paused ? -1 : s->listen_fd, .events = POLLIN};
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		struct control_client *c = &s->clients[i];
		short events = 0;

		if (c->fd < 0)
			continue;
		/* Not reading while requests wait behind a deferred reply pushes
		 * back on the client. POLLHUP/POLLERR are reported regardless. */
		if (!c->pending && !c->in_len && !c->eof)
			events |= POLLIN;
		if (c->out_len)
			events |= POLLOUT;
		fds[n++] = (struct pollfd){.fd = c->fd, .events = events};
	}
	return n;
}

/* Shorten *best (-1: none) to the time left until deadline. */
static void nearer(int *best, uint64_t deadline, uint64_t now)
{
	uint64_t left = deadline > now ? deadline - now : 0;
	int ms = left > INT_MAX ? INT_MAX : (int)left;

	if (*best < 0 || ms < *best)
		*best = ms;
}

int control_server_poll_timeout(const struct control_server *s, int timeout_ms)
{
	uint64_t now;

	if (!s || s->listen_fd < 0)
		return timeout_ms;
	now = now_ms();
	if (s->accept_paused_until_ms)
		nearer(&timeout_ms, s->accept_paused_until_ms, now);
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		const struct control_client *c = &s->clients[i];

		if (c->fd < 0)
			continue;
		if (c->pending) {
			nearer(&timeout_ms, c->deadline_ms, now);
			nearer(&timeout_ms, now + CONTROL_DEFER_RECHECK_MS, now);
		} else if (s->idle_timeout_ms > 0) {
			nearer(&timeout_ms, c->last_active_ms + (uint64_t)s->idle_timeout_ms, now);
		}
	}
	return timeout_ms;
}

static struct control_client *client_by_fd(struct control_server *s, int fd)
{
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		if (s->clients[i].fd == fd && fd >= 0)
			return &s->clients[i];
	return NULL;
}

void control_server_handle(struct control_server *s, const struct pollfd *fds, unsigned int n)
{
	uint64_t now = now_ms();

	for (unsigned int k = 1; k < n; k++) {
		struct control_client *c = client_by_fd(s, fds[k].fd);
		short ev = fds[k].revents;

		if (!c || !ev)
			continue;
		if ((ev & POLLOUT) && !flush_client(c, now))
			continue;
		if ((ev & POLLIN) && (fds[k].events & POLLIN)) {
			read_client(s, c, now);
			continue;
		}
		/* Gone for good (hang-up or error) and we are not reading it: a
		 * read would tell the same, so drop it now instead of spinning. */
		if (ev & (POLLHUP | POLLERR | POLLNVAL))
			drop_client(c);
		else
			close_if_finished(c);
	}
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		struct control_client *c = &s->clients[i];

		if (c->fd >= 0 && c->pending)
			check_deferred(s, c, now);
		if (c->fd >= 0 && !c->pending && s->idle_timeout_ms > 0 &&
		    now - c->last_active_ms >= (uint64_t)s->idle_timeout_ms)
			drop_client(c);
	}
	if (s->accept_paused_until_ms && now >= s->accept_paused_until_ms)
		s->accept_paused_until_ms = 0;
	else if (n && fds[0].fd >= 0 && (fds[0].revents & POLLIN))
		accept_clients(s, now);
}

/* ---- `vmm ctl` ---- */

/*
 * How long `vmm ctl` waits for its reply: 10 s, but an ACPI `unplug` may
 * legitimately wait for the guest up to its --timeout (the server answers by
 * then), so give it that plus the same margin.
 */
int control_client_wait_s(int argc, char **argv)
{
	int wait_s = CONTROL_CLIENT_WAIT_S;

	if (argc >= 1 && !strcmp(argv[0], "unplug")) {
		wait_s += CONTROL_UNPLUG_TIMEOUT_S;
		for (int i = 1; i + 1 < argc; i++)
			if (!strcmp(argv[i], "--timeout")) {
				long t = strtol(argv[i + 1], NULL, 10);

				if (t > 0 && t <= CONTROL_UNPLUG_TIMEOUT_MAX_S)
					wait_s = CONTROL_CLIENT_WAIT_S + (int)t;
			}
	}
	return wait_s;
}

int control_client_main(int argc, char **argv)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char req[CONTROL_MAX_LINE + 2], *reply_buf;
	size_t len = 0, cap = 4096;
	int fd, status = 2, wait_s;

	if (argc < 3) {
		fprintf(stderr,
			"usage: vmm ctl SOCKET COMMAND [ARGS...]   (vmm ctl SOCKET help)\n");
		return 2;
	}
	wait_s = control_client_wait_s(argc - 2, argv + 2);
	if (strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "vmm ctl: socket path too long\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	for (int i = 2; i < argc; i++) {
		int n = snprintf(req + len, sizeof(req) - len, "%s%s", i > 2 ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(req) - len - 1) {
			fprintf(stderr, "vmm ctl: request too long (at most %d bytes)\n",
				CONTROL_MAX_LINE);
			return 2;
		}
		len += (size_t)n;
	}
	req[len++] = '\n';
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		fprintf(stderr, "vmm ctl: cannot reach the VMM at %s: %s\n", argv[1],
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return 2;
	}
	if (send(fd, req, len, MSG_NOSIGNAL) != (ssize_t)len) {
		fprintf(stderr, "vmm ctl: sending to %s: %s\n", argv[1], strerror(errno));
		close(fd);
		return 2;
	}
	/* One reply line, however long (`cpus` with 512 vCPUs is ~13 KB). */
	len = 0;
	reply_buf = malloc(cap);
	while (reply_buf) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (len == cap) {
			char *bigger = realloc(reply_buf, cap * 2);

			if (!bigger)
				break;
			reply_buf = bigger;
			cap *= 2;
		}
		if (poll(&p, 1, wait_s * 1000) <= 0) {
			fprintf(stderr, "vmm ctl: no reply from %s within %d s\n", argv[1], wait_s);
			break;
		}
		n = read(fd, reply_buf + len, cap - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		if (memchr(reply_buf + len - (size_t)n, '\n', (size_t)n))
			break;
	}
	if (reply_buf && len && reply_buf[len - 1] == '\n') {
		fwrite(reply_buf, 1, len, stdout);
		status = strncmp(reply_buf, "ok", 2) == 0 ? 0 : 1;
	} else if (reply_buf && len) {
		/* Not a whole line: the VMM went away (or dropped us) mid-reply. */
		fwrite(reply_buf, 1, len, stdout);
		putchar('\n');
		fprintf(stderr,
			"vmm ctl: the VMM closed the connection in the middle of a reply\n");
	} else {
		fprintf(stderr, "vmm ctl: the VMM closed the connection without a reply\n");
	}
	free(reply_buf);
	close(fd);
	return status;
}
