# The guest's verdict becomes the exit status: SYSTEM_OFF after a passing
# run -> 0, a failure reported through the test device -> 1, an unexpected
# exception in the guest -> 1 (the guest's vector reports it).
. tests/nested/lib.sh
vmm_expect 0 /tmp/null.log boot guest.img -p null
vmm_expect 1 /tmp/fail.log boot guest.img -p fail
expect_line 'the guest reported failure' /tmp/fail.log
vmm_expect 1 /tmp/crash.log boot guest.img -p crash
expect_line 'ESR' /tmp/crash.log
vmm_expect 1 /tmp/unknown.log boot guest.img -p no-such-mode

# SIGTERM and SIGINT stop the VM cleanly (every vCPU thread leaves KVM_RUN or
# its OFF wait, the VMM says why and exits 130), even while vCPUs are parked.
. tests/nested/linux-lib.sh
for sig in TERM INT; do
	./vmm boot guest.img -c 2 --max-cpus 4 -p hotplug >/tmp/sig.log 2>&1 &
	vmm_pid=$!
	wait_marker /tmp/sig.log "@@ plug me: 2"
	kill -$sig $vmm_pid
	wait $vmm_pid
	rc=$?
	[ $rc = 130 ] || fail "after SIG$sig: exit $rc, expected 130"
	expect_line '^vmm: stopping the VM on (Terminated|Interrupt)' /tmp/sig.log
done

# An MMIO store pair (no valid syndrome, KVM cannot emulate it) is the
# guest's fault, not the VMM's: the VMM warns once and injects an external
# data abort, which the guest's vector reports; exit 1, never 2.
vmm_expect 1 /tmp/nisv.log boot guest.img -p nisv
expect_line "^vmm: vcpu 0: MMIO access at 0x1001000 that KVM cannot decode" /tmp/nisv.log
expect_line 'ESR' /tmp/nisv.log
expect_no_line 'did not fault' /tmp/nisv.log
