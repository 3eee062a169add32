/*
 * Reading the guest's files at every boot (image_file.h says why pread and
 * never a mapping). No ioctls: unit-tested on ordinary files.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vmm/machine/image_file.h"
#include "vmm/machine/image_unpack.h"

/* Read up to len bytes at off; fewer only at the end of the file. */
static ssize_t pread_full(int fd, uint8_t *buf, size_t len, off_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, buf + done, len - done, off + (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int image_file_init(struct image_file *f, int fd, const char *path, const char *what)
{
	ssize_t n;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->path = path;
	f->what = what;
	if (fstat(fd, &f->st) < 0)
		return -errno;
	f->size = (uint64_t)f->st.st_size;
	n = pread_full(fd, f->head, sizeof(f->head), 0);
	if (n < 0)
		return -errno;
	f->head_len = (size_t)n;
	f->fd = fd;
	return 0;
}

bool image_file_changed(const struct image_file *f)
{
	struct stat now;

	if (f->fd < 0)
		return false;
	return fstat(f->fd, &now) != 0 || now.st_size != f->st.st_size ||
	       now.st_mtim.tv_sec != f->st.st_mtim.tv_sec ||
	       now.st_mtim.tv_nsec != f->st.st_mtim.tv_nsec || now.st_ino != f->st.st_ino ||
	       now.st_dev != f->st.st_dev;
}

static int image_file_changed_error(const struct image_file *f, char *err, size_t errlen)
{
	snprintf(err, errlen,
		 "%s '%s' was changed in place since the VM started: not rebooting a different %s",
		 f->what, f->path, f->what);
	return -1;
}

int image_file_read(const struct image_file *f, uint8_t *ram, uint64_t ram_size, uint64_t offset,
		    char *err, size_t errlen)
{
	ssize_t n = 0;

	if (f->size && (offset > ram_size || f->size > ram_size - offset)) {
		snprintf(err, errlen, "%s '%s' (%llu bytes) does not fit at RAM+0x%llx", f->what,
			 f->path, (unsigned long long)f->size, (unsigned long long)offset);
		return -1;
	}
	if (f->size)
		n = pread_full(f->fd, ram + offset, (size_t)f->size, 0);
	if (n < 0) {
		snprintf(err, errlen, "%s '%s': reading: %s", f->what, f->path, strerror(errno));
		return -1;
	}
	/* After the read: a change while reading is caught as well. A file
	 * that ended early has changed its size. */
	if (image_file_changed(f) || (uint64_t)n != f->size)
		return image_file_changed_error(f, err, errlen);
	return 0;
}

int image_file_unpack(const struct image_file *f, uint8_t *ram, uint64_t room, uint64_t *len,
		      char *err, size_t errlen)
{
	char why[200];
	int ret = image_unpack(f->fd, &f->fmt, ram, room, len, why, sizeof(why));

	/* A file changed while or since it was opened explains any failure. */
	if (image_file_changed(f))
		return image_file_changed_error(f, err, errlen);
	if (!ret)
		ret = image_format_check_unpacked(
		    ram, *len < ARM64_IMAGE_HEADER_SIZE ? *len : ARM64_IMAGE_HEADER_SIZE, &f->fmt,
		    why, sizeof(why));
	if (ret)
		snprintf(err, errlen, "%s '%s': %s", f->what, f->path, why);
	return ret;
}

void image_file_close(struct image_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}
