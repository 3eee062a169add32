/*
 * The machine description: what the guest sees, decided ONCE from the
 * options (struct vmm_config) by machine_describe(), and the one source every
 * reader takes it from: the device-tree builder (fdt/fdt_build.c, the stub of
 * fdt/fdt_stub.c), the ACPI builder (vmm/machine/acpi*.c) and VM creation
 * (vmm/kvm/). Nothing else fills these facts a second time.
 *
 * It holds: the possible vCPUs with their MPIDRs and which are present at
 * boot; the memory map (RAM, UART, test device, CPU hotplug block, PV time,
 * ACPI region, GICv3 distributor and redistributors, the ITS with
 * `--irqchip gicv3-its`); the interrupts (UART
 * SPI, GED SPI, PMU INTID); the PSCI conduit and mode; DT or ACPI; the kernel
 * command line. Addresses come from vmm/machine/guest_abi.h.
 *
 * Not in it (per boot, passed beside it): where the initrd landed, the
 * present bits after hotplug (struct vmm_shared), the EFI layout addresses.
 *
 * Plain data, fixed-size arrays, no pointers: a snapshot can write it to a
 * file and compare it byte for byte on restore (machine_describe() zeroes
 * the whole struct first, padding included).
 */
#ifndef VMM_MACHINE_H
#define VMM_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vmm_config;

/* At least VMM_MAX_CPUS (vmm/cli/cli.h); machine.c checks it. */
#define MACHINE_MAX_CPUS 512
/* arm64 Linux's COMMAND_LINE_SIZE, terminating NUL included. */
#define MACHINE_CMDLINE_MAX 2048

/* How the guest calls PSCI/SMCCC (DEN0028 §2.5). */
enum machine_conduit {
	MACHINE_CONDUIT_HVC,
	MACHINE_CONDUIT_SMC,
};

/* Who answers PSCI: this VMM (through the SMCCC filter) or KVM. */
enum machine_psci {
	MACHINE_PSCI_USER,
	MACHINE_PSCI_KERNEL,
};

struct machine {
	/* Possible vCPUs (all created; hotplug flips presence) and their
	 * MPIDR_EL1 values (GUEST_MPIDR(n), what KVM gives vCPU n). */
	unsigned int nr_cpus;
	uint64_t mpidrs[MACHINE_MAX_CPUS];
	/* Present at boot: vCPUs 0 .. nr_boot_cpus - 1. */
	unsigned int nr_boot_cpus;
	bool boot_present[MACHINE_MAX_CPUS];

	/* The memory map, guest-physical [base, base + size). A size of 0
	 * means the machine has no such thing (cpuhp and acpi without --acpi). */
	uint64_t ram_base, ram_size;
	uint64_t uart_base, uart_size;
	uint32_t uart_clock_hz;
	uint64_t testdev_base, testdev_size;
	uint64_t cpuhp_base, cpuhp_size;
	uint64_t pvtime_base, pvtime_size;
	uint64_t acpi_base, acpi_size;
	uint64_t gicd_base, gicd_size;
	uint64_t gicr_base, gicr_size; /* nr_cpus frames of GUEST_GICR_STRIDE */
	uint64_t its_base, its_size;   /* the GICv3 ITS; size 0: none */

	/* Interrupts: SPI numbers (INTID - 32) and the PMU's PPI INTID. */
	uint32_t uart_spi;
	uint32_t ged_spi;   /* the Generic Event Device (ACPI hotplug) */
	uint32_t pmu_intid; /* 0: no PMU */

	enum machine_conduit conduit;
	enum machine_psci psci;
	bool acpi; /* ACPI tables + EFI hand-off + stub DT, else a full DT */

	char cmdline[MACHINE_CMDLINE_MAX]; /* "" leaves /chosen/bootargs out */
};

/*
 * Describe the machine cfg asks for into *m. 0, or -1 with one line in err
 * naming what cannot be described (vCPU counts, a command line too long).
 */
int machine_describe(const struct vmm_config *cfg, struct machine *m, char *err, size_t errlen);

static inline bool machine_has_pmu(const struct machine *m)
{
	return m->pmu_intid != 0;
}

/* A GICv3 ITS (--irqchip gicv3-its): LPIs and MSIs for the guest. */
static inline bool machine_has_its(const struct machine *m)
{
	return m->its_size != 0;
}

#endif
