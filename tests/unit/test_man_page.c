/*
 * The manual page (docs/vmm.1) and the bash completion
 * (scripts/vmm-completion.bash) must not drift from the program: every
 * option `vmm boot --help` and `vmm run --help` print (cli_boot_usage, the
 * very string both print) must appear in both, and every control command
 * `vmm ctl SOCK help` lists in the page. Run from the top of the tree, as
 * `make unit` and `make test` do.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check.h"
#include "vmm/cli/cli.h"
#include "vmm/control/protocol.h"

#define CHECK_FILE "man_page"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Calls fn for every option the usage text names: "-c", "--cpus", ... A
 * token is an option where a dash follows the start of a line, a space, a
 * comma or a slash, and a letter follows the dashes. */
static unsigned int for_each_option(const char *usage, void (*fn)(const char *opt, void *ctx),
				    void *ctx)
{
	unsigned int n = 0;

	for (const char *p = usage; *p; p++) {
		char opt[64];
		size_t dashes = p[1] == '-' ? 2 : 1, len = dashes;

		if (*p != '-' || (p > usage && !strchr(" \n,/(", p[-1])) ||
		    !isalpha((unsigned char)p[dashes]))
			continue;
		while (isalnum((unsigned char)p[len]) || p[len] == '-')
			len++;
		if (len >= sizeof(opt))
			continue;
		memcpy(opt, p, len);
		opt[len] = '\0';
		fn(opt, ctx);
		n++;
		p += len - 1;
	}
	return n;
}

/* In mdoc an option is written ".Fl -cpus" or ".Fl c" (the macro adds the
 * first dash), possibly after other macros on the same line. */
static bool man_has_option(const char *man, const char *opt)
{
	char want[80];
	const char *p = man;

	snprintf(want, sizeof(want), "Fl %s", opt + 1);
	while ((p = strstr(p, want))) {
		char next = p[strlen(want)];

		if (!isalnum((unsigned char)next) && next != '-')
			return true;
		p++;
	}
	return false;
}

/* In the completion script an option is a whole word. */
static bool completion_has_option(const char *script, const char *opt)
{
	const char *p = script;

	while ((p = strstr(p, opt))) {
		char before = p == script ? ' ' : p[-1], after = p[strlen(opt)];

		if (!isalnum((unsigned char)before) && before != '-' &&
		    !isalnum((unsigned char)after) && after != '-')
			return true;
		p++;
	}
	return false;
}

struct missing {
	const char *text;
	bool (*has)(const char *text, const char *opt);
	const char *where;
	unsigned int count;
};

/* `vmm run` refuses some kvmtool options outright ("kvmtool option '--disk'
 * is not supported by this VMM"): the page names them, completion does not
 * offer them. Asked of the parser itself, so the test follows it. */
static bool run_refuses(const char *opt)
{
	char a0[] = "run", a1[] = "-k", a2[] = "Image", a3[64], a4[] = "x";
	char *argv[] = {a0, a1, a2, a3, a4, NULL};
	struct vmm_config cfg;
	char err[256] = "";

	snprintf(a3, sizeof(a3), "%s", opt);
	return cli_parse_boot(5, argv, true, &cfg, err, sizeof(err)) == CLI_ERROR &&
	       strstr(err, "kvmtool option") && strstr(err, "is not supported by this VMM");
}

static void check_one(const char *opt, void *ctx)
{
	struct missing *m = ctx;

	/* Short options are completed through their long spelling. */
	if (m->has == completion_has_option && (opt[1] != '-' || run_refuses(opt)))
		return;
	if (!m->has(m->text, opt)) {
		printf("  %s does not mention %s\n", m->where, opt);
		m->count++;
	}
}

TEST(every_boot_and_run_option_is_in_the_man_page)
{
	char *man = slurp("docs/vmm.1");
	struct missing m = {man, man_has_option, "docs/vmm.1", 0};

	CHECK(man != NULL);
	if (!man)
		return;
	/* The parser of this test must see the options at all. */
	CHECK(for_each_option(cli_boot_usage, check_one, &m) > 20);
	CHECK_EQ(m.count, 0);
	free(man);
}

TEST(every_boot_and_run_option_is_completed)
{
	char *script = slurp("scripts/vmm-completion.bash");
	struct missing m = {script, completion_has_option, "scripts/vmm-completion.bash", 0};

	CHECK(script != NULL);
	if (!script)
		return;
	for_each_option(cli_boot_usage, check_one, &m);
	CHECK_EQ(m.count, 0);
	free(script);
}

TEST(every_control_command_is_in_the_man_page)
{
	char *man = slurp("docs/vmm.1");
	char help[256], *save = NULL;
	unsigned int n = 0;

	CHECK(man != NULL);
	if (!man)
		return;
	snprintf(help, sizeof(help), "%s", control_help);
	for (char *w = strtok_r(help, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		char want[80];

		w[strcspn(w, "([")] = '\0'; /* "cpus[--json]" -> "cpus" */
		snprintf(want, sizeof(want), ".It Cm %s", w);
		if (!strstr(man, want)) {
			printf("  docs/vmm.1 has no item for the control command '%s'\n", w);
			check_failed_in_case = 1;
		}
		n++;
	}
	CHECK(n >= 9);
	free(man);
}

TEST(the_option_scanner_finds_short_and_long_options)
{
	static const char usage[] = "  -c, --cpus N   x\n      --max-cpus M (or -m) a-b 2-3\n";
	struct missing m = {"Fl c Fl -cpus", man_has_option, "sample", 0};

	CHECK_EQ(for_each_option(usage, check_one, &m), 4);
	CHECK_EQ(m.count, 2); /* --max-cpus and -m are not in the sample */
	CHECK(!man_has_option("Fl -cpus-max", "--cpus"));
	CHECK(completion_has_option("a --cpus b", "--cpus"));
	CHECK(!completion_has_option("a --cpus-x b", "--cpus"));
}

CHECK_MAIN_BEGIN
RUN(the_option_scanner_finds_short_and_long_options);
RUN(every_boot_and_run_option_is_in_the_man_page);
RUN(every_boot_and_run_option_is_completed);
RUN(every_control_command_is_in_the_man_page);
CHECK_MAIN_END
