# Bad command lines and guest images: one line naming the problem, exit 2,
# never a crash or a hang.
. tests/nested/lib.sh
: >/tmp/empty.img
dd if=/dev/zero of=/tmp/big.img bs=1M count=40 2>/dev/null
vmm_expect 2 /tmp/e1 boot /tmp/does-not-exist.img
expect_one_line_error /tmp/e1 "does-not-exist.img.*No such file"
vmm_expect 2 /tmp/e2 boot /tmp/empty.img
expect_one_line_error /tmp/e2 "empty"
vmm_expect 2 /tmp/e3 boot /tmp/big.img -m 32M
expect_one_line_error /tmp/e3 "larger than guest RAM|does not fit"
vmm_expect 2 /tmp/e4 boot guest.img -c 0
expect_one_line_error /tmp/e4 "--cpus: '0'"
vmm_expect 2 /tmp/e5 boot guest.img -m 1K
expect_one_line_error /tmp/e5 "--mem: 1K is too small"
vmm_expect 2 /tmp/e6 boot guest.img --frobnicate
expect_one_line_error /tmp/e6 "unknown option '--frobnicate'"
vmm_expect 2 /tmp/e7 boot guest.img -i /tmp/big.img -m 16M
expect_one_line_error /tmp/e7 "initrd"
vmm_expect 2 /tmp/e8 boot guest.img --psci firmware
expect_one_line_error /tmp/e8 "--psci: 'firmware'"
vmm_expect 2 /tmp/e9 boot guest.img -c 2 --max-cpus 1
expect_one_line_error /tmp/e9 "--max-cpus 1 is less than --cpus 2"
vmm_expect 2 /tmp/e10 run -k guest.img --console virtio
expect_one_line_error /tmp/e10 "--console: 'virtio' is not supported by this VMM"
vmm_expect 2 /tmp/e11 boot /tmp
expect_one_line_error /tmp/e11 "not a regular file"
vmm_expect 2 /tmp/e12 frobnicate
expect_one_line_error /tmp/e12 "unknown command 'frobnicate'"
# A FIFO as image or initrd: refused at once, not a wait for a writer that
# never comes (the case's own timeout would catch a hang).
rm -f /tmp/img.fifo
mkfifo /tmp/img.fifo
vmm_expect 2 /tmp/e13 boot /tmp/img.fifo
expect_one_line_error /tmp/e13 "img.fifo': not a regular file"
vmm_expect 2 /tmp/e14 boot guest.img -i /tmp/img.fifo
expect_one_line_error /tmp/e14 "initrd '/tmp/img.fifo': not a regular file"
