/*
 * CPU helpers for the test guest: barriers, system registers, MMIO.
 *
 * The MMU is off, so every data access is Device memory: no exclusives, no
 * unaligned accesses. Data shared between CPUs is kept in single-writer words
 * accessed with READ_ONCE/WRITE_ONCE and ordered with dmb()/dsb().
 */
#ifndef GUEST_ARCH_H
#define GUEST_ARCH_H

#include <stdint.h>

#define READ_ONCE(x)	 (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#define __noreturn    __attribute__((noreturn))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The MPIDR_EL1 affinity fields (Aff3, Aff2, Aff1, Aff0): what a DT cpu
 * node's reg and PSCI's target_cpu carry. */
#define MPIDR_HWID_MASK 0xff00ffffffUL

/* DAIF with D, A, I and F all set: PSTATE.DAIF bits 9:6. */
#define DAIF_ALL_MASKED 0x3c0UL
#define SCTLR_EL1_M	0x1UL
/* SCTLR_EL1.EE: data accesses at EL1 are big-endian. */
#define SCTLR_EL1_EE (1UL << 25)
/* CurrentEL[3:2] is the exception level. */
#define CURRENTEL_EL(v) (((v) >> 2) & 3)

static inline void dmb(void)
{
	asm volatile("dmb sy" ::: "memory");
}

/* Before a hypercall that lets another CPU observe our stores (CPU_ON,
 * CPU_OFF): a dmb orders accesses, a dsb also waits for them to complete. */
static inline void dsb(void)
{
	asm volatile("dsb sy" ::: "memory");
}

/* After a system register write that must take effect before what follows
 * (timer, GIC CPU interface), and before reading the counter in order. */
static inline void isb(void)
{
	asm volatile("isb" ::: "memory");
}

static inline void cpu_relax(void)
{
	asm volatile("yield" ::: "memory");
}

static inline void wfi(void)
{
	asm volatile("wfi" ::: "memory");
}

#define read_sysreg(r)                                                                             \
	({                                                                                         \
		uint64_t __v;                                                                      \
		asm volatile("mrs %0, " #r : "=r"(__v));                                           \
		__v;                                                                               \
	})

#define write_sysreg(r, v) asm volatile("msr " #r ", %0" ::"r"((uint64_t)(v)) : "memory")

/*
 * MMIO with explicit single load/store instructions without writeback, so
 * the data abort carries a valid syndrome (ESR_EL2.ISV) and KVM can hand the
 * access to the VMM. A plain volatile access could be compiled into a pair or
 * writeback form that KVM cannot emulate.
 */
static inline uint8_t mmio_read8(uintptr_t addr)
{
	uint32_t v;

	asm volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return (uint8_t)v;
}

static inline void mmio_write8(uintptr_t addr, uint8_t v)
{
	asm volatile("strb %w0, [%1]" ::"r"((uint32_t)v), "r"(addr) : "memory");
}

static inline uint32_t mmio_read32(uintptr_t addr)
{
	uint32_t v;

	asm volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
	asm volatile("str %w0, [%1]" ::"r"(v), "r"(addr) : "memory");
}

#endif
