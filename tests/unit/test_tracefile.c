/*
 * Unit tests of the trace file's plumbing (vmm/record/tracefile.c): opening
 * never blocks (a FIFO, with or without a reader, or a device is refused in
 * one line), lines reach the file whole, `trace-file off` returns at once
 * while the file's own writer finishes it, and the counters say whether
 * there ever was a record.
 */
#define CHECK_FILE "tracefile"
#include "tests/unit/check.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/output/outbuf.h"
#include "vmm/record/tracefile.h"
#include "tests/unit/threads.h"

static char dir[64];

static const char *in_dir(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
	return buf;
}

struct opener {
	struct tracefile *t;
	const char *path;
	char err[320];
	int ret;
};

static void *open_it(void *arg)
{
	struct opener *o = arg;

	o->ret = tracefile_open(o->t, o->path, o->err, sizeof(o->err));
	return NULL;
}

/* tracefile_open on another thread, which must answer: a blocking open()
 * never would. The deadline is far above the microseconds an open takes, so
 * that a loaded machine's scheduling delays are no failure (speed is for
 * benchmarks, not tests). */
static bool opens_without_blocking(struct opener *o)
{
	pthread_t th;

	pthread_create(&th, NULL, open_it, o);
	return join_within(th, 20.0);
}

TEST(c_a_fifo_without_a_reader_is_refused_at_once)
{
	struct tracefile t;
	char path[128];
	struct opener o = {.t = &t, .path = in_dir(path, sizeof(path), "fifo")};
	bool answered;
	int unblock;

	tracefile_init(&t);
	CHECK_EQ(mkfifo(path, 0600), 0);
	answered = opens_without_blocking(&o);
	CHECK(answered);
	if (!answered) {
		/* The old blocking open: a reader lets it go on. */
		unblock = open(path, O_RDONLY | O_NONBLOCK);
		usleep(100 * 1000);
		close(unblock);
		return;
	}
	CHECK_EQ(o.ret, -1);
	CHECK(strstr(o.err, "not a regular file") != NULL);
	CHECK(strchr(o.err, '\n') == NULL);
	CHECK(!tracefile_on(&t));
	unlink(path);
}

TEST(c_a_fifo_with_a_reader_is_refused_too)
{
	struct tracefile t;
	char path[128];
	struct opener o = {.t = &t, .path = in_dir(path, sizeof(path), "fifo2")};
	int reader;

	tracefile_init(&t);
	CHECK_EQ(mkfifo(path, 0600), 0);
	reader = open(path, O_RDONLY | O_NONBLOCK);
	CHECK(reader >= 0);
	CHECK(opens_without_blocking(&o));
	CHECK_EQ(o.ret, -1);
	CHECK(strstr(o.err, "not a regular file") != NULL);
	close(reader);
	unlink(path);
}

TEST(c_a_device_is_refused)
{
	struct tracefile t;
	struct opener o = {.t = &t, .path = "/dev/null"};

	tracefile_init(&t);
	CHECK(opens_without_blocking(&o));
	CHECK_EQ(o.ret, -1);
	CHECK_STR(o.err, "trace file '/dev/null': not a regular file");
}

TEST(c_bad_paths_get_one_line)
{
	struct tracefile t;
	char err[320], path[128];

	tracefile_init(&t);
	CHECK_EQ(tracefile_open(&t, "", err, sizeof(err)), -1);
	CHECK(strstr(err, "not a usable path") != NULL);
	CHECK_EQ(tracefile_open(&t, in_dir(path, sizeof(path), "no/such/dir"), err, sizeof(err)),
		 -1);
	CHECK(strstr(err, "No such file or directory") != NULL);
	CHECK(!tracefile_on(&t));
}

static size_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (size_t)st.st_size;
}

/* `trace-file off` on the main loop returns at once; the file's writer still
 * writes every queued line; a file switched to gets only later lines. */
TEST(c_off_returns_at_once_and_every_queued_line_arrives)
{
	struct tracefile t;
	char a[128], b[128], err[320], line[64];
	size_t want = 0;
	double start, end;

	tracefile_init(&t);
	in_dir(a, sizeof(a), "a.jsonl");
	in_dir(b, sizeof(b), "b.jsonl");
	CHECK_EQ(tracefile_open(&t, a, err, sizeof(err)), 0);
	for (int i = 0; i < 500; i++) {
		int n = snprintf(line, sizeof(line), "{\"t\":%d,\"ev\":\"vm\"}\n", i);

		tracefile_write(&t, line, (size_t)n);
		want += (size_t)n;
	}
	CHECK_EQ(tracefile_open(&t, b, err, sizeof(err)), 0);
	tracefile_write(&t, "{}\n", 3);
	start = now_s();
	tracefile_close(&t, 0);
	CHECK(now_s() - start < 0.1);
	CHECK(!tracefile_on(&t));
	tracefile_write(&t, "{}\n", 3); /* off: nothing */
	end = now_s() + 10.0;
	while ((file_size(a) < want || file_size(b) < 3) && now_s() < end)
		usleep(1000);
	CHECK_EQ(file_size(a), want);
	CHECK_EQ(file_size(b), 3);
	CHECK_EQ(atomic_load(&t.lines), 501);
	CHECK_EQ(tracefile_dropped(&t), 0);
	usleep(50 * 1000); /* the retired writers free themselves */
	unlink(a);
	unlink(b);
}

/* How many of this process's fds are open on path (the retired rings own
 * theirs until their last write has returned). */
static int fds_open_on(const char *path)
{
	char link[300], target[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while (d && (e = readdir(d))) {
		ssize_t len;

		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		len = readlink(link, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		n += strcmp(target, path) == 0;
	}
	if (d)
		closedir(d);
	return n;
}

/* Puts a ring's writer on CPU 0 at SCHED_IDLE: it runs only when nothing else
 * there wants to, so the test thread (pinned there too) decides when it may
 * write. Set after the ring exists: its writer is parked with nothing to do. */
static void idle_writer_on_cpu0(struct outbuf *ob)
{
	struct sched_param none = {0};
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	pthread_setaffinity_np(ob->writer, sizeof(one), &one);
	pthread_setschedparam(ob->writer, SCHED_IDLE, &none);
}

/*
 * `trace-file off` and at once `trace-file` with the same path: the first
 * record's writer (SCHED_IDLE on this CPU, so it has written little or
 * nothing yet) must not write its tail into the truncated new record. The
 * second open is refused in one line while that writer holds the file
 * (retried here); once it is done, the new record holds exactly its own
 * lines. The deadlines are generous: on a machine whose every CPU is busy
 * (scripts/soak) an idle-policy thread gets a tiny share of CPU 0.
 */
TEST(c_reopening_a_file_its_old_writer_still_writes_never_mixes_them)
{
	struct tracefile t;
	char a[128], line[64], got[256], err[320];
	static const char fresh[] = "{\"t\":1,\"ev\":\"vm\",\"what\":\"open\"}\n";
	cpu_set_t old;
	double end;
	int ret, fd;
	ssize_t n;

	tracefile_init(&t);
	in_dir(a, sizeof(a), "again.jsonl");
	pin_to_cpu0(&old);
	CHECK_EQ(tracefile_open(&t, a, err, sizeof(err)), 0);
	if (!t.ob)
		return;
	idle_writer_on_cpu0(t.ob);
	for (int i = 0; i < 1000; i++) {
		int len = snprintf(line, sizeof(line), "{\"t\":%d,\"ev\":\"vm\"}\n", i);

		tracefile_write(&t, line, (size_t)len);
	}
	tracefile_close(&t, 0);
	end = now_s() + 120.0;
	while ((ret = tracefile_open(&t, a, err, sizeof(err))) != 0 && now_s() < end) {
		CHECK(strchr(err, '\n') == NULL);
		CHECK(strstr(err, "again.jsonl") != NULL);
		usleep(1000); /* the old writer runs while we sleep */
	}
	CHECK_EQ(ret, 0);
	tracefile_write(&t, fresh, sizeof(fresh) - 1);
	tracefile_close(&t, 5000);
	sched_setaffinity(0, sizeof(old), &old);
	/* Every writer of the file is done once no fd is open on it. */
	end = now_s() + 120.0;
	while (fds_open_on(a) && now_s() < end)
		usleep(1000);
	CHECK_EQ(fds_open_on(a), 0);
	fd = open(a, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, got, sizeof(got) - 1);
	if (fd >= 0)
		close(fd);
	CHECK_EQ(n, (ssize_t)sizeof(fresh) - 1);
	got[n < 0 ? 0 : n] = '\0';
	CHECK_STR(got, fresh);
	unlink(a);
}

/* Two records in one file (a second VMM, or a second tracefile) would
 * interleave: the second open is refused while the first records. */
TEST(c_a_file_another_record_writes_is_refused)
{
	struct tracefile t1, t2;
	char path[128], err[320];

	tracefile_init(&t1);
	tracefile_init(&t2);
	in_dir(path, sizeof(path), "shared.jsonl");
	CHECK_EQ(tracefile_open(&t1, path, err, sizeof(err)), 0);
	tracefile_write(&t1, "{}\n", 3);
	CHECK_EQ(tracefile_open(&t2, path, err, sizeof(err)), -1);
	CHECK(strchr(err, '\n') == NULL);
	CHECK(!tracefile_on(&t2));
	tracefile_close(&t1, 5000);
	CHECK_EQ(file_size(path), 3);
	unlink(path);
}

/* `ctl stats` shows trace-file counters only once there was a trace file. */
TEST(e_the_counters_exist_only_once_there_was_a_file)
{
	struct tracefile t;
	char path[128], err[320];

	tracefile_init(&t);
	CHECK(!tracefile_was_used(&t));
	CHECK_EQ(tracefile_open(&t, "/dev/null", err, sizeof(err)), -1);
	CHECK(!tracefile_was_used(&t));
	CHECK_EQ(tracefile_open(&t, in_dir(path, sizeof(path), "c.jsonl"), err, sizeof(err)), 0);
	CHECK(tracefile_was_used(&t));
	tracefile_close(&t, 5000);
	CHECK(tracefile_was_used(&t));
	unlink(path);
}

CHECK_MAIN_BEGIN
snprintf(dir, sizeof(dir), "/tmp/test-tracefile.XXXXXX");
if (!mkdtemp(dir)) {
	perror("mkdtemp");
	return 1;
}
RUN(c_a_fifo_without_a_reader_is_refused_at_once);
RUN(c_a_fifo_with_a_reader_is_refused_too);
RUN(c_a_device_is_refused);
RUN(c_bad_paths_get_one_line);
RUN(c_off_returns_at_once_and_every_queued_line_arrives);
RUN(c_reopening_a_file_its_old_writer_still_writes_never_mixes_them);
RUN(c_a_file_another_record_writes_is_refused);
RUN(e_the_counters_exist_only_once_there_was_a_file);
rmdir(dir);
CHECK_MAIN_END
