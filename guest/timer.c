/*
 * Bounded waits on the virtual counter (timer.h).
 */
#include <stdbool.h>
#include <stdint.h>

#include "guest/arch.h"
#include "guest/timer.h"

bool wait_word_at_least(const uint64_t *word, uint64_t want, uint64_t timeout)
{
	struct deadline d = deadline_in(timeout);

	for (;;) {
		if (READ_ONCE(*word) >= want) {
			dmb();
			return true;
		}
		if (deadline_passed(&d))
			return false;
		cpu_relax();
	}
}
