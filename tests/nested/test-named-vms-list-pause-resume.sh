# Named VMs: two bare-metal guests booted with --name a and --name b show up
# in `vmm list`; `vmm ctl a cpus` reaches a by its name; a second --name a is
# refused while a runs; `pause` stops a's progress (its MMIO exit count, the
# `flood` guest printing without end, stands still for over a second) and
# `resume` restarts it; SIGTERM while paused still ends the VMM with 130
# within seconds; `vmm list` after a kill -9 removes the dead VMM's socket.
. tests/nested/lib.sh

if [ "$(id -u)" = 0 ]; then
	dir=/run/vmm
else
	export XDG_RUNTIME_DIR=/tmp/vmm-xdg
	mkdir -p -m 700 $XDG_RUNTIME_DIR
	dir=$XDG_RUNTIME_DIR/vmm
fi
rm -f $dir/a.sock $dir/b.sock

# must NAME ARGS...: `vmm ctl NAME ARGS` answers ok; its reply in /tmp/nv.out.
must() {
	./vmm ctl "$@" >/tmp/nv.out 2>&1 || {
		cat /tmp/nv.out
		fail "vmm ctl $* failed"
	}
}

# refused PATTERN NAME ARGS...: it answers an error matching PATTERN (exit 1).
refused() {
	pat=$1
	shift
	./vmm ctl "$@" >/tmp/nv.out 2>&1
	rc=$?
	[ $rc = 1 ] || fail "vmm ctl $*: exit $rc, expected 1: $(cat /tmp/nv.out)"
	grep -Eq "$pat" /tmp/nv.out || fail "vmm ctl $*: $(cat /tmp/nv.out)"
}

# mmio NAME: the VM's MMIO exit count (the flood guest's UART writes).
mmio() {
	must "$1" stats
	sed -n 's/.* mmio_exits=\([0-9]*\) .*/\1/p' /tmp/nv.out
}

./vmm boot guest.img -c 2 -p flood --name a >/dev/null 2>/tmp/nv-a.err &
pid_a=$!
./vmm boot guest.img -p flood --name b >/dev/null 2>/tmp/nv-b.err &
pid_b=$!
wait_socket $dir/a.sock
wait_socket $dir/b.sock
[ "$(stat -c %a $dir)" = 700 ] || fail "$dir is mode $(stat -c %a $dir), expected 700"

# Both listed, with a header.
./vmm list >/tmp/nv-list 2>&1 || fail "vmm list failed: $(cat /tmp/nv-list)"
expect_lines /tmp/nv-list '^NAME +PID +VCPUS +PSCI +STATE +UPTIME$' \
	"^a +$pid_a +2/2 +user +running +[0-9]+s$" "^b +$pid_b +1/1 +user +running +[0-9]+s$"
./vmm list --json >/tmp/nv-json 2>&1 || fail "vmm list --json failed"
expect_line "^\[\{\"name\":\"a\",\"pid\":$pid_a,\"present\":2,\"possible\":2,.*\"name\":\"b\"" \
	/tmp/nv-json

# By name, wherever a socket path was taken.
must a cpus
expect_line '^ok 0:0x0:on:' /tmp/nv.out
must b info
expect_line "^ok name=b pid=$pid_b present=1 possible=1 psci=user state=running uptime_s=" \
	/tmp/nv.out

# The name is taken while a runs; bad names and --name with --control are refused.
vmm_expect 2 /tmp/nv-dup boot guest.img -p flood --name a
expect_one_line_error /tmp/nv-dup "control socket $dir/a.sock is in use by another VMM"
vmm_expect 2 /tmp/nv-bad boot guest.img --name x/y
expect_one_line_error /tmp/nv-bad "--name: name 'x/y' may hold only"
vmm_expect 2 /tmp/nv-both boot guest.img --name c --control /tmp/nv-c.sock
expect_one_line_error /tmp/nv-both "--name and --control"
kill -0 $pid_a || fail "a died"

# Running: the count moves.
m0=$(mmio a)
sleep 1
m1=$(mmio a)
[ "$m1" -gt "$m0" ] || fail "a makes no progress before the pause ($m0 -> $m1)"

# Paused: it stands still, b runs on; a second pause is an error.
must a pause
expect_line '^ok$' /tmp/nv.out
refused '^error the VM is already paused' a pause
./vmm list >/tmp/nv-list 2>&1
expect_lines /tmp/nv-list "^a +$pid_a +2/2 +user +paused " "^b +$pid_b +1/1 +user +running "
sleep 0.5
m2=$(mmio a)
b0=$(mmio b)
sleep 1.5
m3=$(mmio a)
b1=$(mmio b)
[ "$m3" = "$m2" ] || fail "a made progress while paused ($m2 -> $m3)"
[ "$b1" -gt "$b0" ] || fail "b stopped while a was paused ($b0 -> $b1)"

# Resumed: it moves again; resuming a running VM is an error.
must a resume
expect_line '^ok$' /tmp/nv.out
refused '^error the VM is not paused' a resume
sleep 1
m4=$(mmio a)
[ "$m4" -gt "$m3" ] || fail "a makes no progress after resume ($m3 -> $m4)"

# SIGTERM while paused: the VMM ends with 130 within seconds, its socket gone.
must a pause
kill -TERM $pid_a
wait_gone $pid_a 10 "SIGTERM while paused"
wait $pid_a
rc=$?
[ $rc = 130 ] || fail "SIGTERM while paused: exit $rc, expected 130: $(cat /tmp/nv-a.err)"
[ ! -e $dir/a.sock ] || fail "a's socket is left behind after a clean exit"
# The guest's clock was stopped and set back without a complaint (kvm/pause.c).
expect_no_line 'virtual counter' /tmp/nv-a.err

# kill -9 leaves b's socket; `vmm list` removes it and says so.
kill -9 $pid_b
wait $pid_b
[ -S $dir/b.sock ] || fail "kill -9 should leave b's socket behind"
./vmm list >/tmp/nv-list 2>/tmp/nv-list.err || fail "vmm list failed"
expect_line "^vmm list: removed $dir/b.sock: its VMM is gone$" /tmp/nv-list.err
expect_no_line '^b ' /tmp/nv-list
[ ! -e $dir/b.sock ] || fail "vmm list left the stale socket $dir/b.sock"
echo "named VMs: list, ctl by name, pause/resume, stop while paused, stale socket removal: ok"
