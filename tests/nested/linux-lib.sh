# Helpers for the Linux-guest cases (sourced after lib.sh).
#
# KERNEL picks the guest kernel: 6.12 (default: the nested host's own, in
# linux-guest/), or a kernel of the matrix scripts/deps fetched and
# scripts/nested-run staged: newest (Debian sid's), 6.1 (bookworm's).
KERNEL=${KERNEL:-6.12}
case $KERNEL in
6.12) kernel_image=linux-guest/Image ;;
*) kernel_image=kernels/$KERNEL/Image ;;
esac
[ -f "$kernel_image" ] || {
	echo "no $kernel_image: the $KERNEL kernel was not staged (scripts/deps fetches it)"
	exit 77
}
LINUX="boot $kernel_image -m 512M -i linux-guest/initrd.cpio"

# The kernel's package, for the log: "linux-image-6.1.0-57-arm64-unsigned 6.1.192-3".
kernel_pkg() {
	cat "$(dirname "$kernel_image")/Image.pkg" 2>/dev/null || echo "the nested host's $KERNEL"
}

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
	stuck_state
	fail "waited $(($(date +%s) - start))s for '$2' (x$want), saw it $n times"
}

# stuck_state: what a case that waited in vain can still learn: the nested
# host's load, and through the control socket ($sock, if the case has one)
# the vCPUs' states and the VMM's counters, twice 2 s apart (moving or not),
# the last calls of the record ($trace, if the case keeps one), and where
# each of the VMM's threads ($vmm_pid) sits in the host kernel: a vCPU in
# KVM_RUN, a thread on a futex, a main thread that no longer polls.
stuck_state() {
	echo "load: $(cat /proc/loadavg)"
	if [ -n "${trace:-}" ] && [ -f "$trace" ]; then
		echo "the record's last lines:"
		tail -n 12 "$trace" | cut -c1-300
	fi
	if [ -n "${vmm_pid:-}" ] && [ -d "/proc/$vmm_pid/task" ]; then
		echo "the VMM's threads (name, state, wchan: innermost kernel frames):"
		for t in /proc/"$vmm_pid"/task/*; do
			echo "  $(cat "$t/comm" 2>/dev/null)," \
				"$(sed -n 's/^State:[[:space:]]*//p' "$t/status" 2>/dev/null)," \
				"$(cat "$t/wchan" 2>/dev/null):" \
				"$(head -n 4 "$t/stack" 2>/dev/null | awk '{printf "%s ", $2}')"
		done
	fi
	[ -n "${sock:-}" ] && [ -S "$sock" ] || return 0
	for _ in 1 2; do
		echo "cpus: $(./vmm ctl "$sock" cpus 2>&1)"
		echo "stats: $(./vmm ctl "$sock" stats 2>&1 | cut -c1-600)"
		sleep 2
	done
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

# linux_pmu_counts LOG: Linux $KERNEL with --pmu (device tree, 1 of 2 vCPUs
# present): its PMUv3 driver comes up and perf_event_open() counts cycles on
# cpu0 and on cpu1, which the host plugs (/bin/perfcount, tests/linux/init).
linux_pmu_counts() {
	skip_unless_host_has pmu PMUv3
	pmu_log=$1
	rm -f "$sock"
	./vmm $LINUX -c 1 --max-cpus 2 --pmu --control "$sock" -p "console=ttyS0 vmm=pmu" >"$pmu_log" 2>&1 &
	vmm_pid=$!
	wait_marker "$pmu_log" "@@ plug me: 1"
	ctl plug 1 >/dev/null
	wait_marker "$pmu_log" "@@ pmu done"
	vmm_wait 0 "$pmu_log" "Linux $KERNEL with --pmu"
	expect_line '^@@ dmesg-pmu: .*hw perfevents: enabled with armv8_pmuv3[_0-9]* PMU driver, [0-9]+ .*counters available' "$pmu_log.clean"
	# CPU_CYCLES; instructions are printed too, but QEMU's emulated PMU (the
	# nested host's) implements INST_RETIRED only with -icount.
	for c in 0 1; do
		expect_line "^@@ perf cpu$c: perfcount: cycles=[1-9][0-9]* " "$pmu_log.clean"
	done
}

# console_fifo PATH: PATH becomes a FIFO held open on fd 4, the guest's
# console input for every VMM of the case (`<PATH`); say writes to it.
# say COMMAND: a line for the guest's shell. Markers are written "@""@" so
# that the shell's echo of the command line never matches them.
# field LOG MARKER KEY: KEY=VALUE from the last "@@ MARKER:" line of LOG.
console_fifo() {
	rm -f "$1"
	mkfifo "$1"
	exec 4<>"$1"
}
say() { echo "$*" >&4; }
field() { tr -d '\r' <"$1" | grep "^@@ $2:" | tail -n 1 | tr ' ' '\n' | sed -n "s/^$3=//p"; }

# snap_paths NAME: a snapshot case's files, all /tmp/NAME*: sock (the control
# socket), dir (the snapshot), log and rlog (the first VMM's output and the
# restored one's), in (the console FIFO of a Linux case). No snapshot or
# socket of an earlier run is left.
snap_paths() {
	name=$1 sock=/tmp/$1.sock dir=/tmp/$1 log=/tmp/$1.log rlog=/tmp/$1-restored.log in=/tmp/$1.in
	rm -rf "$dir" "$sock"
}

# snap_stopped ARGS...: the bare-metal guest's `snapshot` mode booted with
# ARGS is snapshotted into $dir with --stop, and its VMM ends with 0.
snap_stopped() {
	./vmm boot guest.img "$@" --control "$sock" -p snapshot >"$log" 2>&1 &
	vmm_pid=$!
	wait_marker "$log" "@@ snapshot: ready"
	ctl snapshot "$dir" --stop >/dev/null
	vmm_wait 0 "$log" "the VMM after snapshot --stop"
}

# snap_live: `ctl snapshot $dir` of the running VM (no --stop), answered
# "ok BYTES MS".
snap_live() {
	ctl snapshot "$dir" >"$dir.reply"
	grep -Eq '^ok [1-9][0-9]* [0-9]+$' "$dir.reply" ||
		fail "snapshot answered '$(cat "$dir.reply")', expected 'ok BYTES MS'"
}
