# Every present CPU prints hundreds of lines at the same time (`chatter`):
# each line must reach the console whole (the guest sends whole lines under
# a lock), in order per CPU, with the payload only its CPU and line number
# produce; nothing else may appear but the final tally (and whole VMM lines).
. tests/nested/lib.sh

# check_chatter LOG CPUS LINES
check_chatter() {
	awk -v cpus="$2" -v lines="$3" '
	function bad(why) {
		if (nbad++ < 10)
			printf "line %d: %s: %s\n", NR, why, $0
	}
	/^vmm: / { next }
	/^@@ chatter done: / { done = $0; next }
	!/^@@ chatter cpu[0-9]+ line [0-9]+ [a-z]+ end$/ { bad("not a whole chatter line"); next }
	{
		split($0, f, " ")
		cpu = substr(f[3], 4) + 0
		n = f[5] + 0
		p = f[6]
		letter = substr("abcdefghijklmnopqrstuvwxyz", cpu % 26 + 1, 1)
		if (length(p) != 20 + (7 * n + cpu) % 60)
			bad("payload of the wrong length")
		gsub(letter, "", p)
		if (p != "")
			bad("payload with another CPU'"'"'s letters")
		if (n != next_n[cpu] + 0)
			bad("line " n " of cpu" cpu " where line " next_n[cpu] + 0 " was due")
		next_n[cpu] = n + 1
	}
	END {
		for (c = 0; c < cpus; c++)
			if (next_n[c] + 0 != lines) {
				printf "cpu%d printed %d of its %d lines\n", c, next_n[c], lines
				nbad++
			}
		want = "@@ chatter done: cpus=" cpus " lines=" lines
		if (done != want) {
			printf "last tally \"%s\", expected \"%s\"\n", done, want
			nbad++
		}
		exit nbad > 0
	}' "$1" || fail "console lines in $1 are not whole (above)"
}

vmm_expect 0 /tmp/chatter4.log boot guest.img -c 4 -p "chatter lines=200"
check_chatter /tmp/chatter4.log 4 200
echo "4 CPUs: $(grep -c '^@@ chatter cpu' /tmp/chatter4.log) whole lines"
# An absent vCPU (CPU_ON DENIED) sits it out.
vmm_expect 0 /tmp/chatter3.log boot guest.img -c 3 --max-cpus 4 -p "chatter lines=50"
check_chatter /tmp/chatter3.log 3 50
echo "3 of 4 CPUs present: $(grep -c '^@@ chatter cpu' /tmp/chatter3.log) whole lines"
