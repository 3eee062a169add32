# A host whose KVM offers no PMUv3 (the nested host booted with --no-pmu:
# scripts/run-tests' second boot): `vmm info` says so, `--pmu` is refused
# with one line naming what the host lacks (exit 2, no guest started), and
# the guest without it still boots and sees no PMU. On a host with a PMUv3
# there is nothing to show: the case skips.
. tests/nested/lib.sh
if ./vmm info | grep -q '^pmu: yes$'; then
	echo "this host's KVM offers a PMUv3: the no-PMU host runs this case (scripts/run-tests)"
	exit 77
fi
./vmm info | grep -q '^pmu: no$' || fail "vmm info names no pmu line: $(./vmm info 2>&1 | head -n 20)"
vmm_expect 2 /tmp/pmu-none.log boot guest.img --pmu -p "pmu"
expect_one_line_error /tmp/pmu-none.log 'offers no PMUv3'
vmm_expect 0 /tmp/pmu-none-ok.log boot guest.img -p "pmu expect=0"
expect_line '^@@ pmu: none ' /tmp/pmu-none-ok.log
echo "no PMUv3 here: vmm info says so, --pmu refused in one line, a guest without it boots"
