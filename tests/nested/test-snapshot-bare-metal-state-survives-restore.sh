# Issue 18: the bare-metal guest's `snapshot` mode (guest/snapshot.c) on 5
# vCPUs: cpu0 on with the timer ticking through the vGIC, cpu1 on in a counter
# loop, cpu2 off, cpu3 in a power-down CPU_SUSPEND, cpu4 on-pending through a
# lost CPU_ON; RAM holds a pattern, TPIDR_EL0 a value. `vmm ctl snapshot DIR
# --stop` after "ready" answers "ok BYTES MS" and ends that VMM; `vmm restore
# DIR` brings the guest back, and the guest finds every power state as PSCI
# answered before, the counter not gone back, RAM and registers intact, cpu1
# still counting, ticks still coming, cpu3 woken by an SGI at its entry point
# with its context id, cpu4 still on-pending, then a CPU_ON of cpu2 that works.
# A control run first: the same checks with no snapshot at all (wait=0) pass,
# so a failure after the restore is the restore's.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
sock=/tmp/snapg-bm.sock
dir=/tmp/snapg-bm
blog=/tmp/snapg-bm.log
rlog=/tmp/snapg-bm-restored.log
rm -rf $dir $sock
args="-c 5 --inject CPU_ON:cpu=4:next=1:lost"

vmm_expect 0 /tmp/snapg-bm-control.log boot guest.img $args -p "snapshot lost=4 wait=0"
expect_line '^@@ snapshot: done$' /tmp/snapg-bm-control.log

./vmm boot guest.img $args --control $sock -p "snapshot lost=4" >$blog 2>&1 &
vmm_pid=$!
wait_marker $blog "@@ snapshot: ready"
ctl snapshot $dir --stop >/tmp/snapg-bm.reply
grep -Eq '^ok [1-9][0-9]* [0-9]+$' /tmp/snapg-bm.reply ||
	fail "snapshot --stop answered '$(cat /tmp/snapg-bm.reply)', expected 'ok BYTES MS'"
vmm_wait 0 $blog "the VMM after snapshot --stop"
expect_no_line '^@@ snapshot: restored' $blog.clean
[ -s $dir/state ] && [ -s $dir/ram ] || { ls -l $dir; fail "the snapshot has no state or ram file"; }

vmm_expect 0 $rlog restore $dir
want_before='^@@ snapshot: before: cpu0=ON/HW_ON cpu1=ON/HW_ON cpu2=OFF/HW_OFF cpu3=ON/HW_OFF cpu4=ON_PENDING/HW_[A-Z]+$'
expect_line "$want_before" $blog.clean
# The console goes on in the restored process: nothing from before again.
expect_no_line '^@@ snapshot: (before|state|ready)' $rlog
expect_lines $rlog '^@@ snapshot: restored: restores=1$' \
	'^@@ snapshot: counter went on: \+[0-9]+ us since ready$' \
	'^@@ snapshot: ram intact: 8 MiB; TPIDR_EL0 kept$' \
	'^@@ snapshot: cpu1 counter grew: ' \
	'^@@ snapshot: ticks keep coming: ' \
	'^@@ snapshot: cpu3 woke at its entry point with context id 0x[0-9a-f]+5ec0003 \(SGI 1\)$' \
	'^@@ snapshot: cpu4 still on-pending: CPU_ON64 says ALREADY_ON$' \
	'^@@ snapshot: cpu_on cpu2 after restore: ret=0 \(SUCCESS\) outcome=on ' \
	'^@@ snapshot: done$'
# PSCI answers exactly as before, CPU by CPU.
before=$(sed -n 's/^@@ snapshot: before://p' $blog.clean)
after=$(sed -n 's/^@@ snapshot: after://p' $rlog)
[ "$before" = "$after" ] || fail "power states before:$before, after:$after"
expect_no_line '^(vmm|guest): ' $rlog
