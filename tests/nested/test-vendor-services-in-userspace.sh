# Vendor-hypervisor services answered by the VMM: KVM's DISCOVER_IMPL_VER/
# CPUS report what --impl-cpus configured (default: one implementation, the
# host CPU), and our VMM_HYP_INFO tells the guest where it runs and how many
# vCPUs are possible/present. The debug console prints exactly the bytes
# given (the test suite checks refusals of bad buffers).
. tests/nested/lib.sh
vmm_expect 0 /tmp/v1.log boot guest.img -c 2 --max-cpus 3 -p vendor \
	--impl-cpus 0x410fd0c0:0x0:0x0,0x411fd400:0x1:0x2
expect_line '^@@ impl_ver: x0=0 ver=0x10000 n=2$' /tmp/v1.log
expect_line '^@@ impl_cpu 0: midr=0x410fd0c0 revidr=0x0 aidr=0x0$' /tmp/v1.log
expect_line '^@@ impl_cpu 1: midr=0x411fd400 revidr=0x1 aidr=0x2$' /tmp/v1.log
expect_line '^@@ info: x0=0 magic=0x564d4d2d50534349 version=0x1 possible=3 present=2$' /tmp/v1.log
vmm_expect 0 /tmp/v2.log boot guest.img -p vendor --psci kernel
expect_line '^@@ impl_ver: x0=0 ver=0x10000 n=1$' /tmp/v2.log
expect_line '^@@ impl_cpu 0: midr=0x[0-9a-f]+ ' /tmp/v2.log
# The console call's bytes, exactly once per conduit, from the test suite.
vmm_expect 0 /tmp/v3.log boot guest.img -p test
expect_count 2 '^vmm-console: the quick brown fox$' /tmp/v3.log
expect_line '^ok vmm_console_write/hvc' /tmp/v3.log
vmm_expect 2 /tmp/v4.log boot guest.img --impl-cpus 0x410fd0c0:0x0
expect_one_line_error /tmp/v4.log "--impl-cpus: '0x410fd0c0:0x0' is not MIDR:REVIDR:AIDR"
