/*
 * Guest-driven output (the UART, VMM_HYP_CONSOLE_WRITE, --trace lines) goes
 * through a bounded buffer per file descriptor, written out by a thread of
 * its own. A vCPU thread therefore never blocks in write(): stdout may be a
 * pipe nobody reads, a paused terminal or a full socket, and stopping the VM
 * (SIGTERM, `vmm ctl quit`, SYSTEM_RESET) must still finish at once.
 *
 * A full buffer pushes back on the writer (the vCPU waits, so nothing the
 * guest prints is lost while the reader is merely slow), but that wait gives
 * way to outbuf_cancel(): once the VM is stopping, output that does not fit
 * is dropped and counted.
 *
 * Lifetime: outbuf_new() once per process (it outlives SYSTEM_RESETs),
 * outbuf_flush() with a deadline before exit, then outbuf_destroy(), which
 * never waits for a writer stuck in write(): that writer inherits the buffer
 * and frees it if its write() ever returns (hence a heap object).
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
	pthread_mutex_t lock;
	pthread_cond_t more;  /* data arrived, or shutting down (for the writer) */
	pthread_cond_t space; /* data left, or cancelled (for producers) */
	uint8_t *data;
	size_t head, len;		  /* ring: bytes [head, head + len) mod OUTBUF_SIZE */
	uint64_t next_ticket, serving;	  /* producers' turns (outbuf_put_locked) */
	size_t in_flight;		  /* bytes the writer took out and is writing */
	bool cancelled;			  /* producers never wait */
	bool closing;			  /* the writer exits once the ring is empty */
	bool orphaned;			  /* destroyed while writing: the writer frees it all */
	bool broken;			  /* the fd failed (EPIPE...): output is discarded */
	uint8_t stage[OUTBUF_STAGE_SIZE]; /* outbuf_putc_line's line so far */
	size_t stage_len;
	struct timespec stage_until; /* CLOCK_MONOTONIC: flush a partial line then */
	uint64_t dropped;	     /* bytes thrown away (cancelled and full, or broken) */
	pthread_t writer;
};

/* A buffer with its writer thread for fd; NULL when out of memory/threads. */
struct outbuf *outbuf_new(int fd);

/* Queue len bytes in order (all of them, or the part that fits once
 * cancelled). Safe from any thread. */
void outbuf_write(struct outbuf *ob, const void *buf, size_t len);

/*
 * One byte of a stream that should come out in whole lines (the UART: one
 * byte per guest MMIO write). Whole lines enter the buffer at once, so a
 * line written with outbuf_write() meanwhile (a --trace line, a vm_err
 * message) lands between the stream's lines, never inside one. A line
 * without its newline yet is released after OUTBUF_STAGE_MS (a shell
 * prompt) or OUTBUF_STAGE_SIZE bytes. One such stream per buffer.
 */
void outbuf_putc_line(struct outbuf *ob, uint8_t c);

/* Producers stop waiting for space (the VM is stopping); outbuf_resume()
 * restores back-pressure for the next VM after a reset. */
void outbuf_cancel(struct outbuf *ob);
void outbuf_resume(struct outbuf *ob);

/* Wait until everything queued is written, at most timeout_ms. Returns true
 * if the buffer drained. */
bool outbuf_flush(struct outbuf *ob, int timeout_ms);

/* Stop the writer and free the buffer. A writer blocked in write() is left
 * behind (detached, owning ob): the process is about to exit and must not
 * wait for a reader that never comes. Queued bytes are dropped: flush first. */
void outbuf_destroy(struct outbuf *ob);

/*
 * The VMM's own messages (vm_err) go through ob while it is set, so that a
 * vCPU thread reporting something never blocks on a stalled stderr and its
 * line stays in order with the guest output queued before it. NULL (the
 * default) writes them straight to stderr.
 */
void outbuf_set_log(struct outbuf *ob);
void outbuf_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
