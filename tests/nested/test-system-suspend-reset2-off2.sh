# The system-wide PSCI calls' success paths: SYSTEM_SUSPEND resumes at the
# entry point after a wake-up event (the guest's virtual timer),
# SYSTEM_RESET2 warm reset restarts the VM in-process, SYSTEM_OFF2
# (hibernate) ends it with status 0.
. tests/nested/lib.sh
vmm_expect 0 /tmp/ss.log boot guest.img -p sysuspend --trace
expect_line '^@@ resumed from system suspend' /tmp/ss.log
expect_line '^trace: vcpu 0 hvc PSCI_SYSTEM_SUSPEND64' /tmp/ss.log
vmm_expect 0 /tmp/r2.log boot guest.img -p reset2
expect_line '^@@ reset2 warm' /tmp/r2.log
expect_line '^@@ reset count 1' /tmp/r2.log
vmm_expect 0 /tmp/o2.log boot guest.img -p off2 --trace
expect_line '^@@ off2 hibernate' /tmp/o2.log
expect_line '^trace: vcpu 0 hvc PSCI_SYSTEM_OFF2' /tmp/o2.log
