/*
 * The guest's kernel and initrd files: opened once when the VMM starts and
 * read into guest RAM at every boot (the first, and each SYSTEM_RESET's)
 * with pread, straight into RAM: one copy per boot, none on the heap, and
 * no mapping of the file, so a file that shrinks under us cannot fault the
 * VMM (a mapping read past a truncated end raises SIGBUS).
 *
 * What a boot reads must be what was opened. A file written in place since
 * (the same file, now with another size or mtime: a `cp` over it, a
 * truncate) is refused with one line naming it rather than booted. A file
 * replaced by a new one (rename, as install(1) and most builds do) leaves
 * the opened one alone: the reset boots what was opened.
 */
#ifndef VMM_IMAGE_FILE_H
#define VMM_IMAGE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "vmm/machine/image.h"
#include "vmm/machine/image_format.h"

struct image_file {
	const char *path;
	const char *what; /* "image" or "initrd", as messages call it */
	int fd;		  /* -1: no file */
	struct stat st;	  /* as opened: what every boot must find again */
	uint64_t size;
	uint8_t head[ARM64_IMAGE_HEADER_SIZE]; /* the first bytes, for image_plan */
	size_t head_len;
	struct image_format fmt; /* a kernel: how it is stored (image_format_detect) */
};

/*
 * Take over fd, an open regular file (the caller checked that), as
 * f: note its identity and size and read its first bytes. Returns 0, or
 * -errno (f->fd stays -1, fd is the caller's to close).
 */
int image_file_init(struct image_file *f, int fd, const char *path, const char *what);

/* The file no longer looks as it did when opened (size, mtime, identity). */
bool image_file_changed(const struct image_file *f);

/*
 * Read the whole file into ram[offset, offset + size) of a RAM of ram_size
 * bytes. Returns 0, or -1 with a one-line reason naming the file in err:
 * it was changed in place since it was opened (checked after the read, so
 * a change while reading counts too), it ended early, a read failed, or it
 * would not fit there.
 */
int image_file_read(const struct image_file *f, uint8_t *ram, uint64_t ram_size, uint64_t offset,
		    char *err, size_t errlen);

/*
 * A compressed kernel (f->fmt.codec set): unpack it into ram[0, room)
 * (image_unpack.h), *len bytes. Returns 0, or -1 with one line naming the
 * file in err: it was changed in place since it was opened (checked after
 * the unpacking, as image_file_read does), its stream is corrupt or
 * truncated, it unpacks to more than room bytes, or it holds something no
 * one boots (image_format_check_unpacked: a compressed initramfs, ...).
 */
int image_file_unpack(const struct image_file *f, uint8_t *ram, uint64_t room, uint64_t *len,
		      char *err, size_t errlen);

/* Close the file (nothing if there is none). */
void image_file_close(struct image_file *f);

#endif
