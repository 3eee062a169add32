/*
 * Output leaves the VMM through bounded rings, one per file descriptor, each
 * written out by a thread of its own: stdout may be a pipe nobody reads, a
 * paused terminal or a full socket, and no vCPU, the main loop or a stop
 * (SIGTERM, `vmm ctl quit`, SYSTEM_RESET) may ever block in write().
 *
 * Each kind of output has its own rule, and its own entry point named after it:
 *
 *   guest output        outbuf_write_may_wait(), outbuf_putc_line()
 *   (the UART,          A full ring pushes back: the vCPU waits for room, so
 *   VMM_HYP_CONSOLE_    nothing the guest prints is lost while the reader is
 *   WRITE, --trace)     merely slow. The wait ends at outbuf_cancel() (the VM
 *                       is stopping): what does not fit then is dropped.
 *
 *   the VMM's own lines outbuf_write_line_or_drop() (and outbuf_log(), vm_err):
 *   and the record      never waits, neither for room nor for another
 *   (--trace-file)      producer's turn: a line goes in whole or is dropped
 *                       whole and counted (lines_dropped).
 *
 * The main thread and the writer threads never wait on a ring: they call only
 * the never-waiting entry points, and a thread that called
 * outbuf_never_wait_on_this_thread() (the main loop does; every writer does)
 * has a waiting put turned into a dropping one, so that a mistake drops a
 * line instead of wedging the VMM. outbuf_flush() (a bounded grace at exit)
 * is the one call that waits, for at most its deadline.
 *
 * Lifetime: a ring outlives SYSTEM_RESETs. outbuf_retire() hands a ring to
 * its own writer, which writes what is queued, closes the fd if the ring owns
 * it, and frees the ring: the caller waits at most its grace (0: not at all),
 * and a writer stuck in write() to a reader that never reads simply keeps it.
 */
#ifndef VMM_OUTBUF_H
#define VMM_OUTBUF_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define OUTBUF_SIZE (64 * 1024)
/* outbuf_putc_line: a line is held back until its newline, this many bytes,
 * or this long without one (a prompt). */
#define OUTBUF_STAGE_SIZE 512
#define OUTBUF_STAGE_MS	  20

struct outbuf {
	int fd;
	bool owns_fd; /* outbuf_new_owning_fd: the last user closes fd */
	pthread_mutex_t lock;
	pthread_cond_t more;  /* data or a free turn arrived, or retiring (for the writer) */
	pthread_cond_t space; /* data left, or cancelled (for waiting producers) */
	uint8_t *data;
	size_t head, len;		  /* ring: bytes [head, head + len) mod OUTBUF_SIZE */
	uint64_t next_ticket, serving;	  /* waiting producers' turns */
	size_t in_flight;		  /* bytes the writer took out and is writing */
	bool cancelled;			  /* waiting producers stop waiting */
	bool retiring;			  /* the writer exits once the ring is empty */
	bool orphaned;			  /* retired while busy: the writer frees it all */
	bool broken;			  /* the fd failed (EPIPE...): output is discarded */
	uint8_t stage[OUTBUF_STAGE_SIZE]; /* outbuf_putc_line's line so far */
	size_t stage_len;
	struct timespec stage_until; /* CLOCK_MONOTONIC: flush a partial line then */
	uint64_t dropped;	     /* bytes thrown away (cancelled and full, or broken) */
	uint64_t lines_dropped;	     /* never-waiting lines that found the ring full */
	pthread_t writer;
};

/* A ring with its writer thread for fd (stdout, stderr: the caller keeps
 * fd); NULL when out of memory/threads. The writer starts with every signal
 * blocked, whatever the caller's mask. */
struct outbuf *outbuf_new(int fd);
/* The same, but the ring owns fd: it is closed once the last write into it
 * has returned (a file switched away from never gets a stale write). */
struct outbuf *outbuf_new_owning_fd(int fd);

/*
 * Guest output: queue len bytes in order, waiting for room while the ring is
 * full, until outbuf_cancel(); what does not fit then is dropped. Producers
 * take turns, so a line is never split by another producer's bytes. For vCPU
 * threads only.
 */
void outbuf_write_may_wait(struct outbuf *ob, const void *buf, size_t len);

/*
 * One byte of a stream that should come out in whole lines (the UART: one
 * byte per guest MMIO write); the same rule as outbuf_write_may_wait. Whole
 * lines enter the ring at once, so a line written meanwhile (a --trace line,
 * a vm_err message) lands between the stream's lines, never inside one. A
 * line without its newline yet is released by the writer after
 * OUTBUF_STAGE_MS (a shell prompt) or at OUTBUF_STAGE_SIZE bytes. One such
 * stream per ring.
 */
void outbuf_putc_line(struct outbuf *ob, uint8_t c);

/*
 * A line of the VMM's own or of the record: queued whole if the ring has
 * room for it and no producer is waiting for room or its turn; otherwise
 * dropped and counted. Never waits. Returns whether it was queued.
 */
bool outbuf_write_line_or_drop(struct outbuf *ob, const void *line, size_t len);

/* From now on a waiting put on the calling thread drops instead (the main
 * loop calls it; every writer thread does). */
void outbuf_never_wait_on_this_thread(void);

/* Waiting producers stop waiting (the VM is stopping); outbuf_resume()
 * restores back-pressure for the next VM after a reset. */
void outbuf_cancel(struct outbuf *ob);
void outbuf_resume(struct outbuf *ob);

/* At exit: wait until everything queued (a partial line too) is written, at
 * most timeout_ms. Returns true if the ring drained. */
bool outbuf_flush(struct outbuf *ob, int timeout_ms);

/* Hand ob to its writer: it writes what is queued, closes the fd if owned
 * and frees ob. Waits at most wait_ms for that (0: returns at once); ob must
 * not be used afterwards. */
void outbuf_retire(struct outbuf *ob, int wait_ms);

/* outbuf_retire(ob, 0) after dropping what is still queued (flush first). */
void outbuf_destroy(struct outbuf *ob);

/*
 * The VMM's own messages (vm_err) go through ob while it is set, with
 * outbuf_write_line_or_drop(), so that no thread reporting something blocks
 * on a stalled stderr and its line stays in order with the guest output
 * queued before it. NULL (the default) writes them straight to stderr if it
 * takes them at once (poll), and drops them otherwise: never a wait either.
 */
void outbuf_set_log(struct outbuf *ob);
void outbuf_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same for text of any length (whole lines, never cut: --exit-stats). */
void outbuf_log_text(const char *text, size_t len);

#endif
