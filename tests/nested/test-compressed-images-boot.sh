# Compressed kernels boot as the Image inside them: the Debian 6.12 Image
# gzip'd (as Ubuntu ships arm64 `vmlinuz`), as an EFI zboot image with a
# gzip payload (both made here, busybox has gzip) and with a zstd payload
# (made on the build host by scripts/mk-linux-guest: busybox has no zstd);
# each boots to its init and powers off. The bare-metal guest gzip'd runs its
# suite; a gzip'd flat binary still loads at RAM + 0x80000. Files that are no
# kernel (an ELF, a cpio archive, a gzip'd one, a truncated zboot image) are
# refused in one line with exit 2, within seconds, as is a kernel that
# unpacks to more than RAM.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
. tests/nested/zboot-lib.sh

# boot_to_init LOG KERNEL: Linux from KERNEL reaches its init and powers off.
boot_to_init() {
	vmm_expect 0 "$1" boot "$2" -m 512M -i linux-guest/initrd.cpio -c 2 \
		-p "console=ttyS0 vmm=poweroff"
	expect_line '^@@ linux up: online=0-1 possible=0-1 mode=poweroff' "$1"
}

# refused_fast LOG PATTERN ARGS...: vmm ARGS exits 2 with one line matching
# PATTERN, in less than 10 seconds.
refused_fast() {
	rf_log=$1 rf_pat=$2
	shift 2
	rf_start=$(date +%s)
	vmm_expect 2 "$rf_log" "$@"
	[ $(($(date +%s) - rf_start)) -lt 10 ] || fail "'vmm $*' took $(($(date +%s) - rf_start))s"
	expect_one_line_error "$rf_log" "$rf_pat"
}

# The bare-metal guest (an Image header) and the flat binary, gzip'd.
gzip -c guest.img >/tmp/guest.img.gz
vmm_expect 0 /tmp/cg-guest.log boot /tmp/guest.img.gz -c 2 -p test
expect_line '^[0-9]+ passed, 0 failed' /tmp/cg-guest.log
gzip -c flat-poweroff.bin >/tmp/flat.bin.gz
vmm_expect 0 /tmp/cg-flat.log boot /tmp/flat.bin.gz
expect_line '^flat ok 1$' /tmp/cg-flat.log

# Linux: gzip, zboot with gzip, zboot with zstd.
gzip -c linux-guest/Image >/tmp/Image.gz
boot_to_init /tmp/cg-gzip.log /tmp/Image.gz
# 14 MiB of file, 44 MiB unpacked: more than 40 MiB of RAM holds.
refused_fast /tmp/cg-big.log "image '/tmp/Image.gz': the gzip kernel unpacks to more than the 38 MiB of RAM" \
	boot /tmp/Image.gz -m 40M
mk_zboot gzip /tmp/Image.gz /tmp/Image.zboot-gzip
rm -f /tmp/Image.gz
boot_to_init /tmp/cg-zboot-gzip.log /tmp/Image.zboot-gzip
[ -f linux-guest/Image.zboot-zstd ] || fail "linux-guest/Image.zboot-zstd was not staged (scripts/mk-linux-guest)"
boot_to_init /tmp/cg-zboot-zstd.log linux-guest/Image.zboot-zstd

# A zboot image cut short: its header says where the payload ends.
head -c 4000000 /tmp/Image.zboot-gzip >/tmp/short.zboot
rm -f /tmp/Image.zboot-gzip
refused_fast /tmp/cg-short.log "image '/tmp/short.zboot': this EFI zboot image is truncated" \
	boot /tmp/short.zboot -m 512M
# A gzip stream cut short is found while unpacking.
head -c $(($(wc -c </tmp/guest.img.gz) / 2)) /tmp/guest.img.gz >/tmp/short.gz
refused_fast /tmp/cg-short-gz.log "image '/tmp/short.gz': the gzip stream ends early" \
	boot /tmp/short.gz -m 512M

# What no one boots, named: an ELF (./vmm is one), an initramfs, gzip'd or not.
gzip -c linux-guest/initrd.cpio >/tmp/initrd.cpio.gz
refused_fast /tmp/cg-elf.log "image 'vmm': this is an ELF file \(a vmlinux\?\): give the arm64 Image" \
	boot vmm
refused_fast /tmp/cg-cpio.log "this is a cpio archive \(an initramfs\?\): give it with -i/--initrd" \
	boot linux-guest/initrd.cpio -m 512M
refused_fast /tmp/cg-cpio-gz.log "this is a gzip stream holding a cpio archive \(an initramfs\?\)" \
	boot /tmp/initrd.cpio.gz -m 512M
# `vmm run` says it in kvmtool's words, for scripts that match them.
vmm_expect 2 /tmp/cg-run-elf.log run -k vmm
expect_line '^  Fatal: vmm is not a valid kernel image \(this is an ELF file' /tmp/cg-run-elf.log
rm -f /tmp/initrd.cpio.gz /tmp/short.gz /tmp/short.zboot
