/*
 * ACPI and EFI hand-off data for a directly booted arm64 Linux (see acpi.h).
 *
 * Linux finds it through the stub DT's /chosen "linux,uefi-*" properties
 * (drivers/firmware/efi/fdtparams.c): EFI system table -> configuration
 * table -> RSDP -> XSDT -> FADT/MADT/GTDT/SPCR, FADT -> DSDT. The EFI
 * memory map is what lets the kernel map the tables at all (arm64's
 * acpi_os_ioremap refuses without one), and it must call the blob's own
 * region EfiACPIReclaimMemory, or early allocations overwrite the tables.
 *
 * The blob, in the order it is laid out (each piece 16-byte aligned):
 *
 *   EFI system table | fw_vendor "vmm" (UTF-16) | configuration table (2)
 *   | EFI_RT_PROPERTIES_TABLE | EFI memory map | RSDP | XSDT | FADT | MADT
 *   | GTDT | SPCR | DSDT
 *
 * Every table is written byte by byte in little-endian order (no packed
 * structs: the offsets below are the spec's, and the host's byte order and
 * alignment rules do not matter), then its length and checksum are filled
 * in.
 *
 * The DSDT is AML from a small emitter (vmm/machine/aml.c), not ASL compiled by
 * iasl at build time: it has one processor device per possible vCPU, and
 * the vCPU count, the register addresses and the interrupts are only known
 * at run time. A build-time DSDT would need either a fixed maximum of
 * devices (most of them dead) or patching of compiled AML, which is harder
 * to get right than emitting it. iasl still checks the result: the unit
 * tests disassemble the tables and compare with goldens.
 *
 * DSDT, in this order; vCPU n's device is named with three hex digits and
 * its register is GUEST_CPUHP_CPU(n):
 *
 *   Device (\_SB.COM0) { PNP0501, _CRS memory + level SPI }
 *   Device (\_SB.Cnnn) {                      processor, ACPI 6.5 §8.4
 *     _HID "ACPI0007", _UID n                 (= the MADT GICC's UID)
 *     OperationRegion (REGS, SystemMemory, reg, 4), Field { STAT, 32 }
 *     _STA: STAT & ENABLED ? 0xF : 0xD        present, enabled or not
 *     _EJ0: STAT = EJECTED                    the OS gave the vCPU up
 *     CEVT: INSERT? ack, Notify (1, device check);
 *           EJECT?  ack, Notify (3, eject request)
 *   }
 *   Device (\_SB.GED0) { _HID "ACPI0013", _CRS edge SPI, _EVT: every CEVT }
 *
 * The acknowledge is written before the Notify, so an event the VMM posts
 * while the OS handles the previous one raises the line again instead of
 * being lost.
 */
#include <errno.h>
#include <string.h>

#include "vmm/machine/acpi.h"
#include "vmm/machine/aml.h"
#include "vmm/machine/guest_abi.h"

#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((size_t)(a)-1))
#define ARRAY_SIZE(a)  (sizeof(a) / sizeof((a)[0]))

#define PAGE_4K	       0x1000ULL
#define GICD_SIZE      0x10000ULL /* GICv3 distributor frame */
#define GICR_FRAME     0x20000ULL /* RD_base + SGI_base per vCPU */
#define GIC_SPI_BASE   32
#define GIC_MAX_SPI    (1019 - GIC_SPI_BASE)
#define MPIDR_AFF_MASK 0xff00ffffffULL

/* ---- EFI (UEFI 2.10) ---- */

/* §4.3.1 EFI_SYSTEM_TABLE: "IBI SYST", revision 2.70, 120 bytes on 64-bit. */
#define EFI_SYSTEM_TABLE_SIGNATURE 0x5453595320494249ULL
#define EFI_SYSTEM_TABLE_REVISION  ((2U << 16) | 70U)
#define EFI_SYSTAB_SIZE		   120
#define EFI_SYSTAB_CRC32	   16  /* u32 in EFI_TABLE_HEADER */
#define EFI_SYSTAB_FW_VENDOR	   24  /* CHAR16 * */
#define EFI_SYSTAB_FW_REVISION	   32  /* u32 */
#define EFI_SYSTAB_RUNTIME	   88  /* EFI_RUNTIME_SERVICES *: none */
#define EFI_SYSTAB_BOOT		   96  /* EFI_BOOT_SERVICES *: none */
#define EFI_SYSTAB_NR_TABLES	   104 /* UINTN */
#define EFI_SYSTAB_CONFIG	   112 /* EFI_CONFIGURATION_TABLE * */

/* §4.6 EFI_CONFIGURATION_TABLE: EFI_GUID, then VOID *VendorTable. */
#define EFI_CONFIG_ENTRY_SIZE 24
#define EFI_CONFIG_ENTRIES    2

/* §4.6.2 EFI_RT_PROPERTIES_TABLE: u16 version 1, u16 length 8, u32
 * RuntimeServicesSupported: 0, so Linux calls no runtime service. */
#define EFI_RT_PROPERTIES_SIZE	  8
#define EFI_RT_PROPERTIES_VERSION 1

/* §7.2 EFI_MEMORY_DESCRIPTOR, version 1: Type u32, pad, PhysicalStart,
 * VirtualStart, NumberOfPages, Attribute. */
#define EFI_MEMORY_DESCRIPTOR_VERSION 1
#define EFI_MEMDESC_SIZE	      40
#define EFI_CONVENTIONAL_MEMORY	      7
#define EFI_ACPI_RECLAIM_MEMORY	      9
#define EFI_MEMORY_WB		      0x8ULL

static const char fw_vendor[] = "vmm";

/* GUIDs as their bytes in memory (the first three fields little-endian). */
static const uint8_t acpi_20_table_guid[16] = {
    /* 8868e871-e4f1-11d3-bc22-0080c73c8881 */
    0x71, 0xe8, 0x68, 0x88, 0xf1, 0xe4, 0xd3, 0x11, 0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81,
};
static const uint8_t rt_properties_table_guid[16] = {
    /* eb66918a-7eef-402a-842e-931d21c38ae9 */
    0x8a, 0x91, 0x66, 0xeb, 0xef, 0x7e, 0x2a, 0x40, 0x84, 0x2e, 0x93, 0x1d, 0x21, 0xc3, 0x8a, 0xe9,
};

/* ---- ACPI 6.5 ---- */

/* §5.2.6 System Description Table Header */
#define ACPI_HDR_SIZE	  36
#define ACPI_HDR_LENGTH	  4
#define ACPI_HDR_REVISION 8
#define ACPI_HDR_CHECKSUM 9
#define ACPI_OEM_ID	  "VMM   "
#define ACPI_OEM_TABLE_ID "VMM-VIRT"
#define ACPI_OEM_REVISION 1
#define ACPI_CREATOR_ID	  "VMM "
#define ACPI_CREATOR_REV  1

/* §5.2.5.3 RSDP, revision 2: checksum over the first 20 bytes, extended
 * checksum over all 36. */
#define RSDP_SIZE	  36
#define RSDP_V1_SIZE	  20
#define RSDP_CHECKSUM	  8
#define RSDP_OEM_ID	  9
#define RSDP_REVISION	  15
#define RSDP_LENGTH	  20
#define RSDP_XSDT	  24
#define RSDP_EXT_CHECKSUM 32

/* §5.2.8 XSDT: the header, then 64-bit table addresses. */
#define XSDT_ENTRIES 4 /* FADT, MADT, GTDT, SPCR */

/* §5.2.9 FADT, revision 6, minor 5 (ACPI 6.5): 276 bytes. */
#define FADT_SIZE		276
#define FADT_REVISION		6
#define FADT_FLAGS		112
#define FADT_ARM_BOOT_ARCH	129
#define FADT_MINOR_REVISION	131
#define FADT_X_DSDT		140
#define FADT_MINOR		5
#define FADT_HW_REDUCED_ACPI	(1U << 20)
#define ARM_BOOT_PSCI_COMPLIANT (1U << 0) /* Table 5.11 */
#define ARM_BOOT_PSCI_USE_HVC	(1U << 1)

/* §5.2.12 MADT, revision 6 (ACPI 6.5: GICC Online Capable). */
#define MADT_REVISION	6
#define MADT_HDR_SIZE	44 /* + Local Interrupt Controller Address, Flags */
#define MADT_GICC	0x0b
#define MADT_GICD	0x0c
#define MADT_GICR	0x0e
#define MADT_GICC_SIZE	82 /* §5.2.12.14, with the 6.5 TRBE interrupt */
#define MADT_GICD_SIZE	24 /* §5.2.12.15 */
#define MADT_GICR_SIZE	16 /* §5.2.12.17 */
#define GICC_ENABLED	(1U << 0)
#define GICC_ONLINE_CAP (1U << 3)
#define GICD_VERSION_V3 3

/* §5.2.25 GTDT, revision 3: 104 bytes. The arch timer PPIs as INTIDs
 * (the DT's PPI numbers + 16), level-triggered, active low, always on. */
#define GTDT_REVISION	    3
#define GTDT_SIZE	    104
#define GTDT_TIMER_SEC_EL1  29
#define GTDT_TIMER_NS_EL1   30
#define GTDT_TIMER_VIRT_EL1 27
#define GTDT_TIMER_NS_EL2   26
#define GTDT_ACTIVE_LOW	    (1U << 1)
#define GTDT_ALWAYS_ON	    (1U << 2)
#define GTDT_TIMER_FLAGS    (GTDT_ACTIVE_LOW | GTDT_ALWAYS_ON)
#define GTDT_NO_CNT_BASE    0xffffffffffffffffULL /* no memory-mapped counter */

/* SPCR (Microsoft "Serial Port Console Redirection Table" 1.08),
 * revision 3: the UART clock in the formerly reserved word at 76. */
#define SPCR_REVISION	    3
#define SPCR_SIZE	    80
#define SPCR_16550	    0x00 /* Interface Type: full 16550 */
#define SPCR_IRQ_GIC	    (1U << 3)
#define SPCR_BAUD_115200    7
#define SPCR_TERMINAL_VT100 0

/* §5.2.3.2 Generic Address Structure */
#define GAS_SYSTEM_MEMORY 0
#define GAS_ACCESS_BYTE	  1

/* DSDT revision 2: 64-bit AML integers (§5.2.11.1). */
#define DSDT_REVISION 2

/* §6.4.3 large resource descriptors */
#define RES_MEMORY32_FIXED   0x86
#define RES_EXT_IRQ	     0x89
#define RES_EXT_IRQ_CONSUMER (1U << 0)
#define RES_EXT_IRQ_EDGE     (1U << 1)

/* ACPI 6.5 §5.6.6: Notify values for device objects */
#define NOTIFY_DEVICE_CHECK  1
#define NOTIFY_EJECT_REQUEST 3

/* _STA bits (§6.3.7): present, enabled, shown in UI, functioning. */
#define STA_ENABLED_CPU	 0xf
#define STA_DISABLED_CPU 0xd

/* ---- little-endian writers ---- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint8_t sum8(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* Make the len bytes at p sum to zero by setting p[at]. */
static void fix_checksum(uint8_t *p, size_t len, size_t at)
{
	p[at] = 0;
	p[at] = (uint8_t)(0x100 - sum8(p, len));
}

/* CRC-32 as UEFI computes it (§4.2: the IEEE 802.3 polynomial, reflected,
 * initial value and final XOR all ones). */
static uint32_t crc32_ieee(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xffffffffU;
	int bit;

	while (len--) {
		crc ^= *p++;
		for (bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0xedb88320U & (0U - (crc & 1)));
	}
	return ~crc;
}

static void put_acpi_header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
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

/* ---- validation ---- */

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

#define FAIL(err, reason)                                                                          \
	do {                                                                                       \
		*why = (reason);                                                                   \
		return (err);                                                                      \
	} while (0)

static int validate_cpus(const struct acpi_desc *d, const char **why)
{
	unsigned int i, j, enabled = 0;

	if (d->nr_cpus == 0)
		FAIL(-EINVAL, "no vCPUs");
	if (d->nr_cpus > ACPI_MAX_CPUS)
		FAIL(-E2BIG, "more vCPUs than ACPI device names (4096)");
	if (!d->mpidrs || !d->enabled)
		FAIL(-EINVAL, "no MPIDR or enabled array");
	for (i = 0; i < d->nr_cpus; i++) {
		enabled += d->enabled[i];
		for (j = 0; j < i; j++)
			if (((d->mpidrs[i] ^ d->mpidrs[j]) & MPIDR_AFF_MASK) == 0)
				FAIL(-EINVAL, "two vCPUs with the same MPIDR affinity");
	}
	if (enabled == 0)
		FAIL(-EINVAL, "no vCPU enabled at boot");
	if (d->cpuhp_size < GUEST_CPUHP_CPU(d->nr_cpus))
		FAIL(-EINVAL, "CPU hotplug register block too small for the vCPUs");
	if (d->gicr_size / GICR_FRAME < d->nr_cpus)
		FAIL(-EINVAL, "redistributor region too small for the vCPUs");
	if (d->gicr_size > UINT32_MAX)
		FAIL(-EINVAL, "redistributor region larger than 4 GiB");
	return 0;
}

static int validate_irqs(const struct acpi_desc *d, const char **why)
{
	if (d->psci_conduit != ACPI_PSCI_HVC && d->psci_conduit != ACPI_PSCI_SMC)
		FAIL(-EINVAL, "unknown PSCI conduit");
	if (d->uart_spi > GIC_MAX_SPI || d->ged_spi > GIC_MAX_SPI)
		FAIL(-EINVAL, "SPI above 987 (INTID 1019)");
	if (d->uart_spi == d->ged_spi)
		FAIL(-EINVAL, "UART and GED share one SPI");
	if (d->pmu_intid != 0 && (d->pmu_intid < 16 || d->pmu_intid > 31))
		FAIL(-EINVAL, "PMU interrupt is not a PPI (INTID 16..31)");
	switch (d->pmu_intid) {
	case GTDT_TIMER_SEC_EL1:
	case GTDT_TIMER_NS_EL1:
	case GTDT_TIMER_VIRT_EL1:
	case GTDT_TIMER_NS_EL2:
		FAIL(-EINVAL, "PMU interrupt is an arch timer PPI");
	}
	return 0;
}

static int validate_ranges(const struct acpi_desc *d, const char **why)
{
	struct range r[ACPI_MAX_RAM_BANKS + 5];
	unsigned int n = 0, i, j;

	if (d->nr_ram_banks == 0 || !d->ram_banks)
		FAIL(-EINVAL, "no RAM");
	if (d->nr_ram_banks > ACPI_MAX_RAM_BANKS)
		FAIL(-E2BIG, "too many RAM banks");
	for (i = 0; i < d->nr_ram_banks; i++) {
		const struct acpi_ram_bank *b = &d->ram_banks[i];

		if (wraps(b->base, b->size))
			FAIL(-EINVAL, "RAM bank empty or past 2^64");
		if ((b->base | b->size) & (PAGE_4K - 1))
			FAIL(-EINVAL, "RAM bank not 4 KiB aligned");
		r[n++] = (struct range){b->base, b->size, "RAM banks overlap each other"};
	}
	if (wraps(d->region_base, d->region_size))
		FAIL(-EINVAL, "ACPI region empty or past 2^64");
	if ((d->region_base | d->region_size) & (PAGE_4K - 1))
		FAIL(-EINVAL, "ACPI region not 4 KiB aligned");
	r[n++] = (struct range){d->region_base, d->region_size, "ACPI region overlaps RAM"};
	if (wraps(d->uart_base, d->uart_size))
		FAIL(-EINVAL, "UART range empty or past 2^64");
	if (d->uart_base + d->uart_size - 1 > UINT32_MAX)
		FAIL(-EINVAL, "UART above 4 GiB (Memory32Fixed)");
	r[n++] = (struct range){d->uart_base, d->uart_size, "UART overlaps RAM or the ACPI region"};
	if (wraps(d->cpuhp_base, d->cpuhp_size))
		FAIL(-EINVAL, "CPU hotplug block empty or past 2^64");
	r[n++] = (struct range){d->cpuhp_base, d->cpuhp_size,
				"CPU hotplug block overlaps another range"};
	if (wraps(d->gicd_base, GICD_SIZE) || wraps(d->gicr_base, d->gicr_size))
		FAIL(-EINVAL, "GIC range past 2^64");
	r[n++] = (struct range){d->gicd_base, GICD_SIZE, "GIC distributor overlaps another range"};
	r[n++] =
	    (struct range){d->gicr_base, d->gicr_size, "GIC redistributors overlap another range"};
	/* Report the later of two overlapping ranges: its reason names it. */
	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (ranges_overlap(&r[i], &r[j]))
				FAIL(-EINVAL, r[i].overlap_why);
	return 0;
}

static int validate(const struct acpi_desc *d, const char **why)
{
	int err;

	if (!d)
		FAIL(-EINVAL, "no description");
	err = validate_cpus(d, why);
	if (!err)
		err = validate_irqs(d, why);
	if (!err)
		err = validate_ranges(d, why);
	return err;
}

/* ---- DSDT ---- */

static void cpu_name(char *buf, const char *prefix, unsigned int n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t p = strlen(prefix);

	memcpy(buf, prefix, p);
	buf[p] = 'C';
	buf[p + 1] = hex[(n >> 8) & 0xf];
	buf[p + 2] = hex[(n >> 4) & 0xf];
	buf[p + 3] = hex[n & 0xf];
	buf[p + 4] = '\0';
}

static void emit_u16(struct aml *a, uint16_t v)
{
	aml_byte(a, (uint8_t)v);
	aml_byte(a, (uint8_t)(v >> 8));
}

static void emit_u32(struct aml *a, uint32_t v)
{
	emit_u16(a, (uint16_t)v);
	emit_u16(a, (uint16_t)(v >> 16));
}

/* Extended Interrupt Descriptor (§6.4.3.6), one interrupt, exclusive. */
static void emit_res_irq(struct aml *a, uint32_t intid, int edge)
{
	aml_byte(a, RES_EXT_IRQ);
	emit_u16(a, 6); /* flags, table length, one u32 */
	aml_byte(a, (uint8_t)(RES_EXT_IRQ_CONSUMER | (edge ? RES_EXT_IRQ_EDGE : 0)));
	aml_byte(a, 1);
	emit_u32(a, intid);
}

static void emit_res_end(struct aml *a)
{
	aml_byte(a, AML_RES_END);
	aml_byte(a, 0); /* checksum 0: "treat as correct" (§6.4.2.9) */
}

/* if (And (src, bit)) { ... }: leaves the If open. */
static void emit_if_bit(struct aml *a, uint8_t src_op, const char *src_name, uint32_t bit)
{
	aml_if_begin(a);
	aml_byte(a, AML_AND);
	if (src_name)
		aml_name(a, src_name);
	else
		aml_byte(a, src_op);
	aml_int(a, bit);
	aml_byte(a, AML_ZERO); /* no Target */
}

static void emit_store_stat(struct aml *a, uint32_t v)
{
	aml_byte(a, AML_STORE);
	aml_int(a, v);
	aml_name(a, "STAT");
}

static void emit_notify(struct aml *a, const char *path, uint32_t v)
{
	aml_byte(a, AML_NOTIFY);
	aml_name(a, path);
	aml_int(a, v);
}

static void emit_uart(struct aml *a, const struct acpi_desc *d)
{
	aml_device_begin(a, "COM0");
	aml_name_decl(a, "_HID");
	aml_eisaid(a, "PNP0501"); /* 16550A-compatible COM port */
	aml_name_decl(a, "_UID");
	aml_int(a, 0);
	aml_name_decl(a, "_CRS");
	aml_buffer_begin(a);
	/* Memory32Fixed (ReadWrite, base, size) (§6.4.3.4) */
	aml_byte(a, RES_MEMORY32_FIXED);
	emit_u16(a, 9);
	aml_byte(a, 1); /* read/write */
	emit_u32(a, (uint32_t)d->uart_base);
	emit_u32(a, (uint32_t)d->uart_size);
	emit_res_irq(a, GIC_SPI_BASE + d->uart_spi, 0);
	emit_res_end(a);
	aml_end(a);
	aml_end(a);
}

static void emit_cpu(struct aml *a, const struct acpi_desc *d, unsigned int n)
{
	char name[8], path[16];

	cpu_name(name, "", n);
	cpu_name(path, "\\_SB.", n);
	aml_device_begin(a, name);
	aml_name_decl(a, "_HID");
	aml_string(a, "ACPI0007");
	aml_name_decl(a, "_UID");
	aml_int(a, n);
	aml_opregion_mem(a, "REGS", d->cpuhp_base + GUEST_CPUHP_CPU(n), 4);
	aml_field_dword(a, "REGS", "STAT");

	/* _STA: If (STAT & ENABLED) { Return (0xF) } Return (0xD) */
	aml_method_begin(a, "_STA", 0, 0);
	emit_if_bit(a, 0, "STAT", GUEST_CPUHP_ENABLED);
	aml_byte(a, AML_RETURN);
	aml_int(a, STA_ENABLED_CPU);
	aml_end(a);
	aml_byte(a, AML_RETURN);
	aml_int(a, STA_DISABLED_CPU);
	aml_end(a);

	/* _EJ0 (Arg0: lock, unused): STAT = EJECTED (§6.3.3) */
	aml_method_begin(a, "_EJ0", 1, 0);
	emit_store_stat(a, GUEST_CPUHP_EJECTED);
	aml_end(a);

	/* CEVT: read once, acknowledge each event, then notify it. */
	aml_method_begin(a, "CEVT", 0, 0);
	aml_byte(a, AML_STORE);
	aml_name(a, "STAT");
	aml_byte(a, AML_LOCAL0);
	emit_if_bit(a, AML_LOCAL0, NULL, GUEST_CPUHP_INSERT);
	emit_store_stat(a, GUEST_CPUHP_INSERT);
	emit_notify(a, path, NOTIFY_DEVICE_CHECK);
	aml_end(a);
	emit_if_bit(a, AML_LOCAL0, NULL, GUEST_CPUHP_EJECT);
	emit_store_stat(a, GUEST_CPUHP_EJECT);
	emit_notify(a, path, NOTIFY_EJECT_REQUEST);
	aml_end(a);
	aml_end(a);

	aml_end(a);
}

/* Generic Event Device (§5.6.9): its one interrupt runs _EVT (Arg0 = the
 * GSIV), which polls every vCPU's register. */
static void emit_ged(struct aml *a, const struct acpi_desc *d)
{
	char path[24];
	unsigned int n;

	aml_device_begin(a, "GED0");
	aml_name_decl(a, "_HID");
	aml_string(a, "ACPI0013");
	aml_name_decl(a, "_UID");
	aml_int(a, 0);
	aml_name_decl(a, "_CRS");
	aml_buffer_begin(a);
	emit_res_irq(a, GIC_SPI_BASE + d->ged_spi, 1);
	emit_res_end(a);
	aml_end(a);
	aml_method_begin(a, "_EVT", 1, 0);
	for (n = 0; n < d->nr_cpus; n++) {
		cpu_name(path, "\\_SB.", n);
		strcat(path, ".CEVT");
		aml_name(a, path); /* MethodInvocation, no arguments */
	}
	aml_end(a);
	aml_end(a);
}

static void emit_dsdt_body(struct aml *a, const struct acpi_desc *d)
{
	unsigned int n;

	aml_scope_begin(a, "\\_SB");
	emit_uart(a, d);
	for (n = 0; n < d->nr_cpus; n++)
		emit_cpu(a, d, n);
	emit_ged(a, d);
	aml_end(a);
}

/* ---- layout ---- */

struct plan {
	size_t systab, vendor, config, rtprop, mmap, rsdp, xsdt, fadt, madt, gtdt, spcr, dsdt;
	size_t len;  /* the blob */
	size_t need; /* the buffer: the blob + the emitter's working space */
	size_t mmap_size, xsdt_size, madt_size, dsdt_size;
};

static size_t place(size_t *cursor, size_t size)
{
	size_t at = ALIGN_UP(*cursor, 16);

	*cursor = at + size;
	return at;
}

static int make_plan(const struct acpi_desc *d, struct plan *p, const char **why)
{
	struct aml a;
	size_t c = 0;
	long aml_len;

	aml_init(&a, NULL, 0);
	emit_dsdt_body(&a, d);
	aml_len = aml_finish(&a);
	if (aml_len < 0)
		FAIL((int)aml_len, "DSDT cannot be encoded");

	p->mmap_size = (size_t)(d->nr_ram_banks + 1) * EFI_MEMDESC_SIZE;
	p->xsdt_size = ACPI_HDR_SIZE + 8 * XSDT_ENTRIES;
	p->madt_size =
	    MADT_HDR_SIZE + MADT_GICD_SIZE + MADT_GICR_SIZE + (size_t)d->nr_cpus * MADT_GICC_SIZE;
	p->dsdt_size = ACPI_HDR_SIZE + (size_t)aml_len;

	p->systab = place(&c, EFI_SYSTAB_SIZE);
	p->vendor = place(&c, 2 * sizeof(fw_vendor));
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
	if (p->need > d->region_size)
		FAIL(-E2BIG, "ACPI tables larger than their region");
	return 0;
}

/* ---- writers ---- */

static void write_efi(uint8_t *b, const struct acpi_desc *d, const struct plan *p)
{
	uint8_t *st = b + p->systab, *cfg = b + p->config;
	uint64_t base = d->region_base;
	size_t i;

	/* fw_vendor: the kernel maps and prints it (efi_systab_report_header) */
	for (i = 0; i < sizeof(fw_vendor); i++)
		put16(b + p->vendor + 2 * i, (uint16_t)fw_vendor[i]);

	memcpy(cfg, acpi_20_table_guid, 16);
	put64(cfg + 16, base + p->rsdp);
	memcpy(cfg + EFI_CONFIG_ENTRY_SIZE, rt_properties_table_guid, 16);
	put64(cfg + EFI_CONFIG_ENTRY_SIZE + 16, base + p->rtprop);

	put16(b + p->rtprop, EFI_RT_PROPERTIES_VERSION);
	put16(b + p->rtprop + 2, EFI_RT_PROPERTIES_SIZE);
	put32(b + p->rtprop + 4, 0);

	put64(st, EFI_SYSTEM_TABLE_SIGNATURE);
	put32(st + 8, EFI_SYSTEM_TABLE_REVISION);
	put32(st + 12, EFI_SYSTAB_SIZE);
	put64(st + EFI_SYSTAB_FW_VENDOR, base + p->vendor);
	put32(st + EFI_SYSTAB_FW_REVISION, 1);
	put64(st + EFI_SYSTAB_RUNTIME, 0);
	put64(st + EFI_SYSTAB_BOOT, 0);
	put64(st + EFI_SYSTAB_NR_TABLES, EFI_CONFIG_ENTRIES);
	put64(st + EFI_SYSTAB_CONFIG, base + p->config);
	/* §4.2: the CRC covers HeaderSize bytes with the CRC field zero. */
	put32(st + EFI_SYSTAB_CRC32, 0);
	put32(st + EFI_SYSTAB_CRC32, crc32_ieee(st, EFI_SYSTAB_SIZE));
}

static void put_memdesc(uint8_t *m, uint32_t type, uint64_t base, uint64_t size)
{
	put32(m, type);
	put64(m + 8, base);
	put64(m + 16, 0); /* VirtualStart: never SetVirtualAddressMap'd */
	put64(m + 24, size / PAGE_4K);
	put64(m + 32, EFI_MEMORY_WB);
}

/* The descriptors in ascending address order, as firmware hands them over. */
static void write_mmap(uint8_t *b, const struct acpi_desc *d, const struct plan *p)
{
	unsigned int n = d->nr_ram_banks + 1, i, j, done = 0;
	uint64_t last = 0;

	for (i = 0; i < n; i++) {
		/* pick the lowest range above the previous one (ranges are
		 * disjoint, so bases are distinct) */
		unsigned int best = n;
		uint64_t best_base = 0;

		for (j = 0; j < n; j++) {
			uint64_t jb = j < d->nr_ram_banks ? d->ram_banks[j].base : d->region_base;

			if (done && jb <= last)
				continue;
			if (best == n || jb < best_base) {
				best = j;
				best_base = jb;
			}
		}
		if (best < d->nr_ram_banks)
			put_memdesc(b + p->mmap + (size_t)i * EFI_MEMDESC_SIZE,
				    EFI_CONVENTIONAL_MEMORY, best_base, d->ram_banks[best].size);
		else
			put_memdesc(b + p->mmap + (size_t)i * EFI_MEMDESC_SIZE,
				    EFI_ACPI_RECLAIM_MEMORY, best_base, d->region_size);
		last = best_base;
		done = 1;
	}
}

static void write_rsdp_xsdt(uint8_t *b, const struct acpi_desc *d, const struct plan *p)
{
	uint8_t *r = b + p->rsdp, *x = b + p->xsdt;
	const size_t tables[XSDT_ENTRIES] = {p->fadt, p->madt, p->gtdt, p->spcr};
	unsigned int i;

	memcpy(r, "RSD PTR ", 8);
	memcpy(r + RSDP_OEM_ID, ACPI_OEM_ID, 6);
	r[RSDP_REVISION] = 2;
	put32(r + RSDP_LENGTH, RSDP_SIZE);
	put64(r + RSDP_XSDT, d->region_base + p->xsdt);
	fix_checksum(r, RSDP_V1_SIZE, RSDP_CHECKSUM);
	fix_checksum(r, RSDP_SIZE, RSDP_EXT_CHECKSUM);

	put_acpi_header(x, "XSDT", (uint32_t)p->xsdt_size, 1);
	for (i = 0; i < XSDT_ENTRIES; i++)
		put64(x + ACPI_HDR_SIZE + 8 * i, d->region_base + tables[i]);
	fix_checksum(x, p->xsdt_size, ACPI_HDR_CHECKSUM);
}

static void write_fadt(uint8_t *b, const struct acpi_desc *d, const struct plan *p)
{
	uint8_t *f = b + p->fadt;
	uint16_t boot = ARM_BOOT_PSCI_COMPLIANT;

	if (d->psci_conduit == ACPI_PSCI_HVC)
		boot |= ARM_BOOT_PSCI_USE_HVC;
	put_acpi_header(f, "FACP", FADT_SIZE, FADT_REVISION);
	/* Hardware-reduced (§4.1): no PM blocks, no SCI, no FACS. DSDT (the
	 * 32-bit field) stays 0 because X_DSDT is set (§5.2.9). */
	put32(f + FADT_FLAGS, FADT_HW_REDUCED_ACPI);
	put16(f + FADT_ARM_BOOT_ARCH, boot);
	f[FADT_MINOR_REVISION] = FADT_MINOR;
	put64(f + FADT_X_DSDT, d->region_base + p->dsdt);
	fix_checksum(f, FADT_SIZE, ACPI_HDR_CHECKSUM);
}

static void write_madt(uint8_t *b, const struct acpi_desc *d, const struct plan *p)
{
	uint8_t *m = b + p->madt, *s;
	unsigned int i;

	put_acpi_header(m, "APIC", (uint32_t)p->madt_size, MADT_REVISION);
	/* Local Interrupt Controller Address and Flags (PCAT_COMPAT): 0 */
	s = m + MADT_HDR_SIZE;

	s[0] = MADT_GICD;
	s[1] = MADT_GICD_SIZE;
	put64(s + 8, d->gicd_base);
	s[20] = GICD_VERSION_V3;
	s += MADT_GICD_SIZE;

	/* One GICR structure for the whole region; the GICCs' GICR base
	 * stays 0 (per-GICC bases leave Linux unable to find the frames of
	 * CPUs that are not enabled at boot). */
	s[0] = MADT_GICR;
	s[1] = MADT_GICR_SIZE;
	put64(s + 4, d->gicr_base);
	put32(s + 12, (uint32_t)d->gicr_size);
	s += MADT_GICR_SIZE;

	for (i = 0; i < d->nr_cpus; i++, s += MADT_GICC_SIZE) {
		s[0] = MADT_GICC;
		s[1] = MADT_GICC_SIZE;
		put32(s + 4, i); /* CPU Interface Number (GICv2 only) */
		put32(s + 8, i); /* ACPI Processor UID = the DSDT's _UID */
		put32(s + 12, d->enabled[i] ? GICC_ENABLED : GICC_ONLINE_CAP);
		put32(s + 20, d->pmu_intid); /* performance interrupt, level */
		put64(s + 68, d->mpidrs[i] & MPIDR_AFF_MASK);
	}
	fix_checksum(m, p->madt_size, ACPI_HDR_CHECKSUM);
}

static void write_gtdt(uint8_t *b, const struct plan *p)
{
	static const uint32_t gsiv[4] = {GTDT_TIMER_SEC_EL1, GTDT_TIMER_NS_EL1, GTDT_TIMER_VIRT_EL1,
					 GTDT_TIMER_NS_EL2};
	uint8_t *g = b + p->gtdt;
	unsigned int i;

	put_acpi_header(g, "GTDT", GTDT_SIZE, GTDT_REVISION);
	put64(g + 36, GTDT_NO_CNT_BASE);
	for (i = 0; i < ARRAY_SIZE(gsiv); i++) {
		put32(g + 48 + 8 * i, gsiv[i]);
		put32(g + 52 + 8 * i, GTDT_TIMER_FLAGS);
	}
	put64(g + 80, GTDT_NO_CNT_BASE);
	/* no platform (memory-mapped) timers; no virtual EL2 timer (96..103) */
	fix_checksum(g, GTDT_SIZE, ACPI_HDR_CHECKSUM);
}

static void write_spcr(uint8_t *b, const struct acpi_desc *d, const struct plan *p)
{
	uint8_t *s = b + p->spcr;

	put_acpi_header(s, "SPCR", SPCR_SIZE, SPCR_REVISION);
	s[36] = SPCR_16550;
	put_gas_mem8(s + 40, d->uart_base);
	s[52] = SPCR_IRQ_GIC;
	put32(s + 54, GIC_SPI_BASE + d->uart_spi);
	s[58] = SPCR_BAUD_115200;
	s[60] = 1; /* stop bits */
	s[62] = SPCR_TERMINAL_VT100;
	put16(s + 64, 0xffff); /* PCI Device ID: not a PCI device */
	put16(s + 66, 0xffff); /* PCI Vendor ID */
	put32(s + 76, d->uart_clock_hz);
	fix_checksum(s, SPCR_SIZE, ACPI_HDR_CHECKSUM);
}

static int write_dsdt(uint8_t *b, const struct acpi_desc *d, const struct plan *p)
{
	uint8_t *t = b + p->dsdt;
	struct aml a;
	long len;

	put_acpi_header(t, "DSDT", (uint32_t)p->dsdt_size, DSDT_REVISION);
	/* The DSDT ends the blob: the emitter may use the slack after it. */
	aml_init(&a, t + ACPI_HDR_SIZE, p->need - p->dsdt - ACPI_HDR_SIZE);
	emit_dsdt_body(&a, d);
	len = aml_finish(&a);
	if (len < 0 || (size_t)len != p->dsdt_size - ACPI_HDR_SIZE)
		return -EINVAL; /* the measuring pass disagrees: a bug */
	fix_checksum(t, p->dsdt_size, ACPI_HDR_CHECKSUM);
	return 0;
}

/* Both entry points: check the description, then lay the blob out. */
static int validate_and_plan(const struct acpi_desc *desc, struct plan *p, const char **why)
{
	int err = validate(desc, why);

	return err ? err : make_plan(desc, p, why);
}

long acpi_build_size(const struct acpi_desc *desc, const char **why)
{
	const char *dummy;
	struct plan p;
	int err;

	if (!why)
		why = &dummy;
	err = validate_and_plan(desc, &p, why);
	return err ? err : (long)p.need;
}

int acpi_build(const struct acpi_desc *desc, void *buf, size_t size, struct acpi_layout *layout,
	       const char **why)
{
	const char *dummy;
	struct plan p;
	uint8_t *b = buf;
	int err;

	if (!why)
		why = &dummy;
	*why = NULL;
	err = validate_and_plan(desc, &p, why);
	if (err)
		return err;
	if (!buf || size < p.need)
		FAIL(-ENOSPC, "buffer too small for the ACPI blob");

	memset(b, 0, p.need);
	write_efi(b, desc, &p);
	write_mmap(b, desc, &p);
	write_rsdp_xsdt(b, desc, &p);
	write_fadt(b, desc, &p);
	write_madt(b, desc, &p);
	write_gtdt(b, &p);
	write_spcr(b, desc, &p);
	err = write_dsdt(b, desc, &p);
	if (err)
		FAIL(err, "DSDT emitter failed");

	if (layout) {
		uint64_t base = desc->region_base;

		layout->len = p.len;
		layout->efi_system_table = base + p.systab;
		layout->mmap_start = base + p.mmap;
		layout->mmap_size = (uint32_t)p.mmap_size;
		layout->mmap_desc_size = EFI_MEMDESC_SIZE;
		layout->mmap_desc_ver = EFI_MEMORY_DESCRIPTOR_VERSION;
		layout->rsdp = base + p.rsdp;
		layout->xsdt = base + p.xsdt;
		layout->fadt = base + p.fadt;
		layout->madt = base + p.madt;
		layout->gtdt = base + p.gtdt;
		layout->spcr = base + p.spcr;
		layout->dsdt = base + p.dsdt;
	}
	return 0;
}
