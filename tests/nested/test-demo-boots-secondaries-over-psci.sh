# `./vmm boot guest.img -c 4`: the narrated demo brings every secondary up
# with CPU_ON, each says hello and goes CPU_OFF, then SYSTEM_OFF (exit 0).
. tests/nested/lib.sh
vmm_expect 0 /tmp/demo.log boot guest.img -c 4
cat /tmp/demo.log
expect_line 'PSCI 1\.3' /tmp/demo.log
for cpu in 1 2 3; do
	expect_line "^\s*\[cpu$cpu\] hello! MPIDR_EL1 = 0x8000000$cpu, context id \(x0\) = 0x5ec000$cpu" /tmp/demo.log
done
expect_count 3 'AFFINITY_INFO: OFF' /tmp/demo.log
expect_line '^demo done$' /tmp/demo.log
