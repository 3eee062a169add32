/*
 * The EFI hand-off (UEFI 2.10) that arm64 Linux expects from firmware and
 * that the stub DT's /chosen points at: a system table with no boot or
 * runtime services, its configuration table (the RSDP and an
 * EFI_RT_PROPERTIES_TABLE saying "no runtime services"), and the memory
 * map. The memory map is what lets the kernel map the ACPI tables at all
 * (arm64's acpi_os_ioremap refuses without one); it calls the tables' own
 * region EfiACPIReclaimMemory, or early allocations overwrite them.
 */
#include <stdint.h>
#include <string.h>

#include "vmm/machine/acpi_internal.h"
#include "vmm/machine/machine.h"

/* GUIDs as their bytes in memory (the first three fields little-endian). */
static const uint8_t acpi_20_table_guid[16] = {
    /* 8868e871-e4f1-11d3-bc22-0080c73c8881 */
    0x71, 0xe8, 0x68, 0x88, 0xf1, 0xe4, 0xd3, 0x11, 0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81,
};
static const uint8_t rt_properties_table_guid[16] = {
    /* eb66918a-7eef-402a-842e-931d21c38ae9 */
    0x8a, 0x91, 0x66, 0xeb, 0xef, 0x7e, 0x2a, 0x40, 0x84, 0x2e, 0x93, 0x1d, 0x21, 0xc3, 0x8a, 0xe9,
};

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

void acpi_write_efi(uint8_t *b, const struct machine *m, const struct acpi_plan *p)
{
	uint8_t *st = b + p->systab, *cfg = b + p->config;
	uint64_t base = m->acpi_base;
	size_t i;

	/* fw_vendor: the kernel maps and prints it (efi_systab_report_header) */
	for (i = 0; i < sizeof(EFI_FW_VENDOR); i++)
		put16(b + p->vendor + 2 * i, (uint16_t)EFI_FW_VENDOR[i]);

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

/* The two descriptors, RAM and the ACPI region, in ascending address order,
 * as firmware hands them over. */
void acpi_write_mmap(uint8_t *b, const struct machine *m, const struct acpi_plan *p)
{
	uint8_t *ram = b + p->mmap, *region = b + p->mmap + EFI_MEMDESC_SIZE;

	if (m->acpi_base < m->ram_base) {
		ram = region;
		region = b + p->mmap;
	}
	put_memdesc(ram, EFI_CONVENTIONAL_MEMORY, m->ram_base, m->ram_size);
	put_memdesc(region, EFI_ACPI_RECLAIM_MEMORY, m->acpi_base, m->acpi_size);
}
