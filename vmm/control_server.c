/*
 * Control socket server and client. Requests are parsed by the pure
 * control.c and executed here against the running VM's PSCI state and
 * counters; no request ever waits on a vCPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vmm/control_server.h"
#include "vmm/vm.h"

int control_server_open(struct control_server *s, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct stat st;
	mode_t old_umask;
	int fd;

	memset(s, 0, sizeof(*s));
	s->listen_fd = -1;
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		s->clients[i].fd = -1;
	if (strlen(path) >= sizeof(addr.sun_path)) {
		snprintf(err, errlen, "--control %s: path too long", path);
		return -1;
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen,
				 "--control %s: exists and is not a socket; not replacing it",
				 path);
			return -1;
		}
		unlink(path); /* a stale socket from an earlier run */
	}
	strcpy(addr.sun_path, path);
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
	s->path = path;
	s->listen_fd = fd;
	return 0;
}

void control_server_close(struct control_server *s)
{
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		if (s->clients[i].fd >= 0)
			close(s->clients[i].fd);
	if (s->listen_fd >= 0) {
		close(s->listen_fd);
		unlink(s->path);
	}
	s->listen_fd = -1;
}

unsigned int control_server_pollfds(struct control_server *s, struct pollfd *fds)
{
	unsigned int n = 0;

	fds[n++] = (struct pollfd){.fd = s->listen_fd, .events = POLLIN};
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		if (s->clients[i].fd >= 0)
			fds[n++] = (struct pollfd){.fd = s->clients[i].fd, .events = POLLIN};
	return n;
}

/* Replies are short and the socket buffer large; a client that does not read
 * them loses them rather than stalling the VMM. */
static void reply(int fd, const char *text)
{
	size_t len = strlen(text);

	if (send(fd, text, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno != EAGAIN)
		return;
}

/* A growing reply line. */
struct line {
	char *buf;
	size_t len, cap;
};

static void line_add(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void line_add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!l->buf)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(l->buf + l->len, l->cap - l->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < l->cap - l->len) {
			l->len += (size_t)n;
			return;
		}
		char *bigger = realloc(l->buf, l->cap * 2);

		if (!bigger) {
			free(l->buf);
			l->buf = NULL;
			return;
		}
		l->buf = bigger;
		l->cap *= 2;
	}
}

char *control_stats_line(struct vmm_shared *sh)
{
	struct line l = {.buf = malloc(256), .cap = 256};
	char name[48];

	line_add(&l,
		 "ok hypercalls=%lu mmio_exits=%lu unclaimed_mmio=%lu unknown_fids=%lu resets=%u "
		 "power_on_syscalls=%lu",
		 atomic_load(&sh->hypercalls), atomic_load(&sh->mmio_exits),
		 atomic_load(&sh->unclaimed_mmio), atomic_load(&sh->unknown_fids), sh->resets,
		 atomic_load(&sh->power_on_syscalls));
	/* Per function from fid_slots= to other_fid_calls= (the calls whose FID
	 * found the table full): together they add up to hypercalls. */
	line_add(&l, " fid_slots=%u/%u", smccc_counters_used(&sh->calls), SMCCC_COUNTER_SLOTS);
	for (unsigned int i = 0; i < SMCCC_COUNTER_SLOTS; i++) {
		unsigned int key = atomic_load(&sh->calls.key[i]);

		if (key)
			line_add(&l, " %s=%lu", smccc_fid_name(key - 1, name, sizeof(name)),
				 atomic_load(&sh->calls.count[i]));
	}
	line_add(&l, " other_fid_calls=%lu", atomic_load(&sh->calls.other));
	/* The VMM's own syscalls per function, for `make bench`. */
	for (unsigned int i = 0; i < SMCCC_COUNTER_SLOTS; i++) {
		unsigned int key = atomic_load(&sh->calls.key[i]);

		if (key)
			line_add(&l, " syscalls.%s=%lu",
				 smccc_fid_name(key - 1, name, sizeof(name)),
				 atomic_load(&sh->calls.syscalls[i]));
	}
	line_add(&l, "\n");
	return l.buf;
}

static void execute(struct control_server *s, int fd, const struct control_req *req)
{
	struct vm *vm = s->vm;
	struct line l = {.buf = malloc(256), .cap = 256};
	struct psci_cpu_info info;
	bool kernel_psci = vm->cfg->psci_mode == PSCI_MODE_KERNEL;
	int ret;

	if (!l.buf)
		return;
	switch (req->cmd) {
	case CONTROL_HELP:
		line_add(&l, "ok %s\n", control_help);
		break;
	case CONTROL_CPUS:
		line_add(&l, "ok");
		for (unsigned int i = 0; i < vm->nr_cpus; i++) {
			psci_cpu_info(&vm->psci, i, &info);
			/* In kernel mode KVM owns the power state; asking a running
			 * vCPU for it would block on its mutex. */
			line_add(&l, " %u:0x%" PRIx64 ":%s:%lu:%lu", i, info.mpidr,
				 kernel_psci ? "kvm" : psci_cpu_state_name(&info), info.nr_on,
				 info.nr_off);
		}
		line_add(&l, "\n");
		break;
	case CONTROL_PLUG:
	case CONTROL_UNPLUG:
		if (kernel_psci) {
			line_add(&l, "error vCPU hotplug needs --psci user (KVM's PSCI would start "
				     "any vCPU)\n");
			break;
		}
		if (req->cpu >= vm->nr_cpus) {
			line_add(&l, "error no vCPU %u (possible vCPUs: 0-%u)\n", req->cpu,
				 vm->nr_cpus - 1);
			break;
		}
		if (req->cmd == CONTROL_PLUG)
			ret = psci_plug(&vm->psci, req->cpu);
		else
			ret = psci_unplug(&vm->psci, req->cpu, req->when_off);
		if (ret == 0)
			line_add(&l, "ok\n");
		else if (ret == 1)
			line_add(&l, "ok deferred: vCPU %u becomes absent at its CPU_OFF\n",
				 req->cpu);
		else if (ret == -EALREADY)
			line_add(&l, "error vCPU %u is already %s\n", req->cpu,
				 req->cmd == CONTROL_PLUG ? "present" : "absent");
		else if (ret == -EBUSY)
			line_add(&l,
				 "error vCPU %u is on; the guest must CPU_OFF it first (or: unplug "
				 "%u --when-off)\n",
				 req->cpu, req->cpu);
		else
			line_add(&l, "error %s\n", strerror(-ret));
		break;
	case CONTROL_STATS:
		free(l.buf);
		l.buf = control_stats_line(vm->shared);
		break;
	case CONTROL_TRACE:
		atomic_store(&vm->shared->trace, req->on);
		line_add(&l, "ok\n");
		break;
	case CONTROL_QUIT:
		line_add(&l, "ok\n");
		vm_request_exit(vm, VM_EXIT_SYSTEM_OFF);
		break;
	}
	if (l.buf)
		reply(fd, l.buf);
	free(l.buf);
}

struct line_ctx {
	struct control_server *s;
	int fd;
};

static void on_line(void *ctx, const char *text, bool too_long)
{
	struct line_ctx *c = ctx;
	struct control_req req;
	char err[160], msg[200];

	if (too_long) {
		snprintf(msg, sizeof(msg), "error line too long (at most %d bytes)\n",
			 CONTROL_MAX_LINE);
		reply(c->fd, msg);
		return;
	}
	if (control_parse(text, &req, err, sizeof(err))) {
		snprintf(msg, sizeof(msg), "error %s\n", err);
		reply(c->fd, msg);
		return;
	}
	execute(c->s, c->fd, &req);
}

static void accept_client(struct control_server *s)
{
	int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		if (s->clients[i].fd < 0) {
			s->clients[i].fd = fd;
			memset(&s->clients[i].conn, 0, sizeof(s->clients[i].conn));
			return;
		}
	}
	reply(fd, "error too many control clients\n");
	close(fd);
}

void control_server_handle(struct control_server *s, const struct pollfd *fds, unsigned int n)
{
	for (unsigned int k = 1; k < n; k++) {
		char buf[512];
		ssize_t got;
		int i;

		if (!fds[k].revents)
			continue;
		for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
			if (s->clients[i].fd == fds[k].fd)
				break;
		if (i == CONTROL_MAX_CLIENTS)
			continue;
		got = recv(fds[k].fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (got < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (got <= 0) {
			close(fds[k].fd);
			s->clients[i].fd = -1;
			continue;
		}
		struct line_ctx ctx = {s, fds[k].fd};

		control_feed(&s->clients[i].conn, buf, (size_t)got, on_line, &ctx);
	}
	if (fds[0].revents & POLLIN)
		accept_client(s);
}

int control_client_main(int argc, char **argv)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char req[CONTROL_MAX_LINE + 2], *reply_buf;
	size_t len = 0, cap = 4096;
	int fd, status = 2;

	if (argc < 3) {
		fprintf(stderr,
			"usage: vmm ctl SOCKET COMMAND [ARGS...]   (vmm ctl SOCKET help)\n");
		return 2;
	}
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
		if (poll(&p, 1, 10000) <= 0) {
			fprintf(stderr, "vmm ctl: no reply from %s within 10 s\n", argv[1]);
			break;
		}
		n = read(fd, reply_buf + len, cap - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		if (memchr(reply_buf, '\n', len))
			break;
	}
	if (reply_buf && len) {
		fwrite(reply_buf, 1, len, stdout);
		if (reply_buf[len - 1] != '\n')
			putchar('\n');
		status = strncmp(reply_buf, "ok", 2) == 0 ? 0 : 1;
	} else {
		fprintf(stderr, "vmm ctl: the VMM closed the connection without a reply\n");
	}
	free(reply_buf);
	close(fd);
	return status;
}
