# Linux with --irqchip gicv3-its probes the ITS from the device tree: its
# GICv3 driver reports the ITS at 0x4000000 (the frame, or its tables
# allocated for it) and sets up LPIs; with --acpi it finds the same ITS in
# the MADT. Without the option no ITS is mentioned. Lines are matched for
# what they say (the ITS, its address), not one kernel's wording.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
skip_unless_host_has its "GICv3 ITS device"
log=/tmp/linux-its.log
vmm_expect 0 $log $LINUX -c 2 --irqchip gicv3-its -p "console=ttyS0 vmm=poweroff"
expect_line 'ITS.*0x0*4000000' $log
expect_line 'LPI' $log
expect_no_line 'ITS.*(fail|error|ignored)' $log
expect_line '^@@ linux up: online=0-1 ' $log

log=/tmp/linux-its-acpi.log
vmm_expect 0 $log $LINUX -c 2 --acpi --irqchip gicv3-its -p "console=ttyS0 vmm=poweroff"
expect_line 'ITS.*0x0*4000000' $log
expect_no_line 'ITS.*(fail|error|ignored)' $log

log=/tmp/linux-no-its.log
vmm_expect 0 $log $LINUX -c 1 -p "console=ttyS0 vmm=poweroff"
expect_no_line 'ITS.*0x0*4000000' $log
