# A guest that prints without end, into a stdout/stderr pipe nobody reads:
# `vmm ctl quit` and SIGTERM must still end the VMM within seconds (the vCPU
# never blocks in write(); its output buffer gives way when the VM stops).
. tests/nested/lib.sh
rm -f /tmp/stall.fifo /tmp/stall.sock
mkfifo /tmp/stall.fifo
# Held open read-write by this shell and never read: writes fill the pipe
# and then block.
exec 3<>/tmp/stall.fifo

# wait_gone PID SECONDS WHAT: the process must be gone within the deadline.
wait_gone() {
	end=$(($(date +%s) + $2))
	while kill -0 "$1" 2>/dev/null; do
		[ "$(date +%s)" -lt "$end" ] || fail "the VMM was still running ${2}s after $3"
		sleep 0.1
	done
}

for how in quit sigterm; do
	./vmm boot guest.img -p flood --trace --control /tmp/stall.sock >/tmp/stall.fifo 2>&1 &
	pid=$!
	# The guest fills the pipe (64 KiB) and the VMM's buffer within a second
	# or two; give it time to be well and truly stalled.
	end=$(($(date +%s) + 30))
	until [ -S /tmp/stall.sock ]; do
		[ "$(date +%s)" -lt "$end" ] || fail "no control socket after 30s"
		sleep 0.1
	done
	sleep 3
	kill -0 $pid || fail "the VMM died before being stopped"
	if [ $how = quit ]; then
		./vmm ctl /tmp/stall.sock quit >/tmp/stall-ctl.log 2>&1 || {
			cat /tmp/stall-ctl.log
			fail "vmm ctl quit failed"
		}
	else
		kill -TERM $pid
	fi
	wait_gone $pid 15 "$how"
	wait $pid
	echo "stopped by $how with the console stalled: exit $?"
	rm -f /tmp/stall.sock
done
exec 3<&-
