# `./vmm boot guest.img -c 4`: the narrated demo brings every secondary up
# with CPU_ON, each says hello and goes CPU_OFF, then SYSTEM_OFF (exit 0).
. tests/nested/lib.sh
vmm_expect 0 /tmp/demo.log boot guest.img -c 4
cat /tmp/demo.log
expect_line 'PSCI 1\.3' /tmp/demo.log
for cpu in 1 2 3; do
	expect_line "^\s*\[cpu$cpu\] hello! MPIDR_EL1 = 0x8000000$cpu, context id \(x0\) = 0x5ec000$cpu" /tmp/demo.log
done
# Each secondary is seen OFF: at the first AFFINITY_INFO, or after a few
# polls when the machine is busy (how many depends on the host's load).
expect_count 3 'AFFINITY_INFO: (OFF at the first call|(ON|ON_PENDING) -> OFF after [0-9]+ calls)' /tmp/demo.log
expect_line '^demo done$' /tmp/demo.log

# kvmtool's spellings (`vmm run`), as an `lkvm run` script would pass them.
vmm_expect 0 /tmp/run.log run -k guest.img -c 2 -m 64 --params test --console serial \
	--irqchip gicv3 --nodefaults --network mode=none --loglevel info
expect_line '^[0-9]+ passed, 0 failed' /tmp/run.log

# --dump-dtb writes the blob the guest booted with (FDT magic d00dfeed).
vmm_expect 0 /tmp/dtb.log boot guest.img -c 2 -p null --dump-dtb /tmp/vmm.dtb
[ "$(od -An -tx1 -N4 /tmp/vmm.dtb | tr -d ' \n')" = d00dfeed ] || fail "--dump-dtb: no FDT magic"
grep -q 'arm,psci-1.0' /tmp/vmm.dtb || fail "--dump-dtb: no psci node"
