# Bookworm's 6.1 (scripts/deps), which has no ACPI CPU hotplug on arm64 (it
# came in 6.11):
# - device tree: hotplug through PSCI works as with 6.12 (absent vCPUs are
#   DENIED, a plugged one comes online, an unplugged one is denied again);
#   6.1 logs "failed to boot" for each absent vCPU at boot, where 6.11+ is
#   silent.
# - ACPI: the kernel sees only the vCPUs enabled at boot (possible=0-1: it
#   ignores "online capable" processors). It answers the device check of
#   `plug 2` with _OST success but never adds the CPU, so `plug` answers an
#   error saying so, and the vCPU stays plugged.
. tests/nested/lib.sh
KERNEL=6.1
. tests/nested/linux-lib.sh
echo "kernel: $(kernel_pkg)"
sock=/tmp/linux61.sock
log=/tmp/linux61-dt.log
./vmm $LINUX -c 2 --max-cpus 4 --control $sock -p "console=ttyS0 vmm=hotplug cycles=5" >$log 2>&1 &
vmm_pid=$!
wait_marker $log "@@ linux up"
for c in 2 3; do
	wait_marker $log "@@ plug me: $c"
	ctl plug $c >/dev/null
	wait_marker $log "@@ unplug me: $c"
	ctl unplug $c --when-off >/dev/null
	# the sequence does a second round; one round is enough here
done
for c in 2 3; do
	wait_marker $log "@@ plug me: $c" 2
	ctl plug $c >/dev/null
	wait_marker $log "@@ unplug me: $c" 2
	ctl unplug $c --when-off >/dev/null
done
vmm_wait 0 $log "Linux 6.1 through PSCI"
expect_line '^@@ linux up: online=0-1 possible=0-3 mode=hotplug' $log.clean
expect_line '^@@ cpu1 cycles done: 5$' $log.clean
expect_line '^@@ cpu2 online=1 failed' $log.clean
expect_count 2 '^@@ cpu2 online=1 ok after' $log.clean
expect_count 2 '^@@ cpu3 denied again' $log.clean
expect_line '^@@ online at the end: 0-1$' $log.clean
grep -E '^@@ dmesg: .*failed to boot' $log.clean
expect_count 4 '^@@ dmesg: .*failed to boot' $log.clean

log=/tmp/linux61-acpi.log
rm -f $sock
./vmm $LINUX --acpi -c 2 --max-cpus 4 --control $sock -p "console=ttyS0 vmm=acpi" >$log 2>&1 &
vmm_pid=$!
wait_marker $log "@@ plug me: 2"
tr -d '\r' <$log >$log.clean
expect_line '^@@ acpi masks: possible=0-1 present=0-1 online=0-1 enabled=none$' $log.clean
start=$(date +%s)
./vmm ctl $sock plug 2 --timeout 15 >/tmp/ctl.out 2>&1 && { cat /tmp/ctl.out; fail "plug 2 was answered ok by 6.1"; }
cat /tmp/ctl.out
grep -q '^error the guest did not take vCPU 2: its _OST reported device-check status 0x0 (success), but it did not start the vCPU within 15 s' /tmp/ctl.out ||
	fail "plug 2: not the error that 6.1 did not take the CPU"
grep -q 'the vCPU stays plugged' /tmp/ctl.out || fail "plug 2: the reply does not say the vCPU stays plugged"
[ $(($(date +%s) - start)) -ge 15 ] || fail "plug 2 answered before its timeout"
ctl cpus | grep -q ' 2:0x[0-9a-f]*:off:0:0:enabled,ost=device-check/success' ||
	fail "cpus: vCPU 2 should be plugged (off) with the guest's device-check success"
ctl quit >/dev/null
vmm_wait 0 $log "Linux 6.1 with --acpi, ended by ctl quit"
