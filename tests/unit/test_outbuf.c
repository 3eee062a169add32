/*
 * Unit tests of the output rings (vmm/output/outbuf.c) with pipes: bytes come
 * out whole and in order, a reader that never reads blocks a guest producer
 * only until outbuf_cancel(), the VMM's own lines never wait at all, flush
 * and retire give up at their deadline instead of hanging, and a reader that
 * went away (EPIPE) turns output into a count. The concurrency cases run
 * their producers at SCHED_IDLE on one CPU, where the writer and the reader
 * always run first: the orders that timing hides elsewhere happen here.
 */
#define CHECK_FILE "outbuf"
#include "tests/unit/check.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vmm/output/outbuf.h"
#include "tests/unit/threads.h"

/* A ring whose writer a test leaves stuck in write() for good. */
static struct outbuf *outbuf_new_leaked(int fd)
{
	struct outbuf *ob;

	LEAK_ON_PURPOSE_BEGIN();
	ob = outbuf_new(fd);
	LEAK_ON_PURPOSE_END();
	return ob;
}

static size_t queued(struct outbuf *ob)
{
	size_t n;

	pthread_mutex_lock(&ob->lock);
	n = ob->len;
	pthread_mutex_unlock(&ob->lock);
	return n;
}

/* Wait (at most seconds) until the ring is full. */
static bool ring_fills_within(struct outbuf *ob, double seconds)
{
	double end = now_s() + seconds;

	while (queued(ob) != OUTBUF_SIZE) {
		if (now_s() > end)
			return false;
		usleep(1000);
	}
	return true;
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
		outbuf_write_may_wait(ob, chunk, n);
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

	outbuf_write_may_wait(p->ob, junk, p->len);
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
	ob = outbuf_new_leaked(fds[1]);
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
		outbuf_write_may_wait(ob, line, sizeof(line));
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
	outbuf_write_may_wait(ob, big, 2 * OUTBUF_SIZE); /* waits for the reader, drops nothing */
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
	outbuf_write_may_wait(ob, trace, strlen(trace)); /* lands before the half line */
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
		outbuf_write_may_wait(l->ob, line, (size_t)len + 1);
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

static void *log_stop_line(void *arg)
{
	(void)arg;
	outbuf_log("vmm: stopping the VM on %s\n", "Terminated");
	return NULL;
}

/*
 * SIGTERM makes the main thread say "stopping the VM on Terminated" before
 * it cancels the rings: with the ring full and a reader that never reads,
 * that line must be dropped at once, not wait for room only a stop frees.
 */
TEST(a_log_line_on_a_full_ring_never_waits)
{
	struct outbuf *ob;
	struct producer p = {.len = 4 * OUTBUF_SIZE};
	pthread_t prod, logger;
	int fds[2];
	bool returned;

	CHECK_EQ(pipe(fds), 0);
	ob = outbuf_new_leaked(fds[1]);
	CHECK(ob != NULL);
	p.ob = ob;
	pthread_create(&prod, NULL, produce, &p); /* the guest: waits for room */
	CHECK(ring_fills_within(ob, 5.0));
	outbuf_set_log(ob);
	pthread_create(&logger, NULL, log_stop_line, NULL);
	returned = join_within(logger, 2.0);
	CHECK(returned);
	outbuf_set_log(NULL);
	outbuf_cancel(ob); /* the stop: the guest's producer gives up too */
	if (!returned)
		pthread_join(logger, NULL);
	pthread_join(prod, NULL);
	CHECK_EQ(ob->lines_dropped, 1);
	outbuf_destroy(ob);
	/* The writer stays in write() holding fds[1]: leave both ends open. */
}

/* Without a ring (before main sets one, after it is gone) a log line goes
 * straight to stderr, but a stalled stderr drops it instead of blocking. */
TEST(a_log_line_without_a_ring_never_waits_on_a_stalled_stderr)
{
	int fds[2], saved = dup(STDERR_FILENO), flags;
	char junk[4096] = {0};
	pthread_t logger;
	bool returned;

	CHECK_EQ(pipe(fds), 0);
	flags = fcntl(fds[1], F_GETFL);
	fcntl(fds[1], F_SETFL, flags | O_NONBLOCK);
	while (write(fds[1], junk, sizeof(junk)) > 0) /* fill the pipe */
		;
	fcntl(fds[1], F_SETFL, flags);
	outbuf_set_log(NULL);
	dup2(fds[1], STDERR_FILENO);
	pthread_create(&logger, NULL, log_stop_line, NULL);
	returned = join_within(logger, 2.0);
	if (!returned) { /* the old blocking write: let it finish */
		while (!join_within(logger, 0.01))
			if (read(fds[0], junk, sizeof(junk)) <= 0)
				break;
	}
	dup2(saved, STDERR_FILENO);
	close(saved);
	CHECK(returned);
	close(fds[0]);
	close(fds[1]);
}

static void *put_and_never_wait(void *arg)
{
	struct outbuf *ob = arg;
	uint8_t line[100] = {0};

	outbuf_never_wait_on_this_thread();
	outbuf_write_may_wait(ob, line, sizeof(line));
	return NULL;
}

/* The guard behind the rule: a waiting put on a thread that must never wait
 * (the main loop, a writer) drops instead. */
TEST(a_thread_that_must_never_wait_drops_instead)
{
	struct outbuf *ob;
	struct producer p = {.len = 4 * OUTBUF_SIZE};
	pthread_t prod, t;
	int fds[2];
	bool returned;
	uint64_t before;

	CHECK_EQ(pipe(fds), 0);
	ob = outbuf_new_leaked(fds[1]);
	CHECK(ob != NULL);
	p.ob = ob;
	pthread_create(&prod, NULL, produce, &p);
	CHECK(ring_fills_within(ob, 5.0));
	pthread_mutex_lock(&ob->lock);
	before = ob->dropped;
	pthread_mutex_unlock(&ob->lock);
	pthread_create(&t, NULL, put_and_never_wait, ob);
	returned = join_within(t, 2.0);
	CHECK(returned);
	outbuf_cancel(ob);
	if (!returned)
		pthread_join(t, NULL);
	pthread_join(prod, NULL);
	CHECK(ob->dropped >= before + 100);
	outbuf_destroy(ob);
}

struct gate {
	int fd;
	atomic_bool open;
	size_t len;
};

/* Reads nothing until the gate opens, then everything until EOF. */
static void *read_after_gate(void *arg)
{
	struct gate *g = arg;
	uint8_t buf[8192];
	ssize_t n;

	while (!atomic_load(&g->open))
		usleep(1000);
	while ((n = read(g->fd, buf, sizeof(buf))) > 0)
		g->len += (size_t)n;
	return NULL;
}

#define PROMPT_PRODUCERS 20
#define PROMPT_WRITES	 4

static void *idle_console_writes(void *arg)
{
	struct outbuf *ob = arg;
	uint8_t chunk[4096];

	idle_on_cpu0();
	memset(chunk, 'c', sizeof(chunk));
	for (int i = 0; i < PROMPT_WRITES; i++)
		outbuf_write_may_wait(ob, chunk, sizeof(chunk));
	return NULL;
}

/* One round; false if it deadlocked (its threads are then left behind). */
static bool prompt_round(void)
{
	struct gate g = {0};
	pthread_t reader, prod[PROMPT_PRODUCERS];
	struct outbuf *ob;
	int fds[2];
	bool all = true;
	double end;

	if (pipe(fds))
		return false;
	fcntl(fds[1], F_SETPIPE_SZ, 4096);
	g.fd = fds[0];
	ob = outbuf_new_leaked(fds[1]);
	pthread_create(&reader, NULL, read_after_gate, &g);
	for (int i = 0; i < PROMPT_PRODUCERS; i++)
		pthread_create(&prod[i], NULL, idle_console_writes, ob);
	/* Deadlines, not expectations: idle-policy producers get a tiny share of
	 * CPU 0 when the machine is busy (scripts/soak), and a deadlock never
	 * ends, however long one waits. */
	if (!ring_fills_within(ob, 60.0))
		return false;
	outbuf_putc_line(ob, '$'); /* a prompt: the writer commits it after 20 ms */
	usleep(3 * OUTBUF_STAGE_MS * 1000);
	atomic_store(&g.open, true);
	end = now_s() + 60.0;
	for (int i = 0; i < PROMPT_PRODUCERS && all; i++)
		all = join_within(prod[i], end - now_s() > 0 ? end - now_s() : 0.001);
	if (!all)
		return false;
	CHECK(outbuf_flush(ob, 10000));
	outbuf_destroy(ob);
	close(fds[1]);
	pthread_join(reader, NULL);
	CHECK_EQ(g.len, PROMPT_PRODUCERS * PROMPT_WRITES * 4096 + 1);
	close(fds[0]);
	return true;
}

/*
 * The writer releases a prompt (a partial line) once it has waited
 * OUTBUF_STAGE_MS. Guest producers queued for their turn with more than the
 * ring holds (20 vCPUs writing 4 KiB each) must not make it wait for a turn:
 * the producers ahead wait for room only the writer frees.
 */
TEST(b_the_writer_releases_a_prompt_without_waiting_for_a_turn)
{
	cpu_set_t old;
	int rounds = 0;

	pin_to_cpu0(&old); /* the writer and the reader inherit CPU 0 */
	while (rounds < 5 && prompt_round())
		rounds++;
	sched_setaffinity(0, sizeof(old), &old);
	if (rounds < 5)
		printf("  deadlocked in round %d of 5\n", rounds + 1);
	CHECK_EQ(rounds, 5);
}

static int thread_ids(pid_t *ids, int max)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)) && n < max)
		if (e->d_name[0] != '.')
			ids[n++] = atoi(e->d_name);
	if (d)
		closedir(d);
	return n;
}

static unsigned long long blocked_signals(pid_t tid)
{
	char path[64], line[256];
	unsigned long long mask = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)tid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "SigBlk: %llx", &mask) == 1)
			break;
	if (f)
		fclose(f);
	return mask;
}

/* A writer thread never takes SIGINT, SIGTERM or the kick (whose default
 * actions end the process), whatever the mask of the thread creating it. */
TEST(f_writer_threads_start_with_every_signal_blocked)
{
	sigset_t none, old;
	pid_t before[256], after[256];
	int nb, na, found = 0;
	unsigned long long want = (1ULL << (SIGINT - 1)) | (1ULL << (SIGTERM - 1)) |
				  (1ULL << (SIGUSR1 - 1)) | (1ULL << (SIGUSR2 - 1)) |
				  (1ULL << (SIGHUP - 1));
	struct outbuf *ob;
	int fds[2];

	CHECK_EQ(pipe(fds), 0);
	sigemptyset(&none);
	pthread_sigmask(SIG_SETMASK, &none, &old);
	nb = thread_ids(before, 256);
	ob = outbuf_new(fds[1]);
	CHECK(ob != NULL);
	na = thread_ids(after, 256);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	for (int i = 0; i < na; i++) {
		bool known = false;

		for (int j = 0; j < nb; j++)
			known |= after[i] == before[j];
		if (known)
			continue;
		found++;
		CHECK_EQ(blocked_signals(after[i]) & want, want);
	}
	CHECK_EQ(found, 1);
	outbuf_destroy(ob);
	close(fds[0]);
	close(fds[1]);
}

static bool thread_named(pid_t tid, const char *want)
{
	char path[64], name[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", (int)tid);
	f = fopen(path, "r");
	if (f && fgets(name, sizeof(name), f))
		name[strcspn(name, "\n")] = '\0';
	if (f)
		fclose(f);
	return strcmp(name, want) == 0;
}

/* A writer is named after its fd, so a stuck VMM's threads can be told
 * apart in /proc (tests/nested/linux-lib.sh prints them). It names itself
 * as it starts: wait for that, with a deadline. */
TEST(f_a_writer_thread_is_named_after_its_fd)
{
	pid_t ids[256];
	struct outbuf *ob;
	char want[16];
	int fds[2], n;
	bool seen = false;
	double until;

	CHECK_EQ(pipe(fds), 0);
	snprintf(want, sizeof(want), "writer-fd%d", fds[1]);
	ob = outbuf_new(fds[1]);
	CHECK(ob != NULL);
	for (until = now_s() + 5; !seen && now_s() < until; usleep(1000)) {
		n = thread_ids(ids, 256);
		for (int i = 0; i < n && !seen; i++)
			seen = thread_named(ids[i], want);
	}
	CHECK(seen);
	outbuf_destroy(ob);
	close(fds[0]);
	close(fds[1]);
}

static bool fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/*
 * A ring that owns its fd (a trace file) closes it only after its writer's
 * last write(): retired while stuck in write(), the fd stays open, so a file
 * opened meanwhile cannot get its number and the stale bytes; once the
 * reader takes them, the writer closes it.
 */
TEST(d_a_ring_owning_its_fd_closes_it_after_the_last_write)
{
	struct outbuf *ob;
	uint8_t *big = calloc(1, 2 * OUTBUF_SIZE);
	uint8_t buf[8192];
	int fds[2];
	double end;

	CHECK_EQ(pipe(fds), 0);
	fcntl(fds[1], F_SETPIPE_SZ, 4096);
	ob = outbuf_new_owning_fd(fds[1]);
	CHECK(ob != NULL);
	CHECK(outbuf_write_line_or_drop(ob, big, OUTBUF_SIZE));
	usleep(100 * 1000); /* the writer fills the pipe and blocks in write() */
	outbuf_retire(ob, 50);
	CHECK(fd_open(fds[1]));
	end = now_s() + 10.0;
	while (fd_open(fds[1]) && now_s() < end)
		if (read(fds[0], buf, sizeof(buf)) <= 0)
			break;
	while (fd_open(fds[1]) && now_s() < end)
		usleep(1000);
	CHECK(!fd_open(fds[1]));
	close(fds[0]);
	free(big);
}

/* outbuf_retire(ob, 0) returns at once; the writer still writes everything
 * queued (a `trace-file off` must not wait on the main loop). */
TEST(d_retire_returns_at_once_and_the_writer_drains)
{
	struct outbuf *ob;
	struct reader r = {.cap = OUTBUF_SIZE + 16};
	uint8_t *big = calloc(1, OUTBUF_SIZE);
	pthread_t t;
	int fds[2];
	double start;

	CHECK_EQ(pipe(fds), 0);
	fcntl(fds[1], F_SETPIPE_SZ, 4096);
	r.fd = fds[0];
	r.buf = malloc(r.cap);
	ob = outbuf_new_owning_fd(fds[1]);
	CHECK(ob != NULL);
	CHECK(outbuf_write_line_or_drop(ob, big, OUTBUF_SIZE));
	start = now_s();
	outbuf_retire(ob, 0);
	CHECK(now_s() - start < 0.1);
	pthread_create(&t, NULL, read_all, &r);
	CHECK(join_within(t, 10.0)); /* EOF: the writer closed fds[1] */
	CHECK_EQ(r.len, OUTBUF_SIZE);
	free(r.buf);
	free(big);
	close(fds[0]);
}

/* Wait (at most seconds) until the pipe read by fd is full. */
static bool pipe_full_within(int fd, double seconds)
{
	double end = now_s() + seconds;
	int size = fcntl(fd, F_GETPIPE_SZ), n = 0;

	while (ioctl(fd, FIONREAD, &n) == 0 && n < size) {
		if (now_s() > end)
			return false;
		usleep(1000);
	}
	return n == size;
}

/* Read fd until EOF (every write end closed), at most seconds; the bytes. */
static size_t read_to_eof_within(int fd, double seconds)
{
	double end = now_s() + seconds;
	uint8_t buf[8192];
	size_t total = 0;

	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (now_s() > end || poll(&p, 1, 10) < 0)
			return total;
		if (!p.revents)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return total;
		total += (size_t)n;
	}
}

/*
 * The hazard behind owning rings: a trace file switched away from while its
 * writer is stuck in write() to a reader that does not read. When the
 * caller closed the fd itself right after outbuf_destroy() (the old way),
 * the number was free while the writer still wrote: the next file opened
 * (the new trace file) got it, and any write() the writer made after the
 * stuck one returned (the rest of a partial write, or what a retire leaves
 * queued) went into that file. A ring that owns its fd holds the number
 * until its last write() has returned: retired with most of the ring still
 * queued behind the stuck write(), the fd stays open and a new file gets
 * another number; once the pipe is read, everything comes out there (then
 * EOF: the writer closed it), and nothing lands in the new file.
 */
TEST(d_a_retired_ring_keeps_its_fd_number_until_its_last_write)
{
	char path[] = "/tmp/vmm-outbuf-XXXXXX";
	uint8_t *big = calloc(1, OUTBUF_SIZE);
	struct outbuf *ob;
	int fds[2], newfd;
	struct stat st;

	CHECK_EQ(pipe(fds), 0);
	fcntl(fds[1], F_SETPIPE_SZ, 4096);
	ob = outbuf_new_owning_fd(fds[1]);
	CHECK(ob != NULL);
	CHECK(outbuf_write_line_or_drop(ob, big, OUTBUF_SIZE));
	CHECK(pipe_full_within(fds[0], 5.0)); /* the writer is stuck in write() */
	outbuf_retire(ob, 0);

	CHECK(fd_open(fds[1]));
	newfd = mkstemp(path);
	CHECK(newfd >= 0);
	CHECK(newfd != fds[1]);
	CHECK_EQ(read_to_eof_within(fds[0], 10.0), OUTBUF_SIZE);
	CHECK(!fd_open(fds[1]) || fds[1] == newfd);
	CHECK_EQ(fstat(newfd, &st), 0);
	CHECK_EQ(st.st_size, 0); /* no stale byte in the new file */
	close(newfd);
	unlink(path);
	close(fds[0]);
	free(big);
}

CHECK_MAIN_BEGIN
RUN(bytes_arrive_whole_and_in_order_through_a_small_pipe);
RUN(a_reader_that_never_reads_blocks_the_producer_only_until_cancel);
RUN(a_reader_that_went_away_turns_output_into_a_count);
RUN(resume_restores_back_pressure_after_a_cancel);
RUN(byte_stream_lines_are_never_split_by_whole_writes);
RUN(racing_writers_on_a_full_buffer_never_split_a_line);
RUN(a_log_line_on_a_full_ring_never_waits);
RUN(a_log_line_without_a_ring_never_waits_on_a_stalled_stderr);
RUN(a_thread_that_must_never_wait_drops_instead);
RUN(b_the_writer_releases_a_prompt_without_waiting_for_a_turn);
RUN(f_writer_threads_start_with_every_signal_blocked);
RUN(f_a_writer_thread_is_named_after_its_fd);
RUN(d_a_ring_owning_its_fd_closes_it_after_the_last_write);
RUN(d_retire_returns_at_once_and_the_writer_drains);
RUN(d_a_retired_ring_keeps_its_fd_number_until_its_last_write);
CHECK_MAIN_END
