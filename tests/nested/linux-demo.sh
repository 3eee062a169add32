# `make linux-demo`: boot Linux under vmm with 2 of 4 vCPUs present and walk
# through userspace PSCI and vCPU hotplug, narrating each step. Runs in the
# nested host (or natively on arm64+KVM) from the staged directory. The
# session is recorded (--trace-file) and drawn: build/linux-demo-timeline.svg.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
sock=/tmp/linux-demo.sock
log=/tmp/linux-demo.log
say() { printf '\n=== %s\n' "$*"; }
# guest_lines REGEX: the lines of $log that match, as the guest's.
guest_lines() { tr -d '\r' <$log | grep -E -- "$1" | sed 's/^@@ /    guest: /'; }
show() { guest_lines '^@@' | sed -n "$1,\$p"; }
# acpi_step plug|unplug C NARRATION ANSWER: when the guest asks for it, the
# host plugs or unplugs cpuC; then wait for the guest's "@@ cpuC ANSWER".
acpi_step() {
	wait_marker $log "@@ $1 me: $2"
	say "$3"
	ctl $1 $2
	wait_marker $log "@@ cpu$2 $4"
	guest_lines "^@@ cpu$2 $4"
}

say "vmm boot linux-guest/Image -c 2 --max-cpus 4 --control $sock (userspace PSCI)"
./vmm $LINUX -c 2 --max-cpus 4 --control $sock --trace-file /tmp/linux-demo.jsonl -p "console=ttyS0 vmm=hotplug cycles=5" >$log 2>&1 &
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
say "the record: every forwarded call and power-state change, drawn by vmm timeline"
./vmm timeline /tmp/linux-demo.jsonl -o /tmp/linux-demo-timeline.svg \
	--title "make linux-demo: Linux, 2 of 4 vCPUs present, hotplug through PSCI" &&
	export_file /tmp/linux-demo-timeline.svg linux-demo-timeline.svg
export_file /tmp/linux-demo.jsonl linux-demo-trace.jsonl
./vmm timeline /tmp/linux-demo.jsonl --format trace-event -o /tmp/linux-demo-trace.json &&
	export_file /tmp/linux-demo-trace.json linux-demo-trace.json
[ $rc = 0 ] || exit 1

# The same experiment the way upstream arm64 Linux (6.11+) expects it: ACPI
# tables (no firmware: an EFI system table the VMM builds), every possible
# CPU in the MADT, a Generic Event Device telling the kernel about plugs and
# ejects. The guest onlines hot-added CPUs from a uevent helper.
sock=/tmp/linux-demo-acpi.sock
log=/tmp/linux-demo-acpi.log
in=/tmp/linux-demo-acpi.in
rm -f $sock $in
mkfifo $in
exec 4<>$in
say "vmm boot linux-guest/Image --acpi -c 2 --max-cpus 4 --control $sock (ACPI hotplug)"
./vmm $LINUX --acpi -c 2 --max-cpus 4 --control $sock \
	-p "console=ttyS0 vmm=acpi cycles=2 dyndbg=\"file drivers/acpi/scan.c +p\"" \
	<$in >$log 2>&1 &
vmm_pid=$!
wait_marker $log "@@ acpi masks"
tr -d '\r' <$log | grep -E 'efi: EFI|ACPI: (RSDP|XSDT|FACP|APIC|DSDT)|psci: (probing|PSCIv)' |
	sed 's/^/    guest: /'
show 1
say "host: vmm ctl cpus (the last field is what the CPU's ACPI _STA says)"
ctl cpus
for c in 2 3; do
	acpi_step plug $c "host: vmm ctl plug $c (the GED interrupt; the kernel hot-adds cpu$c)" online
done
for c in 2 3; do
	acpi_step unplug $c "host: vmm ctl unplug $c (an eject request; answered once the guest ejected it)" gone
done
for i in 0 1; do
	wait_marker $log "@@ cycle $i plug me: 3"
	ctl plug 3 >/dev/null
	wait_marker $log "@@ cycle $i unplug me: 3"
	ctl unplug 3 >/dev/null
done
wait_marker $log "@@ refuse ready"
say "host: vmm ctl unplug 1 --timeout 5, while cpu1 is the guest's last online CPU"
./vmm ctl $sock unplug 1 --timeout 5 || true
echo go >&4
wait $vmm_pid
rc=$?
say "the ACPI guest's log"
guest_lines '^@@ (acpi|cpu|cycles|after|hot-added)'
say "the ACPI guest powered off: vmm exited $rc"
[ $rc = 0 ]
