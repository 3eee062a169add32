/*
 * --exit-stats: what the VMM reports on stderr as it ends, for benchmarks
 * and for finding where time and memory go. Wiring (reads /proc/self).
 */
#ifndef VMM_EXIT_STATS_H
#define VMM_EXIT_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/kvm/vm.h"

/*
 * Memory as RSS counts it, from /proc/self/smaps: the Rss of the mappings
 * that make up guest RAM, and of the whole process, read in one pass. Not
 * mincore(): a page that the guest (or the VMM, serving a console write)
 * only read maps the shared zero page, which mincore() calls resident and
 * RSS does not count, so untouched RAM that was read showed up as "resident"
 * beyond the process's peak RSS. Each sample has ram_kib <= total_kib.
 */
struct mem_usage {
	bool ok;		 /* at least one sample was read */
	unsigned long ram_kib;	 /* the largest guest RAM Rss sampled */
	unsigned long total_kib; /* the largest process Rss sampled */
};

/* Sample vm's guest RAM and the process, keeping the largest of each. */
void mem_usage_sample(const struct vm *vm, struct mem_usage *u);

/*
 * Where start-up and shutdown time goes, CLOCK_MONOTONIC in ns (mono_ns):
 * `vmm` began, the guest's files were opened, the first VM was built (RAM,
 * vCPUs, vGIC, filter, images read in), the last run ended and the last VM
 * was torn down. vCPU 0's first KVM_RUN is vmm_shared.first_run_ns.
 */
struct boot_timing {
	uint64_t start, opened, created, run_end, destroyed;
};

uint64_t mono_ns(void);

/* The `stats` counters, peak RSS against the guest RAM it holds (their
 * difference is the VMM's own footprint), and the start-up times in
 * microseconds since `vmm` began. */
void print_exit_stats(struct vmm_shared *shared, const struct mem_usage *mem,
		      const struct boot_timing *timing);

#endif
