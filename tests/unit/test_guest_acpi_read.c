/*
 * The bare-metal guest's ACPI reader (guest/acpi_read.c) against what the
 * VMM really builds for `vmm boot --acpi`: the ACPI blob
 * (vmm/machine/acpi.c) and the stub device tree (fdt/fdt_stub.c), read with
 * the guest's own device-tree walker (guest/fdt_read.c) and then its ACPI
 * reader, compiled natively here (the guest files are pure code). The blob
 * sits in a host buffer; the reader's bias maps the tables' guest-physical
 * addresses onto it. Then one byte at a time goes wrong, and each must be a
 * one-line refusal that names it.
 */
#define CHECK_FILE "guest_acpi_read"
#include "tests/unit/check.h"

#include <stdbool.h>
#include <stdint.h>

#include "fdt/fdt_build.h"
#include "fdt/fdt_stub.h"
#include "vmm/cli/cli.h"
#include "vmm/machine/acpi.h"
#include "vmm/machine/guest_abi.h"
#include "vmm/machine/machine.h"

/* The guest's files, natively (they call nothing of the guest's but
 * vsnprintk). */
#include "guest/acpi_read.c"
#include "guest/facts.c"
#include "guest/fdt_read.c"
#include "guest/print.c"

struct vm {
	struct machine m;
	bool enabled[MACHINE_MAX_CPUS];
	uint8_t *acpi; /* the blob, as the VMM copies it to m.acpi_base */
	struct acpi_layout l;
	void *dtb;	   /* the stub device tree */
	struct dt_info dt; /* what the guest's walker made of it */
};

/* A --acpi machine: possible vCPUs, the first nr_enabled plugged. */
static bool vm_build(struct vm *v, unsigned int possible, unsigned int nr_enabled, bool its,
		     bool smc)
{
	struct vmm_config cfg = {.nr_cpus = 1, .max_cpus = possible, .acpi = true, .its = its};
	struct fdt_boot boot = {0};
	char err[256];
	const char *why = NULL;
	long need;
	size_t hint;

	memset(v, 0, sizeof(*v));
	cfg.ram_size = 256ULL << 20;
	cfg.conduit = smc ? SMCCC_CONDUIT_SMC : SMCCC_CONDUIT_HVC;
	CHECK_EQ(machine_describe(&cfg, &v->m, err, sizeof(err)), 0);
	snprintf(v->m.cmdline, sizeof(v->m.cmdline), "its reset=0");
	for (unsigned int i = 0; i < nr_enabled; i++)
		v->enabled[i] = true;
	need = acpi_build_size(&v->m, v->enabled, &why);
	CHECK(need > 0);
	v->acpi = calloc(1, v->m.acpi_size);
	if (need <= 0 || (uint64_t)need > v->m.acpi_size || !v->acpi)
		return false;
	CHECK_EQ(acpi_build(&v->m, v->enabled, v->acpi, (size_t)need, &v->l, &why), 0);

	boot.efi_system_table = v->l.efi_system_table;
	boot.mmap_start = v->l.mmap_start;
	boot.mmap_size = v->l.mmap_size;
	boot.mmap_desc_size = v->l.mmap_desc_size;
	boot.mmap_desc_ver = v->l.mmap_desc_ver;
	hint = fdt_stub_size_hint(&v->m);
	v->dtb = calloc(1, hint);
	if (!v->dtb)
		return false;
	CHECK_EQ(fdt_build_acpi_stub(&v->m, &boot, v->dtb, hint), 0);
	CHECK_EQ(dt_read(v->dtb, &v->dt, err, sizeof(err)), 0);
	return !check_failed_in_case;
}

static void vm_free(struct vm *v)
{
	free(v->acpi);
	free(v->dtb);
}

static uintptr_t bias(const struct vm *v)
{
	return (uintptr_t)v->acpi - (uintptr_t)v->m.acpi_base;
}

static uint8_t *blob_at(struct vm *v, uint64_t addr)
{
	return v->acpi + (addr - v->m.acpi_base);
}

/* Make the ACPI table at addr sum to zero again after a change. */
static void fix_sum(struct vm *v, uint64_t addr)
{
	uint8_t *t = blob_at(v, addr);
	uint32_t len = (uint32_t)le(t + 4, 4);
	uint8_t s = 0;

	t[9] = 0;
	for (uint32_t i = 0; i < len; i++)
		s = (uint8_t)(s + t[i]);
	t[9] = (uint8_t)(0 - s);
}

/* The MADT structure of the given type (the first). */
static uint8_t *madt_struct(struct vm *v, uint8_t type)
{
	uint8_t *t = blob_at(v, v->l.madt);
	uint32_t len = (uint32_t)le(t + 4, 4);

	for (uint32_t off = 44; off + 2 <= len && t[off + 1]; off += t[off + 1]) {
		if (t[off] == type)
			return t + off;
	}
	return NULL;
}

TEST(stub_dt_names_the_efi_hand_off_and_no_cpus)
{
	struct vm v;

	if (vm_build(&v, 4, 2, true, false)) {
		CHECK_EQ(v.dt.efi_systab, v.l.efi_system_table);
		CHECK_EQ(v.dt.efi_mmap, v.l.mmap_start);
		CHECK_EQ(v.dt.efi_mmap_size, v.l.mmap_size);
		CHECK_EQ(v.dt.efi_mmap_desc_size, v.l.mmap_desc_size);
		CHECK_EQ(v.dt.facts.nr_cpus_found, 0);
		CHECK_STR(v.dt.bootargs, "its reset=0");
	}
	vm_free(&v);
}

TEST(reads_the_machine_the_vmm_built)
{
	static const struct {
		unsigned int possible, enabled;
		bool its, smc;
	} cases[] = {{4, 2, true, false}, {1, 1, false, true}, {64, 3, true, true}};

	for (unsigned int c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct machine_facts a;
		char why[160];
		struct vm v;

		if (!vm_build(&v, cases[c].possible, cases[c].enabled, cases[c].its,
			      cases[c].smc)) {
			vm_free(&v);
			continue;
		}
		CHECK_EQ(acpi_read(&v.dt, bias(&v), &a, why, sizeof(why)), 0);
		if (why[0])
			printf("  case %u: %s\n", c, why);
		CHECK_EQ(a.conduit, cases[c].smc ? CONDUIT_SMC : CONDUIT_HVC);
		CHECK_EQ(a.nr_cpus, cases[c].possible);
		CHECK_EQ(a.nr_cpus_found, cases[c].possible);
		for (unsigned int i = 0; i < a.nr_cpus; i++)
			CHECK_EQ(a.mpidr[i], v.m.mpidrs[i] & 0xff00ffffffULL);
		CHECK_EQ(a.gicd_base, GUEST_GICD_BASE);
		CHECK_EQ(a.gicr_base, GUEST_GICR_BASE(cases[c].possible));
		CHECK_EQ(a.gicr_size, cases[c].possible * GUEST_GICR_STRIDE);
		CHECK_EQ(a.its_base, cases[c].its ? GUEST_ITS_BASE : 0);
		CHECK_EQ(a.ram_base, v.m.ram_base);
		CHECK_EQ(a.ram_size, v.m.ram_size);
		vm_free(&v);
	}
}

/* One byte (or field) wrong at a time; each is one line naming it. */
enum breakage {
	BREAK_SYSTAB_BYTE,
	BREAK_ACPI_GUID,
	BREAK_RSDP_SIGNATURE,
	BREAK_RSDP_CHECKSUM,
	BREAK_XSDT_ENTRY,
	BREAK_MADT_BYTE,
	BREAK_MADT_LENGTH,
	BREAK_ITS_LENGTH,
	BREAK_NO_GICD,
	BREAK_FADT_NO_PSCI,
	BREAK_MMAP_DESC_SIZE,
};

static void apply(struct vm *v, enum breakage b)
{
	switch (b) {
	case BREAK_SYSTAB_BYTE:
		blob_at(v, v->l.efi_system_table)[104] ^= 1; /* NumberOfTableEntries */
		break;
	case BREAK_ACPI_GUID: /* the configuration table's first entry */
		blob_at(v, le(blob_at(v, v->l.efi_system_table) + 112, 8))[0] ^= 0xff;
		break;
	case BREAK_RSDP_SIGNATURE:
		blob_at(v, v->l.rsdp)[0] = 'X';
		break;
	case BREAK_RSDP_CHECKSUM:
		blob_at(v, v->l.rsdp)[24] ^= 0x40; /* the XSDT address */
		break;
	case BREAK_XSDT_ENTRY:
		memset(blob_at(v, v->l.xsdt) + 36 + 8, 0, 8); /* the MADT's address: 0 */
		fix_sum(v, v->l.xsdt);
		break;
	case BREAK_MADT_BYTE:
		madt_struct(v, 0x0c)[8] ^= 1; /* the GICD base */
		break;
	case BREAK_MADT_LENGTH:
		blob_at(v, v->l.madt)[4] += 1;
		fix_sum(v, v->l.madt);
		break;
	case BREAK_ITS_LENGTH:
		madt_struct(v, 0x0f)[1] = 8;
		fix_sum(v, v->l.madt);
		break;
	case BREAK_NO_GICD:
		madt_struct(v, 0x0c)[0] = 0x7f; /* a type nobody reads */
		fix_sum(v, v->l.madt);
		break;
	case BREAK_FADT_NO_PSCI:
		blob_at(v, v->l.fadt)[129] &= (uint8_t)~1;
		fix_sum(v, v->l.fadt);
		break;
	case BREAK_MMAP_DESC_SIZE:
		v->dt.efi_mmap_desc_size = 24;
		break;
	}
}

TEST(every_wrong_byte_is_one_line)
{
	static const struct {
		enum breakage b;
		const char *says;
	} cases[] = {
	    {BREAK_SYSTAB_BYTE, "EFI system table CRC32"},
	    {BREAK_ACPI_GUID, "no ACPI 2.0 table in the EFI configuration table"},
	    {BREAK_RSDP_SIGNATURE, "not an ACPI 2.0 RSDP"},
	    {BREAK_RSDP_CHECKSUM, "RSDP at 0x"},
	    {BREAK_XSDT_ENTRY, "XSDT entry 0x0 is outside the EFI memory map"},
	    {BREAK_MADT_BYTE, "MADT at 0x"},
	    {BREAK_MADT_LENGTH, "MADT"},
	    {BREAK_ITS_LENGTH, "MADT structure type 0xf is 8 bytes"},
	    {BREAK_NO_GICD, "MADT has no GICD"},
	    {BREAK_FADT_NO_PSCI, "not PSCI compliant"},
	    {BREAK_MMAP_DESC_SIZE, "EFI memory map at 0x"},
	};

	for (unsigned int c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct machine_facts a;
		char why[160], name[32];
		struct vm v;

		if (!vm_build(&v, 4, 2, true, false)) {
			vm_free(&v);
			continue;
		}
		apply(&v, cases[c].b);
		snprintf(name, sizeof(name), "breakage %u", c);
		CHECK_REFUSED(acpi_read(&v.dt, bias(&v), &a, why, sizeof(why)), why, cases[c].says,
			      name);
		vm_free(&v);
	}
}

TEST(no_system_table_is_refused)
{
	struct vm v;
	struct machine_facts a;
	char why[160];

	if (vm_build(&v, 2, 1, false, false)) {
		v.dt.efi_systab = 0;
		CHECK_REFUSED(acpi_read(&v.dt, bias(&v), &a, why, sizeof(why)), why,
			      "no linux,uefi-system-table", "no system table");
	}
	vm_free(&v);
}

CHECK_MAIN_BEGIN
RUN(stub_dt_names_the_efi_hand_off_and_no_cpus);
RUN(reads_the_machine_the_vmm_built);
RUN(every_wrong_byte_is_one_line);
RUN(no_system_table_is_refused);
CHECK_MAIN_END
