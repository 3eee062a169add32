/*
 * Unit tests of the output buffer (vmm/output/outbuf.c) with pipes: bytes come out
 * whole and in order, a reader that never reads blocks a producer only until
 * outbuf_cancel(), flush and destroy give up at their deadline instead of
 * hanging, and a reader that went away (EPIPE) turns output into a count.
 */
#define CHECK_FILE "outbuf"
#include "tests/unit/check.h"

#include <fcntl.h>
#include <stdio.h>
#include <sanitizer/lsan_interface.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "vmm/output/outbuf.h"

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

struct reader {
	int fd;
	uint8_t *buf;
	size_t cap, len;
};

static void *read_all(void *arg)
{
	struct reader *r = arg;

	for (;;) {
		ssize_t n = read(r->fd, r->buf + r->len, r->cap - r->len);

		if (n <= 0)
			break;
		r->len += (size_t)n;
	}
	return NULL;
}

TEST(bytes_arrive_whole_and_in_order_through_a_small_pipe)
{
	enum { TOTAL = 5 * OUTBUF_SIZE };
	struct outbuf *ob;
	struct reader r = {.cap = TOTAL + 16};
	pthread_t t;
	int fds[2];
	uint8_t chunk[997]; /* odd size: writes straddle the ring's end */
	size_t sent = 0;

	CHECK_EQ(pipe(fds), 0);
	fcntl(fds[1], F_SETPIPE_SZ, 4096);
	r.fd = fds[0];
	r.buf = malloc(r.cap);
	CHECK(r.buf != NULL);
	pthread_create(&t, NULL, read_all, &r);
	ob = outbuf_new(fds[1]);
	CHECK(ob != NULL);
	while (sent < TOTAL) {
		size_t n = TOTAL - sent < sizeof(chunk) ? TOTAL - sent : sizeof(chunk);

		for (size_t i = 0; i < n; i++)
			chunk[i] = (uint8_t)((sent + i) * 7 + 3);
		outbuf_write(ob, chunk, n);
		sent += n;
	}
	CHECK(outbuf_flush(ob, 10000));
	outbuf_destroy(ob);
	close(fds[1]);
	pthread_join(t, NULL);
	CHECK_EQ(r.len, TOTAL);
	for (size_t i = 0; i < r.len && i < TOTAL; i++)
		if (r.buf[i] != (uint8_t)(i * 7 + 3)) {
			CHECK_EQ(i, -1); /* first corrupted byte */
			break;
		}
	free(r.buf);
	close(fds[0]);
}

struct producer {
	struct outbuf *ob;
	size_t len;
	atomic_bool done;
};

static void *produce(void *arg)
{
	struct producer *p = arg;
	uint8_t *junk = calloc(1, p->len);

	outbuf_write(p->ob, junk, p->len);
	free(junk);
	atomic_store(&p->done, true);
	return NULL;
}

/* The nested case this models: the guest prints into a pipe nobody reads and
 * `vmm ctl quit` must still end the VMM. */
TEST(a_reader_that_never_reads_blocks_the_producer_only_until_cancel)
{
	struct outbuf *ob;
	struct producer p = {.len = 4 * OUTBUF_SIZE};
	pthread_t t;
	int fds[2];
	double start;

	CHECK_EQ(pipe(fds), 0);
	/* This writer is left stuck in write() on purpose (the process-exit
	 * case): its buffer is never freed. */
	__lsan_disable();
	ob = outbuf_new(fds[1]);
	__lsan_enable();
	CHECK(ob != NULL);
	p.ob = ob;
	pthread_create(&t, NULL, produce, &p);
	usleep(200 * 1000);
	CHECK(!atomic_load(&p.done)); /* back-pressure: the ring and the pipe are full */
	start = now_s();
	outbuf_cancel(ob);
	pthread_join(t, NULL);
	CHECK(now_s() - start < 5.0);
	CHECK(ob->dropped > 0);
	/* Flush gives up at its deadline; destroy leaves the stuck writer. */
	start = now_s();
	CHECK(!outbuf_flush(ob, 300));
	CHECK(now_s() - start < 5.0);
	outbuf_destroy(ob);
	CHECK(now_s() - start < 5.0);
	/* The detached writer still holds fds[1]: leave both ends open. */
}

TEST(a_reader_that_went_away_turns_output_into_a_count)
{
	struct outbuf *ob;
	uint8_t line[100] = {0};

	int fds[2];

	CHECK_EQ(pipe(fds), 0);
	signal(SIGPIPE, SIG_IGN);
	close(fds[0]);
	ob = outbuf_new(fds[1]);
	CHECK(ob != NULL);
	for (int i = 0; i < 2000; i++) /* far more than the ring holds: must not block */
		outbuf_write(ob, line, sizeof(line));
	CHECK(outbuf_flush(ob, 5000));
	CHECK(ob->broken);
	CHECK(ob->dropped > 0);
	outbuf_destroy(ob);
	close(fds[1]);
}

TEST(resume_restores_back_pressure_after_a_cancel)
{
	struct outbuf *ob;
	struct reader r = {.cap = 3 * OUTBUF_SIZE};
	pthread_t t;
	int fds[2];
	uint8_t *big = calloc(1, 2 * OUTBUF_SIZE);

	CHECK_EQ(pipe(fds), 0);
	r.fd = fds[0];
	r.buf = malloc(r.cap);
	ob = outbuf_new(fds[1]);
	CHECK(ob != NULL);
	outbuf_cancel(ob);
	outbuf_resume(ob);
	pthread_create(&t, NULL, read_all, &r);
	outbuf_write(ob, big, 2 * OUTBUF_SIZE); /* waits for the reader, drops nothing */
	CHECK(outbuf_flush(ob, 10000));
	CHECK_EQ(ob->dropped, 0);
	outbuf_destroy(ob);
	close(fds[1]);
	pthread_join(t, NULL);
	CHECK_EQ(r.len, 2 * OUTBUF_SIZE);
	free(r.buf);
	free(big);
	close(fds[0]);
}

/* A line put byte by byte (the UART) is never split by a line written whole
 * meanwhile (a trace line), and a partial line still comes out on its own
 * after OUTBUF_STAGE_MS (a prompt). */
TEST(byte_stream_lines_are_never_split_by_whole_writes)
{
	struct outbuf *ob;
	struct reader r = {.cap = 4096};
	pthread_t t;
	int fds[2];
	const char *guest = "AFFINITY_INFO: OFF at the first call\n";
	const char *trace = "trace: vcpu 1 hvc PSCI_CPU_OFF\n";

	CHECK_EQ(pipe(fds), 0);
	r.fd = fds[0];
	r.buf = calloc(1, r.cap);
	pthread_create(&t, NULL, read_all, &r);
	ob = outbuf_new(fds[1]);
	CHECK(ob != NULL);
	for (size_t i = 0; i < 5; i++)
		outbuf_putc_line(ob, (uint8_t)guest[i]);
	outbuf_write(ob, trace, strlen(trace)); /* lands before the half line */
	for (size_t i = 5; guest[i]; i++)
		outbuf_putc_line(ob, (uint8_t)guest[i]);
	outbuf_putc_line(ob, '#');
	outbuf_putc_line(ob, ' ');
	usleep(300 * 1000); /* well past OUTBUF_STAGE_MS: the prompt is out */
	pthread_mutex_lock(&ob->lock);
	CHECK_EQ(ob->stage_len, 0);
	pthread_mutex_unlock(&ob->lock);
	CHECK(outbuf_flush(ob, 10000));
	outbuf_destroy(ob);
	close(fds[1]);
	pthread_join(t, NULL);
	CHECK_STR((char *)r.buf,
		  "trace: vcpu 1 hvc PSCI_CPU_OFF\nAFFINITY_INFO: OFF at the first call\n# ");
	free(r.buf);
	close(fds[0]);
}

struct liner {
	struct outbuf *ob;
	int id;
};

#define LINES_PER_WRITER 3000

/* Lines of varying length whose payload says who wrote them. */
static void *write_lines(void *arg)
{
	struct liner *l = arg;
	char line[200];

	for (int i = 0; i < LINES_PER_WRITER; i++) {
		int n = snprintf(line, sizeof(line), "w%d %d ", l->id, i);
		int len = 20 + (i * 37 + l->id * 11) % 150;

		memset(line + n, 'a' + l->id, (size_t)(len - n));
		line[len] = '\n';
		outbuf_write(l->ob, line, (size_t)len + 1);
	}
	return NULL;
}

static bool line_intact(const char *line, size_t len, int *next)
{
	int id, seq, n = 0, want;

	if (sscanf(line, "w%d %d %n", &id, &seq, &n) != 2 || n == 0 || id < 0 || id > 3)
		return false;
	want = 20 + (seq * 37 + id * 11) % 150;
	if ((int)len != want || seq != next[id])
		return false;
	for (size_t i = (size_t)n; i < len; i++)
		if (line[i] != 'a' + id)
			return false;
	next[id]++;
	return true;
}

/* Writers racing while the buffer is full (a reader far slower than
 * them): every line still arrives whole, and each writer's lines in order. */
TEST(racing_writers_on_a_full_buffer_never_split_a_line)
{
	struct outbuf *ob;
	struct reader r = {.cap = 4 * LINES_PER_WRITER * 200};
	struct liner w[4];
	pthread_t t, wt[4];
	int fds[2], next[4] = {0}, bad = 0, lines = 0;

	CHECK_EQ(pipe(fds), 0);
	fcntl(fds[1], F_SETPIPE_SZ, 4096);
	r.fd = fds[0];
	r.buf = malloc(r.cap);
	ob = outbuf_new(fds[1]);
	CHECK(ob != NULL && r.buf != NULL);
	for (int i = 0; i < 4; i++) {
		w[i] = (struct liner){ob, i};
		pthread_create(&wt[i], NULL, write_lines, &w[i]);
	}
	usleep(100 * 1000); /* let the ring fill before anyone reads */
	pthread_create(&t, NULL, read_all, &r);
	for (int i = 0; i < 4; i++)
		pthread_join(wt[i], NULL);
	CHECK(outbuf_flush(ob, 30000));
	outbuf_destroy(ob);
	close(fds[1]);
	pthread_join(t, NULL);
	for (size_t start = 0, i = 0; i < r.len; i++) {
		if (r.buf[i] != '\n')
			continue;
		r.buf[i] = 0;
		if (!line_intact((char *)r.buf + start, i - start, next) && bad++ < 3)
			printf("  bad line at byte %zu: %.60s\n", start, (char *)r.buf + start);
		lines++;
		start = i + 1;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(lines, 4 * LINES_PER_WRITER);
	free(r.buf);
	close(fds[0]);
}

CHECK_MAIN_BEGIN
RUN(bytes_arrive_whole_and_in_order_through_a_small_pipe);
RUN(a_reader_that_never_reads_blocks_the_producer_only_until_cancel);
RUN(a_reader_that_went_away_turns_output_into_a_count);
RUN(resume_restores_back_pressure_after_a_cancel);
RUN(byte_stream_lines_are_never_split_by_whole_writes);
RUN(racing_writers_on_a_full_buffer_never_split_a_line);
CHECK_MAIN_END
