/*
 * Unit tests of named VMs (vmm/control/names.c, info.c): the name rules,
 * where a name's socket goes (root vs $XDG_RUNTIME_DIR), how `vmm ctl ARG`
 * tells a name from a path, the socket directory's creation, the `info`
 * reply and `vmm list`'s table and JSON.
 */
#define CHECK_FILE "names"
#include "tests/unit/check.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/control/info.h"
#include "vmm/control/names.h"

TEST(names_follow_the_rules)
{
	static const char *const good[] = {"a", "web-1", "A.b_c-9", "x.", "0"};
	static const char *const bad[] = {"",	 ".",	".a", "..",  "a/b", "/a",
					  "a b", "a\n", "ä",  "a:b", "a*"};
	char name[80], err[160];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK(control_name_valid(good[i], NULL, 0));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CHECK(!control_name_valid(bad[i], err, sizeof(err)));
		CHECK(err[0] != '\0' && !strchr(err, '\n'));
	}
	memset(name, 'n', 64);
	name[64] = '\0';
	CHECK(control_name_valid(name, NULL, 0));
	name[64] = 'n';
	name[65] = '\0';
	CHECK(!control_name_valid(name, err, sizeof(err)));
	CHECK(strstr(err, "1 to 64") != NULL);
}

TEST(socket_dir_is_run_for_root_and_xdg_for_users)
{
	char dir[CONTROL_PATH_MAX], path[CONTROL_PATH_MAX], err[200];

	CHECK_EQ(control_name_dir(0, "/run/user/0", dir, sizeof(dir), err, sizeof(err)), 0);
	CHECK_STR(dir, "/run/vmm");
	CHECK_EQ(control_name_dir(1000, "/run/user/1000", dir, sizeof(dir), err, sizeof(err)), 0);
	CHECK_STR(dir, "/run/user/1000/vmm");
	CHECK_EQ(control_name_dir(1000, NULL, dir, sizeof(dir), err, sizeof(err)), -1);
	CHECK(strstr(err, "XDG_RUNTIME_DIR") != NULL);
	CHECK_EQ(control_name_dir(1000, "relative", dir, sizeof(dir), err, sizeof(err)), -1);
	CHECK_EQ(control_name_path("/run/vmm", "a", path, sizeof(path), err, sizeof(err)), 0);
	CHECK_STR(path, "/run/vmm/a.sock");
	/* A socket path longer than sun_path is refused, not cut. */
	char longdir[100];

	memset(longdir, 'd', sizeof(longdir) - 1);
	longdir[0] = '/';
	longdir[sizeof(longdir) - 1] = '\0';
	CHECK_EQ(control_name_path(longdir, "abcdefghij", path, sizeof(path), err, sizeof(err)),
		 -1);
	CHECK(strstr(err, "too long") != NULL);
}

TEST(ctl_argument_is_a_name_only_when_it_can_be_one)
{
	char path[CONTROL_PATH_MAX], err[200];

	/* A valid name that is no file here: the name's socket. */
	CHECK_EQ(control_name_resolve("a", false, 0, NULL, path, sizeof(path), err, sizeof(err)),
		 0);
	CHECK_STR(path, "/run/vmm/a.sock");
	CHECK_EQ(control_name_resolve("web-1", false, 1000, "/run/user/1000", path, sizeof(path),
				      err, sizeof(err)),
		 0);
	CHECK_STR(path, "/run/user/1000/vmm/web-1.sock");
	/* A path with a '/', an existing file, or no valid name: itself. */
	CHECK_EQ(control_name_resolve("/tmp/vm.sock", false, 0, NULL, path, sizeof(path), err,
				      sizeof(err)),
		 0);
	CHECK_STR(path, "/tmp/vm.sock");
	CHECK_EQ(
	    control_name_resolve("vm.sock", true, 0, NULL, path, sizeof(path), err, sizeof(err)),
	    0);
	CHECK_STR(path, "vm.sock");
	CHECK_EQ(
	    control_name_resolve(".sock", false, 0, NULL, path, sizeof(path), err, sizeof(err)), 0);
	CHECK_STR(path, ".sock");
	/* A name for a user without XDG_RUNTIME_DIR: one line why. */
	CHECK_EQ(control_name_resolve("a", false, 1000, NULL, path, sizeof(path), err, sizeof(err)),
		 -1);
	CHECK(strstr(err, "XDG_RUNTIME_DIR") != NULL);
}

TEST(socket_dir_is_created_0700_and_must_be_ours)
{
	char base[] = "/tmp/vmm-names-XXXXXX", dir[128], err[200];
	struct stat st;

	CHECK(mkdtemp(base) != NULL);
	snprintf(dir, sizeof(dir), "%s/run/vmm", base);
	CHECK_EQ(control_name_make_dir(dir, (unsigned int)geteuid(), err, sizeof(err)), 0);
	CHECK_EQ(stat(dir, &st), 0);
	CHECK_EQ(st.st_mode & 07777, 0700);
	/* Again: it exists and is ours. */
	CHECK_EQ(control_name_make_dir(dir, (unsigned int)geteuid(), err, sizeof(err)), 0);
	/* Owned by someone else: refused. */
	CHECK_EQ(control_name_make_dir(dir, (unsigned int)geteuid() + 1, err, sizeof(err)), -1);
	CHECK(strstr(err, "another user") != NULL);
	rmdir(dir);
	snprintf(dir, sizeof(dir), "%s/run", base);
	rmdir(dir);
	rmdir(base);
}

static const struct control_info sample = {
    .name = "web-1",
    .pid = 4242,
    .present = 2,
    .possible = 4,
    .psci = "user",
    .state = "paused",
    .uptime_s = 3725,
};

TEST(info_reply_round_trips)
{
	struct control_info back;
	char line[320];

	control_info_format(&sample, false, line, sizeof(line));
	CHECK_STR(line, "ok name=web-1 pid=4242 present=2 possible=4 psci=user state=paused "
			"uptime_s=3725");
	CHECK_EQ(control_info_parse(line, &back), 0);
	CHECK_STR(back.name, "web-1");
	CHECK_EQ(back.pid, 4242);
	CHECK_EQ(back.present, 2);
	CHECK_EQ(back.possible, 4);
	CHECK_STR(back.psci, "user");
	CHECK_STR(back.state, "paused");
	CHECK_EQ(back.uptime_s, 3725);
	control_info_format(&sample, true, line, sizeof(line));
	CHECK_STR(line, "ok {\"name\":\"web-1\",\"pid\":4242,\"present\":2,\"possible\":4,"
			"\"psci\":\"user\",\"state\":\"paused\",\"uptime_s\":3725}");
	/* Unknown keys of a newer VMM are skipped; errors and garbage are not info. */
	CHECK_EQ(control_info_parse("ok name=a pid=1 present=1 possible=1 psci=user "
				    "state=running uptime_s=0 colour=blue\n",
				    &back),
		 0);
	CHECK_EQ(control_info_parse("error unknown command 'info'", &back), -1);
	CHECK_EQ(control_info_parse("ok name=a pid=x present=1 possible=1 psci=user "
				    "state=running uptime_s=0",
				    &back),
		 -1);
	CHECK_EQ(control_info_parse("ok name=a", &back), -1);
}

TEST(uptime_reads_as_a_person_would_say_it)
{
	static const struct {
		unsigned long long s;
		const char *want;
	} cases[] = {{0, "0s"},	      {59, "59s"},	 {60, "1m00s"},	   {3599, "59m59s"},
		     {3600, "1h00m"}, {86399, "23h59m"}, {86400, "1d00h"}, {90061, "1d01h"}};
	char buf[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		control_uptime_format(cases[i].s, buf, sizeof(buf));
		CHECK_STR(buf, cases[i].want);
	}
}

/* The table and the JSON as `vmm list` prints them. */
TEST(list_prints_a_table_and_json)
{
	struct control_info two[2] = {sample, sample};
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);

	snprintf(two[1].name, sizeof(two[1].name), "-");
	two[1].pid = 7;
	snprintf(two[1].state, sizeof(two[1].state), "running");
	control_list_header(f);
	control_list_row(f, &two[0]);
	control_list_json(f, two, 2);
	control_list_json(f, two, 0);
	fclose(f);
	CHECK_STR(out, "NAME                      PID VCPUS     PSCI   STATE    UPTIME\n"
		       "web-1                    4242 2/4       user   paused   1h02m\n"
		       "[{\"name\":\"web-1\",\"pid\":4242,\"present\":2,\"possible\":4,\"psci\":"
		       "\"user\",\"state\":\"paused\",\"uptime_s\":3725},{\"name\":null,\"pid\":7,"
		       "\"present\":2,\"possible\":4,\"psci\":\"user\",\"state\":\"running\","
		       "\"uptime_s\":3725}]\n"
		       "[]\n");
	free(out);
}

CHECK_MAIN_BEGIN
RUN(names_follow_the_rules);
RUN(socket_dir_is_run_for_root_and_xdg_for_users);
RUN(ctl_argument_is_a_name_only_when_it_can_be_one);
RUN(socket_dir_is_created_0700_and_must_be_ours);
RUN(info_reply_round_trips);
RUN(uptime_reads_as_a_person_would_say_it);
RUN(list_prints_a_table_and_json);
CHECK_MAIN_END
