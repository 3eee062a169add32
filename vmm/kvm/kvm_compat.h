/*
 * KVM uapi definitions newer than the headers of the Debian cross toolchain
 * (Linux 6.1). Values from the kernel's include/uapi and
 * Documentation/virt/kvm/{api.rst,devices/vm.rst}; each is guarded so newer
 * headers win.
 */
#ifndef VMM_KVM_COMPAT_H
#define VMM_KVM_COMPAT_H

#include <linux/kvm.h>

/* Linux 6.4: the SMCCC filter, a VM device attribute. */
#ifndef KVM_ARM_VM_SMCCC_CTRL
#define KVM_ARM_VM_SMCCC_CTRL	0
#define KVM_ARM_VM_SMCCC_FILTER 0

enum kvm_smccc_filter_action {
	KVM_SMCCC_FILTER_HANDLE = 0,
	KVM_SMCCC_FILTER_DENY,
	KVM_SMCCC_FILTER_FWD_TO_USER,
};

struct kvm_smccc_filter {
	__u32 base;
	__u32 nr_functions;
	__u8 action;
	__u8 pad[15];
};
#endif

/* Linux 6.4: run->hypercall.flags (shares storage with the old `longmode`). */
#ifndef KVM_HYPERCALL_EXIT_SMC
#define KVM_HYPERCALL_EXIT_SMC	 (1U << 0)
#define KVM_HYPERCALL_EXIT_16BIT (1U << 1)
#endif

#ifndef KVM_CAP_ARM_SYSTEM_SUSPEND
#define KVM_CAP_ARM_SYSTEM_SUSPEND 216
#endif

/* Linux 6.16: the second vendor-hypervisor bitmap (DISCOVER_IMPL_*). */
#ifndef KVM_REG_ARM_VENDOR_HYP_BMAP_2
#define KVM_REG_ARM_VENDOR_HYP_BMAP_2 KVM_REG_ARM_FW_FEAT_BMAP_REG(3)
#endif

/* MPIDR_EL1 as a KVM_{GET,SET}_ONE_REG id: op0 3, op1 0, CRn 0, CRm 0, op2 5. */
#define KVM_REG_MPIDR_EL1 ARM64_SYS_REG(3, 0, 0, 0, 5)
#define KVM_REG_SCTLR_EL1 ARM64_SYS_REG(3, 0, 1, 0, 0)
/* SCTLR_EL1.EE: EL1 data accesses (and translation walks) are big-endian. */
#define SCTLR_EL1_EE (1ULL << 25)

/* Core register ids (offsets into struct kvm_regs in 32-bit words). */
#define KVM_REG_CORE(field)                                                                        \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE |                                     \
	 (__u64)(__builtin_offsetof(struct kvm_regs, field) / sizeof(__u32)))
#define KVM_REG_X(n)   KVM_REG_CORE(regs.regs[n])
#define KVM_REG_PC     KVM_REG_CORE(regs.pc)
#define KVM_REG_PSTATE KVM_REG_CORE(regs.pstate)

#endif
