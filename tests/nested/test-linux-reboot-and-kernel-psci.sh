# Linux's reboot -f goes through our SYSTEM_RESET: the VM restarts
# in-process, the guest sees the reset counter at 1 and `vmm ctl stats`
# counts it; `vmm ctl quit` ends the VM with status 0. Then the same Linux
# boots with --psci kernel (KVM's PSCI) and powers off cleanly.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
sock=/tmp/linux-rb.sock
log=/tmp/linux-rb.log
linux_reboot_then_quit $log -c 2
grep -Eq ' PSCI_SYSTEM_RESET=1( |$)' $log.stats || fail "stats does not show SYSTEM_RESET"
expect_count 2 '^@@ linux up: online=0-1' $log.clean

vmm_expect 0 /tmp/linux-k.log $LINUX -c 2 --psci kernel -p "console=ttyS0 vmm=poweroff"
expect_line '^@@ linux up: online=0-1 possible=0-1 mode=poweroff' /tmp/linux-k.log
expect_line '^@@ dmesg: .*psci: PSCIv1.1 detected' /tmp/linux-k.log
