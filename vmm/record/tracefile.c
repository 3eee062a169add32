/*
 * The JSON-lines trace file (the format and the contract are in
 * tracefile.h).
 *
 *   vCPU threads --tracefile_write (rdlock)--> [outbuf, cancelled: drop when full]
 *                                                   --writer thread--> PATH
 *   control / main --tracefile_open/close (wrlock)--> swap the outbuf
 *
 * A line goes into the buffer whole or not at all (a JSON line cut in half
 * would spoil the file for every reader): producers take `wlock`, check the
 * room, then copy; only the writer thread makes room meanwhile.
 *
 * The one rule that is easy to get wrong: the read lock is held only while a
 * line is copied into the buffer, never across a PSCI call (the PSCI
 * observer writes lines with the PSCI lock held, so a vCPU holding the read
 * lock across dispatch would take it twice).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vmm/output/outbuf.h"
#include "vmm/record/tracefile.h"

void tracefile_init(struct tracefile *t)
{
	memset(t, 0, sizeof(*t));
	pthread_rwlock_init(&t->lock, NULL);
	pthread_mutex_init(&t->wlock, NULL);
	t->fd = -1;
}

/* Detach the current file; the caller flushes and frees it outside the lock. */
static struct outbuf *detach(struct tracefile *t, int *fd)
{
	struct outbuf *ob = t->ob;

	*fd = t->fd;
	t->ob = NULL;
	t->fd = -1;
	t->path[0] = '\0';
	atomic_store(&t->on, false);
	return ob;
}

static void finish(struct outbuf *ob, int fd, int flush_ms)
{
	if (!ob)
		return;
	outbuf_flush(ob, flush_ms);
	outbuf_destroy(ob);
	close(fd);
}

int tracefile_open(struct tracefile *t, const char *path, char *err, size_t errlen)
{
	struct outbuf *ob, *old;
	int fd, old_fd;

	if (!*path || strlen(path) >= TRACEFILE_MAX_PATH) {
		snprintf(err, errlen, "trace file '%.64s': not a usable path (1 to %d bytes)", path,
			 TRACEFILE_MAX_PATH - 1);
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "trace file '%s': %s", path, strerror(errno));
		return -1;
	}
	ob = outbuf_new(fd);
	if (!ob) {
		snprintf(err, errlen, "trace file '%s': no memory or thread for its writer", path);
		close(fd);
		return -1;
	}
	/* Producers never wait for room: a full buffer drops the line. */
	outbuf_cancel(ob);
	pthread_rwlock_wrlock(&t->lock);
	old = detach(t, &old_fd);
	t->ob = ob;
	t->fd = fd;
	snprintf(t->path, sizeof(t->path), "%s", path);
	atomic_store(&t->on, true);
	pthread_rwlock_unlock(&t->lock);
	finish(old, old_fd, 1000);
	return 0;
}

void tracefile_close(struct tracefile *t, int flush_ms)
{
	struct outbuf *old;
	int old_fd;

	pthread_rwlock_wrlock(&t->lock);
	old = detach(t, &old_fd);
	pthread_rwlock_unlock(&t->lock);
	finish(old, old_fd, flush_ms);
}

void tracefile_write(struct tracefile *t, const char *line, size_t len)
{
	if (!tracefile_on(t))
		return;
	pthread_rwlock_rdlock(&t->lock);
	if (t->ob) {
		bool fits;

		pthread_mutex_lock(&t->wlock);
		pthread_mutex_lock(&t->ob->lock);
		fits = !t->ob->broken && OUTBUF_SIZE - t->ob->len >= len;
		pthread_mutex_unlock(&t->ob->lock);
		if (fits) {
			outbuf_write(t->ob, line, len);
			atomic_fetch_add(&t->lines, 1);
		} else {
			atomic_fetch_add(&t->dropped, 1);
		}
		pthread_mutex_unlock(&t->wlock);
	}
	pthread_rwlock_unlock(&t->lock);
}

unsigned long tracefile_dropped(struct tracefile *t)
{
	return atomic_load(&t->dropped);
}

void tracefile_path(struct tracefile *t, char *buf, size_t len)
{
	pthread_rwlock_rdlock(&t->lock);
	snprintf(buf, len, "%s", t->path);
	pthread_rwlock_unlock(&t->lock);
}

uint64_t tracefile_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

const char *tracefile_outcome_name(enum smccc_outcome out)
{
	switch (out) {
	case SMCCC_RESUME:
		return "resume";
	case SMCCC_CPU_OFF:
		return "cpu-off";
	case SMCCC_CPU_SUSPEND:
		return "suspend";
	case SMCCC_SYSTEM_OFF:
		return "system-off";
	case SMCCC_SYSTEM_RESET:
		return "system-reset";
	}
	return "?";
}

/* Appends to a line with a running length; once full, further text is lost
 * and the line is ended by end_line(). */
struct line {
	char *buf;
	size_t len, n;
};

static void add(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (l->n >= l->len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(l->buf + l->n, l->len - l->n, fmt, ap);
	va_end(ap);
	l->n = w < 0 ? l->len : l->n + (size_t)w;
}

/* A JSON string: our strings are names and paths; quote what JSON needs. */
static void add_str(struct line *l, const char *s)
{
	add(l, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			add(l, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			add(l, "\\u%04x", c);
		else
			add(l, "%c", c);
	}
	add(l, "\"");
}

static size_t end_line(struct line *l)
{
	if (l->len < 3)
		return 0;
	if (l->n + 3 > l->len)
		l->n = l->len - 3; /* cut: keep it a line that ends the object */
	l->buf[l->n++] = '}';
	l->buf[l->n++] = '\n';
	l->buf[l->n] = '\0';
	return l->n;
}

size_t tracefile_fmt_call(char *buf, size_t len, const struct tracefile_call *c)
{
	struct line l = {buf, len, 0};
	const struct smccc_call *call = c->call;
	char name[48];

	add(&l,
	    "{\"t\":%" PRIu64 ",\"ev\":\"call\",\"vcpu\":%u,\"conduit\":\"%s\",\"fn\":", c->t_ns,
	    call->vcpu, smccc_conduit_name(call->conduit));
	add_str(&l, smccc_fid_name(call->fid, name, sizeof(name)));
	add(&l, ",\"fid\":\"0x%08x\",\"args\":[", call->fid);
	for (unsigned int i = 0; i < call->nr_args; i++)
		add(&l, "%s\"0x%" PRIx64 "\"", i ? "," : "", call->args[i]);
	add(&l, "]");
	if (c->has_target)
		add(&l, ",\"target\":%d", c->target);
	add(&l, ",\"result\":\"%s\"", smccc_outcome_name(c->out));
	if ((c->out == SMCCC_RESUME || c->out == SMCCC_CPU_SUSPEND) && c->res->nr)
		add(&l, ",\"ret\":%" PRId64 ",\"x0\":\"0x%" PRIx64 "\"", (int64_t)c->res->x[0],
		    c->res->x[0]);
	add(&l, ",\"injected\":%s", c->rule ? "true" : "false");
	if (c->rule) {
		add(&l, ",\"rule\":");
		add_str(&l, c->rule);
	}
	add(&l, ",\"vmm_ns\":%" PRIu64, c->vmm_ns);
	return end_line(&l);
}

size_t tracefile_fmt_state(char *buf, size_t len, uint64_t t_ns, unsigned int vcpu,
			   const char *from, const char *to, const char *cause)
{
	struct line l = {buf, len, 0};

	add(&l, "{\"t\":%" PRIu64 ",\"ev\":\"state\",\"vcpu\":%u,\"from\":", t_ns, vcpu);
	add_str(&l, from);
	add(&l, ",\"to\":");
	add_str(&l, to);
	add(&l, ",\"cause\":");
	add_str(&l, cause);
	return end_line(&l);
}

size_t tracefile_fmt_vm(char *buf, size_t len, uint64_t t_ns, const char *what,
			unsigned int nr_cpus, unsigned int resets)
{
	struct line l = {buf, len, 0};

	add(&l, "{\"t\":%" PRIu64 ",\"ev\":\"vm\",\"what\":", t_ns);
	add_str(&l, what);
	add(&l, ",\"cpus\":%u,\"resets\":%u", nr_cpus, resets);
	return end_line(&l);
}
