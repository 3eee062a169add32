/*
 * The control socket's listening half (contract in server.h): the path,
 * and taking new clients in.
 *
 * The path is shared with whoever else runs a VMM on this host, so two
 * rules keep us from breaking theirs:
 *  - at start, a socket some VMM still accepts on is never replaced, and a
 *    file that is not a socket is never touched; only a stale socket (a
 *    connect() is refused: its VMM died) is removed and bound again;
 *  - at exit, the path is removed only if it still names the very socket we
 *    bound (same device and inode): a newer VMM may own the name by then.
 *
 * Taking clients in never evicts one: a newcomer finding every slot taken
 * is told so and closed. Running out of file descriptors must not make the
 * main loop spin on a listening socket it cannot accept from (see
 * control_listener_accept).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vmm/control/listener.h"

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

/* Make the path free to bind: nothing there, or a stale socket removed. */
static int claim_path(const struct sockaddr_un *addr, const char *path, char *err, size_t errlen)
{
	struct stat st;
	int live;

	if (lstat(path, &st) < 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "--control %s: exists and is not a socket; not replacing it",
			 path);
		return -1;
	}
	live = socket_is_live(addr);
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
	return 0;
}

/* A listening socket bound at addr, mode 0600; -1 with the reason in err. */
static int bind_socket(const struct sockaddr_un *addr, const char *path, char *err, size_t errlen)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	mode_t old_umask;

	if (fd < 0) {
		snprintf(err, errlen, "--control %s: socket: %s", path, strerror(errno));
		return -1;
	}
	old_umask = umask(0177); /* the socket is created 0600 */
	if (bind(fd, (const struct sockaddr *)addr, sizeof(*addr)) < 0 || listen(fd, 8) < 0) {
		snprintf(err, errlen, "--control %s: %s", path, strerror(errno));
		umask(old_umask);
		close(fd);
		return -1;
	}
	umask(old_umask);
	return fd;
}

int control_server_listen(struct control_server *s, const char *path, control_exec_fn exec,
			  char *err, size_t errlen)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct timespec now;
	struct stat st;
	int fd;

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
	if (claim_path(&addr, path, err, errlen))
		return -1;
	fd = bind_socket(&addr, path, err, errlen);
	if (fd < 0)
		return -1;
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
	clock_gettime(CLOCK_MONOTONIC, &now);
	s->started_ms = (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
	/* Best effort: without it, running out of fds pauses accepting instead. */
	s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return 0;
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
		control_client_drop(c);
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

static void refuse(int fd, const char *line)
{
	(void)!send(fd, line, strlen(line), MSG_DONTWAIT | MSG_NOSIGNAL);
	close(fd);
}

/* A new client in a free slot, or refused: all are taken. */
static void seat_client(struct control_server *s, int fd, uint64_t now)
{
	char line[96];
	int i;

	for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
		if (s->clients[i].fd < 0)
			break;
	if (i == CONTROL_MAX_CLIENTS) {
		snprintf(line, sizeof(line),
			 "error too many control clients (at most %d; idle ones are dropped)\n",
			 CONTROL_MAX_CLIENTS);
		refuse(fd, line);
		return;
	}
	memset(&s->clients[i], 0, sizeof(s->clients[i]));
	s->clients[i].fd = fd;
	s->clients[i].last_active_ms = now;
}

/*
 * Out of fds: the connection would stay queued and the listening socket
 * readable, so poll() would spin. Free the spare to take it, tell the client
 * why, and hold the spare again. Returns the accept error (0: refused one).
 */
static int refuse_with_spare(struct control_server *s)
{
	int fd, e;

	close(s->spare_fd);
	fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	e = fd < 0 ? errno : 0;
	if (fd >= 0)
		refuse(fd, "error the VMM is out of file descriptors\n");
	s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return e;
}

void control_listener_accept(struct control_server *s, uint64_t now)
{
	if (s->spare_fd < 0)
		s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	/* A few per wake-up: each one is progress, and the loop stays responsive. */
	for (int tries = 0; tries < 4; tries++) {
		int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		int e = fd < 0 ? errno : 0;

		if ((e == EMFILE || e == ENFILE) && s->spare_fd >= 0) {
			e = refuse_with_spare(s);
			if (!e)
				continue;
		}
		if (fd >= 0) {
			seat_client(s, fd, now);
			continue;
		}
		if (e == EAGAIN || e == EWOULDBLOCK || e == EINTR)
			return;
		if (e == ECONNABORTED)
			continue;
		/* EMFILE/ENFILE without a spare, ENOBUFS, ENOMEM...: the condition
		 * persists, so stop polling the socket for a while. */
		s->accept_paused_until_ms = now + CONTROL_ACCEPT_BACKOFF_MS;
		return;
	}
}
