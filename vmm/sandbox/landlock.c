/*
 * The Landlock ruleset (sandbox_internal.h), through the raw system calls
 * (Documentation/userspace-api/landlock.rst). Every access right the
 * running kernel's ABI knows is "handled", that is denied unless a rule
 * grants it beneath a path:
 *
 *   ABI 1  files and directories: execute, read, write, make and remove
 *   ABI 2  + REFER (rename or link across directories)
 *   ABI 3  + TRUNCATE
 *   ABI 4  + TCP bind and connect (no rule: none at all)
 *   ABI 5  + IOCTL_DEV (ioctls on devices opened from now on; /dev/kvm and
 *            the terminal were opened before, and KVM's own fds are no
 *            device files)
 *   ABI 6  + scoping: no abstract UNIX socket or signal outside the domain
 *
 * A newer kernel's ABI is used only as far as this file knows it; an older
 * one gets what it has. The constants are spelled out where the build's
 * headers predate them (the arm64 cross headers are 6.1's).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmm/sandbox/sandbox_internal.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule	    445
#define SYS_landlock_restrict_self  446
#endif

#define LL_EXECUTE     (1ULL << 0)
#define LL_WRITE_FILE  (1ULL << 1)
#define LL_READ_FILE   (1ULL << 2)
#define LL_READ_DIR    (1ULL << 3)
#define LL_REMOVE_DIR  (1ULL << 4)
#define LL_REMOVE_FILE (1ULL << 5)
#define LL_MAKE_CHAR   (1ULL << 6)
#define LL_MAKE_DIR    (1ULL << 7)
#define LL_MAKE_REG    (1ULL << 8)
#define LL_MAKE_SOCK   (1ULL << 9)
#define LL_MAKE_FIFO   (1ULL << 10)
#define LL_MAKE_BLOCK  (1ULL << 11)
#define LL_MAKE_SYM    (1ULL << 12)
#define LL_REFER       (1ULL << 13) /* ABI 2 */
#define LL_TRUNCATE    (1ULL << 14) /* ABI 3 */
#define LL_IOCTL_DEV   (1ULL << 15) /* ABI 5 */
#define LL_ABI1_FS     ((1ULL << 13) - 1)
#define LL_NET_TCP     3ULL /* ABI 4: bind, connect */
#define LL_SCOPE_ALL   3ULL /* ABI 6: abstract UNIX sockets, signals */

/* Rights that apply to a file (the rest only to directories). */
#define LL_FILE_RIGHTS (LL_EXECUTE | LL_WRITE_FILE | LL_READ_FILE | LL_TRUNCATE | LL_IOCTL_DEV)

/* A directory the VMM writes: files and directories made, written,
 * truncated, read back, renamed within it, removed. */
#define LL_WRITE_DIR_RIGHTS                                                                        \
	(LL_WRITE_FILE | LL_READ_FILE | LL_READ_DIR | LL_REMOVE_DIR | LL_REMOVE_FILE |             \
	 LL_MAKE_DIR | LL_MAKE_REG | LL_MAKE_SOCK | LL_REFER | LL_TRUNCATE)
#define LL_READ_RIGHTS (LL_READ_FILE | LL_READ_DIR)

/* The ruleset's attributes as ABI 6 has them; an older kernel accepts the
 * larger struct as long as what it does not know is zero. */
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

#define LL_RULE_PATH_BENEATH	  1
#define LL_CREATE_RULESET_VERSION (1U << 0)

int sandbox_landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);

	return abi < 0 ? -errno : (int)abi;
}

static struct ll_ruleset_attr handled_for(int abi)
{
	struct ll_ruleset_attr a = {.handled_access_fs = LL_ABI1_FS};

	if (abi >= 2)
		a.handled_access_fs |= LL_REFER;
	if (abi >= 3)
		a.handled_access_fs |= LL_TRUNCATE;
	if (abi >= 4)
		a.handled_access_net = LL_NET_TCP;
	if (abi >= 5)
		a.handled_access_fs |= LL_IOCTL_DEV;
	if (abi >= 6)
		a.scoped = LL_SCOPE_ALL;
	return a;
}

/* Grant rights (as far as handled, and as far as a file can have them)
 * beneath path. */
static int add_path(int ruleset, const char *path, uint64_t rights, uint64_t handled, char *err,
		    size_t errlen)
{
	struct ll_path_beneath rule;
	struct stat st;
	int fd = open(path, O_PATH | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "sandbox: '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		rights &= LL_FILE_RIGHTS;
	rule = (struct ll_path_beneath){.allowed_access = rights & handled, .parent_fd = fd};
	if (rule.allowed_access &&
	    syscall(SYS_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &rule, 0)) {
		snprintf(err, errlen, "sandbox: Landlock rule for '%s': %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int sandbox_landlock_restrict(const struct sandbox_paths *paths, char *err, size_t errlen)
{
	int abi = sandbox_landlock_abi(), ruleset, ret = 0;
	struct ll_ruleset_attr attr;

	if (abi < 1) {
		snprintf(err, errlen, "sandbox: no Landlock: %s", strerror(-abi));
		return -1;
	}
	attr = handled_for(abi);
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (ruleset < 0) {
		snprintf(err, errlen, "sandbox: Landlock ruleset (ABI %d): %s", abi,
			 strerror(errno));
		return -1;
	}
	for (unsigned int i = 0; !ret && i < paths->nr_write_dirs; i++)
		ret = add_path(ruleset, paths->write_dirs[i], LL_WRITE_DIR_RIGHTS,
			       attr.handled_access_fs, err, errlen);
	for (unsigned int i = 0; !ret && i < paths->nr_read_paths; i++)
		ret = add_path(ruleset, paths->read_paths[i], LL_READ_RIGHTS,
			       attr.handled_access_fs, err, errlen);
	if (!ret && syscall(SYS_landlock_restrict_self, ruleset, 0)) {
		snprintf(err, errlen, "sandbox: Landlock restrict_self: %s", strerror(errno));
		ret = -1;
	}
	close(ruleset);
	return ret;
}
