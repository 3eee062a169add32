/*
 * SNAP_SMCCC, SNAP_VENDOR and SNAP_INJECT (contract in snapstate.h,
 * DESIGN.md §13): the firmware around PSCI as the guest meets it.
 *
 *   SMCCC   u32 rows, per row u32 base, u32 count, u8 action, text origin,
 *           text service ("" for none)
 *   VENDOR  u32 CPU implementations, per one u64 MIDR, REVIDR, AIDR
 *   INJECT  u32 rules, per rule text (canonical), u64 calls fired on
 *
 * The SMCCC table points at services, so it is not loaded but compared: a
 * restore builds its table as a boot does and must arrive at the saved one.
 * Injection rules are saved as text and parsed again on load, so a rule is
 * only ever made by inject_parse and its checks.
 */
#include <inttypes.h>
#include <string.h>

#include "vmm/cli/cli.h"
#include "vmm/firmware/inject.h"
#include "vmm/firmware/vendor.h"
#include "vmm/snapshot/snap_codec.h"
#include "vmm/snapshot/snapstate.h"

#define SMCCC_ORIGIN_FILTER "--smccc-filter"

void snap_smccc_save(const struct smccc_table *t, struct snap_buf *b)
{
	snap_put_u32(b, t->nr);
	for (unsigned int i = 0; i < t->nr && i < SMCCC_MAX_RANGES; i++) {
		const struct smccc_range *r = &t->ranges[i];

		snap_put_u32(b, r->base);
		snap_put_u32(b, r->nr);
		snap_put_u8(b, (uint8_t)r->action);
		snap_put_str(b, r->origin ? r->origin : "");
		snap_put_str(b, r->service && r->service->name ? r->service->name : "");
	}
}

int snap_smccc_load(struct snap_smccc *s, const void *data, size_t len, char *err, size_t errlen)
{
	struct snap_cursor c;

	memset(s, 0, sizeof(*s));
	snap_cursor_init(&c, data, len);
	s->nr = snap_get_u32(&c);
	if (!c.bad && s->nr > SMCCC_MAX_RANGES)
		return snap_refuse(err, errlen, "SMCCC", "%u rows, a table holds %d", s->nr,
				   SMCCC_MAX_RANGES);
	for (unsigned int i = 0; i < s->nr && !c.bad; i++) {
		struct snap_smccc_row *r = &s->rows[i];
		uint8_t action;

		r->base = snap_get_u32(&c);
		r->nr = snap_get_u32(&c);
		action = snap_get_u8(&c);
		snap_get_str(&c, r->origin, sizeof(r->origin));
		snap_get_str(&c, r->service, sizeof(r->service));
		if (c.bad)
			break;
		if (action > SMCCC_FILTER_FWD_TO_USER || r->nr == 0 ||
		    (uint64_t)r->base + r->nr > (1ULL << 32))
			return snap_refuse(err, errlen, "SMCCC",
					   "row %u (0x%08" PRIx32 " +%" PRIu32
					   ", action %u) is not a range",
					   i, r->base, r->nr, action);
		r->action = (enum smccc_filter_action)action;
	}
	return snap_check_done(&c, "SMCCC", err, errlen);
}

unsigned int snap_smccc_filters(const struct snap_smccc *s, struct cli_filter *f, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < s->nr && n < max; i++)
		if (!strcmp(s->rows[i].origin, SMCCC_ORIGIN_FILTER))
			f[n++] =
			    (struct cli_filter){s->rows[i].base, s->rows[i].nr, s->rows[i].action};
	return n;
}

static bool row_equal(const struct snap_smccc_row *s, const struct smccc_range *r)
{
	const char *service = r->service && r->service->name ? r->service->name : "";

	return s->base == r->base && s->nr == r->nr && s->action == r->action &&
	       !strcmp(s->origin, r->origin ? r->origin : "") && !strcmp(s->service, service);
}

int snap_smccc_compare(const struct snap_smccc *s, const struct smccc_table *t, char *err,
		       size_t errlen)
{
	for (unsigned int i = 0; i < s->nr || i < t->nr; i++) {
		const struct snap_smccc_row *a = i < s->nr ? &s->rows[i] : NULL;
		const struct smccc_range *b = i < t->nr ? &t->ranges[i] : NULL;

		if (a && b && row_equal(a, b))
			continue;
		if (!b)
			return snap_refuse(err, errlen, "SMCCC",
					   "the guest had 0x%08" PRIx32 " +%" PRIu32
					   " (%s) %s, this vmm's table has no such row",
					   a->base, a->nr, a->origin, smccc_action_name(a->action));
		return snap_refuse(err, errlen, "SMCCC",
				   "row %u: this vmm has 0x%08" PRIx32 " +%" PRIu32
				   " (%s) %s, the guest had %s",
				   i, b->base, b->nr, b->origin ? b->origin : "",
				   smccc_action_name(b->action), a ? "another row" : "none");
	}
	return 0;
}

void snap_vendor_save(const struct vendor *v, struct snap_buf *b)
{
	snap_put_u32(b, v->nr_impl);
	for (unsigned int i = 0; i < v->nr_impl && i < VENDOR_MAX_IMPL_CPUS; i++) {
		snap_put_u64(b, v->impl[i].midr);
		snap_put_u64(b, v->impl[i].revidr);
		snap_put_u64(b, v->impl[i].aidr);
	}
}

int snap_vendor_load(struct vendor *v, const void *data, size_t len, char *err, size_t errlen)
{
	struct snap_cursor c;
	uint32_t nr;

	snap_cursor_init(&c, data, len);
	nr = snap_get_u32(&c);
	if (!c.bad && nr > VENDOR_MAX_IMPL_CPUS)
		return snap_refuse(err, errlen, "VENDOR",
				   "%" PRIu32 " CPU implementations, at most %d", nr,
				   VENDOR_MAX_IMPL_CPUS);
	for (uint32_t i = 0; i < nr && !c.bad; i++) {
		v->impl[i].midr = snap_get_u64(&c);
		v->impl[i].revidr = snap_get_u64(&c);
		v->impl[i].aidr = snap_get_u64(&c);
	}
	if (snap_check_done(&c, "VENDOR", err, errlen))
		return -1;
	v->nr_impl = nr;
	return 0;
}

void snap_inject_save(struct inject *inj, struct snap_buf *b)
{
	unsigned int nr;

	pthread_mutex_lock(&inj->lock);
	nr = atomic_load(&inj->nr);
	snap_put_u32(b, nr);
	for (unsigned int i = 0; i < nr; i++) {
		snap_put_str(b, inj->rules[i].text);
		snap_put_u64(b, inj->fired[i]);
	}
	pthread_mutex_unlock(&inj->lock);
}

/* Rule i of the payload, parsed; -1 with err if it cannot be in force. */
static int load_rule(struct snap_cursor *c, unsigned int i, struct inject_rule *rule,
		     uint64_t *fired, char *err, size_t errlen)
{
	char text[INJECT_MAX_RULE_TEXT], why[256];

	snap_get_str(c, text, sizeof(text));
	*fired = snap_get_u64(c);
	if (c->bad)
		return snap_check_done(c, "INJECT", err, errlen);
	if (inject_parse(text, rule, why, sizeof(why)))
		return snap_refuse(err, errlen, "INJECT", "rule %u: %s", i, why);
	if (strcmp(rule->text, text))
		return snap_refuse(err, errlen, "INJECT",
				   "rule %u '%s' is not as this vmm writes it", i, text);
	if (rule->next && *fired > rule->next)
		return snap_refuse(err, errlen, "INJECT", "rule %u '%s' fired %" PRIu64 " times", i,
				   text, *fired);
	return 0;
}

int snap_inject_load(struct inject *inj, const void *data, size_t len, char *err, size_t errlen)
{
	struct inject_rule rule;
	struct snap_cursor c;
	unsigned int at;
	uint64_t fired;
	uint32_t nr;

	snap_cursor_init(&c, data, len);
	nr = snap_get_u32(&c);
	at = atomic_load(&inj->nr);
	if (!c.bad && nr > INJECT_MAX_RULES - at)
		return snap_refuse(err, errlen, "INJECT", "%" PRIu32 " rules, room for %u", nr,
				   INJECT_MAX_RULES - at);
	for (uint32_t i = 0; i < nr && !c.bad; i++) {
		if (load_rule(&c, i, &rule, &fired, err, errlen))
			return -1;
		if (inject_add(inj, &rule))
			return snap_refuse(err, errlen, "INJECT", "no room for rule %" PRIu32, i);
		pthread_mutex_lock(&inj->lock);
		inj->fired[at + i] = (unsigned long)fired;
		pthread_mutex_unlock(&inj->lock);
	}
	return snap_check_done(&c, "INJECT", err, errlen);
}
