# The control socket: mode 0600, refuses to replace a file that is not a
# socket, removed on exit; partial lines, huge lines, garbage, clients that
# never read and too many clients get clear errors and never block the VMM
# or a vCPU (the guest keeps issuing CPU_ONs every 10 ms meanwhile: its
# hotplug mode waiting to be plugged).
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
echo "not a socket" >/tmp/notasock
vmm_expect 2 /tmp/ns.log boot guest.img --control /tmp/notasock
expect_one_line_error /tmp/ns.log "exists and is not a socket"
grep -q "not a socket" /tmp/notasock || fail "the regular file was touched"

sock=/tmp/abuse.sock
log=/tmp/abuse.log
./vmm boot guest.img -c 2 --max-cpus 4 --control $sock -p hotplug >$log 2>&1 &
vmm_pid=$!
wait_marker $log "@@ plug me: 2"
mode=$(stat -c %a $sock)
[ "$mode" = 600 ] || fail "socket mode is $mode, expected 600"
./ctl-torture $sock || fail "ctl-torture found problems"
ctl trace on
ctl trace off
ctl quit
i=0
while kill -0 $vmm_pid 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 $vmm_pid 2>/dev/null && fail "the VMM did not exit after quit"
[ -e $sock ] && fail "the socket was not removed on exit"
true
