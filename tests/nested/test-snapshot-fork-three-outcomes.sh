# Issue 18: a snapshot is a fork point. One snapshot of the bare-metal
# `snapshot` mode (4 vCPUs, taken with --stop) is restored three times, each
# restore with its own --inject rule on the next CPU_ON of cpu2, the guest's
# first CPU_ON after the restore: first alone with no rule (cpu2 comes up),
# then two at the same time, one answered INTERNAL_FAILURE (cpu2 stays off),
# one lost (SUCCESS, and cpu2 stays on-pending). Each child sees the state of
# the snapshot, not what a sibling did to its copy: restores=1 in each, RAM
# intact, cpu1 counting (a sibling's stop flag would have ended its loop).
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
snap_paths snap-fork
snap_stopped -c 4

# outcome LOG RET NAME OUTCOME AFFINITY: the child passed and saw this.
outcome() {
	expect_lines "$1" '^@@ snapshot: restored: restores=1$' \
		'^@@ snapshot: ram intact: 8 MiB; TPIDR_EL0 kept$' \
		'^@@ snapshot: cpu1 counter grew: ' \
		'^@@ snapshot: cpu3 woke at its entry point with context id ' \
		"^@@ snapshot: cpu_on cpu2 after restore: ret=$2 \\($3\\) outcome=$4 affinity=$5\$" \
		'^@@ snapshot: done$'
}

vmm_expect 0 /tmp/snap-fork-none.log restore $dir
outcome /tmp/snap-fork-none.log 0 SUCCESS on '(ON|OFF)'

# Two at once, from the same files.
./vmm restore $dir --inject CPU_ON:cpu=2:next=1:ret=INTERNAL_FAILURE >/tmp/snap-fork-fail.raw 2>&1 &
pid_fail=$!
./vmm restore $dir --inject CPU_ON:cpu=2:next=1:lost >/tmp/snap-fork-lost.raw 2>&1 &
pid_lost=$!
wait $pid_fail
rc_fail=$?
wait $pid_lost
rc_lost=$?
for k in fail lost; do tr -d '\r' </tmp/snap-fork-$k.raw >/tmp/snap-fork-$k.log; done
[ $rc_fail = 0 ] || { cat /tmp/snap-fork-fail.log; fail "the INTERNAL_FAILURE child exited $rc_fail"; }
[ $rc_lost = 0 ] || { cat /tmp/snap-fork-lost.log; fail "the lost child exited $rc_lost"; }
outcome /tmp/snap-fork-fail.log -6 INTERNAL_FAILURE error OFF
outcome /tmp/snap-fork-lost.log 0 SUCCESS lost ON_PENDING
for k in none fail lost; do expect_no_line '^(vmm|guest): ' /tmp/snap-fork-$k.log; done
