# --pmu gives every vCPU a PMUv3: in the bare-metal guest's `pmu` mode the
# cycle counter counts and counter 0's overflow raises INTID 23 (PPI 7), in
# both PSCI modes. `vmm info` says whether the host has a PMU to give.
. tests/nested/lib.sh
skip_unless_host_has pmu PMUv3
for mode in user kernel; do
	log=/tmp/pmu-$mode.log
	vmm_expect 0 $log boot guest.img -c 2 -p pmu --pmu --psci $mode
	expect_line '^@@ pmu: PMUv3 \(PMUVer 0x[1-9a-e]\), [0-9]+ event counters$' $log
	expect_line '^@@ pmu: cycle counter advanced by [1-9][0-9]* in [0-9]+ us$' $log
	expect_line '^@@ pmu: overflow interrupt INTID 23 after [0-9]+ us$' $log
done
# kvmtool's spelling takes it too
vmm_expect 0 /tmp/pmu-run.log run -k guest.img -p pmu --pmu
expect_line '^@@ pmu: overflow interrupt INTID 23 ' /tmp/pmu-run.log
