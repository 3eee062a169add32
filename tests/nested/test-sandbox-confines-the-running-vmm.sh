# The sandbox is on by default (DESIGN.md §12): a running VMM has
# no_new_privs and seccomp filter mode in /proc/PID/status; every vCPU
# thread has two filters (the main thread's, inherited, and its own), the
# main thread one. `ctl trace-file` into a directory not given at start is
# refused in one line naming the directories it may write, and no file
# appears; into the trace file's or the socket's directory it works.
# --sandbox off confines nothing; --sandbox strict starts where the host
# has Landlock; `vmm info` reports seccomp and the Landlock ABI.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
ctl_dir=/tmp/sb-ctl
trace_dir=/tmp/sb-trace
other=/tmp/sb-other
rm -rf $ctl_dir $trace_dir $other
mkdir -p $ctl_dir $trace_dir $other
sock=$ctl_dir/vm.sock
log=/tmp/sb-confined.log

./vmm info >/tmp/sb-info.log 2>&1 || fail "vmm info failed"
expect_lines /tmp/sb-info.log '^seccomp filter flags:( [a-z_]+)+$' \
	'^seccomp actions: kill_process .*log' '^landlock abi: ([1-9][0-9]*|none .*)$'
landlock=$(sed -n 's/^landlock abi: \([0-9]*\)$/\1/p' /tmp/sb-info.log)

./vmm boot guest.img -c 2 --max-cpus 4 -p hotplug --control $sock \
	--trace-file $trace_dir/start.jsonl >$log 2>&1 &
vmm_pid=$!
wait_marker $log "@@ plug me: 2"

status_of() { grep "^$2:" "/proc/$1/status" | awk '{print $2}'; }
[ "$(status_of $vmm_pid Seccomp)" = 2 ] || fail "Seccomp: $(status_of $vmm_pid Seccomp), expected 2"
[ "$(status_of $vmm_pid NoNewPrivs)" = 1 ] || fail "NoNewPrivs is not 1"
[ "$(status_of $vmm_pid Seccomp_filters)" = 1 ] || fail "the main thread has $(status_of $vmm_pid Seccomp_filters) filters, expected 1"
vcpus=0
for t in /proc/$vmm_pid/task/*; do
	tid=${t##*/}
	[ "$(status_of $vmm_pid/task/$tid Seccomp)" = 2 ] || fail "thread $(cat $t/comm) is not confined"
	case $(cat $t/comm) in
	vcpu*)
		vcpus=$((vcpus + 1))
		[ "$(status_of $vmm_pid/task/$tid Seccomp_filters)" = 2 ] ||
			fail "$(cat $t/comm) has $(status_of $vmm_pid/task/$tid Seccomp_filters) filters, expected 2"
		;;
	esac
done
[ $vcpus = 4 ] || fail "$vcpus vCPU threads seen, expected 4"

# Outside the directories given at start: one line, no file.
if ./vmm ctl $sock trace-file $other/x.jsonl >/tmp/ctl.out 2>&1; then
	fail "ctl trace-file outside the allowed directories was accepted: $(cat /tmp/ctl.out)"
fi
expect_line "^error trace file '$other/x.jsonl': outside the directories this VMM may write \\($ctl_dir, $trace_dir\\)\$" /tmp/ctl.out
[ ! -e $other/x.jsonl ] || fail "$other/x.jsonl was created"
# Inside them: the record goes on there; hotplug works confined.
ctl trace-file $trace_dir/second.jsonl >/dev/null
for c in 2 3; do
	[ $c = 3 ] && ctl trace-file $ctl_dir/third.jsonl >/dev/null
	wait_marker $log "@@ plug me: $c"
	ctl plug $c >/dev/null
	wait_marker $log "@@ unplug me: $c"
	ctl unplug $c --when-off >/dev/null
	wait_marker $log "@@ cpu$c denied again"
done
vmm_wait 0 $log "the hotplug run"
expect_line '^@@ hotplug done' $log.clean
for f in $trace_dir/start.jsonl $trace_dir/second.jsonl $ctl_dir/third.jsonl; do
	grep -q '"ev":"state"' $f || fail "$f has no state lines"
done
expect_no_line 'sandbox|SIGSYS|fatal signal' $log.clean

# --sandbox off: nothing confined.
./vmm boot guest.img -p hotplug -c 2 --max-cpus 4 --sandbox off --control $sock >$log 2>&1 &
vmm_pid=$!
wait_marker $log "@@ plug me: 2"
[ "$(status_of $vmm_pid Seccomp)" = 0 ] || fail "--sandbox off: Seccomp is $(status_of $vmm_pid Seccomp)"
ctl quit >/dev/null
vmm_wait 0 $log "ctl quit (--sandbox off)"

# --sandbox strict: starts where there is Landlock, refuses in one line where not.
if [ -n "$landlock" ]; then
	vmm_expect 0 /tmp/sb-strict.log boot guest.img -p null --sandbox strict
else
	vmm_expect 2 /tmp/sb-strict.log boot guest.img -p null --sandbox strict
	expect_one_line_error /tmp/sb-strict.log "--sandbox strict: this host's kernel offers no Landlock"
fi
vmm_expect 2 /tmp/sb-bad.log boot guest.img -p null --sandbox kill
expect_one_line_error /tmp/sb-bad.log "--sandbox: 'kill' is not supported by this VMM"
echo "confined: Seccomp 2, NoNewPrivs 1, $vcpus vCPU threads with 2 filters; landlock abi ${landlock:-none}"
