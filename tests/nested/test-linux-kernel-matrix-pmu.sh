# --pmu on the other kernels of the matrix (scripts/deps): bookworm's 6.1
# and Debian's newest count cycles with perf_event_open() on a boot CPU and
# on a plugged one, as 6.12 does in test-pmu-linux-perf-counts.sh.
. tests/nested/lib.sh
sock=/tmp/matrix-pmu.sock
for k in 6.1 newest; do
	(
		KERNEL=$k
		. tests/nested/linux-lib.sh
		echo "kernel: $(kernel_pkg)"
		linux_pmu_counts /tmp/matrix-pmu-$k.log
	) || exit $?
done
