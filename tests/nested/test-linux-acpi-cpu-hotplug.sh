# Real vCPU hotplug for an ACPI Linux guest (DESIGN.md §8): `vmm ctl plug`
# raises the Generic Event Device and the kernel hot-adds the CPU (a uevent
# helper onlines it, as a udev rule would); `vmm ctl unplug` sends an eject
# request, the kernel offlines the CPU and calls _EJ0, and only then does
# the reply come. 20 plug/unplug cycles under load leave nothing behind; a
# CPU the guest will not give up is reported, not waited on for ever.
# Every answer rests on the guest's own _OST status; the masks are read for
# what they mean (online, enabled), not one kernel's `present` (6.12 shows
# every possible CPU, 7.x only the plugged ones). KERNEL (linux-lib.sh) and
# ACPI_CYCLES let another kernel run the same sequence.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
sock=/tmp/acpi-hp.sock
log=/tmp/acpi-hp.log
in=/tmp/acpi-hp.in
cycles=${ACPI_CYCLES:-20}
trace=/tmp/acpi-hp.jsonl
rm -f $sock $in $trace
mkfifo $in
exec 4<>$in # the guest's console input; held open, written below
echo "kernel: $(kernel_pkg)"
./vmm $LINUX --acpi -c 2 --max-cpus 4 --control $sock --trace-file $trace \
	-p "console=ttyS0 vmm=acpi cycles=$cycles dyndbg=\"file drivers/acpi/scan.c +p\"" \
	<$in >$log 2>&1 &
vmm_pid=$!

# expect_log PATTERN: a line of the console log (CRs dropped) matches.
expect_log() {
	tr -d '\r' <$log >$log.clean
	expect_line "$1" $log.clean
}

wait_marker $log "@@ acpi masks:"
P='present=[0-9,-]+'
expect_log "^@@ acpi masks: possible=0-3 $P online=0-1 enabled=0-1\$"
ctl cpus | grep -q ' 2:0x[0-9a-f]*:absent:0:0:disabled' || fail "cpus: cpu2 is not absent/disabled"

# ctl_ok ARGS...: the reply is exactly "ok" (the guest's _OST said success).
ctl_ok() {
	ctl "$@" >/tmp/ctl.reply
	[ "$(cat /tmp/ctl.reply)" = ok ] || fail "vmm ctl $*: '$(cat /tmp/ctl.reply)', expected ok"
}
for c in 2 3; do
	wait_marker $log "@@ plug me: $c"
	ctl_ok plug $c --timeout 120 # ok once _OST said success and the helper onlined it
	ctl cpus | grep -q " $c:0x[0-9a-f]*:on:.*:enabled,ost=device-check/success" ||
		fail "cpus: cpu$c is not on with the guest's device-check success"
	ctl cpus --json | grep -q "{\"id\":$c,.*\"acpi\":{\"enabled\":true,\"pending\":\"\",\"ost\":{\"event\":1,\"what\":\"device-check\",\"status\":0,\"meaning\":\"success\"}}}" ||
		fail "cpus --json: cpu$c has not the guest's device-check success"
	wait_marker $log "@@ cpu$c online: ran on cpu$c"
done
expect_log "^@@ cpu3 online: ran on cpu3; possible=0-3 $P online=0-3 enabled=0-3\$"
for c in 2 3; do
	wait_marker $log "@@ unplug me: $c"
	ctl_ok unplug $c # answers once the guest has ejected it and said so
	wait_marker $log "@@ cpu$c gone"
done
expect_log "^@@ cpu3 gone: possible=0-3 $P online=0-1 enabled=0-1\$"
ctl cpus | grep -q ' 3:0x[0-9a-f]*:absent:[0-9]*:[0-9]*:disabled,ost=eject-request/success' ||
	fail "cpus: cpu3 is not absent with the guest's eject success"

i=0
while [ $i -lt $cycles ]; do
	wait_marker $log "@@ cycle $i plug me: 3"
	ctl_ok plug 3 --timeout 120
	wait_marker $log "@@ cycle $i unplug me: 3"
	ctl_ok unplug 3
	i=$((i + 1))
done
wait_marker $log "@@ cycles done: $cycles; possible=0-3 present="
expect_log "^@@ cycles done: $cycles; possible=0-3 $P online=0-1 enabled=0-1\$"

# The boot CPU is refused by the VMM; the last online CPU by the guest.
./vmm ctl $sock unplug 0 >/tmp/ctl.out 2>&1 && fail "unplug 0 was accepted"
grep -q 'boot CPU' /tmp/ctl.out || { cat /tmp/ctl.out; fail "unplug 0: wrong refusal"; }
wait_marker $log "@@ refuse ready"
start=$(date +%s)
./vmm ctl $sock unplug 1 --timeout 60 >/tmp/ctl.out 2>&1 && fail "unplug of the last online CPU succeeded"
# Linux offlines the CPU, fails, and says so in _OST: no need to wait 60 s.
grep -Eq 'refused to give vCPU 1 up: its _OST reported eject-request status 0x82 \(device-busy\); the vCPU stays plugged' /tmp/ctl.out ||
	{ cat /tmp/ctl.out; fail "unplug 1: wrong refusal"; }
[ $(($(date +%s) - start)) -lt 30 ] || fail "the refusal took 30 s or more: it should come from the guest's _OST, not the deadline"
ctl cpus | grep -q ' 1:0x[0-9a-f]*:on:[0-9]*:[0-9]*:enabled' || fail "cpus: cpu1 should still be on and enabled"
echo go >&4
wait_marker $log "@@ acpi done"
wait $vmm_pid
rc=$?
[ $rc = 0 ] || { tail -n 30 $log; fail "the ACPI guest's poweroff: exit $rc, expected 0"; }
expect_log "^@@ after refusal: possible=0-3 $P online=0-1 enabled=0-1\$"
# cpu0 and cpu1 at boot, then cpu2, cpu3 and every cycle's cpu3; ejected:
# cpu2, cpu3 and every cycle's cpu3 (the ACPI core's "Ejecting"); the one
# refusal is the kernel's "Offline failed" for the last online CPU.
expect_log "^@@ hot-added: $((2 + 2 + cycles)) ejected: $((2 + cycles)) refused: 1$"
expect_no_line '^@@ (dmesg-bad|timeout|cycle [0-9]+: work did not run)' $log.clean
expect_no_line '^vmm: ' $log.clean
# The record has every _OST: the device checks and ejects that succeeded,
# and the refusal.
expect_count $((2 + cycles)) '"ev":"ost",.*"what":"device-check","status":0,' $trace
expect_count $((2 + cycles)) '"ev":"ost",.*"what":"eject-request","status":0,' $trace
expect_count 1 '"ev":"ost","vcpu":1,.*"what":"eject-request","status":130,"meaning":"device-busy"' $trace
