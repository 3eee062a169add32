/*
 * Deadlines for the timed waits (pthread_cond_timedwait,
 * pthread_timedjoin_np): the time on a clock so many nanoseconds from now,
 * normalised. Every wait in the VMM that must end is written against one.
 */
#ifndef VMM_UTIL_DEADLINE_H
#define VMM_UTIL_DEADLINE_H

#include <stdint.h>
#include <time.h>

#define NS_PER_MS 1000000ULL
#define NS_PER_S  1000000000ULL

static inline struct timespec deadline_after_ns(clockid_t clock, uint64_t ns)
{
	struct timespec t;

	clock_gettime(clock, &t);
	t.tv_sec += (time_t)(ns / NS_PER_S);
	t.tv_nsec += (long)(ns % NS_PER_S);
	if (t.tv_nsec >= (long)NS_PER_S) {
		t.tv_sec++;
		t.tv_nsec -= (long)NS_PER_S;
	}
	return t;
}

#endif
