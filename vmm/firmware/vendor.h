/*
 * Vendor-hypervisor services answered in userspace (SMCCC owner 6):
 *
 * - KVM's DISCOVER_IMPL_VER / DISCOVER_IMPL_CPUS (functions 64 and 65), which
 *   the kernel leaves to the VMM: the CPU implementations (MIDR, REVIDR,
 *   AIDR) the guest may run on, so it can enable the right errata
 *   workarounds (the kernel's Documentation/virt/kvm/arm/hypercalls.rst).
 * - This VMM's own service (vmm/machine/guest_abi.h): VMM_HYP_INFO and
 *   VMM_HYP_CONSOLE_WRITE.
 *
 * Pure logic: guest RAM is a plain buffer, the console a callback.
 */
#ifndef VMM_VENDOR_H
#define VMM_VENDOR_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/firmware/smccc.h"

struct psci;

#define KVM_DISCOVER_IMPL_VER_FUNC_ID  0xC6000040U
#define KVM_DISCOVER_IMPL_CPUS_FUNC_ID 0xC6000041U
#define KVM_DISCOVER_IMPL_VERSION      0x00010000U /* 1.0 */

/* SMCCC return code for a bad argument (DEN0028 §7.1). */
#define SMCCC_RET_INVALID_PARAMETER (-3)

#define VMM_VERSION_MAJOR 0
#define VMM_VERSION_MINOR 1

#define VENDOR_MAX_IMPL_CPUS 16

struct vendor_impl_cpu {
	uint64_t midr, revidr, aidr;
};

struct vendor {
	unsigned int nr_impl;
	struct vendor_impl_cpu impl[VENDOR_MAX_IMPL_CPUS];

	const uint8_t *ram;
	uint64_t ram_base, ram_size;
	void (*console_write)(void *ctx, const uint8_t *buf, size_t len);
	void *console_ctx;
	struct psci *psci; /* for the vCPU counts; may be NULL (then 0) */

	struct smccc_service impl_service; /* DISCOVER_IMPL_* */
	struct smccc_service vmm_service;  /* VMM_HYP_* */
};

/* Fill in the two services; the caller sets the fields above first. */
void vendor_init(struct vendor *v);

#endif
