/*
 * Named VMs (`--name NAME`, `vmm ctl NAME`, `vmm list`): where a name's
 * control socket lives, and how an argument of `vmm ctl` is told to be a
 * name or a path. Pure, apart from creating the socket directory.
 *
 * A name is 1 to 64 of [A-Za-z0-9._-], not starting with '.': it becomes a
 * file name (NAME.sock) that can neither climb out of the directory nor
 * hide in it. Its socket is DIR/NAME.sock, DIR being /run/vmm for root and
 * $XDG_RUNTIME_DIR/vmm for anyone else (the per-user runtime directory of
 * the XDG Base Directory spec: private, and emptied at logout); DIR is
 * created mode 0700.
 */
#ifndef VMM_CONTROL_NAMES_H
#define VMM_CONTROL_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#define CONTROL_NAME_MAX 64
#define CONTROL_ROOT_DIR "/run/vmm"
/* sockaddr_un's sun_path: 107 bytes and a NUL. */
#define CONTROL_PATH_MAX 108

/* Is name a valid VM name? If not (and err is not NULL), one line why. */
bool control_name_valid(const char *name, char *err, size_t errlen);

/* The socket directory for a user (euid) whose $XDG_RUNTIME_DIR is xdg
 * (NULL: unset). Returns 0, or -1 with one line in err. */
int control_name_dir(unsigned int euid, const char *xdg, char *dir, size_t len, char *err,
		     size_t errlen);

/* DIR/NAME.sock for a valid name; -1 with one line in err if too long. */
int control_name_path(const char *dir, const char *name, char *path, size_t len, char *err,
		      size_t errlen);

/* mkdir -p of the socket directory, mode 0700 for what it creates; an
 * existing one must be a directory owned by euid. 0 or -1 with err. */
int control_name_make_dir(const char *dir, unsigned int euid, char *err, size_t errlen);

/*
 * What `vmm ctl ARG` talks to: ARG itself if it contains a '/', exists
 * (arg_exists), or is not a valid name; else the name's socket. Returns 0
 * with the path in path, or -1 with one line in err.
 */
int control_name_resolve(const char *arg, bool arg_exists, unsigned int euid, const char *xdg,
			 char *path, size_t len, char *err, size_t errlen);

#endif
