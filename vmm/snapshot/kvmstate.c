/*
 * The payloads of the KVM-held snapshot sections (kvmstate.h): encoders the
 * glue feeds with what KVM returned, and decoders that check every length,
 * count and id before the glue hands anything back to KVM. A CRC-valid but
 * impossible payload (a register of a size KVM has no such register of, ids
 * out of order, a vGIC attribute of an unknown group) is refused in one line
 * starting with the section's name.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/snapshot/kvmstate.h"

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return -1;                                                                         \
	} while (0)

size_t snap_reg_size(uint64_t id)
{
	unsigned int shift = (unsigned int)((id & SNAP_REG_SIZE_MASK) >> SNAP_REG_SIZE_SHIFT);
	size_t size = (size_t)1 << shift;

	if ((id & SNAP_REG_ARCH_MASK) != SNAP_REG_ARCH_ARM64 || size > SNAP_REG_MAX_BYTES)
		return 0;
	return size;
}

static unsigned int reg_coproc(uint64_t id)
{
	return (unsigned int)((id & SNAP_REG_COPROC_MASK) >> SNAP_REG_COPROC_SHIFT);
}

int snap_reg_restore_pass(uint64_t id)
{
	unsigned int coproc = reg_coproc(id);

	if (id == SNAP_REG_TIMER_CNT || id == SNAP_REG_PTIMER_CNT)
		return -1;
	if (coproc == SNAP_REG_FW || coproc == SNAP_REG_FW_BMAP)
		return 0;
	/* op0 3, op1 0, CRn 0: MIDR, MPIDR and the ID_* registers. */
	if (coproc == SNAP_REG_SYSREG && ((id >> 7) & 0x1ff) == 0x180)
		return 1;
	if (id == SNAP_REG_PMCR_EL0)
		return 2;
	return 3;
}

/* Firmware pseudo-registers by number (fw-pseudo-registers.rst). */
static const char *fw_reg_name(unsigned int coproc, unsigned int n)
{
	static const char *const fw[] = {"PSCI_VERSION", "SMCCC_ARCH_WORKAROUND_1",
					 "SMCCC_ARCH_WORKAROUND_2", "SMCCC_ARCH_WORKAROUND_3"};
	static const char *const bmap[] = {"STD_BMAP", "STD_HYP_BMAP", "VENDOR_HYP_BMAP",
					   "VENDOR_HYP_BMAP_2"};

	if (coproc == SNAP_REG_FW && n < sizeof(fw) / sizeof(fw[0]))
		return fw[n];
	if (coproc == SNAP_REG_FW_BMAP && n < sizeof(bmap) / sizeof(bmap[0]))
		return bmap[n];
	return NULL;
}

/* A core register's name from its offset in struct kvm_regs (32-bit words). */
static void core_reg_name(unsigned int off, char *buf, size_t len)
{
	if (off < 62 && off % 2 == 0)
		snprintf(buf, len, "x%u", off / 2);
	else if (off == 62)
		snprintf(buf, len, "sp");
	else if (off == 64)
		snprintf(buf, len, "pc");
	else if (off == 66)
		snprintf(buf, len, "pstate");
	else
		snprintf(buf, len, "core register 0x%x", off);
}

const char *snap_reg_name(uint64_t id, char *buf, size_t len)
{
	unsigned int coproc = reg_coproc(id), low = (unsigned int)(id & 0xffff);
	const char *fw = fw_reg_name(coproc, low);

	if (fw)
		snprintf(buf, len, "%s", fw);
	else if (id == SNAP_REG_TIMER_CNT)
		snprintf(buf, len, "TIMER_CNT");
	else if (coproc == SNAP_REG_CORE)
		core_reg_name(low, buf, len);
	else if (coproc == SNAP_REG_SYSREG)
		snprintf(buf, len, "sysreg %u,%u,%u,%u,%u", (low >> 14) & 3, (low >> 11) & 7,
			 (low >> 7) & 15, (low >> 3) & 15, low & 7);
	else if (coproc == SNAP_REG_SVE)
		snprintf(buf, len, "SVE register 0x%x", low);
	else
		snprintf(buf, len, "register 0x%016" PRIx64, id);
	return buf;
}

void snap_vcpu_put_head(struct snap_buf *b, uint64_t mpidr, uint32_t mp_state, uint32_t nr_regs)
{
	snap_put_u64(b, mpidr);
	snap_put_u32(b, mp_state);
	snap_put_u32(b, nr_regs);
}

void snap_vcpu_put_reg(struct snap_buf *b, uint64_t id, const void *val)
{
	snap_put_u64(b, id);
	snap_put_bytes(b, val, snap_reg_size(id));
}

/* Take n bytes from the cursor without copying them. */
static const uint8_t *cursor_take(struct snap_cursor *c, size_t n)
{
	const uint8_t *p = c->p;

	if (c->bad || c->left < n) {
		c->bad = true;
		return NULL;
	}
	c->p += n;
	c->left -= n;
	return p;
}

int snap_vcpu_parse(const void *data, size_t len, struct snap_vcpu *v, char *err, size_t errlen)
{
	struct snap_cursor c;
	char name[64];

	memset(v, 0, sizeof(*v));
	snap_cursor_init(&c, data, len);
	v->mpidr = snap_get_u64(&c);
	v->mp_state = snap_get_u32(&c);
	v->nr = snap_get_u32(&c);
	if (c.bad)
		FAIL("VCPU: cut short before its registers");
	if (v->nr == 0 || v->nr > SNAP_MAX_VCPU_REGS)
		FAIL("VCPU: %u registers (1 to %u)", v->nr, SNAP_MAX_VCPU_REGS);
	/* Each register takes at least 9 bytes: no allocation beyond the payload. */
	if ((uint64_t)v->nr * 9 > c.left)
		FAIL("VCPU: %u registers do not fit in %zu bytes", v->nr, c.left);
	v->regs = calloc(v->nr, sizeof(*v->regs));
	if (!v->regs)
		FAIL("VCPU: out of memory");
	for (uint32_t i = 0; i < v->nr; i++) {
		uint64_t id = snap_get_u64(&c);
		size_t size = snap_reg_size(id);

		if (c.bad || !size || (i && id <= v->regs[i - 1].id) ||
		    !(v->regs[i].val = cursor_take(&c, size))) {
			snap_vcpu_free(v);
			if (c.bad)
				FAIL("VCPU: cut short in register %u", i);
			if (!size)
				FAIL("VCPU: register %u has id 0x%016" PRIx64
				     ", not an arm64 register of a known size",
				     i, id);
			FAIL("VCPU: register %s out of order",
			     snap_reg_name(id, name, sizeof(name)));
		}
		v->regs[i].id = id;
	}
	if (!snap_cursor_ok_and_done(&c)) {
		snap_vcpu_free(v);
		FAIL("VCPU: %zu bytes after the last register", c.left);
	}
	return 0;
}

void snap_vcpu_free(struct snap_vcpu *v)
{
	free(v->regs);
	v->regs = NULL;
	v->nr = 0;
}

bool snap_vcpu_get_u64(const struct snap_vcpu *v, uint64_t id, uint64_t *val)
{
	for (uint32_t i = 0; i < v->nr; i++) {
		if (v->regs[i].id != id)
			continue;
		*val = 0;
		for (size_t k = 0; k < 8 && k < snap_reg_size(id); k++)
			*val |= (uint64_t)v->regs[i].val[k] << (8 * k);
		return true;
	}
	return false;
}

void snap_vgic_put_head(struct snap_buf *b, uint32_t nr_irqs, uint32_t nr_attrs)
{
	snap_put_u32(b, nr_irqs);
	snap_put_u32(b, nr_attrs);
}

void snap_vgic_put_attr(struct snap_buf *b, uint32_t group, uint64_t attr, uint64_t value)
{
	snap_put_u32(b, group);
	snap_put_u64(b, attr);
	snap_put_u64(b, value);
}

static bool vgic_group_known(uint32_t g)
{
	return g == SNAP_VGIC_DIST || g == SNAP_VGIC_REDIST || g == SNAP_VGIC_CPU_SYSREG ||
	       g == SNAP_VGIC_LEVEL;
}

int snap_vgic_parse(const void *data, size_t len, struct snap_vgic *g, char *err, size_t errlen)
{
	struct snap_cursor c;

	memset(g, 0, sizeof(*g));
	snap_cursor_init(&c, data, len);
	g->nr_irqs = snap_get_u32(&c);
	g->nr = snap_get_u32(&c);
	if (c.bad)
		FAIL("VGIC: cut short");
	/* GICv3 SPIs end at INTID 1019; KVM takes 64 to 1024, a multiple of 32. */
	if (g->nr_irqs < 64 || g->nr_irqs > 1024 || g->nr_irqs % 32)
		FAIL("VGIC: %u interrupts (64 to 1024, a multiple of 32)", g->nr_irqs);
	if (g->nr > SNAP_MAX_VGIC_ATTRS || (uint64_t)g->nr * 20 != c.left)
		FAIL("VGIC: %u attributes in %zu bytes", g->nr, c.left);
	g->attrs = calloc(g->nr ? g->nr : 1, sizeof(*g->attrs));
	if (!g->attrs)
		FAIL("VGIC: out of memory");
	for (uint32_t i = 0; i < g->nr; i++) {
		struct snap_attr *a = &g->attrs[i];

		a->group = snap_get_u32(&c);
		a->attr = snap_get_u64(&c);
		a->value = snap_get_u64(&c);
		if (!vgic_group_known(a->group)) {
			snap_vgic_free(g);
			FAIL("VGIC: attribute %u has group %u, not a vGICv3 register group", i,
			     a->group);
		}
		if (a->group != SNAP_VGIC_CPU_SYSREG && a->value > UINT32_MAX) {
			snap_vgic_free(g);
			FAIL(
			    "VGIC: attribute %u (group %u) is a 32-bit register holding 0x%" PRIx64,
			    i, a->group, a->value);
		}
	}
	return 0;
}

void snap_vgic_free(struct snap_vgic *g)
{
	free(g->attrs);
	g->attrs = NULL;
	g->nr = 0;
}

void snap_fw_regs_save(const struct snap_fw_regs *f, struct snap_buf *b)
{
	snap_put_u32(b, f->nr);
	for (uint32_t i = 0; i < f->nr; i++) {
		snap_put_u64(b, f->id[i]);
		snap_put_u64(b, f->value[i]);
	}
}

int snap_fw_regs_load(struct snap_fw_regs *f, const void *data, size_t len, char *err,
		      size_t errlen)
{
	struct snap_cursor c;

	memset(f, 0, sizeof(*f));
	snap_cursor_init(&c, data, len);
	f->nr = snap_get_u32(&c);
	if (c.bad || f->nr > SNAP_MAX_FW_REGS)
		FAIL("FIRMWARE_REGS: %u registers (at most %d)", f->nr, SNAP_MAX_FW_REGS);
	for (uint32_t i = 0; i < f->nr; i++) {
		unsigned int coproc;

		f->id[i] = snap_get_u64(&c);
		f->value[i] = snap_get_u64(&c);
		coproc = reg_coproc(f->id[i]);
		if (!c.bad && (snap_reg_size(f->id[i]) != 8 ||
			       (coproc != SNAP_REG_FW && coproc != SNAP_REG_FW_BMAP)))
			FAIL("FIRMWARE_REGS: 0x%016" PRIx64 " is not a firmware register",
			     f->id[i]);
	}
	if (!snap_cursor_ok_and_done(&c))
		FAIL("FIRMWARE_REGS: wrong length (%zu bytes)", len);
	return 0;
}

void snap_counter_save(uint64_t cnt, struct snap_buf *b)
{
	snap_put_u64(b, cnt);
}

int snap_counter_load(uint64_t *cnt, const void *data, size_t len, char *err, size_t errlen)
{
	struct snap_cursor c;

	snap_cursor_init(&c, data, len);
	*cnt = snap_get_u64(&c);
	if (!snap_cursor_ok_and_done(&c))
		FAIL("COUNTER: %zu bytes, expected 8", len);
	return 0;
}

static void boot_file_save(const struct snap_boot_file *f, struct snap_buf *b)
{
	snap_put_str(b, f->path);
	snap_put_u64(b, f->size);
	snap_put_u64(b, f->mtime_ns);
}

static void boot_file_load(struct snap_boot_file *f, struct snap_cursor *c)
{
	snap_get_str(c, f->path, sizeof(f->path));
	f->size = snap_get_u64(c);
	f->mtime_ns = snap_get_u64(c);
}

void snap_host_save(const struct snap_host *h, struct snap_buf *b)
{
	snap_put_u32(b, h->page_size);
	snap_put_bool(b, h->filter);
	snap_put_bool(b, h->pmu);
	boot_file_save(&h->kernel, b);
	boot_file_save(&h->initrd, b);
}

static bool page_size_ok(uint32_t p)
{
	return p >= 4096 && p <= 65536 && (p & (p - 1)) == 0;
}

int snap_host_load(struct snap_host *h, const void *data, size_t len, char *err, size_t errlen)
{
	struct snap_cursor c;

	memset(h, 0, sizeof(*h));
	snap_cursor_init(&c, data, len);
	h->page_size = snap_get_u32(&c);
	h->filter = snap_get_bool(&c);
	h->pmu = snap_get_bool(&c);
	boot_file_load(&h->kernel, &c);
	boot_file_load(&h->initrd, &c);
	if (!snap_cursor_ok_and_done(&c))
		FAIL("HOST: malformed (%zu bytes)", len);
	if (!page_size_ok(h->page_size))
		FAIL("HOST: page size %u is not 4K, 16K or 64K", h->page_size);
	if (h->kernel.path[0] != '/')
		FAIL("HOST: the kernel's path '%s' is not absolute", h->kernel.path);
	if (h->initrd.path[0] && h->initrd.path[0] != '/')
		FAIL("HOST: the initrd's path '%s' is not absolute", h->initrd.path);
	return 0;
}

int snap_host_compare(const struct snap_host *saved, const struct snap_host *here, char *err,
		      size_t errlen)
{
	if (saved->page_size != here->page_size)
		FAIL("this host's page size is %u bytes, the snapshot's %u", here->page_size,
		     saved->page_size);
	if (saved->filter && !here->filter)
		FAIL("this host's KVM has no SMCCC filter (Linux 6.4+), the snapshot's guest had "
		     "its PSCI calls forwarded");
	if (saved->pmu && !here->pmu)
		FAIL("this host's KVM offers no PMUv3, the snapshot's guest has one (--pmu)");
	return 0;
}

int snap_boot_file_check(const struct snap_boot_file *saved, uint64_t size, uint64_t mtime_ns,
			 const char *what, char *err, size_t errlen)
{
	if (saved->size != size || saved->mtime_ns != mtime_ns)
		FAIL("the %s %s changed since the snapshot (size %" PRIu64 ", was %" PRIu64
		     "; or its mtime): a SYSTEM_RESET could not boot what the guest booted",
		     what, saved->path, size, saved->size);
	return 0;
}

void snap_ram_info_save(const struct snap_ram_info *r, struct snap_buf *b)
{
	snap_put_u64(b, r->ram_size);
	snap_put_u32(b, r->page_size);
	snap_put_u64(b, r->data_pages);
	snap_put_u64(b, r->acpi_size);
}

int snap_ram_info_load(struct snap_ram_info *r, const void *data, size_t len, char *err,
		       size_t errlen)
{
	struct snap_cursor c;

	snap_cursor_init(&c, data, len);
	r->ram_size = snap_get_u64(&c);
	r->page_size = snap_get_u32(&c);
	r->data_pages = snap_get_u64(&c);
	r->acpi_size = snap_get_u64(&c);
	if (!snap_cursor_ok_and_done(&c))
		FAIL("RAM_INFO: %zu bytes, expected 28", len);
	if (!page_size_ok(r->page_size) || r->ram_size % r->page_size ||
	    r->acpi_size % r->page_size ||
	    r->data_pages > (r->ram_size + r->acpi_size) / r->page_size)
		FAIL("RAM_INFO: %" PRIu64 " pages with data in %" PRIu64 " bytes of %u-byte pages",
		     r->data_pages, r->ram_size, r->page_size);
	return 0;
}

void snap_pvtime_save(uint64_t base, const void *records, size_t size, struct snap_buf *b)
{
	snap_put_u64(b, base);
	snap_put_bytes(b, records, size);
}

int snap_pvtime_load(uint64_t *base, const uint8_t **records, size_t *size, const void *data,
		     size_t len, char *err, size_t errlen)
{
	struct snap_cursor c;

	snap_cursor_init(&c, data, len);
	*base = snap_get_u64(&c);
	if (c.bad)
		FAIL("PVTIME: cut short");
	*size = c.left;
	*records = c.p;
	return 0;
}
