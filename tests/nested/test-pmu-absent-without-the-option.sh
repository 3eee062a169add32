# Without --pmu the guest sees no PMU (ID_AA64DFR0_EL1.PMUVer 0): the `pmu`
# mode says so, passes when told to expect none and fails when it wanted one.
. tests/nested/lib.sh
vmm_expect 0 /tmp/nopmu.log boot guest.img -p "pmu expect=0"
expect_line '^@@ pmu: none \(ID_AA64DFR0_EL1.PMUVer 0x0\)$' /tmp/nopmu.log
vmm_expect 1 /tmp/nopmu-want.log boot guest.img -p pmu
expect_line '^@@ pmu: none ' /tmp/nopmu-want.log
expect_line 'expected a PMUv3' /tmp/nopmu-want.log
# and with one, expect=0 fails: the check can tell the two apart
vmm_expect 1 /tmp/pmu-unwanted.log boot guest.img -p "pmu expect=0" --pmu
expect_line 'expected no PMU' /tmp/pmu-unwanted.log
