# A hostile guest (guest mode `storm`: random PSCI, vendor-hypervisor, Arm
# Architecture and arbitrary calls from every vCPU over HVC and SMC, CPU_ON
# into the storm, timer-woken suspends, console writes with hostile buffers)
# while this script plugs and unplugs vCPUs and toggles tracing every
# 20-50 ms; once per DT conduit. Every answer the guest can know must be
# right; `ctl stats` of the quiet VM and --exit-stats must add up (the
# per-function counts, full table included, to hypercalls); `ctl quit` must
# end the VMM at once with the guest's verdict.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
. tests/nested/storm-lib.sh
storm_run_held hvc 11 1000 hvc
storm_run_held smc 12 1000 smc
# The forwarded SiP range holds 4096 IDs: the 128-slot table fills, and the
# overflow must be shown (and counted in the sums checked above).
grep -a '^vmm: exit-stats: hypercalls=' /tmp/storm-hvc.err | grep -q ' fid_slots=128/128 ' ||
	fail "the per-function table did not fill: $(stats_check "$(grep -a '^vmm: exit-stats: hypercalls=' /tmp/storm-hvc.err)")"
grep -a '^vmm: exit-stats: hypercalls=' /tmp/storm-hvc.err | grep -Eq ' other_fid_calls=[1-9]' ||
	fail "no calls counted as other_fid_calls with a full table"
