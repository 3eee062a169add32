# Real vCPU hotplug for an ACPI Linux guest (DESIGN.md §8): `vmm ctl plug`
# raises the Generic Event Device and the kernel hot-adds the CPU (a uevent
# helper onlines it, as a udev rule would); `vmm ctl unplug` sends an eject
# request, the kernel offlines the CPU and calls _EJ0, and only then does
# the reply come. 20 plug/unplug cycles under load leave nothing behind; a
# CPU the guest will not give up is reported, not waited on for ever.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
sock=/tmp/acpi-hp.sock
log=/tmp/acpi-hp.log
in=/tmp/acpi-hp.in
cycles=20
rm -f $sock $in
mkfifo $in
exec 4<>$in # the guest's console input; held open, written below
./vmm $LINUX --acpi -c 2 --max-cpus 4 --control $sock \
	-p "console=ttyS0 vmm=acpi cycles=$cycles dyndbg=\"file drivers/acpi/scan.c +p\"" \
	<$in >$log 2>&1 &
vmm_pid=$!

# expect_log PATTERN: a line of the console log (CRs dropped) matches.
expect_log() {
	tr -d '\r' <$log >$log.clean
	expect_line "$1" $log.clean
}

wait_marker $log "@@ acpi masks:"
expect_log '^@@ acpi masks: possible=0-3 present=0-3 online=0-1 enabled=0-1$'
ctl cpus | grep -q ' 2:0x[0-9a-f]*:absent:0:0:disabled' || fail "cpus: cpu2 is not absent/disabled"

for c in 2 3; do
	wait_marker $log "@@ plug me: $c"
	ctl plug $c >/dev/null
	wait_marker $log "@@ cpu$c online: ran on cpu$c"
done
expect_log '^@@ cpu3 online: ran on cpu3; possible=0-3 present=0-3 online=0-3 enabled=0-3$'
for c in 2 3; do
	wait_marker $log "@@ unplug me: $c"
	ctl unplug $c >/dev/null # answers once the guest has ejected it
	wait_marker $log "@@ cpu$c gone"
done
expect_log '^@@ cpu3 gone: possible=0-3 present=0-3 online=0-1 enabled=0-1$'
ctl cpus | grep -q ' 3:0x[0-9a-f]*:absent:[0-9]*:[0-9]*:disabled' || fail "cpus: cpu3 is not absent"

i=0
while [ $i -lt $cycles ]; do
	wait_marker $log "@@ cycle $i plug me: 3"
	ctl plug 3 >/dev/null
	wait_marker $log "@@ cycle $i unplug me: 3"
	ctl unplug 3 >/dev/null
	i=$((i + 1))
done
wait_marker $log "@@ cycles done: $cycles; possible=0-3 present=0-3 online=0-1 enabled=0-1"

# The boot CPU is refused by the VMM; the last online CPU by the guest.
./vmm ctl $sock unplug 0 >/tmp/ctl.out 2>&1 && fail "unplug 0 was accepted"
grep -q 'boot CPU' /tmp/ctl.out || { cat /tmp/ctl.out; fail "unplug 0: wrong refusal"; }
wait_marker $log "@@ refuse ready"
start=$(date +%s)
./vmm ctl $sock unplug 1 --timeout 8 >/tmp/ctl.out 2>&1 && fail "unplug of the last online CPU succeeded"
grep -q 'did not give vCPU 1 up within 8 s' /tmp/ctl.out || { cat /tmp/ctl.out; fail "unplug 1: wrong refusal"; }
[ $(($(date +%s) - start)) -lt 60 ] || fail "the refused unplug took more than 60 s"
ctl cpus | grep -q ' 1:0x[0-9a-f]*:on:[0-9]*:[0-9]*:enabled' || fail "cpus: cpu1 should still be on and enabled"
echo go >&4
wait_marker $log "@@ acpi done"
wait $vmm_pid
rc=$?
[ $rc = 0 ] || { tail -n 30 $log; fail "the ACPI guest's poweroff: exit $rc, expected 0"; }
expect_log '^@@ after refusal: possible=0-3 present=0-3 online=0-1 enabled=0-1$'
# cpu0 and cpu1 at boot, then cpu2, cpu3 and every cycle's cpu3; ejected:
# cpu2, cpu3 and every cycle's cpu3 (the ACPI core's "Ejecting"); the one
# refusal is the kernel's "Offline failed" for the last online CPU.
expect_log "^@@ hot-added: $((2 + 2 + cycles)) ejected: $((2 + cycles)) refused: 1$"
expect_no_line '^@@ (dmesg-bad|timeout|cycle [0-9]+: work did not run)' $log.clean
expect_no_line '^vmm: ' $log.clean
