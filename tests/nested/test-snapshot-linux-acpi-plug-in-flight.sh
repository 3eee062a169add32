# A snapshot taken while an ACPI hotplug is in flight (issue 18's leftover):
# the Linux guest is paused, `vmm ctl plug 3` raises the Generic Event
# Device that the guest cannot run to take, the snapshot is written and the
# VMM killed with SIGKILL (the plug's client is left without a reply). The
# restored guest takes the event it never saw: the GED's interrupt, pending
# in the vGIC, and vCPU 3's insert flag in the hotplug registers both came
# back, so it hot-adds vCPU 3, its uevent helper onlines it, and the
# restored VMM shows the guest's own _OST success for it. An unplug is then
# answered "ok" and `poweroff -f` ends the restored VM with exit 0.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
snap_paths snap-acpi-inflight
console_fifo $in # the guest's console input, for both VMMs
cpu=/sys/devices/system/cpu

./vmm $LINUX --acpi -c 2 --max-cpus 4 --control $sock -p "console=ttyS0" <$in >$log 2>&1 &
vmm_pid=$!
wait_marker $log "Linux under vmm:"
say 'uevent /bin/cpu-hotplug >/dev/null 2>&1 & sleep 1; echo "@""@ helper up"'
wait_marker $log "@@ helper up"

ctl pause | grep -qx ok || fail "pause: $(cat /tmp/ctl.out)"
./vmm ctl $sock plug 3 --timeout 120 >/tmp/$name.plug 2>&1 &
plug_pid=$!
# The plug is in: vCPU 3 present for PSCI, its insert not yet seen by the
# guest (which is paused).
end=$(($(date +%s) + 30))
until ./vmm ctl $sock cpus 2>/dev/null | grep -q ' 3:0x[0-9a-f]*:off:[0-9]*:[0-9]*:enabled,insert-pending'; do
	[ "$(date +%s)" -lt $end ] || fail "vCPU 3 never showed insert-pending: $(./vmm ctl $sock cpus)"
	sleep 0.2
done
snap_live
kill -9 $vmm_pid
wait $vmm_pid
wait $plug_pid
rc=$?
[ $rc = 2 ] || fail "the plug's client exited $rc when its VMM was killed, expected 2: $(cat /tmp/$name.plug)"

./vmm restore $dir --control $sock <$in >$rlog 2>&1 &
vmm_pid=$!
# The guest takes the event after the restore: vCPU 3 comes up with the
# guest's own device-check success, and its helper brings it online.
end=$(($(date +%s) + 180))
until ./vmm ctl $sock cpus 2>/dev/null | grep -q ' 3:0x[0-9a-f]*:on:.*enabled,ost=device-check/success'; do
	[ "$(date +%s)" -lt $end ] || {
		tail -n 30 $rlog
		fail "the restored guest never took vCPU 3: $(./vmm ctl $sock cpus)"
	}
	kill -0 $vmm_pid 2>/dev/null || { cat $rlog; fail "the restored VMM died"; }
	sleep 0.5
done
say "t=0; while [ \"\$(cat $cpu/online)\" != 0-1,3 ] && [ \$t -lt 60 ]; do sleep 1; t=\$((t + 1)); done; echo \"@\"\"@ inflight: online=\$(cat $cpu/online)\""
wait_marker $rlog "@@ inflight: online="
expect_no_line '@@ linux up|Booting Linux' "$rlog"
[ "$(field $rlog inflight online)" = 0-1,3 ] ||
	fail "after the restore, online=$(field $rlog inflight online), expected 0-1,3"

reply=$(ctl unplug 3)
[ "$reply" = ok ] || fail "unplug 3 after the restore: '$reply', expected ok"
say "echo \"@\"\"@ unplugged: online=\$(cat $cpu/online)\""
wait_marker $rlog "@@ unplugged: online="
[ "$(field $rlog unplugged online)" = 0-1 ] || fail "after unplug 3: online=$(field $rlog unplugged online)"
say "poweroff -f"
vmm_wait 0 $rlog "the restored VMM after poweroff -f"
expect_no_line '^vmm: ' $rlog.clean
echo "an ACPI plug in flight at the snapshot was taken by the restored guest"
