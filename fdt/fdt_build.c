/*
 * Device-tree builder: one create_*_node() step per node, each returning a
 * libfdt error code that fdt_build() propagates. The bindings are the Linux
 * ones (Documentation/devicetree/bindings/): arm/cpus.yaml, arm/psci.yaml,
 * interrupt-controller/arm,gic-v3.yaml, timer/arm,arch_timer.yaml,
 * perf/arm,pmu.yaml and serial/8250.yaml.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "fdt/fdt_build.h"

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

/* "uart@" or "memory@" plus 16 hex digits and the NUL fit with room. */
#define NODE_NAME_MAX 32

static uint64_t cpu_reg(const struct fdt_desc *d, unsigned int i)
{
	return d->mpidrs[i] & MPIDR_AFF_MASK;
}

static bool has_initrd(const struct fdt_desc *d)
{
	return d->initrd_end > d->initrd_start;
}

static bool has_bootargs(const struct fdt_desc *d)
{
	return d->bootargs && d->bootargs[0] != '\0';
}

static void uart_path(const struct fdt_desc *d, char *buf, size_t len)
{
	snprintf(buf, len, "/uart@%" PRIx64, d->uart_base);
}

static int validate(const struct fdt_desc *d)
{
	unsigned int i, j;

	if (!d || d->nr_cpus == 0 || !d->mpidrs || d->ram_size == 0)
		return -FDT_ERR_BADVALUE;
	if (d->ram_base + d->ram_size - 1 < d->ram_base)
		return -FDT_ERR_BADVALUE;
	if (d->initrd_end < d->initrd_start)
		return -FDT_ERR_BADVALUE;
	if (d->psci_method != FDT_PSCI_HVC && d->psci_method != FDT_PSCI_SMC)
		return -FDT_ERR_BADVALUE;
	if (d->uart_spi > GIC_MAX_SPI)
		return -FDT_ERR_BADVALUE;
	if (d->pmu_intid && (d->pmu_intid < GIC_PPI_FIRST || d->pmu_intid > GIC_PPI_LAST))
		return -FDT_ERR_BADVALUE;
	/* Two CPUs with one affinity would be two nodes with one name. */
	for (i = 0; i < d->nr_cpus; i++)
		for (j = 0; j < i; j++)
			if (cpu_reg(d, i) == cpu_reg(d, j))
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
	char buf[NODE_NAME_MAX];

	snprintf(buf, sizeof(buf), "%s@%" PRIx64, name, addr);
	return fdt_begin_node(fdt, buf);
}

static int create_root_props(void *fdt)
{
	int err;

	err = fdt_property_string(fdt, "compatible", "linux,dummy-virt");
	if (err)
		return err;
	err = fdt_property_string(fdt, "model", "vmm");
	if (err)
		return err;
	err = fdt_property_u32(fdt, "#address-cells", 2);
	if (err)
		return err;
	err = fdt_property_u32(fdt, "#size-cells", 2);
	if (err)
		return err;
	return fdt_property_u32(fdt, "interrupt-parent", FDT_GIC_PHANDLE);
}

static int create_chosen_node(void *fdt, const struct fdt_desc *d)
{
	char path[NODE_NAME_MAX];
	int err;

	err = fdt_begin_node(fdt, "chosen");
	if (err)
		return err;
	if (has_bootargs(d)) {
		err = fdt_property_string(fdt, "bootargs", d->bootargs);
		if (err)
			return err;
	}
	uart_path(d, path, sizeof(path));
	err = fdt_property_string(fdt, "stdout-path", path);
	if (err)
		return err;
	if (has_initrd(d)) {
		err = fdt_property_u64(fdt, "linux,initrd-start", d->initrd_start);
		if (err)
			return err;
		err = fdt_property_u64(fdt, "linux,initrd-end", d->initrd_end);
		if (err)
			return err;
	}
	return fdt_end_node(fdt);
}

static int create_aliases_node(void *fdt, const struct fdt_desc *d)
{
	char path[NODE_NAME_MAX];
	int err;

	err = fdt_begin_node(fdt, "aliases");
	if (err)
		return err;
	uart_path(d, path, sizeof(path));
	err = fdt_property_string(fdt, "serial0", path);
	if (err)
		return err;
	return fdt_end_node(fdt);
}

static int create_memory_node(void *fdt, const struct fdt_desc *d)
{
	int err;

	err = begin_node_at(fdt, "memory", d->ram_base);
	if (err)
		return err;
	err = fdt_property_string(fdt, "device_type", "memory");
	if (err)
		return err;
	err = property_reg64(fdt, d->ram_base, d->ram_size);
	if (err)
		return err;
	return fdt_end_node(fdt);
}

static int create_cpu_node(void *fdt, uint64_t reg, unsigned int addr_cells)
{
	int err;

	err = begin_node_at(fdt, "cpu", reg);
	if (err)
		return err;
	err = fdt_property_string(fdt, "device_type", "cpu");
	if (err)
		return err;
	err = fdt_property_string(fdt, "compatible", "arm,arm-v8");
	if (err)
		return err;
	err = fdt_property_string(fdt, "enable-method", "psci");
	if (err)
		return err;
	/* Two cells put Aff3 in the first one (arm/cpus.yaml). */
	if (addr_cells == 2)
		err = fdt_property_u64(fdt, "reg", reg);
	else
		err = fdt_property_u32(fdt, "reg", (uint32_t)reg);
	if (err)
		return err;
	return fdt_end_node(fdt);
}

static int create_cpus_node(void *fdt, const struct fdt_desc *d)
{
	unsigned int i, addr_cells = 1;
	int err;

	for (i = 0; i < d->nr_cpus; i++)
		if (cpu_reg(d, i) > UINT32_MAX)
			addr_cells = 2;

	err = fdt_begin_node(fdt, "cpus");
	if (err)
		return err;
	err = fdt_property_u32(fdt, "#address-cells", addr_cells);
	if (err)
		return err;
	err = fdt_property_u32(fdt, "#size-cells", 0);
	if (err)
		return err;
	for (i = 0; i < d->nr_cpus; i++) {
		err = create_cpu_node(fdt, cpu_reg(d, i), addr_cells);
		if (err)
			return err;
	}
	return fdt_end_node(fdt);
}

static int create_psci_node(void *fdt, const struct fdt_desc *d)
{
	static const char compatible[] = "arm,psci-1.0\0arm,psci-0.2";
	int err;

	err = fdt_begin_node(fdt, "psci");
	if (err)
		return err;
	err = fdt_property(fdt, "compatible", compatible, sizeof(compatible));
	if (err)
		return err;
	err = fdt_property_string(fdt, "method", d->psci_method == FDT_PSCI_SMC ? "smc" : "hvc");
	if (err)
		return err;
	return fdt_end_node(fdt);
}

static int create_gic_node(void *fdt, const struct fdt_desc *d)
{
	fdt64_t reg[4] = {
	    cpu_to_fdt64(d->gicd_base),
	    cpu_to_fdt64(d->gicd_size),
	    cpu_to_fdt64(d->gicr_base),
	    cpu_to_fdt64(d->gicr_size),
	};
	int err;

	err = begin_node_at(fdt, "intc", d->gicd_base);
	if (err)
		return err;
	err = fdt_property_string(fdt, "compatible", "arm,gic-v3");
	if (err)
		return err;
	err = fdt_property_u32(fdt, "#interrupt-cells", 3);
	if (err)
		return err;
	err = fdt_property(fdt, "interrupt-controller", NULL, 0);
	if (err)
		return err;
	/* An interrupt provider needs #address-cells (dtc checks it); with
	 * an empty ranges it maps 1:1 should anyone add an ITS child. */
	err = fdt_property_u32(fdt, "#address-cells", 2);
	if (err)
		return err;
	err = fdt_property_u32(fdt, "#size-cells", 2);
	if (err)
		return err;
	err = fdt_property(fdt, "ranges", NULL, 0);
	if (err)
		return err;
	err = fdt_property(fdt, "reg", reg, sizeof(reg));
	if (err)
		return err;
	err = fdt_property_u32(fdt, "phandle", FDT_GIC_PHANDLE);
	if (err)
		return err;
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
	unsigned int i;
	int err;

	for (i = 0; i < sizeof(ppis) / sizeof(ppis[0]); i++) {
		irqs[3 * i] = cpu_to_fdt32(GIC_PPI);
		irqs[3 * i + 1] = cpu_to_fdt32(ppis[i]);
		irqs[3 * i + 2] = cpu_to_fdt32(IRQ_TYPE_LEVEL_LOW);
	}

	err = fdt_begin_node(fdt, "timer");
	if (err)
		return err;
	err = fdt_property_string(fdt, "compatible", "arm,armv8-timer");
	if (err)
		return err;
	err = fdt_property(fdt, "always-on", NULL, 0);
	if (err)
		return err;
	err = fdt_property(fdt, "interrupts", irqs, sizeof(irqs));
	if (err)
		return err;
	return fdt_end_node(fdt);
}

/* The PMUv3 of every CPU, its overflow interrupt a level-high PPI. */
static int create_pmu_node(void *fdt, const struct fdt_desc *d)
{
	uint32_t cpus = d->nr_cpus >= 8 ? 0xffU : (1U << d->nr_cpus) - 1;
	fdt32_t irq[3] = {
	    cpu_to_fdt32(GIC_PPI),
	    cpu_to_fdt32(d->pmu_intid - GIC_PPI_FIRST),
	    cpu_to_fdt32(((cpus << GIC_PPI_CPU_SHIFT) & GIC_PPI_CPU_MASK) | IRQ_TYPE_LEVEL_HIGH),
	};
	int err;

	if (!d->pmu_intid)
		return 0;
	err = fdt_begin_node(fdt, "pmu");
	if (err)
		return err;
	err = fdt_property_string(fdt, "compatible", "arm,armv8-pmuv3");
	if (err)
		return err;
	err = fdt_property(fdt, "interrupts", irq, sizeof(irq));
	if (err)
		return err;
	return fdt_end_node(fdt);
}

static int create_uart_node(void *fdt, const struct fdt_desc *d)
{
	fdt32_t irq[3] = {
	    cpu_to_fdt32(GIC_SPI),
	    cpu_to_fdt32(d->uart_spi),
	    cpu_to_fdt32(IRQ_TYPE_LEVEL_HIGH),
	};
	int err;

	err = begin_node_at(fdt, "uart", d->uart_base);
	if (err)
		return err;
	err = fdt_property_string(fdt, "compatible", "ns16550a");
	if (err)
		return err;
	err = property_reg64(fdt, d->uart_base, d->uart_size);
	if (err)
		return err;
	/* Linux's of_serial refuses a node with neither this nor clocks. */
	err = fdt_property_u32(fdt, "clock-frequency", d->uart_clock_hz);
	if (err)
		return err;
	err = fdt_property(fdt, "interrupts", irq, sizeof(irq));
	if (err)
		return err;
	return fdt_end_node(fdt);
}

static int create_testdev_node(void *fdt, const struct fdt_desc *d)
{
	int err;

	if (d->testdev_size == 0)
		return 0;
	err = begin_node_at(fdt, "testdev", d->testdev_base);
	if (err)
		return err;
	err = fdt_property_string(fdt, "compatible", "vmm,testdev");
	if (err)
		return err;
	err = property_reg64(fdt, d->testdev_base, d->testdev_size);
	if (err)
		return err;
	return fdt_end_node(fdt);
}

static int create_tree(void *fdt, const struct fdt_desc *d)
{
	int err;

	err = fdt_finish_reservemap(fdt);
	if (err)
		return err;
	err = fdt_begin_node(fdt, "");
	if (err)
		return err;
	err = create_root_props(fdt);
	if (err)
		return err;
	err = create_chosen_node(fdt, d);
	if (err)
		return err;
	err = create_aliases_node(fdt, d);
	if (err)
		return err;
	err = create_memory_node(fdt, d);
	if (err)
		return err;
	err = create_cpus_node(fdt, d);
	if (err)
		return err;
	err = create_psci_node(fdt, d);
	if (err)
		return err;
	err = create_gic_node(fdt, d);
	if (err)
		return err;
	err = create_timer_node(fdt);
	if (err)
		return err;
	err = create_pmu_node(fdt, d);
	if (err)
		return err;
	err = create_uart_node(fdt, d);
	if (err)
		return err;
	err = create_testdev_node(fdt, d);
	if (err)
		return err;
	err = fdt_end_node(fdt);
	if (err)
		return err;
	return fdt_finish(fdt);
}

int fdt_build_blob(void *buf, size_t size, int (*create)(void *fdt, const void *ctx),
		   const void *ctx)
{
	int bufsize = size > INT_MAX ? INT_MAX : (int)size;
	int err;

	if (!buf)
		return -FDT_ERR_NOSPACE;
	/* fdt_create() refuses a buffer smaller than the header before it
	 * writes anything; every later step checks its own space. */
	err = fdt_create(buf, bufsize);
	if (err)
		return err;
	err = create(buf, ctx);
	if (err)
		return err;
	/* fdt_finish() already leaves the blocks adjacent; reopening and
	 * packing makes totalsize the real size whatever libfdt does. */
	err = fdt_open_into(buf, buf, bufsize);
	if (err)
		return err;
	return fdt_pack(buf);
}

static int create_machine_tree(void *fdt, const void *ctx)
{
	return create_tree(fdt, ctx);
}

int fdt_build(const struct fdt_desc *desc, void *buf, size_t size)
{
	int err = validate(desc);

	if (err)
		return err;
	return fdt_build_blob(buf, size, create_machine_tree, desc);
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

size_t fdt_build_size_hint(const struct fdt_desc *desc)
{
	size_t n = HINT_HEADER + HINT_RSVMAP + HINT_FIXED;

	if (!desc)
		return n;
	n += (size_t)desc->nr_cpus * HINT_PER_CPU;
	if (desc->bootargs)
		n += HINT_PROP + strlen(desc->bootargs) + 1 + 3;
	return n;
}
