/*
 * The payloads of the snapshot sections whose state only KVM holds
 * (snapfile.h's VCPU, VGIC, COUNTER, PVTIME, FIRMWARE_REGS, HOST and
 * RAM_INFO tags), encoded and decoded here, without an ioctl, so that every
 * check is unit-tested; the KVM glue (vmm/kvm/snapshot_*.c) reads the state
 * from KVM into these encoders and writes what the decoders return back.
 *
 *   VCPU n        u64 MPIDR, u32 KVM_GET_MP_STATE, u32 count, then per
 *                 register u64 id and its value, (id's size field) bytes.
 *                 Ids strictly increasing (the glue sorts KVM_GET_REG_LIST).
 *   VGIC          u32 interrupts (KVM_DEV_ARM_VGIC_GRP_NR_IRQS), u32 count,
 *                 then per attribute u32 group, u64 attr, u64 value, in the
 *                 order a restore writes them (devices/arm-vgic-v3.rst).
 *   FIRMWARE_REGS u32 count, then u64 id, u64 value (PSCI_VERSION, the
 *                 hypercall bitmaps: set first, then read back).
 *   COUNTER       u64 the guest's virtual counter when its vCPUs stopped.
 *   PVTIME        u64 guest-physical base, then the records' bytes.
 *   HOST          u32 page size, bool SMCCC filter installed, bool PMU,
 *                 then the boot files: kernel and initrd (path, size,
 *                 mtime in ns; an empty path for none).
 *   RAM_INFO      u64 RAM size, u32 page size, u64 pages with data, u64
 *                 ACPI region size: the `ram` file is RAM, then (--acpi)
 *                 the ACPI/EFI region's bytes, the guest's firmware tables.
 *
 * Register ids follow the kernel's arm64 encoding (api.rst, "KVM_SET_ONE_REG"
 * and arch/arm64/include/uapi/asm/kvm.h); the few constants needed are
 * repeated below so this file builds on the x86 build host too.
 */
#ifndef VMM_SNAPSHOT_KVMSTATE_H
#define VMM_SNAPSHOT_KVMSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/snapshot/snapbuf.h"

/* The arm64 register id fields (uapi linux/kvm.h, asm/kvm.h). */
#define SNAP_REG_ARCH_ARM64   0x6000000000000000ULL
#define SNAP_REG_ARCH_MASK    0xff00000000000000ULL
#define SNAP_REG_SIZE_SHIFT   52
#define SNAP_REG_SIZE_MASK    0x00f0000000000000ULL
#define SNAP_REG_COPROC_SHIFT 16
#define SNAP_REG_COPROC_MASK  0x000000000fff0000ULL
#define SNAP_REG_CORE	      0x0010U
#define SNAP_REG_DEMUX	      0x0011U
#define SNAP_REG_SYSREG	      0x0013U
#define SNAP_REG_FW	      0x0014U
#define SNAP_REG_SVE	      0x0015U
#define SNAP_REG_FW_BMAP      0x0016U

/* A sysreg id from its encoding, as the kernel's ARM64_SYS_REG() (U64). */
#define SNAP_SYSREG(op0, op1, crn, crm, op2)                                                       \
	(SNAP_REG_ARCH_ARM64 | (3ULL << SNAP_REG_SIZE_SHIFT) |                                     \
	 ((uint64_t)SNAP_REG_SYSREG << SNAP_REG_COPROC_SHIFT) | ((uint64_t)(op0) << 14) |          \
	 ((uint64_t)(op1) << 11) | ((uint64_t)(crn) << 7) | ((uint64_t)(crm) << 3) |               \
	 (uint64_t)(op2))
#define SNAP_REG_TIMER_CNT  SNAP_SYSREG(3, 3, 14, 3, 2) /* KVM_REG_ARM_TIMER_CNT */
#define SNAP_REG_PTIMER_CNT SNAP_SYSREG(3, 3, 14, 0, 1) /* KVM_REG_ARM_PTIMER_CNT */
#define SNAP_REG_PMCR_EL0   SNAP_SYSREG(3, 3, 9, 12, 0)

/* The largest register KVM has (an SVE Z register at the architectural
 * maximum vector length: 2048 bits). */
#define SNAP_REG_MAX_BYTES 256
/* More registers than any vCPU has (6.12 lists about 500 with a PMU). */
#define SNAP_MAX_VCPU_REGS  8192
#define SNAP_MAX_VGIC_ATTRS (1U << 20)

/* The register's size in bytes from its id; 0 if the id says none we read. */
size_t snap_reg_size(uint64_t id);
/*
 * The pass of a restore that writes this register: 0 firmware registers
 * (hypercall bitmaps, PSCI version: only before the first run), 1 ID
 * registers (op0 3, op1 0, CRn 0: what the vCPU is, before what depends on
 * it), 2 PMCR_EL0 (its N field bounds the counters), 3 everything else.
 * -1: not written back (TIMER_CNT: the counter comes back once, VM-wide,
 * from COUNTER; PTIMER_CNT: the physical counter is the host's).
 */
int snap_reg_restore_pass(uint64_t id);
#define SNAP_REG_PASSES 4
/* A name for messages: "x5", "pc", "PSCI_VERSION", "sysreg 3,0,0,4,0". */
const char *snap_reg_name(uint64_t id, char *buf, size_t len);

/* VCPU: encode. */
void snap_vcpu_put_head(struct snap_buf *b, uint64_t mpidr, uint32_t mp_state, uint32_t nr_regs);
void snap_vcpu_put_reg(struct snap_buf *b, uint64_t id, const void *val);

/* VCPU: decoded, pointing into the payload (keep it alive). */
struct snap_reg {
	uint64_t id;
	const uint8_t *val; /* snap_reg_size(id) bytes, little-endian */
};
struct snap_vcpu {
	uint64_t mpidr;
	uint32_t mp_state;
	uint32_t nr;
	struct snap_reg *regs; /* malloc'ed: snap_vcpu_free */
};
int snap_vcpu_parse(const void *data, size_t len, struct snap_vcpu *v, char *err, size_t errlen);
void snap_vcpu_free(struct snap_vcpu *v);
/* The register's value as a u64 (its low 8 bytes); false if v lacks it. */
bool snap_vcpu_get_u64(const struct snap_vcpu *v, uint64_t id, uint64_t *val);

/* VGIC and FIRMWARE_REGS: lists of (group, attr, value). */
enum snap_vgic_group {
	SNAP_VGIC_DIST = 1,	  /* KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 32 bits */
	SNAP_VGIC_REDIST = 5,	  /* KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, 32 bits */
	SNAP_VGIC_CPU_SYSREG = 6, /* KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS, 64 bits */
	SNAP_VGIC_LEVEL = 7,	  /* KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, 32 bits */
};
struct snap_attr {
	uint32_t group;
	uint64_t attr;
	uint64_t value;
};
struct snap_vgic {
	uint32_t nr_irqs;
	uint32_t nr;
	struct snap_attr *attrs; /* malloc'ed: snap_vgic_free */
};
void snap_vgic_put_head(struct snap_buf *b, uint32_t nr_irqs, uint32_t nr_attrs);
void snap_vgic_put_attr(struct snap_buf *b, uint32_t group, uint64_t attr, uint64_t value);
int snap_vgic_parse(const void *data, size_t len, struct snap_vgic *g, char *err, size_t errlen);
void snap_vgic_free(struct snap_vgic *g);

#define SNAP_MAX_FW_REGS 16
struct snap_fw_regs {
	uint32_t nr;
	uint64_t id[SNAP_MAX_FW_REGS], value[SNAP_MAX_FW_REGS];
};
void snap_fw_regs_save(const struct snap_fw_regs *f, struct snap_buf *b);
int snap_fw_regs_load(struct snap_fw_regs *f, const void *data, size_t len, char *err,
		      size_t errlen);

/* COUNTER */
void snap_counter_save(uint64_t cnt, struct snap_buf *b);
int snap_counter_load(uint64_t *cnt, const void *data, size_t len, char *err, size_t errlen);

/* HOST: what a restoring host must match, and the boot files a reset needs. */
#define SNAP_PATH_MAX 4096
struct snap_boot_file {
	char path[SNAP_PATH_MAX]; /* absolute; "" for none */
	uint64_t size;
	uint64_t mtime_ns;
};
struct snap_host {
	uint32_t page_size;
	bool filter; /* the SMCCC filter was installed (userspace PSCI) */
	bool pmu;
	struct snap_boot_file kernel, initrd;
};
void snap_host_save(const struct snap_host *h, struct snap_buf *b);
int snap_host_load(struct snap_host *h, const void *data, size_t len, char *err, size_t errlen);
/* One line naming the first fact of `here` that differs from `saved`
 * (the boot files are not compared here: snap_boot_file_check). */
int snap_host_compare(const struct snap_host *saved, const struct snap_host *here, char *err,
		      size_t errlen);
/* A boot file as found now (size, mtime) against the saved one: -1 with one
 * line if it changed ("what" is "kernel" or "initrd"). */
int snap_boot_file_check(const struct snap_boot_file *saved, uint64_t size, uint64_t mtime_ns,
			 const char *what, char *err, size_t errlen);

/* RAM_INFO */
struct snap_ram_info {
	uint64_t ram_size;
	uint32_t page_size;
	uint64_t data_pages;
	uint64_t acpi_size; /* at file offset ram_size; 0 without --acpi */
};
void snap_ram_info_save(const struct snap_ram_info *r, struct snap_buf *b);
int snap_ram_info_load(struct snap_ram_info *r, const void *data, size_t len, char *err,
		       size_t errlen);

/* PVTIME: the records as saved (pointing into the payload). */
void snap_pvtime_save(uint64_t base, const void *records, size_t size, struct snap_buf *b);
int snap_pvtime_load(uint64_t *base, const uint8_t **records, size_t *size, const void *data,
		     size_t len, char *err, size_t errlen);

#endif
