# mk_zboot COMP PAYLOAD OUT [SIZE]: wrap PAYLOAD, a kernel Image compressed
# with COMP (gzip, or zstd22 as the kernel names zstd), in the header of an
# EFI zboot image (the kernel's drivers/firmware/efi/libstub/zboot-header.S)
# and write OUT. For any COMP but gzip the unpacked SIZE follows the payload
# as a le32, outside the payload size, as the kernel's build appends it.
# Only what a loader reads is written (no PE sections, no EFI stub): "MZ", the
# type "zimg", the payload's offset (64: it follows the header) and size,
# the compression name, the Linux PE magic at 0x38. Plain POSIX sh and
# printf, so busybox runs it in the nested host as bash does on the build host.

# le32 N: N as four little-endian bytes.
# shellcheck disable=SC2059 # the format is built on purpose: octal escapes
le32() {
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($1 & 255)) $(($1 >> 8 & 255)) \
		$(($1 >> 16 & 255)) $(($1 >> 24 & 255)))"
}

mk_zboot() {
	zb_comp=$1 zb_payload=$2 zb_out=$3 zb_size=${4:-0}
	zb_len=$(wc -c <"$zb_payload")
	{
		printf 'MZ\000\000zimg'
		le32 64
		le32 "$zb_len"
		le32 0
		le32 0
		printf '%s' "$zb_comp"
		head -c $((0x38 - 24 - ${#zb_comp})) /dev/zero
		le32 $((0x818223cd))
		le32 0
		cat "$zb_payload"
		[ "$zb_comp" = gzip ] || le32 "$zb_size"
	} >"$zb_out"
}
