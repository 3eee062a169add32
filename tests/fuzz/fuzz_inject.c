/*
 * libFuzzer target: injection rules (vmm/firmware/inject.c), which come from the
 * command line and the control socket. Any bytes either parse into a rule
 * that is consistent and whose canonical text parses back to the same rule,
 * or fail with a non-empty one-line reason. A parsed rule is then matched
 * once, to run the matcher on whatever the parser let through.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/firmware/inject.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inject_rule rule, again;
	struct inject_action act;
	struct inject inj;
	char text[256], err[256];

	if (size >= sizeof(text))
		size = sizeof(text) - 1;
	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	if (inject_parse(text, &rule, err, sizeof(err))) {
		if (!err[0] || strchr(err, '\n'))
			abort(); /* a reason, on one line */
		return 0;
	}
	/* The rule's own checks: an effect, and lost only for CPU_ON. */
	if (rule.nr_fid < 1 || rule.nr_fid > 2 || (!rule.has_ret && !rule.lost && !rule.delay_ns) ||
	    (rule.has_ret && rule.lost) || rule.delay_ns > INJECT_MAX_DELAY_NS ||
	    rule.cpu < INJECT_ANY_CPU || rule.cpu > 65535)
		abort();
	/* What `inject list` and the traces show must mean the same rule. */
	if (inject_parse(rule.text, &again, err, sizeof(err)) || again.nr_fid != rule.nr_fid ||
	    again.fid[0] != rule.fid[0] || again.cpu != rule.cpu || again.next != rule.next ||
	    again.has_ret != rule.has_ret || (rule.has_ret && again.ret != rule.ret) ||
	    again.lost != rule.lost || again.delay_ns != rule.delay_ns ||
	    strcmp(again.text, rule.text))
		abort();
	inject_init(&inj);
	if (inject_add(&inj, &rule))
		abort();
	inject_match(&inj, rule.fid[0], rule.cpu, &act);
	if (!act.hit)
		abort();
	return 0;
}
