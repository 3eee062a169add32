/*
 * Unit tests of the device-tree builder: read every property back with
 * libfdt, check the error paths under ASan, and compare a fixed machine
 * with the golden tests/golden/fdt-2cpu.dts through dtc.
 *
 * Run from the top of the tree (paths are relative). To refresh the golden
 * after an intended change: run the test, check build/host/fdt-2cpu.dts by
 * eye, and copy it to tests/golden/fdt-2cpu.dts.
 */
#define CHECK_FILE "fdt"
#include "tests/unit/check.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include <libfdt.h>

#include "fdt/fdt_build.h"
#include "tests/unit/golden.h"
#include "vmm/cli/cli.h"
#include "vmm/machine/guest_abi.h"
#include "vmm/machine/machine.h"

#define OUT_DIR	   "build/host"
#define GOLDEN	   "tests/golden/fdt-2cpu.dts"
#define GOLDEN_ITS "tests/golden/fdt-2cpu-its.dts"
#define BUF_SIZE   (1 << 20)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* KVM reports MPIDR_EL1 with bit 31 (RES1) set; the builder must mask it. */
static const uint64_t mpidrs4[] = {0x80000000, 0x80000001, 0x80000002, 0x80000100};

/* A machine as machine_describe() makes it, and this boot's initrd. */
struct desc {
	struct machine m;
	struct fdt_boot b;
};

/* The machine for nr_cpus vCPUs (256 MiB, HVC, no PMU, no command line),
 * with the given MPIDRs instead of KVM's; nr_cpus 0 makes a bad one. */
static void make_desc(struct desc *d, const uint64_t *mpidrs, unsigned int nr_cpus)
{
	struct vmm_config cfg = {.nr_cpus = 1, .max_cpus = nr_cpus ? nr_cpus : 1};
	char err[256];

	cfg.ram_size = 256ULL << 20;
	memset(d, 0, sizeof(*d));
	CHECK_EQ(machine_describe(&cfg, &d->m, err, sizeof(err)), 0);
	d->m.nr_cpus = nr_cpus;
	for (unsigned int i = 0; i < nr_cpus; i++)
		d->m.mpidrs[i] = mpidrs[i];
}

static void set_bootargs(struct desc *d, const char *bootargs)
{
	snprintf(d->m.cmdline, sizeof(d->m.cmdline), "%s", bootargs ? bootargs : "");
}

/* The 2-CPU machine of the golden file. */
static const uint64_t golden_mpidrs[] = {0x0, 0x1};

static void make_golden_desc(struct desc *d)
{
	make_desc(d, golden_mpidrs, ARRAY_SIZE(golden_mpidrs));
	set_bootargs(d, "console=ttyS0 test");
	d->b.initrd_start = 0x88000000;
	d->b.initrd_end = 0x88100000;
	d->m.pmu_intid = GUEST_PMU_INTID;
}

/* Build into a fresh BUF_SIZE buffer; NULL (and a FAIL) if it did not work. */
static void *build(const struct desc *d)
{
	void *buf = malloc(BUF_SIZE);
	int err;

	if (!buf)
		return NULL;
	err = fdt_build(&d->m, &d->b, buf, BUF_SIZE);
	CHECK_EQ(err, 0);
	if (err) {
		printf("  fdt_build: %s\n", fdt_strerror(err));
		free(buf);
		return NULL;
	}
	CHECK_EQ(fdt_check_header(buf), 0);
	CHECK_EQ(fdt_check_full(buf, fdt_totalsize(buf)), 0);
	/* Packed: the strings block ends the blob. */
	CHECK_EQ(fdt_totalsize(buf), fdt_off_dt_strings(buf) + fdt_size_dt_strings(buf));
	return buf;
}

/* The plain machine: the four CPUs of mpidrs4, nothing else set. */
static void *build_four_cpus(struct desc *d)
{
	make_desc(d, mpidrs4, ARRAY_SIZE(mpidrs4));
	return build(d);
}

static int node(const void *fdt, const char *path)
{
	int off = fdt_path_offset(fdt, path);

	if (off < 0)
		printf("  no node %s: %s\n", path, fdt_strerror(off));
	return off;
}

static const void *prop(const void *fdt, const char *path, const char *name, int *len)
{
	int off = node(fdt, path);
	const void *val;

	*len = -1;
	if (off < 0)
		return NULL;
	val = fdt_getprop(fdt, off, name, len);
	if (!val)
		printf("  no property %s:%s\n", path, name);
	return val;
}

static bool has_prop(const void *fdt, const char *path, const char *name)
{
	int off = node(fdt, path), len;

	return off >= 0 && fdt_getprop(fdt, off, name, &len) != NULL;
}

/* A string property: exactly one NUL-terminated string. */
static const char *prop_str(const void *fdt, const char *path, const char *name)
{
	int len;
	const char *s = prop(fdt, path, name, &len);

	if (!s || len < 1 || s[len - 1] != '\0' || (int)strlen(s) != len - 1)
		return NULL;
	return s;
}

static bool prop_empty(const void *fdt, const char *path, const char *name)
{
	int len;

	return prop(fdt, path, name, &len) != NULL && len == 0;
}

/* Compare a property with a list of 32-bit cells. */
static bool prop_cells(const void *fdt, const char *path, const char *name, const uint32_t *cells,
		       int n)
{
	int len, i;
	const fdt32_t *v = prop(fdt, path, name, &len);

	if (!v || len != n * 4) {
		printf("  %s:%s is %d bytes, expected %d\n", path, name, len, n * 4);
		return false;
	}
	for (i = 0; i < n; i++) {
		if (fdt32_to_cpu(v[i]) != cells[i]) {
			printf("  %s:%s cell %d is 0x%x, expected 0x%x\n", path, name, i,
			       fdt32_to_cpu(v[i]), cells[i]);
			return false;
		}
	}
	return true;
}

static bool prop_u32(const void *fdt, const char *path, const char *name, uint32_t val)
{
	return prop_cells(fdt, path, name, &val, 1);
}

static bool prop_u64(const void *fdt, const char *path, const char *name, uint64_t val)
{
	uint32_t cells[2] = {(uint32_t)(val >> 32), (uint32_t)val};

	return prop_cells(fdt, path, name, cells, 2);
}

static bool prop_reg64(const void *fdt, const char *path, uint64_t base, uint64_t size)
{
	uint32_t cells[4] = {(uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32),
			     (uint32_t)size};

	return prop_cells(fdt, path, "reg", cells, 4);
}

static int count_subnodes(const void *fdt, const char *path)
{
	int parent = node(fdt, path), off, n = 0;

	if (parent < 0)
		return -1;
	for (off = fdt_first_subnode(fdt, parent); off >= 0; off = fdt_next_subnode(fdt, off))
		n++;
	return n;
}

TEST(full_tree)
{
	struct desc d;
	const uint32_t timer_irqs[] = {1, 13, 8, 1, 14, 8, 1, 11, 8, 1, 10, 8};
	const uint32_t uart_irq[] = {0, GUEST_UART_SPI, 4};
	const uint32_t gic_reg[] = {0, GUEST_GICD_BASE,	   0, GUEST_GICD_SIZE,
				    0, GUEST_GICR_BASE(4), 0, 4 * GUEST_GICR_STRIDE};
	const char *cpu_paths[] = {"/cpus/cpu@0", "/cpus/cpu@1", "/cpus/cpu@2", "/cpus/cpu@100"};
	const uint32_t cpu_regs[] = {0, 1, 2, 0x100};
	const char *compat;
	void *fdt;
	unsigned int i;
	int off, len;

	make_desc(&d, mpidrs4, ARRAY_SIZE(mpidrs4));
	set_bootargs(&d, "console=ttyS0 earlycon rdinit=/init");
	d.b.initrd_start = 0x88000000;
	d.b.initrd_end = 0x88345678;
	fdt = build(&d);
	if (!fdt)
		return;
	CHECK(fdt_totalsize(fdt) <= fdt_build_size_hint(&d.m));

	/* root */
	CHECK_STR(prop_str(fdt, "/", "compatible"), "linux,dummy-virt");
	CHECK_STR(prop_str(fdt, "/", "model"), "vmm");
	CHECK(prop_u32(fdt, "/", "#address-cells", 2));
	CHECK(prop_u32(fdt, "/", "#size-cells", 2));
	CHECK(prop_u32(fdt, "/", "interrupt-parent", FDT_GIC_PHANDLE));
	CHECK_EQ(fdt_num_mem_rsv(fdt), 0);

	/* /chosen and /aliases */
	CHECK_STR(prop_str(fdt, "/chosen", "bootargs"), d.m.cmdline);
	CHECK_STR(prop_str(fdt, "/chosen", "stdout-path"), "/uart@1000000");
	CHECK(prop_u64(fdt, "/chosen", "linux,initrd-start", 0x88000000));
	CHECK(prop_u64(fdt, "/chosen", "linux,initrd-end", 0x88345678));
	CHECK_STR(prop_str(fdt, "/aliases", "serial0"), "/uart@1000000");
	/* the alias resolves to the node */
	CHECK_EQ(fdt_path_offset(fdt, "serial0"), fdt_path_offset(fdt, "/uart@1000000"));

	/* memory */
	CHECK_STR(prop_str(fdt, "/memory@80000000", "device_type"), "memory");
	CHECK(prop_reg64(fdt, "/memory@80000000", GUEST_RAM_BASE, 256ULL << 20));

	/* cpus, in description order, affinity only */
	CHECK(prop_u32(fdt, "/cpus", "#address-cells", 1));
	CHECK(prop_u32(fdt, "/cpus", "#size-cells", 0));
	CHECK_EQ(count_subnodes(fdt, "/cpus"), 4);
	off = fdt_first_subnode(fdt, fdt_path_offset(fdt, "/cpus"));
	for (i = 0; i < ARRAY_SIZE(cpu_paths); i++) {
		CHECK_EQ(off, fdt_path_offset(fdt, cpu_paths[i]));
		CHECK_STR(prop_str(fdt, cpu_paths[i], "device_type"), "cpu");
		CHECK_STR(prop_str(fdt, cpu_paths[i], "compatible"), "arm,arm-v8");
		CHECK_STR(prop_str(fdt, cpu_paths[i], "enable-method"), "psci");
		CHECK(prop_u32(fdt, cpu_paths[i], "reg", cpu_regs[i]));
		off = fdt_next_subnode(fdt, off);
	}

	/* psci: a two-string list */
	off = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-1.0");
	CHECK_EQ(off, fdt_path_offset(fdt, "/psci"));
	CHECK_EQ(fdt_node_offset_by_compatible(fdt, -1, "arm,psci-0.2"), off);
	CHECK_EQ(fdt_stringlist_count(fdt, off, "compatible"), 2);
	compat = fdt_stringlist_get(fdt, off, "compatible", 0, &len);
	CHECK(compat && len == 12 && !memcmp(compat, "arm,psci-1.0", 12));
	compat = fdt_stringlist_get(fdt, off, "compatible", 1, &len);
	CHECK(compat && len == 12 && !memcmp(compat, "arm,psci-0.2", 12));
	CHECK_STR(prop_str(fdt, "/psci", "method"), "hvc");

	/* GIC, the interrupt parent */
	off = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	CHECK_EQ(off, fdt_path_offset(fdt, "/intc@3fff0000"));
	CHECK_EQ(fdt_node_offset_by_phandle(fdt, FDT_GIC_PHANDLE), off);
	CHECK_EQ(fdt_get_phandle(fdt, off), FDT_GIC_PHANDLE);
	CHECK(prop_u32(fdt, "/intc@3fff0000", "#interrupt-cells", 3));
	CHECK(prop_empty(fdt, "/intc@3fff0000", "interrupt-controller"));
	CHECK(prop_u32(fdt, "/intc@3fff0000", "#address-cells", 2));
	CHECK(prop_u32(fdt, "/intc@3fff0000", "#size-cells", 2));
	CHECK(prop_empty(fdt, "/intc@3fff0000", "ranges"));
	CHECK(prop_cells(fdt, "/intc@3fff0000", "reg", gic_reg, ARRAY_SIZE(gic_reg)));
	CHECK(prop_u32(fdt, "/intc@3fff0000", "phandle", FDT_GIC_PHANDLE));

	/* timer */
	CHECK_EQ(fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer"),
		 fdt_path_offset(fdt, "/timer"));
	CHECK(prop_empty(fdt, "/timer", "always-on"));
	CHECK(prop_cells(fdt, "/timer", "interrupts", timer_irqs, ARRAY_SIZE(timer_irqs)));

	/* UART */
	CHECK_EQ(fdt_node_offset_by_compatible(fdt, -1, "ns16550a"),
		 fdt_path_offset(fdt, "/uart@1000000"));
	CHECK(prop_reg64(fdt, "/uart@1000000", GUEST_UART_BASE, GUEST_UART_SIZE));
	CHECK(prop_u32(fdt, "/uart@1000000", "clock-frequency", GUEST_UART_CLOCK_HZ));
	CHECK(prop_cells(fdt, "/uart@1000000", "interrupts", uart_irq, ARRAY_SIZE(uart_irq)));

	/* test device */
	CHECK_EQ(fdt_node_offset_by_compatible(fdt, -1, "vmm,testdev"),
		 fdt_path_offset(fdt, "/testdev@1001000"));
	CHECK(prop_reg64(fdt, "/testdev@1001000", GUEST_TESTDEV_BASE, GUEST_TESTDEV_SIZE));

	/* and nothing else at the top */
	CHECK_EQ(count_subnodes(fdt, "/"), 9);
	free(fdt);
}

TEST(no_bootargs)
{
	struct desc d;
	void *fdt;

	fdt = build_four_cpus(&d);
	if (!fdt)
		return;
	CHECK(!has_prop(fdt, "/chosen", "bootargs"));
	CHECK_STR(prop_str(fdt, "/chosen", "stdout-path"), "/uart@1000000");
	free(fdt);

	set_bootargs(&d, "");
	fdt = build(&d);
	if (!fdt)
		return;
	CHECK(!has_prop(fdt, "/chosen", "bootargs"));
	CHECK_STR(prop_str(fdt, "/chosen", "stdout-path"), "/uart@1000000");
	free(fdt);
}

TEST(no_initrd)
{
	struct desc d;
	void *fdt;

	make_desc(&d, mpidrs4, ARRAY_SIZE(mpidrs4));
	set_bootargs(&d, "quiet");
	fdt = build(&d);
	if (!fdt)
		return;
	CHECK(!has_prop(fdt, "/chosen", "linux,initrd-start"));
	CHECK(!has_prop(fdt, "/chosen", "linux,initrd-end"));
	CHECK_STR(prop_str(fdt, "/chosen", "bootargs"), "quiet");
	free(fdt);

	/* an empty range is no initrd either */
	d.b.initrd_start = d.b.initrd_end = 0x88000000;
	fdt = build(&d);
	if (!fdt)
		return;
	CHECK(!has_prop(fdt, "/chosen", "linux,initrd-start"));
	CHECK(!has_prop(fdt, "/chosen", "linux,initrd-end"));
	free(fdt);
}

TEST(no_testdev)
{
	struct desc d;
	void *fdt;

	make_desc(&d, mpidrs4, ARRAY_SIZE(mpidrs4));
	d.m.testdev_size = 0;
	fdt = build(&d);
	if (!fdt)
		return;
	CHECK(fdt_node_offset_by_compatible(fdt, -1, "vmm,testdev") < 0);
	CHECK_EQ(count_subnodes(fdt, "/"), 8);
	free(fdt);
}

/* --pmu: /pmu (arm,armv8-pmuv3), its overflow interrupt a level-high PPI
 * with the mask of the CPUs it reaches (at most eight bits of them). */
TEST(pmu_node)
{
	static uint64_t mpidrs[12];
	const uint32_t irq4[] = {1, GUEST_PMU_INTID - 16, 0x0f04};
	const uint32_t irq1[] = {1, GUEST_PMU_INTID - 16, 0x0104};
	const uint32_t irq12[] = {1, GUEST_PMU_INTID - 16, 0xff04};
	struct desc d;
	void *fdt;

	fdt = build_four_cpus(&d);
	if (!fdt)
		return;
	CHECK(fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-pmuv3") < 0);
	CHECK(fdt_path_offset(fdt, "/pmu") < 0);
	free(fdt);

	d.m.pmu_intid = GUEST_PMU_INTID;
	fdt = build(&d);
	if (!fdt)
		return;
	CHECK_EQ(fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-pmuv3"),
		 fdt_path_offset(fdt, "/pmu"));
	CHECK_STR(prop_str(fdt, "/pmu", "compatible"), "arm,armv8-pmuv3");
	CHECK(prop_cells(fdt, "/pmu", "interrupts", irq4, ARRAY_SIZE(irq4)));
	CHECK_EQ(count_subnodes(fdt, "/"), 10);
	CHECK(fdt_totalsize(fdt) <= fdt_build_size_hint(&d.m));
	free(fdt);

	make_desc(&d, mpidrs4, 1);
	d.m.pmu_intid = GUEST_PMU_INTID;
	fdt = build(&d);
	if (!fdt)
		return;
	CHECK(prop_cells(fdt, "/pmu", "interrupts", irq1, ARRAY_SIZE(irq1)));
	free(fdt);

	for (unsigned int i = 0; i < ARRAY_SIZE(mpidrs); i++)
		mpidrs[i] = 0x80000000 | i;
	make_desc(&d, mpidrs, ARRAY_SIZE(mpidrs));
	d.m.pmu_intid = GUEST_PMU_INTID;
	fdt = build(&d);
	if (!fdt)
		return;
	CHECK(prop_cells(fdt, "/pmu", "interrupts", irq12, ARRAY_SIZE(irq12)));
	free(fdt);
}

TEST(smc_method)
{
	struct desc d;
	void *fdt;

	make_desc(&d, mpidrs4, ARRAY_SIZE(mpidrs4));
	d.m.conduit = MACHINE_CONDUIT_SMC;
	fdt = build(&d);
	if (!fdt)
		return;
	CHECK_STR(prop_str(fdt, "/psci", "method"), "smc");
	free(fdt);
}

TEST(two_cell_cpus)
{
	/* Aff3 = 1 on the third CPU; bits 31 and 24 (MT) are not affinity. */
	static const uint64_t mpidrs[] = {0x80000000, 0x81000001, 0x180000000, 0xff80ffffffULL};
	const uint32_t reg0[] = {0, 0}, reg1[] = {0, 1}, reg2[] = {1, 0}, reg3[] = {0xff, 0xffffff};
	struct desc d;
	void *fdt;

	make_desc(&d, mpidrs, ARRAY_SIZE(mpidrs));
	fdt = build(&d);
	if (!fdt)
		return;
	CHECK(prop_u32(fdt, "/cpus", "#address-cells", 2));
	CHECK(prop_u32(fdt, "/cpus", "#size-cells", 0));
	CHECK_EQ(count_subnodes(fdt, "/cpus"), 4);
	CHECK(prop_cells(fdt, "/cpus/cpu@0", "reg", reg0, 2));
	CHECK(prop_cells(fdt, "/cpus/cpu@1", "reg", reg1, 2));
	CHECK(prop_cells(fdt, "/cpus/cpu@100000000", "reg", reg2, 2));
	CHECK(prop_cells(fdt, "/cpus/cpu@ff00ffffff", "reg", reg3, 2));
	CHECK_STR(prop_str(fdt, "/cpus/cpu@100000000", "enable-method"), "psci");
	free(fdt);
}

TEST(invalid)
{
	static const uint64_t dup[] = {0x80000001, 0x1};
	struct desc d;
	char buf[4096];

	CHECK_EQ(fdt_build(NULL, NULL, buf, sizeof(buf)), -FDT_ERR_BADVALUE);

	make_desc(&d, mpidrs4, 0);
	CHECK_EQ(fdt_build(&d.m, &d.b, buf, sizeof(buf)), -FDT_ERR_BADVALUE);

	make_desc(&d, mpidrs4, ARRAY_SIZE(mpidrs4));
	CHECK_EQ(fdt_build(&d.m, NULL, buf, sizeof(buf)), -FDT_ERR_BADVALUE);
	d.m.nr_cpus = MACHINE_MAX_CPUS + 1;
	CHECK_EQ(fdt_build(&d.m, &d.b, buf, sizeof(buf)), -FDT_ERR_BADVALUE);

	make_desc(&d, mpidrs4, ARRAY_SIZE(mpidrs4));
	d.m.ram_size = 0;
	CHECK_EQ(fdt_build(&d.m, &d.b, buf, sizeof(buf)), -FDT_ERR_BADVALUE);

	make_desc(&d, mpidrs4, ARRAY_SIZE(mpidrs4));
	d.m.ram_base = 0xfffffffff0000000ULL;
	d.m.ram_size = 0x20000000;
	CHECK_EQ(fdt_build(&d.m, &d.b, buf, sizeof(buf)), -FDT_ERR_BADVALUE);

	make_desc(&d, mpidrs4, ARRAY_SIZE(mpidrs4));
	d.b.initrd_start = 0x88100000;
	d.b.initrd_end = 0x88000000;
	CHECK_EQ(fdt_build(&d.m, &d.b, buf, sizeof(buf)), -FDT_ERR_BADVALUE);

	make_desc(&d, mpidrs4, ARRAY_SIZE(mpidrs4));
	d.b.initrd_start = 1;
	CHECK_EQ(fdt_build(&d.m, &d.b, buf, sizeof(buf)), -FDT_ERR_BADVALUE);

	make_desc(&d, dup, ARRAY_SIZE(dup));
	CHECK_EQ(fdt_build(&d.m, &d.b, buf, sizeof(buf)), -FDT_ERR_BADVALUE);

	make_desc(&d, mpidrs4, ARRAY_SIZE(mpidrs4));
	d.m.conduit = (enum machine_conduit)7;
	CHECK_EQ(fdt_build(&d.m, &d.b, buf, sizeof(buf)), -FDT_ERR_BADVALUE);

	make_desc(&d, mpidrs4, ARRAY_SIZE(mpidrs4));
	d.m.uart_spi = 988;
	CHECK_EQ(fdt_build(&d.m, &d.b, buf, sizeof(buf)), -FDT_ERR_BADVALUE);
	d.m.uart_spi = 987;
	CHECK_EQ(fdt_build(&d.m, &d.b, buf, sizeof(buf)), 0);

	/* the PMU interrupt must be a PPI: INTIDs 16..31 */
	make_desc(&d, mpidrs4, ARRAY_SIZE(mpidrs4));
	d.m.pmu_intid = 15;
	CHECK_EQ(fdt_build(&d.m, &d.b, buf, sizeof(buf)), -FDT_ERR_BADVALUE);
	d.m.pmu_intid = 32;
	CHECK_EQ(fdt_build(&d.m, &d.b, buf, sizeof(buf)), -FDT_ERR_BADVALUE);
	d.m.pmu_intid = 16;
	CHECK_EQ(fdt_build(&d.m, &d.b, buf, sizeof(buf)), 0);
	d.m.pmu_intid = 31;
	CHECK_EQ(fdt_build(&d.m, &d.b, buf, sizeof(buf)), 0);
}

/*
 * Every buffer too small fails with NOSPACE, never a crash: each size is its
 * own exact heap block, so ASan reports any write past it. The smallest
 * that works is a little above the packed size (the sequential-write API
 * aligns the reserve map to 16 while building; fdt_pack() moves it back to
 * 8), and every larger size gives the same bytes.
 */
TEST(too_small)
{
	struct desc d;
	void *ref, *buf;
	size_t blob, size, need = 0;
	int err;

	make_golden_desc(&d);
	ref = build(&d);
	if (!ref)
		return;
	blob = fdt_totalsize(ref);
	CHECK_EQ(fdt_build(&d.m, &d.b, NULL, 0), -FDT_ERR_NOSPACE);
	CHECK_EQ(fdt_build(&d.m, &d.b, NULL, 4096), -FDT_ERR_NOSPACE);
	for (size = 0; size <= blob + 64; size++) {
		buf = malloc(size ? size : 1);
		if (!buf)
			break;
		err = fdt_build(&d.m, &d.b, buf, size);
		if (err == 0) {
			if (!need)
				need = size;
			CHECK_EQ(fdt_totalsize(buf), blob);
			CHECK(memcmp(buf, ref, blob) == 0);
		} else if (need || err != -FDT_ERR_NOSPACE) {
			printf("  size %zu (blob %zu): %d (%s)\n", size, blob, err,
			       fdt_strerror(err));
			CHECK(!need);
			CHECK_EQ(err, -FDT_ERR_NOSPACE);
			free(buf);
			break;
		}
		free(buf);
	}
	CHECK(need >= blob && need <= blob + 8);
	free(ref);
}

/* The hint is enough for 1..512 CPUs, with the longest CPU node names. */
TEST(size_hint)
{
	static uint64_t mpidrs[512];
	char bootargs[MACHINE_CMDLINE_MAX];
	struct desc d;
	size_t hint, max_blob = 0, max_hint = 0;
	unsigned int n, i;
	void *buf;
	int err, pass;

	memset(bootargs, 'x', sizeof(bootargs) - 1);
	bootargs[sizeof(bootargs) - 1] = '\0';
	for (pass = 0; pass < 3; pass++) {
		for (i = 0; i < ARRAY_SIZE(mpidrs); i++) {
			/* KVM's numbering, then the widest affinities */
			mpidrs[i] = 0x80000000 | (i % 16) | ((uint64_t)(i / 16) << 8);
			if (pass == 2)
				mpidrs[i] |= 0xf000f00000ULL;
		}
		for (n = 1; n <= ARRAY_SIZE(mpidrs); n++) {
			make_desc(&d, mpidrs, n);
			set_bootargs(&d, pass == 0 ? NULL : bootargs);
			d.m.pmu_intid = GUEST_PMU_INTID;
			d.b.initrd_start = 0xfffffffff0000000ULL;
			d.b.initrd_end = 0xfffffffff8000000ULL;
			hint = fdt_build_size_hint(&d.m);
			buf = malloc(hint);
			if (!buf)
				return;
			err = fdt_build(&d.m, &d.b, buf, hint);
			if (err) {
				printf("  %u CPUs, pass %d: hint %zu: %s\n", n, pass, hint,
				       fdt_strerror(err));
				CHECK_EQ(err, 0);
				free(buf);
				return;
			}
			if (fdt_totalsize(buf) > max_blob) {
				max_blob = fdt_totalsize(buf);
				max_hint = hint;
			}
			free(buf);
		}
	}
	/* A bound, but not a wasteful one. */
	CHECK(max_hint < 2 * max_blob);
}

TEST(golden)
{
	struct desc d;
	void *fdt;

	make_golden_desc(&d);
	fdt = build(&d);
	if (!fdt)
		return;
	golden_check_dtb(fdt, OUT_DIR, "fdt-2cpu", GOLDEN);
	free(fdt);
}

/* The golden source itself compiles without a warning. */
TEST(golden_dtc_clean)
{
	golden_dts_compiles_cleanly(GOLDEN);
}

static void add_its(struct desc *d)
{
	d->m.its_base = GUEST_ITS_BASE;
	d->m.its_size = GUEST_ITS_SIZE;
}

/*
 * --irqchip gicv3-its: the ITS is a child of the GIC node (arm,gic-v3.yaml),
 * an MSI controller with one specifier cell, its reg in the GIC's two and
 * two cells, which the empty ranges maps 1:1. Without it, no child at all.
 */
TEST(its_is_an_msi_controller_child_of_the_gic)
{
	char gic[64], its[96];
	struct desc d;
	void *fdt;
	int len;

	snprintf(gic, sizeof(gic), "/intc@%lx", GUEST_GICD_BASE);
	snprintf(its, sizeof(its), "%s/msi-controller@%lx", gic, GUEST_ITS_BASE);
	make_golden_desc(&d);
	fdt = build(&d);
	if (!fdt)
		return;
	CHECK_EQ(count_subnodes(fdt, gic), 0);
	CHECK(fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3-its") < 0);
	free(fdt);

	add_its(&d);
	fdt = build(&d);
	if (!fdt)
		return;
	CHECK_STR(prop_str(fdt, its, "compatible"), "arm,gic-v3-its");
	CHECK(has_prop(fdt, its, "msi-controller"));
	CHECK(prop_u32(fdt, its, "#msi-cells", 1));
	CHECK(prop_u32(fdt, its, "phandle", FDT_ITS_PHANDLE));
	CHECK(prop_reg64(fdt, its, GUEST_ITS_BASE, GUEST_ITS_SIZE));
	CHECK(prop_u32(fdt, gic, "#address-cells", 2));
	CHECK(prop_u32(fdt, gic, "#size-cells", 2));
	CHECK(prop(fdt, gic, "ranges", &len) != NULL);
	CHECK_EQ(len, 0);
	CHECK_EQ(count_subnodes(fdt, gic), 1);
	/* the GIC stays the interrupt controller and keeps its phandle */
	CHECK(prop_u32(fdt, gic, "phandle", FDT_GIC_PHANDLE));
	free(fdt);

	/* a frame that wraps the address space is refused */
	d.m.its_base = ~0ULL - 0xffff;
	fdt = malloc(BUF_SIZE);
	if (fdt)
		CHECK_EQ(fdt_build(&d.m, &d.b, fdt, BUF_SIZE), -FDT_ERR_BADVALUE);
	free(fdt);
}

/* The ITS variant of the golden machine: its own golden, dtc silent. */
TEST(golden_its)
{
	struct desc d;
	void *fdt;

	make_golden_desc(&d);
	add_its(&d);
	fdt = build(&d);
	if (!fdt)
		return;
	golden_check_dtb(fdt, OUT_DIR, "fdt-2cpu-its", GOLDEN_ITS);
	free(fdt);
	golden_dts_compiles_cleanly(GOLDEN_ITS);
}

/* dtc's checks find nothing in the other shapes of tree either. */
TEST(dtc_clean_variants)
{
	static const uint64_t wide[] = {0x80000000, 0x100000001};
	struct desc d;
	char *dts, *errs;
	void *fdt;
	int i;

	for (i = 0; i < 3; i++) {
		if (i == 0) {
			make_desc(&d, mpidrs4, ARRAY_SIZE(mpidrs4));
			set_bootargs(&d, "console=ttyS0");
			d.b.initrd_start = 0x88000000;
			d.b.initrd_end = 0x89000000;
		} else if (i == 1) {
			make_desc(&d, wide, ARRAY_SIZE(wide));
			d.m.conduit = MACHINE_CONDUIT_SMC;
			d.m.pmu_intid = GUEST_PMU_INTID;
		} else {
			make_desc(&d, mpidrs4, 1);
			d.m.testdev_size = 0;
		}
		fdt = build(&d);
		if (!fdt)
			return;
		dts = golden_dtc_decompile(fdt, OUT_DIR, "fdt-variant", &errs);
		free(fdt);
		CHECK(dts != NULL);
		golden_check_no_warnings("a variant", errs);
		free(dts);
		free(errs);
	}
}

CHECK_MAIN_BEGIN
RUN(full_tree);
RUN(no_bootargs);
RUN(no_initrd);
RUN(no_testdev);
RUN(pmu_node);
RUN(smc_method);
RUN(two_cell_cpus);
RUN(invalid);
RUN(too_small);
RUN(size_hint);
RUN(golden);
RUN(golden_dtc_clean);
RUN(its_is_an_msi_controller_child_of_the_gic);
RUN(golden_its);
RUN(dtc_clean_variants);
CHECK_MAIN_END
