# Turn `R MODE KEY VALUE` samples (tests/nested/bench.sh) into a Markdown
# report: median and min-max per key and mode, the ratios the targets are
# stated in, and an SVG plot of bring-up time against vCPU count. MODE
# "late" is userspace PSCI with the warm reset on CPU_ON's path
# (VMM_RESET_AT_CPU_ON=1): the "before" of the reset done ahead.
# "K KERNEL PACKAGE...": which package a kernel of the matrix came from.
/^K / { kpkg[$2] = substr($0, length($1) + length($2) + 3) }

/^R / {
	k = $2 SUBSEP $3
	n[k]++
	v[k, n[k]] = $4 + 0
	keys[$3] = 1
}

function median(k,    i, j, t, m, a) {
	m = n[k]
	for (i = 1; i <= m; i++) a[i] = v[k, i]
	for (i = 2; i <= m; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	lo[k] = a[1]; hi[k] = a[m]
	return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
}

function cell(mode, key,    k, m) {
	k = mode SUBSEP key
	if (!(k in n)) return "-"
	m = median(k)
	# counts per secondary are small: keep a decimal for them
	return sprintf(m < 100 ? "%.1f (%.1f-%.1f)" : "%.0f (%.0f-%.0f)", m, lo[k], hi[k])
}

function med(mode, key,    k) {
	k = mode SUBSEP key
	return (k in n) ? median(k) : 0
}

function verdict(ok) { return ok ? "met" : "**missed**" }

function lrow(label, key,    u, k) {
	u = med("user", key); k = med("kernel", key)
	printf "| %s | %s | %s | %.2f |\n", label, cell("user", key), cell("kernel", key), k ? u / k : 0
}

# heading(TITLE): a section's "## TITLE" and the blank line under it.
function heading(title) {
	print "## " title
	print ""
}

# table(HEAD): a Markdown table's head row and the separator row under it.
function table(head,    cells, i, sep) {
	print head
	sep = "|"
	for (i = split(head, cells, "|") - 2; i > 0; i--)
		sep = sep " --- |"
	print sep
}

function ratio(a, b) { return b ? a / b : 0 }

function row3(label, key) {
	printf "| %s | %s | %s | %s |\n", label, cell("user", key), cell("late", key), cell("kernel", key)
}

function row(label, key, unote, knote) {
	printf "| %s | %s%s | %s%s |\n", label, cell("user", key), unote, cell("kernel", key), knote
}

END {
	reps = n["user" SUBSEP "startup"]
	print "# vmm benchmark: userspace PSCI vs in-kernel PSCI"
	print ""
	if (reps) psci_report()
	linux_report()
	acpi_report()
	snapshot_report()
	if (reps) footprint_report()
}

function psci_report(    fwd, mmio, kern, r1, r2, i, j, t, key, cu, cl, ck, bu, bl, bk, s, sz, growth, onkeys, onlabels) {
	printf "Medians (min-max) over %d interleaved repetitions. Times in nanoseconds of guest\n", reps
	print "virtual-counter time (round trips, CPU_ON, bring-up) or host wall time (start-up)."
	print "In the nested test host everything is emulated: compare ratios, not absolute times."
	print ""
	heading("Call round trip (ns per call)")
	table("| call | user mode | kernel mode |")
	row("SMCCC_VERSION (Arm arch, always KVM)", "arch", "", "")
	row("DENY'd range (KVM, no exit)", "denied", "", "")
	row("PSCI_VERSION over HVC", "psci-hvc", " (forwarded)", " (in kernel)")
	row("PSCI_VERSION over SMC", "psci-smc", " (forwarded)", " (in kernel)")
	row("MMIO read of the test device (cheapest userspace exit)", "mmio", "", "")
	print ""
	fwd = med("user", "psci-hvc"); mmio = med("user", "mmio"); kern = med("kernel", "psci-hvc")
	r1 = mmio ? fwd / mmio : 0; r2 = kern ? fwd / kern : 0
	printf "- forwarded PSCI_VERSION / MMIO exit: **%.2f** (target <= 1.10: %s)\n", r1, verdict(r1 <= 1.10)
	printf "- forwarded PSCI_VERSION / in-kernel PSCI_VERSION: **%.2f**\n", r2
	un = med("unconfined", "psci-hvc")
	if (un)
		printf "- forwarded PSCI_VERSION, confined (the default) / `--sandbox off`: **%.2f** (%s ns against %s; the seccomp filters of the main and the vCPU thread run on each of its 2 syscalls)\n", ratio(fwd, un), cell("user", "psci-hvc"), cell("unconfined", "psci-hvc")
	print ""
	heading("CPU_ON latency (ns, CPU_ON call to the secondary's first instruction)")
	print "user: the warm reset done ahead, after CPU_OFF; late: the same binary with"
	print "VMM_RESET_AT_CPU_ON=1, the reset on CPU_ON's path (the behaviour before)."
	print ""
	table("| secondary | user | late | kernel | user / kernel | late / kernel |")
	split("cpu_on cpu_on_again", onkeys, " ")
	split("never ran (no reset needed in any mode)|ran and powered off (needs a warm reset)", onlabels, "|")
	for (i = 1; i <= 2; i++) {
		key = onkeys[i]
		cu = med("user", key); cl = med("late", key); ck = med("kernel", key)
		printf "| %s | %s | %s | %s | **%.2f** | %.2f |\n", onlabels[i], cell("user", key), cell("late", key), cell("kernel", key), ratio(cu, ck), ratio(cl, ck)
	}
	cu = med("user", "cpu_on_again"); ck = med("kernel", "cpu_on_again")
	printf "\n- CPU_ON of a vCPU that ran, user / kernel: **%.2f** (target <= 1.5: %s)\n", ratio(cu, ck), verdict(ck && cu / ck <= 1.5)
	printf "- the same, user / late (the reset ahead against the reset on the path): **%.2f**\n", ratio(cu, med("late", "cpu_on_again"))
	print ""
	heading("Bring-up: all secondaries on and reported, then all off (ns)")
	table("| vCPUs | user | late | kernel | user / kernel | late / kernel |")
	ns = 0
	for (key in keys) if (key ~ /^bringup\./) { s = substr(key, 9) + 0; sizes[++ns] = s }
	for (i = 2; i <= ns; i++) for (j = i; j > 1 && sizes[j - 1] > sizes[j]; j--) { t = sizes[j]; sizes[j] = sizes[j - 1]; sizes[j - 1] = t }
	for (i = 1; i <= ns; i++) {
		key = "bringup." sizes[i]
		bu = med("user", key); bl = med("late", key); bk = med("kernel", key)
		printf "| %d | %s | %s | %s | %.2f | %.2f |\n", sizes[i], cell("user", key), cell("late", key), cell("kernel", key), ratio(bu, bk), ratio(bl, bk)
		yu[i] = bu; yl[i] = bl; yk[i] = bk
	}
	if (ns) {
		bu = yu[ns]; bk = yk[ns]
		printf "\n- %d-vCPU bring-up, user / kernel: **%.2f** (target <= 1.3: %s); late / kernel: %.2f\n", sizes[ns], ratio(bu, bk), verdict(bk && bu / bk <= 1.3), ratio(yl[ns], bk)
		# Linear growth means a constant cost per secondary: compare the
		# per-secondary cost at the largest size with the smallest size
		# that has secondaries.
		for (i = 1; i <= ns && sizes[i] < 2; i++) ;
		if (i < ns && yu[i] > 0) {
			growth = (yu[ns] / (sizes[ns] - 1)) / (yu[i] / (sizes[i] - 1))
			printf "- user-mode cost per secondary at %d vCPUs / at %d vCPUs: %.2f (<= 1 means no worse than linear: %s)\n", sizes[ns], sizes[i], growth, verdict(growth <= 1.0)
		}
		print "- plot: build/bench-bringup.svg"
		print ""
		printf "Where a %d-vCPU bring-up spends its time (medians):\n", sizes[ns]
		print ""
		table("| | user | late | kernel |")
		sz = sizes[ns]
		row3("whole bring-up (ns)", "bringup." sz)
		row3("the boot CPU issuing the CPU_ONs, back to back (ns)", "bringup_issue." sz)
		row3("per secondary: its CPU_ON issued to its first instruction (ns)", "bringup_wake." sz)
		row3("forwarded calls per secondary (3 on/off cycles each)", "exits.hypercalls." sz)
		row3("... of which CPU_ON", "exits.PSCI_CPU_ON64." sz)
		row3("... of which CPU_OFF", "exits.PSCI_CPU_OFF." sz)
		row3("... of which AFFINITY_INFO (the boot CPU polling for OFF)", "exits.PSCI_AFFINITY_INFO64." sz)
		print ""
		print "The wake-up is the target thread's share: the condition variable's"
		print "wake-up, the host scheduler, then (late only) KVM_ARM_VCPU_INIT, then PC"
		print "and x0 and KVM_RUN. Lock hold times are not measured."
	}
	print ""
	heading("Start-up: whole-process wall time of `vmm boot guest.img -p null` (ns)")
	table("| user mode | kernel mode |")
	printf "| %s | %s |\n", cell("user", "startup"), cell("kernel", "startup")
	print ""
}

function linux_report() {
	if (("user" SUBSEP "linux.exit_ms") in n) {
		heading(sprintf("Linux start-up (ms of wall time, %d interleaved runs per mode)", n["user" SUBSEP "linux.exit_ms"]))
		printf "The Debian Image (%.1f MiB) with the busybox initramfs on 4 vCPUs, 512 MiB, to `poweroff -f`.\n", med("info", "linux_image_bytes") / 1048576
		print ""
		table("| from the launch of `vmm boot` to | user mode | kernel mode | ratio |")
		lrow("the guest's first instruction (vCPU 0's first KVM_RUN)", "linux.first_run_ms")
		lrow("/init running (its first marker line)", "linux.init_ms")
		lrow("the VMM's exit after poweroff", "linux.exit_ms")
		print ""
		print "Where the VMM's own time goes (ms):"
		print ""
		table("| step | user mode | kernel mode |")
		row("open the kernel and initrd files", "linux.opened_ms", "", "")
		row("build the VM (RAM, vCPUs, vGIC, filter; read kernel and initrd into RAM)", "linux.vm_built_ms", "", "")
		row("tear the VM down after poweroff", "linux.teardown_ms", "", "")
		print ""
	}
}

# ACPI hotplug per kernel (tests/nested/bench-acpi-hotplug.sh): one column
# per kernel that has samples, 6.12 first, and newest / 6.12 when both do.
function acpi_report(    ks, nk, i, k, line, sep, hdr) {
	nk = 0
	split("6.12 newest 6.1", ks, " ")
	for (i = 1; i <= 3; i++) if ((ks[i] SUBSEP "acpi.plug_to_online_ms") in n) have[++nk] = ks[i]
	if (!nk) return
	heading(sprintf("ACPI vCPU hotplug per kernel (ms of wall time, %d plug/unplug cycles of one vCPU)", n[have[1] SUBSEP "acpi.plug_to_online_ms"]))
	print "Linux booted with `--acpi -c 2 --max-cpus 4`; the guest's uevent helper onlines each"
	print "hot-added CPU; `plug` answers once the guest's _OST said success and it started the vCPU."
	print ""
	for (i = 1; i <= nk; i++) printf "- %s: %s\n", have[i], (have[i] in kpkg) ? kpkg[have[i]] : "?"
	print ""
	hdr = "| step |"; sep = "| --- |"
	for (i = 1; i <= nk; i++) { hdr = hdr " " have[i] " |"; sep = sep " --- |" }
	both = (("6.12" SUBSEP "acpi.plug_to_online_ms") in n) && (("newest" SUBSEP "acpi.plug_to_online_ms") in n)
	if (both) { hdr = hdr " newest / 6.12 |"; sep = sep " --- |" }
	print hdr
	print sep
	acpi_row("`vmm ctl plug 3` until cpu3 is online in the guest", "acpi.plug_to_online_ms", nk, both)
	acpi_row("`vmm ctl unplug 3` (eject request, offline, _EJ0, reply)", "acpi.unplug_ms", nk, both)
	print ""
}

function acpi_row(label, key, nk, both,    i, line) {
	line = "| " label " |"
	for (i = 1; i <= nk; i++) line = line " " cell(have[i], key) " |"
	if (both) line = line sprintf(" **%.2f** |", ratio(med("newest", key), med("6.12", key)))
	print line
}

# Snapshot and restore (tests/nested/bench-snapshot.sh), issue 18's goals:
# restore at least 10x faster than a cold boot, a restore's RSS not the
# guest's RAM.
function snapshot_report(    boot, back, rss, anon) {
	if (!(("snap" SUBSEP "restore_to_shell_ms") in n)) return
	heading(sprintf("Snapshot and restore (%d rounds)", n["snap" SUBSEP "restore_to_shell_ms"]))
	printf "%s. Wall time in ms, memory in KiB.\n", ("snap" in kpkg) ? kpkg["snap"] : "Linux"
	print ""
	table("| what | median (min-max) |")
	printf "| cold boot: launch to /init running | %s |\n", cell("snap", "cold_boot_to_init_ms")
	printf "| `vmm ctl snapshot DIR` (wall) | %s |\n", cell("snap", "snapshot_wall_ms")
	printf "| ... as the reply says (ok BYTES MS) | %s |\n", cell("snap", "snapshot_reply_ms")
	printf "| ... BYTES | %s |\n", cell("snap", "snapshot_bytes")
	printf "| ... the directory on disk (du, KiB) | %s |\n", cell("snap", "snapshot_disk_kib")
	printf "| `vmm restore DIR`: launch to the shell answering | %s |\n", cell("snap", "restore_to_shell_ms")
	printf "| VmRSS of the booted VMM, idle shell | %s |\n", cell("snap", "booted_rss_kib")
	printf "| VmRSS of the restored VMM, just answered | %s |\n", cell("snap", "restored_rss_kib")
	printf "| ... of which anonymous (private copies) | %s |\n", cell("snap", "restored_rss_anon_kib")
	printf "| ... of which file-backed (the ram file, shared) | %s |\n", cell("snap", "restored_rss_file_kib")
	printf "| ... of which shmem (the ram file on a tmpfs, shared) | %s |\n", cell("snap", "restored_rss_shmem_kib")
	print ""
	boot = med("snap", "cold_boot_to_init_ms"); back = med("snap", "restore_to_shell_ms")
	anon = med("snap", "restored_rss_anon_kib")
	printf "- cold boot to /init / restore to a running shell: **%.1f** (target >= 10: %s)\n", ratio(boot, back), verdict(back && boot / back >= 10)
	printf "- the restored VMM's private memory: %.0f KiB of a 524288 KiB guest (target: not the guest's RAM: %s)\n", anon, verdict(anon < 524288 / 4)
	print ""
}

function footprint_report(    rss, bin, sv) {
	heading("Footprint")
	rss = med("user", "rss_overhead_kib"); bin = med("info", "binary_bytes")
	printf "- peak RSS beyond the guest RAM it touched: %.0f KiB (target <= 2048: %s)\n", rss, verdict(rss <= 2048)
	printf "- static `build/vmm`: %.0f bytes (target <= 1048576: %s)\n", bin, verdict(bin <= 1048576)
	print ""
	heading("System calls per forwarded call (counted by the VMM itself)")
	table("| function | what the VMM does | user | late |")
	sv = med("user", "syscalls.PSCI_VERSION")
	printf "| PSCI_VERSION | KVM_RUN, x0 written | %.2f (target: exactly 2: %s) | %.2f |\n", sv, verdict(sv == 2), med("late", "syscalls.PSCI_VERSION")
	printf "| CPU_ON (caller) | KVM_RUN, 3 argument reads, SCTLR_EL1 for the endianness, x0 | %.2f (6) | %.2f |\n", med("user", "syscalls.PSCI_CPU_ON64"), med("late", "syscalls.PSCI_CPU_ON64")
	printf "| CPU_ON (target) | PC, x0 (+2 if big-endian); late: KVM_ARM_VCPU_INIT first unless never run | %.2f (2) | %.2f |\n", med("user", "syscalls.cpu_on_target"), med("late", "syscalls.cpu_on_target")
	printf "| AFFINITY_INFO | KVM_RUN, 2 argument reads, x0 | %.2f (4) | %.2f |\n", med("user", "syscalls.PSCI_AFFINITY_INFO64"), med("late", "syscalls.PSCI_AFFINITY_INFO64")
	printf "| CPU_OFF | KVM_RUN, then the warm reset done ahead (late: KVM_RUN only) | %.2f (2) | %.2f |\n", med("user", "syscalls.PSCI_CPU_OFF"), med("late", "syscalls.PSCI_CPU_OFF")

	if (ns) {
		W = 640; H = 400; L = 70; R = 20; T = 30; Bm = 50
		ymax = 0
		for (i = 1; i <= ns; i++) { if (yu[i] > ymax) ymax = yu[i]; if (yl[i] > ymax) ymax = yl[i]; if (yk[i] > ymax) ymax = yk[i] }
		if (ymax <= 0) ymax = 1
		xmax = sizes[ns]
		printf "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif' font-size='12'>\n", W, H > svg
		printf "<rect width='100%%' height='100%%' fill='white'/>\n" > svg
		printf "<text x='%d' y='18' text-anchor='middle'>vCPU bring-up time (all on, then all off)</text>\n", W / 2 > svg
		printf "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black'/>\n", L, H - Bm, W - R, H - Bm > svg
		printf "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black'/>\n", L, T, L, H - Bm > svg
		for (i = 1; i <= ns; i++) {
			x = L + (W - L - R) * sizes[i] / xmax
			printf "<text x='%.1f' y='%d' text-anchor='middle'>%d</text>\n", x, H - Bm + 16, sizes[i] > svg
		}
		for (t = 0; t <= 4; t++) {
			y = H - Bm - (H - Bm - T) * t / 4
			printf "<text x='%d' y='%.1f' text-anchor='end'>%.1f ms</text>\n", L - 4, y + 4, ymax * t / 4 / 1e6 > svg
		}
		printf "<text x='%d' y='%d' text-anchor='middle'>vCPUs</text>\n", (W + L) / 2, H - 12 > svg
		split("user late kernel", modes, " ")
		split("#c0392b #e67e22 #2c6fbb", colours, " ")
		for (m = 1; m <= 3; m++) {
			pts = ""
			for (i = 1; i <= ns; i++) {
				x = L + (W - L - R) * sizes[i] / xmax
				y = H - Bm - (H - Bm - T) * (m == 1 ? yu[i] : m == 2 ? yl[i] : yk[i]) / ymax
				pts = pts sprintf("%.1f,%.1f ", x, y)
			}
			printf "<polyline fill='none' stroke='%s' stroke-width='2' points='%s'/>\n", colours[m], pts > svg
			printf "<text x='%d' y='%d' fill='%s'>%s mode</text>\n", L + 10, T + 16 * m, colours[m], modes[m] > svg
		}
		print "</svg>" > svg
	}
}
