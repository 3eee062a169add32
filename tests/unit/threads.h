/*
 * Helpers for the unit tests that race threads: time in seconds, a join with
 * a deadline (a hang becomes a failed check, not a hung test run), and the
 * setting that finds the orders timing hides: SCHED_IDLE on one CPU, where
 * every normal thread on that CPU (a writer, a reader) runs first.
 */
#ifndef TESTS_UNIT_THREADS_H
#define TESTS_UNIT_THREADS_H

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <time.h>

#include "vmm/util/deadline.h"

#if defined(__SANITIZE_ADDRESS__)
#define TESTS_HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TESTS_HAVE_LSAN 1
#endif
#endif
#ifdef TESTS_HAVE_LSAN
#include <sanitizer/lsan_interface.h>
/* Around an allocation a test leaves behind on purpose (a thread stuck for
 * good in write()). */
#define LEAK_ON_PURPOSE_BEGIN() __lsan_disable()
#define LEAK_ON_PURPOSE_END()	__lsan_enable()
#else
#define LEAK_ON_PURPOSE_BEGIN() ((void)0)
#define LEAK_ON_PURPOSE_END()	((void)0)
#endif

static inline double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Join t if it ends within seconds; false (t left running) otherwise. */
static inline bool join_within(pthread_t t, double seconds)
{
	struct timespec until = deadline_after_ns(CLOCK_REALTIME, (uint64_t)(seconds * 1e9));

	return pthread_timedjoin_np(t, NULL, &until) == 0;
}

/* The calling thread runs on CPU 0 only; returns the old mask in old. */
static inline void pin_to_cpu0(cpu_set_t *old)
{
	cpu_set_t one;

	if (old)
		sched_getaffinity(0, sizeof(*old), old);
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	sched_setaffinity(0, sizeof(one), &one);
}

/* The calling thread runs on CPU 0 only, and only when nothing else there
 * wants to. */
static inline void idle_on_cpu0(void)
{
	struct sched_param none = {0};

	pin_to_cpu0(NULL);
	pthread_setschedparam(pthread_self(), SCHED_IDLE, &none);
}

#endif
