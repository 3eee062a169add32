/*
 * Unit tests of the KVM-held snapshot payloads (vmm/snapshot/kvmstate.c):
 * register ids (sizes, restore passes, names), a vCPU's register set and a
 * vGIC attribute list round-tripped and refused when impossible, the
 * firmware registers, the host facts and their comparison, the boot files'
 * identity, RAM_INFO.
 */
#define CHECK_FILE "kvmstate"
#include "tests/unit/check.h"

#include <stdint.h>
#include <stdio.h>

#include "vmm/snapshot/kvmstate.h"

/* Core register x1 (offset 2 words) and pc (64) as KVM numbers them. */
#define CORE(off) (SNAP_REG_ARCH_ARM64 | (3ULL << SNAP_REG_SIZE_SHIFT) | (0x10ULL << 16) | (off))
#define VREG0	  (SNAP_REG_ARCH_ARM64 | (4ULL << SNAP_REG_SIZE_SHIFT) | (0x10ULL << 16) | 0x44)
#define FW(n)	  (SNAP_REG_ARCH_ARM64 | (3ULL << SNAP_REG_SIZE_SHIFT) | (0x14ULL << 16) | (n))
#define BMAP(n)	  (SNAP_REG_ARCH_ARM64 | (3ULL << SNAP_REG_SIZE_SHIFT) | (0x16ULL << 16) | (n))

TEST(register_sizes_passes_and_names)
{
	char name[64];

	CHECK_EQ(snap_reg_size(CORE(2)), 8);
	CHECK_EQ(snap_reg_size(VREG0), 16);
	CHECK_EQ(snap_reg_size(CORE(2) & ~SNAP_REG_ARCH_MASK), 0); /* not arm64 */
	CHECK_EQ(snap_reg_size(SNAP_REG_ARCH_ARM64 | (9ULL << SNAP_REG_SIZE_SHIFT)), 0);
	CHECK_EQ(snap_reg_restore_pass(FW(0)), 0);
	CHECK_EQ(snap_reg_restore_pass(BMAP(1)), 0);
	CHECK_EQ(snap_reg_restore_pass(SNAP_SYSREG(3, 0, 0, 4, 0)), 1); /* ID_AA64PFR0_EL1 */
	CHECK_EQ(snap_reg_restore_pass(SNAP_SYSREG(3, 0, 0, 0, 5)), 1); /* MPIDR_EL1 */
	CHECK_EQ(snap_reg_restore_pass(SNAP_REG_PMCR_EL0), 2);
	CHECK_EQ(snap_reg_restore_pass(SNAP_SYSREG(3, 0, 1, 0, 0)), 3); /* SCTLR_EL1 */
	CHECK_EQ(snap_reg_restore_pass(CORE(64)), 3);
	CHECK_EQ(snap_reg_restore_pass(SNAP_REG_TIMER_CNT), -1);
	CHECK_EQ(snap_reg_restore_pass(SNAP_REG_PTIMER_CNT), -1);
	CHECK_STR(snap_reg_name(CORE(2), name, sizeof(name)), "x1");
	CHECK_STR(snap_reg_name(CORE(64), name, sizeof(name)), "pc");
	CHECK_STR(snap_reg_name(FW(0), name, sizeof(name)), "PSCI_VERSION");
	CHECK_STR(snap_reg_name(BMAP(3), name, sizeof(name)), "VENDOR_HYP_BMAP_2");
	CHECK_STR(snap_reg_name(SNAP_SYSREG(3, 0, 1, 0, 0), name, sizeof(name)),
		  "sysreg 3,0,1,0,0");
	CHECK_STR(snap_reg_name(SNAP_REG_TIMER_CNT, name, sizeof(name)), "TIMER_CNT");
}

/* A vCPU of three registers: x1, pc, V0. */
static void vcpu_payload(struct snap_buf *b, uint64_t first, uint64_t second)
{
	uint8_t v[16];

	for (int i = 0; i < 16; i++)
		v[i] = (uint8_t)(0xa0 + i);
	snap_buf_init(b);
	snap_vcpu_put_head(b, 0x101, 3, 3);
	snap_vcpu_put_reg(b, first, "\x11\x22\x33\x44\x55\x66\x77\x88");
	snap_vcpu_put_reg(b, second, "\x01\0\0\0\0\0\0\0");
	snap_vcpu_put_reg(b, VREG0, v);
}

TEST(vcpu_registers_round_trip)
{
	struct snap_buf b;
	struct snap_vcpu v;
	uint64_t x;
	char err[256];

	vcpu_payload(&b, CORE(2), CORE(64));
	CHECK_EQ(snap_vcpu_parse(b.data, b.len, &v, err, sizeof(err)), 0);
	CHECK_EQ(v.mpidr, 0x101);
	CHECK_EQ(v.mp_state, 3);
	CHECK_EQ(v.nr, 3);
	CHECK(snap_vcpu_get_u64(&v, CORE(2), &x) && x == 0x8877665544332211ULL);
	CHECK(snap_vcpu_get_u64(&v, CORE(64), &x) && x == 1);
	CHECK_EQ(v.regs[2].val[15], 0xaf);
	CHECK(!snap_vcpu_get_u64(&v, CORE(4), &x));
	snap_vcpu_free(&v);
	snap_buf_free(&b);
}

TEST(impossible_vcpu_payloads_are_refused_in_one_line)
{
	struct snap_buf b;
	struct snap_vcpu v;
	char err[256];

	vcpu_payload(&b, CORE(64), CORE(2)); /* out of order */
	CHECK_REFUSED(snap_vcpu_parse(b.data, b.len, &v, err, sizeof(err)), err, "out of order",
		      "order");
	CHECK_REFUSED(snap_vcpu_parse(b.data, b.len - 1, &v, err, sizeof(err)), err, "VCPU", "cut");
	snap_buf_free(&b);
	vcpu_payload(&b, CORE(2), CORE(2)); /* duplicate */
	CHECK_REFUSED(snap_vcpu_parse(b.data, b.len, &v, err, sizeof(err)), err, "out of order",
		      "duplicate");
	snap_put_u8(&b, 0);
	snap_buf_free(&b);
	vcpu_payload(&b, CORE(2), CORE(64));
	snap_put_u8(&b, 0);
	CHECK_REFUSED(snap_vcpu_parse(b.data, b.len, &v, err, sizeof(err)), err, "after the last",
		      "trailing");
	snap_buf_free(&b);
	snap_buf_init(&b);
	snap_vcpu_put_head(&b, 0, 3, 1000000);
	CHECK_REFUSED(snap_vcpu_parse(b.data, b.len, &v, err, sizeof(err)), err, "registers",
		      "count");
	snap_buf_reset(&b);
	snap_vcpu_put_head(&b, 0, 3, 1);
	snap_put_u64(&b, SNAP_REG_ARCH_ARM64 | (9ULL << SNAP_REG_SIZE_SHIFT));
	snap_put_u64(&b, 0);
	CHECK_REFUSED(snap_vcpu_parse(b.data, b.len, &v, err, sizeof(err)), err, "known size",
		      "size");
	snap_buf_free(&b);
}

TEST(vgic_attributes_round_trip_and_bad_ones_are_refused)
{
	struct snap_buf b;
	struct snap_vgic g;
	char err[256];

	snap_buf_init(&b);
	snap_vgic_put_head(&b, 256, 2);
	snap_vgic_put_attr(&b, SNAP_VGIC_DIST, 0x100, 0xffff0000);
	snap_vgic_put_attr(&b, SNAP_VGIC_CPU_SYSREG, (1ULL << 32) | 0xc664, 0x1234567890ULL);
	CHECK_EQ(snap_vgic_parse(b.data, b.len, &g, err, sizeof(err)), 0);
	CHECK_EQ(g.nr_irqs, 256);
	CHECK_EQ(g.nr, 2);
	CHECK_EQ(g.attrs[1].value, 0x1234567890ULL);
	CHECK_EQ(g.attrs[1].attr, (1ULL << 32) | 0xc664);
	snap_vgic_free(&g);
	snap_buf_reset(&b);
	snap_vgic_put_head(&b, 256, 1);
	snap_vgic_put_attr(&b, 2, 0, 0); /* GICv2 CPU registers */
	CHECK_REFUSED(snap_vgic_parse(b.data, b.len, &g, err, sizeof(err)), err, "group 2", "grp");
	snap_buf_reset(&b);
	snap_vgic_put_head(&b, 256, 1);
	snap_vgic_put_attr(&b, SNAP_VGIC_DIST, 0, 1ULL << 40);
	CHECK_REFUSED(snap_vgic_parse(b.data, b.len, &g, err, sizeof(err)), err, "32-bit", "wide");
	snap_buf_reset(&b);
	snap_vgic_put_head(&b, 100, 0);
	CHECK_REFUSED(snap_vgic_parse(b.data, b.len, &g, err, sizeof(err)), err, "interrupts",
		      "irqs");
	snap_buf_reset(&b);
	snap_vgic_put_head(&b, 256, 2);
	snap_vgic_put_attr(&b, SNAP_VGIC_DIST, 0, 0);
	CHECK_REFUSED(snap_vgic_parse(b.data, b.len, &g, err, sizeof(err)), err, "attributes",
		      "count");
	snap_buf_free(&b);
}

TEST(firmware_registers_and_counter)
{
	struct snap_fw_regs f = {.nr = 2, .id = {FW(0), BMAP(0)}, .value = {0x10001, 1}}, back;
	struct snap_buf b;
	uint64_t cnt;
	char err[256];

	snap_buf_init(&b);
	snap_fw_regs_save(&f, &b);
	CHECK_EQ(snap_fw_regs_load(&back, b.data, b.len, err, sizeof(err)), 0);
	CHECK_EQ(back.nr, 2);
	CHECK_EQ(back.value[0], 0x10001);
	CHECK_EQ(back.id[1], BMAP(0));
	snap_buf_reset(&b);
	f.id[1] = CORE(2);
	snap_fw_regs_save(&f, &b);
	CHECK_REFUSED(snap_fw_regs_load(&back, b.data, b.len, err, sizeof(err)), err,
		      "not a firmware register", "core");
	snap_buf_reset(&b);
	snap_counter_save(123456789, &b);
	CHECK_EQ(snap_counter_load(&cnt, b.data, b.len, err, sizeof(err)), 0);
	CHECK_EQ(cnt, 123456789);
	CHECK_REFUSED(snap_counter_load(&cnt, b.data, 7, err, sizeof(err)), err, "COUNTER", "7");
	snap_buf_free(&b);
}

TEST(host_facts_compare_and_name_what_differs)
{
	struct snap_host h = {.page_size = 4096, .filter = true, .pmu = true}, back, here;
	struct snap_buf b;
	char err[256];

	snprintf(h.kernel.path, sizeof(h.kernel.path), "/boot/Image");
	h.kernel.size = 1000;
	h.kernel.mtime_ns = 42;
	snap_buf_init(&b);
	snap_host_save(&h, &b);
	CHECK_EQ(snap_host_load(&back, b.data, b.len, err, sizeof(err)), 0);
	CHECK_STR(back.kernel.path, "/boot/Image");
	CHECK_EQ(back.initrd.path[0], 0);
	here = back;
	CHECK_EQ(snap_host_compare(&back, &here, err, sizeof(err)), 0);
	here.page_size = 16384;
	CHECK_REFUSED(snap_host_compare(&back, &here, err, sizeof(err)), err, "page size", "page");
	here = back;
	here.pmu = false;
	CHECK_REFUSED(snap_host_compare(&back, &here, err, sizeof(err)), err, "PMU", "pmu");
	here = back;
	here.filter = false;
	CHECK_REFUSED(snap_host_compare(&back, &here, err, sizeof(err)), err, "SMCCC filter",
		      "filter");
	CHECK_EQ(snap_boot_file_check(&back.kernel, 1000, 42, "kernel", err, sizeof(err)), 0);
	CHECK_REFUSED(snap_boot_file_check(&back.kernel, 1001, 42, "kernel", err, sizeof(err)), err,
		      "kernel /boot/Image changed", "size");
	CHECK_REFUSED(snap_boot_file_check(&back.kernel, 1000, 43, "kernel", err, sizeof(err)), err,
		      "changed", "mtime");
	snap_buf_reset(&b);
	snprintf(h.kernel.path, sizeof(h.kernel.path), "relative/Image");
	snap_host_save(&h, &b);
	CHECK_REFUSED(snap_host_load(&back, b.data, b.len, err, sizeof(err)), err, "not absolute",
		      "relative");
	snap_buf_free(&b);
}

TEST(ram_info_round_trip_and_bounds)
{
	struct snap_ram_info r = {.ram_size = 64 << 20,
				  .page_size = 4096,
				  .data_pages = 10,
				  .acpi_size = 1 << 20},
			     back;
	struct snap_buf b;
	char err[256];

	snap_buf_init(&b);
	snap_ram_info_save(&r, &b);
	CHECK_EQ(snap_ram_info_load(&back, b.data, b.len, err, sizeof(err)), 0);
	CHECK_EQ(back.acpi_size, 1 << 20);
	CHECK_EQ(back.data_pages, 10);
	snap_buf_reset(&b);
	r.data_pages = (65 << 20) / 4096 + 1;
	snap_ram_info_save(&r, &b);
	CHECK_REFUSED(snap_ram_info_load(&back, b.data, b.len, err, sizeof(err)), err, "pages",
		      "too many");
	snap_buf_reset(&b);
	r.data_pages = 1;
	r.page_size = 3000;
	snap_ram_info_save(&r, &b);
	CHECK_REFUSED(snap_ram_info_load(&back, b.data, b.len, err, sizeof(err)), err, "pages",
		      "page size");
	snap_buf_free(&b);
}

CHECK_MAIN_BEGIN
RUN(register_sizes_passes_and_names);
RUN(vcpu_registers_round_trip);
RUN(impossible_vcpu_payloads_are_refused_in_one_line);
RUN(vgic_attributes_round_trip_and_bad_ones_are_refused);
RUN(firmware_registers_and_counter);
RUN(host_facts_compare_and_name_what_differs);
RUN(ram_info_round_trip_and_bounds);
CHECK_MAIN_END
