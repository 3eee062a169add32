/*
 * Snapshot glue, guest RAM into the snapshot's `ram` file: a sparse file of
 * the RAM's size (ftruncate), and only the pages that hold data written at
 * their offsets, so a 512 MiB guest that touched 40 MiB costs 40 MiB and a
 * restore maps the file copy-on-write.
 *
 * Which pages to look at: those the process's page tables have, present
 * or swapped out (/proc/self/pagemap bits 63 and 62; readable for one's
 * own pages without privileges, only the frame numbers are hidden). A
 * page never touched is not there and reads as zeroes: nothing to write.
 * mincore(2) is the fallback where pagemap cannot be read; it misses
 * pages swapped out. A restored VM's RAM is a private mapping of its
 * snapshot's file: the pages the guest has not touched since live only in
 * that file, so its data ranges (SEEK_DATA/SEEK_HOLE) are looked at too.
 * Of these, pages that are all zeroes are left as holes.
 *
 * The ACPI/EFI region (--acpi) follows RAM in the file, whole: 1 MiB of the
 * guest's firmware tables, which a restore does not rebuild.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm/kvm/snapshot.h"
#include "vmm/kvm/vm.h"
#include "vmm/machine/machine.h"

#define PAGEMAP_PRESENT (1ULL << 63)
#define PAGEMAP_SWAPPED (1ULL << 62)
#define PAGEMAP_CHUNK	4096 /* entries read at a time */
#define WRITE_RUN_MAX	(4ULL << 20)

/* Mark in want[] (one byte per page) the pages the page tables have. */
static int mark_mapped(uint8_t *base, uint64_t pages, long psize, uint8_t *want)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	uint64_t *ent;

	if (fd < 0)
		return mincore(base, pages * (uint64_t)psize, want) < 0 ? -errno : 0;
	ent = malloc(PAGEMAP_CHUNK * sizeof(*ent));
	if (!ent) {
		close(fd);
		return -ENOMEM;
	}
	for (uint64_t p = 0; p < pages; p += PAGEMAP_CHUNK) {
		uint64_t n = pages - p < PAGEMAP_CHUNK ? pages - p : PAGEMAP_CHUNK;
		off_t off = (off_t)(((uintptr_t)base / (uint64_t)psize + p) * sizeof(*ent));
		ssize_t got = pread(fd, ent, n * sizeof(*ent), off);

		if (got != (ssize_t)(n * sizeof(*ent))) {
			int e = got < 0 ? errno : EIO;

			free(ent);
			close(fd);
			return -e;
		}
		for (uint64_t i = 0; i < n; i++)
			want[p + i] |= (ent[i] & (PAGEMAP_PRESENT | PAGEMAP_SWAPPED)) != 0;
	}
	free(ent);
	close(fd);
	return 0;
}

/* A restored VM: the pages its snapshot file has data for. */
static void mark_file_data(int fd, uint64_t size, long psize, uint8_t *want)
{
	off_t pos = 0;

	while ((uint64_t)pos < size) {
		off_t data = lseek(fd, pos, SEEK_DATA), hole;

		if (data < 0 || (uint64_t)data >= size)
			return;
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0 || (uint64_t)hole > size)
			hole = (off_t)size;
		for (off_t p = data / psize; p < (hole + psize - 1) / psize; p++)
			want[p] = 1;
		pos = hole;
	}
}

static bool page_is_zero(const uint8_t *p, long psize)
{
	const uint64_t *w = (const uint64_t *)p;

	for (long i = 0; i < psize / 8; i++)
		if (w[i])
			return false;
	return true;
}

static int pwrite_all(int fd, const uint8_t *buf, uint64_t len, uint64_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, buf, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		len -= (uint64_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* The pages of want[] that hold data, in runs of at most WRITE_RUN_MAX. */
static int write_pages(int fd, const uint8_t *ram, uint64_t pages, long psize, const uint8_t *want,
		       uint64_t *written)
{
	uint64_t p = 0;

	while (p < pages) {
		uint64_t start, end;
		int ret;

		while (p < pages && (!want[p] || page_is_zero(ram + p * (uint64_t)psize, psize)))
			p++;
		start = end = p;
		while (end < pages && want[end] &&
		       (end - start) * (uint64_t)psize < WRITE_RUN_MAX &&
		       !page_is_zero(ram + end * (uint64_t)psize, psize))
			end++;
		if (end == start)
			break;
		ret = pwrite_all(fd, ram + start * (uint64_t)psize, (end - start) * (uint64_t)psize,
				 start * (uint64_t)psize);
		if (ret)
			return ret;
		*written += end - start;
		p = end;
	}
	return 0;
}

int snapshot_write_ram(struct vm *vm, int fd, uint64_t *pages_written, char *err, size_t errlen)
{
	long psize = sysconf(_SC_PAGESIZE);
	uint64_t pages = vm->ram_size / (uint64_t)psize;
	uint64_t acpi = vm->acpi_region ? vm->machine->acpi_size : 0;
	uint8_t *want = calloc(pages ? pages : 1, 1);
	int ret;

	*pages_written = 0;
	if (!want) {
		snprintf(err, errlen, "out of memory for the RAM page map");
		return -ENOMEM;
	}
	ret = ftruncate(fd, (off_t)(vm->ram_size + acpi)) < 0 ? -errno : 0;
	if (!ret)
		ret = mark_mapped(vm->ram, pages, psize, want);
	if (!ret && vm->ram_fd >= 0)
		mark_file_data(vm->ram_fd, vm->ram_size, psize, want);
	if (!ret)
		ret = write_pages(fd, vm->ram, pages, psize, want, pages_written);
	if (!ret && acpi) {
		ret = pwrite_all(fd, vm->acpi_region, acpi, vm->ram_size);
		*pages_written += acpi / (uint64_t)psize;
	}
	free(want);
	if (ret)
		snprintf(err, errlen, "writing the guest's RAM: %s", strerror(-ret));
	return ret;
}
