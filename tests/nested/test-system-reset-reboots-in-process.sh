# SYSTEM_RESET restarts the VM in-process with a fresh VM and the same image:
# the guest's `reset` mode resets once, then sees the reset counter at 1 and
# powers off. --max-resets guards reset loops. Both PSCI modes.
. tests/nested/lib.sh
for mode in user kernel; do
	vmm_expect 0 /tmp/reset-$mode.log boot guest.img -p reset --psci $mode
	expect_line 'resetting' /tmp/reset-$mode.log
	expect_line 'reset count 1' /tmp/reset-$mode.log
done
vmm_expect 2 /tmp/loop.log boot guest.img -p reset --max-resets 0
expect_line 'giving up \(--max-resets 0\)' /tmp/loop.log
