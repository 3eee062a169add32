/*
 * Unit tests of the timeline picture (vmm/record/timeline_*.c): the JSON-lines
 * reader, and the SVG checked the way a user sees it: rendered to PNG by
 * rsvg-convert (Debian's librsvg2-bin, installed by scripts/deps), whose
 * size and pixels are then inspected: the lanes show the right state colour
 * at the right time, injected calls show in red, 64 vCPUs all get a lane.
 *
 * `vmm timeline` itself runs in a child process, so that a command that
 * would block is ended at a deadline and its stderr can be read: it refuses
 * (in one line) an output that is the record itself or not a regular file,
 * and a record it cannot read to the end.
 *
 * The PNG is inflated with the system's zlib, loaded with dlopen so the unit
 * tests need no extra link flag (libz.so.1 is part of every Debian system).
 */
#define CHECK_FILE "timeline"
#include "tests/unit/check.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/records.h"
#include "vmm/record/timeline.h"

/* A 2-vCPU record as the VMM writes it (times in ns, from 1 s): cpu1 is
 * started at 1.1 s by a CPU_ON that was delayed 200 ms (so its call line
 * comes after the state lines it caused), runs until 1.6 s, a second CPU_ON
 * at 1.7 s is answered INTERNAL_FAILURE by a rule, the VM ends at 2 s. */
static const char two_cpus[] = RECORD_TWO_CPUS_START
    "\n"
    "{\"t\":1100000000,\"ev\":\"state\",\"vcpu\":1,\"from\":\"off\",\"to\":\"on-pending\","
    "\"cause\":\"CPU_ON\"}\n"
    "{\"t\":1100500000,\"ev\":\"state\",\"vcpu\":1,\"from\":\"on-pending\",\"to\":\"on\","
    "\"cause\":\"running\"}\n"
    "{\"t\":900000000,\"ev\":\"call\",\"vcpu\":0,\"conduit\":\"hvc\",\"fn\":\"PSCI_CPU_ON64\","
    "\"fid\":\"0xc4000003\",\"args\":[\"0x1\",\"0x80080000\",\"0x0\"],\"target\":1,"
    "\"result\":\"resume\",\"ret\":0,\"x0\":\"0x0\",\"injected\":true,"
    "\"rule\":\"CPU_ON:delay=200ms\",\"vmm_ns\":200400000}\n"
    "{\"t\":1600000000,\"ev\":\"state\",\"vcpu\":1,\"from\":\"on\",\"to\":\"off\","
    "\"cause\":\"CPU_OFF\"}\n"
    "{\"t\":1599000000,\"ev\":\"call\",\"vcpu\":1,\"conduit\":\"hvc\",\"fn\":\"PSCI_CPU_OFF\","
    "\"fid\":\"0x84000002\",\"args\":[],\"result\":\"cpu-off\",\"injected\":false,"
    "\"vmm_ns\":1000}\n" RECORD_TWO_CPUS_END;

TEST(reader_collects_states_and_calls_in_time_order)
{
	struct timeline tl;
	char err[128] = "";

	CHECK_EQ(timeline_parse(&tl, two_cpus, sizeof(two_cpus) - 1, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_EQ(tl.nr_cpus, 2);
	CHECK_EQ(tl.nr_changes, 7);
	CHECK_EQ(tl.nr_calls, 3);
	CHECK_EQ(tl.nr_injected, 2);
	CHECK_EQ(tl.nr_resets, 0);
	CHECK_EQ(tl.t_min, 900000000ULL);
	CHECK_EQ(tl.t_max, 2000000000ULL);
	for (size_t i = 1; i < tl.nr_changes; i++)
		CHECK(tl.changes[i - 1].t <= tl.changes[i].t);
	CHECK_EQ(tl.calls[0].target, 1);
	CHECK_EQ(tl.calls[0].dur, 200400000ULL);
	CHECK_EQ(tl.calls[1].target, -1);
	timeline_free(&tl);
}

TEST(reader_names_the_bad_line)
{
	static const struct check_refusal bad[] = {
	    {"{\"t\":1,\"ev\":\"vm\"}\nnot json\n", "line 2: not a JSON object"},
	    {"{\"t\":1,\"ev\":\"vm\"} trailing\n", "line 1: not a JSON object"},
	    {"{\"ev\":\"vm\"}\n", "line 1: no \"t\""},
	    {"{\"t\":1,\"ev\":\"state\",\"vcpu\":0,\"to\":\"sideways\"}", "unknown power state"},
	    {"{\"t\":1,\"ev\":\"call\",\"vcpu\":9999}", "\"vcpu\" missing or not"},
	    {"{\"t\":1,\"x\":[1,[2,{\"a\":\"b\\\"\"}]],\"ev\":\"call\"}", "\"vcpu\" missing"},
	    {"{\"t\":\"1\"", "not a JSON object"},
	    /* Separators: each container's commas, colons and ends. */
	    {"{}", "line 1: no \"t\""},
	    {"{\"t\":1,\"ev\":\"vm\",}", "not a JSON object"},
	    {"{\"t\":1 \"ev\":\"vm\"}", "not a JSON object"},
	    {"{\"t\" 1}", "not a JSON object"},
	    {"{\"t\":1,\"x\":[1,]}", "not a JSON object"},
	    {"{\"t\":1,\"x\":{\"a\" 1}}", "not a JSON object"},
	    {"{\"t\":1,\"x\":{\"a\":1,}}", "not a JSON object"},
	    {"{\"t\":1,\"args\":[\"a\" \"b\"]}", "not a JSON object"},
	    {"{\"t\":1,\"args\":[\"a\",]}", "not a JSON object"},
	    /* The file's own bytes never make a second line or a terminal
	     * escape in the error. */
	    {"{\"t\":1,\"ev\":\"state\",\"vcpu\":0,\"to\":\"on\\nfake: line\\u001b[2J\"}",
	     "unknown power state"},
	};
	static const char skipped[] =
	    "{\"t\":5,\"ev\":\"future\",\"x\":{\"y\":[true,null,-1.5e3]}}\n"
	    "{ \"t\" : 6 , \"ev\":\"future\",\"x\":{ },\"y\":[ ],\"args\":[ ] }\n"
	    "{\"t\":7,\"ev\":\"future\",\"args\":[\"a\", 1, \"b\"],\"z\":{\"a\":{\"b\":[{}]}}}";
	struct timeline tl;
	char err[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CHECK_REFUSED(
		    timeline_parse(&tl, bad[i].input, strlen(bad[i].input), err, sizeof(err)), err,
		    bad[i].says, bad[i].input);
		for (const char *p = err; *p; p++)
			CHECK((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
		timeline_free(&tl);
	}
	/* Unknown kinds and fields are skipped, nested values too. */
	CHECK_EQ(timeline_parse(&tl, skipped, strlen(skipped), err, sizeof(err)), 0);
	timeline_free(&tl);
}

/* ---- rendering through rsvg-convert ---- */

struct image {
	unsigned int w, h;
	uint8_t *rgba; /* w * h * 4 */
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int paeth(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Decode an 8-bit RGBA or RGB, non-interlaced PNG (what rsvg-convert writes). */
static bool png_decode(const uint8_t *png, size_t len, struct image *img, char *why)
{
	typedef int (*uncompress_fn)(uint8_t *, unsigned long *, const uint8_t *, unsigned long);
	static uncompress_fn uncompress;
	unsigned int bpp, type;
	uint8_t *z = NULL, *raw = NULL;
	size_t zlen = 0;
	unsigned long rawlen;

	if (!uncompress) {
		void *lib = dlopen("libz.so.1", RTLD_NOW);

		uncompress = lib ? (uncompress_fn)dlsym(lib, "uncompress") : NULL;
		if (!uncompress) {
			strcpy(why, "cannot load zlib (libz.so.1)");
			return false;
		}
	}
	if (len < 33 || memcmp(png, "\x89PNG\r\n\x1a\n", 8) || memcmp(png + 12, "IHDR", 4)) {
		strcpy(why, "not a PNG");
		return false;
	}
	img->w = be32(png + 16);
	img->h = be32(png + 20);
	type = png[25];
	if (png[24] != 8 || (type != 6 && type != 2) || png[28] != 0 || img->w > 10000 ||
	    img->h > 10000) {
		sprintf(why, "unexpected PNG format (depth %u, colour type %u, interlace %u)",
			png[24], type, png[28]);
		return false;
	}
	bpp = type == 6 ? 4 : 3;
	for (size_t off = 8; off + 12 <= len;) {
		uint32_t n = be32(png + off);

		if (off + 12 + n > len)
			break;
		if (!memcmp(png + off + 4, "IDAT", 4)) {
			z = realloc(z, zlen + n);
			memcpy(z + zlen, png + off + 8, n);
			zlen += n;
		}
		off += 12 + n;
	}
	rawlen = (unsigned long)img->h * (1 + img->w * bpp);
	raw = malloc(rawlen);
	img->rgba = malloc((size_t)img->w * img->h * 4);
	if (!z || !raw || !img->rgba || uncompress(raw, &rawlen, z, zlen) != 0 ||
	    rawlen != (unsigned long)img->h * (1 + img->w * bpp)) {
		strcpy(why, "bad image data");
		free(z);
		free(raw);
		return false;
	}
	for (unsigned int y = 0; y < img->h; y++) {
		uint8_t *row = raw + (size_t)y * (1 + img->w * bpp), *cur = row + 1;
		const uint8_t *prev = y ? raw + (size_t)(y - 1) * (1 + img->w * bpp) + 1 : NULL;

		for (unsigned int x = 0; x < img->w * bpp; x++) {
			int a = x >= bpp ? cur[x - bpp] : 0, b = prev ? prev[x] : 0;
			int c = prev && x >= bpp ? prev[x - bpp] : 0;

			switch (row[0]) {
			case 1:
				cur[x] = (uint8_t)(cur[x] + a);
				break;
			case 2:
				cur[x] = (uint8_t)(cur[x] + b);
				break;
			case 3:
				cur[x] = (uint8_t)(cur[x] + (a + b) / 2);
				break;
			case 4:
				cur[x] = (uint8_t)(cur[x] + paeth(a, b, c));
				break;
			}
		}
		for (unsigned int x = 0; x < img->w; x++) {
			uint8_t *px = img->rgba + ((size_t)y * img->w + x) * 4;

			memcpy(px, cur + x * bpp, 3);
			px[3] = bpp == 4 ? cur[x * bpp + 3] : 255;
		}
	}
	free(z);
	free(raw);
	return true;
}

/* Render svg with rsvg-convert; false (and why) if that is not possible. */
static bool render(const char *svg, size_t len, struct image *img, char *why)
{
	char svgpath[] = "/tmp/vmm-timeline-XXXXXX", cmd[256], pngpath[64];
	uint8_t *png = NULL;
	size_t pnglen = 0;
	FILE *f;
	int fd = mkstemp(svgpath);
	bool ok;

	if (fd < 0 || write(fd, svg, len) != (ssize_t)len) {
		strcpy(why, "cannot write a temporary file");
		return false;
	}
	close(fd);
	snprintf(pngpath, sizeof(pngpath), "%s.png", svgpath);
	snprintf(cmd, sizeof(cmd), "rsvg-convert -o %s %s", pngpath, svgpath);
	if (system(cmd) != 0) {
		strcpy(why,
		       "rsvg-convert failed or is missing (scripts/deps installs librsvg2-bin)");
		unlink(svgpath);
		return false;
	}
	f = fopen(pngpath, "rb");
	if (f) {
		png = malloc(16 << 20);
		pnglen = png ? fread(png, 1, 16 << 20, f) : 0;
		fclose(f);
	}
	ok = png && png_decode(png, pnglen, img, why);
	if (!png)
		strcpy(why, "cannot read the PNG");
	free(png);
	unlink(svgpath);
	unlink(pngpath);
	return ok;
}

static const uint8_t *pixel(const struct image *img, unsigned int x, unsigned int y)
{
	return img->rgba + ((size_t)y * img->w + x) * 4;
}

/* Is the pixel within a few levels of colour #rrggbb? */
static bool is(const uint8_t *px, uint32_t rgb)
{
	return abs(px[0] - (int)(rgb >> 16)) < 12 && abs(px[1] - (int)((rgb >> 8) & 0xff)) < 12 &&
	       abs(px[2] - (int)(rgb & 0xff)) < 12;
}

/* The geometry timeline_layout.h promises: plot from x = 64 to 1176, lanes from
 * y = 64, 36 px each for up to 4 vCPUs, 10 px for 17-64. */
#define PLOT_X0 64.0
#define PLOT_W	1112.0
#define GREEN	0x43a047
#define AMBER	0xffb300
#define GREY	0x9e9e9e
#define RED	0xe53935

static unsigned int x_at(uint64_t t, uint64_t t0, uint64_t span)
{
	return (unsigned int)(PLOT_X0 + (double)(t - t0) * PLOT_W / (double)span);
}

TEST(two_vcpus_render_with_states_calls_and_injected_marks)
{
	struct timeline tl;
	struct image img = {0};
	char err[160] = "", *svg;
	size_t len;
	uint64_t t0 = 900000000ULL, span = 1100000000ULL;
	unsigned int lane1 = 64 + 36 + 18, lane0 = 64 + 18, red = 0;

	CHECK_EQ(timeline_parse(&tl, two_cpus, sizeof(two_cpus) - 1, err, sizeof(err)), 0);
	svg = timeline_svg(&tl, "two vCPUs & <friends>", &len);
	CHECK(svg != NULL);
	if (!svg)
		return;
	CHECK(strstr(svg, "two vCPUs &amp; &lt;friends&gt;") != NULL);
	CHECK(strstr(svg, ">cpu1</text>") != NULL);
	CHECK(strstr(svg, "3 forwarded calls (2 injected)") != NULL);
	CHECK(strstr(svg, ">on-pending</text>") != NULL);
	CHECK(strstr(svg, ">1000 ms</text>") != NULL); /* axis ticks at 100 ms steps */
	if (!render(svg, len, &img, err)) {
		printf("  %s\n", err);
		check_failed_in_case = 1;
		free(svg);
		timeline_free(&tl);
		return;
	}
	CHECK_EQ(img.w, 1200);
	CHECK_EQ(img.h, 64 + 2 * 36 + 44 + 56);
	/* cpu1: off at 1.05 s, on at 1.33 s, off again at 1.65 s; cpu0 on at 1.55 s
	 * (clear of the grid lines at every 100 ms). */
	CHECK(is(pixel(&img, x_at(1050000000ULL, t0, span), lane1 + 8), GREY));
	CHECK(is(pixel(&img, x_at(1330000000ULL, t0, span), lane1 + 8), GREEN));
	CHECK(is(pixel(&img, x_at(1650000000ULL, t0, span), lane1 + 8), GREY));
	CHECK(is(pixel(&img, x_at(1550000000ULL, t0, span), lane0 + 8), GREEN));
	/* Nothing is known about either lane before the first state line. */
	CHECK(!is(pixel(&img, x_at(950000000ULL, t0, span), lane0 + 8), GREEN));
	/* The injected INTERNAL_FAILURE at 1.7 s: red on cpu0's lane and on
	 * its target's, cpu1. */
	for (int dx = -2; dx <= 2; dx++) {
		red += is(pixel(&img, x_at(1700000000ULL, t0, span) + dx, lane0 + 12), RED);
		red += is(pixel(&img, x_at(1700000000ULL, t0, span) + dx, lane1 + 12), RED) * 10;
	}
	CHECK(red % 10 > 0 && red / 10 > 0);
	free(img.rgba);
	free(svg);
	timeline_free(&tl);
}

TEST(sixty_four_vcpus_each_get_a_lane)
{
	struct timeline tl;
	struct image img = {0};
	char err[160] = "", *svg, *text = malloc(64 * 400);
	size_t len = 0, n;
	unsigned int lanes_green = 0;

	/* vCPU i is switched on at (i + 1) ms and stays on until 100 ms. */
	len += (size_t)sprintf(text, "{\"t\":0,\"ev\":\"vm\",\"what\":\"start\",\"cpus\":64}\n");
	for (unsigned int i = 0; i < 64; i++)
		len +=
		    (size_t)sprintf(text + len,
				    "{\"t\":0,\"ev\":\"state\",\"vcpu\":%u,\"to\":\"off\"}\n"
				    "{\"t\":%u000000,\"ev\":\"state\",\"vcpu\":%u,\"to\":\"on\"}\n",
				    i, i + 1, i);
	len += (size_t)sprintf(text + len,
			       "{\"t\":100000000,\"ev\":\"vm\",\"what\":\"system-off\"}\n");
	CHECK_EQ(timeline_parse(&tl, text, len, err, sizeof(err)), 0);
	CHECK_EQ(tl.nr_cpus, 64);
	svg = timeline_svg(&tl, NULL, &n);
	CHECK(svg && strstr(svg, ">cpu63</text>"));
	if (svg && render(svg, n, &img, err)) {
		CHECK_EQ(img.w, 1200);
		CHECK_EQ(img.h, 64 + 64 * 10 + 44 + 56);
		for (unsigned int i = 0; i < 64; i++) {
			unsigned int y = 64 + i * 10 + 5;

			/* Off before its CPU_ON, on at 93 ms. */
			lanes_green +=
			    is(pixel(&img, x_at(93000000ULL, 0, 100000000ULL), y), GREEN) &&
			    is(pixel(&img, x_at(i * 1000000ULL + 500000ULL, 0, 100000000ULL), y),
			       GREY);
		}
		CHECK_EQ(lanes_green, 64);
		free(img.rgba);
	} else {
		printf("  %s\n", err);
		check_failed_in_case = 1;
	}
	free(svg);
	free(text);
	timeline_free(&tl);
}

/* ---- `vmm timeline` ---- */

/* Does the file at path hold exactly want (or, for "<...", begin with it)? */
static bool file_is(const char *path, const char *want)
{
	char buf[4096];
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return f && !strncmp(buf, want, strlen(want)) && (want[0] == '<' || n == strlen(want));
}

/*
 * The default output is TRACE.svg. With a long TRACE the name was cut to
 * fit a fixed buffer: at 511 bytes it was TRACE itself, so the record was
 * overwritten by its own picture (at 508-510 bytes some other file,
 * "TRACE.s", was). The whole name, or a refusal; never a cut one.
 */
TEST(default_output_name_of_a_long_trace_path_is_never_cut)
{
	static const char record[] = "{\"t\":1,\"ev\":\"vm\",\"what\":\"start\",\"cpus\":1}\n";
	char dir[] = "/tmp/vmm-timeline-XXXXXX", in[600], out[620];
	char *argv[] = {(char *)"timeline", in, NULL};
	size_t len;
	FILE *f;
	int status;

	if (!mkdtemp(dir)) {
		printf("  mkdtemp failed\n");
		check_failed_in_case = 1;
		return;
	}
	/* DIR/././.../xxx...x.jsonl, 511 bytes long (a name is at most 255). */
	len = (size_t)snprintf(in, sizeof(in), "%s/", dir);
	while (511 - len > 200)
		len += (size_t)snprintf(in + len, sizeof(in) - len, "./");
	memset(in + len, 'x', 511 - len - 6);
	strcpy(in + 511 - 6, ".jsonl");
	CHECK_EQ(strlen(in), 511);
	f = fopen(in, "w");
	CHECK(f && fputs(record, f) >= 0);
	if (f)
		fclose(f);
	status = timeline_main(2, argv);
	snprintf(out, sizeof(out), "%s.svg", in);
	CHECK(file_is(in, record)); /* the record is untouched */
	if (status == 0)
		CHECK(file_is(out, "<?xml"));
	else
		CHECK_EQ(access(out, F_OK), -1);
	unlink(out);
	unlink(in);
	rmdir(dir);
}

/* Make every read() of exactly count bytes fail with EIO, for this process
 * (a seccomp filter; no other read of the command asks for that many). */
static bool fail_reads_of(uint32_t count)
{
#if defined(__x86_64__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "fail_reads_of: name this architecture's AUDIT_ARCH"
#endif
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TEST_AUDIT_ARCH, 0, 5),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_read, 0, 3),
	    /* the low half of the count (both architectures are little-endian) */
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, count, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EIO),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};

	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
	       prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0;
}

/*
 * Run `vmm timeline` with argv in a child, ended by SIGALRM after 5 s if it
 * blocks; fail_read_of, if not 0, is a read() size made to fail. Returns its
 * exit status (128 + the signal that ended it); its stderr is in err.
 */
static int run_timeline(char **argv, uint32_t fail_read_of, char *err, size_t errlen)
{
	int argc = 0, status, fds[2];
	ssize_t n;
	pid_t pid;

	while (argv[argc])
		argc++;
	err[0] = '\0';
	if (pipe(fds))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		alarm(5);
		if (fail_read_of && !fail_reads_of(fail_read_of))
			_exit(99);
		_exit(timeline_main(argc, argv));
	}
	close(fds[1]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		close(fds[0]);
		return -1;
	}
	n = read(fds[0], err, errlen - 1);
	err[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Was err exactly one line, mentioning says? */
static bool one_line_with(const char *err, const char *says)
{
	const char *nl = strchr(err, '\n');

	if (strstr(err, says) && nl && !nl[1])
		return true;
	printf("  stderr '%s', expected one line with '%s'\n", err, says);
	return false;
}

static bool put_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	bool ok = f && fwrite(data, 1, len, f) == len;

	return f && !fclose(f) && ok;
}

static const char one_vm[] = "{\"t\":1,\"ev\":\"vm\",\"what\":\"start\",\"cpus\":1}\n";

/* -o naming the record, under another spelling: the record was truncated
 * and overwritten by its own picture. */
TEST(output_that_is_the_record_itself_is_refused)
{
	char dir[] = "/tmp/vmm-timeline-XXXXXX", in[64], same[64], err[512];
	char *argv[] = {(char *)"timeline", in, (char *)"-o", same, NULL};

	CHECK(mkdtemp(dir) != NULL);
	snprintf(in, sizeof(in), "%s/rec.jsonl", dir);
	snprintf(same, sizeof(same), "%s/./rec.jsonl", dir);
	CHECK(put_file(in, one_vm, strlen(one_vm)));
	CHECK_EQ(run_timeline(argv, 0, err, sizeof(err)), 2);
	CHECK(one_line_with(err, "the trace file itself"));
	CHECK(file_is(in, one_vm));
	unlink(in);
	rmdir(dir);
}

/* -o naming a FIFO nobody reads: open() waited for a reader forever. */
TEST(output_that_is_a_fifo_is_refused_at_once)
{
	char dir[] = "/tmp/vmm-timeline-XXXXXX", in[64], fifo[64], err[512];
	char *argv[] = {(char *)"timeline", in, (char *)"-o", fifo, NULL};

	CHECK(mkdtemp(dir) != NULL);
	snprintf(in, sizeof(in), "%s/rec.jsonl", dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	CHECK(put_file(in, one_vm, strlen(one_vm)));
	CHECK_EQ(mkfifo(fifo, 0600), 0);
	CHECK_EQ(run_timeline(argv, 0, err, sizeof(err)), 2); /* not 128 + SIGALRM */
	CHECK(one_line_with(err, "not a regular file"));
	unlink(fifo);
	unlink(in);
	rmdir(dir);
}

/* A record whose read() fails (EIO, as from a failing disk): the error was
 * taken for the end of the file, and the picture drawn from what came
 * before it (here: nothing) passed for the whole record's. */
TEST(a_record_that_cannot_be_read_is_refused)
{
	enum { SIZE = 4321 }; /* the one read() that fails */
	char dir[] = "/tmp/vmm-timeline-XXXXXX", in[64], out[64], err[512], rec[SIZE];
	char *argv[] = {(char *)"timeline", in, (char *)"-o", out, NULL};

	CHECK(mkdtemp(dir) != NULL);
	snprintf(in, sizeof(in), "%s/rec.jsonl", dir);
	snprintf(out, sizeof(out), "%s/rec.svg", dir);
	memset(rec, '\n', sizeof(rec)); /* blank lines after the record */
	memcpy(rec, one_vm, strlen(one_vm));
	CHECK(put_file(in, rec, sizeof(rec)));
	CHECK_EQ(run_timeline(argv, SIZE, err, sizeof(err)), 2);
	CHECK(one_line_with(err, "reading"));
	CHECK(one_line_with(err, strerror(EIO)));
	CHECK_EQ(access(out, F_OK), -1);
	/* the same record read without the fault is drawn */
	CHECK_EQ(run_timeline(argv, 0, err, sizeof(err)), 0);
	CHECK(file_is(out, "<?xml"));
	unlink(out);
	unlink(in);
	rmdir(dir);
}

CHECK_MAIN_BEGIN
RUN(reader_collects_states_and_calls_in_time_order);
RUN(reader_names_the_bad_line);
RUN(two_vcpus_render_with_states_calls_and_injected_marks);
RUN(sixty_four_vcpus_each_get_a_lane);
RUN(default_output_name_of_a_long_trace_path_is_never_cut);
RUN(output_that_is_the_record_itself_is_refused);
RUN(output_that_is_a_fifo_is_refused_at_once);
RUN(a_record_that_cannot_be_read_is_refused);
CHECK_MAIN_END
