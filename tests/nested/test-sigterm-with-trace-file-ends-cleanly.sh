# SIGTERM and SIGINT end a VMM that writes a trace file the clean way: exit
# 130, the exit statistics printed, the record ending in a whole JSON line
# (the VM's "stop"), the control socket removed. Once with --trace-file, once
# with SIGINT, once with the file opened through `vmm ctl trace-file`. The
# record's writer thread must never take the signal (its default action
# would end the process: exit 143, nothing printed, the record cut short).
# Also: a FIFO as the trace file is refused in one line (exit 2) within a
# second, by the option and by `ctl trace-file`; `ctl stats` shows no
# trace-file counters before there was a trace file.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
sock=/tmp/sig-trace.sock
log=/tmp/sig-trace.log
trace=/tmp/sig-trace.jsonl
fifo=/tmp/sig-trace.fifo
rm -f $fifo
mkfifo $fifo

# stop_with SIGNAL HOW: boot a guest that keeps calling CPU_ON (the record
# grows all the time), stop it with SIGNAL, check the ending.
stop_with() {
	rm -f $trace $sock
	if [ "$2" = option ]; then
		./vmm boot guest.img -c 2 --max-cpus 4 -p hotplug --exit-stats --control $sock \
			--trace-file $trace >$log 2>&1 &
	else
		./vmm boot guest.img -c 2 --max-cpus 4 -p hotplug --exit-stats --control $sock \
			>$log 2>&1 &
	fi
	pid=$!
	wait_marker $log "@@ plug me: 2"
	if [ "$2" = ctl ]; then
		ctl stats >/dev/null
		expect_no_line 'trace_file_' /tmp/ctl.out
		ctl stats --json >/dev/null
		expect_no_line 'trace_file_' /tmp/ctl.out
		start=$(date +%s)
		if ./vmm ctl $sock trace-file $fifo >/tmp/ctl.out 2>&1; then
			fail "ctl trace-file accepted a FIFO: $(cat /tmp/ctl.out)"
		fi
		[ $(($(date +%s) - start)) -le 1 ] || fail "ctl trace-file FIFO took more than a second"
		expect_line "^error trace file '$fifo': not a regular file" /tmp/ctl.out
		ctl trace-file $trace >/dev/null
	fi
	# The guest retries CPU_ON of the absent cpu2 every 10 ms: wait for a
	# record that is being written to.
	end=$(($(date +%s) + 60))
	until [ "$(grep -c '"fn":"PSCI_CPU_ON64"' $trace 2>/dev/null)" -ge 5 ]; do
		[ "$(date +%s)" -lt $end ] || fail "no CPU_ON calls in the record after 60s"
		sleep 0.2
	done
	ctl stats >/dev/null
	expect_line 'trace_file_lines=[1-9]' /tmp/ctl.out
	kill -"$1" $pid
	wait_gone $pid 15 "SIG$1 ($2)"
	wait $pid
	rc=$?
	[ $rc = 130 ] || {
		cat $log
		fail "SIG$1 ($2): exit $rc, expected 130"
	}
	expect_line '^vmm: exit-stats: ' $log
	[ ! -e $sock ] || fail "SIG$1 ($2): the control socket was left behind"
	[ "$(tail -c 1 $trace | od -An -c | tr -d ' ')" = '\n' ] ||
		fail "SIG$1 ($2): the record does not end in a newline: $(tail -c 200 $trace)"
	tail -n 1 $trace | grep -Eq '^\{"t":[0-9]+,"ev":"vm","what":"stop",.*\}$' ||
		fail "SIG$1 ($2): the record's last line is not the VM's stop: $(tail -n 1 $trace)"
	echo "SIG$1 ($2): exit 130, $(wc -l <$trace) whole lines in the record"
}

stop_with TERM option
stop_with INT option
stop_with TERM ctl

# A FIFO nobody reads as --trace-file: one line, exit 2, within a second
# (a blocking open() would wait for a reader for ever).
start=$(date +%s)
timeout 10 ./vmm boot guest.img --trace-file $fifo >/tmp/sig-trace-fifo.log 2>&1
rc=$?
took=$(($(date +%s) - start))
[ $rc = 2 ] || {
	cat /tmp/sig-trace-fifo.log
	fail "--trace-file FIFO: exit $rc after ${took}s, expected 2"
}
[ $took -le 1 ] || fail "refusing a FIFO took ${took}s"
expect_one_line_error /tmp/sig-trace-fifo.log "trace file '$fifo': not a regular file"
echo "--trace-file FIFO: one line, exit 2, in ${took}s"
rm -f $fifo
