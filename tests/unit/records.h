/*
 * Pieces of a JSON-lines record (DESIGN.md §11) as the VMM writes it, shared
 * by the tests that read records back (test_timeline, test_trace_event):
 * a 2-vCPU VM from 1 s, and its end, where a second CPU_ON of cpu1 at 1.7 s
 * is answered INTERNAL_FAILURE by an injection rule and the VM powers off
 * at 2 s. What happens between them is each test's own.
 */
#ifndef TESTS_UNIT_RECORDS_H
#define TESTS_UNIT_RECORDS_H

/* The VM starts with both vCPUs off, and vCPU 0 boots at 1.0001 s. */
#define RECORD_TWO_CPUS_START                                                                      \
	"{\"t\":1000000000,\"ev\":\"vm\",\"what\":\"start\",\"cpus\":2,\"resets\":0}\n"            \
	"{\"t\":1000000000,\"ev\":\"state\",\"vcpu\":0,\"from\":\"-\",\"to\":\"off\","             \
	"\"cause\":\"start\"}\n"                                                                   \
	"{\"t\":1000000000,\"ev\":\"state\",\"vcpu\":1,\"from\":\"-\",\"to\":\"off\","             \
	"\"cause\":\"start\"}\n"                                                                   \
	"{\"t\":1000100000,\"ev\":\"state\",\"vcpu\":0,\"from\":\"off\",\"to\":\"on\","            \
	"\"cause\":\"boot\"}\n"

/* An injected INTERNAL_FAILURE for CPU_ON at 1.7 s, then SYSTEM_OFF at 2 s. */
#define RECORD_TWO_CPUS_END                                                                        \
	"{\"t\":1700000000,\"ev\":\"call\",\"vcpu\":0,\"conduit\":\"smc\",\"fn\":\"PSCI_CPU_"      \
	"ON64\","                                                                                  \
	"\"fid\":\"0xc4000003\",\"args\":[\"0x1\",\"0x80080000\",\"0x0\"],\"target\":1,"           \
	"\"result\":\"resume\",\"ret\":-6,\"x0\":\"0xfffffffffffffffa\",\"injected\":true,"        \
	"\"rule\":\"CPU_ON:cpu=1:next=1:ret=INTERNAL_FAILURE\",\"vmm_ns\":5000}\n"                 \
	"{\"t\":2000000000,\"ev\":\"state\",\"vcpu\":0,\"from\":\"on\",\"to\":\"off\","            \
	"\"cause\":\"system-off\"}\n"                                                              \
	"{\"t\":2000000000,\"ev\":\"vm\",\"what\":\"system-off\",\"cpus\":2,\"resets\":0}\n"

#endif
