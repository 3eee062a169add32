# --sandbox log lets a call outside the lists through and has the kernel log
# it (audit type=1326): a full run that logs nothing made no call the lists
# lack. The bare-metal conformance suite over both conduits (with the
# control socket, a trace file and the exit statistics), the hostile storm
# with resets, a snapshot and its restore, and Linux with --pmu through a
# SYSTEM_RESET, then
# `ctl stats`, `ctl quit`: not one seccomp line in the kernel log. The
# positive control first: a process that logs its own calls does show up,
# so "no line" means something. (That such a call kills the VMM without
# `log` is test_sandbox's, on the build host.)
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
. tests/nested/storm-lib.sh
sock=/tmp/sb-log.sock
log=/tmp/sb-log.log

seccomp_lines() { dmesg | grep -c 'type=1326'; }
grep -qw log /proc/sys/kernel/seccomp/actions_logged ||
	fail "the kernel does not log SECCOMP_RET_LOG (actions_logged: $(cat /proc/sys/kernel/seccomp/actions_logged))"
before=$(seccomp_lines)
./seccomp-log-probe || fail "seccomp-log-probe could not install its filter"
[ "$(seccomp_lines)" -gt "$before" ] || fail "a logged call left no type=1326 line in dmesg: this test could not see one"
before=$(seccomp_lines)

for conduit in hvc smc; do
	rm -f $sock
	vmm_expect 0 $log boot guest.img -c 8 --max-cpus 10 -p test --conduit $conduit \
		--sandbox log --control $sock --trace-file /tmp/sb-log.jsonl --exit-stats
	expect_line ' passed, 0 failed$' $log
done
STORM_VMM_ARGS="$STORM_VMM_ARGS --sandbox log"
storm_run_resets smc 31 2 2 sandbox-log
# A snapshot and its restore, both confined (the snapshot's own calls: the
# directory, pagemap, the register list sorted, the files written).
rm -rf $sock /tmp/sb-log-snap
./vmm boot guest.img -c 2 -p "stress iters=40000" --sandbox log --control $sock >$log 2>&1 &
vmm_pid=$!
wait_socket $sock
./vmm ctl $sock snapshot /tmp/sb-log-snap --stop >/tmp/sb-log.ctl 2>&1 || fail "snapshot: $(cat /tmp/sb-log.ctl)"
vmm_wait 0 $log "the VMM after snapshot --stop"
vmm_expect 0 $log restore /tmp/sb-log-snap --sandbox log --exit-stats
expect_line '@@ stress done' $log
rm -rf /tmp/sb-log-snap
rm -f $sock
linux_reboot_then_quit $log -c 2 --pmu --sandbox log --trace-file /tmp/sb-log.jsonl --exit-stats

after=$(seccomp_lines)
if [ "$after" != "$before" ]; then
	dmesg | grep 'type=1326' | tail -n 20
	fail "$((after - before)) seccomp log lines: a call the lists lack (syscall= above)"
fi
echo "no seccomp log line in a confined full run (control: the probe's calls were logged)"
