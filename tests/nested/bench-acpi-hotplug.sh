# `make bench`, ACPI hotplug part: the time from `vmm ctl plug 3` to the
# guest's uevent helper having onlined cpu3 (hot-add through the GED, _STA,
# the kernel's processor driver and `echo 1 > online`), and the time an
# `vmm ctl unplug 3` takes (eject request, offline, _EJ0, the reply).
# Prints "R KERNEL acpi.plug_to_online_ms V" and "R KERNEL acpi.unplug_ms V"
# samples, HPREPS of each, KERNEL being linux-lib.sh's (6.12, newest, 6.1),
# and "K KERNEL PACKAGE" for the report. /proc/uptime has centisecond
# resolution.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
HPREPS=${HPREPS:-10}
sock=/tmp/bench-acpi.sock
log=/tmp/bench-acpi.log
in=/tmp/bench-acpi.in
rm -f $sock $in
mkfifo $in
exec 4<>$in
echo "K $KERNEL $(kernel_pkg)"
ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
# until_line TEXT COUNT: poll the log every 10 ms (bounded by MARKER_WAIT_S).
until_line() {
	end=$(($(date +%s) + MARKER_WAIT_S))
	while [ "$(tr -d '\r' <$log | grep -cF -- "$1")" -lt "$2" ]; do
		[ "$(date +%s)" -lt $end ] || { echo "B acpi: no '$1' x$2"; exit 1; }
		sleep 0.01
	done
}
./vmm $LINUX --acpi -c 2 --max-cpus 4 --control $sock \
	-p "console=ttyS0 vmm=acpi cycles=$HPREPS" <$in >$log 2>&1 &
vmm_pid=$!
for c in 2 3; do
	wait_marker $log "@@ plug me: $c"
	ctl plug $c >/dev/null
done
for c in 2 3; do
	wait_marker $log "@@ unplug me: $c"
	ctl unplug $c >/dev/null
done
i=0
while [ $i -lt "$HPREPS" ]; do
	wait_marker $log "@@ cycle $i plug me: 3"
	t0=$(ms)
	ctl plug 3 >/dev/null
	until_line "@@ helper: cpu3 online" $((i + 2))
	echo "R $KERNEL acpi.plug_to_online_ms $(($(ms) - t0))"
	wait_marker $log "@@ cycle $i unplug me: 3"
	t0=$(ms)
	ctl unplug 3 >/dev/null
	echo "R $KERNEL acpi.unplug_ms $(($(ms) - t0))"
	i=$((i + 1))
done
wait_marker $log "@@ refuse ready"
echo go >&4
wait $vmm_pid || { echo "B acpi: the VMM exited $? (kernel $KERNEL)"; exit 1; }
