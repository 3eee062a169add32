# The kernel and initrd are mapped once, and every boot copies them into
# guest RAM from that mapping. A SYSTEM_RESET after the kernel file was
# rewritten in place would boot something else (or fault on a truncated
# file): the VMM refuses with one line and exit 2 instead. A file replaced
# by a new one (rename) is not the mapped one: that reboot goes ahead.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
cp linux-guest/Image /tmp/Image.inplace
log=/tmp/reset-inplace.log
./vmm boot /tmp/Image.inplace -m 512M -i linux-guest/initrd.cpio -c 1 --max-resets 1 \
	-p "console=ttyS0 vmm=reboot" >$log 2>&1 &
vmm_pid=$!
wait_marker $log "@@ linux up"
touch /tmp/Image.inplace # a new mtime: written in place, as far as anyone can tell
wait $vmm_pid
rc=$?
tr -d '\r' <$log >$log.clean
[ $rc = 2 ] || { tail -n 20 $log.clean; fail "exit $rc after an in-place change, expected 2"; }
expect_line "^vmm: image '/tmp/Image.inplace' was changed in place since the VM started" $log.clean
expect_count 1 '^@@ linux up' $log.clean

# replaced by rename: the mapped file is untouched, the reset boots it again
cp linux-guest/Image /tmp/Image.renamed
sock=/tmp/reset-rename.sock
log=/tmp/reset-rename.log
./vmm boot /tmp/Image.renamed -m 512M -i linux-guest/initrd.cpio -c 1 --control $sock \
	-p "console=ttyS0 vmm=reboot" >$log 2>&1 &
vmm_pid=$!
wait_marker $log "@@ linux up"
cp linux-guest/Image /tmp/Image.new && mv /tmp/Image.new /tmp/Image.renamed
wait_marker $log "@@ booted again: resets=1"
ctl quit
wait $vmm_pid
rc=$?
[ $rc = 0 ] || fail "quit after the reboot: exit $rc, expected 0"
