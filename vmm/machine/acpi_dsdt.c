/*
 * The DSDT: the devices ACPI cannot describe in a fixed table.
 *
 * The DSDT is AML from a small emitter (vmm/machine/aml.c), not ASL compiled by
 * iasl at build time: it has one processor device per possible vCPU, and
 * the vCPU count, the register addresses and the interrupts are only known
 * at run time. A build-time DSDT would need either a fixed maximum of
 * devices (most of them dead) or patching of compiled AML, which is harder
 * to get right than emitting it. iasl still checks the result: the unit
 * tests disassemble the tables and compare with goldens.
 *
 * DSDT, in this order; vCPU n's device is named with three hex digits and
 * its registers are GUEST_CPUHP_CPU(n) and GUEST_CPUHP_OST(n):
 *
 *   Device (\_SB.COM0) { PNP0501, _CRS memory + level SPI }
 *   Device (\_SB.Cnnn) {                      processor, ACPI 6.5 §8.4
 *     _HID "ACPI0007", _UID n                 (= the MADT GICC's UID)
 *     OperationRegion (REGS, SystemMemory, reg, 4), Field { STAT, 32 }
 *     _STA: STAT & ENABLED ? 0xF : 0xD        present, enabled or not
 *     _EJ0: STAT = EJECTED                    the OS gave the vCPU up
 *     OperationRegion (OSTR, SystemMemory, ost, 4), Field { OSTV, 32 }
 *     _OST: OSTV = Arg0 << 16 | Arg1 & 0xFFFF the OS's status for an event
 *                                             (§6.3.5; Arg2, a buffer, unused)
 *     CEVT: INSERT? ack, Notify (1, device check);
 *           EJECT?  ack, Notify (3, eject request)
 *   }
 *   Device (\_SB.GED0) { _HID "ACPI0013", _CRS edge SPI, _EVT: every CEVT }
 *
 * The acknowledge is written before the Notify, so an event the VMM posts
 * while the OS handles the previous one raises the line again instead of
 * being lost.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "vmm/machine/acpi_internal.h"
#include "vmm/machine/aml.h"
#include "vmm/machine/guest_abi.h"
#include "vmm/machine/machine.h"

/* DSDT revision 2: 64-bit AML integers (§5.2.11.1). */
#define DSDT_REVISION 2

/* §6.4.3 large resource descriptors */
#define RES_MEMORY32_FIXED   0x86
#define RES_EXT_IRQ	     0x89
#define RES_EXT_IRQ_CONSUMER (1U << 0)
#define RES_EXT_IRQ_EDGE     (1U << 1)

/* ACPI 6.5 §5.6.6: Notify values for device objects */
#define NOTIFY_DEVICE_CHECK  1
#define NOTIFY_EJECT_REQUEST 3

/* Opcodes only the DSDT uses (§20.2.5.4). */
#define AML_ARG1       0x69
#define AML_SHIFT_LEFT 0x79 /* ShiftLeft (TermArg, TermArg, Target) */
#define AML_OR	       0x7d /* Or (TermArg, TermArg, Target) */

/* _STA bits (§6.3.7): present, enabled, shown in UI, functioning. */
#define STA_ENABLED_CPU	 0xf
#define STA_DISABLED_CPU 0xd

static void cpu_name(char *buf, const char *prefix, unsigned int n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t p = strlen(prefix);

	memcpy(buf, prefix, p);
	buf[p] = 'C';
	buf[p + 1] = hex[(n >> 8) & 0xf];
	buf[p + 2] = hex[(n >> 4) & 0xf];
	buf[p + 3] = hex[n & 0xf];
	buf[p + 4] = '\0';
}

static void emit_u16(struct aml *a, uint16_t v)
{
	aml_byte(a, (uint8_t)v);
	aml_byte(a, (uint8_t)(v >> 8));
}

static void emit_u32(struct aml *a, uint32_t v)
{
	emit_u16(a, (uint16_t)v);
	emit_u16(a, (uint16_t)(v >> 16));
}

/* Extended Interrupt Descriptor (§6.4.3.6), one interrupt, exclusive. */
static void emit_res_irq(struct aml *a, uint32_t intid, int edge)
{
	aml_byte(a, RES_EXT_IRQ);
	emit_u16(a, 6); /* flags, table length, one u32 */
	aml_byte(a, (uint8_t)(RES_EXT_IRQ_CONSUMER | (edge ? RES_EXT_IRQ_EDGE : 0)));
	aml_byte(a, 1);
	emit_u32(a, intid);
}

static void emit_res_end(struct aml *a)
{
	aml_byte(a, AML_RES_END);
	aml_byte(a, 0); /* checksum 0: "treat as correct" (§6.4.2.9) */
}

/* if (And (src, bit)) { ... }: leaves the If open. */
static void emit_if_bit(struct aml *a, uint8_t src_op, const char *src_name, uint32_t bit)
{
	aml_if_begin(a);
	aml_byte(a, AML_AND);
	if (src_name)
		aml_name(a, src_name);
	else
		aml_byte(a, src_op);
	aml_int(a, bit);
	aml_byte(a, AML_ZERO); /* no Target */
}

static void emit_store_stat(struct aml *a, uint32_t v)
{
	aml_byte(a, AML_STORE);
	aml_int(a, v);
	aml_name(a, "STAT");
}

static void emit_notify(struct aml *a, const char *path, uint32_t v)
{
	aml_byte(a, AML_NOTIFY);
	aml_name(a, path);
	aml_int(a, v);
}

static void emit_uart(struct aml *a, const struct machine *m)
{
	aml_device_begin(a, "COM0");
	aml_name_decl(a, "_HID");
	aml_eisaid(a, "PNP0501"); /* 16550A-compatible COM port */
	aml_name_decl(a, "_UID");
	aml_int(a, 0);
	aml_name_decl(a, "_CRS");
	aml_buffer_begin(a);
	/* Memory32Fixed (ReadWrite, base, size) (§6.4.3.4) */
	aml_byte(a, RES_MEMORY32_FIXED);
	emit_u16(a, 9);
	aml_byte(a, 1); /* read/write */
	emit_u32(a, (uint32_t)m->uart_base);
	emit_u32(a, (uint32_t)m->uart_size);
	emit_res_irq(a, GIC_SPI_BASE + m->uart_spi, 0);
	emit_res_end(a);
	aml_end(a);
	aml_end(a);
}

static void emit_cpu(struct aml *a, const struct machine *m, unsigned int n)
{
	char name[8], path[16];

	cpu_name(name, "", n);
	cpu_name(path, "\\_SB.", n);
	aml_device_begin(a, name);
	aml_name_decl(a, "_HID");
	aml_string(a, "ACPI0007");
	aml_name_decl(a, "_UID");
	aml_int(a, n);
	aml_opregion_mem(a, "REGS", m->cpuhp_base + GUEST_CPUHP_CPU(n), 4);
	aml_field_dword(a, "REGS", "STAT");

	/* _STA: If (STAT & ENABLED) { Return (0xF) } Return (0xD) */
	aml_method_begin(a, "_STA", 0, 0);
	emit_if_bit(a, 0, "STAT", GUEST_CPUHP_ENABLED);
	aml_byte(a, AML_RETURN);
	aml_int(a, STA_ENABLED_CPU);
	aml_end(a);
	aml_byte(a, AML_RETURN);
	aml_int(a, STA_DISABLED_CPU);
	aml_end(a);

	/* _EJ0 (Arg0: lock, unused): STAT = EJECTED (§6.3.3) */
	aml_method_begin(a, "_EJ0", 1, 0);
	emit_store_stat(a, GUEST_CPUHP_EJECTED);
	aml_end(a);

	/* _OST (Arg0 source event, Arg1 status code, Arg2 unused):
	 * Or (ShiftLeft (Arg0, 16), And (Arg1, 0xFFFF), OSTV) */
	aml_opregion_mem(a, "OSTR", m->cpuhp_base + GUEST_CPUHP_OST(n), 4);
	aml_field_dword(a, "OSTR", "OSTV");
	aml_method_begin(a, "_OST", 3, 0);
	aml_byte(a, AML_OR);
	aml_byte(a, AML_SHIFT_LEFT);
	aml_byte(a, AML_ARG0);
	aml_int(a, 16);
	aml_byte(a, AML_ZERO);
	aml_byte(a, AML_AND);
	aml_byte(a, AML_ARG1);
	aml_int(a, 0xffff);
	aml_byte(a, AML_ZERO);
	aml_name(a, "OSTV"); /* the Or's Target */
	aml_end(a);

	/* CEVT: read once, acknowledge each event, then notify it. */
	aml_method_begin(a, "CEVT", 0, 0);
	aml_byte(a, AML_STORE);
	aml_name(a, "STAT");
	aml_byte(a, AML_LOCAL0);
	emit_if_bit(a, AML_LOCAL0, NULL, GUEST_CPUHP_INSERT);
	emit_store_stat(a, GUEST_CPUHP_INSERT);
	emit_notify(a, path, NOTIFY_DEVICE_CHECK);
	aml_end(a);
	emit_if_bit(a, AML_LOCAL0, NULL, GUEST_CPUHP_EJECT);
	emit_store_stat(a, GUEST_CPUHP_EJECT);
	emit_notify(a, path, NOTIFY_EJECT_REQUEST);
	aml_end(a);
	aml_end(a);

	aml_end(a);
}

/* Generic Event Device (§5.6.9): its one interrupt runs _EVT (Arg0 = the
 * GSIV), which polls every vCPU's register. */
static void emit_ged(struct aml *a, const struct machine *m)
{
	char path[24];
	unsigned int n;

	aml_device_begin(a, "GED0");
	aml_name_decl(a, "_HID");
	aml_string(a, "ACPI0013");
	aml_name_decl(a, "_UID");
	aml_int(a, 0);
	aml_name_decl(a, "_CRS");
	aml_buffer_begin(a);
	emit_res_irq(a, GIC_SPI_BASE + m->ged_spi, 1);
	emit_res_end(a);
	aml_end(a);
	aml_method_begin(a, "_EVT", 1, 0);
	for (n = 0; n < m->nr_cpus; n++) {
		cpu_name(path, "\\_SB.", n);
		strcat(path, ".CEVT");
		aml_name(a, path); /* MethodInvocation, no arguments */
	}
	aml_end(a);
	aml_end(a);
}

void acpi_emit_dsdt_body(struct aml *a, const struct machine *m)
{
	unsigned int n;

	aml_scope_begin(a, "\\_SB");
	emit_uart(a, m);
	for (n = 0; n < m->nr_cpus; n++)
		emit_cpu(a, m, n);
	emit_ged(a, m);
	aml_end(a);
}

int acpi_write_dsdt(uint8_t *b, const struct machine *m, const struct acpi_plan *p)
{
	uint8_t *t = b + p->dsdt;
	struct aml a;
	long len;

	acpi_put_header(t, "DSDT", (uint32_t)p->dsdt_size, DSDT_REVISION);
	/* The DSDT ends the blob: the emitter may use the slack after it. */
	aml_init(&a, t + ACPI_HDR_SIZE, p->need - p->dsdt - ACPI_HDR_SIZE);
	acpi_emit_dsdt_body(&a, m);
	len = aml_finish(&a);
	if (len < 0 || (size_t)len != p->dsdt_size - ACPI_HDR_SIZE)
		return -EINVAL; /* the measuring pass disagrees: a bug */
	fix_checksum(t, p->dsdt_size, ACPI_HDR_CHECKSUM);
	return 0;
}
