# The long hypercall storm, for soak runs (scripts/soak --storm SECONDS):
#   sh tests/nested/storm-long.sh SECONDS
# Runs storms back to back until SECONDS have passed, each with a new seed,
# over both conduits, with host plug/unplug and trace churn: long held runs
# checked like test-storm-hvc-smc-with-hotplug.sh (answers, stats adding up,
# ctl quit), SIGTERM mid-storm, and SYSTEM_RESET lives within and past
# --max-resets. Stops at the first failure, naming the seed
# (STORM_SEED=N reproduces a sequence). Not named test-*: run-all skips it.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
. tests/nested/storm-lib.sh
case ${1:-} in
'' | *[!0-9]*) fail "usage: sh tests/nested/storm-long.sh SECONDS" ;;
esac
# (The helpers share the shell's variables: these names are ours alone.)
long_seed=${STORM_SEED:-$(awk '{ printf "%d\n", $1 * 100 }' /proc/uptime)}
long_secs=$1
long_end=$(($(now_ds) + long_secs * 10))
echo "storm-long: $long_secs s from seed $long_seed"
long_runs=0
while [ "$(now_ds)" -lt "$long_end" ]; do
	s=$((long_seed + long_runs))
	case $((long_runs % 6)) in
	0) storm_run_held hvc $s 5000 long-hvc ;;
	1) storm_run_held smc $s 5000 long-smc ;;
	2) storm_run_signal hvc $s long-sigterm-hvc ;;
	3) storm_run_resets smc $s 3 3 long-resets ;;
	4) storm_run_signal smc $s long-sigterm-smc ;;
	5) storm_run_resets hvc $s 2 1 long-max-resets ;;
	esac
	long_runs=$((long_runs + 1))
done
echo "storm-long: $long_runs storms from seed $long_seed in $long_secs s: all passed"
