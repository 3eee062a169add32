# `vmm run` as a drop-in for scripts that drive `lkvm run`: `vmm --help`
# carries kvmtool's banner line (kvm-unit-tests probes for it), a kernel or
# initrd that cannot be opened is kvmtool's "  Fatal: Unable to open kernel
# ..." (how such scripts tell a missing kernel from a failed test), while
# `vmm boot` keeps its own "vmm: ..." style; options for what this VMM lacks
# are refused in one line. Exit status 2 for all of them.
. tests/nested/lib.sh
./vmm --help >/tmp/help.out 2>/tmp/help.err || fail "vmm --help exited $?"
grep -q 'The most commonly used' /tmp/help.out || { cat /tmp/help.out; fail "no kvmtool banner on stdout"; }
[ -s /tmp/help.err ] && fail "vmm --help wrote to stderr: $(cat /tmp/help.err)"
expect_line '^usage: vmm \[--version\] \[--help\] COMMAND \[ARGS\]$' /tmp/help.out
expect_line '^   run ' /tmp/help.out
vmm_expect 0 /tmp/version.log --version
expect_line '^vmm version [0-9]' /tmp/version.log

vmm_expect 2 /tmp/r1 run --kernel _NO_FILE_4Uhere_ -c 1 -m 64 -p "x"
expect_count 1 '' /tmp/r1
expect_line '^  Fatal: Unable to open kernel _NO_FILE_4Uhere_ \(No such file or directory\)$' /tmp/r1
vmm_expect 2 /tmp/r2 run -k guest.img -i /tmp/_no_initrd_
expect_line '^  Fatal: Unable to open initrd /tmp/_no_initrd_ ' /tmp/r2
vmm_expect 2 /tmp/r3 run -k /tmp
expect_line '^  Fatal: /tmp is not a valid kernel image \(not a regular file\)$' /tmp/r3
# vmm boot: its own style for the same mistake
vmm_expect 2 /tmp/b1 boot _NO_FILE_4Uhere_
expect_one_line_error /tmp/b1 "image '_NO_FILE_4Uhere_': No such file or directory"

for opt in "--disk /tmp/d.img" "--9p /tmp,tag" "--balloon" "--vhost" "--irqchip gicv2"; do
	# shellcheck disable=SC2086
	vmm_expect 2 /tmp/r4 run -k guest.img $opt
	expect_one_line_error /tmp/r4 "not supported by this VMM"
done
# what it honours and ignores still boots
vmm_expect 0 /tmp/r5 run -k guest.img -p null --name t1 --nocompat --nodefaults --network mode=none \
	--irqchip gicv3 --console serial --loglevel warning
