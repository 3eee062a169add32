/*
 * Unit tests of the Trace Event writer (vmm/record/timeline_trace_event.c)
 * and of what the reader keeps for it (timeline_parse_details): the events
 * are checked line by line here, and every output is also read by python3's
 * json module in tests/tools/check-trace-event.py (python3 is installed by
 * scripts/deps), which checks it against its record: each vCPU's state
 * slices tile its time, every call is there exactly once.
 */
#define CHECK_FILE "trace_event"
#include "tests/unit/check.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/records.h"
#include "vmm/record/timeline.h"

#define CHECKER "tests/tools/check-trace-event.py"

/* Two vCPUs: cpu1 comes up through a CPU_ON, goes CPU_OFF, a second CPU_ON
 * is answered INTERNAL_FAILURE by a rule; the VM powers off at 2 s. The
 * CPU_ON's line follows the state lines it caused, as the VMM writes it. */
static const char two_cpus[] = RECORD_TWO_CPUS_START
    "{\"t\":1100000500,\"ev\":\"state\",\"vcpu\":1,\"from\":\"off\",\"to\":\"on-pending\","
    "\"cause\":\"CPU_ON\"}\n"
    "{\"t\":1100000000,\"ev\":\"call\",\"vcpu\":0,\"conduit\":\"hvc\",\"fn\":\"PSCI_CPU_ON64\","
    "\"fid\":\"0xc4000003\",\"args\":[\"0x1\",\"0x80080000\",\"0x5ec0001\"],\"target\":1,"
    "\"result\":\"resume\",\"ret\":0,\"x0\":\"0x0\",\"injected\":false,\"vmm_ns\":1234}\n"
    "{\"t\":1100500000,\"ev\":\"state\",\"vcpu\":1,\"from\":\"on-pending\",\"to\":\"on\","
    "\"cause\":\"running\"}\n"
    "{\"t\":1600000000,\"ev\":\"state\",\"vcpu\":1,\"from\":\"on\",\"to\":\"off\","
    "\"cause\":\"CPU_OFF\"}\n"
    "{\"t\":1599999000,\"ev\":\"call\",\"vcpu\":1,\"conduit\":\"hvc\",\"fn\":\"PSCI_CPU_OFF\","
    "\"fid\":\"0x84000002\",\"args\":[],\"result\":\"cpu-off\",\"injected\":false,"
    "\"vmm_ns\":1000}\n" RECORD_TWO_CPUS_END;

/* The Trace Event file of a record, malloc'd (NULL on a failed parse). */
static char *convert(const char *record, size_t len, const char *process)
{
	struct timeline tl;
	char err[160] = "", *out;
	size_t outlen;

	if (timeline_parse_details(&tl, record, len, err, sizeof(err))) {
		printf("  parse: %s\n", err);
		check_failed_in_case = 1;
		timeline_free(&tl);
		return NULL;
	}
	out = timeline_trace_event(&tl, process, &outlen);
	timeline_free(&tl);
	CHECK(out != NULL);
	if (out)
		CHECK_EQ(strlen(out), outlen);
	return out;
}

static bool write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	bool ok = f && fwrite(data, 1, len, f) == len;

	if (f)
		ok = fclose(f) == 0 && ok;
	return ok;
}

/* Run the python3 checker on a record and its Trace Event file: its exit
 * status (-1: could not run it); its first line of output in said. */
static int python_check(const char *record, size_t rlen, const char *json, char *said,
			size_t saidlen)
{
	char dir[] = "/tmp/vmm-trace-event-XXXXXX", rec[64], out[64], cmd[256];
	FILE *p;
	int status;

	said[0] = '\0';
	if (!mkdtemp(dir))
		return -1;
	snprintf(rec, sizeof(rec), "%s/record.jsonl", dir);
	snprintf(out, sizeof(out), "%s/trace.json", dir);
	if (!write_file(rec, record, rlen) || !write_file(out, json, strlen(json)))
		return -1;
	snprintf(cmd, sizeof(cmd), "python3 " CHECKER " %s %s 2>&1", rec, out);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (!fgets(said, (int)saidlen, p))
		said[0] = '\0';
	said[strcspn(said, "\n")] = '\0';
	while (fgetc(p) != EOF)
		;
	status = pclose(p);
	unlink(rec);
	unlink(out);
	rmdir(dir);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The checker accepts the file ("ok: ..." mentioning want). */
static void check_with_python(const char *record, size_t rlen, const char *json, const char *want)
{
	char said[512];
	int status = python_check(record, rlen, json, said, sizeof(said));

	if (status != 0 || strncmp(said, "ok: ", 4) || !strstr(said, want)) {
		printf("  " CHECKER " exited %d: %s (expected ok: ...%s...; python3 is installed "
		       "by scripts/deps)\n",
		       status, said, want);
		check_failed_in_case = 1;
	}
}

/* How many times needle occurs in hay. */
static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

TEST(reader_keeps_the_details_only_when_asked)
{
	struct timeline tl;
	char err[128] = "";
	const struct timeline_call *c;

	CHECK_EQ(timeline_parse(&tl, two_cpus, sizeof(two_cpus) - 1, err, sizeof(err)), 0);
	CHECK(tl.text == NULL && tl.nr_vm_events == 0 && tl.calls[2].rule == 0);
	timeline_free(&tl);
	CHECK_EQ(timeline_parse_details(&tl, two_cpus, sizeof(two_cpus) - 1, err, sizeof(err)), 0);
	CHECK_EQ(tl.nr_calls, 3);
	CHECK_EQ(tl.nr_vm_events, 2);
	CHECK_STR(timeline_text(&tl, tl.vm_events[1].what), "system-off");
	c = &tl.calls[2];
	CHECK_STR(timeline_text(&tl, c->fn), "PSCI_CPU_ON64");
	CHECK_STR(timeline_text(&tl, c->fid), "0xc4000003");
	CHECK_STR(timeline_text(&tl, c->conduit), "smc");
	CHECK_STR(timeline_text(&tl, c->rule), "CPU_ON:cpu=1:next=1:ret=INTERNAL_FAILURE");
	CHECK_STR(timeline_text(&tl, c->x0), "0xfffffffffffffffa");
	CHECK(c->has_ret && c->ret == -6 && c->has_target && c->target_given == 1);
	CHECK_EQ(c->nr_args, 3);
	CHECK_STR(timeline_text(&tl, c->args), "0x1");
	CHECK_STR(timeline_text(&tl, c->args) + 4, "0x80080000");
	CHECK_EQ(tl.calls[1].nr_args, 0);
	CHECK(!tl.calls[1].has_ret && !tl.calls[1].has_target);
	CHECK_STR(timeline_text(&tl, tl.changes[0].cause), "start");
	timeline_free(&tl);
}

TEST(two_vcpus_become_state_and_call_tracks_with_instants)
{
	char *out = convert(two_cpus, sizeof(two_cpus) - 1, NULL);
	static const char *const lines[] = {
	    "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n",
	    "\"name\":\"process_name\",\"args\":{\"name\":\"vmm\"}}",
	    "{\"ph\":\"M\",\"pid\":1,\"tid\":2,\"name\":\"thread_name\",\"args\":{\"name\":\"vcpu "
	    "0\"}}",
	    "{\"ph\":\"M\",\"pid\":1,\"tid\":5,\"name\":\"thread_name\",\"args\":{\"name\":\"vcpu "
	    "1 "
	    "calls\"}}",
	    "{\"ph\":\"M\",\"pid\":1,\"tid\":5,\"name\":\"thread_sort_index\",\"args\":{\"sort_"
	    "index\":3}}",
	    /* cpu1: off, on-pending, on, off until the end of the record */
	    "{\"ph\":\"X\",\"pid\":1,\"tid\":4,\"ts\":1000000.000,\"dur\":100000.500,\"cat\":"
	    "\"state\",\"name\":\"off\",\"args\":{\"cause\":\"start\"}}",
	    "{\"ph\":\"X\",\"pid\":1,\"tid\":4,\"ts\":1100000.500,\"dur\":499.500,\"cat\":"
	    "\"state\","
	    "\"name\":\"on-pending\",\"args\":{\"cause\":\"CPU_ON\"}}",
	    "{\"ph\":\"X\",\"pid\":1,\"tid\":4,\"ts\":1600000.000,\"dur\":400000.000,\"cat\":"
	    "\"state\",\"name\":\"off\",\"args\":{\"cause\":\"CPU_OFF\"}}",
	    /* cpu0's last state starts at the end: it lasts no time */
	    "{\"ph\":\"X\",\"pid\":1,\"tid\":2,\"ts\":2000000.000,\"dur\":0.000,\"cat\":\"state\","
	    "\"name\":\"off\",\"args\":{\"cause\":\"system-off\"}}",
	    "{\"ph\":\"X\",\"pid\":1,\"tid\":3,\"ts\":1100000.000,\"dur\":1.234,\"cat\":\"call\","
	    "\"name\":\"PSCI_CPU_ON64\",\"args\":{\"fid\":\"0xc4000003\",\"conduit\":\"hvc\","
	    "\"args\":[\"0x1\",\"0x80080000\",\"0x5ec0001\"],\"target\":1,\"result\":\"resume\","
	    "\"ret\":0,\"x0\":\"0x0\",\"injected\":false}}",
	    "{\"ph\":\"X\",\"pid\":1,\"tid\":5,\"ts\":1599999.000,\"dur\":1.000,\"cat\":\"call\","
	    "\"name\":\"PSCI_CPU_OFF\",\"args\":{\"fid\":\"0x84000002\",\"conduit\":\"hvc\","
	    "\"args\":[],\"result\":\"cpu-off\",\"injected\":false}}",
	    "{\"ph\":\"X\",\"pid\":1,\"tid\":3,\"ts\":1700000.000,\"dur\":5.000,\"cat\":\"call,"
	    "injected\",\"name\":\"PSCI_CPU_ON64\",\"args\":{\"fid\":\"0xc4000003\",\"conduit\":"
	    "\"smc\",\"args\":[\"0x1\",\"0x80080000\",\"0x0\"],\"target\":1,\"result\":\"resume\","
	    "\"ret\":-6,\"x0\":\"0xfffffffffffffffa\",\"injected\":true,\"rule\":\"CPU_ON:cpu=1:"
	    "next=1:ret=INTERNAL_FAILURE\"}}",
	    "{\"ph\":\"i\",\"pid\":1,\"tid\":1,\"ts\":2000000.000,\"s\":\"p\",\"cat\":\"vm\","
	    "\"name\":\"system-off\",\"args\":{\"cpus\":2,\"resets\":0}}",
	    "\n]}\n",
	};

	if (!out)
		return;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (!strstr(out, lines[i])) {
			printf("  missing: %s\n", lines[i]);
			check_failed_in_case = 1;
		}
	CHECK_EQ(count(out, "\"cat\":\"state\""), 7);
	CHECK_EQ(count(out, "\"cat\":\"call"), 3);
	CHECK_EQ(count(out, "\"ph\":\"i\""), 2);
	CHECK(strncmp(out, lines[0], strlen(lines[0])) == 0);
	check_with_python(two_cpus, sizeof(two_cpus) - 1, out, "2 vCPUs, 7 states, 3 calls");
	free(out);
}

/* Four vCPUs through a lost CPU_ON, a plug and an unplug, a CPU_SUSPEND
 * whose call spans the states it caused, a reset (every vCPU off, a new VM
 * starts) and a stop; cpu3 is absent until plugged. */
static const char four_cpus[] =
    "{\"t\":100000,\"ev\":\"vm\",\"what\":\"start\",\"cpus\":4,\"resets\":0,\"name\":\"lab\"}\n"
    "{\"t\":100000,\"ev\":\"state\",\"vcpu\":0,\"from\":\"-\",\"to\":\"off\",\"cause\":\"start\"}\n"
    "{\"t\":100000,\"ev\":\"state\",\"vcpu\":1,\"from\":\"-\",\"to\":\"off\",\"cause\":\"start\"}\n"
    "{\"t\":100000,\"ev\":\"state\",\"vcpu\":2,\"from\":\"-\",\"to\":\"off\",\"cause\":\"start\"}\n"
    "{\"t\":100000,\"ev\":\"state\",\"vcpu\":3,\"from\":\"-\",\"to\":\"absent\","
    "\"cause\":\"start\"}\n"
    "{\"t\":100001,\"ev\":\"state\",\"vcpu\":0,\"from\":\"off\",\"to\":\"on\",\"cause\":\"boot\"}\n"
    "{\"t\":200500,\"ev\":\"state\",\"vcpu\":2,\"from\":\"off\",\"to\":\"on-pending\","
    "\"cause\":\"CPU_ON lost\"}\n"
    "{\"t\":200000,\"ev\":\"call\",\"vcpu\":0,\"conduit\":\"hvc\",\"fn\":\"PSCI_CPU_ON64\","
    "\"fid\":\"0xc4000003\",\"args\":[\"0x2\",\"0x80000\",\"0x0\"],\"target\":2,"
    "\"result\":\"resume\",\"ret\":0,\"x0\":\"0x0\",\"injected\":true,"
    "\"rule\":\"CPU_ON:cpu=2:next=1:lost\",\"vmm_ns\":900}\n"
    "{\"t\":300000,\"ev\":\"state\",\"vcpu\":3,\"from\":\"absent\",\"to\":\"off\","
    "\"cause\":\"plug\"}\n"
    "{\"t\":400000,\"ev\":\"state\",\"vcpu\":1,\"from\":\"off\",\"to\":\"on-pending\","
    "\"cause\":\"CPU_ON\"}\n"
    "{\"t\":400100,\"ev\":\"state\",\"vcpu\":1,\"from\":\"on-pending\",\"to\":\"on\","
    "\"cause\":\"running\"}\n"
    "{\"t\":399000,\"ev\":\"call\",\"vcpu\":0,\"conduit\":\"hvc\",\"fn\":\"PSCI_CPU_ON64\","
    "\"fid\":\"0xc4000003\",\"args\":[\"0x1\",\"0x80000\",\"0x0\"],\"target\":1,"
    "\"result\":\"resume\",\"ret\":0,\"x0\":\"0x0\",\"injected\":false,\"vmm_ns\":1500}\n"
    "{\"t\":500000,\"ev\":\"state\",\"vcpu\":1,\"from\":\"on\",\"to\":\"suspended\","
    "\"cause\":\"suspend\"}\n"
    "{\"t\":600000,\"ev\":\"state\",\"vcpu\":1,\"from\":\"suspended\",\"to\":\"on\","
    "\"cause\":\"wake-up\"}\n"
    "{\"t\":499990,\"ev\":\"call\",\"vcpu\":1,\"conduit\":\"smc\",\"fn\":\"PSCI_CPU_SUSPEND64\","
    "\"fid\":\"0xc4000001\",\"args\":[\"0x0\",\"0x80000\",\"0x0\"],\"result\":\"suspend\","
    "\"ret\":0,\"x0\":\"0x0\",\"injected\":false,\"vmm_ns\":100020}\n"
    "{\"t\":700000,\"ev\":\"state\",\"vcpu\":3,\"from\":\"off\",\"to\":\"absent\","
    "\"cause\":\"unplug\"}\n"
    "{\"t\":710000,\"ev\":\"call\",\"vcpu\":0,\"conduit\":\"hvc\",\"fn\":\"PSCI_AFFINITY_INFO64\","
    "\"fid\":\"0xc4000004\",\"args\":[\"0x9\",\"0x0\"],\"target\":-1,\"result\":\"resume\","
    "\"ret\":-2,\"x0\":\"0xfffffffffffffffe\",\"injected\":false,\"vmm_ns\":300}\n"
    "{\"t\":800000,\"ev\":\"call\",\"vcpu\":0,\"conduit\":\"hvc\",\"fn\":\"PSCI_SYSTEM_RESET\","
    "\"fid\":\"0x84000009\",\"args\":[],\"result\":\"system-reset\",\"injected\":false,"
    "\"vmm_ns\":50}\n"
    "{\"t\":800100,\"ev\":\"state\",\"vcpu\":0,\"from\":\"on\",\"to\":\"off\",\"cause\":\"reset\"}"
    "\n"
    "{\"t\":800100,\"ev\":\"state\",\"vcpu\":1,\"from\":\"on\",\"to\":\"off\",\"cause\":\"reset\"}"
    "\n"
    "{\"t\":800100,\"ev\":\"state\",\"vcpu\":2,\"from\":\"on-pending\",\"to\":\"off\","
    "\"cause\":\"reset\"}\n"
    "{\"t\":800100,\"ev\":\"vm\",\"what\":\"reset\",\"cpus\":4,\"resets\":1,\"name\":\"lab\"}\n"
    "{\"t\":900000,\"ev\":\"vm\",\"what\":\"start\",\"cpus\":4,\"resets\":1,\"name\":\"lab\"}\n"
    "{\"t\":900000,\"ev\":\"state\",\"vcpu\":0,\"from\":\"-\",\"to\":\"off\",\"cause\":\"start\"}\n"
    "{\"t\":900000,\"ev\":\"state\",\"vcpu\":0,\"from\":\"off\",\"to\":\"on\",\"cause\":\"boot\"}\n"
    "{\"t\":950000,\"ev\":\"call\",\"vcpu\":0,\"conduit\":\"hvc\",\"fn\":\"PSCI_VERSION\","
    "\"fid\":\"0x84000000\",\"args\":[],\"result\":\"resume\",\"ret\":65539,"
    "\"x0\":\"0x10003\",\"injected\":false,\"vmm_ns\":70}\n"
    "{\"t\":990000,\"ev\":\"state\",\"vcpu\":0,\"from\":\"on\",\"to\":\"off\",\"cause\":\"stop\"}\n"
    "{\"t\":990000,\"ev\":\"vm\",\"what\":\"stop\",\"cpus\":4,\"resets\":1,\"name\":\"lab\"}\n";

TEST(lost_cpu_on_hotplug_suspend_and_reset_keep_every_state_and_call)
{
	char *out = convert(four_cpus, sizeof(four_cpus) - 1, NULL);

	if (!out)
		return;
	CHECK(strstr(out, "\"args\":{\"name\":\"vmm lab\"}") != NULL);
	/* The lost CPU_ON: cpu2 is "lost" until the reset. */
	CHECK(strstr(out, "\"tid\":6,\"ts\":200.500,\"dur\":599.600,\"cat\":\"state\",\"name\":"
			  "\"lost\",\"args\":{\"cause\":\"CPU_ON lost\"}}") != NULL);
	CHECK(strstr(out, "\"rule\":\"CPU_ON:cpu=2:next=1:lost\"") != NULL);
	/* Plug and unplug: instants on cpu3's state track. */
	CHECK(strstr(out, "{\"ph\":\"i\",\"pid\":1,\"tid\":8,\"ts\":300.000,\"s\":\"t\",\"cat\":"
			  "\"hotplug\",\"name\":\"plug\"}") != NULL);
	CHECK(strstr(out, "\"tid\":8,\"ts\":700.000,\"s\":\"t\",\"cat\":\"hotplug\",\"name\":"
			  "\"unplug\"}") != NULL);
	/* Two changes of cpu0 at 900 µs: off then on, in the record's order. */
	CHECK(strstr(out, "\"tid\":2,\"ts\":900.000,\"dur\":0.000,\"cat\":\"state\",\"name\":"
			  "\"off\",\"args\":{\"cause\":\"start\"}}") != NULL);
	CHECK(strstr(out, "\"tid\":2,\"ts\":900.000,\"dur\":90.000,\"cat\":\"state\",\"name\":"
			  "\"on\"") != NULL);
	/* "No such MPIDR" is kept as the record says it: target -1. */
	CHECK(strstr(out, "\"target\":-1,\"result\":\"resume\",\"ret\":-2") != NULL);
	CHECK(strstr(out, "\"s\":\"p\",\"cat\":\"vm\",\"name\":\"reset\",\"args\":{\"cpus\":4,"
			  "\"resets\":1}}") != NULL);
	CHECK_EQ(count(out, "\"cat\":\"vm\""), 4);
	CHECK_EQ(count(out, "\"cat\":\"call"), 6);
	/* cpu3 made no call: no calls track for it. */
	CHECK(strstr(out, "\"name\":\"vcpu 3 calls\"") == NULL);
	CHECK(strstr(out, "\"name\":\"vcpu 3\"") != NULL);
	check_with_python(four_cpus, sizeof(four_cpus) - 1, out, "4 vCPUs, 18 states, 6 calls");
	free(out);
}

/* A record as a busy VM writes one: n vCPUs, each stepping through its
 * states with a call before each step (its line written after the state
 * line it caused), calls injected now and then, and every vCPU off at the
 * end. Deterministic: a fixed LCG. */
static char *busy_record(unsigned int n, unsigned int steps, size_t *len)
{
	static const char *const states[] = {"off", "on-pending", "on", "suspended"};
	struct {
		char *buf;
		size_t len, cap;
	} r = {0};
	uint32_t seed = 12345;
	uint64_t t = 1000000;
	unsigned int *st = calloc(n, sizeof(*st));

#define EMIT(...)                                                                                  \
	do {                                                                                       \
		int w_ = snprintf(NULL, 0, __VA_ARGS__);                                           \
		if (r.len + (size_t)w_ + 1 > r.cap) {                                              \
			r.cap = (r.cap + (size_t)w_ + 1) * 2;                                      \
			r.buf = realloc(r.buf, r.cap);                                             \
		}                                                                                  \
		r.len += (size_t)snprintf(r.buf + r.len, r.cap - r.len, __VA_ARGS__);              \
	} while (0)
	EMIT("{\"t\":%llu,\"ev\":\"vm\",\"what\":\"start\",\"cpus\":%u,\"resets\":0}\n",
	     (unsigned long long)t, n);
	for (unsigned int v = 0; v < n; v++)
		EMIT("{\"t\":%llu,\"ev\":\"state\",\"vcpu\":%u,\"from\":\"-\",\"to\":\"off\","
		     "\"cause\":\"start\"}\n",
		     (unsigned long long)t, v);
	for (unsigned int i = 0; i < steps; i++) {
		unsigned int v, to;

		seed = seed * 1103515245 + 12345;
		v = (seed >> 8) % n;
		to = (st[v] + 1 + (seed >> 20) % 3) % 4;
		t += 11 + (seed >> 4) % 5000; /* after the last call ended */
		EMIT("{\"t\":%llu,\"ev\":\"state\",\"vcpu\":%u,\"from\":\"%s\",\"to\":\"%s\","
		     "\"cause\":\"step %u\"}\n",
		     (unsigned long long)t + 7, v, states[st[v]], states[to], i);
		EMIT("{\"t\":%llu,\"ev\":\"call\",\"vcpu\":%u,\"conduit\":\"hvc\",\"fn\":\"F%u\","
		     "\"fid\":\"0x%08x\",\"args\":[\"0x%x\"],\"result\":\"resume\",\"ret\":%d,"
		     "\"x0\":\"0x0\",\"injected\":%s,\"vmm_ns\":%u}\n",
		     (unsigned long long)t, v, i % 7, 0x84000000u + i % 7, i, -(int)(i % 3),
		     i % 5 ? "false" : "true,\"rule\":\"F:next=1\"", (seed >> 3) % 11);
		st[v] = to;
	}
	t += 1000;
	for (unsigned int v = 0; v < n; v++)
		EMIT("{\"t\":%llu,\"ev\":\"state\",\"vcpu\":%u,\"from\":\"%s\",\"to\":\"off\","
		     "\"cause\":\"stop\"}\n",
		     (unsigned long long)t, v, states[st[v]]);
	EMIT("{\"t\":%llu,\"ev\":\"vm\",\"what\":\"stop\",\"cpus\":%u,\"resets\":0}\n",
	     (unsigned long long)t, n);
#undef EMIT
	free(st);
	*len = r.len;
	return r.buf;
}

TEST(sixty_four_busy_vcpus_pass_the_python_check)
{
	size_t len;
	char *record = busy_record(64, 3000, &len), *out;

	CHECK(record != NULL);
	if (!record)
		return;
	out = convert(record, len, "busy \"64\"");
	if (out) {
		CHECK(strstr(out, "\"args\":{\"name\":\"busy \\\"64\\\"\"}") != NULL);
		CHECK_EQ(count(out, "\"cat\":\"call"), 3000);
		CHECK_EQ(count(out, "\"cat\":\"call,injected\""), 600);
		check_with_python(record, len, out, "64 vCPUs, 3128 states, 3000 calls, 2 vm");
	}
	free(out);
	free(record);
}

/* The checker is no rubber stamp: a file with a call left out, or with a
 * gap between two states, is refused. */
TEST(python_check_refuses_a_missing_call_and_a_gap)
{
	char *out = convert(two_cpus, sizeof(two_cpus) - 1, NULL), said[512], *line, *end;

	if (!out)
		return;
	/* Without the CPU_OFF call's line. */
	line = strstr(out, "{\"ph\":\"X\",\"pid\":1,\"tid\":5");
	CHECK(line != NULL);
	if (line) {
		end = strchr(line, '\n');
		memmove(line, end + 1, strlen(end + 1) + 1);
		CHECK_EQ(python_check(two_cpus, sizeof(two_cpus) - 1, out, said, sizeof(said)), 1);
		CHECK(strstr(said, "calls differ: missing {(1, 1599999000, '0x84000002'): 1}"));
	}
	free(out);
	/* A state 1 ns short of the next. */
	out = convert(two_cpus, sizeof(two_cpus) - 1, NULL);
	if (!out)
		return;
	line = strstr(out, "\"dur\":499.500");
	CHECK(line != NULL);
	if (line) {
		memcpy(line, "\"dur\":499.499", 13);
		CHECK_EQ(python_check(two_cpus, sizeof(two_cpus) - 1, out, said, sizeof(said)), 1);
		CHECK(strstr(said, "vcpu 1: a state ends at 1100499999 ns, the next starts at "
				   "1100500000"));
	}
	free(out);
}

TEST(strings_are_escaped_and_kept_utf8)
{
	/* In the rule: a quote, a backslash, a tab, an escaped newline and
	 * U+0001, a stray byte 0xff, a lone continuation byte 0x80, and an
	 * é (0xc3 0xa9) that is valid UTF-8. */
	static const char record[] =
	    "{\"t\":5,\"ev\":\"call\",\"vcpu\":0,\"fn\":\"F\",\"fid\":\"0x1\",\"args\":[\"a\\\"\"],"
	    "\"result\":\"resume\",\"injected\":true,"
	    "\"rule\":\"q\\\"b\\\\t\\tn\\nu\\u0001x\xff"
	    "c\x80"
	    "e\xc3\xa9\",\"vmm_ns\":1}\n"
	    "{\"t\":9,\"ev\":\"state\",\"vcpu\":0,\"from\":\"-\",\"to\":\"on\","
	    "\"cause\":\"\xe2\x82\"}\n";
	char *out = convert(record, sizeof(record) - 1, NULL);

	if (!out)
		return;
	CHECK(strstr(out, "\"rule\":\"q\\\"b\\\\t\\tn\\nu\\u0001x\\ufffdc\\ufffde\xc3\xa9\"") !=
	      NULL);
	CHECK(strstr(out, "\"args\":[\"a\\\"\"]") != NULL);
	/* A sequence cut short: each of its bytes is replaced. */
	CHECK(strstr(out, "\"cause\":\"\\ufffd\\ufffd\"") != NULL);
	check_with_python(record, sizeof(record) - 1, out, "1 vCPUs, 1 states, 1 calls");
	free(out);
}

TEST(an_empty_record_is_a_valid_empty_trace)
{
	char *out = convert("", 0, NULL);

	if (!out)
		return;
	CHECK_STR(out, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n"
		       "{\"ph\":\"M\",\"pid\":1,\"tid\":1,\"name\":\"process_name\","
		       "\"args\":{\"name\":\"vmm\"}}\n]}\n");
	check_with_python("", 0, out, "0 vCPUs, 0 states, 0 calls, 0 vm events");
	free(out);
}

static bool file_starts(const char *path, const char *prefix)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return !strncmp(buf, prefix, strlen(prefix));
}

TEST(command_writes_trace_event_to_record_json_and_refuses_unknown_formats)
{
	char dir[] = "/tmp/vmm-trace-event-XXXXXX", in[64], json[80], svg[80], out[80];
	char *te[] = {"timeline", in, "--format", "trace-event", NULL};
	char *named[] = {"timeline", "--format", "trace-event", in, "-o", out, NULL};
	char *bad[] = {"timeline", in, "--format", "png", NULL};
	char *plain[] = {"timeline", in, NULL};

	if (!mkdtemp(dir)) {
		printf("  mkdtemp failed\n");
		check_failed_in_case = 1;
		return;
	}
	snprintf(in, sizeof(in), "%s/run.jsonl", dir);
	snprintf(json, sizeof(json), "%s.json", in);
	snprintf(svg, sizeof(svg), "%s.svg", in);
	snprintf(out, sizeof(out), "%s/run.json", dir);
	CHECK(write_file(in, two_cpus, sizeof(two_cpus) - 1));
	CHECK_EQ(timeline_main(4, te), 0);
	CHECK(file_starts(json, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":["));
	CHECK_EQ(access(svg, F_OK), -1);
	CHECK_EQ(timeline_main(6, named), 0);
	CHECK(file_starts(out, "{\"displayTimeUnit\":\"ns\""));
	CHECK_EQ(timeline_main(4, bad), 2);
	CHECK_EQ(timeline_main(2, plain), 0); /* the default is still the picture */
	CHECK(file_starts(svg, "<?xml"));
	unlink(in);
	unlink(json);
	unlink(svg);
	unlink(out);
	rmdir(dir);
}

CHECK_MAIN_BEGIN
RUN(reader_keeps_the_details_only_when_asked);
RUN(two_vcpus_become_state_and_call_tracks_with_instants);
RUN(lost_cpu_on_hotplug_suspend_and_reset_keep_every_state_and_call);
RUN(sixty_four_busy_vcpus_pass_the_python_check);
RUN(python_check_refuses_a_missing_call_and_a_gap);
RUN(strings_are_escaped_and_kept_utf8);
RUN(an_empty_record_is_a_valid_empty_trace);
RUN(command_writes_trace_event_to_record_json_and_refuses_unknown_formats);
CHECK_MAIN_END
