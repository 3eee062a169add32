# `make bench`, the measuring half: runs in the nested test host (or natively
# on arm64+KVM) and prints raw samples, one per line, "R MODE KEY VALUE":
# MODE is user (userspace PSCI, confined as by default), unconfined (the
# same with --sandbox off: round trips only), late (userspace PSCI with
# VMM_RESET_AT_CPU_ON=1: a vCPU's warm reset on CPU_ON's path, as before the
# reset was done ahead; the "before" of the same run) or kernel (KVM's PSCI);
# runs alternate user/late/kernel (A B C A B C ...) so drift hits all alike.
# scripts/bench turns the samples into build/bench.md and the bring-up plot.
# BENCH selects the parts (default all): psci (round trips, CPU_ON,
# bring-up, start-up), linux (Linux start-up), acpi (ACPI hotplug on each
# kernel of HPKERNELS), snapshot (issue 18: snapshot and restore).
BENCH=${BENCH:-psci linux acpi snapshot}
part() { case " $BENCH " in *" $1 "*) return 0 ;; esac; return 1; }
REPS=${REPS:-5}
# Linux start-up runs per PSCI mode (each a whole Linux boot to poweroff -f).
LREPS=${LREPS:-3}
N=${N:-2000}
SIZES=${SIZES:-"1 2 4 8 16 32 64"}
DENY="--smccc-filter 0x83000000:deny"

# busybox date has no %N: time STARTS runs together with /proc/uptime
# (centiseconds) and report the mean per run.
STARTS=${STARTS:-20}
uptime_cs() { awk '{ printf "%d", $1 * 100 }' /proc/uptime; }

# ticks_to_ns TICKS FREQ COUNT: average nanoseconds per event.
per_ns() { awk -v t="$1" -v f="$2" -v n="$3" 'BEGIN { printf "%.1f", t * 1e9 / f / n }'; }

# sample MODE LOG: turn the guest's "@@ bench" lines and the exit stats into R lines.
sample() {
	mode=$1
	log=$2
	tr -d '\r' <"$log" | while read -r at word name rest; do
		[ "$at $word" = "@@ bench" ] || continue
		eval "$(echo "$rest" | tr ' ' '\n' | grep '=' | sed 's/^/local_/')"
		case $name in
		bringup)
			echo "R $mode bringup.$local_cpus $(per_ns "$local_ticks" "$local_freq" 1)"
			echo "R $mode bringup_issue.$local_cpus $(per_ns "$local_issue" "$local_freq" 1)"
			echo "R $mode bringup_wake.$local_cpus $(per_ns "$local_wake" "$local_freq" $((local_cpus - 1)))"
			;;
		*) [ "$local_n" -gt 0 ] &&
			echo "R $mode $name $(per_ns "$local_ticks" "$local_freq" "$local_n")" ;;
		esac
	done
	# syscalls per forwarded call, as counted by the VMM (user mode only)
	stats=$(grep '^vmm: exit-stats: hypercalls=' "$log" | tr ' ' '\n')
	for fn in PSCI_VERSION PSCI_CPU_ON64 PSCI_AFFINITY_INFO64 PSCI_CPU_OFF; do
		calls=$(echo "$stats" | grep "^$fn=" | cut -d= -f2)
		sys=$(echo "$stats" | grep "^syscalls.$fn=" | cut -d= -f2)
		[ -n "$calls" ] && [ "$calls" -gt 0 ] &&
			echo "R $mode syscalls.$fn $(awk -v s="$sys" -v c="$calls" 'BEGIN { printf "%.2f", s / c }')"
	done
	ons=$(echo "$stats" | grep '^PSCI_CPU_ON64=' | cut -d= -f2)
	pos=$(echo "$stats" | grep '^power_on_syscalls=' | cut -d= -f2)
	[ -n "$ons" ] && [ "$ons" -gt 0 ] && [ -n "$pos" ] &&
		echo "R $mode syscalls.cpu_on_target $(awk -v s="$pos" -v c="$ons" 'BEGIN { printf "%.2f", s / c }')"
	grep '^vmm: exit-stats: rss_peak_kib=' "$log" | tr ' ' '\n' | grep '^vmm_overhead_kib=' |
		sed "s/^vmm_overhead_kib=/R $mode rss_overhead_kib /"
}

# vmm_run MODE ARGS...: ./vmm boot in PSCI mode MODE (late: user with the
# reset on CPU_ON's path).
vmm_run() {
	m=$1
	shift
	case $m in
	late) VMM_RESET_AT_CPU_ON=1 ./vmm boot "$@" --psci user ;;
	*) ./vmm boot "$@" --psci "$m" ;;
	esac
}

# exits LOG CPUS: forwarded calls per secondary in a bring-up run (three
# on/off cycles each: cpu_on, cpu_on_again, bringup), by function.
exits() {
	stats=$(grep '^vmm: exit-stats: hypercalls=' "$1" | tr ' ' '\n')
	for key in hypercalls PSCI_CPU_ON64 PSCI_CPU_OFF PSCI_AFFINITY_INFO64; do
		val=$(echo "$stats" | grep "^$key=" | cut -d= -f2)
		[ -n "$val" ] && echo "R $mode exits.$key.$2 $(awk -v v="$val" -v n="$2" 'BEGIN { printf "%.2f", v / (n - 1) }')"
	done
}

echo "R info binary_bytes $(wc -c <./vmm)"
echo "R info vcpus_host $(nproc)"
rep=1
part psci || rep=$((REPS + 1))
while [ $rep -le "$REPS" ]; do
	for mode in user late kernel; do
		log=/tmp/bench-$mode.log
		vmm_run $mode guest.img -c 4 -p "bench n=$N" $DENY --exit-stats >$log 2>&1 ||
			{ echo "B bench run failed ($mode):"; tail -n 20 $log; exit 1; }
		sample $mode $log
		[ $mode = late ] && continue
		t0=$(uptime_cs)
		i=0
		while [ $i -lt "$STARTS" ]; do
			./vmm boot guest.img -p null --psci $mode >/dev/null 2>&1 ||
				{ echo "B null run failed"; exit 1; }
			i=$((i + 1))
		done
		t1=$(uptime_cs)
		echo "R $mode startup $(((t1 - t0) * 10000000 / STARTS))"
	done
	# The sandbox's cost on a forwarded call: the user-mode run again with
	# --sandbox off (mode "unconfined"); only the round trips are kept.
	log=/tmp/bench-unconfined.log
	./vmm boot guest.img -c 4 -p "bench n=$N" $DENY --psci user --sandbox off >$log 2>&1 ||
		{ echo "B bench run failed (--sandbox off):"; tail -n 20 $log; exit 1; }
	sample unconfined $log | grep -E '^R unconfined psci-(hvc|smc) '
	for size in $SIZES; do
		for mode in user late kernel; do
			log=/tmp/bench-$mode-$size.log
			vmm_run $mode guest.img -c "$size" -m 512M -p "bench n=50" $DENY --exit-stats \
				>$log 2>&1 || { echo "B bring-up run failed ($mode, $size cpus)"; tail -n 20 $log; exit 1; }
			sample $mode $log | grep ' bringup[_a-z]*\.'
			[ "$size" -gt 1 ] && [ $mode != kernel ] && exits $log "$size"
		done
	done
	rep=$((rep + 1))
done

# Linux start-up: the Debian Image and the busybox initramfs on 4 vCPUs to
# poweroff -f. Milestones in ms of wall time from the launch: vCPU 0's first
# KVM_RUN (the guest's first instruction, reported by the VMM), the init's
# first marker line ("@@ linux up": /init is running) and the VMM's exit;
# plus where the VMM's own time went (--exit-stats startup_us).
linux_sample() {
	mode=$1
	t0=$(uptime_cs)
	{
		./vmm boot linux-guest/Image -m 512M -c 4 -i linux-guest/initrd.cpio \
			-p "console=ttyS0 vmm=poweroff" --psci "$mode" --exit-stats 2>&1
		echo $? >/tmp/bench-linux.rc
	} | while IFS= read -r line; do
		case $line in
		"@@ linux up"*) echo "INIT $(uptime_cs)" ;;
		"vmm: exit-stats: startup_us"*) echo "$line" ;;
		esac
	done >/tmp/bench-linux.log
	t1=$(uptime_cs)
	[ "$(cat /tmp/bench-linux.rc)" = 0 ] && grep -q '^INIT ' /tmp/bench-linux.log ||
		{ echo "B linux run failed ($mode)"; cat /tmp/bench-linux.log; exit 1; }
	ti=$(sed -n 's/^INIT //p' /tmp/bench-linux.log)
	echo "R $mode linux.init_ms $(((ti - t0) * 10))"
	echo "R $mode linux.exit_ms $(((t1 - t0) * 10))"
	stats=$(grep '^vmm: exit-stats: startup_us' /tmp/bench-linux.log | tr ' ' '\n')
	us() { echo "$stats" | sed -n "s/^$1=//p"; }
	echo "R $mode linux.first_run_ms $(($(us first_run) / 1000))"
	echo "R $mode linux.opened_ms $(($(us opened) / 1000))"
	echo "R $mode linux.vm_built_ms $((($(us vm_built) - $(us opened)) / 1000))"
	echo "R $mode linux.teardown_ms $((($(us torn_down) - $(us run_end)) / 1000))"
}

if part linux && [ -f linux-guest/Image ]; then
	echo "R info linux_image_bytes $(wc -c <linux-guest/Image)"
	rep=1
	while [ $rep -le "$LREPS" ]; do
		for mode in user kernel; do
			linux_sample $mode
		done
		rep=$((rep + 1))
	done
fi

# ACPI hotplug (--acpi): `vmm ctl plug` to the CPU online in the guest, and
# how long an `unplug` (eject request to _EJ0) takes; HPREPS of each, per
# kernel of HPKERNELS (KERNEL= of linux-lib.sh: 6.12 is the nested host's
# Debian 6.12, newest Debian sid's), the kernels alternating over HPBOOTS
# boots each. A kernel scripts/deps did not fetch is left out, said so.
if part acpi && [ -f linux-guest/Image ]; then
	b=1
	while [ $b -le "${HPBOOTS:-1}" ]; do
		for k in ${HPKERNELS:-6.12 newest}; do
			rc=0
			KERNEL=$k HPREPS=${HPREPS:-10} sh tests/nested/bench-acpi-hotplug.sh || rc=$?
			case $rc in
			0) ;;
			77) echo "K $k (not measured: no such kernel staged; scripts/deps fetches it)" ;;
			*) echo "B acpi hotplug bench failed (kernel $k, exit $rc)"; exit 1 ;;
			esac
		done
		b=$((b + 1))
	done
fi

# Snapshot and restore of a 512 MiB Linux guest (issue 18): snapshot time,
# restore to a running shell against a cold boot to /init, the restored
# VMM's RSS.
if part snapshot && [ -f linux-guest/Image ]; then
	SNREPS=${SNREPS:-3} sh tests/nested/bench-snapshot.sh ||
		{ echo "B snapshot bench failed (exit $?)"; exit 1; }
fi
