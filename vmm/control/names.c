/*
 * Named VMs: the name rules, the socket directory and `vmm ctl`'s reading
 * of NAME-or-PATH (contract in names.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "vmm/control/names.h"

/* One line in err, and -1 from the enclosing function. */
#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return -1;                                                                         \
	} while (0)

/* The name as it may be shown in a one-line error: at most 80 bytes, any
 * byte that is not printable ASCII as '?'. */
static void printable(const char *name, char out[81])
{
	size_t i;

	for (i = 0; name[i] && i < 80; i++)
		out[i] = name[i] > ' ' && name[i] < 0x7f ? name[i] : '?';
	out[i] = '\0';
}

bool control_name_valid(const char *name, char *err, size_t errlen)
{
	size_t n = strlen(name);
	char shown[81];

	printable(name, shown);
	if (n == 0 || n > CONTROL_NAME_MAX) {
		if (err)
			snprintf(err, errlen, "name '%s' must be 1 to %d characters", shown,
				 CONTROL_NAME_MAX);
		return false;
	}
	if (name[0] == '.') {
		if (err)
			snprintf(err, errlen, "name '%s' must not start with '.'", shown);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-')
			continue;
		if (err)
			snprintf(err, errlen,
				 "name '%s' may hold only letters, digits, '.', '_' and '-'",
				 shown);
		return false;
	}
	return true;
}

int control_name_dir(unsigned int euid, const char *xdg, char *dir, size_t len, char *err,
		     size_t errlen)
{
	int n;

	if (euid == 0)
		n = snprintf(dir, len, "%s", CONTROL_ROOT_DIR);
	else if (!xdg || xdg[0] != '/')
		FAIL("named VMs need XDG_RUNTIME_DIR (an absolute path) when not "
		     "root; or give --control PATH");
	else
		n = snprintf(dir, len, "%s/vmm", xdg);
	if (n < 0 || (size_t)n >= len)
		FAIL("the socket directory's path is too long");
	return 0;
}

int control_name_path(const char *dir, const char *name, char *path, size_t len, char *err,
		      size_t errlen)
{
	int n = snprintf(path, len, "%s/%s.sock", dir, name);

	if (n < 0 || (size_t)n >= len || (size_t)n >= CONTROL_PATH_MAX)
		FAIL("the socket path %s/%s.sock is too long for a UNIX socket "
		     "(at most %d bytes)",
		     dir, name, CONTROL_PATH_MAX - 1);
	return 0;
}

/* One level: create it 0700, or accept ours if it exists. */
static int make_one(const char *dir, unsigned int euid, bool check_owner, char *err, size_t errlen)
{
	struct stat st;

	if (mkdir(dir, 0700) == 0)
		return 0;
	if (errno != EEXIST)
		FAIL("creating %s: %s", dir, strerror(errno));
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		FAIL("%s exists and is not a directory", dir);
	if (check_owner && st.st_uid != euid)
		FAIL("%s belongs to another user (uid %u); not using it", dir,
		     (unsigned int)st.st_uid);
	return 0;
}

int control_name_make_dir(const char *dir, unsigned int euid, char *err, size_t errlen)
{
	char part[CONTROL_PATH_MAX];

	if (strlen(dir) >= sizeof(part))
		FAIL("the socket directory's path is too long");
	/* The parents (/run, $XDG_RUNTIME_DIR) normally exist; create any that
	 * do not, and check ownership of the last one only. */
	for (size_t i = 1; dir[i]; i++) {
		if (dir[i] != '/')
			continue;
		memcpy(part, dir, i);
		part[i] = '\0';
		if (make_one(part, euid, false, err, errlen))
			return -1;
	}
	return make_one(dir, euid, true, err, errlen);
}

int control_name_resolve(const char *arg, bool arg_exists, unsigned int euid, const char *xdg,
			 char *path, size_t len, char *err, size_t errlen)
{
	char dir[CONTROL_PATH_MAX];

	if (strchr(arg, '/') || arg_exists || !control_name_valid(arg, NULL, 0)) {
		if (strlen(arg) >= len || strlen(arg) >= CONTROL_PATH_MAX)
			FAIL("socket path too long");
		snprintf(path, len, "%s", arg);
		return 0;
	}
	if (control_name_dir(euid, xdg, dir, sizeof(dir), err, errlen))
		return -1;
	return control_name_path(dir, arg, path, len, err, errlen);
}
