# The suite must be able to fail. In kernel mode a user filter DENYs
# PSCI_VERSION alone (KVM then answers NOT_SUPPORTED without an exit); the
# suite must report that case as failed, and the VMM exit 1, while
# SYSTEM_OFF still works.
. tests/nested/lib.sh
vmm_expect 1 /tmp/broken.log boot guest.img -c 2 -p test --psci kernel \
	--smccc-filter 0x84000000:deny
expect_line '^FAIL psci_version/hvc' /tmp/broken.log
expect_line '^FAIL psci_version/smc' /tmp/broken.log
expect_line '^[0-9]+ passed, 2 failed' /tmp/broken.log
expect_line 'the guest reported failure' /tmp/broken.log
