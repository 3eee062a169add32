/*
 * The snapshot container: the `state` file of a snapshot directory, a small
 * versioned header and then sections, each with its length and a CRC
 * (DESIGN.md §13, "The snapshot file"). A snapshot DIR holds `state` (this
 * file) and `ram` (the guest's RAM, raw, written by the KVM glue).
 *
 *   header   "VMMSNAP\0"  u32 version (1)  u32 header length (24)  u64 flags (0)
 *   section  u32 tag  u32 index  u64 length  payload[length]  u32 CRC32
 *   ...
 *   END      tag 0, index 0, length 16: u64 sections before END, u64 file length
 *
 * Little-endian throughout. The CRC is zlib's crc32 over the section's tag,
 * index, length and payload as they are in the file, so a flipped byte
 * anywhere in a section is caught and named. The END section carries the
 * count and the total length, so a file cut short, even exactly between two
 * sections, is told from a whole one. The writer never seeks back: a
 * snapshot could go over a pipe or a socket as it is written.
 *
 * Versioning: the format version changes whenever a section's payload or the
 * set of sections changes in a way an older reader would misread; a reader
 * refuses any other version (one line naming both), any flag bit, and any
 * tag it does not know. A (tag, index) pair occurs at most once.
 *
 * Pure: no ioctls; the payloads are made and read by snapbuf.h's encoder and
 * the codecs of snapstate.h.
 */
#ifndef VMM_SNAPFILE_H
#define VMM_SNAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNAP_MAGIC	    "VMMSNAP" /* 8 bytes with its NUL */
#define SNAP_MAGIC_LEN	    8
#define SNAP_FORMAT_VERSION 1
#define SNAP_HEADER_LEN	    24 /* magic, version, header length, flags */
#define SNAP_SECTION_HEAD   16 /* tag, index, length */
#define SNAP_SECTION_CRC    4
#define SNAP_END_PAYLOAD    16 /* u64 section count, u64 total file length */
/* The longest state file snap_read_file() takes: far more than any machine
 * this vmm builds writes (RAM is not in it), far less than a runaway. */
#define SNAP_MAX_STATE_FILE (256ULL << 20)

/*
 * Section tags. Never renumber, never reuse: add new ones before
 * SNAP_NR_TAGS (and their names in snapfile.c's table); a reader refuses
 * tags from SNAP_NR_TAGS on. Index: the instance (vCPU number for per-vCPU
 * sections, else 0).
 */
enum snap_tag {
	SNAP_END = 0,	    /* last: section count and file length */
	SNAP_MACHINE,	    /* struct machine (snapstate.h) */
	SNAP_HOST,	    /* host facts a restore must match (KVM glue) */
	SNAP_VCPU,	    /* one vCPU's registers, index = vCPU (KVM glue) */
	SNAP_VGIC,	    /* the vGICv3 (KVM glue) */
	SNAP_COUNTER,	    /* the virtual counter (KVM glue) */
	SNAP_PVTIME,	    /* PV time stolen-time records (KVM glue) */
	SNAP_FIRMWARE_REGS, /* KVM's firmware pseudo-registers (KVM glue) */
	SNAP_PSCI,	    /* userspace PSCI: every vCPU's power state, statistics */
	SNAP_SMCCC,	    /* the SMCCC table: services and user ranges */
	SNAP_CPUHP,	    /* the ACPI CPU hotplug registers */
	SNAP_UART,	    /* the 16550: registers and receive FIFO */
	SNAP_TESTDEV,	    /* the test device */
	SNAP_INJECT,	    /* the injection rules in force */
	SNAP_SHARED,	    /* what survives a reset: resets, restores, present bits */
	SNAP_RAM_INFO,	    /* the `ram` file: size, layout (KVM glue) */
	SNAP_VENDOR,	    /* the vendor service: DISCOVER_IMPL's CPUs */
	SNAP_NR_TAGS
};

/* "PSCI", "VCPU", ...; "tag N" (in buf) for a tag without a name. */
const char *snap_tag_name(uint32_t tag, char *buf, size_t len);

/*
 * Writer. begin writes the header; each snap_write_section one whole
 * section; end the END section. All return 0 or -errno (a short write is
 * retried, EINTR too); the first error sticks, later calls return it
 * again, and w->err says it in one line ("write: No space left on
 * device"). The fd is the caller's: the writer never closes or seeks it.
 */
struct snap_writer {
	int fd;
	uint64_t bytes;	      /* written so far */
	uint32_t nr_sections; /* written so far, END not counted */
	int error;	      /* 0, or the -errno that stuck */
	bool ended;	      /* snap_writer_end() was called */
	char err[128];
};

int snap_writer_begin(struct snap_writer *w, int fd);
/* tag END is refused (-EINVAL): snap_writer_end() writes it. */
int snap_write_section(struct snap_writer *w, uint32_t tag, uint32_t index, const void *data,
		       size_t len);
int snap_writer_end(struct snap_writer *w);
uint64_t snap_writer_bytes(const struct snap_writer *w);

/*
 * Reader. A parsed image is every section but END, in file order, each
 * verified (CRC, bounds, known tag, no duplicate). Payloads point into the
 * parsed buffer: snap_parse() borrows buf (keep it alive while img is
 * used); snap_read_file() reads the file into a buffer img owns.
 */
struct snap_section {
	uint32_t tag, index;
	uint64_t len;
	const uint8_t *data;
};

struct snap_image {
	struct snap_section *sections;
	size_t nr;
	uint32_t version, header_len;
	uint64_t flags;
	uint8_t *owned; /* the file's bytes (snap_read_file), or NULL */
};

/*
 * Parse a whole state file. 0, or a negative errno with one line in err
 * naming what is wrong: "not a vmm snapshot (magic ...)", "format version 2,
 * this vmm reads 1", "truncated in section 4 (VCPU 1): ...", "CRC mismatch in
 * section 5 (PSCI)", "no END section ...", "unknown section tag 40", ...
 * (without a path: the caller puts "snapshot DIR/state: " in front). On
 * error img holds nothing to free (it is left empty).
 */
int snap_parse(const uint8_t *buf, size_t len, struct snap_image *img, char *err, size_t errlen);

/* Read path whole (at most SNAP_MAX_STATE_FILE bytes) and parse it; err
 * reads "snapshot PATH: ...". */
int snap_read_file(const char *path, struct snap_image *img, char *err, size_t errlen);

/* The section (tag, index), or NULL. */
const struct snap_section *snap_find(const struct snap_image *img, uint32_t tag, uint32_t index);

void snap_image_free(struct snap_image *img);

#endif
