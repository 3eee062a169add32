/*
 * --exit-stats (exit_stats.h): counters, memory and start-up times, printed
 * on stderr once the last VM is gone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "vmm/control/server.h"
#include "vmm/exit_stats.h"
#include "vmm/output/outbuf.h"

void mem_usage_sample(const struct vm *vm, struct mem_usage *u)
{
	uintptr_t ram = (uintptr_t)vm->ram, ram_end = ram + vm->ram_size;
	unsigned long ram_kib = 0, total_kib = 0, kib;
	bool in_ram = false, line_start = true;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f = fopen("/proc/self/smaps", "re");

	if (!f)
		return;
	while ((n = getline(&line, &cap, f)) > 0) {
		unsigned long start, end;
		/* A mapping's header line ("start-end perms ..."), then its fields. */
		bool header = line_start && sscanf(line, "%lx-%lx ", &start, &end) == 2;

		line_start = line[n - 1] == '\n';
		if (header)
			in_ram = start >= ram && end <= ram_end;
		else if (sscanf(line, "Rss: %lu kB", &kib) == 1) {
			total_kib += kib;
			if (in_ram)
				ram_kib += kib;
		}
	}
	free(line);
	if (ferror(f)) {
		fclose(f);
		return;
	}
	fclose(f);
	u->ok = true;
	if (ram_kib > u->ram_kib)
		u->ram_kib = ram_kib;
	if (total_kib > u->total_kib)
		u->total_kib = total_kib;
}

uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The peak is at least every sample of the process's Rss, and each sample
 * holds its guest RAM's, so the difference cannot go negative. */
static void print_memory(const struct mem_usage *mem)
{
	struct rusage ru;
	unsigned long peak;

	getrusage(RUSAGE_SELF, &ru);
	peak = (unsigned long)ru.ru_maxrss;
	if (mem->total_kib > peak)
		peak = mem->total_kib;
	if (mem->ok)
		outbuf_log("vmm: exit-stats: rss_peak_kib=%lu guest_ram_resident_kib=%lu "
			   "vmm_overhead_kib=%lu\n",
			   peak, mem->ram_kib, peak - mem->ram_kib);
	else
		outbuf_log("vmm: exit-stats: rss_peak_kib=%lu (/proc/self/smaps unreadable: "
			   "no guest RAM figure)\n",
			   peak);
}

static void print_boot_timing(const struct boot_timing *t, const struct vmm_shared *shared)
{
	uint64_t first = atomic_load(&shared->first_run_ns);
#define SINCE_US(x) ((x) > t->start ? (unsigned long long)(((x)-t->start) / 1000) : 0ULL)

	outbuf_log("vmm: exit-stats: startup_us opened=%llu vm_built=%llu first_run=%llu "
		   "run_end=%llu torn_down=%llu\n",
		   SINCE_US(t->opened), SINCE_US(t->created), SINCE_US(first), SINCE_US(t->run_end),
		   SINCE_US(t->destroyed));
#undef SINCE_US
}

void print_exit_stats(struct vmm_shared *shared, const struct mem_usage *mem,
		      const struct boot_timing *timing)
{
	char *line = control_stats_line(shared);

	/* Like every line of the VMM's own, through the log: the main thread
	 * never waits for a stalled stderr (DESIGN.md §4). */
	if (line) {
		char *out = NULL;
		int n = asprintf(&out, "vmm: exit-stats: %s", line + 3); /* drop "ok " */

		if (n > 0)
			outbuf_log_text(out, (size_t)n);
		free(out);
	}
	free(line);
	print_memory(mem);
	print_boot_timing(timing, shared);
}
