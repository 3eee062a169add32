/*
 * Unit tests of the ACPI boot builders: vmm/machine/acpi.c (EFI hand-off data and
 * ACPI tables) and fdt/fdt_stub.c (the /chosen-only DT that points at them).
 *
 * Every table is read back field by field; then the tables of a fixed
 * 2-enabled/4-possible machine are disassembled with iasl -d and compared
 * with tests/golden/acpi-*.dsl, and the DSDT's disassembly is compiled
 * again (iasl -oa: no optimizations) and must give back our AML byte for
 * byte. The stub DT is compared with tests/golden/fdt-acpi-stub.dts via dtc.
 *
 * Run from the top of the tree. To refresh a golden after an intended
 * change: run the test, check build/host/acpi/acpi-*.dsl (or
 * build/host/fdt-acpi-stub.dts) by eye and copy it to tests/golden/.
 */
#define CHECK_FILE "acpi"
#include "tests/unit/check.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include <libfdt.h>

#include "fdt/fdt_build.h"
#include "fdt/fdt_stub.h"
#include "tests/unit/golden.h"
#include "vmm/cli/cli.h"
#include "vmm/machine/acpi.h"
#include "vmm/machine/aml.h"
#include "vmm/machine/guest_abi.h"
#include "vmm/machine/machine.h"

#define OUT_DIR	     "build/host"
#define ACPI_OUT_DIR OUT_DIR "/acpi"
#define GOLDEN_DIR   "tests/golden"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* An ACPI machine as machine_describe() makes it, and which vCPUs are
 * plugged now (the builder's per-boot input). */
struct desc {
	struct machine m;
	const bool *enabled;
};

static bool enabled[MACHINE_MAX_CPUS];

/* nr_cpus possible vCPUs with KVM's MPIDRs (bit 31 RES1 set, which the
 * MADT must mask), 256 MiB, a PMU, the first nr_enabled vCPUs enabled;
 * nr_cpus 0 or past MACHINE_MAX_CPUS makes a bad one. */
static void make_desc(struct desc *d, unsigned int nr_cpus, unsigned int nr_enabled)
{
	unsigned int possible = nr_cpus == 0 ? 1 : nr_cpus > MACHINE_MAX_CPUS ? 1 : nr_cpus;
	struct vmm_config cfg = {.nr_cpus = 1, .max_cpus = possible, .acpi = true, .pmu = true};
	char err[256];

	cfg.ram_size = 256ULL << 20;
	for (unsigned int i = 0; i < MACHINE_MAX_CPUS; i++)
		enabled[i] = i < nr_enabled;
	memset(d, 0, sizeof(*d));
	CHECK_EQ(machine_describe(&cfg, &d->m, err, sizeof(err)), 0);
	d->m.nr_cpus = nr_cpus;
	d->enabled = enabled;
}

/* ---- reading the blob back ---- */

struct blob {
	uint8_t *buf;
	size_t size;
	struct acpi_layout l;
	uint64_t base;
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* A pointer into the blob for guest-physical [addr, addr + len), or NULL. */
static const uint8_t *at(const struct blob *b, uint64_t addr, size_t len)
{
	if (addr < b->base || addr - b->base > b->l.len || len > b->l.len - (addr - b->base)) {
		printf("  0x%llx+%zu is outside the blob\n", (unsigned long long)addr, len);
		return NULL;
	}
	return b->buf + (addr - b->base);
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* The ACPI table at addr, if its signature, bounds and checksum are right. */
static const uint8_t *table(const struct blob *b, uint64_t addr, const char *sig)
{
	const uint8_t *t = at(b, addr, 36);

	if (!t || memcmp(t, sig, 4) != 0) {
		printf("  no %s at 0x%llx\n", sig, (unsigned long long)addr);
		return NULL;
	}
	if (!at(b, addr, get32(t + 4)))
		return NULL;
	if (sum(t, get32(t + 4)) != 0) {
		printf("  %s checksum does not sum to 0\n", sig);
		return NULL;
	}
	return t;
}

static bool build(const struct desc *d, struct blob *b)
{
	const char *why = NULL;
	long need = acpi_build_size(&d->m, d->enabled, &why);
	int err;

	memset(b, 0, sizeof(*b));
	CHECK(need > 0);
	if (need <= 0) {
		printf("  acpi_build_size: %ld (%s)\n", need, why ? why : "?");
		return false;
	}
	b->size = (size_t)need;
	b->buf = malloc(b->size);
	b->base = d->m.acpi_base;
	if (!b->buf)
		return false;
	err = acpi_build(&d->m, d->enabled, b->buf, b->size, &b->l, &why);
	CHECK_EQ(err, 0);
	if (err) {
		printf("  acpi_build: %d (%s)\n", err, why ? why : "?");
		free(b->buf);
		b->buf = NULL;
		return false;
	}
	CHECK(b->l.len <= b->size && b->size - b->l.len <= AML_BUILD_SLACK);
	return true;
}

/* CRC-32/ISO-HDLC, table-driven (the builder's is bitwise). */
/* Where the layout says the table signed sig is (0: not one we look up). */
static uint64_t layout_addr(const struct acpi_layout *l, const char *sig)
{
	if (strcmp(sig, "FACP") == 0)
		return l->fadt;
	if (strcmp(sig, "APIC") == 0)
		return l->madt;
	if (strcmp(sig, "GTDT") == 0)
		return l->gtdt;
	if (strcmp(sig, "SPCR") == 0)
		return l->spcr;
	if (strcmp(sig, "DSDT") == 0)
		return l->dsdt;
	return 0;
}

/* Build d's tables into b and return the one signed sig (checked: found,
 * whole, summing to 0), or NULL. The caller frees b->buf either way. */
static const uint8_t *built_table(const struct desc *d, struct blob *b, const char *sig)
{
	const uint8_t *t = NULL;

	if (build(d, b))
		t = table(b, layout_addr(&b->l, sig), sig);
	CHECK(t != NULL);
	return t;
}

static uint32_t crc32_ref(const uint8_t *p, size_t len)
{
	static uint32_t tab[256];
	uint32_t crc = 0xffffffffU, c;
	unsigned int i, k;

	if (!tab[1]) {
		for (i = 0; i < 256; i++) {
			c = i;
			for (k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
			tab[i] = c;
		}
	}
	while (len--)
		crc = tab[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* ---- the tables ---- */

TEST(every_table_checksums_and_the_xsdt_names_them)
{
	static const char *const sigs[] = {"FACP", "APIC", "GTDT", "SPCR"};
	struct desc d;
	struct blob b;
	const uint8_t *r, *x, *f;
	unsigned int i;

	make_desc(&d, 4, 2);
	if (!build(&d, &b))
		return;

	/* RSDP v2: both checksums, length, revision, XSDT pointer (ACPI 6.5
	 * §5.2.5.3); 16-byte aligned. */
	r = at(&b, b.l.rsdp, 36);
	CHECK(r != NULL);
	if (!r)
		goto out;
	CHECK(memcmp(r, "RSD PTR ", 8) == 0);
	CHECK_EQ(sum(r, 20), 0);
	CHECK_EQ(sum(r, 36), 0);
	CHECK_EQ(r[15], 2);
	CHECK_EQ(get32(r + 16), 0);
	CHECK_EQ(get32(r + 20), 36);
	CHECK_EQ(get64(r + 24), b.l.xsdt);
	CHECK_EQ(b.l.rsdp % 16, 0);

	x = table(&b, b.l.xsdt, "XSDT");
	CHECK(x != NULL);
	if (!x)
		goto out;
	CHECK_EQ(get32(x + 4), 36 + 8 * ARRAY_SIZE(sigs));
	CHECK_EQ(get64(x + 36), b.l.fadt);
	CHECK_EQ(get64(x + 44), b.l.madt);
	CHECK_EQ(get64(x + 52), b.l.gtdt);
	CHECK_EQ(get64(x + 60), b.l.spcr);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		CHECK(table(&b, get64(x + 36 + 8 * i), sigs[i]) != NULL);

	/* FADT 6.5: 276 bytes, HW-reduced, PSCI over HVC, X_DSDT (§5.2.9) */
	f = table(&b, b.l.fadt, "FACP");
	CHECK(f != NULL);
	if (!f)
		goto out;
	CHECK_EQ(get32(f + 4), 276);
	CHECK_EQ(f[8], 6);
	CHECK_EQ(f[131], 5);
	CHECK_EQ(get32(f + 112), 1U << 20);
	CHECK_EQ(get16(f + 129), 3);
	CHECK_EQ(get32(f + 40), 0);
	CHECK_EQ(get64(f + 140), b.l.dsdt);
	CHECK(table(&b, get64(f + 140), "DSDT") != NULL);
	CHECK_EQ(get32(f + 36), 0); /* no FACS */
	CHECK_EQ(get64(f + 132), 0);

	/* every table is 8-byte aligned and the DSDT ends the blob */
	CHECK_EQ((b.l.xsdt | b.l.fadt | b.l.madt | b.l.gtdt | b.l.spcr | b.l.dsdt) % 8, 0);
	CHECK_EQ(b.l.dsdt + get32(at(&b, b.l.dsdt, 36) + 4), b.base + b.l.len);
out:
	free(b.buf);
}

TEST(smc_conduit_clears_psci_use_hvc)
{
	struct desc d;
	struct blob b;
	const uint8_t *f;

	make_desc(&d, 2, 1);
	d.m.conduit = MACHINE_CONDUIT_SMC;
	f = built_table(&d, &b, "FACP");
	if (f)
		CHECK_EQ(get16(f + 129), 1);
	free(b.buf);
}

TEST(madt_has_gicd_one_gicr_and_a_gicc_per_possible_vcpu)
{
	struct desc d;
	struct blob b;
	const uint8_t *m, *s, *end;
	unsigned int gicd = 0, gicr = 0, gicc = 0, i;

	make_desc(&d, 6, 3);
	d.m.mpidrs[5] = 0x81000105ULL; /* MT (bit 24) is not affinity */
	m = built_table(&d, &b, "APIC");
	if (!m)
		goto out;
	CHECK_EQ(m[8], 6);
	CHECK_EQ(get32(m + 36), 0);
	CHECK_EQ(get32(m + 40), 0);
	end = m + get32(m + 4);
	for (s = m + 44; s < end; s += s[1]) {
		CHECK(s[1] >= 2 && s + s[1] <= end);
		if (s[1] < 2)
			break;
		switch (s[0]) {
		case 0x0c: /* GICD, §5.2.12.15 */
			gicd++;
			CHECK_EQ(s[1], 24);
			CHECK_EQ(get64(s + 8), GUEST_GICD_BASE);
			CHECK_EQ(s[20], 3);
			break;
		case 0x0e: /* GICR, §5.2.12.17 */
			gicr++;
			CHECK_EQ(s[1], 16);
			CHECK_EQ(get64(s + 4), GUEST_GICR_BASE(6));
			CHECK_EQ(get32(s + 12), 6 * GUEST_GICR_STRIDE);
			break;
		case 0x0b: /* GICC, §5.2.12.14, in vCPU order */
			i = gicc++;
			CHECK_EQ(s[1], 82);
			/* CPU Interface Number: 0 on a GICv3 without GICv2
			 * compatibility (ACPI 6.5 §5.2.12.14), as KVM's is */
			CHECK_EQ(get32(s + 4), 0);
			CHECK_EQ(get32(s + 8), i);
			CHECK_EQ(get32(s + 12), i < 3 ? 1 : 8);
			CHECK_EQ(get32(s + 20), 23);
			CHECK_EQ(get64(s + 60), 0); /* GICR via the GICR structure */
			CHECK_EQ(get64(s + 68), i == 5 ? 0x105 : (i % 16) | ((i / 16) << 8));
			break;
		default:
			printf("  unexpected MADT structure type %u\n", s[0]);
			CHECK(0);
		}
	}
	CHECK_EQ(gicd, 1);
	CHECK_EQ(gicr, 1);
	CHECK_EQ(gicc, 6);
out:
	free(b.buf);
}

TEST(no_pmu_leaves_the_performance_interrupt_zero)
{
	struct desc d;
	struct blob b;
	const uint8_t *m;

	make_desc(&d, 1, 1);
	d.m.pmu_intid = 0;
	m = built_table(&d, &b, "APIC");
	if (m) {
		CHECK_EQ(get32(m + 4), 44 + 24 + 16 + 82);
		CHECK_EQ(m[44 + 24 + 16], 0x0b);
		CHECK_EQ(get32(m + 44 + 24 + 16 + 20), 0);
	}
	free(b.buf);
}

/* --irqchip gicv3-its: one GIC ITS structure (ACPI 6.5 §5.2.12.18, type
 * 0xF, 20 bytes: ITS ID 0, the frame's base), after the GICR; the MADT
 * grows by exactly that. Without the option there is none (the walk above
 * refuses any unknown type). */
TEST(madt_lists_the_gic_its_when_the_machine_has_one)
{
	struct desc d;
	struct blob b;
	const uint8_t *m, *s, *end;
	unsigned int its = 0, gicc = 0;

	make_desc(&d, 3, 3);
	d.m.its_base = GUEST_ITS_BASE;
	d.m.its_size = GUEST_ITS_SIZE;
	m = built_table(&d, &b, "APIC");
	if (!m)
		goto out;
	CHECK_EQ(get32(m + 4), 44 + 24 + 16 + 20 + 3 * 82);
	CHECK_EQ(m[44 + 24 + 16], 0x0f);
	end = m + get32(m + 4);
	for (s = m + 44; s < end; s += s[1]) {
		CHECK(s[1] >= 2 && s + s[1] <= end);
		if (s[1] < 2)
			break;
		if (s[0] == 0x0b)
			gicc++;
		if (s[0] != 0x0f)
			continue;
		its++;
		CHECK_EQ(s[1], 20);
		CHECK_EQ(get16(s + 2), 0);		/* reserved */
		CHECK_EQ(get32(s + 4), 0);		/* GIC ITS ID */
		CHECK_EQ(get64(s + 8), GUEST_ITS_BASE); /* physical base */
		CHECK_EQ(get32(s + 16), 0);		/* reserved */
	}
	CHECK_EQ(its, 1);
	CHECK_EQ(gicc, 3);
out:
	free(b.buf);
}

TEST(gtdt_has_the_arch_timer_ppis_level_low)
{
	static const uint32_t gsiv[] = {29, 30, 27, 26};
	struct desc d;
	struct blob b;
	const uint8_t *g;
	unsigned int i;

	make_desc(&d, 2, 2);
	g = built_table(&d, &b, "GTDT");
	if (g) {
		CHECK_EQ(get32(g + 4), 104);
		CHECK_EQ(g[8], 3);
		CHECK_EQ(get64(g + 36), UINT64_MAX);
		CHECK_EQ(get64(g + 80), UINT64_MAX);
		for (i = 0; i < ARRAY_SIZE(gsiv); i++) {
			CHECK_EQ(get32(g + 48 + 8 * i), gsiv[i]);
			/* level (bit 0 clear), active low, always on */
			CHECK_EQ(get32(g + 52 + 8 * i), 6);
		}
		CHECK_EQ(get32(g + 88), 0); /* no platform timers */
	}
	free(b.buf);
}

TEST(spcr_describes_the_16550)
{
	struct desc d;
	struct blob b;
	const uint8_t *s;

	make_desc(&d, 2, 2);
	d.m.uart_spi = 5;
	s = built_table(&d, &b, "SPCR");
	if (s) {
		CHECK_EQ(get32(s + 4), 80);
		CHECK_EQ(s[36], 0); /* 16550 */
		CHECK_EQ(s[40], 0); /* SystemMemory */
		CHECK_EQ(s[41], 8); /* 8-bit registers */
		CHECK_EQ(s[43], 1); /* byte access */
		CHECK_EQ(get64(s + 44), GUEST_UART_BASE);
		CHECK_EQ(s[52], 8);	     /* GIC interrupt */
		CHECK_EQ(get32(s + 54), 37); /* SPI 5 */
		CHECK_EQ(get16(s + 64), 0xffff);
		CHECK_EQ(get32(s + 76), GUEST_UART_CLOCK_HZ);
	}
	free(b.buf);
}

/* ---- EFI ---- */

TEST(efi_system_table_crc_vendor_and_configuration_table)
{
	static const uint8_t acpi20[16] = {0x71, 0xe8, 0x68, 0x88, 0xf1, 0xe4, 0xd3, 0x11,
					   0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81};
	static const uint8_t rtprop[16] = {0x8a, 0x91, 0x66, 0xeb, 0xef, 0x7e, 0x2a, 0x40,
					   0x84, 0x2e, 0x93, 0x1d, 0x21, 0xc3, 0x8a, 0xe9};
	struct desc d;
	struct blob b;
	uint8_t copy[120];
	const uint8_t *st, *v, *cfg, *rt;

	/* the reference CRC itself: the standard check value */
	CHECK_EQ(crc32_ref((const uint8_t *)"123456789", 9), 0xcbf43926U);

	make_desc(&d, 4, 2);
	if (!build(&d, &b))
		return;
	CHECK_EQ(b.l.efi_system_table % 8, 0);
	st = at(&b, b.l.efi_system_table, 120);
	CHECK(st != NULL);
	if (!st)
		goto out;
	/* EFI_TABLE_HEADER (UEFI §4.2): "IBI SYST", 2.x, HeaderSize, CRC32 */
	CHECK_EQ(get64(st), 0x5453595320494249ULL);
	CHECK_EQ(get32(st + 8) >> 16, 2);
	CHECK_EQ(get32(st + 12), 120);
	memcpy(copy, st, sizeof(copy));
	memset(copy + 16, 0, 4);
	CHECK_EQ(get32(st + 16), crc32_ref(copy, sizeof(copy)));
	CHECK_EQ(get32(st + 20), 0);

	v = at(&b, get64(st + 24), 8);
	CHECK(v != NULL);
	if (v)
		CHECK(memcmp(v, "v\0m\0m\0\0\0", 8) == 0);
	CHECK_EQ(get64(st + 88), 0); /* RuntimeServices */
	CHECK_EQ(get64(st + 96), 0); /* BootServices */
	CHECK_EQ(get64(st + 40) | get64(st + 48) | get64(st + 56) | get64(st + 64), 0);
	CHECK_EQ(get64(st + 104), 2);

	cfg = at(&b, get64(st + 112), 48);
	CHECK(cfg != NULL);
	if (!cfg)
		goto out;
	CHECK(memcmp(cfg, acpi20, 16) == 0);
	CHECK_EQ(get64(cfg + 16), b.l.rsdp);
	CHECK(memcmp(cfg + 24, rtprop, 16) == 0);
	rt = at(&b, get64(cfg + 40), 8);
	CHECK(rt != NULL);
	if (rt) {
		CHECK_EQ(get16(rt), 1);
		CHECK_EQ(get16(rt + 2), 8);
		CHECK_EQ(get32(rt + 4), 0);
	}
out:
	free(b.buf);
}

static void check_desc(const uint8_t *m, uint32_t type, uint64_t base, uint64_t size)
{
	CHECK_EQ(get32(m), type);
	CHECK_EQ(get64(m + 8), base);
	CHECK_EQ(get64(m + 16), 0);
	CHECK_EQ(get64(m + 24), size / 4096);
	CHECK_EQ(get64(m + 32), 0x8); /* EFI_MEMORY_WB */
}

TEST(memory_map_has_ram_and_the_region_in_address_order)
{
	struct desc d;
	struct blob b;
	const uint8_t *m;

	for (int low_ram = 0; low_ram < 2; low_ram++) {
		make_desc(&d, 2, 2);
		if (low_ram) { /* RAM below the region: [0, 16 MiB), under the UART */
			d.m.ram_base = 0;
			d.m.ram_size = 16ULL << 20;
		}
		if (!build(&d, &b))
			return;
		CHECK_EQ(b.l.mmap_desc_ver, 1);
		CHECK_EQ(b.l.mmap_desc_size, 40);
		CHECK_EQ(b.l.mmap_size, 2 * 40);
		CHECK_EQ(b.l.mmap_start % 8, 0);
		m = at(&b, b.l.mmap_start, b.l.mmap_size);
		CHECK(m != NULL);
		if (m && low_ram) {
			check_desc(m, 7, 0, 16ULL << 20); /* EfiConventionalMemory */
			check_desc(m + 40, 9, GUEST_ACPI_BASE, GUEST_ACPI_SIZE);
		} else if (m) {
			check_desc(m, 9, GUEST_ACPI_BASE,
				   GUEST_ACPI_SIZE); /* EfiACPIReclaimMemory */
			check_desc(m + 40, 7, GUEST_RAM_BASE, 256ULL << 20);
		}
		/* the whole blob lies inside the region the map describes */
		CHECK(b.l.len <= GUEST_ACPI_SIZE);
		CHECK_EQ(b.l.efi_system_table, GUEST_ACPI_BASE);
		free(b.buf);
	}
}

/* ---- the DSDT, by counting what it must contain ---- */

static unsigned int count_bytes(const uint8_t *p, size_t len, const char *s)
{
	size_t n = strlen(s), i;
	unsigned int c = 0;

	for (i = 0; i + n <= len; i++)
		if (memcmp(p + i, s, n) == 0)
			c++;
	return c;
}

TEST(dsdt_has_a_processor_device_per_vcpu_a_ged_and_the_uart)
{
	struct desc d;
	struct blob b;
	const uint8_t *t;
	size_t len;

	make_desc(&d, 20, 3);
	t = built_table(&d, &b, "DSDT");
	if (t) {
		len = get32(t + 4);
		CHECK_EQ(t[8], 2);
		CHECK_EQ(count_bytes(t, len, "ACPI0007"), 20);
		CHECK_EQ(count_bytes(t, len, "ACPI0013"), 1);
		CHECK_EQ(count_bytes(t, len, "_EJ0"), 20);
		CHECK_EQ(count_bytes(t, len, "_EVT"), 1);
		/* 20 definitions + 20 calls from _EVT */
		CHECK_EQ(count_bytes(t, len, "CEVT"), 40);
		/* vCPU 0x13: its name, two Notify targets, one _EVT call */
		CHECK_EQ(count_bytes(t, len, "C013"), 4);
	}
	free(b.buf);
}

/* ---- limits and errors ---- */

TEST(vcpus_up_to_the_machine_limit_fit_the_region_and_the_hotplug_block)
{
	const unsigned int counts[] = {1, 2, MACHINE_MAX_CPUS};
	struct desc d;
	struct blob b;
	const uint8_t *m;
	const char *why;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		make_desc(&d, counts[i], 1);
		if (!build(&d, &b))
			return;
		CHECK(b.l.len <= GUEST_ACPI_SIZE);
		m = table(&b, b.l.madt, "APIC");
		CHECK(m != NULL);
		if (m)
			CHECK_EQ(get32(m + 4), 44 + 24 + 16 + 82 * counts[i]);
		CHECK(table(&b, b.l.dsdt, "DSDT") != NULL);
		if (counts[i] == 512)
			printf("  512 vCPUs: %zu bytes of %lu\n", b.l.len, GUEST_ACPI_SIZE);
		free(b.buf);
	}
	/* GUEST_CPUHP_SIZE holds (0x1000 - 0x100) / 4 = 960 registers */
	CHECK(GUEST_CPUHP_CPU(MACHINE_MAX_CPUS) <= GUEST_CPUHP_SIZE);
	make_desc(&d, MACHINE_MAX_CPUS, 1);
	d.m.cpuhp_size = GUEST_CPUHP_CPU(MACHINE_MAX_CPUS - 1);
	why = NULL;
	CHECK_EQ(acpi_build_size(&d.m, d.enabled, &why), -EINVAL);
	CHECK(why && strstr(why, "hotplug"));
}

static void expect_err(const struct desc *d, int err, const char *reason_part)
{
	static uint8_t buf[GUEST_ACPI_SIZE];
	struct acpi_layout l;
	const char *why = NULL;
	int got = acpi_build(&d->m, d->enabled, buf, sizeof(buf), &l, &why);

	if (got != err || !why || !strstr(why, reason_part)) {
		printf("  got %d (%s), expected %d (...%s...)\n", got, why ? why : "no reason", err,
		       reason_part);
		CHECK(0);
	}
	CHECK_EQ(acpi_build_size(&d->m, d->enabled, NULL), err);
}

TEST(descriptions_that_cannot_be_expressed_are_refused_with_a_reason)
{
	struct desc d;

	CHECK_EQ(acpi_build(NULL, NULL, NULL, 0, NULL, NULL), -EINVAL);

	make_desc(&d, 0, 0);
	expect_err(&d, -EINVAL, "no vCPUs");
	make_desc(&d, MACHINE_MAX_CPUS + 1, 1);
	expect_err(&d, -E2BIG, "MACHINE_MAX_CPUS");
	make_desc(&d, 4, 0);
	expect_err(&d, -EINVAL, "no vCPU enabled");
	make_desc(&d, 4, 2);
	d.enabled = NULL;
	expect_err(&d, -EINVAL, "enabled");
	make_desc(&d, 4, 2);
	d.m.mpidrs[3] = 0x81000001ULL; /* same affinity as vCPU 1 */
	expect_err(&d, -EINVAL, "same MPIDR");
	make_desc(&d, 4, 2);
	d.m.conduit = (enum machine_conduit)9;
	expect_err(&d, -EINVAL, "conduit");
	make_desc(&d, 4, 2);
	d.m.uart_spi = 988;
	expect_err(&d, -EINVAL, "SPI");
	make_desc(&d, 4, 2);
	d.m.ged_spi = d.m.uart_spi;
	expect_err(&d, -EINVAL, "share");
	make_desc(&d, 4, 2);
	d.m.pmu_intid = 15;
	expect_err(&d, -EINVAL, "PPI");
	d.m.pmu_intid = 27;
	expect_err(&d, -EINVAL, "timer");
	make_desc(&d, 4, 2);
	d.m.gicr_size = 3 * GUEST_GICR_STRIDE;
	expect_err(&d, -EINVAL, "redistributor");
	make_desc(&d, 4, 2);
	d.m.cpuhp_size = GUEST_CPUHP_CPU(3);
	expect_err(&d, -EINVAL, "hotplug");

	make_desc(&d, 4, 2);
	d.m.ram_size = 0;
	expect_err(&d, -EINVAL, "RAM empty");
	make_desc(&d, 4, 2);
	d.m.ram_base = GUEST_ACPI_BASE;
	d.m.ram_size = 1ULL << 20;
	expect_err(&d, -EINVAL, "ACPI region overlaps RAM");
	make_desc(&d, 4, 2);
	d.m.ram_base = GUEST_RAM_BASE + 1;
	expect_err(&d, -EINVAL, "aligned");
	make_desc(&d, 4, 2);
	d.m.ram_base = 0xfffffffffff00000ULL;
	d.m.ram_size = 1ULL << 21;
	expect_err(&d, -EINVAL, "2^64");

	make_desc(&d, 4, 2);
	d.m.acpi_base = GUEST_ACPI_BASE + 8;
	expect_err(&d, -EINVAL, "aligned");
	make_desc(&d, 4, 2);
	d.m.acpi_size = 0;
	expect_err(&d, -EINVAL, "ACPI region empty");
	make_desc(&d, 4, 2);
	d.m.uart_base = GUEST_ACPI_BASE;
	expect_err(&d, -EINVAL, "UART overlaps");
	make_desc(&d, 4, 2);
	d.m.uart_base = 0x100000000ULL;
	expect_err(&d, -EINVAL, "4 GiB");
	make_desc(&d, 4, 2);
	d.m.cpuhp_base = GUEST_UART_BASE;
	expect_err(&d, -EINVAL, "CPU hotplug block overlaps");
	make_desc(&d, 4, 2);
	d.m.gicd_base = GUEST_RAM_BASE;
	expect_err(&d, -EINVAL, "GIC distributor overlaps");
	make_desc(&d, 4, 2);
	d.m.gicr_base = GUEST_GICD_BASE - GUEST_GICR_STRIDE;
	expect_err(&d, -EINVAL, "redistributors overlap");

	/* a region too small for the tables */
	make_desc(&d, 64, 2); /* 64 GICCs alone take 5 KiB */
	d.m.acpi_size = 4096;
	expect_err(&d, -E2BIG, "larger than their region");
}

/*
 * Every buffer too small fails with -ENOSPC and writes nothing past its
 * end (each size is its own heap block: ASan would see it); the exact size
 * works, and bytes past it are untouched.
 */
TEST(small_buffers_fail_cleanly_and_the_build_is_deterministic)
{
	struct desc d;
	struct blob ref;
	struct acpi_layout l;
	const char *why;
	uint8_t *buf;
	size_t size;
	int err;

	make_desc(&d, 4, 2);
	if (!build(&d, &ref))
		return;
	CHECK_EQ(acpi_build(&d.m, d.enabled, NULL, 1 << 20, &l, NULL), -ENOSPC);
	for (size = ref.size - 40; size <= ref.size; size++) {
		buf = malloc(size);
		if (!buf)
			break;
		why = NULL;
		err = acpi_build(&d.m, d.enabled, buf, size, &l, &why);
		CHECK_EQ(err, size == ref.size ? 0 : -ENOSPC);
		if (err == 0)
			CHECK(memcmp(buf, ref.buf, ref.l.len) == 0);
		else
			CHECK(why != NULL);
		free(buf);
	}
	buf = malloc(ref.size + 64);
	if (buf) {
		memset(buf, 0xa5, ref.size + 64);
		CHECK_EQ(acpi_build(&d.m, d.enabled, buf, ref.size + 64, &l, NULL), 0);
		CHECK(memcmp(buf, ref.buf, ref.l.len) == 0);
		for (size = ref.size; size < ref.size + 64; size++)
			CHECK_EQ(buf[size], 0xa5);
		free(buf);
	}
	free(ref.buf);
}

TEST(aml_emitter_rejects_bad_names_and_unbalanced_packages)
{
	uint8_t buf[64];
	struct aml a;

	aml_init(&a, buf, sizeof(buf));
	aml_name(&a, "\\_SB.C0x");
	CHECK_EQ(aml_finish(&a), -EINVAL);
	aml_init(&a, buf, sizeof(buf));
	aml_name(&a, "TOOLONG");
	CHECK_EQ(aml_finish(&a), -EINVAL);
	aml_init(&a, buf, sizeof(buf));
	aml_name(&a, "1ABC");
	CHECK_EQ(aml_finish(&a), -EINVAL);
	aml_init(&a, buf, sizeof(buf));
	aml_scope_begin(&a, "\\_SB");
	CHECK_EQ(aml_finish(&a), -EINVAL);
	aml_end(&a);
	CHECK_EQ(aml_finish(&a), 7); /* 10 len '\' "_SB_" */
	CHECK(memcmp(buf, "\x10\x06\\_SB_", 7) == 0);
	aml_end(&a);
	CHECK_EQ(aml_finish(&a), -EINVAL);
	aml_init(&a, buf, 4);
	aml_string(&a, "ACPI0007");
	CHECK_EQ(aml_finish(&a), -ENOSPC);
	/* PkgLength of 64 and more takes two bytes, 4096 and more three */
	aml_init(&a, NULL, 0);
	aml_buffer_begin(&a);
	for (int i = 0; i < 5000; i++)
		aml_byte(&a, 0);
	aml_end(&a);
	CHECK_EQ(aml_finish(&a), 1 + 3 + 3 + 5000); /* op, PkgLength, WordConst 5000 */
}

/* ---- golden disassemblies with iasl ---- */

/* Drop the lines of iasl's banner that carry its version, the date or the
 * input path; keep the rest (the original table header included). */
static void strip_volatile(char *s)
{
	static const char *const volatile_lines[] = {
	    "Intel ACPI Component Architecture",
	    "Disassembler version",
	    "Copyright (c)",
	    "Disassembly of ",
	};
	char *in = s, *out = s, *nl;
	size_t len, i;
	bool drop;

	while (*in) {
		nl = strchr(in, '\n');
		len = nl ? (size_t)(nl - in) + 1 : strlen(in);
		drop = false;
		for (i = 0; i < ARRAY_SIZE(volatile_lines); i++)
			if (memmem(in, len, volatile_lines[i], strlen(volatile_lines[i])))
				drop = true;
		if (!drop) {
			memmove(out, in, len);
			out += len;
		}
		in += len;
	}
	*out = '\0';
}

/* iasl reports problems on lines naming an Error or a Warning. */
static bool iasl_complained(const char *out)
{
	return strstr(out, "Error") || strstr(out, "Warning") || strstr(out, "error") ||
	       strstr(out, "warning");
}

/*
 * Write the table to ACPI_OUT_DIR/name.dat, disassemble it with iasl -d
 * and return the .dsl without its volatile lines (also written to
 * ACPI_OUT_DIR/acpi-name.dsl, the candidate golden). NULL on failure.
 */
static char *disassemble(const uint8_t *t, const char *name)
{
	char path[256], cmd[512];
	char *out, *dsl;

	if (golden_mkdir_p(ACPI_OUT_DIR)) {
		printf("  cannot create " ACPI_OUT_DIR ": %s\n", strerror(errno));
		return NULL;
	}
	snprintf(path, sizeof(path), ACPI_OUT_DIR "/%s.dat", name);
	if (golden_write_file(path, t, get32(t + 4)))
		return NULL;
	snprintf(path, sizeof(path), ACPI_OUT_DIR "/%s.dsl", name);
	remove(path);
	snprintf(cmd, sizeof(cmd), "cd " ACPI_OUT_DIR " && iasl -d %s.dat 2>&1", name);
	out = golden_run(cmd);
	CHECK(out != NULL);
	if (!out)
		return NULL;
	if (iasl_complained(out)) {
		printf("  iasl -d %s.dat printed:\n%s", name, out);
		CHECK(0);
	}
	free(out);
	dsl = golden_read_path(path, NULL);
	CHECK(dsl != NULL);
	if (!dsl)
		return NULL;
	strip_volatile(dsl);
	snprintf(path, sizeof(path), ACPI_OUT_DIR "/acpi-%s.dsl", name);
	if (golden_write_file(path, dsl, strlen(dsl))) {
		free(dsl);
		return NULL;
	}
	return dsl;
}

static void compare_golden(const char *name, const char *dsl)
{
	char got[256], golden[256];

	snprintf(got, sizeof(got), ACPI_OUT_DIR "/acpi-%s.dsl", name);
	snprintf(golden, sizeof(golden), GOLDEN_DIR "/acpi-%s.dsl", name);
	golden_compare(got, dsl, golden);
}

/* Compile the disassembled DSDT again without optimizations: the AML must
 * come back byte for byte (the header differs: iasl is the creator). */
static void check_dsdt_roundtrip(const uint8_t *t, const char *name)
{
	char cmd[512], path[256];
	char *out, *aml;
	size_t len = 0, want = get32(t + 4);

	snprintf(cmd, sizeof(cmd), "cd " ACPI_OUT_DIR " && iasl -oa -p %s-re %s.dsl 2>&1", name,
		 name);
	out = golden_run(cmd);
	CHECK(out != NULL);
	if (!out)
		return;
	if (!strstr(out, "0 Errors, 0 Warnings")) {
		printf("  iasl -oa %s.dsl printed:\n%s", name, out);
		CHECK(0);
	}
	free(out);
	snprintf(path, sizeof(path), ACPI_OUT_DIR "/%s-re.aml", name);
	aml = golden_read_path(path, &len);
	CHECK(aml != NULL);
	if (!aml)
		return;
	CHECK_EQ(len, want);
	if (len == want && memcmp(aml + 36, t + 36, want - 36) != 0) {
		printf("  recompiled %s AML differs from ours\n", name);
		CHECK(0);
	}
	free(aml);
}

TEST(tables_disassemble_cleanly_and_match_the_goldens)
{
	struct desc d;
	struct blob b;
	const struct {
		const char *name, *sig;
	} tabs[] = {
	    {"dsdt", "DSDT"}, {"facp", "FACP"}, {"apic", "APIC"},
	    {"gtdt", "GTDT"}, {"spcr", "SPCR"}, {"xsdt", "XSDT"},
	};
	uint64_t addrs[ARRAY_SIZE(tabs)];
	const uint8_t *t;
	char *dsl;
	unsigned int i;

	make_desc(&d, 4, 2);
	if (!build(&d, &b))
		return;
	addrs[0] = b.l.dsdt;
	addrs[1] = b.l.fadt;
	addrs[2] = b.l.madt;
	addrs[3] = b.l.gtdt;
	addrs[4] = b.l.spcr;
	addrs[5] = b.l.xsdt;
	for (i = 0; i < ARRAY_SIZE(tabs); i++) {
		t = table(&b, addrs[i], tabs[i].sig);
		CHECK(t != NULL);
		if (!t)
			continue;
		dsl = disassemble(t, tabs[i].name);
		if (!dsl)
			continue;
		compare_golden(tabs[i].name, dsl);
		if (i == 0)
			check_dsdt_roundtrip(t, tabs[i].name);
		free(dsl);
	}
	free(b.buf);
}

/* The MADT with an ITS has a golden of its own; iasl decodes the entry. */
TEST(madt_with_an_its_disassembles_cleanly_and_matches_its_golden)
{
	struct desc d;
	struct blob b;
	const uint8_t *t;
	char *dsl;

	make_desc(&d, 4, 2);
	d.m.its_base = GUEST_ITS_BASE;
	d.m.its_size = GUEST_ITS_SIZE;
	t = built_table(&d, &b, "APIC");
	dsl = t ? disassemble(t, "apic-its") : NULL;
	if (dsl) {
		CHECK(strstr(dsl, "Generic Interrupt Translator") != NULL);
		compare_golden("apic-its", dsl);
		free(dsl);
	}
	free(b.buf);
}

/* The 512-vCPU DSDT is valid AML too: 512 processor devices come back. */
TEST(dsdt_for_512_vcpus_disassembles_cleanly)
{
	struct desc d;
	struct blob b;
	const uint8_t *t;
	char *dsl;

	make_desc(&d, 512, 4);
	t = built_table(&d, &b, "DSDT");
	if (t) {
		dsl = disassemble(t, "dsdt512");
		if (dsl) {
			CHECK_EQ(count_bytes((const uint8_t *)dsl, strlen(dsl), "\"ACPI0007\""),
				 512);
			CHECK_EQ(
			    count_bytes((const uint8_t *)dsl, strlen(dsl), "\\_SB.C1FF.CEVT ()"),
			    1);
			free(dsl);
		}
		check_dsdt_roundtrip(t, "dsdt512");
	}
	free(b.buf);
}

/* ---- the stub device tree ---- */

#define STUB_GOLDEN "tests/golden/fdt-acpi-stub.dts"

/* The stub's inputs: the ACPI machine (only its command line is read) and
 * this boot's initrd and EFI hand-off. */
struct stub {
	struct desc d;
	struct fdt_boot b;
};

static void make_stub(struct stub *s, const struct acpi_layout *l)
{
	memset(s, 0, sizeof(*s));
	make_desc(&s->d, 4, 2);
	snprintf(s->d.m.cmdline, sizeof(s->d.m.cmdline), "console=ttyS0 test");
	s->b.initrd_start = 0x88000000;
	s->b.initrd_end = 0x88100000;
	s->b.efi_system_table = l->efi_system_table;
	s->b.mmap_start = l->mmap_start;
	s->b.mmap_size = l->mmap_size;
	s->b.mmap_desc_size = l->mmap_desc_size;
	s->b.mmap_desc_ver = l->mmap_desc_ver;
}

static void *build_stub(const struct stub *s)
{
	size_t hint = fdt_stub_size_hint(&s->d.m);
	void *buf = malloc(hint);
	int err;

	if (!buf)
		return NULL;
	err = fdt_build_acpi_stub(&s->d.m, &s->b, buf, hint);
	CHECK_EQ(err, 0);
	if (err) {
		printf("  fdt_build_acpi_stub: %s\n", fdt_strerror(err));
		free(buf);
		return NULL;
	}
	CHECK_EQ(fdt_check_full(buf, fdt_totalsize(buf)), 0);
	return buf;
}

/* The property's length and big-endian value, as fdtparams.c reads it. */
static bool chosen_num(const void *fdt, const char *name, int len, uint64_t val)
{
	int off = fdt_path_offset(fdt, "/chosen"), got;
	const uint8_t *p = off < 0 ? NULL : fdt_getprop(fdt, off, name, &got);
	uint64_t v = 0;
	int i;

	if (!p || got != len) {
		printf("  /chosen:%s is %d bytes, expected %d\n", name, p ? got : -1, len);
		return false;
	}
	for (i = 0; i < len; i++)
		v = v << 8 | p[i];
	if (v != val)
		printf("  /chosen:%s = 0x%llx, expected 0x%llx\n", name, (unsigned long long)v,
		       (unsigned long long)val);
	return v == val;
}

TEST(stub_dt_holds_only_chosen_with_the_uefi_parameters)
{
	struct desc d;
	struct blob b;
	struct stub s;
	void *fdt;
	int root, off, n = 0, len;
	const char *name;

	make_desc(&d, 4, 2);
	if (!build(&d, &b))
		return;
	make_stub(&s, &b.l);
	fdt = build_stub(&s);
	if (!fdt)
		goto out;
	CHECK(fdt_totalsize(fdt) <= fdt_stub_size_hint(&s.d.m));
	root = fdt_path_offset(fdt, "/");
	/* depth 1: /chosen and nothing else (Linux's dt_is_stub) */
	for (off = fdt_first_subnode(fdt, root); off >= 0; off = fdt_next_subnode(fdt, off)) {
		n++;
		CHECK_STR(fdt_get_name(fdt, off, NULL), "chosen");
	}
	CHECK_EQ(n, 1);
	/* root properties: the two cell counts only */
	n = 0;
	fdt_for_each_property_offset(off, fdt, root)
	{
		fdt_getprop_by_offset(fdt, off, &name, &len);
		CHECK(!strcmp(name, "#address-cells") || !strcmp(name, "#size-cells"));
		n++;
	}
	CHECK_EQ(n, 2);
	CHECK_EQ(fdt_num_mem_rsv(fdt), 0);

	CHECK(chosen_num(fdt, "linux,uefi-system-table", 8, b.l.efi_system_table));
	CHECK(chosen_num(fdt, "linux,uefi-mmap-start", 8, b.l.mmap_start));
	CHECK(chosen_num(fdt, "linux,uefi-mmap-size", 4, 80));
	CHECK(chosen_num(fdt, "linux,uefi-mmap-desc-size", 4, 40));
	CHECK(chosen_num(fdt, "linux,uefi-mmap-desc-ver", 4, 1));
	CHECK(chosen_num(fdt, "linux,uefi-secure-boot", 4, 2));
	CHECK(chosen_num(fdt, "linux,initrd-start", 8, 0x88000000));
	CHECK(chosen_num(fdt, "linux,initrd-end", 8, 0x88100000));
	off = fdt_path_offset(fdt, "/chosen");
	CHECK_STR(fdt_getprop(fdt, off, "bootargs", NULL), "console=ttyS0 test");
	free(fdt);

	/* no bootargs, no initrd */
	s.d.m.cmdline[0] = '\0';
	s.b.initrd_start = s.b.initrd_end = 0;
	fdt = build_stub(&s);
	if (fdt) {
		off = fdt_path_offset(fdt, "/chosen");
		CHECK(fdt_getprop(fdt, off, "bootargs", NULL) == NULL);
		CHECK(fdt_getprop(fdt, off, "linux,initrd-start", NULL) == NULL);
		CHECK(fdt_getprop(fdt, off, "linux,initrd-end", NULL) == NULL);
		CHECK(chosen_num(fdt, "linux,uefi-secure-boot", 4, 2));
		free(fdt);
	}
out:
	free(b.buf);
}

TEST(stub_dt_refuses_bad_descriptions_and_small_buffers)
{
	struct acpi_layout l = {.efi_system_table = GUEST_ACPI_BASE,
				.mmap_start = GUEST_ACPI_BASE + 0x100,
				.mmap_size = 80,
				.mmap_desc_size = 40,
				.mmap_desc_ver = 1};
	struct stub s;
	void *ref, *buf;
	size_t size, blob;
	int err, ok = 0;

	CHECK_EQ(fdt_build_acpi_stub(NULL, NULL, NULL, 0), -FDT_ERR_BADVALUE);
	make_stub(&s, &l);
	CHECK_EQ(fdt_build_acpi_stub(&s.d.m, NULL, NULL, 0), -FDT_ERR_BADVALUE);
	s.d.m.acpi = false; /* a DT machine gets the whole tree, not a stub */
	CHECK_EQ(fdt_build_acpi_stub(&s.d.m, &s.b, NULL, 0), -FDT_ERR_BADVALUE);
	make_stub(&s, &l);
	s.b.initrd_end = s.b.initrd_start - 1;
	CHECK_EQ(fdt_build_acpi_stub(&s.d.m, &s.b, NULL, 0), -FDT_ERR_BADVALUE);
	make_stub(&s, &l);
	s.b.efi_system_table = 0;
	CHECK_EQ(fdt_build_acpi_stub(&s.d.m, &s.b, NULL, 0), -FDT_ERR_BADVALUE);
	make_stub(&s, &l);
	s.b.mmap_desc_size = 0;
	CHECK_EQ(fdt_build_acpi_stub(&s.d.m, &s.b, NULL, 0), -FDT_ERR_BADVALUE);

	make_stub(&s, &l);
	CHECK_EQ(fdt_build_acpi_stub(&s.d.m, &s.b, NULL, 4096), -FDT_ERR_NOSPACE);
	ref = build_stub(&s);
	if (!ref)
		return;
	blob = fdt_totalsize(ref);
	for (size = 0; size <= blob + 16; size++) {
		buf = malloc(size ? size : 1);
		if (!buf)
			break;
		err = fdt_build_acpi_stub(&s.d.m, &s.b, buf, size);
		if (err == 0) {
			ok = 1;
			CHECK(memcmp(buf, ref, blob) == 0);
		} else {
			CHECK(!ok);
			CHECK_EQ(err, -FDT_ERR_NOSPACE);
		}
		free(buf);
	}
	CHECK(ok);
	free(ref);
}

TEST(stub_dt_matches_the_golden_and_dtc_is_silent)
{
	struct desc d;
	struct blob b;
	struct stub s;
	void *fdt;

	make_desc(&d, 4, 2);
	if (!build(&d, &b))
		return;
	make_stub(&s, &b.l);
	fdt = build_stub(&s);
	free(b.buf);
	if (!fdt)
		return;
	golden_check_dtb(fdt, OUT_DIR, "fdt-acpi-stub", STUB_GOLDEN);
	free(fdt);
	golden_dts_compiles_cleanly(STUB_GOLDEN);
}

CHECK_MAIN_BEGIN
RUN(every_table_checksums_and_the_xsdt_names_them);
RUN(smc_conduit_clears_psci_use_hvc);
RUN(madt_has_gicd_one_gicr_and_a_gicc_per_possible_vcpu);
RUN(no_pmu_leaves_the_performance_interrupt_zero);
RUN(madt_lists_the_gic_its_when_the_machine_has_one);
RUN(gtdt_has_the_arch_timer_ppis_level_low);
RUN(spcr_describes_the_16550);
RUN(efi_system_table_crc_vendor_and_configuration_table);
RUN(memory_map_has_ram_and_the_region_in_address_order);
RUN(dsdt_has_a_processor_device_per_vcpu_a_ged_and_the_uart);
RUN(vcpus_up_to_the_machine_limit_fit_the_region_and_the_hotplug_block);
RUN(descriptions_that_cannot_be_expressed_are_refused_with_a_reason);
RUN(small_buffers_fail_cleanly_and_the_build_is_deterministic);
RUN(aml_emitter_rejects_bad_names_and_unbalanced_packages);
RUN(tables_disassemble_cleanly_and_match_the_goldens);
RUN(madt_with_an_its_disassembles_cleanly_and_matches_its_golden);
RUN(dsdt_for_512_vcpus_disassembles_cleanly);
RUN(stub_dt_holds_only_chosen_with_the_uefi_parameters);
RUN(stub_dt_refuses_bad_descriptions_and_small_buffers);
RUN(stub_dt_matches_the_golden_and_dtc_is_silent);
CHECK_MAIN_END
