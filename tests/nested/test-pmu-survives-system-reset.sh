# SYSTEM_RESET builds a fresh VM: the PMU is set up again (vCPU feature,
# overflow interrupt, PMU_V3_INIT), so after the reset the guest's counters
# count and interrupt as before. Both PSCI modes, 2 vCPUs.
. tests/nested/lib.sh
for mode in user kernel; do
	log=/tmp/pmu-reset-$mode.log
	vmm_expect 0 $log boot guest.img -c 2 -p "pmu reset=1" --pmu --psci $mode
	expect_line '^@@ pmu: resetting$' $log
	expect_line '^@@ pmu: boot 1$' $log
	expect_count 2 '^@@ pmu: cycle counter advanced by [1-9]' $log
	expect_count 2 '^@@ pmu: overflow interrupt INTID 23 ' $log
done
