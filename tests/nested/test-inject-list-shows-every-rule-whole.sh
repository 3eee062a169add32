# What `vmm ctl inject` accepts is what `inject list` shows: the most rules
# (32) each of the longest canonical text a running VM allows (98 bytes with
# cpu=3) are all listed whole, with their counts; a 33rd rule and a rule
# longer than 127 bytes are refused with one line each. (The list was cut at
# 2048 bytes and each rule at 95 before.)
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
sock=/tmp/inject-list.sock
log=/tmp/inject-list.log
./vmm boot guest.img -c 2 --max-cpus 4 --control $sock -p hotplug >$log 2>&1 &
vmm_pid=$!
wait_marker $log "@@ plug me: 2"
# Rule i: a function the guest never calls, so every count stays 0.
rule() {
	printf 'PSCI_MEM_PROTECT_CHECK_RANGE_64:cpu=3:next=9999999%02d:delay=599999999999ns:ret=-9223372036854775808' "$1"
}
[ "$(rule 0 | wc -c)" = 98 ] || fail "rule 0 is $(rule 0 | wc -c) bytes, expected 98"
i=0
while [ $i -lt 32 ]; do
	ctl inject "$(rule $i)" | grep -qxF "ok $(rule $i)" || fail "inject rule $i"
	i=$((i + 1))
done
if ./vmm ctl $sock inject "$(rule 32)" >/tmp/ctl.out 2>&1; then
	fail "a 33rd rule was accepted: $(cat /tmp/ctl.out)"
fi
expect_line '^error inject: at most 32 rules' /tmp/ctl.out
long="CPU_ON:ret=$(printf '%0117d' 3)"
[ ${#long} = 128 ] || fail "the long rule is ${#long} bytes"
if ./vmm ctl $sock inject "$long" >/tmp/ctl.out 2>&1; then
	fail "a 128-byte rule was accepted: $(cat /tmp/ctl.out)"
fi
expect_line "too long \(at most 127 bytes\)" /tmp/ctl.out
[ "$(wc -l </tmp/ctl.out)" = 1 ] || fail "not one line: $(cat /tmp/ctl.out)"
ctl inject list >/tmp/list.out
grep -q '^ok 32 rules: ' /tmp/list.out || fail "inject list: $(cat /tmp/list.out)"
i=0
while [ $i -lt 32 ]; do
	grep -qF " $(rule $i)(fired=0,left=9999999$(printf %02d $i))" /tmp/list.out ||
		fail "rule $i is not whole in: $(cat /tmp/list.out)"
	i=$((i + 1))
done
ctl quit >/dev/null
wait $vmm_pid
rc=$?
[ $rc = 0 ] || { cat $log; fail "vmm exited $rc after quit, expected 0"; }
echo "32 rules of 98 bytes listed whole ($(wc -c </tmp/list.out) bytes)"
