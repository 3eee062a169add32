# An injected INTERNAL_FAILURE for the next CPU_ON of cpu2: Linux's
# `echo 1 > cpu2/online` fails (psci: -EINVAL), the next try works because
# the rule is spent; stats and the trace file mark the one injected answer.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
log=/tmp/inject-fail.log
trace=/tmp/inject-fail.jsonl
vmm_expect 0 $log $LINUX -c 4 --trace-file $trace --exit-stats \
	--inject CPU_ON:cpu=2:next=1:ret=INTERNAL_FAILURE \
	-p "console=ttyS0 maxcpus=2 vmm=inject-fail"
expect_line '^@@ cpu2 online=1 failed: .*Invalid argument' $log
expect_line '^@@ cpu2 online=1 ok$' $log
expect_line '^@@ online after inject-fail: 0-2$' $log
expect_line '^@@ dmesg: .*CPU2: failed to boot: -22' $log
expect_line 'exit-stats: .* injected.PSCI_CPU_ON64=1( |$)' $log
expect_count 1 '"injected":true' $trace
expect_line '"fn":"PSCI_CPU_ON64",.*"target":2,.*"ret":-6,.*"injected":true,"rule":"CPU_ON:cpu=2:next=1:ret=INTERNAL_FAILURE"' $trace
# The second CPU_ON of cpu2 ran for real and started it.
expect_line '"fn":"PSCI_CPU_ON64",.*"target":2,.*"ret":0,.*"injected":false' $trace
expect_line '"ev":"state","vcpu":2,"from":"on-pending","to":"on","cause":"running"' $trace
