/*
 * SMCCC calls over HVC or SMC (DEN0028), and names for PSCI results.
 */
#include <stdint.h>

#include "guest/smccc.h"

/*
 * The call leaves x0..x3 with results and may corrupt x4..x17 (SMCCC v1.0;
 * v1.1 promises to preserve them, but we do not rely on the version).
 * "memory": the callee may be a CPU_ON/CPU_OFF that other CPUs observe.
 */
#define SMCCC_CLOBBERS                                                                             \
	"x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16",       \
	    "x17", "memory"

/* The four argument and result registers, declared by SMCCC_ARGS in the
 * caller as x0..x3 and bound to the call's arguments (DEN0028 §2.5), then
 * handed to the asm by SMCCC_REGS. */
#define SMCCC_ARGS(fid, a1, a2, a3)                                                                \
	register uint64_t x0 asm("x0") = (fid);                                                    \
	register uint64_t x1 asm("x1") = (a1);                                                     \
	register uint64_t x2 asm("x2") = (a2);                                                     \
	register uint64_t x3 asm("x3") = (a3)
#define SMCCC_REGS "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)

/*
 * The call made with SCTLR_EL1.EE set, i.e. from a big-endian caller, which
 * is how CPU_ON learns the endianness to start its target in (DEN0022
 * §6.4.3). Nothing between setting EE and clearing it touches memory: the
 * scratch registers are callee-saved ones the call preserves.
 */
#define SMCCC_BIG_ENDIAN_CALL(insn)                                                                \
	asm volatile("mrs x19, sctlr_el1\n\t"                                                      \
		     "orr x20, x19, #(1 << 25)\n\t"                                                \
		     "msr sctlr_el1, x20\n\t"                                                      \
		     "isb\n\t" insn "\n\t"                                                         \
		     "msr sctlr_el1, x19\n\t"                                                      \
		     "isb"                                                                         \
		     : SMCCC_REGS                                                                  \
		     :                                                                             \
		     : "x19", "x20", SMCCC_CLOBBERS)

struct smccc_res smccc_call_big_endian(enum conduit c, uint64_t fid, uint64_t a1, uint64_t a2,
				       uint64_t a3)
{
	SMCCC_ARGS(fid, a1, a2, a3);

	if (c == CONDUIT_SMC)
		SMCCC_BIG_ENDIAN_CALL("smc #0");
	else
		SMCCC_BIG_ENDIAN_CALL("hvc #0");
	return (struct smccc_res){x0, x1, x2, x3};
}

struct smccc_res smccc_call(enum conduit c, uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	SMCCC_ARGS(fid, a1, a2, a3);

	if (c == CONDUIT_SMC)
		asm volatile("smc #0" : SMCCC_REGS : : SMCCC_CLOBBERS);
	else
		asm volatile("hvc #0" : SMCCC_REGS : : SMCCC_CLOBBERS);
	return (struct smccc_res){x0, x1, x2, x3};
}

/*
 * x4..x17 loaded from keep[0..13] before the call and stored back after it,
 * so the caller sees what the callee left in them. The pointer's register
 * cannot be x0..x17 (operands and clobbers), so the call preserves it.
 */
#define SMCCC_KEEP_CALL(insn)                                                                      \
	asm volatile("ldp x4, x5, [%[k], #0]\n\t"                                                  \
		     "ldp x6, x7, [%[k], #16]\n\t"                                                 \
		     "ldp x8, x9, [%[k], #32]\n\t"                                                 \
		     "ldp x10, x11, [%[k], #48]\n\t"                                               \
		     "ldp x12, x13, [%[k], #64]\n\t"                                               \
		     "ldp x14, x15, [%[k], #80]\n\t"                                               \
		     "ldp x16, x17, [%[k], #96]\n\t" insn "\n\t"                                   \
		     "stp x4, x5, [%[k], #0]\n\t"                                                  \
		     "stp x6, x7, [%[k], #16]\n\t"                                                 \
		     "stp x8, x9, [%[k], #32]\n\t"                                                 \
		     "stp x10, x11, [%[k], #48]\n\t"                                               \
		     "stp x12, x13, [%[k], #64]\n\t"                                               \
		     "stp x14, x15, [%[k], #80]\n\t"                                               \
		     "stp x16, x17, [%[k], #96]"                                                   \
		     : SMCCC_REGS                                                                  \
		     : [k] "r"(keep)                                                               \
		     : SMCCC_CLOBBERS)

struct smccc_res smccc_call_keep(enum conduit c, uint64_t fid, uint64_t a1, uint64_t a2,
				 uint64_t a3, uint64_t keep[SMCCC_NR_KEPT])
{
	SMCCC_ARGS(fid, a1, a2, a3);

	if (c == CONDUIT_SMC)
		SMCCC_KEEP_CALL("smc #0");
	else
		SMCCC_KEEP_CALL("hvc #0");
	return (struct smccc_res){x0, x1, x2, x3};
}

uint64_t smccc_smc_imm1(uint64_t fid)
{
	register uint64_t x0 asm("x0") = fid;

	asm volatile("smc #1" : "+r"(x0) : : "x1", "x2", "x3", SMCCC_CLOBBERS);
	return x0;
}

const char *conduit_name(enum conduit c)
{
	return c == CONDUIT_SMC ? "smc" : "hvc";
}

const char *psci_ret_name(int32_t ret)
{
	switch (ret) {
	case PSCI_RET_SUCCESS:
		return "SUCCESS";
	case PSCI_RET_NOT_SUPPORTED:
		return "NOT_SUPPORTED";
	case PSCI_RET_INVALID_PARAMS:
		return "INVALID_PARAMETERS";
	case PSCI_RET_DENIED:
		return "DENIED";
	case PSCI_RET_ALREADY_ON:
		return "ALREADY_ON";
	case PSCI_RET_ON_PENDING:
		return "ON_PENDING";
	case PSCI_RET_INTERNAL_FAILURE:
		return "INTERNAL_FAILURE";
	case PSCI_RET_NOT_PRESENT:
		return "NOT_PRESENT";
	case PSCI_RET_DISABLED:
		return "DISABLED";
	case PSCI_RET_INVALID_ADDRESS:
		return "INVALID_ADDRESS";
	default:
		return "?";
	}
}

const char *psci_affinity_name(int32_t state)
{
	switch (state) {
	case PSCI_0_2_AFFINITY_LEVEL_ON:
		return "ON";
	case PSCI_0_2_AFFINITY_LEVEL_OFF:
		return "OFF";
	case PSCI_0_2_AFFINITY_LEVEL_ON_PENDING:
		return "ON_PENDING";
	default:
		return psci_ret_name(state);
	}
}
