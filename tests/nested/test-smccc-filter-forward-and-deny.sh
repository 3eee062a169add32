# --smccc-filter: a forwarded SiP range reaches the VMM with the right
# conduit flag and answers NOT_SUPPORTED (no service), counted and traced; a
# DENY'd OEM range answers NOT_SUPPORTED without a VMM exit. Overlaps with
# the built-in PSCI ranges, the Arm Architecture ranges, empty and wrapping
# ranges are refused before the VM starts, naming both ranges.
. tests/nested/lib.sh
vmm_expect 0 /tmp/f.log boot guest.img -p sip --trace \
	--smccc-filter 0x82000000+0x100:forward --smccc-filter 0x83000000-0x830000ff:deny
expect_lines /tmp/f.log \
	'^@@ sip hvc: x0=-1 hcalls\+1$' \
	'^@@ sip smc: x0=-1 hcalls\+1$' \
	'^@@ oem hvc: x0=-1 hcalls\+0$' \
	'^@@ oem smc: x0=-1 hcalls\+0$' \
	'^trace: vcpu 0 hvc SiP 0x0010 \(0x82000010\) -> -1 ' \
	'^trace: vcpu 0 smc SiP 0x0010 \(0x82000010\) -> -1 '
expect_no_line '^trace: .*0x83000010' /tmp/f.log
# Without the filter the SiP call stays with KVM: no exit.
vmm_expect 0 /tmp/f0.log boot guest.img -p sip
expect_line '^@@ sip hvc: x0=-1 hcalls\+0$' /tmp/f0.log
vmm_expect 2 /tmp/f1.log boot guest.img --smccc-filter 0xc4000000+4:forward
expect_one_line_error /tmp/f1.log "overlaps 0xc4000000-0xc400001f \(psci, forward\)"
vmm_expect 2 /tmp/f2.log boot guest.img --smccc-filter 0xc0000010:deny
expect_one_line_error /tmp/f2.log "reserved Arm Architecture calls"
vmm_expect 2 /tmp/f3.log boot guest.img --smccc-filter 0x82000000+0x10:forward --smccc-filter 0x82000008+4:deny
expect_one_line_error /tmp/f3.log "0x82000008-0x8200000b \(--smccc-filter, deny\) overlaps 0x82000000-0x8200000f \(--smccc-filter, forward\)"
vmm_expect 2 /tmp/f4.log boot guest.img --smccc-filter 0x82000000+0:forward
expect_one_line_error /tmp/f4.log "empty range"
vmm_expect 2 /tmp/f5.log boot guest.img --smccc-filter 0xfffffff0+0x20:forward
expect_one_line_error /tmp/f5.log "runs past function ID 0xffffffff"
