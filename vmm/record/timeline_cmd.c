/*
 * `vmm timeline TRACE.jsonl [-o OUT.svg] [--title TEXT]` (contract in
 * timeline.h): read the record, draw it, write the picture. Every failure is
 * one line on stderr and exit status 2.
 *
 * The default output is TRACE.svg and the default title names TRACE, both
 * built to their full length: a name cut to fit a buffer would be another
 * file's (at worst the record itself, overwritten by its own picture).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/record/timeline.h"

#define USAGE "usage: vmm timeline TRACE.jsonl [-o OUT.svg] [--title TEXT]"

static char *read_all(const char *path, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	char *buf;
	size_t done = 0;

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return NULL;
	}
	if (st.st_size > (off_t)1 << 30) {
		snprintf(err, errlen, "%s: larger than 1 GiB", path);
		close(fd);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		close(fd);
		return NULL;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	close(fd);
	*len = done;
	return buf;
}

static int write_all(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0) {
		fprintf(stderr, "vmm: timeline: %s: %s\n", path, strerror(errno));
		return -1;
	}
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
};

/* 0: go on, 1: done (--help), 2: bad arguments (said on stderr). */
static int parse_args(int argc, char **argv, struct timeline_args *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			a->out = argv[++i];
		} else if (!strcmp(argv[i], "--title") && i + 1 < argc) {
			a->title = argv[++i];
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf(USAGE
			       "\n"
			       "Draw a --trace-file record: one lane per vCPU with its power "
			       "state over time,\nmarks for forwarded calls (injected ones in "
			       "red), a time axis and a legend.\n");
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

/* The picture of the record at path, malloc'd; NULL after saying why. */
static char *draw_file(const char *path, const char *title, size_t *svglen)
{
	struct timeline tl;
	char err[256], *text, *svg;
	size_t len;

	text = read_all(path, &len, err, sizeof(err));
	if (!text) {
		fprintf(stderr, "vmm: timeline: %s\n", err);
		return NULL;
	}
	if (timeline_parse(&tl, text, len, err, sizeof(err))) {
		fprintf(stderr, "vmm: timeline: %s: %s\n", path, err);
		timeline_free(&tl);
		free(text);
		return NULL;
	}
	free(text);
	svg = timeline_svg(&tl, title, svglen);
	timeline_free(&tl);
	if (!svg)
		fprintf(stderr, "vmm: timeline: out of memory\n");
	return svg;
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
	char *defout = NULL, *deftitle = NULL, *svg = NULL;
	size_t svglen;
	int ret = parse_args(argc, argv, &a);

	if (ret)
		return ret == 1 ? 0 : 2;
	ret = 2;
	if (!a.out)
		a.out = defout = joined("", a.in, ".svg");
	if (!a.title)
		a.title = deftitle = joined("vmm timeline: ", a.in, "");
	if (!a.out || !a.title)
		fprintf(stderr, "vmm: timeline: out of memory\n");
	else
		svg = draw_file(a.in, a.title, &svglen);
	if (svg && write_all(a.out, svg, svglen) == 0)
		ret = 0;
	free(svg);
	free(defout);
	free(deftitle);
	return ret;
}
