/*
 * perfcount: the Linux guest's check that its PMU counts (vmm boot --pmu).
 * busybox has no perf, so this opens one hardware event for itself with
 * perf_event_open(2), runs a busy loop and prints the count:
 *
 *   perfcount [cycles|instructions] [LOOPS]
 *   -> "perfcount: cycles=N loops=L enabled_ns=E running_ns=R"
 *
 * Exit status: 0 when the count is non-zero, 1 when it is zero, 2 when the
 * event cannot be opened (no PMU: the reason is printed) or the arguments
 * are wrong. Built static with the cross compiler (Makefile) and put in the
 * initramfs as /bin/perfcount (scripts/mk-linux-guest).
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DEFAULT_LOOPS 10000000UL

struct reading {
	uint64_t value, enabled, running; /* PERF_FORMAT_TOTAL_TIME_{ENABLED,RUNNING} */
};

static int open_event(uint64_t config)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_HARDWARE;
	attr.config = config;
	attr.disabled = 1;
	attr.exclude_hv = 1;
	attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	/* this thread, any CPU, no group, no flags */
	return (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "cycles";
	unsigned long loops = DEFAULT_LOOPS;
	volatile unsigned long sink = 0;
	struct reading r;
	uint64_t config;
	char *end;
	int fd;

	if (!strcmp(name, "cycles"))
		config = PERF_COUNT_HW_CPU_CYCLES;
	else if (!strcmp(name, "instructions"))
		config = PERF_COUNT_HW_INSTRUCTIONS;
	else {
		fprintf(stderr, "usage: perfcount [cycles|instructions] [LOOPS]\n");
		return 2;
	}
	if (argc > 2) {
		errno = 0;
		loops = strtoul(argv[2], &end, 10);
		if (errno || *end || loops == 0) {
			fprintf(stderr, "perfcount: LOOPS '%s' is not a positive number\n",
				argv[2]);
			return 2;
		}
	}
	fd = open_event(config);
	if (fd < 0) {
		printf("perfcount: cannot open %s: %s\n", name, strerror(errno));
		return 2;
	}
	ioctl(fd, PERF_EVENT_IOC_RESET, 0);
	ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
	for (unsigned long i = 0; i < loops; i++)
		sink += i;
	ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
	if (read(fd, &r, sizeof(r)) != (ssize_t)sizeof(r)) {
		printf("perfcount: reading %s: %s\n", name, strerror(errno));
		return 2;
	}
	close(fd);
	printf("perfcount: %s=%" PRIu64 " loops=%lu enabled_ns=%" PRIu64 " running_ns=%" PRIu64
	       "\n",
	       name, r.value, loops, r.enabled, r.running);
	return r.value > 0 ? 0 : 1;
}
