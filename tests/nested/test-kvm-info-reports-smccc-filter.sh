# `vmm info` probes the host's KVM; the nested host (Linux 6.12) has the
# SMCCC filter and the hypercall bitmap registers.
. tests/nested/lib.sh
vmm_expect 0 /tmp/info.log info
cat /tmp/info.log
expect_lines /tmp/info.log \
	'^kvm api version: 12$' \
	'^max vcpus: [1-9][0-9]*$' \
	'^smccc filter: yes$' \
	'^fw bitmap std: 0x[0-9a-f]+' \
	'^fw bitmap vendor-hyp: 0x[0-9a-f]+' \
	'^in-kernel psci version: 1\.[0-9]+$'
