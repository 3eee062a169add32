# Helpers for the Linux-guest cases (sourced after lib.sh).
LINUX="boot linux-guest/Image -m 512M -i linux-guest/initrd.cpio"

# wait_marker LOG TEXT [COUNT]: wait until COUNT lines of LOG contain TEXT,
# for at most MARKER_WAIT_S seconds of real time (a Linux boot in the nested
# host under emulation on a loaded machine can take minutes); fails, showing
# the log and what it waited for, if the VMM died or time ran out.
MARKER_WAIT_S=${MARKER_WAIT_S:-240}
wait_marker() {
	want=${3:-1}
	start=$(date +%s)
	end=$((start + MARKER_WAIT_S))
	noted=
	while :; do
		n=$(tr -d '\r' <"$1" | grep -cF -- "$2")
		[ "$n" -ge "$want" ] && return 0
		# If the case's own time limit strikes first, its log says why.
		if [ -z "$noted" ] && [ "$(date +%s)" -ge $((start + 30)) ]; then
			echo "still waiting for '$2' (x$want) after 30s, for up to ${MARKER_WAIT_S}s"
			noted=1
		fi
		if [ -n "${vmm_pid:-}" ] && ! kill -0 "$vmm_pid" 2>/dev/null; then
			wait "$vmm_pid"
			st=$?
			tr -d '\r' <"$1" | tail -n 40
			echo "the VMM's own lines:"
			tr -d '\r' <"$1" | grep '^vmm' | tail -n 10
			fail "the VMM exited (status $st) before '$2' (x$want)"
		fi
		[ "$(date +%s)" -lt "$end" ] || break
		sleep 0.1
	done
	tr -d '\r' <"$1" | tail -n 40
	fail "waited $(($(date +%s) - start))s for '$2' (x$want), saw it $n times"
}

# linux_reboot_then_quit LOG ARGS...: Linux (vmm $LINUX ARGS, bootargs
# vmm=reboot, --control $sock) in the background, output in LOG; once it
# has rebooted with `reboot -f` (SYSTEM_RESET) and is back (resets=1), `ctl
# stats` must count the reset (the reply is kept in LOG.stats), then `ctl
# quit` must end it with status 0. Leaves LOG.clean.
linux_reboot_then_quit() {
	rb_log=$1
	shift
	rm -f "$sock"
	# shellcheck disable=SC2086
	./vmm $LINUX "$@" --control "$sock" -p "console=ttyS0 vmm=reboot" >"$rb_log" 2>&1 &
	vmm_pid=$!
	wait_marker "$rb_log" "@@ rebooting"
	wait_marker "$rb_log" "@@ booted again: resets=1"
	./vmm ctl "$sock" stats >"$rb_log.stats" 2>&1 || {
		cat "$rb_log.stats"
		fail "vmm ctl stats failed"
	}
	grep -q ' resets=1 ' "$rb_log.stats" || fail "stats does not count the reset"
	ctl quit
	vmm_wait 0 "$rb_log" "ctl quit after the reboot"
}

# ctl ARGS...: vmm ctl on $sock; fails unless the reply starts with ok.
ctl() {
	./vmm ctl "$sock" "$@" >/tmp/ctl.out 2>&1 || {
		cat /tmp/ctl.out
		fail "vmm ctl $* failed"
	}
	cat /tmp/ctl.out
}
