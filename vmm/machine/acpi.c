/*
 * ACPI and EFI hand-off data for a directly booted arm64 Linux (see acpi.h):
 * this file checks the machine and lays the blob out; the pieces are written
 * by acpi_efi.c (the EFI hand-off), acpi_tables.c (RSDP, XSDT, FADT, MADT,
 * GTDT, SPCR) and acpi_dsdt.c (the DSDT), with aml.c as the AML encoder.
 *
 * Linux finds it through the stub DT's /chosen "linux,uefi-*" properties
 * (drivers/firmware/efi/fdtparams.c): EFI system table -> configuration
 * table -> RSDP -> XSDT -> FADT/MADT/GTDT/SPCR, FADT -> DSDT.
 *
 * The blob, in the order it is laid out (each piece 16-byte aligned):
 *
 *   EFI system table | fw_vendor "vmm" (UTF-16) | configuration table (2)
 *   | EFI_RT_PROPERTIES_TABLE | EFI memory map | RSDP | XSDT | FADT | MADT
 *   | GTDT | SPCR | DSDT
 *
 * Every table is written byte by byte in little-endian order (no packed
 * structs: the offsets in acpi_internal.h are the spec's, and the host's
 * byte order and alignment rules do not matter), then its length and
 * checksum are filled in.
 */
#include <errno.h>
#include <string.h>

#include "vmm/machine/acpi.h"
#include "vmm/machine/acpi_internal.h"
#include "vmm/machine/aml.h"
#include "vmm/machine/guest_abi.h"
#include "vmm/machine/machine.h"

struct range {
	uint64_t base, size;
	const char *overlap_why;
};

static int ranges_overlap(const struct range *a, const struct range *b)
{
	return a->base < b->base + b->size && b->base < a->base + a->size;
}

static int wraps(uint64_t base, uint64_t size)
{
	return size == 0 || base + size - 1 < base;
}

static int validate_cpus(const struct machine *m, const bool *enabled, const char **why)
{
	unsigned int i, j, nr_enabled = 0;

	if (m->nr_cpus == 0)
		ACPI_FAIL(-EINVAL, "no vCPUs");
	if (m->nr_cpus > MACHINE_MAX_CPUS)
		ACPI_FAIL(-E2BIG, "more vCPUs than MACHINE_MAX_CPUS");
	if (!enabled)
		ACPI_FAIL(-EINVAL, "no enabled array");
	for (i = 0; i < m->nr_cpus; i++) {
		nr_enabled += enabled[i];
		for (j = 0; j < i; j++)
			if (((m->mpidrs[i] ^ m->mpidrs[j]) & MPIDR_AFF_MASK) == 0)
				ACPI_FAIL(-EINVAL, "two vCPUs with the same MPIDR affinity");
	}
	if (nr_enabled == 0)
		ACPI_FAIL(-EINVAL, "no vCPU enabled at boot");
	if (m->cpuhp_size < GUEST_CPUHP_OST(m->nr_cpus))
		ACPI_FAIL(-EINVAL, "CPU hotplug register block too small for the vCPUs");
	if (m->gicr_size / GICR_FRAME < m->nr_cpus)
		ACPI_FAIL(-EINVAL, "redistributor region too small for the vCPUs");
	if (m->gicr_size > UINT32_MAX)
		ACPI_FAIL(-EINVAL, "redistributor region larger than 4 GiB");
	return 0;
}

static int validate_irqs(const struct machine *m, const char **why)
{
	if (m->conduit != MACHINE_CONDUIT_HVC && m->conduit != MACHINE_CONDUIT_SMC)
		ACPI_FAIL(-EINVAL, "unknown PSCI conduit");
	if (m->uart_spi > GIC_MAX_SPI || m->ged_spi > GIC_MAX_SPI)
		ACPI_FAIL(-EINVAL, "SPI above 987 (INTID 1019)");
	if (m->uart_spi == m->ged_spi)
		ACPI_FAIL(-EINVAL, "UART and GED share one SPI");
	if (m->pmu_intid != 0 && (m->pmu_intid < 16 || m->pmu_intid > 31))
		ACPI_FAIL(-EINVAL, "PMU interrupt is not a PPI (INTID 16..31)");
	switch (m->pmu_intid) {
	case GTDT_TIMER_SEC_EL1:
	case GTDT_TIMER_NS_EL1:
	case GTDT_TIMER_VIRT_EL1:
	case GTDT_TIMER_NS_EL2:
		ACPI_FAIL(-EINVAL, "PMU interrupt is an arch timer PPI");
	}
	return 0;
}

static int validate_ranges(const struct machine *m, const char **why)
{
	struct range r[6];
	unsigned int n = 0, i, j;

	if (wraps(m->ram_base, m->ram_size))
		ACPI_FAIL(-EINVAL, "RAM empty or past 2^64");
	if ((m->ram_base | m->ram_size) & (PAGE_4K - 1))
		ACPI_FAIL(-EINVAL, "RAM not 4 KiB aligned");
	r[n++] = (struct range){m->ram_base, m->ram_size, NULL};
	if (wraps(m->acpi_base, m->acpi_size))
		ACPI_FAIL(-EINVAL, "ACPI region empty or past 2^64");
	if ((m->acpi_base | m->acpi_size) & (PAGE_4K - 1))
		ACPI_FAIL(-EINVAL, "ACPI region not 4 KiB aligned");
	r[n++] = (struct range){m->acpi_base, m->acpi_size, "ACPI region overlaps RAM"};
	if (wraps(m->uart_base, m->uart_size))
		ACPI_FAIL(-EINVAL, "UART range empty or past 2^64");
	if (m->uart_base + m->uart_size - 1 > UINT32_MAX)
		ACPI_FAIL(-EINVAL, "UART above 4 GiB (Memory32Fixed)");
	r[n++] = (struct range){m->uart_base, m->uart_size, "UART overlaps RAM or the ACPI region"};
	if (wraps(m->cpuhp_base, m->cpuhp_size))
		ACPI_FAIL(-EINVAL, "CPU hotplug block empty or past 2^64");
	r[n++] = (struct range){m->cpuhp_base, m->cpuhp_size,
				"CPU hotplug block overlaps another range"};
	if (wraps(m->gicd_base, GICD_SIZE) || wraps(m->gicr_base, m->gicr_size))
		ACPI_FAIL(-EINVAL, "GIC range past 2^64");
	r[n++] = (struct range){m->gicd_base, GICD_SIZE, "GIC distributor overlaps another range"};
	r[n++] =
	    (struct range){m->gicr_base, m->gicr_size, "GIC redistributors overlap another range"};
	/* Report the later of two overlapping ranges: its reason names it. */
	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (ranges_overlap(&r[i], &r[j]))
				ACPI_FAIL(-EINVAL, r[i].overlap_why);
	return 0;
}

static int validate(const struct machine *m, const bool *enabled, const char **why)
{
	int err;

	if (!m)
		ACPI_FAIL(-EINVAL, "no machine description");
	err = validate_cpus(m, enabled, why);
	if (!err)
		err = validate_irqs(m, why);
	if (!err)
		err = validate_ranges(m, why);
	return err;
}

static size_t place(size_t *cursor, size_t size)
{
	size_t at = ALIGN_UP(*cursor, 16);

	*cursor = at + size;
	return at;
}

static int make_plan(const struct machine *m, struct acpi_plan *p, const char **why)
{
	struct aml a;
	size_t c = 0;
	long aml_len;

	aml_init(&a, NULL, 0);
	acpi_emit_dsdt_body(&a, m);
	aml_len = aml_finish(&a);
	if (aml_len < 0)
		ACPI_FAIL((int)aml_len, "DSDT cannot be encoded");

	p->mmap_size = 2 * EFI_MEMDESC_SIZE; /* RAM and the ACPI region */
	p->xsdt_size = ACPI_HDR_SIZE + 8 * XSDT_ENTRIES;
	p->madt_size =
	    MADT_HDR_SIZE + MADT_GICD_SIZE + MADT_GICR_SIZE + (size_t)m->nr_cpus * MADT_GICC_SIZE;
	if (machine_has_its(m))
		p->madt_size += MADT_ITS_SIZE;
	p->dsdt_size = ACPI_HDR_SIZE + (size_t)aml_len;

	p->systab = place(&c, EFI_SYSTAB_SIZE);
	p->vendor = place(&c, EFI_FW_VENDOR_SIZE);
	p->config = place(&c, EFI_CONFIG_ENTRIES * EFI_CONFIG_ENTRY_SIZE);
	p->rtprop = place(&c, EFI_RT_PROPERTIES_SIZE);
	p->mmap = place(&c, p->mmap_size);
	p->rsdp = place(&c, RSDP_SIZE);
	p->xsdt = place(&c, p->xsdt_size);
	p->fadt = place(&c, FADT_SIZE);
	p->madt = place(&c, p->madt_size);
	p->gtdt = place(&c, GTDT_SIZE);
	p->spcr = place(&c, SPCR_SIZE);
	p->dsdt = place(&c, p->dsdt_size);
	p->len = c;
	p->need = c + AML_BUILD_SLACK;
	if (p->need > m->acpi_size)
		ACPI_FAIL(-E2BIG, "ACPI tables larger than their region");
	return 0;
}

/* Both entry points: check the description, then lay the blob out. */
static int validate_and_plan(const struct machine *m, const bool *enabled, struct acpi_plan *p,
			     const char **why)
{
	int err = validate(m, enabled, why);

	return err ? err : make_plan(m, p, why);
}

long acpi_build_size(const struct machine *m, const bool *enabled, const char **why)
{
	const char *dummy;
	struct acpi_plan p;
	int err;

	if (!why)
		why = &dummy;
	err = validate_and_plan(m, enabled, &p, why);
	return err ? err : (long)p.need;
}

static void fill_layout(struct acpi_layout *layout, uint64_t base, const struct acpi_plan *p)
{
	layout->len = p->len;
	layout->efi_system_table = base + p->systab;
	layout->mmap_start = base + p->mmap;
	layout->mmap_size = (uint32_t)p->mmap_size;
	layout->mmap_desc_size = EFI_MEMDESC_SIZE;
	layout->mmap_desc_ver = EFI_MEMORY_DESCRIPTOR_VERSION;
	layout->rsdp = base + p->rsdp;
	layout->xsdt = base + p->xsdt;
	layout->fadt = base + p->fadt;
	layout->madt = base + p->madt;
	layout->gtdt = base + p->gtdt;
	layout->spcr = base + p->spcr;
	layout->dsdt = base + p->dsdt;
}

int acpi_build(const struct machine *m, const bool *enabled, void *buf, size_t size,
	       struct acpi_layout *layout, const char **why)
{
	const char *dummy;
	struct acpi_plan p;
	uint8_t *b = buf;
	int err;

	if (!why)
		why = &dummy;
	*why = NULL;
	err = validate_and_plan(m, enabled, &p, why);
	if (err)
		return err;
	if (!buf || size < p.need)
		ACPI_FAIL(-ENOSPC, "buffer too small for the ACPI blob");

	memset(b, 0, p.need);
	acpi_write_efi(b, m, &p);
	acpi_write_mmap(b, m, &p);
	acpi_write_tables(b, m, enabled, &p);
	err = acpi_write_dsdt(b, m, &p);
	if (err)
		ACPI_FAIL(err, "DSDT emitter failed");
	if (layout)
		fill_layout(layout, m->acpi_base, &p);
	return 0;
}
