/*
 * Unit tests of the machine description (vmm/machine/machine.c): the one
 * place the options become what the guest sees. Addresses and MPIDRs must
 * be the guest ABI's (guest_abi.h), the redistributor region must grow with
 * the possible vCPUs, ACPI mode must add the hotplug block and the table
 * region, and the description must be plain, repeatable data (the snapshot
 * compares it byte for byte).
 */
#define CHECK_FILE "machine"
#include "tests/unit/check.h"

#include <stdint.h>

#include <libfdt.h>

#include "fdt/fdt_build.h"
#include "vmm/cli/cli.h"
#include "vmm/machine/guest_abi.h"
#include "vmm/machine/machine.h"

/* Options as cli_parse_boot() leaves them for `--cpus n --max-cpus max`. */
static struct vmm_config config(unsigned int nr_cpus, unsigned int max_cpus)
{
	struct vmm_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.nr_cpus = nr_cpus;
	cfg.max_cpus = max_cpus;
	cfg.ram_size = 256ULL << 20;
	cfg.conduit = SMCCC_CONDUIT_HVC;
	cfg.psci_mode = PSCI_MODE_USER;
	return cfg;
}

static bool describe(const struct vmm_config *cfg, struct machine *m)
{
	char err[256] = "";
	int ret = machine_describe(cfg, m, err, sizeof(err));

	CHECK_EQ(ret, 0);
	if (ret)
		printf("  machine_describe: %s\n", err);
	return ret == 0;
}

TEST(one_vcpu_device_tree_machine_has_the_guest_abi_memory_map)
{
	struct vmm_config cfg = config(1, 1);
	static struct machine m;

	if (!describe(&cfg, &m))
		return;
	CHECK_EQ(m.nr_cpus, 1);
	CHECK_EQ(m.nr_boot_cpus, 1);
	CHECK(m.boot_present[0]);
	CHECK_EQ(m.mpidrs[0], 0x80000000ULL);
	CHECK_EQ(m.ram_base, GUEST_RAM_BASE);
	CHECK_EQ(m.ram_size, 256ULL << 20);
	CHECK_EQ(m.uart_base, GUEST_UART_BASE);
	CHECK_EQ(m.uart_size, GUEST_UART_SIZE);
	CHECK_EQ(m.uart_clock_hz, GUEST_UART_CLOCK_HZ);
	CHECK_EQ(m.uart_spi, GUEST_UART_SPI);
	CHECK_EQ(m.testdev_base, GUEST_TESTDEV_BASE);
	CHECK_EQ(m.testdev_size, GUEST_TESTDEV_SIZE);
	CHECK_EQ(m.pvtime_base, GUEST_PVTIME_BASE);
	CHECK_EQ(m.pvtime_size, GUEST_PVTIME_SIZE);
	CHECK_EQ(m.gicd_base, GUEST_GICD_BASE);
	CHECK_EQ(m.gicd_size, GUEST_GICD_SIZE);
	CHECK_EQ(m.gicr_base, GUEST_GICD_BASE - GUEST_GICR_STRIDE);
	CHECK_EQ(m.gicr_size, GUEST_GICR_STRIDE);
	/* a DT machine has no ACPI region, hotplug block or GED */
	CHECK_EQ(m.acpi_size, 0);
	CHECK_EQ(m.cpuhp_size, 0);
	CHECK_EQ(m.ged_spi, 0);
	CHECK(!m.acpi);
	CHECK_EQ(m.pmu_intid, 0);
	CHECK(!machine_has_pmu(&m));
	CHECK_EQ(m.conduit, MACHINE_CONDUIT_HVC);
	CHECK_EQ(m.psci, MACHINE_PSCI_USER);
	CHECK_STR(m.cmdline, "");
}

/* KVM's numbering: 16 vCPUs per Aff1 cluster, Aff2 from vCPU 4096 on. */
TEST(mpidrs_follow_kvm_numbering_and_only_the_first_vcpus_are_present)
{
	struct vmm_config cfg = config(3, VMM_MAX_CPUS);
	static struct machine m;

	if (!describe(&cfg, &m))
		return;
	CHECK_EQ(m.nr_cpus, VMM_MAX_CPUS);
	CHECK_EQ(m.nr_boot_cpus, 3);
	CHECK_EQ(m.mpidrs[1], 0x80000001ULL);
	CHECK_EQ(m.mpidrs[15], 0x8000000fULL);
	CHECK_EQ(m.mpidrs[16], 0x80000100ULL);
	CHECK_EQ(m.mpidrs[17], 0x80000101ULL);
	CHECK_EQ(m.mpidrs[511], 0x80001f0fULL);
	CHECK_EQ(GUEST_MPIDR(4096 + 18), 0x80010102ULL);
	for (unsigned int i = 0; i < m.nr_cpus; i++) {
		CHECK_EQ(m.mpidrs[i], GUEST_MPIDR(i));
		CHECK_EQ(m.boot_present[i], i < 3);
	}
}

/* One 128 KiB redistributor frame pair per possible vCPU, packed below
 * the distributor, clear of every other range. */
TEST(redistributor_region_grows_with_the_possible_vcpus)
{
	const unsigned int counts[] = {1, 2, 4, 17, 100, VMM_MAX_CPUS};
	static struct machine m;

	for (unsigned int i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		struct vmm_config cfg = config(1, counts[i]);

		cfg.acpi = true;
		if (!describe(&cfg, &m))
			return;
		CHECK_EQ(m.gicr_size, (uint64_t)counts[i] * GUEST_GICR_STRIDE);
		CHECK_EQ(m.gicr_base + m.gicr_size, m.gicd_base);
		CHECK_EQ(m.gicr_base, GUEST_GICR_BASE(counts[i]));
		CHECK(m.gicr_base >= m.acpi_base + m.acpi_size);
		CHECK(m.gicr_base >= m.pvtime_base + m.pvtime_size);
		CHECK(m.gicd_base + m.gicd_size <= m.ram_base);
	}
}

TEST(acpi_machine_adds_the_table_region_the_hotplug_block_and_the_ged)
{
	struct vmm_config cfg = config(2, 8);
	static struct machine m;

	cfg.acpi = true;
	if (!describe(&cfg, &m))
		return;
	CHECK(m.acpi);
	CHECK_EQ(m.acpi_base, GUEST_ACPI_BASE);
	CHECK_EQ(m.acpi_size, GUEST_ACPI_SIZE);
	CHECK_EQ(m.cpuhp_base, GUEST_CPUHP_BASE);
	CHECK_EQ(m.cpuhp_size, GUEST_CPUHP_SIZE);
	CHECK(GUEST_CPUHP_CPU(m.nr_cpus) <= m.cpuhp_size);
	CHECK_EQ(m.ged_spi, GUEST_GED_SPI);
	CHECK(m.ged_spi != m.uart_spi);
	/* the rest of the machine is the DT machine's */
	CHECK_EQ(m.gicr_base, GUEST_GICR_BASE(8));
	CHECK_EQ(m.uart_base, GUEST_UART_BASE);
}

/* Does [a, a + as) overlap [b, b + bs)? (Empty ranges overlap nothing.) */
static bool overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return as && bs && a < b + bs && b < a + as;
}

/*
 * --irqchip gicv3-its: the ITS's 128 KiB (control and translation frames),
 * 64 KiB aligned as KVM wants, clear of every other range for any vCPU
 * count (the redistributors grow down towards it) and in both DT and ACPI
 * mode. Without the option the machine has none.
 */
TEST(its_frame_is_in_the_map_only_with_irqchip_gicv3_its)
{
	const unsigned int counts[] = {1, 4, 100, VMM_MAX_CPUS};
	static struct machine m;

	for (unsigned int i = 0; i < 2 * sizeof(counts) / sizeof(counts[0]); i++) {
		struct vmm_config cfg = config(1, counts[i / 2]);

		cfg.acpi = i % 2;
		if (!describe(&cfg, &m))
			return;
		CHECK(!machine_has_its(&m));
		CHECK_EQ(m.its_base, 0);
		CHECK_EQ(m.its_size, 0);
		cfg.its = true;
		if (!describe(&cfg, &m))
			return;
		CHECK(machine_has_its(&m));
		CHECK_EQ(m.its_base, GUEST_ITS_BASE);
		CHECK_EQ(m.its_size, 0x20000);
		CHECK_EQ(m.its_base % 0x10000, 0);
		CHECK(!overlaps(m.its_base, m.its_size, m.gicr_base, m.gicr_size));
		CHECK(!overlaps(m.its_base, m.its_size, m.gicd_base, m.gicd_size));
		CHECK(!overlaps(m.its_base, m.its_size, m.ram_base, m.ram_size));
		CHECK(!overlaps(m.its_base, m.its_size, m.uart_base, m.uart_size));
		CHECK(!overlaps(m.its_base, m.its_size, m.testdev_base, m.testdev_size));
		CHECK(!overlaps(m.its_base, m.its_size, m.cpuhp_base, m.cpuhp_size));
		CHECK(!overlaps(m.its_base, m.its_size, m.pvtime_base, m.pvtime_size));
		CHECK(!overlaps(m.its_base, m.its_size, m.acpi_base, m.acpi_size));
		CHECK_EQ(m.acpi, cfg.acpi);
	}
}

TEST(pmu_conduit_psci_mode_and_command_line_come_from_the_options)
{
	struct vmm_config cfg = config(1, 1);
	static struct machine m;

	cfg.pmu = true;
	cfg.conduit = SMCCC_CONDUIT_SMC;
	cfg.psci_mode = PSCI_MODE_KERNEL;
	cfg.cmdline = "console=ttyS0 quiet";
	if (!describe(&cfg, &m))
		return;
	CHECK_EQ(m.pmu_intid, GUEST_PMU_INTID);
	CHECK(machine_has_pmu(&m));
	CHECK_EQ(m.conduit, MACHINE_CONDUIT_SMC);
	CHECK_EQ(m.psci, MACHINE_PSCI_KERNEL);
	CHECK_STR(m.cmdline, "console=ttyS0 quiet");
}

TEST(impossible_machines_are_refused_with_one_line)
{
	static char longline[MACHINE_CMDLINE_MAX + 1];
	struct vmm_config cfg = config(1, 1);
	static struct machine m;
	char err[256];

	memset(longline, 'x', MACHINE_CMDLINE_MAX);
	cfg.cmdline = longline; /* one byte too many */
	err[0] = '\0';
	CHECK_EQ(machine_describe(&cfg, &m, err, sizeof(err)), -1);
	CHECK(strstr(err, "command line") != NULL && !strchr(err, '\n'));
	longline[MACHINE_CMDLINE_MAX - 1] = '\0'; /* the most that fits */
	CHECK_EQ(machine_describe(&cfg, &m, err, sizeof(err)), 0);
	CHECK_EQ(strlen(m.cmdline), MACHINE_CMDLINE_MAX - 1);

	cfg = config(0, 1);
	err[0] = '\0';
	CHECK_EQ(machine_describe(&cfg, &m, err, sizeof(err)), -1);
	CHECK(strstr(err, "vCPUs") != NULL);
	cfg = config(3, 2);
	CHECK_EQ(machine_describe(&cfg, &m, err, sizeof(err)), -1);
	cfg = config(1, MACHINE_MAX_CPUS + 1);
	CHECK_EQ(machine_describe(&cfg, &m, err, sizeof(err)), -1);
}

/* What a snapshot relies on: the same options give the same bytes (padding
 * included), other options other bytes. */
TEST(the_description_is_plain_repeatable_data)
{
	static struct machine a, b;
	struct vmm_config cfg = config(2, 4);

	memset(&a, 0xa5, sizeof(a));
	memset(&b, 0x5a, sizeof(b));
	if (!describe(&cfg, &a) || !describe(&cfg, &b))
		return;
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	cfg.pmu = true;
	if (!describe(&cfg, &b))
		return;
	CHECK(memcmp(&a, &b, sizeof(a)) != 0);
}

/* The DT builder reads the same machine: its CPUs and GIC are the
 * description's. */
TEST(device_tree_built_from_the_description_shows_its_cpus_and_gic)
{
	static struct machine m;
	static uint8_t buf[64 << 10];
	const struct fdt_boot boot = {0};
	struct vmm_config cfg = config(2, 20);
	const fdt64_t *reg;
	char path[32];
	int len;

	if (!describe(&cfg, &m))
		return;
	CHECK_EQ(fdt_build(&m, &boot, buf, sizeof(buf)), 0);
	for (unsigned int i = 0; i < m.nr_cpus; i++) {
		snprintf(path, sizeof(path), "/cpus/cpu@%llx",
			 (unsigned long long)(m.mpidrs[i] & 0xff00ffffffULL));
		CHECK(fdt_path_offset(buf, path) >= 0);
	}
	/* vCPU 20 would be cpu@104: there are 20 */
	CHECK_EQ(fdt_path_offset(buf, "/cpus/cpu@104"), -FDT_ERR_NOTFOUND);
	CHECK(fdt_path_offset(buf, "/cpus/cpu@103") >= 0);
	reg = fdt_getprop(buf, fdt_path_offset(buf, "/intc@3fff0000"), "reg", &len);
	CHECK(reg && len == 32);
	if (reg && len == 32) {
		CHECK_EQ(fdt64_to_cpu(reg[2]), m.gicr_base);
		CHECK_EQ(fdt64_to_cpu(reg[3]), 20 * GUEST_GICR_STRIDE);
	}
}

CHECK_MAIN_BEGIN
RUN(one_vcpu_device_tree_machine_has_the_guest_abi_memory_map);
RUN(mpidrs_follow_kvm_numbering_and_only_the_first_vcpus_are_present);
RUN(redistributor_region_grows_with_the_possible_vcpus);
RUN(acpi_machine_adds_the_table_region_the_hotplug_block_and_the_ged);
RUN(its_frame_is_in_the_map_only_with_irqchip_gicv3_its);
RUN(pmu_conduit_psci_mode_and_command_line_come_from_the_options);
RUN(impossible_machines_are_refused_with_one_line);
RUN(the_description_is_plain_repeatable_data);
RUN(device_tree_built_from_the_description_shows_its_cpus_and_gic);
CHECK_MAIN_END
