/*
 * SNAP_PSCI: userspace PSCI's state (psci.h) saved and loaded (contract in
 * snapstate.h, DESIGN.md §13).
 *
 *   payload  u32 PSCI version, u32 n, n x i32 PSCI_FEATURES answers (every
 *            ID of the SMC32 and SMC64 PSCI ranges), u32 vCPUs, then per
 *            vCPU: u64 MPIDR, u8 state, bool present, bool unplug_when_off,
 *            u8 suspend (0 none, 1 standby, 2 power-down), u64 entry,
 *            u64 context id, bool entry_be, bool lost, u64 suspended for
 *            (us, the suspend in progress), u64 CPU_ONs, u64 CPU_OFFs,
 *            u64 x2 STAT_COUNT, u64 x2 STAT_RESIDENCY (us)
 *
 * What is easy to get wrong: the start of a suspend in progress is a value
 * of this host's CLOCK_MONOTONIC, meaningless in another process or after a
 * reboot. It is saved as how long the suspend has lasted, and a load puts the
 * start that far before its own clock's now, so STAT_RESIDENCY goes on from
 * where it was. A vCPU that is ON_PENDING and not lost is started by its
 * thread as soon as it runs (psci_wait_for_on): a pending CPU_ON survives.
 */
#include <inttypes.h>
#include <string.h>

#include "vmm/firmware/psci.h"
#include "vmm/snapshot/snap_codec.h"
#include "vmm/snapshot/snapstate.h"

#define SECTION	    "PSCI"
#define NR_FEATURES (2 * PSCI_FN_RANGE_SIZE)

/* What this vmm's PSCI_FEATURES answers for the i-th PSCI function ID. */
static uint32_t features_of(struct psci *p, unsigned int i)
{
	uint32_t base = i < PSCI_FN_RANGE_SIZE ? PSCI_0_2_FN_BASE : PSCI_0_2_FN64_BASE;
	struct smccc_call call = {.fid = PSCI_1_0_FN_PSCI_FEATURES, .nr_args = 1};
	struct smccc_result res = {.x = {(uint64_t)SMCCC_RET_NOT_SUPPORTED}, .nr = 1};

	call.args[0] = base + i % PSCI_FN_RANGE_SIZE;
	p->service.handle(p->service.ctx, &call, &res);
	return (uint32_t)res.x[0];
}

/* A vCPU's power state: where it is and where it starts next. */
static void save_cpu_state(const struct psci_cpu *c, struct snap_buf *b)
{
	snap_put_u64(b, c->mpidr);
	snap_put_u8(b, (uint8_t)c->state);
	snap_put_bool(b, c->present);
	snap_put_bool(b, c->unplug_when_off);
	snap_put_u8(b, (uint8_t)(c->suspend + 1));
	snap_put_u64(b, c->entry);
	snap_put_u64(b, c->context_id);
	snap_put_bool(b, c->entry_be);
	snap_put_bool(b, c->lost);
}

/* Its statistics: the suspend in progress, CPU_ON/CPU_OFF counts and
 * PSCI_STAT_COUNT/PSCI_STAT_RESIDENCY (DEN0022 §5.17, §5.18). */
static void save_cpu_stats(const struct psci_cpu *c, uint64_t now, struct snap_buf *b)
{
	bool suspended = c->suspend != PSCI_SUSPEND_NONE;

	/* A clock that went back (tests replace it) counts as no time. */
	snap_put_u64(b, suspended && now > c->suspend_start_us ? now - c->suspend_start_us : 0);
	snap_put_u64(b, c->nr_on);
	snap_put_u64(b, c->nr_off);
	for (int s = 0; s < PSCI_NR_SUSPEND_STATES; s++)
		snap_put_u64(b, c->suspend_count[s]);
	for (int s = 0; s < PSCI_NR_SUSPEND_STATES; s++)
		snap_put_u64(b, c->residency_us[s]);
}

void snap_psci_save(struct psci *p, struct snap_buf *b)
{
	uint64_t now;

	snap_put_u32(b, PSCI_IMPL_VERSION);
	snap_put_u32(b, NR_FEATURES);
	for (unsigned int i = 0; i < NR_FEATURES; i++)
		snap_put_u32(b, features_of(p, i));
	pthread_mutex_lock(&p->lock);
	now = p->now_us();
	snap_put_u32(b, p->nr_cpus);
	for (unsigned int i = 0; i < p->nr_cpus; i++) {
		save_cpu_state(&p->cpus[i], b);
		save_cpu_stats(&p->cpus[i], now, b);
	}
	pthread_mutex_unlock(&p->lock);
}

/* One vCPU as read, before it is checked and applied. */
struct saved_cpu {
	uint64_t mpidr;
	uint8_t state, suspend; /* suspend: 0 none, 1 standby, 2 power-down */
	bool present, unplug_when_off, entry_be, lost;
	uint64_t entry, context_id, suspended_for;
	uint64_t nr_on, nr_off;
	uint64_t count[PSCI_NR_SUSPEND_STATES], residency[PSCI_NR_SUSPEND_STATES];
};

static void read_cpu_state(struct snap_cursor *c, struct saved_cpu *s)
{
	s->mpidr = snap_get_u64(c);
	s->state = snap_get_u8(c);
	s->present = snap_get_bool(c);
	s->unplug_when_off = snap_get_bool(c);
	s->suspend = snap_get_u8(c);
	s->entry = snap_get_u64(c);
	s->context_id = snap_get_u64(c);
	s->entry_be = snap_get_bool(c);
	s->lost = snap_get_bool(c);
}

static void read_cpu_stats(struct snap_cursor *c, struct saved_cpu *s)
{
	s->suspended_for = snap_get_u64(c);
	s->nr_on = snap_get_u64(c);
	s->nr_off = snap_get_u64(c);
	for (int i = 0; i < PSCI_NR_SUSPEND_STATES; i++)
		s->count[i] = snap_get_u64(c);
	for (int i = 0; i < PSCI_NR_SUSPEND_STATES; i++)
		s->residency[i] = snap_get_u64(c);
}

static bool entry_in_ram(const struct psci *p, uint64_t entry)
{
	return entry >= p->ram_base && entry - p->ram_base < p->ram_size && !(entry & 3);
}

/* Why vCPU i's saved state cannot be, or NULL. */
static const char *cpu_impossible(const struct psci *p, unsigned int i, const struct saved_cpu *s)
{
	if (s->mpidr != p->cpus[i].mpidr)
		return "has another MPIDR than this machine gives it";
	if (s->state > PSCI_CPU_ON || s->suspend > PSCI_NR_SUSPEND_STATES)
		return "has an unknown power state";
	if (s->suspend && s->state != PSCI_CPU_ON)
		return "is suspended but not on";
	if (!s->suspend && s->suspended_for)
		return "has a suspend in progress but is not suspended";
	if (s->lost && s->state != PSCI_CPU_ON_PENDING)
		return "has a lost CPU_ON but is not on-pending";
	if (!s->present && (s->state != PSCI_CPU_OFF || s->unplug_when_off))
		return "is absent but not off";
	if (s->unplug_when_off && s->state == PSCI_CPU_OFF)
		return "has a deferred unplug but is off";
	if (i == 0 && (!s->present || s->unplug_when_off))
		return "is the boot vCPU but absent or being unplugged";
	if (s->state == PSCI_CPU_ON_PENDING && !entry_in_ram(p, s->entry))
		return "is on-pending with an entry point outside RAM";
	if (s->suspend == PSCI_SUSPEND_POWERDOWN + 1 && !entry_in_ram(p, s->entry))
		return "is in a power-down suspend with an entry point outside RAM";
	return NULL;
}

static void apply_cpu(struct psci *p, struct psci_cpu *c, const struct saved_cpu *s)
{
	uint64_t now = p->now_us();

	c->state = (enum psci_cpu_state)s->state;
	c->present = s->present;
	c->unplug_when_off = s->unplug_when_off;
	c->suspend = (enum psci_suspend)((int)s->suspend - 1);
	c->entry = s->entry;
	c->context_id = s->context_id;
	c->entry_be = s->entry_be;
	c->lost = s->lost;
	c->nr_on = s->nr_on;
	c->nr_off = s->nr_off;
	for (int i = 0; i < PSCI_NR_SUSPEND_STATES; i++) {
		c->suspend_count[i] = s->count[i];
		c->residency_us[i] = s->residency[i];
	}
	c->suspend_start_us = 0;
	if (c->suspend == PSCI_SUSPEND_NONE)
		return;
	if (s->suspended_for <= now) {
		c->suspend_start_us = now - s->suspended_for;
	} else {
		/* This clock has not run that long yet (a rebooted host): what
		 * it cannot hold is counted at once, the total is the same. */
		c->residency_us[c->suspend] += s->suspended_for - now;
	}
}

/* The PSCI version and PSCI_FEATURES answers must be the ones the guest saw. */
static int check_firmware_view(struct psci *p, struct snap_cursor *c, char *err, size_t errlen)
{
	uint32_t version = snap_get_u32(c), n = snap_get_u32(c);

	if (c->bad)
		return snap_check_done(c, SECTION, err, errlen);
	if (version != PSCI_IMPL_VERSION)
		return snap_refuse(err, errlen, SECTION,
				   "the guest saw PSCI %" PRIu32 ".%" PRIu32
				   ", this vmm implements %u.%u",
				   version >> 16, version & 0xffff, PSCI_IMPL_VERSION >> 16,
				   PSCI_IMPL_VERSION & 0xffff);
	if (n != NR_FEATURES)
		return snap_refuse(err, errlen, SECTION,
				   "%" PRIu32 " PSCI_FEATURES answers, expected %u", n,
				   NR_FEATURES);
	for (unsigned int i = 0; i < NR_FEATURES; i++) {
		uint32_t saw = snap_get_u32(c), now = features_of(p, i);
		uint32_t base = i < PSCI_FN_RANGE_SIZE ? PSCI_0_2_FN_BASE : PSCI_0_2_FN64_BASE;
		char name[48];

		if (!c->bad && saw != now)
			return snap_refuse(
			    err, errlen, SECTION,
			    "the guest saw PSCI_FEATURES(%s) = %" PRId32
			    ", this vmm answers %" PRId32,
			    smccc_fid_name(base + i % PSCI_FN_RANGE_SIZE, name, sizeof(name)),
			    (int32_t)saw, (int32_t)now);
	}
	return c->bad ? snap_check_done(c, SECTION, err, errlen) : 0;
}

int snap_psci_load(struct psci *p, const void *data, size_t len, char *err, size_t errlen)
{
	struct snap_cursor c;
	struct saved_cpu s;
	const char *why;
	uint32_t nr;

	snap_cursor_init(&c, data, len);
	if (check_firmware_view(p, &c, err, errlen))
		return -1;
	nr = snap_get_u32(&c);
	if (!c.bad && nr != p->nr_cpus)
		return snap_refuse(err, errlen, SECTION, "%" PRIu32 " vCPUs, the machine has %u",
				   nr, p->nr_cpus);
	pthread_mutex_lock(&p->lock);
	for (unsigned int i = 0; i < p->nr_cpus && !c.bad; i++) {
		read_cpu_state(&c, &s);
		read_cpu_stats(&c, &s);
		why = c.bad ? NULL : cpu_impossible(p, i, &s);
		if (why) {
			pthread_mutex_unlock(&p->lock);
			return snap_refuse(err, errlen, SECTION, "vCPU %u %s", i, why);
		}
		if (!c.bad)
			apply_cpu(p, &p->cpus[i], &s);
	}
	pthread_mutex_unlock(&p->lock);
	return snap_check_done(&c, SECTION, err, errlen);
}
