# Linux with --pmu: the kernel's PMUv3 driver comes up with its counters, an
# event count taken with perf_event_open() (/bin/perfcount) is non-zero on
# the boot CPU and on a vCPU the host plugs later (every possible vCPU got
# its PMU at start). Then through ACPI (the MADT's GICC performance
# interrupt), and without --pmu, where the event cannot be opened.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
sock=/tmp/linux-pmu.sock
linux_pmu_counts /tmp/linux-pmu.log

log=/tmp/linux-pmu-acpi.log
vmm_expect 0 $log $LINUX -c 2 --acpi --pmu -p "console=ttyS0 vmm=pmu"
expect_line '^@@ dmesg-pmu: .*hw perfevents: enabled with armv8_pmuv3[_0-9]* PMU driver' $log
expect_line '^@@ perf cpu1: perfcount: cycles=[1-9][0-9]* ' $log

log=/tmp/linux-nopmu.log
vmm_expect 0 $log $LINUX -c 1 -p "console=ttyS0 vmm=pmu"
expect_no_line 'hw perfevents: enabled' $log
expect_line '^@@ perf cpu0: perfcount: cannot open cycles: ' $log
