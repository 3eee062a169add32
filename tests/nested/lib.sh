# Helpers for the nested integration cases, sourced by tests/nested/test-*.sh.
# A case runs with busybox sh in the staged directory (./vmm, ./guest.img,
# ./tests); it exits 0 on success, 77 to skip (last line = reason), anything
# else on failure, after printing what went wrong.

fail() {
	echo "FAIL: $*"
	exit 1
}

# vmm_expect STATUS LOG ARGS...: run ./vmm ARGS with stdout+stderr in LOG (CRs
# dropped) and
# fail (showing the log) unless it exits with STATUS.
vmm_expect() {
	want=$1
	log=$2
	shift 2
	# The UART passes the guest's CRLF line ends through; logs keep LF only.
	{
		./vmm "$@" 2>&1
		echo $? >"$log.rc"
	} | tr -d '\r' >"$log"
	rc=$(cat "$log.rc")
	if [ "$rc" != "$want" ]; then
		cat "$log"
		fail "'vmm $*' exited $rc, expected $want"
	fi
}

# skip_unless_host_has KEY WHAT: the case SKIPs (exit 77) on a host whose
# KVM lacks WHAT, i.e. where `vmm info` does not say "KEY: yes".
skip_unless_host_has() {
	./vmm info | grep -q "^$1: yes\$" && return 0
	echo "this host's KVM has no $2 (vmm info: $1: no)"
	exit 77
}

# expect_line PATTERN LOG: a line of LOG matches the extended regex PATTERN.
expect_line() {
	grep -Eq -- "$1" "$2" || {
		cat "$2"
		fail "no line matching '$1'"
	}
}

# expect_lines LOG PATTERN...: for each PATTERN, a line of LOG matches it.
expect_lines() {
	lines_log=$1
	shift
	for lines_pat in "$@"; do
		expect_line "$lines_pat" "$lines_log"
	done
}

# expect_no_line PATTERN LOG
expect_no_line() {
	if grep -Eq -- "$1" "$2"; then
		cat "$2"
		fail "unexpected line matching '$1'"
	fi
}

# expect_count N PATTERN LOG: exactly N lines match.
expect_count() {
	n=$(grep -Ec -- "$2" "$3")
	[ "$n" = "$1" ] || {
		cat "$3"
		fail "$n lines match '$2', expected $1"
	}
}

# expect_one_line_error LOG PATTERN: the VMM printed exactly one line, an error matching PATTERN.
expect_one_line_error() {
	lines=$(wc -l <"$1")
	[ "$lines" = 1 ] || {
		cat "$1"
		fail "expected a one-line error, got $lines lines"
	}
	expect_line "^vmm: .*$2" "$1"
}

# vmm_wait STATUS LOG WHAT: wait for the VMM started in the background
# ($vmm_pid, its output in LOG); LOG.clean is LOG without CRs. Fails, with the
# last 40 lines of the log, unless it exited with STATUS. Sets rc.
vmm_wait() {
	wait "$vmm_pid"
	rc=$?
	tr -d '\r' <"$2" >"$2.clean"
	[ "$rc" = "$1" ] || {
		tail -n 40 "$2.clean"
		fail "$3: exit $rc, expected $1"
	}
}

# wait_gone PID SECONDS WHAT: the process PID must be gone within SECONDS
# (WHAT, in the failure: what should have ended it).
wait_gone() {
	end=$(($(date +%s) + $2))
	while kill -0 "$1" 2>/dev/null; do
		[ "$(date +%s)" -lt "$end" ] || fail "the VMM was still running ${2}s after $3"
		sleep 0.1
	done
}

# wait_socket PATH [SECONDS]: a VMM's control socket appears at PATH within
# SECONDS (default 60).
wait_socket() {
	end=$(($(date +%s) + ${2:-60}))
	until [ -S "$1" ]; do
		[ "$(date +%s)" -lt "$end" ] || fail "no control socket $1 after ${2:-60}s"
		sleep 0.1
	done
}

# export_file PATH NAME: bring PATH back to the build host as $B/NAME
# (scripts/nested-run decodes it from the console; natively it is copied).
export_file() {
	if [ -n "${NESTED_EXPORT_DIR:-}" ]; then
		cp "$1" "$NESTED_EXPORT_DIR/$2"
		return
	fi
	echo "@@EXPORT-BEGIN $2"
	base64 "$1"
	echo "@@EXPORT-END"
}
