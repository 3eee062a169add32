/*
 * Read-only flattened device tree walker (Devicetree Specification v0.4,
 * chapter 5 "Flattened Devicetree (DTB) Format").
 *
 * The blob is big-endian and read one byte at a time: with the MMU off every
 * access is Device memory, where an unaligned load faults, and this way the
 * walker does not depend on how the VMM aligned anything. Every offset is
 * checked against the block it points into before it is dereferenced, and
 * the blocks are checked against totalsize; nothing is read past it.
 *
 * Pure code apart from vsnprintk(): it is compiled natively to be tested.
 */
#include <stdbool.h>
#include <stdint.h>

#include "guest/fdt_read.h"
#include "guest/print.h"

#define FDT_MAGIC	0xd00dfeedU
#define FDT_HEADER_SIZE 40U
#define FDT_BEGIN_NODE	0x1U
#define FDT_END_NODE	0x2U
#define FDT_PROP	0x3U
#define FDT_NOP		0x4U
#define FDT_END		0x9U

/* The version whose layout we read (size_dt_struct appeared in v17). */
#define FDT_VERSION 17U

#define DT_MAX_DEPTH 32

enum node_kind {
	NODE_OTHER,
	NODE_ROOT,
	NODE_CPUS,   /* /cpus */
	NODE_CPU,    /* a child of /cpus: a CPU if its device_type says so */
	NODE_PSCI,   /* /psci */
	NODE_CHOSEN, /* /chosen */
	NODE_MEMORY, /* /memory or /memory@... */
};

struct walk {
	const uint8_t *st; /* structure block */
	uint32_t st_size;
	const uint8_t *str; /* strings block */
	uint32_t str_size;
	struct dt_info *info;
	struct why why;

	uint32_t cpu_addr_cells;  /* /cpus #address-cells */
	uint32_t root_addr_cells; /* / #address-cells: for /memory reg */
	uint32_t root_size_cells; /* / #size-cells */
	bool have_method;

	/* The child of /cpus being walked. */
	bool cpu_is_cpu;
	bool cpu_has_reg;
	uint64_t cpu_reg;

	/* #address-cells of each open node (the spec's default 2 until it
	 * says), for a child's reg; and the node whose properties are being
	 * read: is it an ITS, and its reg's base. */
	uint32_t addr_cells[DT_MAX_DEPTH];
	bool node_is_its, node_has_reg;
	uint64_t node_reg;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t align4(uint32_t off)
{
	return (off + 3) & ~3U;
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* Is the node name name[0..len) equal to want, ignoring any "@unit-address"? */
static bool node_name_is(const uint8_t *name, uint32_t len, const char *want)
{
	uint32_t i;

	for (i = 0; want[i]; i++) {
		if (i >= len || name[i] != (uint8_t)want[i])
			return false;
	}
	return i == len || name[i] == '@';
}

/* Is the property value the string want (NUL-terminated, as the spec says)? */
static bool prop_is_string(const uint8_t *val, uint32_t len, const char *want)
{
	uint32_t i;

	for (i = 0; want[i]; i++) {
		if (i >= len || val[i] != (uint8_t)want[i])
			return false;
	}
	return len == i + 1 && val[i] == '\0';
}

/* The property name at nameoff in the strings block, or NULL if it is not a
 * NUL-terminated string inside the block. */
static const char *prop_name(const struct walk *w, uint32_t nameoff)
{
	for (uint32_t i = nameoff; i < w->str_size; i++) {
		if (w->str[i] == '\0')
			return (const char *)&w->str[nameoff];
	}
	return NULL;
}

static int cpu_node_done(struct walk *w)
{
	struct dt_info *info = w->info;

	if (!w->cpu_is_cpu)
		return 0;
	if (!w->cpu_has_reg)
		return why_fail(&w->why, "a /cpus node with device_type \"cpu\" has no reg");
	if (facts_add_cpu(&info->facts, w->cpu_reg))
		return why_fail(&w->why, "two CPU nodes have reg 0x%llx",
				(unsigned long long)w->cpu_reg);
	return 0;
}

/* A big-endian number of cells (1 or 2) at p. */
static uint64_t cells(const uint8_t *p, uint32_t n)
{
	return n == 2 ? (uint64_t)be32(p) << 32 | be32(p + 4) : be32(p);
}

/* The root's #address-cells / #size-cells: 1 or 2 for us. */
static int root_cells(struct walk *w, const char *name, const uint8_t *val, uint32_t len,
		      uint32_t *out)
{
	if (len != 4)
		return why_fail(&w->why, "/ %s has %u bytes", name, len);
	*out = be32(val);
	if (*out != 1 && *out != 2)
		return why_fail(&w->why, "/ %s is %u (want 1 or 2)", name, *out);
	return 0;
}

/* Does the compatible list val[0..len) hold the string want? */
static bool compatible_has(const uint8_t *val, uint32_t len, const char *want)
{
	uint32_t start = 0;

	for (uint32_t i = 0; i < len; i++) {
		if (val[i] != '\0')
			continue;
		if (prop_is_string(val + start, i + 1 - start, want))
			return true;
		start = i + 1;
	}
	return false;
}

/*
 * What any node may say that we want: its #address-cells (for its
 * children's reg), and whether it is the ITS and where (reg in the parent's
 * cells). depth is the node's own depth (the root is 1).
 */
static int handle_any_prop(struct walk *w, int depth, const char *name, const uint8_t *val,
			   uint32_t len)
{
	if (str_eq(name, "#address-cells") && len == 4) {
		w->addr_cells[depth - 1] = be32(val);
	} else if (str_eq(name, "compatible")) {
		w->node_is_its = compatible_has(val, len, "arm,gic-v3-its");
	} else if (str_eq(name, "reg") && depth >= 2) {
		uint32_t a = w->addr_cells[depth - 2];

		/* Not a reg we can read (cells other than 1 or 2, too short):
		 * it cannot be our ITS. */
		if ((a != 1 && a != 2) || len < 4 * a)
			return 0;
		w->node_reg = cells(val, a);
		w->node_has_reg = true;
	}
	return 0;
}

/* The properties of the node being read are all in (a child begins, or the
 * node ends): note the first ITS. */
static void node_props_done(struct walk *w)
{
	if (w->node_is_its && w->node_has_reg && !w->info->facts.its_base)
		w->info->facts.its_base = w->node_reg;
	w->node_is_its = w->node_has_reg = false;
}

/* A /chosen EFI hand-off property: a u64 (2 cells) or a u32, big-endian. */
static int chosen_efi_prop(struct walk *w, const char *name, const uint8_t *val, uint32_t len)
{
	struct dt_info *info = w->info;
	uint64_t *u64 = NULL;
	uint32_t *u32 = NULL;

	if (str_eq(name, "linux,uefi-system-table"))
		u64 = &info->efi_systab;
	else if (str_eq(name, "linux,uefi-mmap-start"))
		u64 = &info->efi_mmap;
	else if (str_eq(name, "linux,uefi-mmap-size"))
		u32 = &info->efi_mmap_size;
	else if (str_eq(name, "linux,uefi-mmap-desc-size"))
		u32 = &info->efi_mmap_desc_size;
	else
		return 0;
	if (len != (u64 ? 8U : 4U))
		return why_fail(&w->why, "/chosen %s has %u bytes, want %u", name, len,
				u64 ? 8 : 4);
	if (u64)
		*u64 = cells(val, 2);
	else
		*u32 = be32(val);
	return 0;
}

static int handle_prop(struct walk *w, enum node_kind kind, const char *name, const uint8_t *val,
		       uint32_t len)
{
	struct dt_info *info = w->info;

	switch (kind) {
	case NODE_ROOT:
		if (str_eq(name, "#address-cells"))
			return root_cells(w, name, val, len, &w->root_addr_cells);
		if (str_eq(name, "#size-cells"))
			return root_cells(w, name, val, len, &w->root_size_cells);
		break;
	case NODE_MEMORY:
		/* The first range of the first memory node is where we run. */
		if (str_eq(name, "reg") && !info->facts.ram_size) {
			uint32_t a = w->root_addr_cells, sz = w->root_size_cells;

			if (len < 4 * (a + sz))
				return why_fail(&w->why,
						"/memory reg has %u bytes, want at least %u", len,
						4 * (a + sz));
			info->facts.ram_base = cells(val, a);
			info->facts.ram_size = cells(val + 4 * a, sz);
		}
		break;
	case NODE_CPUS:
		if (str_eq(name, "#address-cells")) {
			if (len != 4)
				return why_fail(&w->why, "/cpus #address-cells has %u bytes", len);
			w->cpu_addr_cells = be32(val);
			if (w->cpu_addr_cells != 1 && w->cpu_addr_cells != 2)
				return why_fail(&w->why, "/cpus #address-cells is %u (want 1 or 2)",
						w->cpu_addr_cells);
		}
		break;
	case NODE_CPU:
		if (str_eq(name, "device_type")) {
			w->cpu_is_cpu = prop_is_string(val, len, "cpu");
		} else if (str_eq(name, "reg")) {
			uint32_t cell_bytes = 4 * w->cpu_addr_cells;

			/* A CPU may list several hardware threads: use the first. */
			if (len == 0 || len % cell_bytes)
				return why_fail(&w->why,
						"cpu reg has %u bytes with #address-cells %u", len,
						w->cpu_addr_cells);
			w->cpu_reg = be32(val);
			if (w->cpu_addr_cells == 2)
				w->cpu_reg = w->cpu_reg << 32 | be32(val + 4);
			w->cpu_has_reg = true;
		}
		break;
	case NODE_PSCI:
		if (str_eq(name, "method")) {
			if (prop_is_string(val, len, "hvc"))
				info->facts.conduit = CONDUIT_HVC;
			else if (prop_is_string(val, len, "smc"))
				info->facts.conduit = CONDUIT_SMC;
			else
				return why_fail(&w->why,
						"/psci method is neither \"hvc\" nor \"smc\"");
			w->have_method = true;
		}
		break;
	case NODE_CHOSEN:
		if (chosen_efi_prop(w, name, val, len))
			return -1;
		if (str_eq(name, "bootargs")) {
			uint32_t i;

			for (i = 0; i < len && i < DT_BOOTARGS_MAX - 1 && val[i]; i++)
				info->bootargs[i] = (char)val[i];
			info->bootargs[i] = '\0';
		}
		break;
	case NODE_OTHER:
		break;
	}
	return 0;
}

static enum node_kind classify(struct walk *w, int depth, const enum node_kind *kinds,
			       const uint8_t *name, uint32_t len)
{
	if (depth == 0)
		return NODE_ROOT;
	if (kinds[depth - 1] == NODE_ROOT) {
		if (node_name_is(name, len, "cpus"))
			return NODE_CPUS;
		if (node_name_is(name, len, "psci"))
			return NODE_PSCI;
		if (node_name_is(name, len, "chosen"))
			return NODE_CHOSEN;
		if (node_name_is(name, len, "memory"))
			return NODE_MEMORY;
	}
	if (kinds[depth - 1] == NODE_CPUS) {
		w->cpu_is_cpu = false;
		w->cpu_has_reg = false;
		w->cpu_reg = 0;
		return NODE_CPU;
	}
	return NODE_OTHER;
}

static int walk_struct(struct walk *w)
{
	enum node_kind kinds[DT_MAX_DEPTH];
	int depth = 0;
	bool root_done = false;
	uint32_t off = 0;

	for (;;) {
		uint32_t tok;

		if (off > w->st_size || w->st_size - off < 4)
			return why_fail(&w->why, "structure block ends without FDT_END");
		tok = be32(w->st + off);
		off += 4;

		switch (tok) {
		case FDT_BEGIN_NODE: {
			const uint8_t *name = w->st + off;
			uint32_t len = 0;

			while (off + len < w->st_size && name[len])
				len++;
			if (off + len >= w->st_size)
				return why_fail(&w->why, "unterminated node name at 0x%x", off);
			if (root_done)
				return why_fail(&w->why, "a node follows the root node at 0x%x",
						off);
			if (depth == DT_MAX_DEPTH)
				return why_fail(&w->why, "nodes nested deeper than %d",
						DT_MAX_DEPTH);
			node_props_done(w);
			kinds[depth] = classify(w, depth, kinds, name, len);
			w->addr_cells[depth] = 2;
			depth++;
			off = align4(off + len + 1);
			break;
		}
		case FDT_END_NODE:
			if (depth == 0)
				return why_fail(&w->why, "FDT_END_NODE without a node at 0x%x",
						off - 4);
			node_props_done(w);
			depth--;
			if (kinds[depth] == NODE_CPU && cpu_node_done(w))
				return -1;
			if (depth == 0)
				root_done = true;
			break;
		case FDT_PROP: {
			uint32_t len, nameoff;
			const char *name;

			if (depth == 0)
				return why_fail(&w->why, "property outside any node at 0x%x",
						off - 4);
			if (w->st_size - off < 8)
				return why_fail(&w->why, "truncated property at 0x%x", off - 4);
			len = be32(w->st + off);
			nameoff = be32(w->st + off + 4);
			off += 8;
			if (len > w->st_size - off)
				return why_fail(&w->why,
						"property at 0x%x overruns the structure block",
						off - 12);
			name = prop_name(w, nameoff);
			if (!name)
				return why_fail(
				    &w->why, "property name offset 0x%x is not a string", nameoff);
			if (handle_prop(w, kinds[depth - 1], name, w->st + off, len) ||
			    handle_any_prop(w, depth, name, w->st + off, len))
				return -1;
			off = align4(off + len);
			break;
		}
		case FDT_NOP:
			break;
		case FDT_END:
			if (depth != 0)
				return why_fail(&w->why, "FDT_END inside a node");
			if (!root_done)
				return why_fail(&w->why, "no root node");
			return 0;
		default:
			return why_fail(&w->why, "unknown token 0x%x at 0x%x", tok, off - 4);
		}
	}
}

/* Is [off, off + size) inside [FDT_HEADER_SIZE, total)? */
static bool block_ok(uint32_t off, uint32_t size, uint32_t total)
{
	return off >= FDT_HEADER_SIZE && off <= total && size <= total - off;
}

int dt_read(const void *dtb, struct dt_info *info, char *why, size_t why_size)
{
	const uint8_t *b = dtb;
	struct walk w = {
	    .info = info,
	    .why = {why, why_size},
	    .cpu_addr_cells = 2, /* the spec's defaults when a node does not say */
	    .root_addr_cells = 2,
	    .root_size_cells = 1,
	};
	uint32_t magic, total, off_st, off_str, version, last_comp;

	info->totalsize = 0;
	facts_init(&info->facts);
	info->efi_systab = info->efi_mmap = 0;
	info->efi_mmap_size = info->efi_mmap_desc_size = 0;
	info->bootargs[0] = '\0';
	if (why_size)
		why[0] = '\0';

	if (!b)
		return why_fail(&w.why, "no DTB address in x0");
	if ((uintptr_t)b % 8)
		return why_fail(&w.why, "DTB at %p is not 8-byte aligned", dtb);
	magic = be32(b);
	if (magic != FDT_MAGIC)
		return why_fail(&w.why, "bad magic 0x%08x (expected 0x%08x)", magic, FDT_MAGIC);
	total = be32(b + 4);
	if (total < FDT_HEADER_SIZE || total > DT_MAX_SIZE)
		return why_fail(&w.why, "totalsize %u is not in [%u, %u]", total, FDT_HEADER_SIZE,
				DT_MAX_SIZE);
	if ((uintptr_t)b > UINTPTR_MAX - total)
		return why_fail(&w.why, "DTB wraps the address space");
	version = be32(b + 20);
	last_comp = be32(b + 24);
	if (version < FDT_VERSION || last_comp > FDT_VERSION)
		return why_fail(&w.why, "version %u (last compatible %u); need %u", version,
				last_comp, FDT_VERSION);
	off_st = be32(b + 8);
	off_str = be32(b + 12);
	w.str_size = be32(b + 32);
	w.st_size = be32(b + 36);
	if (off_st % 4 || !block_ok(off_st, w.st_size, total))
		return why_fail(&w.why, "structure block at 0x%x size 0x%x is not inside the blob",
				off_st, w.st_size);
	if (!block_ok(off_str, w.str_size, total))
		return why_fail(&w.why, "strings block at 0x%x size 0x%x is not inside the blob",
				off_str, w.str_size);
	w.st = b + off_st;
	w.str = b + off_str;
	info->totalsize = total;

	if (walk_struct(&w))
		return -1;
	/* An ACPI boot's stub tree: the CPUs and PSCI are in the tables. */
	if (info->efi_systab)
		return 0;
	if (info->facts.nr_cpus_found == 0)
		return why_fail(&w.why, "no CPU nodes under /cpus");
	if (!w.have_method)
		return why_fail(&w.why, "no /psci node with a method property");
	return 0;
}
