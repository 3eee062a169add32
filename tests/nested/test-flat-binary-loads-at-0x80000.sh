# A file without the arm64 Image magic is a flat binary loaded at
# RAM + 0x80000 and entered at its first byte (kvmtool's convention). The
# binary uses HVC for PSCI_VERSION and SMC for SYSTEM_OFF.
. tests/nested/lib.sh
vmm_expect 0 /tmp/flat.log boot flat-poweroff.bin --trace
cat /tmp/flat.log
expect_line '^flat ok 1$' /tmp/flat.log
expect_line '^trace: vcpu 0 hvc PSCI_VERSION \(0x84000000\) -> 65539 \(0x10003\)$' /tmp/flat.log
expect_line '^trace: vcpu 0 smc PSCI_SYSTEM_OFF \(0x84000008\) -> \(system off\)$' /tmp/flat.log
# The same binary under in-kernel PSCI: no forwarded calls, same result.
vmm_expect 0 /tmp/flat-k.log boot flat-poweroff.bin --psci kernel --trace
expect_line '^flat ok 1$' /tmp/flat-k.log
expect_no_line '^trace:' /tmp/flat-k.log
