# A kernel or initrd truncated while the VMM runs. Every boot reads the
# files again with pread, so a SYSTEM_RESET that finds a file shorter than
# the one opened refuses it in one line naming it and exits 2. Before, the
# files were mapped once and every boot copied from the mapping: a file
# truncated after the reset's in-place check and before the copy killed the
# VMM with SIGBUS ("vmm: fatal signal 7", exit 135).
#
# That window is hit on purpose, not by luck: with 512 possible vCPUs the
# reset's fresh VM takes long to build, and its vCPUs are created before the
# files are copied in. The case waits for the guest's reset, freezes the VMM
# (SIGSTOP) while its file descriptors grow again (a new VM being built:
# after the check, before the copy), truncates the file, and thaws it.
# Last, the plain case: the initrd of a Linux guest truncated while the guest
# runs, then `reboot -f`.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh

CPUS=512
TRY_FOR_S=300

# How many file descriptors the VMM has open, in $nfds (no fork: the count
# must be sampled faster than vCPUs are created).
count_fds() {
	set -- /proc/"$vmm_pid"/fd/*
	nfds=$#
}

# Wait (1 s at most) until the VMM is really stopped: SIGSTOP takes effect
# when each thread leaves the kernel.
wait_stopped() {
	end=$(($(date +%s) + 2))
	while [ "$(date +%s)" -lt $end ]; do
		read -r _ _ state _ </proc/"$vmm_pid"/stat
		[ "$state" = T ] && return 0
	done
	return 1
}

# freeze_mid_reset LOG: after the guest's reset, freeze the VMM while the
# new VM's vCPUs are being created. Returns 1 if that moment was missed
# (the VMM gets going again, thawed).
freeze_mid_reset() {
	wait_marker "$1" "resetting"
	end=$(($(date +%s) + 60))
	count_fds
	prev=$nfds
	i=0
	while :; do
		count_fds
		if [ "$nfds" -gt "$prev" ] && [ "$nfds" -lt $CPUS ]; then
			kill -STOP "$vmm_pid"
			if wait_stopped; then
				count_fds
				[ "$nfds" -lt $CPUS ] && return 0
			fi
			kill -CONT "$vmm_pid"
			return 1
		fi
		prev=$nfds
		i=$((i + 1))
		if [ $((i % 64)) = 0 ]; then
			kill -0 "$vmm_pid" 2>/dev/null || return 1
			[ "$(date +%s)" -lt $end ] || return 1
		fi
	done
}

# truncate_mid_reset WHAT FILE ARGS...: boot guest.img (mode reset) with
# ARGS, truncate FILE while the reset's VM is being built; expect one line
# naming FILE as WHAT ("image" or "initrd") and exit 2.
truncate_mid_reset() {
	what=$1 file=$2
	shift 2
	log=/tmp/trunc-$what.log
	give_up=$(($(date +%s) + TRY_FOR_S))
	while :; do
		cp guest.img /tmp/trunc-guest.img
		dd if=/dev/zero of=/tmp/trunc-rd bs=1M count=4 2>/dev/null
		./vmm boot /tmp/trunc-guest.img -c 1 --max-cpus $CPUS -p reset "$@" >$log 2>&1 &
		vmm_pid=$!
		if freeze_mid_reset $log; then
			: >"$file"
			kill -CONT "$vmm_pid"
			break
		fi
		kill -KILL "$vmm_pid" 2>/dev/null
		wait "$vmm_pid"
		[ "$(date +%s)" -lt "$give_up" ] ||
			fail "never caught the VMM building the reset's VM in ${TRY_FOR_S}s"
		echo "missed the reset's VM creation; again"
	done
	wait "$vmm_pid"
	rc=$?
	tr -d '\r' <$log >$log.clean
	expect_no_line "fatal signal" $log.clean
	[ $rc = 2 ] || { tail -n 20 $log.clean; fail "$what truncated mid-reset: exit $rc, expected 2"; }
	expect_count 1 '^vmm: ' $log.clean
	expect_line "^vmm: $what '$file' was changed in place since the VM started" $log.clean
	expect_count 0 'reset count 1' $log.clean
}

truncate_mid_reset image /tmp/trunc-guest.img
truncate_mid_reset initrd /tmp/trunc-rd -i /tmp/trunc-rd

# The plain case: truncated while Linux runs, found at its reboot.
cp linux-guest/initrd.cpio /tmp/initrd.trunc
log=/tmp/trunc-linux.log
./vmm boot linux-guest/Image -m 512M -i /tmp/initrd.trunc -c 1 --max-resets 1 \
	-p "console=ttyS0 vmm=reboot" >$log 2>&1 &
vmm_pid=$!
wait_marker $log "@@ linux up"
: >/tmp/initrd.trunc
wait $vmm_pid
rc=$?
tr -d '\r' <$log >$log.clean
expect_no_line "fatal signal" $log.clean
[ $rc = 2 ] || { tail -n 20 $log.clean; fail "initrd truncated under Linux: exit $rc, expected 2"; }
expect_count 1 '^vmm: ' $log.clean
expect_line "^vmm: initrd '/tmp/initrd.trunc' was changed in place since the VM started" \
	$log.clean
expect_count 1 '^@@ linux up' $log.clean
