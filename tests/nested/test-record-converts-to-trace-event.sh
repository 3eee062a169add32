# A real record converts to Trace Event JSON (`vmm timeline --format
# trace-event`): the bare-metal demo on 3 vCPUs, cpu2's CPU_ON delayed by a
# rule, recorded with --trace-file. In the file: a "vcpu N" track per vCPU,
# one call slice per call line of the record, by (vCPU, time, function ID),
# the injected one with its rule, a state slice per state line, tiling each
# vCPU's time without a gap, and an instant per vm line. Checked here with
# what busybox has; the record and the file come back as
# build/record-trace-event.jsonl and build/record-trace-event.json for
# tests/tools/check-trace-event.py on the build host.
. tests/nested/lib.sh
rec=/tmp/te.jsonl out=/tmp/te.jsonl.json
vmm_expect 0 /tmp/te-boot.log boot guest.img -c 3 --trace-file $rec \
	--inject CPU_ON:cpu=2:next=1:delay=20ms
vmm_expect 0 /tmp/te-convert.log timeline $rec --format trace-event
[ -s $out ] || fail "no $out"
# run-all keeps what a case prints in its log, so in the nested host (set up
# by scripts/nested-run: /work/.cmd) the files go straight to the console,
# where scripts/nested-run picks them up; natively export_file copies them.
if [ -z "${NESTED_EXPORT_DIR:-}" ] && [ -f /work/.cmd ] && [ -w /dev/console ]; then
	exec 3>/dev/console
else
	exec 3>&1
fi
export_file $rec record-trace-event.jsonl >&3
export_file $out record-trace-event.json >&3
exec 3>&-

# The object form, one event per line.
[ "$(head -n 1 $out)" = '{"displayTimeUnit":"ns","traceEvents":[' ] || fail "first line: $(head -n 1 $out)"
[ "$(tail -n 1 $out)" = ']}' ] || fail "last line: $(tail -n 1 $out)"
bad=$(sed '1d;$d' $out | grep -Evc '^\{"ph":"[MXi]","pid":1,"tid":[0-9]+,.*\},?$')
[ "$bad" = 0 ] || fail "$bad lines are not one event each"
for n in 0 1 2; do
	expect_line "\"name\":\"thread_name\",\"args\":\{\"name\":\"vcpu $n\"\}" $out
	expect_line "\"name\":\"thread_name\",\"args\":\{\"name\":\"vcpu $n calls\"\}" $out
done

# As many slices and instants as the record has lines of each kind.
calls=$(grep -c '"ev":"call"' $rec)
[ "$calls" -gt 10 ] || fail "only $calls calls in the record"
expect_count "$calls" '"cat":"call' $out
expect_count "$(grep -c '"ev":"state"' $rec)" '"cat":"state"' $out
expect_count "$(grep -c '"ev":"vm"' $rec)" '"cat":"vm"' $out
expect_count 1 '"cat":"call,injected".*"rule":"CPU_ON:cpu=2:next=1:delay=20ms"' $out

# Every call once: (vCPU, t in ns, fid) of the record's lines and of the
# slices (on tid 3+2N, ts in µs with three decimals) are the same lists.
sed -n 's/^{"t":\([0-9]*\),"ev":"call","vcpu":\([0-9]*\),.*"fid":"\(0x[0-9a-f]*\)".*/\2 \1 \3/p' $rec |
	awk '{ printf "%d %.0f %s\n", $1, $2, $3 }' | sort >/tmp/te-record-calls
sed -n 's/^{"ph":"X","pid":1,"tid":\([0-9]*\),"ts":\([0-9]*\)\.\([0-9]*\),.*"cat":"call[^"]*",.*"args":{"fid":"\(0x[0-9a-f]*\)".*/\1 \2\3 \4/p' $out |
	awk '{ printf "%d %.0f %s\n", ($1 - 3) / 2, $2, $3 }' | sort >/tmp/te-file-calls
[ "$(wc -l </tmp/te-file-calls)" = "$calls" ] || fail "$(wc -l </tmp/te-file-calls) call slices read back"
cmp /tmp/te-record-calls /tmp/te-file-calls || {
	diff /tmp/te-record-calls /tmp/te-file-calls
	fail "the calls of the file are not those of the record"
}

# Each vCPU's state slices tile its time: sorted by start, each starts where
# the one before ended (ns; a zero-length one sorts first).
sed -n 's/^{"ph":"X","pid":1,"tid":\([0-9]*\),"ts":\([0-9]*\)\.\([0-9]*\),"dur":\([0-9]*\)\.\([0-9]*\),"cat":"state".*/\1 \2\3 \4\5/p' $out |
	sort -n -k1,1 -k2,2 -k3,3 >/tmp/te-states
gaps=$(awk '$1 == tid && $2 != end { printf "tid %d: %.0f to %.0f; ", tid, end, $2 }
	{ tid = $1; end = $2 + $3 }' /tmp/te-states)
[ -z "$gaps" ] || fail "state slices do not tile: $gaps"
[ "$(wc -l </tmp/te-states)" -ge 6 ] || fail "too few state slices: $(cat /tmp/te-states)"
