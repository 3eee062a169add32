# A guest that prints without end, into stdout and stderr that nobody reads
# (one pipe for both, then two pipes): `vmm ctl quit` and SIGTERM must still
# end the VMM within seconds. The signal is sent only once the console is
# stalled for good (the boot vCPU waits for room in the full ring), because
# that is when the main thread's own line ("stopping the VM on Terminated",
# said before the rings are cancelled) finds the ring full: it must be
# dropped, never waited for. Sent earlier, while the ring still has room,
# the line fits and the wait is never tested (which is what let the VMM end
# in every run before: signalled 3 s after start, the ring had room).
# --exit-stats adds the main thread's last words at exit: they queue behind
# the stalled output like any line of the VMM's own, never a blocking write.
. tests/nested/lib.sh
rm -f /tmp/stall.fifo /tmp/stall-err.fifo /tmp/stall.sock
mkfifo /tmp/stall.fifo /tmp/stall-err.fifo
# Held open read-write by this shell and never read: writes fill the pipes
# and then block. They are filled (64 KiB each) before the VMM starts: the
# flood guest prints about 2 KiB/s under emulation (two exits per byte), so
# the VMM's own 64 KiB ring then fills in about half a minute, not one.
exec 3<>/tmp/stall.fifo 4<>/tmp/stall-err.fifo
timeout 10 dd if=/dev/zero bs=4096 count=16 >&3 2>/dev/null
timeout 10 dd if=/dev/zero bs=4096 count=16 >&4 2>/dev/null

# stalled_for_good PID: the boot vCPU's thread has sat in futex() (arm64
# syscall 98: waiting for room in the console's ring, which is full behind
# a full pipe) for a second on end.
stalled_for_good() {
	end=$(($(date +%s) + 240))
	n=0
	while [ $n -lt 10 ]; do
		[ "$(date +%s)" -lt $end ] || fail "the console never stalled within 240s"
		kill -0 "$1" || fail "the VMM died before being stopped"
		t=$(grep -lx vcpu0 /proc/"$1"/task/*/comm 2>/dev/null | head -n 1)
		nr=
		[ -n "$t" ] && read -r nr _ <"${t%comm}syscall"
		if [ "$nr" = 98 ]; then n=$((n + 1)); else n=0; fi
		sleep 0.1
	done
}

for pipes in one two; do
	for how in quit sigterm; do
		err=/tmp/stall.fifo
		[ $pipes = two ] && err=/tmp/stall-err.fifo
		./vmm boot guest.img -p flood --trace --exit-stats --control /tmp/stall.sock \
			>/tmp/stall.fifo 2>$err &
		pid=$!
		stalled_for_good $pid
		start=$(date +%s)
		if [ $how = quit ]; then
			./vmm ctl /tmp/stall.sock quit >/tmp/stall-ctl.log 2>&1 || {
				cat /tmp/stall-ctl.log
				fail "vmm ctl quit failed ($pipes pipe(s))"
			}
		else
			kill -TERM $pid
		fi
		wait_gone $pid 15 "$how ($pipes pipe(s))"
		wait $pid
		rc=$?
		echo "stopped by $how, $pipes pipe(s) stalled: exit $rc in $(($(date +%s) - start))s"
		rm -f /tmp/stall.sock
	done
done
exec 3<&- 4<&-
rm -f /tmp/stall.fifo /tmp/stall-err.fifo
