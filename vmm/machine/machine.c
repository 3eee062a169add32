/*
 * machine_describe(): the options become the machine the guest sees (see
 * machine.h for what it holds and why it is the one source). Pure: the KVM
 * glue checks what only the host can say (vCPU limit, IPA size, PMU).
 */
#include <stdio.h>
#include <string.h>

#include "vmm/cli/cli.h"
#include "vmm/machine/guest_abi.h"
#include "vmm/machine/machine.h"

_Static_assert(VMM_MAX_CPUS <= MACHINE_MAX_CPUS, "MACHINE_MAX_CPUS below VMM_MAX_CPUS");

static void describe_cpus(const struct vmm_config *cfg, struct machine *m)
{
	m->nr_cpus = cfg->max_cpus;
	m->nr_boot_cpus = cfg->nr_cpus;
	for (unsigned int i = 0; i < m->nr_cpus; i++) {
		m->mpidrs[i] = GUEST_MPIDR(i);
		m->boot_present[i] = i < m->nr_boot_cpus;
	}
}

/* One region of the map, [base, base + size). */
static void place(uint64_t *base, uint64_t *size, uint64_t at, uint64_t len)
{
	*base = at;
	*size = len;
}

static void describe_memory_map(const struct vmm_config *cfg, struct machine *m)
{
	place(&m->ram_base, &m->ram_size, GUEST_RAM_BASE, cfg->ram_size);
	place(&m->uart_base, &m->uart_size, GUEST_UART_BASE, GUEST_UART_SIZE);
	m->uart_clock_hz = GUEST_UART_CLOCK_HZ;
	place(&m->testdev_base, &m->testdev_size, GUEST_TESTDEV_BASE, GUEST_TESTDEV_SIZE);
	place(&m->pvtime_base, &m->pvtime_size, GUEST_PVTIME_BASE, GUEST_PVTIME_SIZE);
	if (cfg->acpi) {
		place(&m->cpuhp_base, &m->cpuhp_size, GUEST_CPUHP_BASE, GUEST_CPUHP_SIZE);
		place(&m->acpi_base, &m->acpi_size, GUEST_ACPI_BASE, GUEST_ACPI_SIZE);
	}
	place(&m->gicd_base, &m->gicd_size, GUEST_GICD_BASE, GUEST_GICD_SIZE);
	place(&m->gicr_base, &m->gicr_size, GUEST_GICR_BASE(m->nr_cpus),
	      (uint64_t)m->nr_cpus * GUEST_GICR_STRIDE);
	if (cfg->its)
		place(&m->its_base, &m->its_size, GUEST_ITS_BASE, GUEST_ITS_SIZE);
}

int machine_describe(const struct vmm_config *cfg, struct machine *m, char *err, size_t errlen)
{
	memset(m, 0, sizeof(*m));
	if (cfg->nr_cpus == 0 || cfg->max_cpus < cfg->nr_cpus || cfg->max_cpus > MACHINE_MAX_CPUS) {
		snprintf(err, errlen,
			 "%u vCPUs present of %u possible: need 1 <= present <= "
			 "possible <= %u",
			 cfg->nr_cpus, cfg->max_cpus, MACHINE_MAX_CPUS);
		return -1;
	}
	if (cfg->cmdline && strlen(cfg->cmdline) >= MACHINE_CMDLINE_MAX) {
		snprintf(err, errlen, "the kernel command line has %zu bytes; at most %d fit",
			 strlen(cfg->cmdline), MACHINE_CMDLINE_MAX - 1);
		return -1;
	}
	describe_cpus(cfg, m);
	describe_memory_map(cfg, m);
	m->uart_spi = GUEST_UART_SPI;
	m->ged_spi = cfg->acpi ? GUEST_GED_SPI : 0;
	m->pmu_intid = cfg->pmu ? GUEST_PMU_INTID : 0;
	m->conduit = cfg->conduit == SMCCC_CONDUIT_SMC ? MACHINE_CONDUIT_SMC : MACHINE_CONDUIT_HVC;
	m->psci = cfg->psci_mode == PSCI_MODE_KERNEL ? MACHINE_PSCI_KERNEL : MACHINE_PSCI_USER;
	m->acpi = cfg->acpi;
	if (cfg->cmdline)
		memcpy(m->cmdline, cfg->cmdline, strlen(cfg->cmdline) + 1);
	return 0;
}
