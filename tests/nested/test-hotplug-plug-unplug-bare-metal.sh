# vCPU hotplug seen by the bare-metal guest (-c 2 --max-cpus 4): CPU_ON of an
# absent vCPU is DENIED; after `vmm ctl plug` it succeeds; after the guest's
# CPU_OFF and `vmm ctl unplug` it is DENIED again; for cpu2 then cpu3.
# `vmm ctl cpus` shows the states on the way; an ON vCPU cannot be unplugged.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
sock=/tmp/hp.sock
log=/tmp/hp.log
./vmm boot guest.img -c 2 --max-cpus 4 --control $sock -p hotplug >$log 2>&1 &
vmm_pid=$!
for c in 2 3; do
	wait_marker $log "@@ cpu$c denied"
	ctl cpus | grep -q " $c:0x$c:absent:0:0" || fail "cpu$c should be absent"
	# vCPU 0 is the boot CPU (every reset starts there): unplugging it is
	# refused with a reason.
	./vmm ctl $sock unplug 0 >/tmp/u0 2>&1 && fail "unplug of the boot vCPU 0 accepted"
	grep -q '^error cpu 0 is the boot CPU and cannot be unplugged' /tmp/u0 ||
		fail "unplug 0: $(cat /tmp/u0)"
	wait_marker $log "@@ plug me: $c"
	if ./vmm ctl $sock plug 9 >/tmp/p9 2>&1; then fail "plug 9 accepted"; fi
	grep -q '^error no vCPU 9' /tmp/p9 || fail "plug 9: $(cat /tmp/p9)"
	ctl plug $c
	if ./vmm ctl $sock plug $c >/tmp/pp 2>&1; then fail "second plug accepted"; fi
	grep -q "^error vCPU $c is already present" /tmp/pp || fail "second plug: $(cat /tmp/pp)"
	wait_marker $log "@@ cpu$c came up"
	wait_marker $log "@@ unplug me: $c"
	# The guest keeps re-starting it to notice the unplug: it may be on now.
	ctl unplug $c --when-off
	wait_marker $log "@@ cpu$c denied again"
done
vmm_wait 0 $log "the hotplug run"
expect_line '^@@ hotplug done' $log.clean

