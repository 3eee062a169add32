# The control socket: mode 0600, refuses to replace a file that is not a
# socket or the live socket of another VMM, removed on exit only while it is
# still ours; partial lines, huge lines, garbage, clients that never read and
# too many clients get clear errors and never block the VMM or a vCPU (the
# guest keeps issuing CPU_ONs every 10 ms meanwhile: its hotplug mode waiting
# to be plugged); replies are never cut; the boot vCPU cannot be unplugged.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh

# wait_exit PID SECONDS: wait until PID has exited, at most SECONDS of time.
wait_exit() {
	end=$(($(date +%s) + $2))
	while kill -0 "$1" 2>/dev/null && [ "$(date +%s)" -lt $end ]; do sleep 0.1; done
	! kill -0 "$1" 2>/dev/null
}

echo "not a socket" >/tmp/notasock
vmm_expect 2 /tmp/ns.log boot guest.img --control /tmp/notasock
expect_one_line_error /tmp/ns.log "exists and is not a socket"
grep -q "not a socket" /tmp/notasock || fail "the regular file was touched"

sock=/tmp/abuse.sock
log=/tmp/abuse.log
./vmm boot guest.img -c 2 --max-cpus 4 --control $sock -p hotplug >$log 2>&1 &
vmm_pid=$!
first_pid=$vmm_pid
wait_marker $log "@@ plug me: 2"
mode=$(stat -c %a $sock)
[ "$mode" = 600 ] || fail "socket mode is $mode, expected 600"

# A second VMM on the same path is refused; the first keeps its socket.
vmm_expect 2 /tmp/second.log boot guest.img --control $sock
expect_one_line_error /tmp/second.log "control socket $sock is in use by another VMM"
ctl cpus >/dev/null

./vmm ctl $sock unplug 0 >/tmp/u0 2>&1 && fail "unplug 0 accepted"
grep -q '^error cpu 0 is the boot CPU and cannot be unplugged' /tmp/u0 ||
	fail "unplug 0: $(cat /tmp/u0)"

./ctl-torture $sock || fail "ctl-torture found problems"
ctl trace on
ctl trace off

# Someone moves the socket away and a newer VMM takes the name: the first
# VMM's exit must leave the newer one's socket in place.
mv $sock /tmp/abuse-old.sock
log2=/tmp/abuse2.log
./vmm boot guest.img -c 2 --max-cpus 4 --control $sock -p hotplug >$log2 2>&1 &
vmm_pid=$!
newer_pid=$vmm_pid
wait_marker $log2 "@@ plug me: 2"
./vmm ctl /tmp/abuse-old.sock quit >/tmp/q1 2>&1 || fail "quit the first VMM: $(cat /tmp/q1)"
wait_exit $first_pid 20 || fail "the first VMM did not exit after quit"
rm -f /tmp/abuse-old.sock # the name it was moved to is not the VMM's to remove
[ -S $sock ] || fail "the first VMM's exit removed the newer VMM's socket"
ctl cpus >/dev/null

ctl quit
wait_exit $newer_pid 20 || fail "the VMM did not exit after quit"
[ -e $sock ] && fail "the socket was not removed on exit"
true
