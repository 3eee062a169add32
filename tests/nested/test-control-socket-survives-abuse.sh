# The control socket: mode 0600, refuses to replace a file that is not a
# socket, removed on exit; partial lines, huge lines, garbage, clients that
# never read and too many clients get clear errors and never block the VMM
# or a vCPU (the Linux guest keeps running and powers off at the end).
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
echo "not a socket" >/tmp/notasock
vmm_expect 2 /tmp/ns.log boot guest.img --control /tmp/notasock
expect_one_line_error /tmp/ns.log "exists and is not a socket"
grep -q "not a socket" /tmp/notasock || fail "the regular file was touched"

sock=/tmp/abuse.sock
log=/tmp/abuse.log
( sleep 600 ) | ./vmm $LINUX -c 2 --control $sock -p "console=ttyS0 quiet" >$log 2>&1 &
vmm_pid=$(pidof vmm)
wait_marker $log "Linux under vmm"
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
pkill -f "sleep 600" 2>/dev/null
true
