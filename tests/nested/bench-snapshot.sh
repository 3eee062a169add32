# `make bench`, snapshot part (issue 18, "Speed"): a 512 MiB Linux guest
# (the Debian 6.12 Image, busybox shell, 2 vCPUs) is booted cold, timed to
# /init; `vmm ctl snapshot DIR` is timed (the reply's own MS and BYTES, and
# wall time around it); the VMM is killed and `vmm restore DIR` timed to the
# restored shell answering a line; then the restored VMM's memory: VmRSS and
# RssAnon of the process (RAM is mapped MAP_PRIVATE from the snapshot's ram
# file: what the guest has not written since is file-backed, shared with
# the page cache and with other restores, not a private copy; RssShmem when
# the snapshot is on a tmpfs, as in the nested host's /tmp). SNREPS
# rounds. Prints "R snap KEY VALUE" samples; /proc/uptime has centisecond
# resolution.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
SNREPS=${SNREPS:-3}
sock=/tmp/bench-snap.sock
dir=/tmp/bench-snap
log=/tmp/bench-snap.log
rlog=/tmp/bench-snap-restored.log
in=/tmp/bench-snap.in
rm -f $in
mkfifo $in
exec 4<>$in
ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
# kib PID FIELD: a /proc/PID/status field in KiB.
kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
echo "K snap $(kernel_pkg), 512 MiB, 2 vCPUs"
r=1
while [ $r -le "$SNREPS" ]; do
	rm -rf $dir $sock
	t0=$(ms)
	./vmm $LINUX -c 2 --control $sock -p "console=ttyS0" <$in >$log 2>&1 &
	vmm_pid=$!
	wait_marker $log "@@ linux up"
	echo "R snap cold_boot_to_init_ms $(($(ms) - t0))"
	wait_marker $log "Linux under vmm:"
	sleep 1
	echo "R snap booted_rss_kib $(kib $vmm_pid VmRSS)"
	t0=$(ms)
	reply=$(./vmm ctl $sock snapshot $dir) || { echo "B snapshot: $reply"; exit 1; }
	t1=$(ms)
	set -- $reply
	[ "$1" = ok ] || { echo "B snapshot answered '$reply'"; exit 1; }
	echo "R snap snapshot_wall_ms $((t1 - t0))"
	echo "R snap snapshot_reply_ms $3"
	echo "R snap snapshot_bytes $2"
	echo "R snap snapshot_disk_kib $(du -k -s $dir | cut -f1)"
	kill -9 $vmm_pid
	wait $vmm_pid 2>/dev/null
	t0=$(ms)
	./vmm restore $dir --control $sock <$in >$rlog 2>&1 &
	vmm_pid=$!
	echo "echo \"@\"\"@ back\"" >&4
	wait_marker $rlog "@@ back"
	echo "R snap restore_to_shell_ms $(($(ms) - t0))"
	echo "R snap restored_rss_kib $(kib $vmm_pid VmRSS)"
	echo "R snap restored_rss_anon_kib $(kib $vmm_pid RssAnon)"
	echo "R snap restored_rss_file_kib $(kib $vmm_pid RssFile)"
	echo "R snap restored_rss_shmem_kib $(kib $vmm_pid RssShmem)"
	echo "poweroff -f" >&4
	wait $vmm_pid || { echo "B the restored VMM exited $?"; exit 1; }
	r=$((r + 1))
done
rm -rf $dir
