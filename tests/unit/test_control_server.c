/*
 * Unit tests of the control socket server (vmm/control/listener.c, server.c,
 * client.c) over real UNIX sockets in a temporary directory, with a fake
 * execution callback in place of the VM: the socket path (a live socket is
 * never replaced, a stale one is, and on exit only our own socket is
 * removed), client slots and the idle timeout, replies that are delivered
 * whole or not at all, running out of file descriptors without spinning,
 * deferred replies, and `vmm ctl` noticing a reply cut short.
 *
 * The server and its clients share this one thread: every client-side wait
 * pumps the server's loop until a deadline (never a loop count).
 */
#define CHECK_FILE "control_server"
#include "tests/unit/check.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmm/control/server.h"

static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- a fake VM behind the server ---- */

static struct {
	int help;	  /* `help` requests executed */
	unsigned int seq; /* `cpus` replies numbered in order */
	size_t cpus_pad;  /* bytes of padding in a `cpus` reply */
	bool ready;	  /* the deferred `plug` may answer */
	bool answer_on_timeout;
	int defer_ms;
	int checks;
} fx;

static void fake_reset(void)
{
	memset(&fx, 0, sizeof(fx));
	fx.defer_ms = 5000;
	fx.answer_on_timeout = true;
}

static bool fake_check(struct control_server *s, const struct control_deferred *d, bool timed_out,
		       struct control_reply *r)
{
	(void)s;
	fx.checks++;
	if (fx.ready) {
		control_reply_add(r, "ok cpu %u is gone", (unsigned int)d->arg);
		return true;
	}
	if (timed_out && fx.answer_on_timeout)
		control_reply_add(r, "error the guest did not give cpu %u up within %d ms",
				  (unsigned int)d->arg, d->timeout_ms);
	return false;
}

static void fake_exec(struct control_server *s, const struct control_req *req,
		      struct control_reply *r)
{
	static const char pad[] = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
	struct control_deferred d = {.check = fake_check, .timeout_ms = fx.defer_ms};

	(void)s;
	switch (req->cmd) {
	case CONTROL_HELP:
		fx.help++;
		control_reply_add(r, "ok help");
		break;
	case CONTROL_CPUS:
		control_reply_add(r, "ok %06u ", fx.seq++);
		for (size_t n = 0; n < fx.cpus_pad; n += sizeof(pad) - 1)
			control_reply_add(r, "%.*s",
					  (int)(fx.cpus_pad - n < sizeof(pad) - 1
						    ? fx.cpus_pad - n
						    : sizeof(pad) - 1),
					  pad);
		break;
	case CONTROL_PLUG:
		d.arg = req->cpu;
		control_reply_defer(r, &d);
		break;
	case CONTROL_STATS:
		control_reply_add(r, "ok two\nlines\n"); /* the server keeps it one line */
		break;
	default:
		control_reply_add(r, "ok");
		break;
	}
}

/* ---- plumbing ---- */

static char dir[64], path[96];

static bool make_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vmm-ctl-test-XXXXXX");
	if (!mkdtemp(dir)) {
		printf("  mkdtemp: %s\n", strerror(errno));
		check_failed_in_case = 1;
		return false;
	}
	snprintf(path, sizeof(path), "%s/ctl.sock", dir);
	return true;
}

static void remove_dir(void)
{
	unlink(path);
	rmdir(dir);
}

static bool listen_at(struct control_server *s, const char *p)
{
	char err[256] = "";

	if (control_server_listen(s, p, fake_exec, err, sizeof(err))) {
		printf("  listen %s: %s\n", p, err);
		check_failed_in_case = 1;
		return false;
	}
	return true;
}

static int connect_to(const char *p)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", p);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		printf("  connect %s: %s\n", p, strerror(errno));
		check_failed_in_case = 1;
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Never blocks: the server that would drain the socket runs on this thread. */
static void say(int fd, const char *text)
{
	size_t len = strlen(text);

	CHECK_EQ(send(fd, text, len, MSG_NOSIGNAL | MSG_DONTWAIT), (ssize_t)len);
}

/* One turn of the main loop, waiting at most max_ms. */
static void turn(struct control_server *s, int max_ms)
{
	struct pollfd fds[1 + CONTROL_MAX_CLIENTS];
	unsigned int n = control_server_pollfds(s, fds);

	if (poll(fds, n, control_server_poll_timeout(s, max_ms)) < 0)
		for (unsigned int i = 0; i < n; i++)
			fds[i].revents = 0;
	control_server_handle(s, fds, n);
}

/* Run the server for ms milliseconds. */
static void pump(struct control_server *s, int ms)
{
	uint64_t end = ms_now() + (uint64_t)ms;

	for (uint64_t now = ms_now(); now < end; now = ms_now())
		turn(s, (int)(end - now));
}

static int nr_clients(const struct control_server *s)
{
	int n = 0;

	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		n += s->clients[i].fd >= 0;
	return n;
}

enum { LINE_TIMEOUT = -1, LINE_EOF = -2 };

/*
 * Read one line from fd within ms, pumping the server meanwhile. Returns its
 * length (newline stripped), LINE_TIMEOUT, or LINE_EOF (line then holds
 * whatever came before the end, cut or empty).
 */
static int read_line(struct control_server *s, int fd, char *line, size_t cap, int ms)
{
	uint64_t end = ms_now() + (uint64_t)ms;
	size_t len = 0;

	line[0] = '\0';
	for (;;) {
		char ch;
		ssize_t n = recv(fd, &ch, 1, MSG_DONTWAIT);

		if (n == 1) {
			if (ch == '\n')
				return (int)len;
			if (len + 1 < cap) {
				line[len++] = ch;
				line[len] = '\0';
			}
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			return LINE_EOF;
		uint64_t now = ms_now();

		if (now >= end)
			return LINE_TIMEOUT;
		if (s)
			turn(s, (int)(end - now) < 10 ? (int)(end - now) : 10);
		else
			poll(&(struct pollfd){.fd = fd, .events = POLLIN}, 1, (int)(end - now));
	}
}

/* A request and its one-line reply. */
static bool ask(struct control_server *s, int fd, const char *request, const char *want)
{
	char line[256];
	int n;

	say(fd, request);
	n = read_line(s, fd, line, sizeof(line), 5000);
	if (n < 0 || strcmp(line, want) != 0) {
		printf("  '%s' -> %d '%s', expected '%s'\n", request, n, line, want);
		check_failed_in_case = 1;
		return false;
	}
	return true;
}

/* A server at a fresh path with the fake VM, reset, behind it; false if
 * the case failed already (and said why). */
static bool start(struct control_server *s)
{
	if (!make_dir())
		return false;
	fake_reset();
	if (!listen_at(s, path)) {
		remove_dir();
		return false;
	}
	return true;
}

static void stop(struct control_server *s)
{
	control_server_close(s);
	remove_dir();
}

/* start() and one client connected: its fd, or -1 (all undone again). */
static int start_with_client(struct control_server *s)
{
	int fd;

	if (!start(s))
		return -1;
	fd = connect_to(path);
	if (fd < 0)
		stop(s);
	return fd;
}

/* ---- the socket path ---- */

TEST(a_live_socket_of_another_vmm_is_refused)
{
	struct control_server a, b;
	char err[256] = "";
	struct stat st;
	int fd;

	if (!start(&a))
		return;
	CHECK_EQ(stat(path, &st), 0);
	CHECK_EQ(st.st_mode & 0777, 0600);
	CHECK_EQ(control_server_listen(&b, path, fake_exec, err, sizeof(err)), -1);
	CHECK(strstr(err, "control socket") != NULL);
	CHECK(strstr(err, "is in use by another VMM") != NULL);
	CHECK(strstr(err, path) != NULL);
	CHECK(strchr(err, '\n') == NULL);
	/* the first VMM keeps its socket */
	fd = connect_to(path);
	if (fd >= 0) {
		ask(&a, fd, "help\n", "ok help");
		close(fd);
	}
	control_server_close(&a);
	CHECK(access(path, F_OK) != 0); /* our own socket goes with us */
	remove_dir();
}

TEST(a_stale_socket_is_replaced)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct control_server s;
	int stale, fd;

	if (!make_dir())
		return;
	fake_reset();
	/* what a VMM killed with SIGKILL leaves: a bound socket nobody accepts on */
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	stale = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_EQ(bind(stale, (struct sockaddr *)&addr, sizeof(addr)), 0);
	close(stale);
	if (listen_at(&s, path)) {
		fd = connect_to(path);
		if (fd >= 0) {
			ask(&s, fd, "help\n", "ok help");
			close(fd);
		}
		control_server_close(&s);
	}
	remove_dir();
}

TEST(a_file_that_is_not_a_socket_is_left_alone)
{
	struct control_server s;
	char err[256] = "", buf[16] = "";
	int fd;

	if (!make_dir())
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	CHECK_EQ(write(fd, "precious", 8), 8);
	close(fd);
	CHECK_EQ(control_server_listen(&s, path, fake_exec, err, sizeof(err)), -1);
	CHECK(strstr(err, "exists and is not a socket") != NULL);
	fd = open(path, O_RDONLY);
	CHECK_EQ(read(fd, buf, sizeof(buf) - 1), 8);
	CHECK_STR(buf, "precious");
	close(fd);
	remove_dir();
}

TEST(exit_leaves_a_newer_vmms_socket_alone)
{
	struct control_server old, newer;
	int fd;

	if (!make_dir())
		return;
	fake_reset();
	if (!listen_at(&old, path))
		goto out;
	/* Someone removes the name; a newer VMM takes it; then the old one exits. */
	CHECK_EQ(unlink(path), 0);
	if (!listen_at(&newer, path)) {
		control_server_close(&old);
		goto out;
	}
	control_server_close(&old);
	CHECK_EQ(access(path, F_OK), 0);
	fd = connect_to(path);
	if (fd >= 0) {
		ask(&newer, fd, "help\n", "ok help");
		close(fd);
	}
	control_server_close(&newer);
	CHECK(access(path, F_OK) != 0);
out:
	remove_dir();
}

/* ---- replies ---- */

TEST(pipelined_requests_get_whole_replies_in_order)
{
	struct control_server s;
	char line[256];
	int fd = start_with_client(&s);

	if (fd < 0)
		return;
	say(fd, "cpus\ncpus\nfrobnicate\ncpus\nstats\n");
	CHECK_EQ(read_line(&s, fd, line, sizeof(line), 5000), 10);
	CHECK_STR(line, "ok 000000 ");
	CHECK_EQ(read_line(&s, fd, line, sizeof(line), 5000), 10);
	CHECK_STR(line, "ok 000001 ");
	CHECK(read_line(&s, fd, line, sizeof(line), 5000) > 0);
	CHECK(strncmp(line, "error unknown command 'frobnicate'", 34) == 0);
	CHECK_EQ(read_line(&s, fd, line, sizeof(line), 5000), 10);
	CHECK_STR(line, "ok 000002 ");
	/* a handler's newlines never split its reply */
	CHECK(read_line(&s, fd, line, sizeof(line), 5000) > 0);
	CHECK_STR(line, "ok two lines");
	close(fd);
	stop(&s);
}

/* The server's end of the only client: a small socket buffer makes a reply
 * that does not fit at once easy to produce. */
static int shrink_server_sndbuf(struct control_server *s)
{
	int size = 4096;

	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		if (s->clients[i].fd >= 0)
			return setsockopt(s->clients[i].fd, SOL_SOCKET, SO_SNDBUF, &size,
					  sizeof(size));
	return -1;
}

TEST(a_slow_reader_gets_every_reply_whole)
{
	struct control_server s;
	static char line[4096];
	int fd = start_with_client(&s), n;

	if (fd < 0)
		return;
	fx.cpus_pad = 990; /* 1000-byte lines */
	ask(&s, fd, "help\n", "ok help");
	CHECK_EQ(shrink_server_sndbuf(&s), 0);
	/* 40 KB of replies: more than the socket takes, less than CONTROL_OUT_MAX */
	for (int i = 0; i < 40; i++)
		memcpy(line + 5 * i, "cpus\n", 6);
	say(fd, line);
	pump(&s, 200);
	CHECK_EQ(nr_clients(&s), 1);
	for (unsigned int i = 0; i < 40; i++) {
		char want[16];

		n = read_line(&s, fd, line, sizeof(line), 5000);
		snprintf(want, sizeof(want), "ok %06u ", i);
		if (n != 1000 || strncmp(line, want, 10) != 0 || strspn(line + 10, "x") != 990) {
			printf("  reply %u: %d bytes '%.20s...'\n", i, n, line);
			check_failed_in_case = 1;
			break;
		}
	}
	ask(&s, fd, "help\n", "ok help");
	close(fd);
	stop(&s);
}

TEST(a_reply_longer_than_the_buffer_reaches_a_client_that_reads)
{
	struct control_server s;
	static char line[CONTROL_OUT_MAX * 2];
	int fd = start_with_client(&s);

	if (fd < 0)
		return;
	fx.cpus_pad = CONTROL_OUT_MAX + CONTROL_OUT_MAX / 4;
	say(fd, "cpus\n");
	CHECK_EQ(read_line(&s, fd, line, sizeof(line), 5000), 10 + (int)fx.cpus_pad);
	CHECK_EQ(nr_clients(&s), 1);
	ask(&s, fd, "help\n", "ok help");
	close(fd);
	stop(&s);
}

TEST(a_client_that_never_reads_is_dropped_not_cut)
{
	struct control_server s;
	static char line[4096];
	unsigned int whole = 0;
	uint64_t end;
	int fd = start_with_client(&s), n, other;

	if (fd < 0)
		return;
	fx.cpus_pad = 990;
	ask(&s, fd, "help\n", "ok help");
	CHECK_EQ(shrink_server_sndbuf(&s), 0);
	/* 300 KB of replies that nobody reads: far beyond CONTROL_OUT_MAX. One
	 * send: each one costs the socket buffer a whole skb. */
	for (int i = 0; i < 300; i++)
		memcpy(line + 5 * i, "cpus\n", 6);
	say(fd, line);
	end = ms_now() + 5000;
	while (nr_clients(&s) > 0 && ms_now() < end)
		turn(&s, 10);
	CHECK_EQ(nr_clients(&s), 0);
	/* Everything it got is whole, numbered replies without a gap, then the
	 * end of the stream (the last one may be cut: it has no newline). */
	for (;;) {
		char want[16];

		n = read_line(NULL, fd, line, sizeof(line), 2000);
		if (n < 0)
			break;
		snprintf(want, sizeof(want), "ok %06u ", whole);
		if (n != 1000 || strncmp(line, want, 10) != 0) {
			printf("  reply %u: %d bytes '%.20s...'\n", whole, n, line);
			check_failed_in_case = 1;
			break;
		}
		whole++;
	}
	CHECK_EQ(n, LINE_EOF);
	CHECK(whole > 0 && whole < 300);
	close(fd);
	/* and the server serves others */
	other = connect_to(path);
	if (other >= 0) {
		ask(&s, other, "help\n", "ok help");
		close(other);
	}
	stop(&s);
}

TEST(a_half_closed_client_still_gets_its_replies)
{
	struct control_server s;
	char line[64];
	int fd = start_with_client(&s);

	if (fd < 0)
		return;
	say(fd, "help\nhelp\n");
	shutdown(fd, SHUT_WR);
	CHECK_EQ(read_line(&s, fd, line, sizeof(line), 5000), 7);
	CHECK_EQ(read_line(&s, fd, line, sizeof(line), 5000), 7);
	CHECK_EQ(read_line(&s, fd, line, sizeof(line), 5000), LINE_EOF);
	CHECK_EQ(nr_clients(&s), 0);
	close(fd);
	stop(&s);
}

/* ---- slots and idle clients ---- */

TEST(all_slots_taken_refuses_the_newest_and_idle_ones_leave)
{
	struct control_server s;
	int fds[CONTROL_MAX_CLIENTS], extra, again;
	char line[256];
	uint64_t end;

	if (!start(&s))
		return;
	s.idle_timeout_ms = 3000;
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		fds[i] = connect_to(path);
		ask(&s, fds[i], "help\n", "ok help");
	}
	CHECK_EQ(nr_clients(&s), CONTROL_MAX_CLIENTS);
	extra = connect_to(path);
	CHECK(read_line(&s, extra, line, sizeof(line), 5000) > 0);
	CHECK(strncmp(line, "error too many control clients", 30) == 0);
	CHECK_EQ(read_line(&s, extra, line, sizeof(line), 5000), LINE_EOF);
	close(extra);
	/* the established sessions are untouched */
	ask(&s, fds[0], "help\n", "ok help");
	/* Idle clients go after idle_timeout_ms, and the newcomer gets in. */
	end = ms_now() + 10000;
	while (nr_clients(&s) > 0 && ms_now() < end)
		turn(&s, 50);
	CHECK_EQ(nr_clients(&s), 0);
	for (int i = 0; i < CONTROL_MAX_CLIENTS && !nr_clients(&s); i++)
		CHECK_EQ(read_line(&s, fds[i], line, sizeof(line), 1000), LINE_EOF);
	again = connect_to(path);
	ask(&s, again, "help\n", "ok help");
	close(again);
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		close(fds[i]);
	stop(&s);
}

TEST(idle_timeout_spares_a_client_that_talks_and_drops_a_silent_one)
{
	struct control_server s;
	int talker, silent;
	uint64_t started, end, dropped_at = 0;
	char line[64];

	if (!start(&s))
		return;
	s.idle_timeout_ms = 2000;
	CHECK_EQ(control_server_poll_timeout(&s, -1), -1); /* no client, no deadline */
	started = ms_now();
	silent = connect_to(path);
	talker = connect_to(path);
	turn(&s, 100);
	CHECK(control_server_poll_timeout(&s, -1) >= 0);
	CHECK(control_server_poll_timeout(&s, -1) <= 2000);
	end = started + 3000;
	while (ms_now() < end) {
		ask(&s, talker, "help\n", "ok help");
		pump(&s, 100);
		if (!dropped_at && nr_clients(&s) == 1)
			dropped_at = ms_now();
	}
	CHECK_EQ(read_line(&s, silent, line, sizeof(line), 100), LINE_EOF);
	CHECK(dropped_at != 0);
	CHECK(dropped_at - started >= 2000); /* not before its time */
	ask(&s, talker, "help\n", "ok help");
	close(silent);
	close(talker);
	stop(&s);
}

/* ---- out of file descriptors ---- */

/*
 * In a child: a server in a process that has no fd left, one client knocking.
 * Reports how many times its loop turned in 1.5 s: a loop woken by a
 * listening socket it cannot accept from turns thousands of times.
 */
static int loop_turns_out_of_fds(bool spare, char *reply, size_t cap)
{
	int ready[2], result[2], turns = -1, fd, status;
	char byte;
	pid_t pid;

	if (pipe(ready) || pipe(result))
		return -1;
	pid = fork();
	if (pid == 0) {
		struct control_server s;
		struct rlimit rl;
		char err[256];
		int probe, n = 0;
		uint64_t end;

		close(ready[0]);
		close(result[0]);
		if (control_server_listen(&s, path, fake_exec, err, sizeof(err)))
			_exit(10);
		if (!spare) {
			close(s.spare_fd); /* as if it could never be opened */
			s.spare_fd = -1;
		}
		probe = open("/dev/null", O_RDONLY);
		close(probe);
		getrlimit(RLIMIT_NOFILE, &rl);
		rl.rlim_cur = (rlim_t)probe; /* every fd number below is taken */
		if (setrlimit(RLIMIT_NOFILE, &rl) || open("/dev/null", O_RDONLY) >= 0)
			_exit(11);
		if (write(ready[1], "r", 1) != 1)
			_exit(12);
		end = ms_now() + 1500;
		for (uint64_t now = ms_now(); now < end; now = ms_now(), n++)
			turn(&s, (int)(end - now));
		if (write(result[1], &n, sizeof(n)) != sizeof(n))
			_exit(13);
		_exit(0); /* no leak check: it needs fds this process has not got */
	}
	close(ready[1]);
	close(result[1]);
	if (pid < 0)
		goto out;
	if (poll(&(struct pollfd){.fd = ready[0], .events = POLLIN}, 1, 10000) != 1 ||
	    read(ready[0], &byte, 1) != 1) {
		printf("  the child did not get ready\n");
		goto wait;
	}
	fd = connect_to(path);
	if (fd >= 0) {
		read_line(NULL, fd, reply, cap, 3000);
		close(fd);
	}
	if (poll(&(struct pollfd){.fd = result[0], .events = POLLIN}, 1, 10000) != 1 ||
	    read(result[0], &turns, sizeof(turns)) != sizeof(turns))
		turns = -1;
wait:
	if (turns < 0)
		kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		printf("  the child ended with status 0x%x\n", status);
out:
	close(ready[0]);
	close(result[0]);
	return turns;
}

/* The out-of-fds case with or without the spare fd: the loop must not
 * spin. reply: what the knocking client was told ("" if nothing). */
static void check_no_spin_out_of_fds(bool spare, char *reply, size_t cap)
{
	int turns;

	reply[0] = '\0';
	if (!make_dir())
		return;
	fake_reset();
	turns = loop_turns_out_of_fds(spare, reply, cap);
	CHECK(turns >= 0);
	CHECK(turns < 200);
	if (turns >= 200)
		printf("  %d loop turns in 1.5 s\n", turns);
	remove_dir();
}

TEST(emfile_is_answered_with_the_spare_fd_without_spinning)
{
	char reply[128];

	check_no_spin_out_of_fds(true, reply, sizeof(reply));
	CHECK_STR(reply, "error the VMM is out of file descriptors");
}

TEST(emfile_without_a_spare_pauses_accepting_instead_of_spinning)
{
	char reply[128];

	check_no_spin_out_of_fds(false, reply, sizeof(reply));
}

/* ---- deferred replies ---- */

TEST(a_deferred_reply_holds_back_later_requests_until_answered)
{
	struct control_server s;
	char line[128];
	int fd = start_with_client(&s), other;

	if (fd < 0)
		return;
	other = connect_to(path);
	if (other < 0)
		goto close;
	say(fd, "plug 7\nhelp\n");
	CHECK_EQ(read_line(&s, fd, line, sizeof(line), 300), LINE_TIMEOUT);
	CHECK_EQ(fx.help, 0); /* waits behind the deferred reply */
	CHECK(fx.checks >= 2);
	/* re-checked often, not just at the deadline */
	CHECK(control_server_poll_timeout(&s, -1) <= CONTROL_DEFER_RECHECK_MS);
	/* other clients are served meanwhile */
	ask(&s, other, "help\n", "ok help");
	CHECK_EQ(fx.help, 1);
	fx.ready = true;
	CHECK(read_line(&s, fd, line, sizeof(line), 5000) > 0);
	CHECK_STR(line, "ok cpu 7 is gone");
	CHECK(read_line(&s, fd, line, sizeof(line), 5000) > 0);
	CHECK_STR(line, "ok help");
	CHECK_EQ(fx.help, 2);
	close(other);
close:
	close(fd);
	stop(&s);
}

TEST(a_deferred_reply_answers_at_its_deadline)
{
	struct control_server s;
	char line[128];
	uint64_t started;
	int fd = start_with_client(&s);

	if (fd < 0)
		return;
	fx.defer_ms = 300;
	started = ms_now();
	say(fd, "plug 3\n");
	CHECK(read_line(&s, fd, line, sizeof(line), 5000) > 0);
	CHECK_STR(line, "error the guest did not give cpu 3 up within 300 ms");
	CHECK(ms_now() - started >= 300);
	/* a check with nothing to say at the deadline still gets a reply */
	fx.answer_on_timeout = false;
	say(fd, "plug 4\nhelp\n");
	CHECK(read_line(&s, fd, line, sizeof(line), 5000) > 0);
	CHECK_STR(line, "error no answer within 300 ms");
	CHECK(read_line(&s, fd, line, sizeof(line), 5000) > 0);
	CHECK_STR(line, "ok help");
	close(fd);
	stop(&s);
}

TEST(a_deferred_reply_is_forgotten_when_its_client_leaves)
{
	struct control_server s;
	int fd = start_with_client(&s), checks;

	if (fd < 0)
		return;
	say(fd, "plug 5\n");
	pump(&s, 100);
	CHECK_EQ(nr_clients(&s), 1);
	close(fd);
	pump(&s, 100);
	CHECK_EQ(nr_clients(&s), 0);
	checks = fx.checks;
	pump(&s, 100);
	CHECK_EQ(fx.checks, checks);
	CHECK_EQ(control_server_poll_timeout(&s, -1), -1);
	stop(&s);
}

/* ---- vmm ctl ---- */

/* A fake VMM's listening socket at path (make_dir first), for `vmm ctl` to
 * reach. */
static int fake_vmm_listen(void)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	CHECK_EQ(bind(lfd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	CHECK_EQ(listen(lfd, 1), 0);
	return lfd;
}

/* `vmm ctl ARGV` in a child process, run in cwd (NULL: here), its output
 * thrown away: only its exit status counts. */
static pid_t vmm_ctl_child(int argc, char **argv, const char *cwd)
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (cwd && chdir(cwd))
			_exit(3);
		_exit(control_client_main(argc, argv));
	}
	return pid;
}

/* The child's exit status, or -1 if it did not exit. */
static int child_status(pid_t pid)
{
	int status;

	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* `vmm ctl` against a fake VMM that hangs up after part of a reply. */
TEST(vmm_ctl_reports_a_reply_cut_short)
{
	char req[64];
	int lfd, cfd;
	pid_t pid;

	if (!make_dir())
		return;
	lfd = fake_vmm_listen();
	pid = vmm_ctl_child(3, (char *[]){(char *)"ctl", path, (char *)"cpus", NULL}, NULL);
	if (poll(&(struct pollfd){.fd = lfd, .events = POLLIN}, 1, 10000) == 1) {
		cfd = accept(lfd, NULL, NULL);
		CHECK(read_line(NULL, cfd, req, sizeof(req), 5000) >= 0);
		CHECK_STR(req, "cpus");
		say(cfd, "ok 0:0x0:on"); /* no newline: cut */
		close(cfd);
	}
	CHECK_EQ(child_status(pid), 2);
	close(lfd);
	remove_dir();
}

/* A reply longer than `vmm ctl`'s first read buffer (4 KiB; `cpus` of 512
 * vCPUs is about 13 KB) is printed whole, the buffer grown on the way. */
TEST(vmm_ctl_prints_a_long_reply_whole)
{
	static char reply[20000], got[sizeof(reply) + 16];
	char req[64], out[96];
	int lfd, cfd, ofd;
	ssize_t n = -1;
	pid_t pid;

	if (!make_dir())
		return;
	memset(reply, 'x', sizeof(reply) - 1);
	memcpy(reply, "ok ", 3);
	reply[sizeof(reply) - 2] = '\n';
	snprintf(out, sizeof(out), "%s/out", dir);
	lfd = fake_vmm_listen();
	pid = fork();
	if (pid == 0) {
		char *argv[] = {(char *)"ctl", path, (char *)"cpus", NULL};
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600), status;

		dup2(fd, STDOUT_FILENO);
		status = control_client_main(3, argv);
		fflush(stdout); /* _exit does not: what main's return would write */
		_exit(status);
	}
	if (poll(&(struct pollfd){.fd = lfd, .events = POLLIN}, 1, 10000) == 1) {
		cfd = accept(lfd, NULL, NULL);
		CHECK(read_line(NULL, cfd, req, sizeof(req), 5000) >= 0);
		say(cfd, reply);
		close(cfd);
	}
	CHECK_EQ(child_status(pid), 0);
	ofd = open(out, O_RDONLY);
	if (ofd >= 0) {
		n = read(ofd, got, sizeof(got));
		close(ofd);
	}
	CHECK_EQ(n, (ssize_t)strlen(reply));
	CHECK(n > 0 && !memcmp(got, reply, (size_t)n));
	unlink(out);
	close(lfd);
	remove_dir();
}

/* A word with a line break would make two requests of one `vmm ctl` (the
 * second, say `quit`, executed unseen): refused before connecting. */
TEST(vmm_ctl_refuses_a_line_break_in_a_word)
{
	char req[64];
	bool connected = false;
	int lfd, cfd;
	pid_t pid;

	if (!make_dir())
		return;
	lfd = fake_vmm_listen();
	pid = vmm_ctl_child(3, (char *[]){(char *)"ctl", path, (char *)"cpus\nquit", NULL}, NULL);
	if (poll(&(struct pollfd){.fd = lfd, .events = POLLIN}, 1, 2000) == 1) {
		connected = true;
		cfd = accept(lfd, NULL, NULL);
		CHECK(read_line(NULL, cfd, req, sizeof(req), 5000) >= 0);
		say(cfd, "ok\n");
		close(cfd);
	}
	CHECK(!connected);
	CHECK_EQ(child_status(pid), 2);
	close(lfd);
	remove_dir();
}

/* `snapshot DIR` and `trace-file PATH` name files the VMM writes: a
 * relative one is made absolute against the client's own directory, since
 * the VMM's working directory is not the user's. */
TEST(vmm_ctl_finds_the_path_word)
{
	char *snap[] = {"snapshot", "d"}, *snap_stop[] = {"snapshot", "--stop", "d"};
	char *tf[] = {"trace-file", "t.jsonl"}, *tf_off[] = {"trace-file", "off"};
	char *cpus[] = {"cpus", "x"}, *snap_bare[] = {"snapshot"};

	CHECK_EQ(control_client_path_word(2, snap), 1);
	CHECK_EQ(control_client_path_word(3, snap_stop), 2);
	CHECK_EQ(control_client_path_word(2, tf), 1);
	CHECK_EQ(control_client_path_word(2, tf_off), -1);
	CHECK_EQ(control_client_path_word(2, cpus), -1);
	CHECK_EQ(control_client_path_word(1, snap_bare), -1);
}

TEST(vmm_ctl_makes_a_relative_path_absolute)
{
	const char *abs = "/var/snap";
	char *p;
	int null = open("/dev/null", O_WRONLY), err = dup(STDERR_FILENO);

	p = control_client_absolute(abs, "/home/u");
	CHECK_STR(p, abs);
	free(p);
	p = control_client_absolute(abs, NULL);
	CHECK_STR(p, abs);
	free(p);
	p = control_client_absolute("snap", "/home/u");
	CHECK_STR(p, "/home/u/snap");
	free(p);
	p = control_client_absolute("a/b", "/");
	CHECK_STR(p, "/a/b");
	free(p);
	dup2(null, STDERR_FILENO); /* the refusals say why on stderr */
	CHECK(control_client_absolute("snap", "/home/my files") == NULL);
	CHECK(control_client_absolute("snap", NULL) == NULL);
	dup2(err, STDERR_FILENO);
	close(err);
	close(null);
}

/* End to end: what reaches the VMM is the path from the client's cwd. */
TEST(vmm_ctl_sends_a_relative_snapshot_dir_from_its_cwd)
{
	char req[PATH_MAX + 32], want[PATH_MAX + 32], real[PATH_MAX];
	int lfd, cfd;
	pid_t pid;

	if (!make_dir())
		return;
	CHECK(realpath(dir, real) != NULL);
	snprintf(want, sizeof(want), "snapshot --stop %s/snap", real);
	lfd = fake_vmm_listen();
	pid = vmm_ctl_child(5,
			    (char *[]){(char *)"ctl", path, (char *)"snapshot", (char *)"--stop",
				       (char *)"snap", NULL},
			    dir);
	if (poll(&(struct pollfd){.fd = lfd, .events = POLLIN}, 1, 10000) == 1) {
		cfd = accept(lfd, NULL, NULL);
		CHECK(read_line(NULL, cfd, req, sizeof(req), 5000) >= 0);
		CHECK_STR(req, want);
		say(cfd, "ok 1 1\n");
		close(cfd);
	}
	CHECK_EQ(child_status(pid), 0);
	close(lfd);
	remove_dir();
}

/* `vmm ctl` waits 10 s for a reply, but an ACPI unplug's reply may come
 * only at its --timeout: the client must outwait the server. */
TEST(vmm_ctl_outwaits_an_unplug_reply)
{
	char *plain[] = {"stats"};
	char *unplug[] = {"unplug", "2"};
	char *unplug_t[] = {"unplug", "2", "--timeout", "90"};
	char *unplug_bad[] = {"unplug", "2", "--timeout", "zillion"};

	CHECK_EQ(control_client_wait_s(1, plain), CONTROL_CLIENT_WAIT_S);
	CHECK(control_client_wait_s(2, unplug) > CONTROL_UNPLUG_TIMEOUT_S);
	CHECK(control_client_wait_s(4, unplug_t) > 90);
	CHECK(control_client_wait_s(4, unplug_bad) > CONTROL_UNPLUG_TIMEOUT_S);
}

/* An ACPI plug's reply waits for the guest's _OST, up to its --timeout. */
TEST(vmm_ctl_outwaits_a_plug_reply)
{
	char *plug[] = {"plug", "2"};
	char *plug_t[] = {"plug", "2", "--timeout", "45"};

	CHECK(control_client_wait_s(2, plug) > CONTROL_PLUG_TIMEOUT_S);
	CHECK(control_client_wait_s(4, plug_t) > 45);
}

CHECK_MAIN_BEGIN
signal(SIGPIPE, SIG_IGN);
alarm(120); /* a deadlocked case fails the run instead of hanging it */
RUN(a_live_socket_of_another_vmm_is_refused);
RUN(a_stale_socket_is_replaced);
RUN(a_file_that_is_not_a_socket_is_left_alone);
RUN(exit_leaves_a_newer_vmms_socket_alone);
RUN(pipelined_requests_get_whole_replies_in_order);
RUN(a_slow_reader_gets_every_reply_whole);
RUN(a_reply_longer_than_the_buffer_reaches_a_client_that_reads);
RUN(a_client_that_never_reads_is_dropped_not_cut);
RUN(a_half_closed_client_still_gets_its_replies);
RUN(all_slots_taken_refuses_the_newest_and_idle_ones_leave);
RUN(idle_timeout_spares_a_client_that_talks_and_drops_a_silent_one);
RUN(emfile_is_answered_with_the_spare_fd_without_spinning);
RUN(emfile_without_a_spare_pauses_accepting_instead_of_spinning);
RUN(a_deferred_reply_holds_back_later_requests_until_answered);
RUN(a_deferred_reply_answers_at_its_deadline);
RUN(a_deferred_reply_is_forgotten_when_its_client_leaves);
RUN(vmm_ctl_reports_a_reply_cut_short);
RUN(vmm_ctl_prints_a_long_reply_whole);
RUN(vmm_ctl_refuses_a_line_break_in_a_word);
RUN(vmm_ctl_finds_the_path_word);
RUN(vmm_ctl_makes_a_relative_path_absolute);
RUN(vmm_ctl_sends_a_relative_snapshot_dir_from_its_cwd);
RUN(vmm_ctl_outwaits_an_unplug_reply);
RUN(vmm_ctl_outwaits_a_plug_reply);
CHECK_MAIN_END
