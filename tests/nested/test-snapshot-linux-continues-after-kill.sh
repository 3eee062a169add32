# Issue 18: a Linux guest (2 of 4 vCPUs present, one more plugged and
# online) is snapshotted while it runs (`vmm ctl snapshot DIR`, no --stop),
# its VMM is killed with SIGKILL, and `vmm restore DIR` carries on: the same
# shell answers without a reboot (its uptime went on from before, a file in a
# tmpfs is still there, a background loop still counts), the plugged CPU is
# still online, a plug and unplug work, cpu2 goes offline/online 20 times,
# then `reboot -f` (the plugged CPU is a boot CPU now) and `poweroff -f`
# (exit 0). Device tree here; SNAP_ACPI=1 (test-snapshot-linux-acpi-*) runs
# the same with --acpi, where the guest's own hotplug answers plug/unplug.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
SNAP_ACPI=${SNAP_ACPI:-0}
if [ "$SNAP_ACPI" = 1 ]; then
	acpi=--acpi
	snap_paths snap-linux-acpi
else
	acpi=
	snap_paths snap-linux-dt
fi
console_fifo $in # the guest's console input, for both VMMs
cpu=/sys/devices/system/cpu

# plug N / unplug N in the guest's own way: ACPI (the uevent helper onlines
# a hot-added CPU; unplug ejects it) or the device tree (sysfs by hand).
plug() {
	if [ -n "$acpi" ]; then
		reply=$(ctl plug "$1" --timeout 120)
		[ "$reply" = ok ] || fail "plug $1: '$reply', expected ok"
	else
		ctl plug "$1" >/dev/null
		say "echo 1 > $cpu/cpu$1/online"
	fi
}
unplug() {
	if [ -n "$acpi" ]; then
		reply=$(ctl unplug "$1")
		[ "$reply" = ok ] || fail "unplug $1: '$reply', expected ok"
	else
		say "echo 0 > $cpu/cpu$1/online"
		ctl unplug "$1" --when-off >/dev/null
	fi
}
# masks LOG TAG WANT: the guest prints its online mask as "@@ TAG: online=...",
# once it reads WANT or after 60 s. A plug's "ok" means the guest started
# the vCPU (CPU_ON); the kernel adds it to the online mask a moment later,
# and on a loaded host that moment can be long.
masks() {
	say "t=0; while [ \"\$(cat $cpu/online)\" != $3 ] && [ \$t -lt 60 ]; do sleep 1; t=\$((t + 1)); done; echo \"@\"\"@ $2: online=\$(cat $cpu/online)\""
	wait_marker "$1" "@@ $2: online="
}

./vmm $LINUX $acpi -c 2 --max-cpus 4 --control $sock -p "console=ttyS0" <$in >$log 2>&1 &
vmm_pid=$!
wait_marker $log "Linux under vmm:"
if [ -n "$acpi" ]; then
	# The guest's udev: busybox uevent runs the helper that onlines a
	# hot-added CPU (tests/linux/init); it listens once it has started.
	say 'uevent /bin/cpu-hotplug >/dev/null 2>&1 & sleep 1; echo "@""@ helper up"'
	wait_marker $log "@@ helper up"
fi
plug 2
say "mkdir -p /mnt/t && mount -t tmpfs t /mnt/t && echo mark-\$\$ > /mnt/t/mark"
# The loop renames each new count into place: "echo > count" truncates
# before it writes, so a reader between the two would see an empty file.
say "(n=0; while :; do n=\$((n + 1)); echo \$n > /mnt/t/count.new; mv /mnt/t/count.new /mnt/t/count; sleep 0.2; done) &"
say "sleep 1; echo \"@\"\"@ before: up=\$(cut -d. -f1 /proc/uptime) online=\$(cat $cpu/online) mark=\$(cat /mnt/t/mark) count=\$(cat /mnt/t/count)\""
wait_marker $log "@@ before: up="
[ "$(field $log before online)" = 0-2 ] || fail "before the snapshot: online=$(field $log before online), expected 0-2"

snap_live
kill -9 $vmm_pid
wait $vmm_pid

trace=/tmp/$name-restored.jsonl # the restored VMM's record, shown if a wait fails
rm -f $trace
./vmm restore $dir --control $sock --trace-file $trace <$in >$rlog 2>&1 &
vmm_pid=$!
say "echo \"@\"\"@ after: up=\$(cut -d. -f1 /proc/uptime) online=\$(cat $cpu/online) mark=\$(cat /mnt/t/mark) count=\$(cat /mnt/t/count)\""
wait_marker $rlog "@@ after: up="
expect_no_line '@@ linux up|Booting Linux' "$rlog"
[ "$(field $rlog after mark)" = "$(field $log before mark)" ] || fail "the tmpfs file changed"
[ "$(field $rlog after online)" = 0-2 ] || fail "after the restore: online=$(field $rlog after online)"
up0=$(field $log before up) up1=$(field $rlog after up)
[ "$up1" -ge "$up0" ] || fail "uptime went back: $up0 s before, $up1 s after"
say "sleep 1; echo \"@\"\"@ later: count=\$(cat /mnt/t/count)\""
wait_marker $rlog "@@ later: count="
count0=$(field $rlog after count) count1=$(field $rlog later count)
case "$count0:$count1" in
*[!0-9:]* | :* | *:) fail "the loop's count is not a number: after='$count0' later='$count1'" ;;
esac
[ "$count1" -gt "$count0" ] || fail "the background loop stopped: count $count0, then $count1"

plug 3
masks $rlog plugged 0-3
[ "$(field $rlog plugged online)" = 0-3 ] || fail "cpu3 not online after plug: $(field $rlog plugged online)"
unplug 3
masks $rlog unplugged 0-2
[ "$(field $rlog unplugged online)" = 0-2 ] || fail "after unplug 3: $(field $rlog unplugged online)"
ctl cpus | grep -q ' 3:0x[0-9a-f]*:absent:' || fail "cpus: vCPU 3 is not absent after unplug"

say "i=0; while [ \$i -lt 20 ]; do echo 0 > $cpu/cpu2/online && echo 1 > $cpu/cpu2/online || break; i=\$((i + 1)); done; echo \"@\"\"@ cycles: n=\$i online=\$(cat $cpu/online)\""
wait_marker $rlog "@@ cycles: n="
[ "$(field $rlog cycles n)" = 20 ] && [ "$(field $rlog cycles online)" = 0-2 ] ||
	fail "sysfs cycles: $(tr -d '\r' <$rlog | grep '^@@ cycles')"

say "reboot -f"
wait_marker $rlog "@@ linux up: online="
wait_marker $rlog "Linux under vmm:"
expect_line '^@@ linux up: online=0-2 ' "$rlog"
say "poweroff -f"
vmm_wait 0 $rlog "the restored VMM after reboot -f and poweroff -f"
expect_no_line '^vmm: ' $rlog.clean
