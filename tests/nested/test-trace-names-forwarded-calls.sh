# --trace prints one line per forwarded call: vCPU, conduit, decoded name,
# arguments, result.
. tests/nested/lib.sh
vmm_expect 0 /tmp/trace.log boot guest.img -c 2 --trace
expect_line '^trace: vcpu 0 hvc PSCI_VERSION \(0x84000000\) -> 65539 \(0x10003\)$' /tmp/trace.log
expect_line '^trace: vcpu 0 hvc PSCI_CPU_ON64 \(0xc4000003\) x1=0x1 x2=0x[0-9a-f]+ x3=0x5ec0001 -> 0 \(0x0\)$' /tmp/trace.log
expect_line '^trace: vcpu 1 hvc PSCI_CPU_OFF \(0x84000002\) -> \(cpu off\)$' /tmp/trace.log
expect_line '^trace: vcpu 0 hvc PSCI_AFFINITY_INFO64 \(0xc4000004\) x1=0x1 x2=0x0 -> [0-9]+' /tmp/trace.log
expect_line '^trace: vcpu 0 hvc PSCI_SYSTEM_OFF \(0x84000008\) -> \(system off\)$' /tmp/trace.log
# --conduit smc: the DT says smc and the calls arrive flagged as SMC.
vmm_expect 0 /tmp/trace-smc.log boot guest.img -c 2 --trace --conduit smc
expect_line '^trace: vcpu 0 smc PSCI_CPU_ON64' /tmp/trace-smc.log
expect_no_line '^trace: vcpu [0-9]+ hvc' /tmp/trace-smc.log
