/*
 * Stub device tree for ACPI boot (see fdt_stub.h). The root carries only
 * #address-cells/#size-cells (2/2, so the u64 initrd properties read the
 * same as in the full tree); any other node at depth 1 would make Linux
 * take the DT as a real description and ignore ACPI.
 */
#include <stdbool.h>
#include <string.h>

#include <libfdt.h>

#include "fdt/fdt_build.h"
#include "fdt/fdt_internal.h"
#include "fdt/fdt_stub.h"
#include "vmm/machine/machine.h"

static int validate(const struct machine *m, const struct fdt_boot *b)
{
	if (!m || !b || !m->acpi || b->initrd_end < b->initrd_start)
		return -FDT_ERR_BADVALUE;
	if (!b->efi_system_table || !b->mmap_start || !b->mmap_size || !b->mmap_desc_size)
		return -FDT_ERR_BADVALUE;
	return 0;
}

static int create_stub_tree(void *fdt, const struct machine *m, const struct fdt_boot *boot)
{
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 2));
	FDT_TRY(fdt_property_u32(fdt, "#size-cells", 2));
	return fdt_create_chosen(fdt, m, boot);
}

int fdt_build_acpi_stub(const struct machine *m, const struct fdt_boot *boot, void *buf,
			size_t size)
{
	FDT_TRY(validate(m, boot));
	return fdt_build_blob(buf, size, create_stub_tree, m, boot);
}

/*
 * An upper bound: header 40, reserve map 16 (+8 of alignment slack while
 * building), two nodes with their names, ten properties of at most 12
 * bytes of header and 8 of value, and every property name once in the
 * strings block (under 256 bytes in all); plus the bootargs.
 */
#define STUB_HINT_FIXED 640

size_t fdt_stub_size_hint(const struct machine *m)
{
	return STUB_HINT_FIXED + (m ? fdt_chosen_size_hint(m) : 0);
}
