# Issue 18: a snapshot that cannot be what was saved is refused with one
# line and exit 2, before any guest code runs. This extends
# test-snapshot-restore-bare-metal.sh's cases (half the state file, one
# flipped byte, another version, no ram, a machine option) to: the state
# file cut short at every kind of place (empty, in the header, after it, in
# a section's head, in a payload, exactly before END, one byte short), one
# flipped byte in the payload of each section in turn (found by walking
# the file's own section heads, so a section added later is covered too), a
# ram file cut short, no snapshot at all; and a snapshot from another host,
# made by rewriting the HOST section's facts (vmm/snapshot/kvmstate.h:
# u32 page size, bool SMCCC filter, bool PMU, ...) with a valid CRC: another
# page size, and, where this host has no PMUv3, a PMU (as a snapshot taken
# with --pmu elsewhere). The untouched snapshot then restores and the guest
# passes, so each refusal was the damage's.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
snap_paths snapg-bad
snap_stopped -c 4 -m 64M
state=$dir/state
cp $state /tmp/snapg-bad.orig
size=$(wc -c </tmp/snapg-bad.orig)

u32() { od -A n -t u4 -j "$2" -N 4 "$1" | tr -d ' \n'; }
# flip FILE OFFSET: invert every bit of one byte.
flip() {
	b=$(od -A n -t u1 -j "$2" -N 1 "$1" | tr -d ' \n')
	# shellcheck disable=SC2059
	printf "\\$(printf %o $((b ^ 255)))" | dd of="$1" bs=1 seek="$2" count=1 conv=notrunc 2>/dev/null
}
# put_u32 FILE OFFSET VALUE: four bytes, little-endian.
put_u32() {
	# shellcheck disable=SC2059
	printf "\\$(printf %o $(($3 & 255)))\\$(printf %o $(($3 >> 8 & 255)))\\$(printf %o $(($3 >> 16 & 255)))\\$(printf %o $(($3 >> 24 & 255)))" |
		dd of="$1" bs=1 seek="$2" count=4 conv=notrunc 2>/dev/null
}
# crc32 FILE OFFSET LENGTH: zlib's CRC-32 of those bytes (bit by bit: the
# sections it is used on are small).
crc32() {
	crc=4294967295
	for b in $(od -A n -t u1 -j "$2" -N "$3" "$1"); do
		crc=$((crc ^ b))
		k=0
		while [ $k -lt 8 ]; do
			if [ $((crc & 1)) = 1 ]; then crc=$(((crc >> 1) ^ 3988292384)); else crc=$((crc >> 1)); fi
			k=$((k + 1))
		done
	done
	echo $((crc ^ 4294967295))
}
# reseal FILE OFFSET LENGTH: the section at OFFSET (payload LENGTH) gets the
# CRC of what it holds now.
reseal() { put_u32 "$1" $(($2 + 16 + $3)) "$(crc32 "$1" "$2" $((16 + $3)))"; }
# refused LABEL PATTERN: `vmm restore` says one line matching PATTERN, exit 2.
refused() {
	vmm_expect 2 /tmp/snapg-bad-$1.log restore $dir
	expect_one_line_error /tmp/snapg-bad-$1.log "$2"
}

# The sections, from their heads: "OFFSET TAG INDEX LENGTH" per line.
hlen=$(u32 $state 12)
off=$hlen
: >/tmp/snapg-bad.sections
while [ $off -lt $size ]; do
	tag=$(u32 $state $off) index=$(u32 $state $((off + 4)))
	len=$(u32 $state $((off + 8))) len_hi=$(u32 $state $((off + 12)))
	[ "$len_hi" = 0 ] || fail "section at $off is over 4 GiB long: not a state file we wrote"
	echo "$off $tag $index $len" >>/tmp/snapg-bad.sections
	off=$((off + 16 + len + 4))
	[ "$tag" = 0 ] && break
done
[ $off = $size ] || { cat /tmp/snapg-bad.sections; fail "the sections end at $off, the file at $size"; }
end_at=$(tail -n 1 /tmp/snapg-bad.sections | cut -d' ' -f1)
first=$(head -n 1 /tmp/snapg-bad.sections | cut -d' ' -f1)
[ "$(wc -l </tmp/snapg-bad.sections)" -ge 10 ] || { cat /tmp/snapg-bad.sections; fail "too few sections"; }

for cut in 0 10 $hlen $((first + 8)) $((first + 20)) $((size / 2)) $end_at $((size - 1)); do
	head -c $cut /tmp/snapg-bad.orig >$state
	refused cut-$cut '(empty|truncated)'
done

while read -r off tag index len; do
	cp /tmp/snapg-bad.orig $state
	# The middle of the payload; an empty payload's CRC.
	if [ "$len" -gt 0 ]; then flip $state $((off + 16 + len / 2)); else flip $state $((off + 16)); fi
	refused "flip-$tag-$index" "CRC mismatch in section [0-9]+ \\(.* $index\\)"
done </tmp/snapg-bad.sections

# Another host: the HOST section (tag 2) rewritten, its CRC made good again.
set -- $(grep '^[0-9]* 2 0 ' /tmp/snapg-bad.sections)
[ $# = 4 ] || fail "no HOST section (tag 2)"
host_off=$1 host_len=$4
page=$(u32 /tmp/snapg-bad.orig $((host_off + 16)))
cp /tmp/snapg-bad.orig $state
put_u32 $state $((host_off + 16)) $((page == 65536 ? 4096 : 65536))
reseal $state $host_off $host_len
refused host-page-size "page size is $page bytes, the snapshot's"
if ./vmm info | grep -q '^pmu: no$'; then
	cp /tmp/snapg-bad.orig $state
	printf '\001' | dd of=$state bs=1 seek=$((host_off + 16 + 5)) count=1 conv=notrunc 2>/dev/null
	reseal $state $host_off $host_len
	refused host-pmu "offers no PMUv3, the snapshot's guest has one"
else
	echo "this host has a PMUv3: a --pmu snapshot restored without one needs a host without"
fi

cp /tmp/snapg-bad.orig $state
vmm_expect 0 /tmp/snapg-bad-good.log restore $dir
expect_line '^@@ snapshot: done$' /tmp/snapg-bad-good.log

ram=$(wc -c <$dir/ram)
head -c $((ram / 2)) $dir/ram >/tmp/snapg-bad.ram && mv /tmp/snapg-bad.ram $dir/ram
refused ram-cut 'ram'
rm -rf $dir
refused missing "$dir"
