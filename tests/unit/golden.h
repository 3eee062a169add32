/*
 * What the golden-file tests share (test_fdt.c, test_acpi.c): writing a
 * candidate under build/host, reading files and command output back,
 * decompiling a device tree with dtc, and comparing with a golden in
 * tests/golden/ (printing `diff -u` when they differ). Header-only, for the
 * unit tests alone; every function reports its own failure on stdout.
 */
#ifndef TESTS_UNIT_GOLDEN_H
#define TESTS_UNIT_GOLDEN_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libfdt.h>

#include "tests/unit/check.h"

/* mkdir -p */
static inline int golden_mkdir_p(const char *path)
{
	char tmp[256];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0777) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, 0777) && errno != EEXIST)
		return -1;
	return 0;
}

static inline int golden_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f) {
		printf("  cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	ok = fwrite(data, 1, len, f) == len;
	ok &= fclose(f) == 0;
	return ok ? 0 : -1;
}

/* A whole stream as a NUL-terminated heap string (NULL on error); its
 * length in *lenp if lenp is not NULL. */
static inline char *golden_read_stream(FILE *f, size_t *lenp)
{
	size_t len = 0, cap = 4096, got;
	char *s = malloc(cap), *t;

	if (!s)
		return NULL;
	while ((got = fread(s + len, 1, cap - len - 1, f)) > 0) {
		len += got;
		if (cap - len - 1 == 0) {
			t = realloc(s, cap * 2);
			if (!t) {
				free(s);
				return NULL;
			}
			s = t;
			cap *= 2;
		}
	}
	s[len] = '\0';
	if (lenp)
		*lenp = len;
	return s;
}

static inline char *golden_read_path(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	char *s;

	if (!f) {
		printf("  cannot read %s: %s\n", path, strerror(errno));
		return NULL;
	}
	s = golden_read_stream(f, lenp);
	fclose(f);
	return s;
}

/* Run cmd; its output on success, else NULL (and the output is printed). */
static inline char *golden_run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char *out;
	int status;

	if (!p) {
		printf("  popen(%s): %s\n", cmd, strerror(errno));
		return NULL;
	}
	out = golden_read_stream(p, NULL);
	status = pclose(p);
	if (status != 0) {
		printf("  `%s` exited with status 0x%x:\n%s\n", cmd, status, out ? out : "");
		free(out);
		return NULL;
	}
	return out;
}

/* got (the text of candidate file got_path) must equal the golden file. */
static inline void golden_compare(const char *got_path, const char *got, const char *golden)
{
	char cmd[600];
	char *want = golden_read_path(golden, NULL);

	CHECK(want != NULL && got != NULL);
	if (want && got && strcmp(got, want) != 0) {
		printf("  %s differs from %s:\n", got_path, golden);
		fflush(stdout);
		snprintf(cmd, sizeof(cmd), "diff -u %s %s", golden, got_path);
		if (system(cmd) < 0)
			printf("  cannot run diff: %s\n", strerror(errno));
		CHECK(0);
	}
	free(want);
}

/* dtc printed nothing (no warning) about what. */
static inline void golden_check_no_warnings(const char *what, const char *errs)
{
	CHECK(errs != NULL);
	if (errs && errs[0]) {
		printf("  dtc on %s printed:\n%s", what, errs);
		CHECK(0);
	}
}

/*
 * Write the blob to dir/name.dtb, decompile it with dtc into dir/name.dts
 * and return that text; dtc's stderr (its warnings) goes to *errs. NULL if
 * dtc could not run.
 */
static inline char *golden_dtc_decompile(const void *fdt, const char *dir, const char *name,
					 char **errs)
{
	char dtb[128], dts[128], err[128], cmd[512];
	char *out;

	*errs = NULL;
	if (golden_mkdir_p(dir)) {
		printf("  cannot create %s: %s\n", dir, strerror(errno));
		return NULL;
	}
	snprintf(dtb, sizeof(dtb), "%s/%s.dtb", dir, name);
	snprintf(dts, sizeof(dts), "%s/%s.dts", dir, name);
	snprintf(err, sizeof(err), "%s/%s.dtc-stderr", dir, name);
	if (golden_write_file(dtb, fdt, fdt_totalsize(fdt)))
		return NULL;
	snprintf(cmd, sizeof(cmd), "dtc -I dtb -O dts -o - %s 2>%s", dtb, err);
	out = golden_run(cmd);
	*errs = golden_read_path(err, NULL);
	if (out && golden_write_file(dts, out, strlen(out))) {
		free(out);
		out = NULL;
	}
	return out;
}

/* The blob, decompiled by dtc (into dir/name.dts) without a warning, is
 * the golden .dts. */
static inline void golden_check_dtb(const void *fdt, const char *dir, const char *name,
				    const char *golden)
{
	char path[256];
	char *errs, *dts = golden_dtc_decompile(fdt, dir, name, &errs);

	snprintf(path, sizeof(path), "%s/%s.dts", dir, name);
	golden_check_no_warnings(path, errs);
	golden_compare(path, dts, golden);
	free(errs);
	free(dts);
}

/* A golden .dts compiles without a warning. */
static inline void golden_dts_compiles_cleanly(const char *golden)
{
	char cmd[300];
	char *errs;

	snprintf(cmd, sizeof(cmd), "dtc -I dts -O dtb -o /dev/null %s 2>&1", golden);
	errs = golden_run(cmd);
	golden_check_no_warnings(golden, errs);
	free(errs);
}

#endif
