# --irqchip gicv3-its: the bare-metal guest finds the ITS in its device tree,
# programs it (device and collection tables, command queue, the
# redistributor's LPI tables), maps device 0x2a event 3 to LPI 8197 with
# MAPD/MAPC/MAPTI, INV, INVALL, SYNC, and takes that LPI on its CPU after an
# INT command. Then SYSTEM_RESET: the VMM builds a new VM with a new ITS,
# and the guest does it all again. Both PSCI modes, with the device tree
# and with --acpi (the guest follows the stub DT's EFI system table to the
# MADT's GICD, GICR range and GIC ITS); `vmm run`'s kvmtool spelling too. Without the option the mode fails in one line: no ITS.
. tests/nested/lib.sh
skip_unless_host_has its "GICv3 ITS device"
for mode in user kernel; do
	for desc in dt acpi; do
		log=/tmp/its-reset-$mode-$desc.log
		if [ $desc = acpi ]; then
			vmm_expect 0 $log boot guest.img -c 2 -p its --irqchip gicv3-its --psci $mode --acpi
			from=ACPI
		else
			vmm_expect 0 $log boot guest.img -c 2 -p its --irqchip gicv3-its --psci $mode
			from='device tree'
		fi
		expect_line "^@@ its: boot 0 \\($from\\)\$" $log
		expect_line '^@@ its: resetting$' $log
		expect_line "^@@ its: boot 1 \\($from\\)\$" $log
		expect_count 2 '^@@ its: at 0x4000000, GITS_TYPER 0x[0-9a-f]+: .*PTA 0$' $log
		expect_count 2 '^@@ its: GITS_BASER0 device table' $log
		expect_count 2 '^@@ its: GITS_BASER1 collection table' $log
		expect_count 2 '^@@ its: mapped device 0x2a event 3 to LPI 8197, collection 0 on cpu0$' $log
		expect_count 2 '^@@ its: INT device 0x2a event 3: LPI 8197 on cpu0 after [0-9]+ us$' $log
		# what a CPU's store to GITS_TRANSLATER does is KVM's business: reported
		expect_count 2 '^@@ its: GITS_TRANSLATER write from the CPU: ' $log
	done
done

log=/tmp/its-run.log
vmm_expect 0 $log run -k guest.img -p "its reset=0" --irqchip=gicv3-its
expect_line '^@@ its: INT device 0x2a event 3: LPI 8197 on cpu0 ' $log
expect_no_line 'resetting' $log

# The device tree the guest read: the ITS under the GIC (dtc, if the host has it).
vmm_expect 0 /tmp/its-dtb.log boot guest.img -p "null" --irqchip gicv3-its --dump-dtb /tmp/its.dtb
if command -v dtc >/dev/null 2>&1; then
	dtc -I dtb -O dts /tmp/its.dtb 2>/dev/null >/tmp/its.dts
	expect_line 'msi-controller@4000000' /tmp/its.dts
	expect_line 'compatible = "arm,gic-v3-its"' /tmp/its.dts
fi
