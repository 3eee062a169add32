# Snapshot and restore of the bare-metal guest (issue 18): the `stress` mode
# (2 vCPUs, the boot CPU CPU_ONs the other thousands of times, each side
# counting, and SYSTEM_OFF only if the counts agree) is snapshotted mid-run
# with `snapshot DIR --stop` (reply `ok BYTES MS`, exit 0 as for a quit, a
# whole DIR with a sparse `ram`), then `vmm restore DIR` goes on from there
# and the guest ends with its own verdict (`@@ stress done`, exit 0). A DIR
# that exists and is not empty is refused without pausing. Bad snapshots
# each get one line and exit 2: state cut short, a flipped byte, another
# format version, no ram file, a machine option given to restore. A VM
# with an ITS is refused (its state is not saved).
. tests/nested/lib.sh

sock=/tmp/snap.sock
snap=/tmp/snap-bm
rm -rf $snap $snap.* /tmp/snap-bad* $sock

./vmm boot guest.img -c 2 -p "stress iters=40000" --control $sock >/tmp/snap-a.log 2>&1 &
vmm_pid=$!
wait_socket $sock
sleep 2

# A directory that holds something is refused, and the VM runs on.
mkdir -p /tmp/snap-full && touch /tmp/snap-full/x
./vmm ctl $sock snapshot /tmp/snap-full >/tmp/snap-ctl.out 2>&1
grep -q "^error .*not an empty directory" /tmp/snap-ctl.out || fail "full dir: $(cat /tmp/snap-ctl.out)"

./vmm ctl $sock snapshot $snap --stop >/tmp/snap-ctl.out 2>&1 || {
	tail -n 20 /tmp/snap-a.log
	fail "snapshot: $(cat /tmp/snap-ctl.out)"
}
expect_line '^ok [0-9]+ [0-9]+$' /tmp/snap-ctl.out
vmm_wait 0 /tmp/snap-a.log "the VMM after snapshot --stop"
expect_no_line '@@ stress done' /tmp/snap-a.log.clean
[ -f $snap/state ] && [ -f $snap/ram ] || fail "no state/ram in $snap: $(ls -la $snap)"
ls -d $snap.partial-* 2>/dev/null && fail "a partial directory was left"
echo "snapshot: $(cat /tmp/snap-ctl.out), ram $(du -k $snap/ram | cut -f1) KiB on disk"

# Restored: the guest finishes its run with its verdict.
vmm_expect 0 /tmp/snap-r.log restore $snap
expect_line '@@ stress done' /tmp/snap-r.log

# A second restore of the same snapshot works the same (the file is not changed).
vmm_expect 0 /tmp/snap-r2.log restore $snap --exit-stats
expect_line '@@ stress done' /tmp/snap-r2.log

# Bad snapshots: one line, exit 2.
bad() {
	rm -rf /tmp/snap-bad && cp -r $snap /tmp/snap-bad
}
bad
size=$(stat -c %s /tmp/snap-bad/state)
head -c $((size / 2)) $snap/state >/tmp/snap-bad/state
vmm_expect 2 /tmp/snap-bad.log restore /tmp/snap-bad
expect_one_line_error /tmp/snap-bad.log 'snapshot .*state'

bad
printf '\377' | dd of=/tmp/snap-bad/state bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
vmm_expect 2 /tmp/snap-bad.log restore /tmp/snap-bad
expect_one_line_error /tmp/snap-bad.log 'CRC|snapshot'

bad
printf '\002' | dd of=/tmp/snap-bad/state bs=1 seek=8 conv=notrunc 2>/dev/null
vmm_expect 2 /tmp/snap-bad.log restore /tmp/snap-bad
expect_one_line_error /tmp/snap-bad.log 'version'

bad
rm /tmp/snap-bad/ram
vmm_expect 2 /tmp/snap-bad.log restore /tmp/snap-bad
expect_one_line_error /tmp/snap-bad.log 'ram'

vmm_expect 2 /tmp/snap-bad.log restore $snap --cpus 4
expect_one_line_error /tmp/snap-bad.log 'cpus would change the machine'
# A VM with an ITS is not snapshotted (its state is not saved): refused in
# one line, and the VM runs on.
rm -f $sock
./vmm boot guest.img -c 2 -p "stress iters=40000" --irqchip gicv3-its --control $sock >/tmp/snap-its.log 2>&1 &
vmm_pid=$!
wait_socket $sock
./vmm ctl $sock snapshot /tmp/snap-its >/tmp/snap-ctl.out 2>&1
grep -q "^error the ITS's state is not saved" /tmp/snap-ctl.out || fail "ITS: $(cat /tmp/snap-ctl.out)"
[ ! -e /tmp/snap-its ] || fail "a refused snapshot left /tmp/snap-its"
# It still runs (not left paused): it answers and quits as usual.
./vmm ctl $sock cpus >/tmp/snap-ctl.out 2>&1 || fail "ITS VM after the refusal: $(cat /tmp/snap-ctl.out)"
grep -q '^ok 0:0x0:on' /tmp/snap-ctl.out || fail "ITS VM after the refusal: $(cat /tmp/snap-ctl.out)"
./vmm ctl $sock quit >/dev/null 2>&1
vmm_wait 0 /tmp/snap-its.log "the ITS VM quit after a refused snapshot"
echo "snapshot and restore: ok"
