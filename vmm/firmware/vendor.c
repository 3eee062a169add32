/*
 * The two vendor-hypervisor services (SMCCC owner 6, DEN0028) that the
 * SMCCC filter forwards to us, as smccc.h services: KVM's DISCOVER_IMPL_VER
 * and DISCOVER_IMPL_CPUS, which list the CPU implementations (MIDR, REVIDR,
 * AIDR) the guest may run on (the kernel's virt/kvm/arm/hypercalls.rst),
 * and this VMM's own VMM_HYP_INFO and VMM_HYP_CONSOLE_WRITE (guest_abi.h).
 * They live in userspace because KVM leaves the first to the VMM and cannot
 * know the second. Pure: guest RAM is a buffer, the console a callback.
 */
#include <string.h>

#include "vmm/machine/guest_abi.h"
#include "vmm/firmware/psci.h"
#include "vmm/firmware/vendor.h"

static unsigned int impl_nr_args(void *ctx, uint32_t fid)
{
	(void)ctx;
	return fid == KVM_DISCOVER_IMPL_CPUS_FUNC_ID ? 3 : 0;
}

static enum smccc_outcome impl_handle(void *ctx, const struct smccc_call *call,
				      struct smccc_result *res)
{
	struct vendor *v = ctx;

	switch (call->fid) {
	case KVM_DISCOVER_IMPL_VER_FUNC_ID:
		if (v->nr_impl == 0)
			break; /* NOT_SUPPORTED: nothing to report */
		res->x[0] = SMCCC_RET_SUCCESS;
		res->x[1] = KVM_DISCOVER_IMPL_VERSION;
		res->x[2] = v->nr_impl;
		res->x[3] = 0;
		res->nr = 4;
		break;
	case KVM_DISCOVER_IMPL_CPUS_FUNC_ID:
		/* x2 and x3 are reserved and must be zero. */
		if (call->args[0] >= v->nr_impl || call->args[1] || call->args[2]) {
			res->x[0] = (uint64_t)(int64_t)SMCCC_RET_INVALID_PARAMETER;
			break;
		}
		res->x[0] = SMCCC_RET_SUCCESS;
		res->x[1] = v->impl[call->args[0]].midr;
		res->x[2] = v->impl[call->args[0]].revidr;
		res->x[3] = v->impl[call->args[0]].aidr;
		res->nr = 4;
		break;
	default:
		break;
	}
	return SMCCC_RESUME;
}

static unsigned int vmm_nr_args(void *ctx, uint32_t fid)
{
	(void)ctx;
	return fid == GUEST_VMM_HYP_CONSOLE_WRITE ? 2 : 0;
}

static void count_cpus(struct psci *p, uint64_t *possible, uint64_t *present)
{
	struct psci_cpu_info info;

	*possible = *present = 0;
	if (!p)
		return;
	*possible = p->nr_cpus;
	for (unsigned int i = 0; i < p->nr_cpus; i++)
		if (psci_cpu_info(p, i, &info) == 0 && info.present)
			(*present)++;
}

static enum smccc_outcome vmm_handle(void *ctx, const struct smccc_call *call,
				     struct smccc_result *res)
{
	struct vendor *v = ctx;
	uint64_t possible, present, addr, len;

	switch (call->fid) {
	case GUEST_VMM_HYP_INFO:
		count_cpus(v->psci, &possible, &present);
		res->x[0] = SMCCC_RET_SUCCESS;
		res->x[1] = GUEST_VMM_HYP_MAGIC;
		res->x[2] = (VMM_VERSION_MAJOR << 16) | VMM_VERSION_MINOR;
		res->x[3] = possible << 32 | present;
		res->nr = 4;
		break;
	case GUEST_VMM_HYP_CONSOLE_WRITE:
		addr = call->args[0];
		len = call->args[1];
		/* The whole buffer must lie in guest RAM; no wrap-around. */
		if (len > GUEST_VMM_CONSOLE_MAX || addr < v->ram_base ||
		    addr - v->ram_base > v->ram_size || len > v->ram_size - (addr - v->ram_base)) {
			res->x[0] = (uint64_t)(int64_t)SMCCC_RET_INVALID_PARAMETER;
			break;
		}
		if (len && v->console_write)
			v->console_write(v->console_ctx, v->ram + (addr - v->ram_base), len);
		res->x[0] = len;
		break;
	default:
		break;
	}
	return SMCCC_RESUME;
}

void vendor_init(struct vendor *v)
{
	v->impl_service = (struct smccc_service){
	    .name = "kvm-discover-impl",
	    .nr_args = impl_nr_args,
	    .handle = impl_handle,
	    .ctx = v,
	};
	v->vmm_service = (struct smccc_service){
	    .name = "vmm-hyp",
	    .nr_args = vmm_nr_args,
	    .handle = vmm_handle,
	    .ctx = v,
	};
}
