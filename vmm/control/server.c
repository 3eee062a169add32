/*
 * The control socket's clients (contract in server.h; the listening socket
 * and its path are listener.c's, `vmm ctl` is client.c). Requests are
 * framed and parsed by the pure protocol.c and handed to the server's
 * execution callback.
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
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vmm/control/listener.h"
#include "vmm/output/strbuf.h"

struct control_reply {
	struct strbuf text;
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

	va_start(ap, fmt);
	strbuf_vprintf(&r->text, fmt, ap);
	va_end(ap);
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

void control_client_drop(struct control_client *c)
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
			control_client_drop(c);
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
			control_client_drop(c);
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
			control_client_drop(c);
			return;
		}
	}
	if (!c->out) {
		c->out = malloc(CONTROL_OUT_MAX);
		if (!c->out) {
			control_client_drop(c);
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
	struct strbuf *t = &r->text;

	/* A handler's own line end (the `stats` line has one) is not a blank. */
	while (t->len && (t->buf[t->len - 1] == '\n' || t->buf[t->len - 1] == '\r'))
		t->len--;
	if (t->len == 0 && fallback)
		strbuf_printf(t, "%s", fallback);
	if (t->len == 0)
		strbuf_printf(t, "error no reply");
	strbuf_printf(t, "\n");
	if (t->oom) {
		static const char oom[] = "error out of memory\n";

		queue_reply(c, oom, sizeof(oom) - 1, now);
	} else {
		/* One request, one line, whatever the handler wrote. */
		for (size_t i = 0; i + 1 < t->len; i++)
			if (t->buf[i] == '\n' || t->buf[i] == '\r')
				t->buf[i] = ' ';
		queue_reply(c, t->buf, t->len, now);
	}
	free(t->buf);
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
			free(r.text.buf);
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
		control_client_drop(c);
}

static void read_client(struct control_server *s, struct control_client *c, uint64_t now)
{
	ssize_t got = recv(c->fd, c->in, sizeof(c->in), MSG_DONTWAIT);

	if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (got < 0) {
		control_client_drop(c);
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
		free(r.text.buf);
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
			control_client_drop(c);
		else
			close_if_finished(c);
	}
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		struct control_client *c = &s->clients[i];

		if (c->fd >= 0 && c->pending)
			check_deferred(s, c, now);
		if (c->fd >= 0 && !c->pending && s->idle_timeout_ms > 0 &&
		    now - c->last_active_ms >= (uint64_t)s->idle_timeout_ms)
			control_client_drop(c);
	}
	if (s->accept_paused_until_ms && now >= s->accept_paused_until_ms)
		s->accept_paused_until_ms = 0;
	else if (n && fds[0].fd >= 0 && (fds[0].revents & POLLIN))
		control_listener_accept(s, now);
}
