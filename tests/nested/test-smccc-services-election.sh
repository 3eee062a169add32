# --smccc-services elects which in-kernel services the guest may discover:
# elected ones answer, the others NOT_SUPPORTED; unknown names are refused.
# PV time also needs a stolen-time record per vCPU, which the VMM sets up
# only when pv-time is elected.
. tests/nested/lib.sh
vmm_expect 0 /tmp/s-all.log boot guest.img -p services
expect_line '^@@ trng: [0-9]+$' /tmp/s-all.log
expect_line '^@@ kvm-features: 3$' /tmp/s-all.log
expect_line '^@@ ptp: [0-9]+$' /tmp/s-all.log
expect_line '^@@ pv-time: 0$' /tmp/s-all.log
vmm_expect 0 /tmp/s-none.log boot guest.img -p services --smccc-services none
expect_line '^@@ trng: -1$' /tmp/s-none.log
expect_line '^@@ kvm-features: -1$' /tmp/s-none.log
expect_line '^@@ ptp: -1$' /tmp/s-none.log
expect_line '^@@ pv-time: -1$' /tmp/s-none.log
vmm_expect 0 /tmp/s-some.log boot guest.img -p services --smccc-services trng,ptp
expect_line '^@@ trng: [0-9]+$' /tmp/s-some.log
expect_line '^@@ ptp: [0-9]+$' /tmp/s-some.log
expect_line '^@@ pv-time: -1$' /tmp/s-some.log
vmm_expect 0 /tmp/s-pv.log boot guest.img -p services --smccc-services pv-time
expect_line '^@@ pv-time: 0$' /tmp/s-pv.log
expect_line '^@@ trng: -1$' /tmp/s-pv.log
vmm_expect 2 /tmp/s-bad.log boot guest.img --smccc-services trng,warp-drive
expect_one_line_error /tmp/s-bad.log "unknown service 'warp-drive'"
./vmm info | grep -q '^fw bitmap std: 0x1 trng$' || fail "vmm info does not list trng"
