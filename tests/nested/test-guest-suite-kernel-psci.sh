# The same guest suite against KVM's in-kernel PSCI (--psci kernel). Where
# the semantics differ by design the guest says so and skips: in-kernel PSCI
# does not validate CPU_ON's entry point (cpu_on_bad_entry), and its
# PSCI_FEATURES table is KVM 6.12's (PSCI 1.1).
. tests/nested/lib.sh
vmm_expect 0 /tmp/ksuite.log boot guest.img -c 4 -p test --psci kernel
expect_no_line '^FAIL' /tmp/ksuite.log
expect_line '^skip cpu_on_bad_entry/hvc: in-kernel PSCI does not validate the entry point' /tmp/ksuite.log
expect_line '^skip cpu_suspend_powerdown/hvc: ' /tmp/ksuite.log
expect_line '^[0-9]+ passed, 0 failed, [0-9]+ skipped$' /tmp/ksuite.log
# Every skip is one of the named differences, nothing else.
grep '^skip ' /tmp/ksuite.log | grep -Ev '^skip (cpu_on_bad_entry|cpu_suspend_powerdown|cpu_suspend_bad_state|cpu_suspend_bad_entry|node_hw_state_standby|system_reset2_vendor_type)/' &&
	fail "unexpected skips in kernel mode"
# In kernel mode nothing is forwarded: the hypercall counter stays at zero.
vmm_expect 0 /tmp/ktrace.log boot guest.img -c 2 --psci kernel --trace
expect_no_line '^trace:' /tmp/ktrace.log
# --psci-version picks KVM's in-kernel PSCI version (fw-pseudo-registers.rst).
vmm_expect 0 /tmp/kv.log boot guest.img --psci kernel --psci-version 1.0
expect_line 'PSCI 1\.0' /tmp/kv.log
