# --dump-dtb naming a FIFO nobody reads: one line, exit 2, within a few
# seconds. A blocking open() would wait for a reader for ever, on the main
# thread with SIGINT and SIGTERM still blocked (they are read from the
# signalfd only once the VM runs): a VMM that only SIGKILL ends. A FIFO that
# is read still gets the blob, as `--dump-dtb /dev/stdout | dtc` needs.
. tests/nested/lib.sh
fifo=/tmp/dtb.fifo
rm -f $fifo
mkfifo $fifo

# In the background, ended by SIGKILL if it hangs (SIGTERM would not do).
start=$(date +%s)
./vmm boot guest.img -p null --dump-dtb $fifo >/tmp/dtb-fifo.log 2>&1 &
pid=$!
while kill -0 $pid 2>/dev/null && [ $(($(date +%s) - start)) -lt 15 ]; do
	sleep 1
done
if kill -0 $pid 2>/dev/null; then
	kill -9 $pid
	wait $pid
	fail "--dump-dtb FIFO without a reader: still running after 15 s (killed)"
fi
wait $pid
rc=$?
took=$(($(date +%s) - start))
[ $rc = 2 ] || {
	cat /tmp/dtb-fifo.log
	fail "--dump-dtb FIFO without a reader: exit $rc after ${took}s, expected 2"
}
[ $took -le 5 ] || fail "refusing the FIFO took ${took}s"
expect_one_line_error /tmp/dtb-fifo.log "--dump-dtb $fifo"
echo "--dump-dtb FIFO without a reader: one line, exit 2, in ${took}s"

# With a reader the blob arrives whole (FDT magic d00dfeed).
rm -f /tmp/dtb-fifo.out
cat $fifo >/tmp/dtb-fifo.out &
reader=$!
sleep 1
vmm_expect 0 /tmp/dtb-fifo2.log boot guest.img -p null --dump-dtb $fifo
wait $reader
[ "$(od -An -tx1 -N4 /tmp/dtb-fifo.out | tr -d ' \n')" = d00dfeed ] || fail "--dump-dtb to a read FIFO: no FDT magic"
echo "--dump-dtb to a read FIFO: the blob arrived"
rm -f $fifo
