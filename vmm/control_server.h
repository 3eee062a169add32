/*
 * The control socket (`--control PATH`): a UNIX stream socket served from
 * the main thread's poll loop, never from a vCPU thread, so a slow or
 * hostile client can delay nothing but itself. Protocol: vmm/control.h.
 */
#ifndef VMM_CONTROL_SERVER_H
#define VMM_CONTROL_SERVER_H

#include <poll.h>
#include <stddef.h>

#include "vmm/control.h"

struct vm;
struct vmm_shared;

#define CONTROL_MAX_CLIENTS 16

struct control_client {
	int fd; /* -1: free slot */
	struct control_conn conn;
};

struct control_server {
	const char *path;
	int listen_fd;
	struct control_client clients[CONTROL_MAX_CLIENTS];
	struct vm *vm; /* the VM requests act on, set by vm_run */
};

/* Create the socket (mode 0600); refuses to replace anything that is not a
 * stale socket. Returns 0 or -1 with a one-line reason in err. */
int control_server_open(struct control_server *s, const char *path, char *err, size_t errlen);
void control_server_close(struct control_server *s);

/* Fill pollfds (at most 1 + CONTROL_MAX_CLIENTS); returns how many. */
unsigned int control_server_pollfds(struct control_server *s, struct pollfd *fds);

/* Serve whatever the poll said is ready on those fds. */
void control_server_handle(struct control_server *s, const struct pollfd *fds, unsigned int n);

/* The `stats` reply ("ok key=value ...\n"), malloc'd; NULL if out of memory. */
char *control_stats_line(struct vmm_shared *sh);

/* `vmm ctl PATH COMMAND...`: send one request, print the reply; exit status 0
 * for "ok", 1 for "error", 2 if the VMM could not be reached. */
int control_client_main(int argc, char **argv);

#endif
