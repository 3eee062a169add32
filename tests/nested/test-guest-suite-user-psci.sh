# The bare-metal guest's conformance suite against userspace PSCI, over the
# HVC and the SMC conduit, with 1, 2 and 8 vCPUs: every case must pass. And
# with --acpi, where the guest finds its CPUs, conduit and GIC in the MADT and
# FADT (through the stub DT's EFI system table) instead of the DT.
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
for conduit in hvc smc; do
	log=/tmp/suite-acpi-$conduit.log
	vmm_expect 0 $log boot guest.img -c 8 -p test --conduit $conduit --acpi
	expect_line "^# PSCI conformance tests: 8 CPUs, .*, MADT/FADT conduit $conduit," $log
	expect_no_line '^FAIL' $log
	expect_line '^[0-9]+ passed, 0 failed$' $log
	echo "8 vCPUs, $conduit, ACPI: $(tail -n 1 $log)"
done
# With 8 vCPUs nothing is skipped (racing CPU_ONs need 3 or more), and every
# PSCI 1.3 function has its cases.
expect_line '^[0-9]+ passed, 0 failed$' /tmp/suite-8-hvc.log
for c in cpu_suspend_standby cpu_suspend_powerdown cpu_default_suspend node_hw_state psci_stats \
	system_suspend_denied system_reset2_vendor_type system_off2_bad_args vmm_hyp_info \
	vmm_console_write vmm_console_errors discover_impl cpu_on_race not_supported_calls; do
	expect_line "^ok $c" /tmp/suite-8-hvc.log
done
