# `vmm info` probes the host's KVM; the nested host (Linux 6.12) has the
# SMCCC filter and the hypercall bitmap registers.
. tests/nested/lib.sh
vmm_expect 0 /tmp/info.log info
cat /tmp/info.log
expect_line '^kvm api version: 12$' /tmp/info.log
expect_line '^max vcpus: [1-9][0-9]*$' /tmp/info.log
expect_line '^smccc filter: yes$' /tmp/info.log
expect_line '^fw bitmap std: 0x[0-9a-f]+' /tmp/info.log
expect_line '^fw bitmap vendor-hyp: 0x[0-9a-f]+' /tmp/info.log
expect_line '^in-kernel psci version: 1\.[0-9]+$' /tmp/info.log
