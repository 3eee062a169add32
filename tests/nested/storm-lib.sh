# Helpers for the storm cases (test-storm-*.sh, storm-long.sh), sourced
# after lib.sh: the guest's `storm` mode (guest/storm.c) against the VMM, with
# the host plugging and unplugging vCPUs and toggling tracing meanwhile.

# The machine: 6 possible vCPUs, 4 present; the host plugs and unplugs 2 and
# 3 (churn), never 4 and 5 (absent: CPU_ON of them must stay DENIED). A SiP
# range is forwarded to the VMM, which serves none of it (NOT_SUPPORTED, and
# thousands of distinct IDs for the per-function counters); an OEM range is
# denied in KVM.
STORM_VMM_ARGS="-c 4 --max-cpus 6 --smccc-filter 0x82000000+0x1000:forward \
--smccc-filter 0x83000000+0x100:deny"
STORM_GUEST_ARGS="fwd=0x82000000 fwdn=0x1000 deny=0x83000000 denyn=0x100 absent=0x30 churn=0xc"

# now_ds: tenths of a second since the epoch (busybox date has no %N).
now_ds() {
	awk '{ printf "%d\n", $1 * 10 }' /proc/uptime
}

# storm_churn SOCK PID SECONDS COUNTFILE: until PID exits or SECONDS pass,
# plug and unplug vCPUs 2 and 3, toggle tracing and ask for stats, every
# 20-50 ms. COUNTFILE holds the number of plugs that succeeded so far.
storm_churn() {
	sock=$1 pid=$2 end=$(($(now_ds) + $3 * 10)) count=$4
	plugs=0 i=0
	echo 0 >"$count"
	while kill -0 "$pid" 2>/dev/null && [ "$(now_ds)" -lt "$end" ]; do
		i=$((i + 1))
		c=$((2 + i % 2))
		./vmm ctl "$sock" unplug $c --when-off >/dev/null 2>&1
		if ./vmm ctl "$sock" plug $c >/dev/null 2>&1; then
			plugs=$((plugs + 1))
			echo $plugs >"$count"
		fi
		if [ $((i % 3)) = 0 ]; then
			./vmm ctl "$sock" trace on >/dev/null 2>&1
		else
			./vmm ctl "$sock" trace off >/dev/null 2>&1
		fi
		[ $((i % 5)) = 0 ] && ./vmm ctl "$sock" stats >/dev/null 2>&1
		sleep 0.0$((2 + i % 4))
	done
}

# stats_check LINE: a `stats` reply or an exit-stats line. The per-function
# counts (from fid_slots= to other_fid_calls=, the calls whose FID found
# the table full) must add up to hypercalls. Prints
# "hypercalls=N sum=N slots=U/128 other=N"; returns 1 if they differ.
stats_check() {
	echo "$1" | tr ' ' '\n' | awk -F= '
		$1 == "hypercalls" { h = $2 }
		$1 == "fid_slots" { in_fids = 1; slots = $2; next }
		in_fids && NF == 2 { sum += $2 }
		$1 == "other_fid_calls" { other = $2; in_fids = 0 }
		END {
			printf "hypercalls=%d sum=%d slots=%s other=%d\n", h, sum, slots, other
			exit !(h != "" && slots != "" && h == sum)
		}'
}

# expect_known_vmm_lines ERRLOG: the VMM's stderr holds nothing but trace
# lines, exit statistics and the two warnings a hostile guest earns (an MMIO
# access KVM cannot decode, an unclaimed address), plus the lines given as
# extra extended regexes.
expect_known_vmm_lines() {
	errlog=$1
	shift
	pat='^(trace: |vmm: exit-stats: |vmm: vcpu [0-9]+: MMIO access at .* that KVM cannot decode|vmm: vcpu [0-9]+: [0-9]+-byte (read|write) of unclaimed address'
	for p in "$@"; do pat="$pat|$p"; done
	pat="$pat)"
	if grep -avE -- "$pat" "$errlog" | grep -q .; then
		grep -avE -- "$pat" "$errlog" | head -n 20
		fail "unexpected lines from the VMM (above)"
	fi
}

# storm_clean LOG: LOG.clean, the guest's console with NULs and CRs dropped (valid
# console writes of untouched RAM print NULs).
storm_clean() {
	tr -d '\000\r' <"$1" >"$1.clean"
}

# wait_within PID TENTHS: wait for the child PID, SIGKILLing it after
# TENTHS/10 s. Sets wait_rc (its status; 137 if it had to be killed) and
# waited_ms (how long it took, to 100 ms).
wait_within() {
	t0=$(now_ds)
	(
		sleep $(($2 / 10)).$(($2 % 10))
		kill -9 "$1" 2>/dev/null
	) &
	dog=$!
	wait "$1"
	wait_rc=$?
	waited_ms=$((($(now_ds) - t0) * 100))
	kill $dog 2>/dev/null
	wait $dog 2>/dev/null
}

# storm_start CONDUIT TAG GUEST_ARGS: the storm VMM in the background (with
# the control socket, exit statistics and `-p "GUEST_ARGS $STORM_GUEST_ARGS"`)
# and the host's churn beside it. Sets sock, out, err (its files), vmm_pid and
# churn_pid.
storm_start() {
	conduit=$1 tag=$2
	sock=/tmp/storm-$tag.sock
	out=/tmp/storm-$tag.out
	err=/tmp/storm-$tag.err
	rm -f "$sock"
	: >"$out" # before wait_marker reads it
	# shellcheck disable=SC2086
	./vmm boot guest.img $STORM_VMM_ARGS --conduit "$conduit" --control "$sock" --exit-stats \
		-p "$3 $STORM_GUEST_ARGS" >"$out" 2>"$err" &
	vmm_pid=$!
	storm_churn "$sock" $vmm_pid 300 /tmp/storm-$tag.plugs &
	churn_pid=$!
}

# storm_stop_churn: end storm_start's churn.
storm_stop_churn() {
	kill $churn_pid 2>/dev/null
	wait $churn_pid 2>/dev/null
}

# storm_run_held CONDUIT SEED CALLS TAG: one storm with hold=1 under host
# churn. When the guest holds: `ctl stats` of the quiet VM must add up, then
# `ctl quit` must end the VMM within 2 s with status 0 (the guest's verdict:
# pass); the exit statistics must add up too and the memory figures must be
# sane. Prints a summary line.
storm_run_held() {
	storm_start "$1" "$4" "storm seed=$2 calls=$3 hold=1"
	wait_marker "$out" "@@ storm held"
	storm_stop_churn
	./vmm ctl "$sock" stats >/tmp/storm-$tag.stats 2>&1 || {
		cat /tmp/storm-$tag.stats
		fail "$tag: ctl stats failed"
	}
	live=$(stats_check "$(cat /tmp/storm-$tag.stats)") || {
		cat /tmp/storm-$tag.stats
		fail "$tag: ctl stats of the quiet VM do not add up: $live"
	}
	./vmm ctl "$sock" quit >/dev/null 2>&1 || fail "$tag: ctl quit failed"
	wait_within $vmm_pid 20
	rc=$wait_rc
	[ $rc = 137 ] && fail "$tag: the VMM still ran 2 s after ctl quit (killed)"
	storm_clean "$out"
	[ $rc = 0 ] || {
		grep -a '^@@\|^guest:' "$out.clean" | tail -n 20
		tail -n 5 "$err"
		fail "$tag: exit status $rc after ctl quit, expected 0"
	}
	grep -aq '^@@ storm done: .* violations=0 faults=0 ' "$out.clean" || {
		grep -a '^@@\|^guest:' "$out.clean" | tail -n 20
		fail "$tag: the storm did not end clean"
	}
	expect_known_vmm_lines "$err"
	exit_stats=$(grep -a '^vmm: exit-stats: hypercalls=' "$err")
	final=$(stats_check "$exit_stats") || fail "$tag: exit-stats do not add up: $final"
	[ "$final" = "$live" ] || fail "$tag: exit-stats ($final) differ from the held VM's ($live)"
	mem=$(grep -a '^vmm: exit-stats: rss_peak_kib=' "$err")
	echo "$mem" | grep -Eq 'guest_ram_resident_kib=[0-9]+ vmm_overhead_kib=[0-9]+$' ||
		fail "$tag: memory figures: $mem"
	echo "$tag: $(grep -a '^@@ storm done' "$out.clean" | sed 's/^@@ //'); $final;" \
		"plugs $(cat /tmp/storm-$tag.plugs); quit took ${waited_ms} ms;" \
		"${mem#vmm: exit-stats: }"
}

# storm_run_signal CONDUIT SEED TAG: a storm that would run for long; once it
# started, SIGTERM must end the VMM within 3 s with status 130.
storm_run_signal() {
	storm_start "$1" "$3" "storm seed=$2 calls=100000000"
	wait_marker "$out" "@@ storm starting"
	sleep 1
	kill -TERM $vmm_pid
	wait_within $vmm_pid 30
	rc=$wait_rc
	[ $rc = 137 ] && fail "$tag: the VMM still ran 3 s after SIGTERM (killed)"
	storm_stop_churn
	[ $rc = 130 ] || {
		tail -n 5 "$err"
		fail "$tag: exit status $rc after SIGTERM, expected 130"
	}
	expect_known_vmm_lines "$err" '^vmm: stopping the VM on Terminated$'
	grep -aq '^vmm: exit-stats: hypercalls=' "$err" || fail "$tag: no exit statistics"
	echo "$tag: SIGTERM mid-storm: exit 130 after ${waited_ms} ms;" \
		"plugs $(cat /tmp/storm-$tag.plugs);" \
		"$(stats_check "$(grep -a '^vmm: exit-stats: hypercalls=' "$err")")"
}

# storm_run_resets CONDUIT SEED RESETS MAX_RESETS TAG: the storm ends with
# SYSTEM_RESET (the others still storming) until the VMM served RESETS; with
# --max-resets >= RESETS the last life ends clean (status 0), else the VMM
# gives up with its one line (status 2). A reset life that saw a wrong answer
# reports failure through the test device, which the VMM keeps across resets
# (status 1). The guest's lines of a reset life may be cut up by the other
# CPUs' console writes: the counts come from the exit statistics.
storm_run_resets() {
	conduit=$1 seed=$2 resets=$3 max=$4 tag=$5
	out=/tmp/storm-$tag.out
	err=/tmp/storm-$tag.err
	# shellcheck disable=SC2086
	timeout 120 ./vmm boot guest.img $STORM_VMM_ARGS --conduit "$conduit" --exit-stats \
		--max-resets "$max" -p "storm seed=$seed calls=300 reset=$resets $STORM_GUEST_ARGS" \
		>"$out" 2>"$err"
	rc=$?
	storm_clean "$out"
	if [ "$max" -ge "$resets" ]; then
		[ $rc = 0 ] || {
			grep -a '^@@\|^guest:' "$out.clean" | tail -n 20
			tail -n 5 "$err"
			fail "$tag: exit status $rc, expected 0"
		}
		expect_line '^@@ storm done: .* violations=0 faults=0 ' "$out.clean"
		expect_known_vmm_lines "$err"
		grep -aq "^vmm: exit-stats: .* resets=$resets " "$err" || fail "$tag: resets not $resets"
	else
		[ $rc = 2 ] || {
			tail -n 5 "$err"
			fail "$tag: exit status $rc, expected 2 (--max-resets $max)"
		}
		grep -aq "^vmm: exit-stats: .* resets=$((max + 1)) " "$err" ||
			fail "$tag: resets not $((max + 1))"
		expect_known_vmm_lines "$err" \
			"vmm: the guest reset $((max + 1)) times; giving up \(--max-resets $max\)$"
	fi
	expect_no_line 'violations=[1-9]|faults=[1-9]' "$out.clean"
	# Each warning is once per VMM process, however many resets rebuild
	# the VM (the storm makes undecodable and unclaimed accesses in each).
	for w in 'that KVM cannot decode' 'of unclaimed address'; do
		[ "$(grep -ac -- "$w" "$err")" -le 1 ] || {
			grep -a -- "$w" "$err"
			fail "$tag: the warning '$w' came more than once over $resets resets"
		}
	done
	final=$(stats_check "$(grep -a '^vmm: exit-stats: hypercalls=' "$err")") ||
		fail "$tag: exit-stats do not add up: $final"
	echo "$tag: reset=$resets --max-resets $max: exit $rc; $final"
}
