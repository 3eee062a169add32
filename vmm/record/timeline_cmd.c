/*
 * `vmm timeline TRACE.jsonl [--format svg|trace-event] [-o OUT] [--title
 * TEXT]` (contract in timeline.h): read the record, draw it (or write it as
 * Trace Event JSON), write the result. Every failure is one line on stderr
 * and exit status 2.
 *
 * The default output is TRACE.svg (TRACE.json for trace-event) and the
 * default title names TRACE, both built to their full length: a name cut to
 * fit a buffer would be another file's (at worst the record itself,
 * overwritten by its own picture). A Trace Event file has no title; --title
 * names its process track instead (default "vmm", plus the VM's name).
 *
 * The output is opened without blocking and must be a regular file other
 * than the record (a FIFO, a device or -o TRACE is refused before anything
 * is truncated), and a record that cannot be read to its end is refused
 * rather than drawn in part.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/record/timeline.h"

#define USAGE "usage: vmm timeline TRACE.jsonl [--format svg|trace-event] [-o OUT] [--title TEXT]"

/* The whole file at path, malloc'd; its identity in *st. NULL (err says
 * why) for anything but a regular file, and for a file that cannot be read
 * to its end: a picture of part of a record would pass for the whole. */
static char *read_all(const char *path, size_t *len, struct stat *st, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	char *buf;
	size_t done = 0;

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return NULL;
	}
	if (st->st_size > (off_t)1 << 30) {
		snprintf(err, errlen, "%s: larger than 1 GiB", path);
		close(fd);
		return NULL;
	}
	buf = malloc((size_t)st->st_size + 1);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		close(fd);
		return NULL;
	}
	while (done < (size_t)st->st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st->st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "reading %s: %s", path, strerror(errno));
			free(buf);
			close(fd);
			return NULL;
		}
		if (n == 0) /* it shrank since fstat: what is there */
			break;
		done += (size_t)n;
	}
	close(fd);
	*len = done;
	return buf;
}

/*
 * Open the output without ever blocking, and truncate it only once it is
 * known to be a regular file other than the record (in): O_NONBLOCK makes a
 * FIFO without a reader fail (ENXIO) instead of waiting for one, and -o TRACE
 * (under any name for it) would overwrite the record with its own picture.
 * Returns the fd, or -1 after saying why.
 */
static int open_output(const char *path, const struct stat *in)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0644);
	const char *why = NULL;
	struct stat st;

	if (fd < 0 && errno != ENXIO)
		why = strerror(errno);
	else if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		why = "not a regular file";
	else if (st.st_dev == in->st_dev && st.st_ino == in->st_ino)
		why = "that is the trace file itself; pick another output";
	else if (ftruncate(fd, 0) < 0)
		why = strerror(errno);
	if (why) {
		fprintf(stderr, "vmm: timeline: %s: %s\n", path, why);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int write_all(const char *path, const struct stat *in, const char *data, size_t len)
{
	int fd = open_output(path, in);

	if (fd < 0)
		return -1;
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "vmm: timeline: writing %s: %s\n", path, strerror(errno));
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	if (close(fd) < 0) {
		fprintf(stderr, "vmm: timeline: closing %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

struct timeline_args {
	const char *in, *out, *title;
	bool trace_event; /* --format trace-event */
};

/* --format NAME: false (said on stderr) if it is neither. */
static bool set_format(struct timeline_args *a, const char *name)
{
	if (!strcmp(name, "svg") || !strcmp(name, "trace-event")) {
		a->trace_event = !strcmp(name, "trace-event");
		return true;
	}
	fprintf(stderr, "vmm: timeline: unknown format '%s' (svg or trace-event)\n", name);
	return false;
}

/* 0: go on, 1: done (--help), 2: bad arguments (said on stderr). */
static int parse_args(int argc, char **argv, struct timeline_args *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			a->out = argv[++i];
		} else if (!strcmp(argv[i], "--title") && i + 1 < argc) {
			a->title = argv[++i];
		} else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
			if (!set_format(a, argv[++i]))
				return 2;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf(USAGE
			       "\n"
			       "Draw a --trace-file record: one lane per vCPU with its power "
			       "state over time,\nmarks for forwarded calls (injected ones in "
			       "red), a time axis and a legend.\n"
			       "\n"
			       "  --format svg          that picture (the default), in TRACE.svg "
			       "without -o\n"
			       "  --format trace-event  Trace Event JSON for ui.perfetto.dev and "
			       "chrome://tracing,\n"
			       "                        in TRACE.json without -o: per vCPU a "
			       "track of power\n"
			       "                        states and one of calls (with their "
			       "arguments, result\n"
			       "                        and injection rule), vm events as "
			       "instants\n"
			       "  -o OUT                where to write it\n"
			       "  --title TEXT          the picture's title; for trace-event, the "
			       "process name\n");
			return 1;
		} else if (argv[i][0] == '-' || a->in) {
			fprintf(stderr, "vmm: timeline: unexpected argument '%s' (" USAGE ")\n",
				argv[i]);
			return 2;
		} else {
			a->in = argv[i];
		}
	}
	if (!a->in) {
		fprintf(stderr, "vmm: timeline: no trace file (" USAGE ")\n");
		return 2;
	}
	return 0;
}

/* The picture (or the Trace Event file) of the record at a->in, malloc'd,
 * and the record's identity in *in; NULL after saying why. */
static char *convert_file(const struct timeline_args *a, size_t *outlen, struct stat *in)
{
	struct timeline tl;
	char err[256], *text, *out;
	size_t len;
	int ret;

	text = read_all(a->in, &len, in, err, sizeof(err));
	if (!text) {
		fprintf(stderr, "vmm: timeline: %s\n", err);
		return NULL;
	}
	ret = a->trace_event ? timeline_parse_details(&tl, text, len, err, sizeof(err))
			     : timeline_parse(&tl, text, len, err, sizeof(err));
	free(text);
	if (ret) {
		fprintf(stderr, "vmm: timeline: %s: %s\n", a->in, err);
		timeline_free(&tl);
		return NULL;
	}
	out = a->trace_event ? timeline_trace_event(&tl, a->title, outlen)
			     : timeline_svg(&tl, a->title, outlen);
	timeline_free(&tl);
	if (!out)
		fprintf(stderr, "vmm: timeline: out of memory\n");
	return out;
}

/* a, b and c joined, malloc'd (NULL: out of memory). */
static char *joined(const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *s = malloc(la + lb + lc + 1);

	if (s) {
		memcpy(s, a, la);
		memcpy(s + la, b, lb);
		memcpy(s + la + lb, c, lc + 1);
	}
	return s;
}

int timeline_main(int argc, char **argv)
{
	struct timeline_args a;
	struct stat in;
	char *defout = NULL, *deftitle = NULL, *out = NULL;
	size_t outlen;
	int ret = parse_args(argc, argv, &a);

	if (ret)
		return ret == 1 ? 0 : 2;
	ret = 2;
	if (!a.out)
		a.out = defout = joined("", a.in, a.trace_event ? ".json" : ".svg");
	if (!a.title && !a.trace_event)
		a.title = deftitle = joined("vmm timeline: ", a.in, "");
	if (!a.out || (!a.title && !a.trace_event))
		fprintf(stderr, "vmm: timeline: out of memory\n");
	else
		out = convert_file(&a, &outlen, &in);
	if (out && write_all(a.out, &in, out, outlen) == 0)
		ret = 0;
	free(out);
	free(defout);
	free(deftitle);
	return ret;
}
