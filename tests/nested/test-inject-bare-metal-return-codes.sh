# Every PSCI return code, injected once into the bare-metal demo's CPU_ON of
# cpu1, arrives in the guest's x0 as that code (the guest names it), over
# HVC and SMC in turn; the trace marks the answer as injected, and the
# function never ran (cpu1 was not started).
. tests/nested/lib.sh
i=0
for code in NOT_SUPPORTED:-1 INVALID_PARAMETERS:-2 DENIED:-3 ALREADY_ON:-4 ON_PENDING:-5 \
	INTERNAL_FAILURE:-6 NOT_PRESENT:-7 DISABLED:-8 INVALID_ADDRESS:-9; do
	name=${code%%:*} value=${code#*:}
	conduit=hvc
	[ $((i % 2)) = 1 ] && conduit=smc
	i=$((i + 1))
	log=/tmp/inject-$name.log
	# The demo fails (exit 1) when a CPU_ON does not succeed.
	vmm_expect 1 $log boot guest.img -c 2 --conduit $conduit --trace \
		--inject "CPU_ON:cpu=1:next=1:ret=$name"
	expect_line "^cpu1: CPU_ON\(target 0x1, .*\) -> $value \($name\)$" $log
	expect_line "^trace: vcpu 0 $conduit PSCI_CPU_ON64 .* -> $value \(0x[f]+[0-9a-f]\) \[injected CPU_ON:cpu=1:next=1:ret=$name\]$" $log
	expect_no_line '\[cpu1\] hello' $log
done
# A number is a code too, and an SMC64 answer keeps all 64 bits.
vmm_expect 1 /tmp/inject-num.log boot guest.img -c 2 --trace --inject 'CPU_ON:ret=-42'
expect_line '^cpu1: CPU_ON\(target 0x1, .*\) -> -42 \(\?\)$' /tmp/inject-num.log
expect_line 'PSCI_CPU_ON64 .* -> -42 \(0xffffffffffffffd6\) \[injected CPU_ON:ret=-42\]$' /tmp/inject-num.log
# Without a rule the same demo passes.
vmm_expect 0 /tmp/inject-none.log boot guest.img -c 2
