/*
 * The contract between the VMM, the device-tree builder and the bare-metal
 * guest: the guest-physical memory map and the registers of the VMM's own
 * "test device". Shared by vmm/, fdt/ and guest/; keep it free of anything
 * that needs a hosted C library.
 *
 * The map follows kvmtool's arm64 layout where it can: MMIO devices low,
 * the GICv3 just below 1 GiB, RAM from 2 GiB.
 */
#ifndef VMM_GUEST_ABI_H
#define VMM_GUEST_ABI_H

/* 16550-compatible UART, byte-wide registers at stride 1. */
#define GUEST_UART_BASE	    0x01000000UL
#define GUEST_UART_SIZE	    0x1000UL
#define GUEST_UART_CLOCK_HZ 1843200U
/* SPI number (GIC INTID 32 + n) of the UART's interrupt line. */
#define GUEST_UART_SPI 0U

/*
 * Test device: a page of 32-bit registers the guest uses to talk to the
 * VMM without a hypercall. Reading GUEST_TESTDEV_ID is also the cheapest
 * userspace exit the VMM has (the MMIO baseline in `make bench`).
 */
#define GUEST_TESTDEV_BASE	0x01001000UL
#define GUEST_TESTDEV_SIZE	0x1000UL
#define GUEST_TESTDEV_ID	0x00 /* RO: GUEST_TESTDEV_MAGIC */
#define GUEST_TESTDEV_RESULT	0x04 /* WO: 0 = pass, else the guest failed */
#define GUEST_TESTDEV_RESETS	0x08 /* RO: SYSTEM_RESETs served so far */
#define GUEST_TESTDEV_PSCI_MODE 0x0c /* RO: GUEST_PSCI_MODE_USER or _KERNEL */
#define GUEST_TESTDEV_HCALLS	0x10 /* RO: hypercalls that exited to the VMM so far */
#define GUEST_TESTDEV_RESTORES	0x14 /* RO: times this guest was restored from a snapshot */
#define GUEST_PSCI_MODE_USER	0U
#define GUEST_PSCI_MODE_KERNEL	1U
#define GUEST_TESTDEV_MAGIC	0x564d4d54U /* "VMMT" */

/*
 * This VMM's own vendor-hypervisor service (SMCCC owner 6, SMC64/HVC64),
 * placed at function numbers 0x100.. so that it can never collide with
 * KVM's block 0-127 (DEN0028 §6, the kernel's hypercalls.rst).
 *
 * VMM_HYP_INFO: no arguments. x0 = 0, x1 = GUEST_VMM_HYP_MAGIC (so a guest
 *   can tell it runs under this VMM: elsewhere the call answers -1), x2 =
 *   the VMM's version (major << 16 | minor), x3 = possible vCPUs << 32 |
 *   present vCPUs.
 * VMM_HYP_CONSOLE_WRITE: x1 = guest-physical address, x2 = length (at most
 *   GUEST_VMM_CONSOLE_MAX). The bytes go to the VMM's console. x0 = number
 *   of bytes written, or -3 (INVALID_PARAMETER) if the buffer is not all in
 *   guest RAM or is too long.
 */
#define GUEST_VMM_HYP_INFO	    0xC6000100U
#define GUEST_VMM_HYP_CONSOLE_WRITE 0xC6000101U
#define GUEST_VMM_HYP_BASE	    0xC6000100U
#define GUEST_VMM_HYP_COUNT	    0x10U
#define GUEST_VMM_HYP_MAGIC	    0x564d4d2d50534349ULL /* "VMM-PSCI" */
#define GUEST_VMM_CONSOLE_MAX	    4096U

/*
 * Stolen-time records for PV time (the kernel's pvtime.rst): one 64-byte
 * record per vCPU in a region of its own, outside RAM, so the guest cannot
 * mistake it for memory. The guest finds its record with PV_TIME_ST.
 */
#define GUEST_PVTIME_BASE   0x02000000UL
#define GUEST_PVTIME_SIZE   0x10000UL /* 1024 records: more than VMM_MAX_CPUS */
#define GUEST_PVTIME_RECORD 64UL

/* GICv3: distributor just below 1 GiB, redistributors (one 128 KiB frame
 * pair per vCPU) packed below it. */
#define GUEST_GICD_BASE		 0x3fff0000UL
#define GUEST_GICD_SIZE		 0x10000UL
#define GUEST_GICR_STRIDE	 0x20000UL
#define GUEST_GICR_BASE(nr_cpus) (GUEST_GICD_BASE - (unsigned long)(nr_cpus)*GUEST_GICR_STRIDE)

/*
 * GICv3 ITS (`--irqchip gicv3-its`): its 64 KiB control frame, then the
 * 64 KiB translation frame (GITS_TRANSLATER at + 0x10040), which MSIs
 * write. Low, with the VMM's other devices: the redistributors grow down
 * from the distributor to 0x3bff_0000 for 512 vCPUs, never this far.
 * KVM wants it 64 KiB aligned.
 */
#define GUEST_ITS_BASE 0x04000000UL
#define GUEST_ITS_SIZE 0x20000UL

/*
 * ACPI boot (`--acpi`, Linux guests only): the EFI hand-off data (system
 * table, configuration table, memory map) and the ACPI tables live in a
 * memslot of their own, outside RAM, which the EFI memory map describes as
 * EfiACPIReclaimMemory. RAM stays whole for the kernel, initrd and DTB.
 */
#define GUEST_ACPI_BASE 0x03000000UL
#define GUEST_ACPI_SIZE 0x100000UL

/*
 * CPU hotplug registers (ACPI mode): what the DSDT's processor devices and
 * the Generic Event Device (ACPI0013, interrupt SPI GUEST_GED_SPI, edge,
 * active high) use to talk to the VMM. One 32-bit register per possible
 * vCPU n at GUEST_CPUHP_CPU(n):
 *   read:  bit 0 ENABLED (the vCPU is plugged: _STA 0xF, else 0xD)
 *          bit 1 INSERT   (a plug the OS has not been told about yet)
 *          bit 2 EJECT    (an unplug request the OS has not been told about)
 *   write: bit 1 / bit 2 acknowledge that event (the GED's _EVT notified it)
 *          bit 3 EJECTED  (_EJ0: the OS gave the vCPU up)
 * and one _OST register per vCPU n at GUEST_CPUHP_OST(n), which the
 * processor device's _OST method (ACPI 6.5 §6.3.5) writes with what the OS
 * made of an event:
 *   write: bits 31..16 the source event (Arg0: 1 device check, 3 eject
 *          request, 0x103 OSPM eject, ...), bits 15..0 the status code
 *          (Arg1: 0 success, 1 failure, 0x80.. specific to the event)
 *   read:  the last value written (0 before any)
 * GUEST_CPUHP_COUNT reads the number of possible vCPUs.
 */
#define GUEST_CPUHP_BASE	  0x01002000UL
#define GUEST_CPUHP_SIZE	  0x2000UL
#define GUEST_CPUHP_COUNT	  0x000
#define GUEST_CPUHP_CPU(n)	  (0x100UL + 4UL * (n))
#define GUEST_CPUHP_OST(n)	  (0x1000UL + 4UL * (n))
#define GUEST_CPUHP_OST_EVENT(v)  ((v) >> 16)
#define GUEST_CPUHP_OST_STATUS(v) ((v)&0xffffU)
#define GUEST_CPUHP_ENABLED	  (1U << 0)
#define GUEST_CPUHP_INSERT	  (1U << 1)
#define GUEST_CPUHP_EJECT	  (1U << 2)
#define GUEST_CPUHP_EJECTED	  (1U << 3)
#define GUEST_GED_SPI		  1U

/*
 * The PMU's overflow interrupt (`--pmu`): PPI 7, INTID 23, on every vCPU, as
 * kvmtool and QEMU's virt machine place it. Level-sensitive, active high.
 */
#define GUEST_PMU_INTID 23U

/*
 * vCPU n's MPIDR_EL1, as KVM sets it at reset (arch/arm64/kvm/sys_regs.c,
 * reset_mpidr): 16 vCPUs per Aff1 cluster (the GICv3 SGI target list),
 * bit 31 RES1. The machine description (machine.h) lists these.
 */
#define GUEST_MPIDR(n)                                                                             \
	(0x80000000ULL | (((unsigned long long)(n) >> 12 & 0xff) << 16) |                          \
	 (((unsigned long long)(n) >> 4 & 0xff) << 8) | ((unsigned long long)(n)&0xf))

/* Guest RAM. */
#define GUEST_RAM_BASE 0x80000000UL

/* A flat binary (no arm64 Image magic) loads here, as kvmtool does. */
#define GUEST_FLAT_LOAD_OFFSET 0x80000UL

#endif
