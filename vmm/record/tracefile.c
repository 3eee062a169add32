/*
 * The JSON-lines trace file (the format and the contract are in
 * tracefile.h).
 *
 *   vCPU threads --tracefile_write (lock)--> [outbuf: whole line or drop]
 *                                                --writer thread--> PATH
 *   control / main --tracefile_open/close (lock)--> swap the ring; the old
 *                                                    one retires on its own
 *
 * The lock is held only to swap the ring or to copy one line into it (the
 * ring never waits), so the main loop taking it waits for a memcpy at most.
 * It is never held across a PSCI call: the PSCI observer writes lines with
 * the PSCI lock held, so the order is always PSCI lock, then this one.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vmm/output/outbuf.h"
#include "vmm/record/tracefile.h"
#include "vmm/sandbox/sandbox.h"

void tracefile_init(struct tracefile *t)
{
	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
}

/* Swap in ob (NULL: off); returns the ring it replaces. */
static struct outbuf *swap_ring(struct tracefile *t, struct outbuf *ob)
{
	struct outbuf *old;

	pthread_mutex_lock(&t->lock);
	old = t->ob;
	t->ob = ob;
	atomic_store(&t->on, ob != NULL);
	if (ob)
		atomic_store(&t->used, true);
	pthread_mutex_unlock(&t->lock);
	return old;
}

/*
 * Open path for writing without ever blocking: O_NONBLOCK makes a FIFO
 * without a reader fail (ENXIO) instead of waiting for one, and anything but
 * a regular file, or a file another record still writes, is refused before
 * it is truncated. Returns the fd (holding the file's lock) or -1.
 */
static int open_regular_file(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_WRONLY | O_CREAT | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0644);

	if (fd < 0 && errno == ENXIO) {
		snprintf(err, errlen, "trace file '%s': not a regular file", path);
		return -1;
	}
	if (fd < 0) {
		snprintf(err, errlen, "trace file '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "trace file '%s': not a regular file", path);
		close(fd);
		return -1;
	}
	/* Every record holds its file's lock until its writer closes the fd. A
	 * file still held (the previous record finishing after `trace-file off`,
	 * another VMM's) is not truncated: its writer would go on writing at
	 * its own offset, through the new record. */
	if (flock(fd, LOCK_EX | LOCK_NB) && errno == EWOULDBLOCK) {
		snprintf(err, errlen,
			 "trace file '%s': a record is still being written to it; try again "
			 "once it is finished, or pick another file",
			 path);
		close(fd);
		return -1;
	}
	if (ftruncate(fd, 0)) {
		snprintf(err, errlen, "trace file '%s': %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int tracefile_open(struct tracefile *t, const char *path, char *err, size_t errlen)
{
	struct outbuf *ob;
	int fd;

	if (!*path || strlen(path) >= TRACEFILE_MAX_PATH) {
		snprintf(err, errlen, "trace file '%.64s': not a usable path (1 to %d bytes)", path,
			 TRACEFILE_MAX_PATH - 1);
		return -1;
	}
	/* Outside the directories given at start Landlock refuses the open;
	 * say so first, in words (DESIGN.md §12). */
	if (sandbox_check_write("trace file", path, err, errlen))
		return -1;
	fd = open_regular_file(path, err, errlen);
	if (fd < 0)
		return -1;
	ob = outbuf_new_owning_fd(fd);
	if (!ob) {
		snprintf(err, errlen, "trace file '%s': no memory or thread for its writer", path);
		close(fd);
		return -1;
	}
	/* The old file's writer finishes it and closes it; nobody waits here. */
	outbuf_retire(swap_ring(t, ob), 0);
	return 0;
}

void tracefile_close(struct tracefile *t, int wait_ms)
{
	outbuf_retire(swap_ring(t, NULL), wait_ms);
}

void tracefile_write(struct tracefile *t, const char *line, size_t len)
{
	if (!tracefile_on(t))
		return;
	pthread_mutex_lock(&t->lock);
	if (t->ob) {
		if (outbuf_write_line_or_drop(t->ob, line, len))
			atomic_fetch_add(&t->lines, 1);
		else
			atomic_fetch_add(&t->dropped, 1);
	}
	pthread_mutex_unlock(&t->lock);
}

bool tracefile_was_used(struct tracefile *t)
{
	return atomic_load(&t->used);
}

unsigned long tracefile_dropped(struct tracefile *t)
{
	return atomic_load(&t->dropped);
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

size_t tracefile_fmt_ost(char *buf, size_t len, uint64_t t_ns, unsigned int vcpu, uint32_t event,
			 const char *event_name, uint32_t status, const char *status_name)
{
	struct line l = {buf, len, 0};

	add(&l,
	    "{\"t\":%" PRIu64 ",\"ev\":\"ost\",\"vcpu\":%u,\"event\":%" PRIu32 ",\"what\":", t_ns,
	    vcpu, event);
	add_str(&l, event_name);
	add(&l, ",\"status\":%" PRIu32 ",\"meaning\":", status);
	add_str(&l, status_name);
	return end_line(&l);
}
