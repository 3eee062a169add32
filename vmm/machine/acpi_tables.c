/*
 * The fixed ACPI 6.5 tables: RSDP and XSDT (§5.2.5, §5.2.8), FADT (§5.2.9,
 * hardware-reduced, PSCI through HVC or SMC), MADT (§5.2.12: GICD, one GICR
 * region, the GIC ITS if there is one, a GICC per possible vCPU, Enabled or
 * Online Capable), GTDT
 * (§5.2.25, the arch timer PPIs) and SPCR (the 16550 console). Each is
 * written byte by byte at the spec's offsets, then checksummed.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vmm/machine/acpi_internal.h"
#include "vmm/machine/machine.h"

void acpi_put_header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put32(t + ACPI_HDR_LENGTH, len);
	t[ACPI_HDR_REVISION] = rev;
	memcpy(t + 10, ACPI_OEM_ID, 6);
	memcpy(t + 16, ACPI_OEM_TABLE_ID, 8);
	put32(t + 24, ACPI_OEM_REVISION);
	memcpy(t + 28, ACPI_CREATOR_ID, 4);
	put32(t + 32, ACPI_CREATOR_REV);
}

static void put_gas_mem8(uint8_t *p, uint64_t addr)
{
	p[0] = GAS_SYSTEM_MEMORY;
	p[1] = 8; /* register bit width */
	p[2] = 0; /* bit offset */
	p[3] = GAS_ACCESS_BYTE;
	put64(p + 4, addr);
}

static void write_rsdp_xsdt(uint8_t *b, const struct machine *m, const struct acpi_plan *p)
{
	uint8_t *r = b + p->rsdp, *x = b + p->xsdt;
	const size_t tables[XSDT_ENTRIES] = {p->fadt, p->madt, p->gtdt, p->spcr};
	unsigned int i;

	memcpy(r, "RSD PTR ", 8);
	memcpy(r + RSDP_OEM_ID, ACPI_OEM_ID, 6);
	r[RSDP_REVISION] = 2;
	put32(r + RSDP_LENGTH, RSDP_SIZE);
	put64(r + RSDP_XSDT, m->acpi_base + p->xsdt);
	fix_checksum(r, RSDP_V1_SIZE, RSDP_CHECKSUM);
	fix_checksum(r, RSDP_SIZE, RSDP_EXT_CHECKSUM);

	acpi_put_header(x, "XSDT", (uint32_t)p->xsdt_size, 1);
	for (i = 0; i < XSDT_ENTRIES; i++)
		put64(x + ACPI_HDR_SIZE + 8 * i, m->acpi_base + tables[i]);
	fix_checksum(x, p->xsdt_size, ACPI_HDR_CHECKSUM);
}

static void write_fadt(uint8_t *b, const struct machine *m, const struct acpi_plan *p)
{
	uint8_t *f = b + p->fadt;
	uint16_t boot = ARM_BOOT_PSCI_COMPLIANT;

	if (m->conduit == MACHINE_CONDUIT_HVC)
		boot |= ARM_BOOT_PSCI_USE_HVC;
	acpi_put_header(f, "FACP", FADT_SIZE, FADT_REVISION);
	/* Hardware-reduced (§4.1): no PM blocks, no SCI, no FACS. DSDT (the
	 * 32-bit field) stays 0 because X_DSDT is set (§5.2.9). */
	put32(f + FADT_FLAGS, FADT_HW_REDUCED_ACPI);
	put16(f + FADT_ARM_BOOT_ARCH, boot);
	f[FADT_MINOR_REVISION] = FADT_MINOR;
	put64(f + FADT_X_DSDT, m->acpi_base + p->dsdt);
	fix_checksum(f, FADT_SIZE, ACPI_HDR_CHECKSUM);
}

static void write_madt(uint8_t *b, const struct machine *m, const bool *enabled,
		       const struct acpi_plan *p)
{
	uint8_t *t = b + p->madt, *s;
	unsigned int i;

	acpi_put_header(t, "APIC", (uint32_t)p->madt_size, MADT_REVISION);
	/* Local Interrupt Controller Address and Flags (PCAT_COMPAT): 0 */
	s = t + MADT_HDR_SIZE;

	s[0] = MADT_GICD;
	s[1] = MADT_GICD_SIZE;
	put64(s + 8, m->gicd_base);
	s[20] = GICD_VERSION_V3;
	s += MADT_GICD_SIZE;

	/* One GICR structure for the whole region; the GICCs' GICR base
	 * stays 0 (per-GICC bases leave Linux unable to find the frames of
	 * CPUs that are not enabled at boot). */
	s[0] = MADT_GICR;
	s[1] = MADT_GICR_SIZE;
	put64(s + 4, m->gicr_base);
	put32(s + 12, (uint32_t)m->gicr_size);
	s += MADT_GICR_SIZE;

	/* §5.2.12.18: the ITS, ID 0 (what an IORT would name), its frame. */
	if (machine_has_its(m)) {
		s[0] = MADT_GIC_ITS;
		s[1] = MADT_ITS_SIZE;
		put32(s + 4, 0);
		put64(s + 8, m->its_base);
		s += MADT_ITS_SIZE;
	}

	for (i = 0; i < m->nr_cpus; i++, s += MADT_GICC_SIZE) {
		s[0] = MADT_GICC;
		s[1] = MADT_GICC_SIZE;
		/* CPU Interface Number: a GICv2 thing; §5.2.12.14 asks for 0
		 * on a GICv3 without legacy support, which KVM's vGICv3 is. */
		put32(s + 4, 0);
		put32(s + 8, i); /* ACPI Processor UID = the DSDT's _UID */
		put32(s + 12, enabled[i] ? GICC_ENABLED : GICC_ONLINE_CAP);
		put32(s + 20, m->pmu_intid); /* performance interrupt, level */
		put64(s + 68, m->mpidrs[i] & MPIDR_AFF_MASK);
	}
	fix_checksum(t, p->madt_size, ACPI_HDR_CHECKSUM);
}

static void write_gtdt(uint8_t *b, const struct acpi_plan *p)
{
	static const uint32_t gsiv[4] = {GTDT_TIMER_SEC_EL1, GTDT_TIMER_NS_EL1, GTDT_TIMER_VIRT_EL1,
					 GTDT_TIMER_NS_EL2};
	uint8_t *g = b + p->gtdt;
	unsigned int i;

	acpi_put_header(g, "GTDT", GTDT_SIZE, GTDT_REVISION);
	put64(g + 36, GTDT_NO_CNT_BASE);
	for (i = 0; i < ARRAY_SIZE(gsiv); i++) {
		put32(g + 48 + 8 * i, gsiv[i]);
		put32(g + 52 + 8 * i, GTDT_TIMER_FLAGS);
	}
	put64(g + 80, GTDT_NO_CNT_BASE);
	/* no platform (memory-mapped) timers; no virtual EL2 timer (96..103) */
	fix_checksum(g, GTDT_SIZE, ACPI_HDR_CHECKSUM);
}

static void write_spcr(uint8_t *b, const struct machine *m, const struct acpi_plan *p)
{
	uint8_t *s = b + p->spcr;

	acpi_put_header(s, "SPCR", SPCR_SIZE, SPCR_REVISION);
	s[36] = SPCR_16550;
	put_gas_mem8(s + 40, m->uart_base);
	s[52] = SPCR_IRQ_GIC;
	put32(s + 54, GIC_SPI_BASE + m->uart_spi);
	s[58] = SPCR_BAUD_115200;
	s[60] = 1; /* stop bits */
	s[62] = SPCR_TERMINAL_VT100;
	put16(s + 64, 0xffff); /* PCI Device ID: not a PCI device */
	put16(s + 66, 0xffff); /* PCI Vendor ID */
	put32(s + 76, m->uart_clock_hz);
	fix_checksum(s, SPCR_SIZE, ACPI_HDR_CHECKSUM);
}

void acpi_write_tables(uint8_t *b, const struct machine *m, const bool *enabled,
		       const struct acpi_plan *p)
{
	write_rsdp_xsdt(b, m, p);
	write_fadt(b, m, p);
	write_madt(b, m, enabled, p);
	write_gtdt(b, p);
	write_spcr(b, m, p);
}
