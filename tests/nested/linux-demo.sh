# `make linux-demo`: boot Linux under vmm with 2 of 4 vCPUs present and walk
# through userspace PSCI and vCPU hotplug, narrating each step. Runs in the
# nested host (or natively on arm64+KVM) from the staged directory.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
sock=/tmp/linux-demo.sock
log=/tmp/linux-demo.log
say() { printf '\n=== %s\n' "$*"; }
show() { tr -d '\r' <$log | grep '^@@' | sed -n "$1,\$p" | sed 's/^@@ /    guest: /'; }

say "vmm boot linux-guest/Image -c 2 --max-cpus 4 --control $sock (userspace PSCI)"
./vmm $LINUX -c 2 --max-cpus 4 --control $sock -p "console=ttyS0 vmm=hotplug cycles=5" >$log 2>&1 &
vmm_pid=$!
wait_marker $log "@@ linux up"
show 1
say "host: vmm ctl cpus (id:MPIDR:state:CPU_ONs:CPU_OFFs)"
ctl cpus
for c in 2 3; do
	wait_marker $log "@@ plug me: $c"
	say "cpu$c is absent: the guest's CPU_ON was DENIED. host: vmm ctl plug $c"
	ctl plug $c
	wait_marker $log "@@ unplug me: $c"
	ctl cpus
	say "host: vmm ctl unplug $c --when-off (takes effect at the guest's CPU_OFF)"
	ctl unplug $c --when-off
done
for c in 2 3; do
	wait_marker $log "@@ plug me: $c" 2
	ctl plug $c
	wait_marker $log "@@ unplug me: $c" 2
	ctl unplug $c --when-off
done
say "host: vmm ctl stats (forwarded calls by function)"
ctl stats | tr ' ' '\n' | sed 's/^/    /'
wait $vmm_pid
rc=$?
say "the guest's log"
show 1
say "the guest powered off through PSCI SYSTEM_OFF: vmm exited $rc"
[ $rc = 0 ]
