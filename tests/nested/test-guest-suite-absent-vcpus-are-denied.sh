# The conformance suite on a machine with possible but absent vCPUs
# (--max-cpus): the guest learns from VMM_HYP_INFO which vCPUs are present
# (the first `present` ones), CPU_ON of each absent one must be DENIED (PSCI
# 1.2) with the vCPU staying OFF, over both conduits, and every other case
# passes as on a fully present machine.
. tests/nested/lib.sh
for conduit in hvc smc; do
	log=/tmp/absent-2of4-$conduit.log
	vmm_expect 0 $log boot guest.img -c 2 --max-cpus 4 -p test --conduit $conduit
	expect_no_line '^FAIL' $log
	expect_line '^# 4 possible CPUs, 2 present \(VMM_HYP_INFO\): CPU_ON of cpu2\.\.cpu3 must be DENIED$' $log
	for c in hvc smc; do
		for cpu in 2 3; do
			expect_line "^ok cpu_on_absent_cpu$cpu/$c\$" $log
		done
		expect_line "^ok cpu_on_cpu1/$c\$" $log
		expect_line "^ok cpu_on_off_x20/$c\$" $log
		expect_line "^ok vmm_hyp_info/$c\$" $log
		expect_line "^skip cpu_on_race/$c: needs at least 3 present CPUs, have 2 of 4\$" $log
	done
	expect_line '^[0-9]+ passed, 0 failed, 2 skipped$' $log
	echo "2 of 4 vCPUs present, $conduit: $(tail -n 1 $log)"
done
# Three present: the race runs among the present CPUs only.
log=/tmp/absent-3of4.log
vmm_expect 0 $log boot guest.img -c 3 --max-cpus 4 -p test
expect_no_line '^FAIL' $log
expect_line '^ok cpu_on_race/hvc$' $log
expect_line '^ok cpu_on_race/smc$' $log
expect_line '^ok cpu_on_absent_cpu3/hvc$' $log
expect_line '^[0-9]+ passed, 0 failed$' $log
echo "3 of 4 vCPUs present: $(tail -n 1 $log)"
