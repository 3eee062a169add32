# All vCPUs hammer CPU_ON at each other (CPU_OFF when started) for thousands
# of calls while this script plugs and unplugs vCPUs 2 and 3 through the
# socket. The run must end (no deadlock), every successful CPU_ON must match
# exactly one start of its target (no lost or doubled vCPU), and the VMM's
# books must agree: every vCPU off or absent except the boot vCPU.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
sock=/tmp/stress.sock
log=/tmp/stress.log
./vmm boot guest.img -c 4 --control $sock -p "stress iters=2000" >$log 2>&1 &
vmm_pid=$!
flips=0
# The guest gives up on its own waits after 60 s each; the whole run gets
# STRESS_WAIT_S of real time before this script calls it hung.
STRESS_WAIT_S=${STRESS_WAIT_S:-240}
end=$(($(date +%s) + STRESS_WAIT_S))
while kill -0 $vmm_pid 2>/dev/null; do
	if [ "$(date +%s)" -ge $end ]; then
		kill -TERM $vmm_pid
		wait $vmm_pid
		tr -d '\r' <$log | tail -n 30
		echo "the host's last 'vmm ctl cpus':"
		cat /tmp/stress-cpus
		fail "the stress run had not finished after ${STRESS_WAIT_S}s ($flips plugs from the host)"
	fi
	for c in 2 3; do
		./vmm ctl $sock unplug $c --when-off >/dev/null 2>&1
		./vmm ctl $sock plug $c >/dev/null 2>&1 && flips=$((flips + 1))
	done
	./vmm ctl $sock cpus >/tmp/stress-cpus 2>/dev/null
done
vmm_wait 0 $log "the stress run"
expect_line '^@@ stress done: [0-9]+ calls' $log.clean
calls=$(sed -n 's/^@@ stress done: \([0-9]*\) calls.*/\1/p' $log.clean)
[ "$calls" -ge 4000 ] || fail "only $calls CPU_ON calls"
echo "stress: $(grep '^@@ stress done' $log.clean), $flips plugs from the host"
[ $flips -gt 0 ] || fail "the host never managed to plug a vCPU during the run"
