# The bare-metal guest's conformance suite against userspace PSCI, over the
# HVC and the SMC conduit, with 1, 2 and 8 vCPUs: every case must pass.
. tests/nested/lib.sh
for cpus in 1 2 8; do
	for conduit in hvc smc; do
		log=/tmp/suite-$cpus-$conduit.log
		vmm_expect 0 $log boot guest.img -c $cpus -p test --conduit $conduit
		expect_no_line '^FAIL' $log
		expect_line '^[0-9]+ passed, 0 failed' $log
		echo "$cpus vCPUs, $conduit: $(tail -n 1 $log)"
	done
done
# With 8 vCPUs nothing is skipped (racing CPU_ONs need 3 or more).
expect_line '^[0-9]+ passed, 0 failed$' /tmp/suite-8-hvc.log
