# --exit-stats memory figures mean what they say: a guest that reads 128 MiB
# of RAM and writes none of it (mode `ramread`) maps the shared zero page,
# which RSS does not count; guest RAM resident must not count it either
# (mincore() did: 135168 KiB "resident" of a 4.8 MiB peak RSS, overhead
# -130404 KiB). The VMM's overhead is never negative.
. tests/nested/lib.sh
log=/tmp/ramread.log
vmm_expect 0 $log boot guest.img -m 256 -p "ramread mib=128" --exit-stats
expect_line '^@@ ramread 131072 KiB read' $log
mem=$(grep '^vmm: exit-stats: rss_peak_kib=' $log)
peak=$(echo "$mem" | sed -n 's/.*rss_peak_kib=\([0-9]*\) .*/\1/p')
ram=$(echo "$mem" | sed -n 's/.*guest_ram_resident_kib=\([0-9]*\) .*/\1/p')
over=$(echo "$mem" | sed -n 's/.*vmm_overhead_kib=\([0-9]*\)$/\1/p')
[ -n "$peak" ] && [ -n "$ram" ] && [ -n "$over" ] || fail "memory figures: $mem"
[ "$ram" -lt 32768 ] || fail "$ram KiB of guest RAM resident after reading 128 MiB of it: $mem"
[ "$ram" -le "$peak" ] || fail "more guest RAM resident than the peak RSS: $mem"
[ $((peak - ram)) = "$over" ] || fail "overhead is not peak - guest RAM: $mem"
echo "ramread 128 MiB: ${mem#vmm: exit-stats: }"
