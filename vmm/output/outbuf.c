/*
 * Bounded output buffer with a writer thread (see outbuf.h for why).
 *
 *   producers --outbuf_write--> [ring, OUTBUF_SIZE] --writer thread--> write(fd)
 *        ^ wait on `space` while full,                 copies a chunk out, then
 *          unless cancelled                            writes it without the lock
 *
 * The one rule that is easy to get wrong: the writer must never hold the lock
 * across write(), or a stalled reader would block every producer and
 * outbuf_cancel() itself.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vmm/output/outbuf.h"

#define OUTBUF_CHUNK 4096

static void outbuf_free(struct outbuf *ob)
{
	pthread_cond_destroy(&ob->more);
	pthread_cond_destroy(&ob->space);
	pthread_mutex_destroy(&ob->lock);
	free(ob->data);
	free(ob);
}

static void outbuf_commit_stage(struct outbuf *ob);

static void *outbuf_writer(void *arg)
{
	struct outbuf *ob = arg;
	uint8_t chunk[OUTBUF_CHUNK];
	bool failed = false; /* written only here; published as ob->broken */

	pthread_mutex_lock(&ob->lock);
	for (;;) {
		size_t n, first;

		while (ob->len == 0 && !ob->closing) {
			if (ob->stage_len == 0) {
				pthread_cond_wait(&ob->more, &ob->lock);
				continue;
			}
			/* A partial line (a prompt): out it goes once it has
			 * waited OUTBUF_STAGE_MS for the rest. */
			if (pthread_cond_timedwait(&ob->more, &ob->lock, &ob->stage_until) ==
			    ETIMEDOUT)
				outbuf_commit_stage(ob);
		}
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

		for (size_t done = 0; done < n && !failed;) {
			ssize_t w = write(ob->fd, chunk + done, n - done);

			if (w > 0) {
				done += (size_t)w;
			} else if (w < 0 && errno == EINTR) {
				continue;
			} else if (w < 0 && errno == EAGAIN) {
				/* A non-blocking fd we inherited: wait for room. */
				struct pollfd p = {.fd = ob->fd, .events = POLLOUT};

				poll(&p, 1, -1);
			} else {
				/* EPIPE and friends: the reader is gone for good. */
				failed = true;
			}
		}

		pthread_mutex_lock(&ob->lock);
		ob->in_flight = 0;
		if (failed) {
			ob->broken = true;
			ob->dropped += ob->len;
			ob->len = 0;
		}
		pthread_cond_broadcast(&ob->space);
	}
	if (ob->orphaned) {
		pthread_mutex_unlock(&ob->lock);
		outbuf_free(ob);
		return NULL;
	}
	pthread_mutex_unlock(&ob->lock);
	return NULL;
}

struct outbuf *outbuf_new(int fd)
{
	struct outbuf *ob = calloc(1, sizeof(*ob));
	pthread_condattr_t mono;

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
	pthread_condattr_destroy(&mono);
	pthread_cond_init(&ob->space, NULL);
	if (pthread_create(&ob->writer, NULL, outbuf_writer, ob)) {
		outbuf_free(ob);
		return NULL;
	}
	return ob;
}

/*
 * Append to the ring, lock held: waits for room unless cancelled; what does
 * not fit then, or goes to a broken fd, is counted as dropped. Producers
 * take turns (a ticket each): one that has to wait for room finishes its
 * bytes before the next producer adds any, so a line is never split by
 * another's, and lines come out in the order they were put.
 */
static void outbuf_put_locked(struct outbuf *ob, const uint8_t *p, size_t len)
{
	uint64_t me = ob->next_ticket++;

	while (ob->serving != me)
		pthread_cond_wait(&ob->space, &ob->lock);
	while (len) {
		size_t room = OUTBUF_SIZE - ob->len, n, tail, first;

		if (ob->broken) {
			ob->dropped += len;
			break;
		}
		if (room == 0) {
			if (ob->cancelled) {
				ob->dropped += len;
				break;
			}
			pthread_cond_wait(&ob->space, &ob->lock);
			continue;
		}
		n = len < room ? len : room;
		tail = (ob->head + ob->len) % OUTBUF_SIZE;
		first = OUTBUF_SIZE - tail;
		if (first > n)
			first = n;
		memcpy(ob->data + tail, p, first);
		memcpy(ob->data, p + first, n - first);
		ob->len += n;
		p += n;
		len -= n;
		pthread_cond_signal(&ob->more);
	}
	ob->serving++;
	pthread_cond_broadcast(&ob->space); /* the next producer's turn */
}

/* Move the staged line into the ring, lock held. The stage is emptied first:
 * another putc may stage while this one waits for room. */
static void outbuf_commit_stage(struct outbuf *ob)
{
	uint8_t line[OUTBUF_STAGE_SIZE];
	size_t n = ob->stage_len;

	memcpy(line, ob->stage, n);
	ob->stage_len = 0;
	outbuf_put_locked(ob, line, n);
}

void outbuf_write(struct outbuf *ob, const void *buf, size_t len)
{
	pthread_mutex_lock(&ob->lock);
	outbuf_put_locked(ob, buf, len);
	pthread_mutex_unlock(&ob->lock);
}

void outbuf_putc_line(struct outbuf *ob, uint8_t c)
{
	pthread_mutex_lock(&ob->lock);
	if (ob->stage_len == 0) {
		clock_gettime(CLOCK_MONOTONIC, &ob->stage_until);
		ob->stage_until.tv_nsec += OUTBUF_STAGE_MS * 1000000L;
		if (ob->stage_until.tv_nsec >= 1000000000L) {
			ob->stage_until.tv_sec++;
			ob->stage_until.tv_nsec -= 1000000000L;
		}
		pthread_cond_signal(&ob->more); /* the writer starts the clock */
	}
	ob->stage[ob->stage_len++] = c;
	if (c == '\n' || ob->stage_len == OUTBUF_STAGE_SIZE)
		outbuf_commit_stage(ob);
	pthread_mutex_unlock(&ob->lock);
}

void outbuf_cancel(struct outbuf *ob)
{
	pthread_mutex_lock(&ob->lock);
	ob->cancelled = true;
	pthread_cond_broadcast(&ob->space);
	pthread_mutex_unlock(&ob->lock);
}

void outbuf_resume(struct outbuf *ob)
{
	pthread_mutex_lock(&ob->lock);
	ob->cancelled = false;
	pthread_mutex_unlock(&ob->lock);
}

bool outbuf_flush(struct outbuf *ob, int timeout_ms)
{
	struct timespec until;
	bool drained;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&ob->lock);
	if (ob->stage_len)
		outbuf_commit_stage(ob);
	while ((ob->len || ob->in_flight) && !ob->broken)
		if (pthread_cond_timedwait(&ob->space, &ob->lock, &until) == ETIMEDOUT)
			break;
	drained = (ob->len == 0 && ob->in_flight == 0) || ob->broken;
	pthread_mutex_unlock(&ob->lock);
	return drained;
}

void outbuf_destroy(struct outbuf *ob)
{
	bool idle;

	if (!ob)
		return;
	pthread_mutex_lock(&ob->lock);
	ob->closing = true;
	ob->cancelled = true;
	ob->dropped += ob->len;
	ob->len = 0;
	idle = ob->in_flight == 0;
	/* Inside write() to a reader that does not read: the writer owns ob
	 * from now on and frees it if that write ever returns. */
	ob->orphaned = !idle;
	pthread_cond_broadcast(&ob->more);
	pthread_cond_broadcast(&ob->space);
	pthread_mutex_unlock(&ob->lock);
	if (!idle) {
		pthread_detach(ob->writer);
		return;
	}
	pthread_join(ob->writer, NULL);
	outbuf_free(ob);
}

/* The one piece of process-wide state here: where vm_err lines go. */
static _Atomic(struct outbuf *) outbuf_log_sink;

void outbuf_set_log(struct outbuf *ob)
{
	atomic_store(&outbuf_log_sink, ob);
}

void outbuf_log(const char *fmt, ...)
{
	struct outbuf *sink = atomic_load(&outbuf_log_sink);
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	if (!sink) {
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		return;
	}
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		/* Truncated: keep the line a line. */
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	outbuf_write(sink, line, (size_t)n);
}
