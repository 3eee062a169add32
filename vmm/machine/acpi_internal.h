/*
 * What the ACPI builder's files share (acpi.c plans and checks, acpi_efi.c
 * writes the EFI hand-off, acpi_tables.c the fixed tables, acpi_dsdt.c the
 * DSDT): the specs' sizes and offsets, the blob's plan, little-endian
 * writers. Not for use outside vmm/machine/acpi*.c.
 */
#ifndef VMM_ACPI_INTERNAL_H
#define VMM_ACPI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct machine;
struct aml;

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
#define MADT_GIC_ITS	0x0f
#define MADT_GICC_SIZE	82 /* §5.2.12.14, with the 6.5 TRBE interrupt */
#define MADT_GICD_SIZE	24 /* §5.2.12.15 */
#define MADT_GICR_SIZE	16 /* §5.2.12.17 */
#define MADT_ITS_SIZE	20 /* §5.2.12.18 */
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

/* The firmware vendor the EFI system table names, as UTF-16 in the blob. */
#define EFI_FW_VENDOR	   "vmm"
#define EFI_FW_VENDOR_SIZE (2 * sizeof(EFI_FW_VENDOR))

/* Where each piece of the blob starts (offsets from the region's base). */
struct acpi_plan {
	size_t systab, vendor, config, rtprop, mmap, rsdp, xsdt, fadt, madt, gtdt, spcr, dsdt;
	size_t len;  /* the blob */
	size_t need; /* the buffer: the blob + the emitter's working space */
	size_t mmap_size, xsdt_size, madt_size, dsdt_size;
};

/* Set *why and return err (the builders' one-line reasons). */
#define ACPI_FAIL(err, reason)                                                                     \
	do {                                                                                       \
		*why = (reason);                                                                   \
		return (err);                                                                      \
	} while (0)

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static inline void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static inline uint8_t sum8(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* Make the len bytes at p sum to zero by setting p[at]. */
static inline void fix_checksum(uint8_t *p, size_t len, size_t at)
{
	p[at] = 0;
	p[at] = (uint8_t)(0x100 - sum8(p, len));
}

/* acpi_tables.c: the §5.2.6 header every table starts with. */
void acpi_put_header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev);

/* acpi_efi.c: system table, configuration table, RT properties; memory map. */
void acpi_write_efi(uint8_t *b, const struct machine *m, const struct acpi_plan *p);
void acpi_write_mmap(uint8_t *b, const struct machine *m, const struct acpi_plan *p);

/* acpi_tables.c: RSDP, XSDT, FADT, MADT (enabled: per vCPU), GTDT, SPCR. */
void acpi_write_tables(uint8_t *b, const struct machine *m, const bool *enabled,
		       const struct acpi_plan *p);

/* acpi_dsdt.c: the DSDT's AML (measured with a NULL buffer first), and the
 * DSDT itself, last in the blob. */
void acpi_emit_dsdt_body(struct aml *a, const struct machine *m);
int acpi_write_dsdt(uint8_t *b, const struct machine *m, const struct acpi_plan *p);

#endif
