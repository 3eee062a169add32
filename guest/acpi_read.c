/*
 * Read-only walk from the EFI hand-off to the MADT (acpi_read.h), written
 * against the layouts the VMM builds in vmm/machine/acpi_efi.c and
 * acpi_tables.c, which are the specs' (UEFI 2.10 §4.2 EFI_TABLE_HEADER,
 * §4.3 EFI_SYSTEM_TABLE, §4.6 EFI_CONFIGURATION_TABLE, §7.2
 * EFI_MEMORY_DESCRIPTOR; ACPI 6.5 §5.2.5 RSDP, §5.2.6 the table header,
 * §5.2.8 XSDT, §5.2.9 FADT, §5.2.12 MADT).
 *
 * Like fdt_read.c it reads one byte at a time (little-endian here): with the
 * MMU off the tables are Device memory, where an unaligned load faults.
 * Every structure must lie inside a range of the EFI memory map before a
 * byte of it is read, so a wild pointer in a table is a line, not an access
 * to an address where nothing answers.
 *
 * Pure code apart from vsnprintk(): it can be compiled natively.
 */
#include <stdbool.h>
#include <stdint.h>

#include "guest/acpi_read.h"
#include "guest/print.h"

/* UEFI: "IBI SYST", the header's CRC field, the fields we follow. */
#define EFI_SYSTAB_SIGNATURE  0x5453595320494249ULL
#define EFI_SYSTAB_MIN_SIZE   120U
#define EFI_HDR_SIZE_FIELD    12
#define EFI_HDR_CRC32	      16
#define EFI_SYSTAB_NR_TABLES  104
#define EFI_SYSTAB_CONFIG     112
#define EFI_CONFIG_ENTRY_SIZE 24U
#define EFI_MAX_CONFIG	      64U
#define EFI_MEMDESC_MIN_SIZE  40U
#define EFI_MAX_MEMDESC	      64U
#define EFI_CONVENTIONAL      7U
#define EFI_PAGE	      4096ULL

/* ACPI 6.5 */
#define RSDP_SIZE	   36U
#define RSDP_V1_SIZE	   20U
#define RSDP_REVISION	   15
#define RSDP_LENGTH	   20
#define RSDP_XSDT	   24
#define ACPI_HDR_SIZE	   36U
#define ACPI_MAX_TABLE	   0x100000U
#define FADT_ARM_BOOT_ARCH 129
#define ARM_BOOT_PSCI	   (1U << 0)
#define ARM_BOOT_HVC	   (1U << 1)
#define MADT_FIRST_ENTRY   44U
#define MADT_GICC	   0x0b
#define MADT_GICD	   0x0c
#define MADT_GICR	   0x0e
#define MADT_GIC_ITS	   0x0f
#define GICC_MIN_SIZE	   76U /* through the MPIDR at 68 */
#define GICC_FLAGS	   12
#define GICC_MPIDR	   68
#define GICC_ENABLED	   (1U << 0)
#define GICC_ONLINE_CAP	   (1U << 3)
#define GICD_SIZE	   24U
#define GICD_VERSION	   20
#define GICR_SIZE	   16U
#define ITS_SIZE	   20U
#define GICR_FRAME	   0x20000ULL /* RD_base + SGI_base per CPU */

/* {8868e871-e4f1-11d3-bc22-0080c73c8881} as its bytes in memory. */
static const uint8_t acpi_20_guid[16] = {0x71, 0xe8, 0x68, 0x88, 0xf1, 0xe4, 0xd3, 0x11,
					 0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81};

struct reader {
	const struct dt_info *dt;
	uintptr_t bias;
	struct machine_facts *info;
	struct why why;
};

static const uint8_t *at(const struct reader *r, uint64_t addr)
{
	return (const uint8_t *)(uintptr_t)(addr + r->bias);
}

static uint64_t le(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = v << 8 | p[bytes];
	return v;
}

static bool bytes_eq(const uint8_t *p, const void *want, unsigned int n)
{
	const uint8_t *w = want;

	for (unsigned int i = 0; i < n; i++) {
		if (p[i] != w[i])
			return false;
	}
	return true;
}

/* Is [addr, addr + len) inside one range of the EFI memory map? The map
 * itself was checked by read_mmap(). */
static bool in_map(const struct reader *r, uint64_t addr, uint64_t len)
{
	const struct dt_info *dt = r->dt;

	for (uint32_t off = 0; off < dt->efi_mmap_size; off += dt->efi_mmap_desc_size) {
		const uint8_t *d = at(r, dt->efi_mmap + off);
		uint64_t start = le(d + 8, 8), size = le(d + 24, 8) * EFI_PAGE;

		if (addr >= start && len <= size && addr - start <= size - len)
			return true;
	}
	return false;
}

/* The memory map's shape, and RAM: its first conventional memory. */
static int read_mmap(struct reader *r)
{
	const struct dt_info *dt = r->dt;
	uint32_t n;

	if (!dt->efi_mmap || dt->efi_mmap_desc_size < EFI_MEMDESC_MIN_SIZE ||
	    dt->efi_mmap_size % dt->efi_mmap_desc_size)
		return why_fail(
		    &r->why, "EFI memory map at 0x%llx: %u bytes of %u-byte descriptors",
		    (unsigned long long)dt->efi_mmap, dt->efi_mmap_size, dt->efi_mmap_desc_size);
	n = dt->efi_mmap_size / dt->efi_mmap_desc_size;
	if (n == 0 || n > EFI_MAX_MEMDESC)
		return why_fail(&r->why, "EFI memory map has %u descriptors (want 1 to %u)", n,
				EFI_MAX_MEMDESC);
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *d = at(r, dt->efi_mmap + (uint64_t)i * dt->efi_mmap_desc_size);
		uint64_t start = le(d + 8, 8), pages = le(d + 24, 8);

		if (pages > (UINT64_MAX - start) / EFI_PAGE)
			return why_fail(&r->why,
					"EFI memory descriptor %u (0x%llx, %llu pages) wraps", i,
					(unsigned long long)start, (unsigned long long)pages);
		if (le(d, 4) == EFI_CONVENTIONAL && !r->info->ram_size) {
			r->info->ram_base = start;
			r->info->ram_size = pages * EFI_PAGE;
		}
	}
	if (!in_map(r, dt->efi_mmap, dt->efi_mmap_size))
		return why_fail(&r->why,
				"the EFI memory map at 0x%llx is not in a range it describes",
				(unsigned long long)dt->efi_mmap);
	return 0;
}

/* UEFI §4.2's CRC-32 (IEEE 802.3, reflected) of len bytes at p, with the
 * header's CRC field read as zero. */
static uint32_t efi_header_crc(const uint8_t *p, uint32_t len)
{
	uint32_t crc = 0xffffffffU;

	for (uint32_t i = 0; i < len; i++) {
		crc ^= (i >= EFI_HDR_CRC32 && i < EFI_HDR_CRC32 + 4) ? 0 : p[i];
		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0xedb88320U & (0U - (crc & 1)));
	}
	return ~crc;
}

/* System table -> its configuration table -> the ACPI 2.0 entry's RSDP. */
static int find_rsdp(struct reader *r, uint64_t *rsdp)
{
	uint64_t st = r->dt->efi_systab, nr, cfg;
	const uint8_t *s = at(r, st);
	uint32_t size, crc;

	if (!in_map(r, st, EFI_SYSTAB_MIN_SIZE))
		return why_fail(&r->why, "EFI system table at 0x%llx is outside the EFI memory map",
				(unsigned long long)st);
	if (le(s, 8) != EFI_SYSTAB_SIGNATURE)
		return why_fail(&r->why, "EFI system table at 0x%llx: bad signature 0x%016llx",
				(unsigned long long)st, (unsigned long long)le(s, 8));
	size = (uint32_t)le(s + EFI_HDR_SIZE_FIELD, 4);
	if (size < EFI_SYSTAB_MIN_SIZE || size > ACPI_MAX_TABLE || !in_map(r, st, size))
		return why_fail(&r->why, "EFI system table header size %u", size);
	crc = efi_header_crc(s, size);
	if (crc != le(s + EFI_HDR_CRC32, 4))
		return why_fail(&r->why, "EFI system table CRC32 0x%08x, computed 0x%08x",
				(uint32_t)le(s + EFI_HDR_CRC32, 4), crc);
	nr = le(s + EFI_SYSTAB_NR_TABLES, 8);
	cfg = le(s + EFI_SYSTAB_CONFIG, 8);
	if (nr > EFI_MAX_CONFIG || !in_map(r, cfg, nr * EFI_CONFIG_ENTRY_SIZE))
		return why_fail(&r->why, "EFI configuration table: %llu entries at 0x%llx",
				(unsigned long long)nr, (unsigned long long)cfg);
	for (uint64_t i = 0; i < nr; i++) {
		const uint8_t *e = at(r, cfg + i * EFI_CONFIG_ENTRY_SIZE);

		if (bytes_eq(e, acpi_20_guid, sizeof(acpi_20_guid))) {
			*rsdp = le(e + 16, 8);
			return 0;
		}
	}
	return why_fail(&r->why, "no ACPI 2.0 table in the EFI configuration table (%llu entries)",
			(unsigned long long)nr);
}

static bool sum_ok(const uint8_t *p, uint32_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum = (uint8_t)(sum + *p++);
	return sum == 0;
}

/* An ACPI table at addr with the signature sig: its length, or 0 (why set). */
static uint32_t table(struct reader *r, uint64_t addr, const char *sig)
{
	const uint8_t *t = at(r, addr);
	uint32_t len;

	if (!in_map(r, addr, ACPI_HDR_SIZE)) {
		why_fail(&r->why, "%s at 0x%llx is outside the EFI memory map", sig,
			 (unsigned long long)addr);
		return 0;
	}
	len = (uint32_t)le(t + 4, 4);
	if (len < ACPI_HDR_SIZE || len > ACPI_MAX_TABLE || !in_map(r, addr, len)) {
		why_fail(&r->why, "%s at 0x%llx: length %u", sig, (unsigned long long)addr, len);
		return 0;
	}
	if (!sum_ok(t, len)) {
		why_fail(&r->why, "%s at 0x%llx: bad checksum", sig, (unsigned long long)addr);
		return 0;
	}
	return len;
}

/* RSDP (revision 2, both checksums) -> XSDT -> the FADT and the MADT. */
static int find_tables(struct reader *r, uint64_t rsdp, uint64_t *fadt, uint64_t *madt)
{
	const uint8_t *p = at(r, rsdp);
	uint64_t xsdt;
	uint32_t len, xlen;

	if (!in_map(r, rsdp, RSDP_SIZE))
		return why_fail(&r->why, "RSDP at 0x%llx is outside the EFI memory map",
				(unsigned long long)rsdp);
	len = (uint32_t)le(p + RSDP_LENGTH, 4);
	if (!bytes_eq(p, "RSD PTR ", 8) || p[RSDP_REVISION] < 2 || len < RSDP_SIZE ||
	    len > ACPI_MAX_TABLE || !in_map(r, rsdp, len))
		return why_fail(&r->why,
				"RSDP at 0x%llx: not an ACPI 2.0 RSDP (revision %u, length %u)",
				(unsigned long long)rsdp, p[RSDP_REVISION], len);
	if (!sum_ok(p, RSDP_V1_SIZE) || !sum_ok(p, len))
		return why_fail(&r->why, "RSDP at 0x%llx: bad checksum", (unsigned long long)rsdp);
	xsdt = le(p + RSDP_XSDT, 8);
	xlen = table(r, xsdt, "XSDT");
	if (!xlen)
		return -1;
	if (!bytes_eq(at(r, xsdt), "XSDT", 4) || (xlen - ACPI_HDR_SIZE) % 8)
		return why_fail(&r->why, "XSDT at 0x%llx: bad signature or length %u",
				(unsigned long long)xsdt, xlen);
	*fadt = *madt = 0;
	for (uint32_t off = ACPI_HDR_SIZE; off < xlen; off += 8) {
		uint64_t t = le(at(r, xsdt + off), 8);

		if (!in_map(r, t, ACPI_HDR_SIZE))
			return why_fail(&r->why, "XSDT entry 0x%llx is outside the EFI memory map",
					(unsigned long long)t);
		if (bytes_eq(at(r, t), "FACP", 4) && !*fadt)
			*fadt = t;
		else if (bytes_eq(at(r, t), "APIC", 4) && !*madt)
			*madt = t;
	}
	if (!*fadt || !*madt)
		return why_fail(&r->why, "the XSDT lists no %s",
				*fadt ? "MADT (APIC)" : "FADT (FACP)");
	return 0;
}

/* FADT: PSCI must be there; its conduit. */
static int read_fadt(struct reader *r, uint64_t fadt)
{
	uint32_t len = table(r, fadt, "FADT");
	uint32_t flags;

	if (!len)
		return -1;
	if (len < FADT_ARM_BOOT_ARCH + 2)
		return why_fail(&r->why, "FADT is %u bytes: no ARM boot flags", len);
	flags = (uint32_t)le(at(r, fadt + FADT_ARM_BOOT_ARCH), 2);
	if (!(flags & ARM_BOOT_PSCI))
		return why_fail(&r->why, "FADT ARM boot flags 0x%x: not PSCI compliant", flags);
	r->info->conduit = (flags & ARM_BOOT_HVC) ? CONDUIT_HVC : CONDUIT_SMC;
	return 0;
}

/* A GICC: a CPU if Enabled or Online Capable (the DT's every possible CPU). */
static int madt_gicc(struct reader *r, const uint8_t *e)
{
	struct machine_facts *info = r->info;
	uint64_t mpidr = le(e + GICC_MPIDR, 8);

	if (!(le(e + GICC_FLAGS, 4) & (GICC_ENABLED | GICC_ONLINE_CAP)))
		return 0;
	if (facts_add_cpu(info, mpidr))
		return why_fail(&r->why, "MADT: two GICCs have MPIDR 0x%llx",
				(unsigned long long)mpidr);
	return 0;
}

/* One MADT structure of len bytes at e. */
static int madt_entry(struct reader *r, const uint8_t *e, uint32_t len)
{
	struct machine_facts *info = r->info;
	static const uint32_t min_len[] = {
	    [MADT_GICC] = GICC_MIN_SIZE,
	    [MADT_GICD] = GICD_SIZE,
	    [MADT_GICR] = GICR_SIZE,
	    [MADT_GIC_ITS] = ITS_SIZE,
	};
	uint8_t type = e[0];

	if (type < MADT_GICC || type > MADT_GIC_ITS || !min_len[type])
		return 0;
	if (len < min_len[type])
		return why_fail(&r->why, "MADT structure type 0x%x is %u bytes, want at least %u",
				type, len, min_len[type]);
	switch (type) {
	case MADT_GICC:
		return madt_gicc(r, e);
	case MADT_GICD:
		if (info->gicd_base)
			return why_fail(&r->why, "MADT: more than one GICD");
		if (e[GICD_VERSION] != 3)
			return why_fail(&r->why, "MADT GICD: GIC version %u, want 3",
					e[GICD_VERSION]);
		info->gicd_base = le(e + 8, 8);
		return 0;
	case MADT_GICR:
		if (info->gicr_base)
			return why_fail(&r->why,
					"MADT: more than one GICR range (one is supported)");
		info->gicr_base = le(e + 4, 8);
		info->gicr_size = le(e + 12, 4);
		return 0;
	default: /* MADT_GIC_ITS */
		if (!info->its_base)
			info->its_base = le(e + 8, 8);
		return 0;
	}
}

static int read_madt(struct reader *r, uint64_t madt)
{
	struct machine_facts *info = r->info;
	uint32_t len = table(r, madt, "MADT");
	uint32_t off;

	if (!len)
		return -1;
	for (off = MADT_FIRST_ENTRY; off + 2 <= len;) {
		const uint8_t *e = at(r, madt + off);

		if (e[1] < 2 || e[1] > len - off)
			return why_fail(&r->why,
					"MADT structure at offset %u: length %u overruns the table",
					off, e[1]);
		if (madt_entry(r, e, e[1]))
			return -1;
		off += e[1];
	}
	if (off != len)
		return why_fail(&r->why, "MADT: %u stray bytes at its end", len - off);
	if (!info->gicd_base || !info->gicr_base || !info->nr_cpus)
		return why_fail(&r->why, "MADT has no %s",
				!info->gicd_base   ? "GICD"
				: !info->gicr_base ? "GICR range"
						   : "usable GICC");
	if (info->gicr_size / GICR_FRAME < info->nr_cpus_found)
		return why_fail(&r->why, "MADT GICR range of 0x%llx bytes is too small for %u CPUs",
				(unsigned long long)info->gicr_size, info->nr_cpus_found);
	return 0;
}

int acpi_read(const struct dt_info *dt, uintptr_t bias, struct machine_facts *info, char *why,
	      size_t why_size)
{
	struct reader r = {.dt = dt, .bias = bias, .info = info, .why = {why, why_size}};
	uint64_t rsdp = 0, fadt = 0, madt = 0;

	facts_init(info);
	if (why_size)
		why[0] = '\0';
	if (!dt->efi_systab)
		return why_fail(&r.why, "no linux,uefi-system-table in /chosen");
	if (read_mmap(&r) || find_rsdp(&r, &rsdp) || find_tables(&r, rsdp, &fadt, &madt) ||
	    read_fadt(&r, fadt) || read_madt(&r, madt))
		return -1;
	return 0;
}
