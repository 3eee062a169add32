/*
 * libFuzzer target: the hypercall dispatcher with the PSCI service, as the
 * run loop drives it. Each 32-byte record of the input is one call (vCPU,
 * FID, x1..x3) from a guest that can pass anything. Invariants: no crash, no
 * sanitizer report, results only where the outcome allows them, and the
 * PSCI bookkeeping stays consistent (every vCPU in a valid state).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/firmware/psci.h"
#include "vmm/firmware/smccc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NR_CPUS 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t mpidrs[NR_CPUS] = {0x0, 0x1, 0x100, 0x80000101};
	struct smccc_table table = {0};
	struct psci psci;
	char err[256];

	if (psci_init(&psci, NR_CPUS, mpidrs, 0x80000000, 0x1000000))
		abort();
	psci_boot_cpu(&psci, 0);
	psci_set_present(&psci, 3, false);
	const struct smccc_range rows[] = {
	    {0x84000000, 0x20, SMCCC_FILTER_FWD_TO_USER, "psci", &psci.service},
	    {0xC4000000, 0x20, SMCCC_FILTER_FWD_TO_USER, "psci", &psci.service},
	    {0x82000000, 0x100, SMCCC_FILTER_FWD_TO_USER, "sip", NULL},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (smccc_table_add(&table, &rows[i], err, sizeof(err)))
			abort();

	for (size_t off = 0; off + 32 <= size; off += 32) {
		struct smccc_call call = {0};
		struct smccc_result res;
		uint32_t raw;

		memcpy(&raw, data + off, 4);
		call.vcpu = raw % NR_CPUS;
		memcpy(&call.fid, data + off + 4, 4);
		/* Steer half of the calls into the PSCI ranges. */
		if (raw & 0x100)
			call.fid = (call.fid & 0x4000001f) | 0x84000000;
		call.conduit = (raw & 0x200) ? SMCCC_CONDUIT_SMC : SMCCC_CONDUIT_HVC;
		call.nr_args = smccc_nr_args(&table, call.fid);
		if (call.nr_args > 3)
			abort(); /* no PSCI function reads more than x1..x3 */
		memcpy(call.args, data + off + 8, 3 * 8);
		enum smccc_outcome out = smccc_dispatch(&table, &call, &res);

		if (res.nr > 4)
			abort();
		/* 32-bit calls return W registers: x0 sign-extended, the rest zero. */
		if (!smccc_is_64(call.fid))
			for (unsigned int i = 0; i < res.nr; i++)
				if (i == 0 ? res.x[0] != (uint64_t)(int64_t)(int32_t)res.x[0]
					   : res.x[i] >> 32 != 0)
					abort();
		/* A vCPU that left (off or suspended) comes back as the run loop would. */
		if (out == SMCCC_CPU_OFF) {
			if (res.nr != 0)
				abort();
		} else if (out == SMCCC_CPU_SUSPEND) {
			uint64_t entry, ctx;

			psci_suspend_end(&psci, call.vcpu, &entry, &ctx);
		}
		/* Any vCPU a CPU_ON woke starts running. */
		for (unsigned int c = 0; c < NR_CPUS; c++) {
			struct psci_cpu_info info;

			if (!psci_cpu_info(&psci, c, &info) && info.state == PSCI_CPU_ON_PENDING)
				psci_cpu_running(&psci, c);
		}
	}
	for (unsigned int c = 0; c < NR_CPUS; c++) {
		struct psci_cpu_info info;

		if (psci_cpu_info(&psci, c, &info) || info.state > PSCI_CPU_ON)
			abort();
		/* vCPU 3 was never plugged: no CPU_ON may have started it. */
		if (c == 3 && (info.present || info.nr_on || info.state != PSCI_CPU_OFF))
			abort();
	}
	psci_destroy(&psci);
	return 0;
}
