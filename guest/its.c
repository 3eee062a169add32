/*
 * its: the GICv3 ITS that `vmm boot --irqchip gicv3-its` gives the guest,
 * driven for real from the boot CPU (Arm IHI 0069, chapter 5 "Locality-
 * specific Peripheral Interrupts and the ITS", and §12.19 the ITS registers):
 *
 *   1. The DT names the ITS (an "arm,gic-v3-its" node), or under --acpi
 *      the MADT (a GIC ITS structure, acpi_read.c): none fails the mode
 *      in one line. GITS_TYPER must say physical LPIs, GICR_TYPER.PLPIS too.
 *   2. The redistributor's LPI tables: the configuration table (a byte per
 *      LPI: priority, enable) in GICR_PROPBASER, the pending table (zeroed,
 *      PTZ) in GICR_PENDBASER, then GICR_CTLR.EnableLPIs.
 *   3. The ITS's tables: the device and collection tables (GITS_BASER0/1,
 *      flat, one 64 KiB page each, the only page size KVM has), the command
 *      queue (GITS_CBASER, one 4 KiB page), then GITS_CTLR.Enabled.
 *   4. Commands through the queue (GITS_CWRITER, done when GITS_CREADR
 *      catches up): MAPD (DeviceID ITS_DEVICE -> its ITT), MAPC (collection
 *      0 -> this CPU's redistributor, by processor number: KVM's GITS_TYPER
 *      has PTA 0), MAPTI (EventID ITS_EVENT -> LPI ITS_LPI in collection 0),
 *      INV, INVALL, SYNC.
 *   5. The MSI write a device would make, the EventID to GITS_TRANSLATER:
 *      the mode reports whether it raised the LPI. KVM's ITS takes MSIs
 *      from the VMM (KVM_SIGNAL_MSI, irqfd routes: they carry the DeviceID,
 *      which a CPU store has none of) and ignores a vCPU's store there, so
 *      "no" is KVM's answer, not a failure.
 *   6. The INT command (DeviceID, EventID), which KVM translates exactly as
 *      an MSI: the LPI must be pending at this CPU, ICC_IAR1_EL1 must name
 *      it (INTID >= 8192), then EOI.
 *
 * reset=1 (the default) then SYSTEM_RESETs once and does it all again in the
 * fresh VM (the test device's RESETS register says which boot this is): the
 * VMM creates a new ITS with the new VM, its tables empty, so the guest
 * programs it from scratch. The tables live in .bss, which every boot
 * zeroes. The MMU is off, so the guest's stores reach memory uncached; the
 * tables are still cleaned to the point of coherency for a host that reads
 * them through its caches. Every wait is a deadline on the virtual counter.
 */
#include <stdbool.h>
#include <stdint.h>

#include "vmm/machine/guest_abi.h"
#include "guest/arch.h"
#include "guest/bootargs.h"
#include "guest/console.h"
#include "guest/cpus.h"
#include "guest/gic.h"
#include "guest/main.h"
#include "guest/smccc.h"
#include "guest/testdev.h"
#include "guest/timer.h"

/* ITS control frame (IHI 0069 §12.19), and the translation frame's register. */
#define GITS_CTLR	      0x0000
#define GITS_CTLR_ENABLED     (1U << 0)
#define GITS_CTLR_QUIESCENT   (1U << 31)
#define GITS_TYPER	      0x0008
#define GITS_TYPER_PHYSICAL   (1ULL << 0)
#define GITS_TYPER_ITT_ESZ(v) ((((v) >> 4) & 0xf) + 1)
#define GITS_TYPER_IDBITS(v)  ((((v) >> 8) & 0x1f) + 1)
#define GITS_TYPER_DEVBITS(v) ((((v) >> 13) & 0x1f) + 1)
#define GITS_TYPER_PTA	      (1ULL << 19)
#define GITS_CBASER	      0x0080
#define GITS_CWRITER	      0x0088
#define GITS_CREADR	      0x0090
#define GITS_BASER(n)	      (0x0100 + 8 * (n))
#define GITS_TRANSLATER	      0x10040

#define GITS_BASER_VALID	   (1ULL << 63)
#define GITS_BASER_TYPE(v)	   (((v) >> 56) & 0x7)
#define GITS_BASER_TYPE_DEVICE	   1
#define GITS_BASER_TYPE_COLLECTION 4
#define GITS_BASER_ESZ(v)	   ((((v) >> 48) & 0x1f) + 1)
#define GITS_BASER_PAGE_SIZE(v)	   (((v) >> 8) & 0x3)
#define GITS_BASER_PAGE_64K	   2ULL
#define GITS_CBASER_VALID	   (1ULL << 63)

/* Redistributor (RD_base frame). */
#define GICR_CTLR	      0x0000
#define GICR_CTLR_ENABLE_LPIS (1U << 0)
#define GICR_TYPER	      0x0008
#define GICR_TYPER_PLPIS      (1ULL << 0)
#define GICR_TYPER_PROCNUM(v) (((v) >> 8) & 0xffff)
#define GICR_PROPBASER	      0x0070
#define GICR_PENDBASER	      0x0078
#define GICR_PENDBASER_PTZ    (1ULL << 62)

/* Commands (IHI 0069 §5.3), 32 bytes each. */
#define ITS_CMD_INT    0x03
#define ITS_CMD_SYNC   0x05
#define ITS_CMD_MAPD   0x08
#define ITS_CMD_MAPC   0x09
#define ITS_CMD_MAPTI  0x0a
#define ITS_CMD_INV    0x0c
#define ITS_CMD_INVALL 0x0d
#define ITS_CMD_VALID  (1ULL << 63)

/* What this mode maps: a device, one of its events, an LPI. */
#define ITS_DEVICE     0x2a
#define ITS_EVENT      3
#define ITS_EVENT_BITS 2 /* the ITT holds EventIDs 0..3 */
#define ITS_LPI_FIRST  8192
#define ITS_LPI	       (ITS_LPI_FIRST + 5)
#define ITS_COLLECTION 0

/* LPI INTIDs below 1 << ITS_ID_BITS: the configuration table has a byte
 * for each from 8192, the pending table a bit for each from 0. */
#define ITS_ID_BITS   14
#define LPI_PROP_SIZE ((1U << ITS_ID_BITS) - ITS_LPI_FIRST)
#define LPI_PEND_SIZE ((1U << ITS_ID_BITS) / 8)
#define LPI_PRIORITY  0xa0
#define LPI_ENABLE    0x01

#define ITS_PAGE      0x10000U
#define ITS_CMDQ_SIZE 0x1000U
#define ITS_CMD_SIZE  32U

#define ISR_EL1_I	   (1UL << 7)
#define GIC_INTID_SPURIOUS 1023

/* How long the GITS_TRANSLATER write gets to show an LPI (it never does on
 * KVM, so this is what the mode costs), and the INT command's LPI. */
#define ITS_TRANSLATER_WAIT_MS 200
#define ITS_LPI_WAIT_MS	       10000

/* The tables, each aligned as its register wants (.bss: zero every boot). */
static uint8_t device_table[ITS_PAGE] __attribute__((aligned(ITS_PAGE)));
static uint8_t collection_table[ITS_PAGE] __attribute__((aligned(ITS_PAGE)));
static uint64_t cmd_queue[ITS_CMDQ_SIZE / 8] __attribute__((aligned(ITS_PAGE)));
static uint8_t lpi_pending[ITS_PAGE] __attribute__((aligned(ITS_PAGE)));
static uint8_t lpi_prop[LPI_PROP_SIZE] __attribute__((aligned(4096)));
static uint8_t itt[256] __attribute__((aligned(256)));

static unsigned int cmd_next; /* the next free slot of cmd_queue, in commands */

static uint64_t mmio_read64(uintptr_t addr)
{
	uint64_t v;

	asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static void mmio_write64(uintptr_t addr, uint64_t v)
{
	asm volatile("str %0, [%1]" ::"r"(v), "r"(addr) : "memory");
}

/* Clean and invalidate [p, p + len) to the point of coherency. */
static void dcache_clean_inval(const void *p, uintptr_t len)
{
	uintptr_t line = 4U << (read_sysreg(ctr_el0) >> 16 & 0xf);
	uintptr_t a = (uintptr_t)p & ~(line - 1);

	for (; a < (uintptr_t)p + len; a += line)
		asm volatile("dc civac, %0" ::"r"(a) : "memory");
	dsb();
}

/* Queue one command, hand it to the ITS (CWRITER) and wait until it has
 * read it (CREADR catches up). */
static bool its_command(uintptr_t its, const char *name, uint64_t dw0, uint64_t dw1, uint64_t dw2)
{
	uint64_t *c = &cmd_queue[cmd_next * 4];
	uint64_t want, creadr;
	struct deadline d;

	c[0] = dw0;
	c[1] = dw1;
	c[2] = dw2;
	c[3] = 0;
	dcache_clean_inval(c, ITS_CMD_SIZE);
	cmd_next = (cmd_next + 1) % (ITS_CMDQ_SIZE / ITS_CMD_SIZE);
	want = (uint64_t)cmd_next * ITS_CMD_SIZE;
	mmio_write64(its + GITS_CWRITER, want);
	d = deadline_after_ms(MODE_TIMEOUT_MS);
	while ((creadr = mmio_read64(its + GITS_CREADR)) != want) {
		if (deadline_passed(&d)) {
			printk("guest: its: %s: GITS_CREADR 0x%llx, not 0x%llx, after %u ms\n",
			       name, (unsigned long long)creadr, (unsigned long long)want,
			       MODE_TIMEOUT_MS);
			return false;
		}
		cpu_relax();
	}
	return true;
}

/* GITS_BASER<n> of the wanted type: one flat 64 KiB page at table. */
static bool its_baser(uintptr_t its, unsigned int n, uint64_t type, const void *table)
{
	uint64_t v = mmio_read64(its + GITS_BASER(n));

	if (GITS_BASER_TYPE(v) != type) {
		printk("guest: its: GITS_BASER%u has type %llu, expected %llu\n", n,
		       (unsigned long long)GITS_BASER_TYPE(v), (unsigned long long)type);
		return false;
	}
	dcache_clean_inval(table, ITS_PAGE);
	mmio_write64(its + GITS_BASER(n), GITS_BASER_VALID | (uintptr_t)table |
					      GITS_BASER_PAGE_64K << 8 | 0 /* one page */);
	v = mmio_read64(its + GITS_BASER(n));
	if (!(v & GITS_BASER_VALID) || GITS_BASER_PAGE_SIZE(v) != GITS_BASER_PAGE_64K ||
	    (v & 0xfffffffff000ULL) != (uintptr_t)table) {
		printk("guest: its: GITS_BASER%u reads 0x%llx after setting a 64 KiB table at "
		       "0x%lx\n",
		       n, (unsigned long long)v, (unsigned long)(uintptr_t)table);
		return false;
	}
	printk("@@ its: GITS_BASER%u %s table, %llu-byte entries\n", n,
	       type == GITS_BASER_TYPE_DEVICE ? "device" : "collection",
	       (unsigned long long)GITS_BASER_ESZ(v));
	return true;
}

/* Step 2: this CPU's redistributor takes LPIs, ITS_LPI enabled. */
static bool its_redist_setup(uintptr_t rd)
{
	uint64_t typer = mmio_read64(rd + GICR_TYPER);

	if (!(typer & GICR_TYPER_PLPIS)) {
		printk("guest: its: GICR_TYPER 0x%llx: the redistributor has no physical LPIs\n",
		       (unsigned long long)typer);
		return false;
	}
	lpi_prop[ITS_LPI - ITS_LPI_FIRST] = LPI_PRIORITY | LPI_ENABLE;
	dcache_clean_inval(lpi_prop, sizeof(lpi_prop));
	dcache_clean_inval(lpi_pending, sizeof(lpi_pending));
	mmio_write64(rd + GICR_PROPBASER, (uintptr_t)lpi_prop | (ITS_ID_BITS - 1));
	mmio_write64(rd + GICR_PENDBASER, (uintptr_t)lpi_pending | GICR_PENDBASER_PTZ);
	mmio_write32(rd + GICR_CTLR, mmio_read32(rd + GICR_CTLR) | GICR_CTLR_ENABLE_LPIS);
	dsb();
	if (!(mmio_read32(rd + GICR_CTLR) & GICR_CTLR_ENABLE_LPIS)) {
		printk("guest: its: GICR_CTLR.EnableLPIs reads 0 after setting it\n");
		return false;
	}
	return true;
}

/* Step 3: the ITS's tables and command queue, then enable it. */
static bool its_enable(uintptr_t its)
{
	if (!its_baser(its, 0, GITS_BASER_TYPE_DEVICE, device_table) ||
	    !its_baser(its, 1, GITS_BASER_TYPE_COLLECTION, collection_table))
		return false;
	dcache_clean_inval(cmd_queue, sizeof(cmd_queue));
	cmd_next = 0;
	mmio_write64(its + GITS_CBASER,
		     GITS_CBASER_VALID | (uintptr_t)cmd_queue | (ITS_CMDQ_SIZE / 4096 - 1));
	mmio_write64(its + GITS_CWRITER, 0);
	mmio_write32(its + GITS_CTLR, GITS_CTLR_ENABLED);
	if (!(mmio_read32(its + GITS_CTLR) & GITS_CTLR_ENABLED)) {
		printk("guest: its: GITS_CTLR.Enabled reads 0 after setting it (GITS_CBASER "
		       "0x%llx)\n",
		       (unsigned long long)mmio_read64(its + GITS_CBASER));
		return false;
	}
	return true;
}

/* Step 4: the device's event to ITS_LPI on the redistributor rd_target. */
static bool its_map(uintptr_t its, uint64_t rd_target)
{
	uint64_t dev = (uint64_t)ITS_DEVICE << 32;

	dcache_clean_inval(itt, sizeof(itt));
	return its_command(its, "MAPD", ITS_CMD_MAPD | dev, ITS_EVENT_BITS - 1,
			   ITS_CMD_VALID | (uintptr_t)itt) &&
	       its_command(its, "MAPC", ITS_CMD_MAPC, 0,
			   ITS_CMD_VALID | rd_target << 16 | ITS_COLLECTION) &&
	       its_command(its, "MAPTI", ITS_CMD_MAPTI | dev, (uint64_t)ITS_LPI << 32 | ITS_EVENT,
			   ITS_COLLECTION) &&
	       its_command(its, "INV", ITS_CMD_INV | dev, ITS_EVENT, 0) &&
	       its_command(its, "INVALL", ITS_CMD_INVALL, 0, ITS_COLLECTION) &&
	       its_command(its, "SYNC", ITS_CMD_SYNC, 0, rd_target << 16);
}

/* Wait up to ms for an IRQ at this CPU; acknowledge it. The INTID taken, or
 * GIC_INTID_SPURIOUS if none came. */
static uint64_t its_take_irq(unsigned int ms, uint64_t *waited_us)
{
	struct deadline d = deadline_after_ms(ms);
	uint64_t iar;

	while (!(read_sysreg(isr_el1) & ISR_EL1_I)) {
		if (deadline_passed(&d)) {
			*waited_us = us_from_ticks(counter_now() - d.start);
			return GIC_INTID_SPURIOUS;
		}
		cpu_relax();
	}
	*waited_us = us_from_ticks(counter_now() - d.start);
	iar = read_sysreg(icc_iar1_el1) & 0xffffff;
	if (iar != GIC_INTID_SPURIOUS) {
		write_sysreg(icc_eoir1_el1, iar);
		isb();
	}
	return iar;
}

/* Steps 5 and 6. */
static bool its_trigger(uintptr_t its)
{
	uint64_t intid, us;

	mmio_write32(its + GITS_TRANSLATER, ITS_EVENT);
	dsb();
	intid = its_take_irq(ITS_TRANSLATER_WAIT_MS, &us);
	if (intid == GIC_INTID_SPURIOUS)
		printk("@@ its: GITS_TRANSLATER write from the CPU: no LPI within %u ms\n",
		       ITS_TRANSLATER_WAIT_MS);
	else
		printk("@@ its: GITS_TRANSLATER write from the CPU: INTID %llu\n",
		       (unsigned long long)intid);

	if (!its_command(its, "INT", ITS_CMD_INT | (uint64_t)ITS_DEVICE << 32, ITS_EVENT, 0))
		return false;
	intid = its_take_irq(ITS_LPI_WAIT_MS, &us);
	if (intid == GIC_INTID_SPURIOUS) {
		printk(
		    "guest: its: no interrupt within %u ms of INT device 0x%x event %u (expected "
		    "LPI %u)\n",
		    ITS_LPI_WAIT_MS, ITS_DEVICE, ITS_EVENT, ITS_LPI);
		return false;
	}
	if (intid != ITS_LPI) {
		printk("guest: its: INT device 0x%x event %u gave INTID %llu, expected LPI %u\n",
		       ITS_DEVICE, ITS_EVENT, (unsigned long long)intid, ITS_LPI);
		return false;
	}
	printk("@@ its: INT device 0x%x event %u: LPI %llu on cpu%u after %llu us\n", ITS_DEVICE,
	       ITS_EVENT, (unsigned long long)intid, machine.boot_cpu, (unsigned long long)us);
	return true;
}

/* One boot's worth: returns true if it failed. */
static bool its_check(void)
{
	uintptr_t its = (uintptr_t)machine.its_base;
	uintptr_t rd = gic_redist_base(machine.boot_cpu);
	uint64_t typer, rd_target;
	char why[128];

	if (!its) {
		printk("guest: its: %s (vmm boot --irqchip gicv3-its)\n",
		       machine.acpi ? "no GIC ITS structure in the MADT"
				    : "no arm,gic-v3-its node in the device tree");
		return true;
	}
	typer = mmio_read64(its + GITS_TYPER);
	printk("@@ its: at 0x%lx, GITS_TYPER 0x%llx: ITT entry %llu bytes, %llu EventID bits, "
	       "%llu DeviceID bits, PTA %u\n",
	       (unsigned long)its, (unsigned long long)typer,
	       (unsigned long long)GITS_TYPER_ITT_ESZ(typer),
	       (unsigned long long)GITS_TYPER_IDBITS(typer),
	       (unsigned long long)GITS_TYPER_DEVBITS(typer), (typer & GITS_TYPER_PTA) ? 1 : 0);
	if (!(typer & GITS_TYPER_PHYSICAL)) {
		printk("guest: its: GITS_TYPER.Physical is 0: no physical LPIs\n");
		return true;
	}
	if (GITS_TYPER_ITT_ESZ(typer) * (1U << ITS_EVENT_BITS) > sizeof(itt)) {
		printk("guest: its: an ITT of %u events does not fit %u bytes\n",
		       1U << ITS_EVENT_BITS, (unsigned int)sizeof(itt));
		return true;
	}
	/* MAPC's target: the processor number, or with PTA the RD's address. */
	rd_target =
	    (typer & GITS_TYPER_PTA) ? rd >> 16 : GICR_TYPER_PROCNUM(mmio_read64(rd + GICR_TYPER));
	if (!gic_cpu_setup(machine.boot_cpu, why, sizeof(why))) {
		printk("guest: its: %s\n", why);
		return true;
	}
	if (!its_redist_setup(rd) || !its_enable(its) || !its_map(its, rd_target))
		return true;
	printk("@@ its: mapped device 0x%x event %u to LPI %u, collection %u on cpu%u\n",
	       ITS_DEVICE, ITS_EVENT, ITS_LPI, ITS_COLLECTION, machine.boot_cpu);
	return !its_trigger(its);
}

bool mode_its(void)
{
	return mode_check_across_reset("its", machine.acpi ? "ACPI" : "device tree", its_check, 1);
}
