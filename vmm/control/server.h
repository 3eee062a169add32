/*
 * The control socket (`--control PATH`): a UNIX stream socket served from
 * the main thread's poll loop, never from a vCPU thread, so a slow or
 * hostile client can delay nothing but itself. Protocol: vmm/control/protocol.h.
 *
 * Two halves. The socket work is pure and unit-tested on the build host:
 * control/listener.c the path (a live socket of another VMM is never
 * replaced, and on exit only our own socket is removed) and accepting,
 * control/server.c the client slots, idle timeouts, per-client output
 * buffers and deferred replies. It hands every parsed request to an
 * execution callback. kvm/vm_control.c is that callback for a running VM (the
 * only part that touches struct vm), plus control_server_open() and the
 * `stats` line. control/client.c is `vmm ctl`.
 *
 * Per client, replies leave in request order and each is one whole line:
 *  - a reply the socket cannot take at once waits in the client's output
 *    buffer (at most CONTROL_OUT_MAX bytes) and is flushed on POLLOUT; a
 *    client whose buffer would overflow (it never reads) is dropped, so a
 *    reply stream is never cut and then continued;
 *  - a handler may defer its reply (control_reply_defer); the client's later
 *    requests wait until it is answered or its deadline passes.
 * A client that sends nothing for idle_timeout_ms is dropped (unless its
 * reply is deferred), so idle clients cannot hold every slot for long; a
 * client arriving when all slots are taken is told "error too many control
 * clients" and closed: an established session is never evicted by newcomers.
 */
#ifndef VMM_CONTROL_SERVER_H
#define VMM_CONTROL_SERVER_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vmm/control/protocol.h"

struct vm;
struct vmm_shared;
struct control_server;

#define CONTROL_MAX_CLIENTS	     16
#define CONTROL_OUT_MAX		     (64 * 1024) /* unsent reply bytes kept per client */
#define CONTROL_IN_CHUNK	     1024	 /* bytes read from a client at once */
#define CONTROL_IDLE_TIMEOUT_MS	     30000
#define CONTROL_ACCEPT_BACKOFF_MS    250 /* listening paused after EMFILE/ENFILE */
#define CONTROL_DEFER_RECHECK_MS     20	 /* a deferred reply is re-checked at least this often */
#define CONTROL_DEFER_MAX_TIMEOUT_MS 600000

/*
 * The reply to one request, built by the execution callback (or by a
 * deferred check): control_reply_add appends text to the reply line. The
 * server ends the line itself; a newline inside the text becomes a blank.
 */
struct control_reply;
void control_reply_add(struct control_reply *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * A deferred reply. check is called from the main loop every time the
 * server is woken while the reply is pending (at least every
 * CONTROL_DEFER_RECHECK_MS) with timed_out false: it writes the reply with
 * control_reply_add and returns true once the answer is known, false to keep
 * waiting. When timeout_ms has passed it is called once more with timed_out
 * true and must answer then (if it writes nothing the client gets "error no
 * answer within N ms"). s is the server as it is at that moment: s->vm is
 * the VM now running, which after a SYSTEM_RESET is not the one the request
 * was made to. arg and ctx are the handler's: ctx must stay valid until
 * check has answered or the client is gone (point at long-lived state; put
 * per-request values in arg). If the client disconnects the pending reply is
 * simply forgotten: check is not called again.
 */
struct control_deferred {
	bool (*check)(struct control_server *s, const struct control_deferred *d, bool timed_out,
		      struct control_reply *r);
	void *ctx;
	uint64_t arg;
	int timeout_ms; /* 1..CONTROL_DEFER_MAX_TIMEOUT_MS */
};

/* Called by an execution callback instead of writing a reply: the client's
 * reply (and its later requests) wait for d->check. Text already added to r
 * is discarded. */
void control_reply_defer(struct control_reply *r, const struct control_deferred *d);

/* Executes one parsed request against whatever the server controls and
 * writes (or defers) its reply. Runs on the main thread. */
typedef void (*control_exec_fn)(struct control_server *s, const struct control_req *req,
				struct control_reply *r);

struct control_client {
	int fd; /* -1: free slot */
	struct control_conn conn;
	uint64_t last_active_ms; /* last byte received or reply byte sent */
	bool eof;		 /* the client shut down its sending side */
	/* Read but not yet served, because a deferred reply is pending. */
	char in[CONTROL_IN_CHUNK];
	size_t in_off, in_len;
	/* Reply bytes the socket did not take yet (malloc'd on demand). */
	char *out;
	size_t out_len;
	bool pending; /* a deferred reply is outstanding */
	struct control_deferred deferred;
	uint64_t deadline_ms;
};

struct control_server {
	const char *path;
	int listen_fd;
	int spare_fd;	     /* /dev/null held back to accept-and-refuse when out of fds */
	dev_t sock_dev;	     /* the socket we bound at path: removed on close only if */
	ino_t sock_ino;	     /* path still names this very socket */
	int idle_timeout_ms; /* CONTROL_IDLE_TIMEOUT_MS; tests shorten it */
	uint64_t accept_paused_until_ms; /* 0: listening */
	control_exec_fn exec;
	struct vm *vm;	     /* what exec acts on (kvm/vm_control.c), set by vm_run */
	uint64_t started_ms; /* CLOCK_MONOTONIC when the socket opened (`info`'s uptime) */
	struct control_client clients[CONTROL_MAX_CLIENTS];
};

/*
 * Create the socket at path (mode 0600) and serve requests through exec.
 * A file that is not a socket is refused; a socket another VMM still
 * accepts on is refused ("control socket PATH is in use by another VMM");
 * only a stale one (connect: ECONNREFUSED) is replaced. Returns 0 or -1 with
 * a one-line reason in err. path must outlive the server.
 */
int control_server_listen(struct control_server *s, const char *path, control_exec_fn exec,
			  char *err, size_t errlen);

/* control_server_listen with the VM executor of kvm/vm_control.c. */
int control_server_open(struct control_server *s, const char *path, char *err, size_t errlen);

/* Close every client and the socket; remove path only if it still names the
 * socket we created (a newer VMM may have taken the name since). */
void control_server_close(struct control_server *s);

/* Fill pollfds (at most 1 + CONTROL_MAX_CLIENTS); returns how many. fds[0]
 * is the listening socket (fd -1 while accepting is paused). */
unsigned int control_server_pollfds(struct control_server *s, struct pollfd *fds);

/*
 * The poll timeout the main loop should use: timeout_ms (-1: none) cut down
 * to the server's nearest deadline (idle clients, deferred replies, the end
 * of an accept pause). s may be NULL (no control socket): then timeout_ms.
 */
int control_server_poll_timeout(const struct control_server *s, int timeout_ms);

/*
 * Serve whatever the poll said is ready on those fds, then re-check deferred
 * replies, idle clients and deadlines. Call it after every poll() return,
 * timeouts included.
 */
void control_server_handle(struct control_server *s, const struct pollfd *fds, unsigned int n);

/* The `stats` reply ("ok key=value ...\n"), malloc'd; NULL if out of memory.
 * In kvm/vm_control.c. */
char *control_stats_line(struct vmm_shared *sh);

/* `vmm ctl PATH COMMAND...`: send one request, print the reply; exit status 0
 * for "ok", 1 for "error", 2 if the VMM could not be reached or hung up
 * before a whole reply line. */
int control_client_main(int argc, char **argv);

/* Seconds `vmm ctl` waits for the reply to COMMAND ARGS (argv[0] = COMMAND). */
#define CONTROL_CLIENT_WAIT_S 10
int control_client_wait_s(int argc, char **argv);

/* The index of the word of COMMAND ARGS that names a file the VMM writes
 * (snapshot's DIR, trace-file's PATH), or -1; and that word made absolute
 * against cwd (malloc'd; NULL after saying why). A relative path means the
 * user's directory, not the VMM's. */
int control_client_path_word(int argc, char **argv);
char *control_client_absolute(const char *word, const char *cwd);

#endif
