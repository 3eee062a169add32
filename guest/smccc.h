/*
 * SMC Calling Convention (DEN0028) calls from the test guest, and the PSCI
 * (DEN0022) function IDs and return codes it uses. Constant names follow the
 * Linux kernel's include/uapi/linux/psci.h and include/linux/arm-smccc.h so
 * they can be grepped in both specs and the kernel.
 */
#ifndef GUEST_SMCCC_H
#define GUEST_SMCCC_H

#include <stdint.h>

/* How a call reaches the PSCI implementation: the DT's /psci "method". */
enum conduit {
	CONDUIT_HVC = 0, /* the default before the DT is read */
	CONDUIT_SMC = 1,
};

/* x0..x3 after the call (DEN0028: results are returned in x0-x3 here). */
struct smccc_res {
	uint64_t a0, a1, a2, a3;
};

/*
 * Issue "hvc #0" or "smc #0" with x0 = fid and x1..x3 = a1..a3. x4..x17 are
 * treated as clobbered (SMCCC v1.0 lets the callee corrupt them).
 */
struct smccc_res smccc_call(enum conduit c, uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

/* The same call made with SCTLR_EL1.EE set (a big-endian caller), for the
 * check that CPU_ON starts its target in the caller's endianness. */
struct smccc_res smccc_call_big_endian(enum conduit c, uint64_t fid, uint64_t a1, uint64_t a2,
				       uint64_t a3);

/*
 * The same call with x4..x17 set to keep[0..13] and read back into it
 * afterwards, to check what SMCCC v1.1 and later promise: x4..x17 are
 * preserved by a function that does not return results in them (DEN0028
 * "Register use in AArch64 SMC and HVC calls").
 */
#define SMCCC_NR_KEPT 14
struct smccc_res smccc_call_keep(enum conduit c, uint64_t fid, uint64_t a1, uint64_t a2,
				 uint64_t a3, uint64_t keep[SMCCC_NR_KEPT]);

/*
 * Issue "smc #1" with x0 = fid. DEN0028 reserves non-zero SMC immediates;
 * KVM answers such an SMC itself with x0 = ~0 (all ones) and never exits to
 * the VMM. Returns x0.
 */
uint64_t smccc_smc_imm1(uint64_t fid);

/* A PSCI call whose result is the int32 in w0. SMC32 results are 32 bits
 * (DEN0028 "SMC32/HVC32 argument passing"): in-kernel PSCI sign-extends them
 * to 64 bits, a VMM may zero-extend; both compare equal as int32. */
static inline int32_t psci_call(enum conduit c, uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return (int32_t)smccc_call(c, fid, a1, a2, a3).a0;
}

const char *conduit_name(enum conduit c);
/* "SUCCESS", "NOT_SUPPORTED", ... or "?" */
const char *psci_ret_name(int32_t ret);
/* "ON", "OFF", "ON_PENDING", or psci_ret_name() for anything else */
const char *psci_affinity_name(int32_t state);

/* ---- Arm Architecture service (owner 0): always handled by KVM ---- */
#define ARM_SMCCC_VERSION_FUNC_ID 0x80000000U
#define ARM_SMCCC_VERSION_1_1	  0x10001

/* ---- PSCI function IDs (DEN0022; SMC32 0x840000xx, SMC64 0xC40000xx) ---- */
#define PSCI_0_2_FN_BASE   0x84000000U
#define PSCI_0_2_FN64_BASE 0xC4000000U
#define PSCI_0_2_FN(n)	   (PSCI_0_2_FN_BASE + (n))
#define PSCI_0_2_FN64(n)   (PSCI_0_2_FN64_BASE + (n))

#define PSCI_0_2_FN_PSCI_VERSION	    PSCI_0_2_FN(0)
#define PSCI_0_2_FN_CPU_SUSPEND		    PSCI_0_2_FN(1)
#define PSCI_0_2_FN_CPU_OFF		    PSCI_0_2_FN(2)
#define PSCI_0_2_FN_CPU_ON		    PSCI_0_2_FN(3)
#define PSCI_0_2_FN_AFFINITY_INFO	    PSCI_0_2_FN(4)
#define PSCI_0_2_FN_MIGRATE		    PSCI_0_2_FN(5)
#define PSCI_0_2_FN_MIGRATE_INFO_TYPE	    PSCI_0_2_FN(6)
#define PSCI_0_2_FN_MIGRATE_INFO_UP_CPU	    PSCI_0_2_FN(7)
#define PSCI_0_2_FN_SYSTEM_OFF		    PSCI_0_2_FN(8)
#define PSCI_0_2_FN_SYSTEM_RESET	    PSCI_0_2_FN(9)
#define PSCI_1_0_FN_PSCI_FEATURES	    PSCI_0_2_FN(10)
#define PSCI_1_0_FN_CPU_FREEZE		    PSCI_0_2_FN(11)
#define PSCI_1_0_FN_CPU_DEFAULT_SUSPEND	    PSCI_0_2_FN(12)
#define PSCI_1_0_FN_NODE_HW_STATE	    PSCI_0_2_FN(13)
#define PSCI_1_0_FN_SYSTEM_SUSPEND	    PSCI_0_2_FN(14)
#define PSCI_1_0_FN_SET_SUSPEND_MODE	    PSCI_0_2_FN(15)
#define PSCI_1_0_FN_STAT_RESIDENCY	    PSCI_0_2_FN(16)
#define PSCI_1_0_FN_STAT_COUNT		    PSCI_0_2_FN(17)
#define PSCI_1_1_FN_SYSTEM_RESET2	    PSCI_0_2_FN(18)
#define PSCI_1_1_FN_MEM_PROTECT		    PSCI_0_2_FN(19)
#define PSCI_1_1_FN_MEM_PROTECT_CHECK_RANGE PSCI_0_2_FN(20)
#define PSCI_1_3_FN_SYSTEM_OFF2		    PSCI_0_2_FN(21)

#define PSCI_0_2_FN64_CPU_SUSPEND	      PSCI_0_2_FN64(1)
#define PSCI_0_2_FN64_CPU_ON		      PSCI_0_2_FN64(3)
#define PSCI_0_2_FN64_AFFINITY_INFO	      PSCI_0_2_FN64(4)
#define PSCI_0_2_FN64_MIGRATE		      PSCI_0_2_FN64(5)
#define PSCI_0_2_FN64_MIGRATE_INFO_UP_CPU     PSCI_0_2_FN64(7)
#define PSCI_1_0_FN64_CPU_DEFAULT_SUSPEND     PSCI_0_2_FN64(12)
#define PSCI_1_0_FN64_NODE_HW_STATE	      PSCI_0_2_FN64(13)
#define PSCI_1_0_FN64_SYSTEM_SUSPEND	      PSCI_0_2_FN64(14)
#define PSCI_1_0_FN64_STAT_RESIDENCY	      PSCI_0_2_FN64(16)
#define PSCI_1_0_FN64_STAT_COUNT	      PSCI_0_2_FN64(17)
#define PSCI_1_1_FN64_SYSTEM_RESET2	      PSCI_0_2_FN64(18)
#define PSCI_1_1_FN64_MEM_PROTECT_CHECK_RANGE PSCI_0_2_FN64(20)
#define PSCI_1_3_FN64_SYSTEM_OFF2	      PSCI_0_2_FN64(21)

/* The PSCI 0.1-era function IDs KVM used before PSCI 0.2 (a vCPU created
 * with KVM_ARM_VCPU_PSCI_0_2 must not answer them). */
#define KVM_PSCI_FN_BASE 0x95c1ba5eU
#define KVM_PSCI_FN(n)	 (KVM_PSCI_FN_BASE + (n))

/* PSCI_VERSION: major in bits 30:16, minor in bits 15:0. */
#define PSCI_VERSION_MAJOR(v) (((uint32_t)(v) >> 16) & 0x7fff)
#define PSCI_VERSION_MINOR(v) ((uint32_t)(v)&0xffff)

/* ---- PSCI return codes (DEN0022 "Return error codes") ---- */
#define PSCI_RET_SUCCESS	  0
#define PSCI_RET_NOT_SUPPORTED	  (-1)
#define PSCI_RET_INVALID_PARAMS	  (-2)
#define PSCI_RET_DENIED		  (-3)
#define PSCI_RET_ALREADY_ON	  (-4)
#define PSCI_RET_ON_PENDING	  (-5)
#define PSCI_RET_INTERNAL_FAILURE (-6)
#define PSCI_RET_NOT_PRESENT	  (-7)
#define PSCI_RET_DISABLED	  (-8)
#define PSCI_RET_INVALID_ADDRESS  (-9)

/* AFFINITY_INFO results. */
#define PSCI_0_2_AFFINITY_LEVEL_ON	   0
#define PSCI_0_2_AFFINITY_LEVEL_OFF	   1
#define PSCI_0_2_AFFINITY_LEVEL_ON_PENDING 2

/* MIGRATE_INFO_TYPE: no Trusted OS, so nothing to migrate. */
#define PSCI_0_2_TOS_MP 2

#endif
