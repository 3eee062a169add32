/*
 * A flag that threads wait on with a condition variable: it is changed
 * under the lock the waiters hold and every waiter is woken to look at it
 * again. The stop and cancel paths (output rings, injected delays, the
 * pause gate) use this so that none of them can change the flag without
 * the wake-up, the lost wake-up that leaves a thread waiting for ever.
 */
#ifndef VMM_UTIL_WAKE_H
#define VMM_UTIL_WAKE_H

#include <pthread.h>
#include <stdbool.h>

static inline void set_flag_and_wake(pthread_mutex_t *lock, pthread_cond_t *cond, bool *flag,
				     bool value)
{
	pthread_mutex_lock(lock);
	*flag = value;
	pthread_cond_broadcast(cond);
	pthread_mutex_unlock(lock);
}

#endif
