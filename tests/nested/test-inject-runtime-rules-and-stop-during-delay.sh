# Rules added at run time (vmm ctl inject) take effect on the next call; a
# 600 s delay holds the calling vCPU but not the VMM: the control socket
# keeps answering, and quit ends the VM within seconds. A snapshot asked for
# while vCPU 0 sits in the delay is refused as busy after its 5 s wait,
# writes nothing and leaves the VM running (not paused). The trace file
# opened through the socket records the delayed, injected CPU_ON.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
sock=/tmp/inject-rt.sock
log=/tmp/inject-rt.log
trace=/tmp/inject-rt.jsonl
rm -f $trace
./vmm boot guest.img -c 2 --max-cpus 4 --control $sock -p hotplug >$log 2>&1 &
vmm_pid=$!
wait_marker $log "@@ plug me: 2"
# Bad rules: one-line errors naming the problem.
if ./vmm ctl $sock inject CPU_ON:ret=SOMETIMES >/tmp/ctl.out 2>&1; then
	fail "a bad rule was accepted: $(cat /tmp/ctl.out)"
fi
expect_line "^error inject 'CPU_ON:ret=SOMETIMES': unknown return code 'SOMETIMES'" /tmp/ctl.out
if ./vmm ctl $sock inject CPU_ON:cpu=9:lost >/tmp/ctl.out 2>&1; then
	fail "a rule for vCPU 9 of 4 was accepted"
fi
expect_line "^error inject 'CPU_ON:cpu=9:lost': cpu=9, but the vCPUs are 0-3" /tmp/ctl.out
ctl trace-file $trace >/dev/null
ctl inject CPU_ON:cpu=2:delay=600s | grep -qx 'ok CPU_ON:cpu=2:delay=600s' || fail "inject reply"
# The guest retries CPU_ON of cpu2 every 10 ms (DENIED while it is absent):
# the first call after the rule is held, whatever its answer would be.
ctl inject list | grep -Eqx 'ok 1 rule: CPU_ON:cpu=2:delay=600s\(fired=[01]\)' || fail "inject list"
ctl plug 2 >/dev/null
# Wait (at most 60 s) until the rule has fired.
end=$(($(date +%s) + 60))
until ./vmm ctl $sock inject list | grep -q 'fired=1'; do
	[ "$(date +%s)" -lt $end ] || fail "the rule never fired: $(./vmm ctl $sock inject list)"
	sleep 0.2
done
# The main loop still serves requests while vCPU 0 waits.
ctl stats >/dev/null
ctl cpus --json | grep -q '"id":2,"mpidr":"0x2","state":"off","present":true' ||
	fail "cpus --json: $(cat /tmp/ctl.out)"
# vCPU 0 cannot come to rest: the snapshot gives up, says which vCPU, and
# undoes its pause (resume then finds a running VM).
snap=/tmp/inject-rt-snap
rm -rf $snap $snap.partial-*
start=$(date +%s)
if ./vmm ctl $sock snapshot $snap >/tmp/ctl.out 2>&1; then
	fail "a snapshot during a 600 s delay was taken: $(cat /tmp/ctl.out)"
fi
expect_line '^error busy: vCPU 0 did not come to rest within 5000 ms' /tmp/ctl.out
[ $(($(date +%s) - start)) -le 15 ] || fail "the busy refusal took more than 15 s"
[ ! -e $snap ] || fail "a refused snapshot left $snap"
ls -d $snap.partial-* >/dev/null 2>&1 && fail "a refused snapshot left a partial directory"
if ./vmm ctl $sock resume >/tmp/ctl.out 2>&1; then
	fail "the VM was left paused after a busy snapshot: resume said $(cat /tmp/ctl.out)"
fi
expect_line '^error the VM is not paused \(it runs\)' /tmp/ctl.out
ctl inject clear | grep -qx 'ok cleared 1' || fail "inject clear"
start=$(date +%s)
ctl quit >/dev/null
wait $vmm_pid
rc=$?
took=$(($(date +%s) - start))
[ $rc = 0 ] || { cat $log; fail "vmm exited $rc after quit, expected 0"; }
[ $took -le 15 ] || fail "quit during a 600 s delay took ${took}s"
expect_line '"ev":"call","vcpu":0,"conduit":"hvc","fn":"PSCI_CPU_ON64",.*"target":2,.*"injected":true,"rule":"CPU_ON:cpu=2:delay=600s"' $trace
expect_line '"ev":"vm","what":"open"' $trace
expect_line '"ev":"state","vcpu":2,"from":"absent","to":"off","cause":"plug"' $trace
echo "quit during the delay took ${took}s"
