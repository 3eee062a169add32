/*
 * Bounded output rings with a writer thread each (the rules are in outbuf.h).
 *
 *   vCPU threads --outbuf_write_may_wait--> [ring, OUTBUF_SIZE] --writer--> write(fd)
 *     wait on `space` while full, taking turns,   ^          copies a chunk out,
 *     until cancelled                             |          then writes it
 *   any thread --outbuf_write_line_or_drop--------+          without the lock
 *     whole line or nothing, no turn, no wait
 *
 * The rules that are easy to get wrong:
 * - The writer never holds the lock across write(), or a stalled reader
 *   would block every producer and outbuf_cancel() itself.
 * - Nothing that never waits may take a turn: a turn is held by a producer
 *   waiting for room that only the writer frees. A never-waiting put (or the
 *   writer releasing a prompt) goes in only while no producer holds a turn,
 *   so it cannot land inside a waiting producer's bytes either.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vmm/output/outbuf.h"
#include "vmm/sandbox/sandbox.h"
#include "vmm/util/deadline.h"
#include "vmm/util/wake.h"

#define OUTBUF_CHUNK 4096

/* Set on threads that must never wait on a ring (outbuf.h). */
static __thread bool never_wait_here;

void outbuf_never_wait_on_this_thread(void)
{
	never_wait_here = true;
}

static void outbuf_free(struct outbuf *ob)
{
	pthread_cond_destroy(&ob->more);
	pthread_cond_destroy(&ob->space);
	pthread_mutex_destroy(&ob->lock);
	if (ob->owns_fd)
		close(ob->fd);
	free(ob->data);
	free(ob);
}

/* Copy len bytes to the ring's tail, lock held; the caller checked the room. */
static void ring_append(struct outbuf *ob, const uint8_t *p, size_t len)
{
	size_t tail = (ob->head + ob->len) % OUTBUF_SIZE, first = OUTBUF_SIZE - tail;

	if (first > len)
		first = len;
	memcpy(ob->data + tail, p, first);
	memcpy(ob->data, p + first, len - first);
	ob->len += len;
	pthread_cond_signal(&ob->more);
}

/* No producer holds a turn: nobody is waiting for room or for its turn. */
static bool turns_free(const struct outbuf *ob)
{
	return ob->serving == ob->next_ticket;
}

/* Lock held: the whole line, now, or false. Never waits. */
static bool put_or_drop_locked(struct outbuf *ob, const uint8_t *p, size_t len)
{
	if (ob->broken || !turns_free(ob) || OUTBUF_SIZE - ob->len < len) {
		ob->lines_dropped++;
		ob->dropped += len;
		return false;
	}
	ring_append(ob, p, len);
	return true;
}

/* The writer releases a partial line that waited OUTBUF_STAGE_MS, lock held,
 * but only while no producer holds a turn (see the top of this file). */
static void release_stage_if_free(struct outbuf *ob)
{
	if (ob->stage_len && turns_free(ob) && OUTBUF_SIZE - ob->len >= ob->stage_len) {
		ring_append(ob, ob->stage, ob->stage_len);
		ob->stage_len = 0;
	}
}

static bool stage_due(const struct outbuf *ob)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > ob->stage_until.tv_sec ||
	       (now.tv_sec == ob->stage_until.tv_sec && now.tv_nsec >= ob->stage_until.tv_nsec);
}

/* Lock held: until there is something to write or the ring retires. A
 * prompt (a partial line) goes out once it has waited OUTBUF_STAGE_MS, when
 * no producer holds a turn: giving a turn back signals `more`. */
static void writer_wait_for_work(struct outbuf *ob)
{
	while (ob->len == 0 && !ob->retiring) {
		if (ob->stage_len && stage_due(ob) && turns_free(ob))
			release_stage_if_free(ob);
		else if (ob->stage_len && !stage_due(ob))
			pthread_cond_timedwait(&ob->more, &ob->lock, &ob->stage_until);
		else
			pthread_cond_wait(&ob->more, &ob->lock);
	}
}

/* write() all of chunk, lock not held; false when the fd failed for good. */
static bool write_chunk(int fd, const uint8_t *chunk, size_t n)
{
	for (size_t done = 0; done < n;) {
		ssize_t w = write(fd, chunk + done, n - done);

		if (w > 0) {
			done += (size_t)w;
		} else if (w < 0 && errno == EINTR) {
			continue;
		} else if (w < 0 && errno == EAGAIN) {
			/* A non-blocking fd we inherited: wait for room. */
			struct pollfd p = {.fd = fd, .events = POLLOUT};

			poll(&p, 1, -1);
		} else {
			return false; /* EPIPE and friends: the reader is gone */
		}
	}
	return true;
}

static void *outbuf_writer(void *arg)
{
	struct outbuf *ob = arg;
	uint8_t chunk[OUTBUF_CHUNK];
	bool orphaned, ok;
	char name[16];

	/* Named for `top -H` and /proc (the nested cases print where each
	 * thread of a stuck VMM waits): which fd this writer serves. */
	snprintf(name, sizeof(name), "writer-fd%d", ob->fd);
	pthread_setname_np(pthread_self(), name);
	outbuf_never_wait_on_this_thread();
	sandbox_enter(SANDBOX_ROLE_WRITER); /* write, poll, close: DESIGN.md §12 */
	pthread_mutex_lock(&ob->lock);
	for (;;) {
		size_t n, first;

		writer_wait_for_work(ob);
		if (ob->len == 0)
			break;
		n = ob->len < OUTBUF_CHUNK ? ob->len : OUTBUF_CHUNK;
		first = OUTBUF_SIZE - ob->head;
		if (first > n)
			first = n;
		memcpy(chunk, ob->data + ob->head, first);
		memcpy(chunk + first, ob->data, n - first);
		ob->head = (ob->head + n) % OUTBUF_SIZE;
		ob->len -= n;
		ob->in_flight = n;
		pthread_cond_broadcast(&ob->space);
		pthread_mutex_unlock(&ob->lock);

		ok = write_chunk(ob->fd, chunk, n);
		pthread_mutex_lock(&ob->lock);
		ob->in_flight = 0;
		if (!ok) {
			ob->broken = true;
			ob->dropped += n + ob->len;
			ob->len = 0;
		}
		pthread_cond_broadcast(&ob->space);
	}
	orphaned = ob->orphaned;
	pthread_mutex_unlock(&ob->lock);
	if (orphaned)
		outbuf_free(ob); /* retired while busy: the last user is this thread */
	return NULL;
}

static struct outbuf *outbuf_start(int fd, bool owns_fd)
{
	struct outbuf *ob = calloc(1, sizeof(*ob));
	pthread_condattr_t mono;
	sigset_t all, old;
	int ret;

	if (!ob)
		return NULL;
	ob->fd = fd;
	ob->data = malloc(OUTBUF_SIZE);
	if (!ob->data) {
		free(ob);
		return NULL;
	}
	pthread_mutex_init(&ob->lock, NULL);
	pthread_condattr_init(&mono);
	pthread_condattr_setclock(&mono, CLOCK_MONOTONIC);
	pthread_cond_init(&ob->more, &mono);
	pthread_cond_init(&ob->space, &mono);
	pthread_condattr_destroy(&mono);
	/* The writer inherits a full mask: SIGINT, SIGTERM and the kick must
	 * never land on it (their default actions end the process), whatever
	 * the creating thread has blocked. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(&ob->writer, NULL, outbuf_writer, ob);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		outbuf_free(ob); /* fd stays the caller's when we fail */
		return NULL;
	}
	ob->owns_fd = owns_fd;
	return ob;
}

struct outbuf *outbuf_new(int fd)
{
	return outbuf_start(fd, false);
}

struct outbuf *outbuf_new_owning_fd(int fd)
{
	return outbuf_start(fd, true);
}

/*
 * Guest output, lock held: waits for room until cancelled; what does not fit
 * then, or goes to a broken fd, is counted as dropped. Producers take turns
 * (a ticket each): one that has to wait for room finishes its bytes before
 * the next producer adds any, so a line is never split by another's, and
 * lines come out in the order they were put.
 */
static void put_may_wait_locked(struct outbuf *ob, const uint8_t *p, size_t len)
{
	uint64_t me;

	if (never_wait_here) {
		put_or_drop_locked(ob, p, len);
		return;
	}
	me = ob->next_ticket++;
	while (ob->serving != me)
		pthread_cond_wait(&ob->space, &ob->lock);
	while (len) {
		size_t room = OUTBUF_SIZE - ob->len, n;

		if (ob->broken || (room == 0 && ob->cancelled)) {
			ob->dropped += len;
			break;
		}
		if (room == 0) {
			pthread_cond_wait(&ob->space, &ob->lock);
			continue;
		}
		n = len < room ? len : room;
		ring_append(ob, p, n);
		p += n;
		len -= n;
	}
	ob->serving++;
	pthread_cond_broadcast(&ob->space); /* the next producer's turn */
	pthread_cond_signal(&ob->more);	    /* the writer may release a prompt */
}

void outbuf_write_may_wait(struct outbuf *ob, const void *buf, size_t len)
{
	pthread_mutex_lock(&ob->lock);
	put_may_wait_locked(ob, buf, len);
	pthread_mutex_unlock(&ob->lock);
}

bool outbuf_write_line_or_drop(struct outbuf *ob, const void *line, size_t len)
{
	bool queued;

	pthread_mutex_lock(&ob->lock);
	queued = put_or_drop_locked(ob, line, len);
	pthread_mutex_unlock(&ob->lock);
	return queued;
}

void outbuf_putc_line(struct outbuf *ob, uint8_t c)
{
	pthread_mutex_lock(&ob->lock);
	if (ob->stage_len == 0) {
		ob->stage_until = deadline_after_ns(CLOCK_MONOTONIC, OUTBUF_STAGE_MS * NS_PER_MS);
		pthread_cond_signal(&ob->more); /* the writer starts the clock */
	}
	ob->stage[ob->stage_len++] = c;
	if (c == '\n' || ob->stage_len == OUTBUF_STAGE_SIZE) {
		/* The stage is emptied first: another putc may stage while this
		 * one waits for room. */
		uint8_t line[OUTBUF_STAGE_SIZE];
		size_t n = ob->stage_len;

		memcpy(line, ob->stage, n);
		ob->stage_len = 0;
		put_may_wait_locked(ob, line, n);
	}
	pthread_mutex_unlock(&ob->lock);
}

void outbuf_cancel(struct outbuf *ob)
{
	set_flag_and_wake(&ob->lock, &ob->space, &ob->cancelled, true);
}

void outbuf_resume(struct outbuf *ob)
{
	set_flag_and_wake(&ob->lock, &ob->space, &ob->cancelled, false);
}

static struct timespec deadline_in(int ms)
{
	return deadline_after_ns(CLOCK_MONOTONIC, ms > 0 ? (uint64_t)ms * NS_PER_MS : 0);
}

/* Lock held: everything queued is written (or can never be). */
static bool drained(const struct outbuf *ob)
{
	return (ob->len == 0 && ob->in_flight == 0 && ob->stage_len == 0) || ob->broken;
}

/* Lock held: wait for drained() until `until`. */
static bool wait_drained(struct outbuf *ob, const struct timespec *until)
{
	while (!drained(ob))
		if (pthread_cond_timedwait(&ob->space, &ob->lock, until) == ETIMEDOUT)
			break;
	return drained(ob);
}

/* Lock held: a partial line goes out now, or (a producer holds a turn) as
 * soon as the writer can release it. Never waits. */
static void release_partial_line_now(struct outbuf *ob)
{
	ob->stage_until = (struct timespec){0};
	release_stage_if_free(ob);
	pthread_cond_signal(&ob->more);
}

bool outbuf_flush(struct outbuf *ob, int timeout_ms)
{
	struct timespec until = deadline_in(timeout_ms);
	bool done;

	pthread_mutex_lock(&ob->lock);
	release_partial_line_now(ob);
	done = wait_drained(ob, &until);
	pthread_mutex_unlock(&ob->lock);
	return done;
}

void outbuf_retire(struct outbuf *ob, int wait_ms)
{
	struct timespec until = deadline_in(wait_ms);
	pthread_t writer;
	bool idle;

	if (!ob)
		return;
	pthread_mutex_lock(&ob->lock);
	release_partial_line_now(ob);
	if (wait_ms > 0)
		wait_drained(ob, &until);
	/* Nobody produces any more: a waiting producer would be a bug. */
	ob->cancelled = true;
	ob->retiring = true;
	idle = drained(ob) && ob->in_flight == 0;
	/* Still writing (to a reader that does not read, or just slowly): the
	 * writer owns ob from now on and frees it after its last write(). */
	ob->orphaned = !idle;
	writer = ob->writer; /* once orphaned and unlocked, ob may be gone */
	pthread_cond_broadcast(&ob->more);
	pthread_cond_broadcast(&ob->space);
	pthread_mutex_unlock(&ob->lock);
	if (!idle) {
		pthread_detach(writer);
		return;
	}
	pthread_join(writer, NULL);
	outbuf_free(ob);
}

void outbuf_destroy(struct outbuf *ob)
{
	if (!ob)
		return;
	pthread_mutex_lock(&ob->lock);
	ob->dropped += ob->len + ob->stage_len;
	ob->len = 0;
	ob->stage_len = 0;
	pthread_mutex_unlock(&ob->lock);
	outbuf_retire(ob, 0);
}

/* The one piece of process-wide state here: where vm_err lines go. */
static _Atomic(struct outbuf *) outbuf_log_sink;

void outbuf_set_log(struct outbuf *ob)
{
	atomic_store(&outbuf_log_sink, ob);
}

/* No ring (before main sets one, or after): straight to stderr, but only if
 * it takes the line now; a stalled stderr drops it, as a full ring would. */
static void log_to_stderr_or_drop(const char *line, size_t len)
{
	struct pollfd p = {.fd = STDERR_FILENO, .events = POLLOUT};

	if (poll(&p, 1, 0) == 1 && (p.revents & POLLOUT) && write(STDERR_FILENO, line, len) < 0)
		return; /* nowhere left to say so */
}

void outbuf_log(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		/* Truncated: keep the line a line. */
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	outbuf_log_text(line, (size_t)n);
}

void outbuf_log_text(const char *text, size_t len)
{
	struct outbuf *sink = atomic_load(&outbuf_log_sink);

	if (sink)
		outbuf_write_line_or_drop(sink, text, len);
	else
		log_to_stderr_or_drop(text, len);
}
