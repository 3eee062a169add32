# "A core that never comes up": the next CPU_ON of cpu2 answers SUCCESS but
# the vCPU is never started. Linux waits, reports that CPU2 failed to come
# online, and a retry is refused (ALREADY_ON: the firmware still has the
# core on its way). The VMM's view agrees: cpu2 is on-pending and lost, the
# trace shows the CPU_ON and its off -> on-pending change, and no "running".
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
sock=/tmp/inject-lost.sock
log=/tmp/inject-lost.log
trace=/tmp/inject-lost.jsonl
./vmm $LINUX -c 4 --control $sock --trace-file $trace --inject CPU_ON:cpu=2:next=1:lost \
	-p "console=ttyS0 maxcpus=2 vmm=inject-lost" >$log 2>&1 &
vmm_pid=$!
wait_marker $log "@@ inject-lost done"
tr -d '\r' <$log >$log.clean
expect_line '^@@ cpu2 online=1 failed: .*Input/output error' $log.clean
expect_line '^@@ cpu2 online=1 failed: .*Invalid argument' $log.clean
expect_line '^@@ online after inject-lost: 0-1$' $log.clean
expect_line '^@@ dmesg: .*CPU2: failed to come online' $log.clean
ctl cpus --json | grep -q '{"id":2,"mpidr":"0x2","state":"on-pending","present":true,"cpu_ons":1,"cpu_offs":0,"lost":true}' ||
	fail "cpus --json does not show cpu2 lost: $(cat /tmp/ctl.out)"
ctl cpus | grep -q ' 2:0x2:on-pending:1:0 ' || fail "cpus: $(cat /tmp/ctl.out)"
ctl stats --json | grep -q '"injected":{"PSCI_CPU_ON64":1}' || fail "stats --json: $(cat /tmp/ctl.out)"
ctl quit >/dev/null
wait $vmm_pid || fail "vmm exited $? after quit"
expect_line '"fn":"PSCI_CPU_ON64",.*"target":2,.*"ret":0,.*"injected":true,"rule":"CPU_ON:cpu=2:next=1:lost"' $trace
expect_line '"ev":"state","vcpu":2,"from":"off","to":"on-pending","cause":"CPU_ON lost"' $trace
expect_no_line '"ev":"state","vcpu":2,"from":"on-pending","to":"on"' $trace
# The retry reached the VMM and was refused as ALREADY_ON.
expect_line '"fn":"PSCI_CPU_ON64",.*"target":2,.*"ret":-4,.*"injected":false' $trace
