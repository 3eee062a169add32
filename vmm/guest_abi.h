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
#define GUEST_PSCI_MODE_USER	0U
#define GUEST_PSCI_MODE_KERNEL	1U
#define GUEST_TESTDEV_MAGIC	0x564d4d54U /* "VMMT" */

/* GICv3: distributor just below 1 GiB, redistributors (one 128 KiB frame
 * pair per vCPU) packed below it. */
#define GUEST_GICD_BASE		 0x3fff0000UL
#define GUEST_GICD_SIZE		 0x10000UL
#define GUEST_GICR_STRIDE	 0x20000UL
#define GUEST_GICR_BASE(nr_cpus) (GUEST_GICD_BASE - (unsigned long)(nr_cpus)*GUEST_GICR_STRIDE)

/* Guest RAM. */
#define GUEST_RAM_BASE 0x80000000UL

/* A flat binary (no arm64 Image magic) loads here, as kvmtool does. */
#define GUEST_FLAT_LOAD_OFFSET 0x80000UL

#endif
