# The storm guest must never keep the VMM from ending: SIGTERM in the middle
# of a storm (with host churn) ends it within 3 s with status 130; a storm
# that ends in SYSTEM_RESET, issued while the other vCPUs still storm, ends
# clean after the resets it asked for (status 0) or, past --max-resets, with
# the VMM's one-line refusal (status 2).
. tests/nested/lib.sh
. tests/nested/linux-lib.sh
. tests/nested/storm-lib.sh
storm_run_signal smc 21 sigterm
storm_run_resets hvc 22 2 2 resets
storm_run_resets smc 23 3 1 max-resets
