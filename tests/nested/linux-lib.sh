# Helpers for the Linux-guest cases (sourced after lib.sh).
LINUX="boot linux-guest/Image -m 512M -i linux-guest/initrd.cpio"

# wait_marker LOG TEXT [COUNT]: wait (bounded) until COUNT lines of LOG
# contain TEXT; fails, showing the log, if the VMM died or time ran out.
wait_marker() {
	want=${3:-1}
	i=0
	while [ $i -lt 1800 ]; do
		n=$(tr -d '\r' <"$1" | grep -cF -- "$2")
		[ "$n" -ge "$want" ] && return 0
		if [ -n "${vmm_pid:-}" ] && ! kill -0 "$vmm_pid" 2>/dev/null; then
			wait "$vmm_pid"
			st=$?
			tr -d '\r' <"$1" | tail -n 40
			echo "the VMM's own lines:"
			tr -d '\r' <"$1" | grep '^vmm' | tail -n 10
			fail "the VMM exited (status $st) before '$2' (x$want)"
		fi
		i=$((i + 1))
		sleep 0.1
	done
	tr -d '\r' <"$1" | tail -n 40
	fail "timed out waiting for '$2' (x$want)"
}

# ctl ARGS...: vmm ctl on $sock; fails unless the reply starts with ok.
ctl() {
	./vmm ctl "$sock" "$@" >/tmp/ctl.out 2>&1 || {
		cat /tmp/ctl.out
		fail "vmm ctl $* failed"
	}
	cat /tmp/ctl.out
}
