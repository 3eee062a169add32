/*
 * Device-tree builder: one create_*_node() step per node, each returning a
 * libfdt error code that fdt_build() propagates. Every fact comes from the
 * machine description (vmm/machine/machine.h); only the initrd is per boot. The bindings are the
 * Linux ones (Documentation/devicetree/bindings/): arm/cpus.yaml, arm/psci.yaml,
 * interrupt-controller/arm,gic-v3.yaml (and its ITS child),
 * timer/arm,arch_timer.yaml,
 * perf/arm,pmu.yaml and serial/8250.yaml.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "fdt/fdt_build.h"
#include "fdt/fdt_internal.h"
#include "vmm/machine/machine.h"

/* include/dt-bindings/interrupt-controller/{arm-gic,irq}.h */
#define GIC_SPI		    0
#define GIC_PPI		    1
#define IRQ_TYPE_LEVEL_HIGH 4
#define IRQ_TYPE_LEVEL_LOW  8

/* Architected timer PPIs (the binding's order: secure phys, non-secure
 * phys, virt, hyp). */
#define TIMER_PPI_SEC_PHYS 13
#define TIMER_PPI_PHYS	   14
#define TIMER_PPI_VIRT	   11
#define TIMER_PPI_HYP	   10

/* PPIs are INTIDs 16..31; the DT numbers them from 0. */
#define GIC_PPI_FIRST 16
#define GIC_PPI_LAST  31

/* A PPI's flags cell may carry a mask of the CPUs it is wired to, bits
 * [15:8], one bit per CPU up to eight (arm,gic.yaml; kvmtool fills it in
 * for GICv3 too, and GICv3 kernels ignore it). */
#define GIC_PPI_CPU_SHIFT 8
#define GIC_PPI_CPU_MASK  (0xffU << GIC_PPI_CPU_SHIFT)

/* SPIs are INTIDs 32..1019. */
#define GIC_MAX_SPI (1019 - 32)

/* MPIDR_EL1 affinity fields: Aff3 [39:32], Aff2..Aff0 [23:0]. */
#define MPIDR_AFF_MASK 0xff00ffffffULL

static uint64_t cpu_reg(const struct machine *m, unsigned int i)
{
	return m->mpidrs[i] & MPIDR_AFF_MASK;
}

static int validate(const struct machine *m, const struct fdt_boot *boot)
{
	unsigned int i, j;

	if (!m || !boot || m->nr_cpus == 0 || m->nr_cpus > MACHINE_MAX_CPUS || m->ram_size == 0)
		return -FDT_ERR_BADVALUE;
	if (m->ram_base + m->ram_size - 1 < m->ram_base)
		return -FDT_ERR_BADVALUE;
	if (boot->initrd_end < boot->initrd_start)
		return -FDT_ERR_BADVALUE;
	if (m->conduit != MACHINE_CONDUIT_HVC && m->conduit != MACHINE_CONDUIT_SMC)
		return -FDT_ERR_BADVALUE;
	if (m->uart_spi > GIC_MAX_SPI)
		return -FDT_ERR_BADVALUE;
	if (m->pmu_intid && (m->pmu_intid < GIC_PPI_FIRST || m->pmu_intid > GIC_PPI_LAST))
		return -FDT_ERR_BADVALUE;
	if (machine_has_its(m) && m->its_base + m->its_size - 1 < m->its_base)
		return -FDT_ERR_BADVALUE;
	/* Two CPUs with one affinity would be two nodes with one name. */
	for (i = 0; i < m->nr_cpus; i++)
		for (j = 0; j < i; j++)
			if (cpu_reg(m, i) == cpu_reg(m, j))
				return -FDT_ERR_BADVALUE;
	return 0;
}

/* reg = <base size> with #address-cells = #size-cells = 2. */
static int property_reg64(void *fdt, uint64_t base, uint64_t size)
{
	fdt64_t reg[2] = {cpu_to_fdt64(base), cpu_to_fdt64(size)};

	return fdt_property(fdt, "reg", reg, sizeof(reg));
}

static int begin_node_at(void *fdt, const char *name, uint64_t addr)
{
	char buf[FDT_NODE_NAME_MAX];

	snprintf(buf, sizeof(buf), "%s@%" PRIx64, name, addr);
	return fdt_begin_node(fdt, buf);
}

/* The shape memory, UART and test device share: name@base, one string
 * property (device_type or compatible), then reg. The node stays open. */
static int begin_device_node(void *fdt, const char *name, const char *prop, const char *value,
			     uint64_t base, uint64_t size)
{
	FDT_TRY(begin_node_at(fdt, name, base));
	FDT_TRY(fdt_property_string(fdt, prop, value));
	return property_reg64(fdt, base, size);
}

static int create_root_props(void *fdt)
{
	FDT_TRY(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
	FDT_TRY(fdt_property_string(fdt, "model", "vmm"));
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 2));
	FDT_TRY(fdt_property_u32(fdt, "#size-cells", 2));
	return fdt_property_u32(fdt, "interrupt-parent", FDT_GIC_PHANDLE);
}

static int create_aliases_node(void *fdt, const struct machine *m)
{
	char path[FDT_NODE_NAME_MAX];

	fdt_uart_path(m, path, sizeof(path));
	FDT_TRY(fdt_begin_node(fdt, "aliases"));
	FDT_TRY(fdt_property_string(fdt, "serial0", path));
	return fdt_end_node(fdt);
}

static int create_memory_node(void *fdt, const struct machine *m)
{
	FDT_TRY(
	    begin_device_node(fdt, "memory", "device_type", "memory", m->ram_base, m->ram_size));
	return fdt_end_node(fdt);
}

static int create_cpu_node(void *fdt, uint64_t reg, unsigned int addr_cells)
{
	FDT_TRY(begin_node_at(fdt, "cpu", reg));
	FDT_TRY(fdt_property_string(fdt, "device_type", "cpu"));
	FDT_TRY(fdt_property_string(fdt, "compatible", "arm,arm-v8"));
	FDT_TRY(fdt_property_string(fdt, "enable-method", "psci"));
	/* Two cells put Aff3 in the first one (arm/cpus.yaml). */
	if (addr_cells == 2)
		FDT_TRY(fdt_property_u64(fdt, "reg", reg));
	else
		FDT_TRY(fdt_property_u32(fdt, "reg", (uint32_t)reg));
	return fdt_end_node(fdt);
}

static int create_cpus_node(void *fdt, const struct machine *m)
{
	unsigned int i, addr_cells = 1;

	for (i = 0; i < m->nr_cpus; i++)
		if (cpu_reg(m, i) > UINT32_MAX)
			addr_cells = 2;
	FDT_TRY(fdt_begin_node(fdt, "cpus"));
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", addr_cells));
	FDT_TRY(fdt_property_u32(fdt, "#size-cells", 0));
	for (i = 0; i < m->nr_cpus; i++)
		FDT_TRY(create_cpu_node(fdt, cpu_reg(m, i), addr_cells));
	return fdt_end_node(fdt);
}

static int create_psci_node(void *fdt, const struct machine *m)
{
	static const char compatible[] = "arm,psci-1.0\0arm,psci-0.2";

	FDT_TRY(fdt_begin_node(fdt, "psci"));
	FDT_TRY(fdt_property(fdt, "compatible", compatible, sizeof(compatible)));
	FDT_TRY(
	    fdt_property_string(fdt, "method", m->conduit == MACHINE_CONDUIT_SMC ? "smc" : "hvc"));
	return fdt_end_node(fdt);
}

/*
 * The ITS (--irqchip gicv3-its), a child of the GIC node as arm,gic-v3.yaml
 * has it: its reg in the parent's cells (2 and 2, ranges mapping 1:1), an
 * MSI controller whose one specifier cell is the DeviceID.
 */
static int create_its_node(void *fdt, const struct machine *m)
{
	if (!machine_has_its(m))
		return 0;
	FDT_TRY(begin_device_node(fdt, "msi-controller", "compatible", "arm,gic-v3-its",
				  m->its_base, m->its_size));
	FDT_TRY(fdt_property(fdt, "msi-controller", NULL, 0));
	FDT_TRY(fdt_property_u32(fdt, "#msi-cells", 1));
	FDT_TRY(fdt_property_u32(fdt, "phandle", FDT_ITS_PHANDLE));
	return fdt_end_node(fdt);
}

static int create_gic_node(void *fdt, const struct machine *m)
{
	fdt64_t reg[4] = {
	    cpu_to_fdt64(m->gicd_base),
	    cpu_to_fdt64(m->gicd_size),
	    cpu_to_fdt64(m->gicr_base),
	    cpu_to_fdt64(m->gicr_size),
	};

	FDT_TRY(begin_node_at(fdt, "intc", m->gicd_base));
	FDT_TRY(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	FDT_TRY(fdt_property_u32(fdt, "#interrupt-cells", 3));
	FDT_TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	/* An interrupt provider needs #address-cells (dtc checks it); with
	 * an empty ranges it maps 1:1 for the ITS child. */
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 2));
	FDT_TRY(fdt_property_u32(fdt, "#size-cells", 2));
	FDT_TRY(fdt_property(fdt, "ranges", NULL, 0));
	FDT_TRY(fdt_property(fdt, "reg", reg, sizeof(reg)));
	FDT_TRY(fdt_property_u32(fdt, "phandle", FDT_GIC_PHANDLE));
	FDT_TRY(create_its_node(fdt, m));
	return fdt_end_node(fdt);
}

static int create_timer_node(void *fdt)
{
	static const uint32_t ppis[] = {
	    TIMER_PPI_SEC_PHYS,
	    TIMER_PPI_PHYS,
	    TIMER_PPI_VIRT,
	    TIMER_PPI_HYP,
	};
	fdt32_t irqs[3 * sizeof(ppis) / sizeof(ppis[0])];

	for (unsigned int i = 0; i < sizeof(ppis) / sizeof(ppis[0]); i++) {
		irqs[3 * i] = cpu_to_fdt32(GIC_PPI);
		irqs[3 * i + 1] = cpu_to_fdt32(ppis[i]);
		irqs[3 * i + 2] = cpu_to_fdt32(IRQ_TYPE_LEVEL_LOW);
	}
	FDT_TRY(fdt_begin_node(fdt, "timer"));
	FDT_TRY(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	FDT_TRY(fdt_property(fdt, "always-on", NULL, 0));
	FDT_TRY(fdt_property(fdt, "interrupts", irqs, sizeof(irqs)));
	return fdt_end_node(fdt);
}

/* The PMUv3 of every CPU, its overflow interrupt a level-high PPI. */
static int create_pmu_node(void *fdt, const struct machine *m)
{
	uint32_t cpus = m->nr_cpus >= 8 ? 0xffU : (1U << m->nr_cpus) - 1;
	fdt32_t irq[3] = {
	    cpu_to_fdt32(GIC_PPI),
	    cpu_to_fdt32(m->pmu_intid - GIC_PPI_FIRST),
	    cpu_to_fdt32(((cpus << GIC_PPI_CPU_SHIFT) & GIC_PPI_CPU_MASK) | IRQ_TYPE_LEVEL_HIGH),
	};

	if (!machine_has_pmu(m))
		return 0;
	FDT_TRY(fdt_begin_node(fdt, "pmu"));
	FDT_TRY(fdt_property_string(fdt, "compatible", "arm,armv8-pmuv3"));
	FDT_TRY(fdt_property(fdt, "interrupts", irq, sizeof(irq)));
	return fdt_end_node(fdt);
}

static int create_uart_node(void *fdt, const struct machine *m)
{
	fdt32_t irq[3] = {
	    cpu_to_fdt32(GIC_SPI),
	    cpu_to_fdt32(m->uart_spi),
	    cpu_to_fdt32(IRQ_TYPE_LEVEL_HIGH),
	};

	FDT_TRY(
	    begin_device_node(fdt, "uart", "compatible", "ns16550a", m->uart_base, m->uart_size));
	/* Linux's of_serial refuses a node with neither this nor clocks. */
	FDT_TRY(fdt_property_u32(fdt, "clock-frequency", m->uart_clock_hz));
	FDT_TRY(fdt_property(fdt, "interrupts", irq, sizeof(irq)));
	return fdt_end_node(fdt);
}

static int create_testdev_node(void *fdt, const struct machine *m)
{
	if (m->testdev_size == 0)
		return 0;
	FDT_TRY(begin_device_node(fdt, "testdev", "compatible", "vmm,testdev", m->testdev_base,
				  m->testdev_size));
	return fdt_end_node(fdt);
}

static int create_machine_tree(void *fdt, const struct machine *m, const struct fdt_boot *boot)
{
	FDT_TRY(create_root_props(fdt));
	FDT_TRY(fdt_create_chosen(fdt, m, boot));
	FDT_TRY(create_aliases_node(fdt, m));
	FDT_TRY(create_memory_node(fdt, m));
	FDT_TRY(create_cpus_node(fdt, m));
	FDT_TRY(create_psci_node(fdt, m));
	FDT_TRY(create_gic_node(fdt, m));
	FDT_TRY(create_timer_node(fdt));
	FDT_TRY(create_pmu_node(fdt, m));
	FDT_TRY(create_uart_node(fdt, m));
	return create_testdev_node(fdt, m);
}

int fdt_build_blob(void *buf, size_t size, fdt_create_fn *create, const struct machine *m,
		   const struct fdt_boot *boot)
{
	int bufsize = size > INT_MAX ? INT_MAX : (int)size;

	if (!buf)
		return -FDT_ERR_NOSPACE;
	/* fdt_create() refuses a buffer smaller than the header before it
	 * writes anything; every later step checks its own space. */
	FDT_TRY(fdt_create(buf, bufsize));
	FDT_TRY(fdt_finish_reservemap(buf));
	FDT_TRY(fdt_begin_node(buf, ""));
	FDT_TRY(create(buf, m, boot));
	FDT_TRY(fdt_end_node(buf));
	FDT_TRY(fdt_finish(buf));
	/* fdt_finish() already leaves the blocks adjacent; reopening and
	 * packing makes totalsize the real size whatever libfdt does. */
	FDT_TRY(fdt_open_into(buf, buf, bufsize));
	return fdt_pack(buf);
}

int fdt_build(const struct machine *m, const struct fdt_boot *boot, void *buf, size_t size)
{
	FDT_TRY(validate(m, boot));
	return fdt_build_blob(buf, size, create_machine_tree, m, boot);
}

/*
 * An upper bound, not an estimate: every node and property of the tree
 * with its worst-case name and value. Structure block: a node costs its
 * BEGIN_NODE tag, name padded to 4 and END_NODE tag; a property 12 bytes
 * of header plus its value padded to 4. Strings block: each property name
 * once (the sequential-write API shares them).
 */
#define HINT_HEADER 40 /* struct fdt_header */
#define HINT_RSVMAP 16 /* the terminating reserve entry */
#define HINT_PROP   12 /* FDT_PROP tag, len, nameoff */
#define HINT_NODE   8  /* FDT_BEGIN_NODE + FDT_END_NODE */
#define HINT_NAME   32 /* any node name or path we generate, padded */
/* Every node but the CPUs, and all property names, rounded up generously:
 * about 1.3 KiB in practice with the longest unit addresses. */
#define HINT_FIXED 2048
/* cpu@<aff>: name, device_type, compatible, enable-method, reg (u64). */
#define HINT_PER_CPU                                                                               \
	(HINT_NODE + HINT_NAME + 4 * HINT_PROP + sizeof("cpu") + sizeof("arm,arm-v8") +            \
	 sizeof("psci") + sizeof(uint64_t) + 3 * 3)

size_t fdt_build_size_hint(const struct machine *m)
{
	size_t n = HINT_HEADER + HINT_RSVMAP + HINT_FIXED;

	if (!m)
		return n;
	n += (size_t)m->nr_cpus * HINT_PER_CPU;
	return n + fdt_chosen_size_hint(m);
}
