# A 200 ms delay on the next CPU_ON of cpu2: the CPU still comes online,
# and the trace shows the latency: that call spent at least 200 ms in the
# VMM, every other CPU_ON far less.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
log=/tmp/inject-delay.log
trace=/tmp/inject-delay.jsonl
vmm_expect 0 $log $LINUX -c 4 --trace-file $trace --inject CPU_ON:cpu=2:next=1:delay=200ms \
	-p "console=ttyS0 maxcpus=2 vmm=inject-delay"
expect_line '^@@ cpu2 online=1 ok$' $log
expect_line '^@@ inject-delay done' $log
grep '"fn":"PSCI_CPU_ON64"' $trace >/tmp/inject-delay.cpu_on
expect_count 2 '"fn":"PSCI_CPU_ON64"' /tmp/inject-delay.cpu_on
delayed=$(grep '"target":2,' /tmp/inject-delay.cpu_on | sed 's/.*"vmm_ns":\([0-9]*\).*/\1/')
other=$(grep '"target":1,' /tmp/inject-delay.cpu_on | sed 's/.*"vmm_ns":\([0-9]*\).*/\1/')
[ -n "$delayed" ] && [ "$delayed" -ge 200000000 ] || fail "cpu2's CPU_ON took ${delayed}ns in the VMM"
[ -n "$other" ] && [ "$other" -lt 200000000 ] || fail "cpu1's CPU_ON took ${other}ns in the VMM"
expect_line '"target":2,.*"injected":true,"rule":"CPU_ON:cpu=2:next=1:delay=200ms"' $trace
expect_line '"ev":"state","vcpu":2,"from":"on-pending","to":"on","cause":"running"' $trace
echo "cpu2's CPU_ON: ${delayed} ns in the VMM; cpu1's: ${other} ns"
