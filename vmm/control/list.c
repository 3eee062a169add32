/*
 * `vmm list [--json]`: every named VM of this user, found as NAME.sock in
 * the socket directory (names.h) and asked `info` (info.h). A socket nobody
 * accepts on (connect: ECONNREFUSED) was left by a VMM that died without
 * cleaning up (kill -9, a crash): it is removed, and said so in one line on
 * stderr. A VM that does not answer within LIST_WAIT_MS is listed with
 * what is known (its name) and "no-answer".
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vmm/control/info.h"
#include "vmm/control/names.h"

#define LIST_WAIT_MS 2000
#define LIST_MAX_VMS 256

/* Send "info" to the socket at path; the reply line in buf. 0, -ECONNREFUSED
 * (nobody listens), or another -errno. */
static int ask_info(const char *path, char *buf, size_t len)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	size_t got = 0;
	int fd, ret = 0;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    send(fd, "info\n", 5, MSG_NOSIGNAL) != 5) {
		ret = -errno;
		close(fd);
		return ret;
	}
	while (got + 1 < len && !memchr(buf, '\n', got)) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (poll(&p, 1, LIST_WAIT_MS) <= 0) {
			ret = -ETIMEDOUT;
			break;
		}
		n = read(fd, buf + got, len - 1 - got);
		if (n <= 0) {
			ret = -EPIPE;
			break;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	close(fd);
	return ret;
}

/* A socket whose VMM is gone: remove it if it is still the one we asked. */
static void remove_stale(const char *path, const struct stat *asked)
{
	struct stat now;

	if (lstat(path, &now) < 0 || now.st_ino != asked->st_ino || now.st_dev != asked->st_dev)
		return;
	if (unlink(path) == 0)
		fprintf(stderr, "vmm list: removed %s: its VMM is gone\n", path);
	else
		fprintf(stderr, "vmm list: %s is stale but cannot be removed: %s\n", path,
			strerror(errno));
}

/* Ask the VM behind DIR/ent; false if there is none (stale, not a socket). */
static bool list_one(const char *dir, const char *file, struct control_info *out)
{
	char name[CONTROL_NAME_MAX + 1], path[CONTROL_PATH_MAX], reply[512], err[160];
	size_t n = strlen(file);
	struct stat st;
	int ret;

	if (n <= 5 || strcmp(file + n - 5, ".sock") || n - 5 > CONTROL_NAME_MAX)
		return false;
	memcpy(name, file, n - 5);
	name[n - 5] = '\0';
	if (!control_name_valid(name, NULL, 0) ||
	    control_name_path(dir, name, path, sizeof(path), err, sizeof(err)))
		return false;
	if (lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode))
		return false;
	ret = ask_info(path, reply, sizeof(reply));
	if (ret == -ECONNREFUSED) {
		remove_stale(path, &st);
		return false;
	}
	if (ret || control_info_parse(reply, out)) {
		memset(out, 0, sizeof(*out));
		snprintf(out->psci, sizeof(out->psci), "?");
		snprintf(out->state, sizeof(out->state), "no-answer");
	}
	snprintf(out->name, sizeof(out->name), "%s", name);
	return true;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct control_info *)a)->name,
		      ((const struct control_info *)b)->name);
}

int control_list_main(int argc, char **argv)
{
	static struct control_info vms[LIST_MAX_VMS];
	char dir[CONTROL_PATH_MAX], err[200];
	bool json = argc == 2 && !strcmp(argv[1], "--json");
	unsigned int n = 0;
	struct dirent *ent;
	DIR *d;

	if (argc > 2 || (argc == 2 && !json)) {
		fprintf(stderr, "usage: vmm list [--json]\n");
		return 2;
	}
	if (control_name_dir((unsigned int)geteuid(), getenv("XDG_RUNTIME_DIR"), dir, sizeof(dir),
			     err, sizeof(err))) {
		fprintf(stderr, "vmm list: %s\n", err);
		return 2;
	}
	d = opendir(dir);
	if (!d && errno != ENOENT) {
		fprintf(stderr, "vmm list: %s: %s\n", dir, strerror(errno));
		return 2;
	}
	while (d && n < LIST_MAX_VMS && (ent = readdir(d)))
		if (list_one(dir, ent->d_name, &vms[n]))
			n++;
	if (d)
		closedir(d);
	qsort(vms, n, sizeof(vms[0]), by_name);
	if (json) {
		control_list_json(stdout, vms, n);
		return 0;
	}
	control_list_header(stdout);
	for (unsigned int i = 0; i < n; i++)
		control_list_row(stdout, &vms[i]);
	return 0;
}
