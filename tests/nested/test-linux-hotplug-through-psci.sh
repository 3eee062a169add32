# A Linux guest with 2 present and 4 possible vCPUs: secondaries come up
# through our CPU_ON; cpu1 goes offline/online 50 times (CPU_OFF/CPU_ON);
# absent cpu2/cpu3 are denied by firmware; `vmm ctl plug` lets them come
# online, `vmm ctl unplug --when-off` + offline makes them fail again, twice
# each; the guest powers off cleanly (exit 0).
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
sock=/tmp/linux-hp.sock
log=/tmp/linux-hp.log
./vmm $LINUX -c 2 --max-cpus 4 --control $sock -p "console=ttyS0 vmm=hotplug" >$log 2>&1 &
vmm_pid=$!
wait_marker $log "@@ linux up"
for round in 1 2; do
	for c in 2 3; do
		wait_marker $log "@@ plug me: $c" $round
		ctl plug $c
		wait_marker $log "@@ unplug me: $c" $round
		# The guest keeps re-onlining it to see when it is gone, so it may
		# be on right now: --when-off defers the unplug to its next CPU_OFF.
		ctl unplug $c --when-off
	done
done
vmm_wait 0 $log "the Linux guest's VMM"
expect_line '^@@ linux up: online=0-1 possible=0-3 mode=hotplug' $log.clean
expect_line '^@@ dmesg: .*psci: PSCIv1.3 detected' $log.clean
expect_line '^@@ cpu1 cycles done: 50$' $log.clean
# PV time: the VMM gave every vCPU a stolen-time record, and Linux uses it.
expect_line 'arm-pv: using stolen time PV' $log.clean
expect_line '^@@ cpu2 online=1 failed' $log.clean
expect_line '^@@ cpu3 online=1 failed' $log.clean
expect_count 2 '^@@ cpu2 online=1 ok after' $log.clean
expect_count 2 '^@@ cpu3 online=1 ok after' $log.clean
expect_count 2 '^@@ cpu2 denied again' $log.clean
expect_count 2 '^@@ cpu3 denied again' $log.clean
expect_line '^@@ online at the end: 0-1$' $log.clean
expect_line '^@@ hotplug done' $log.clean
# DENIED is how PSCI 1.2 says "not present": Linux must not call it a failure.
expect_no_line '^@@ dmesg-end: ' $log.clean
