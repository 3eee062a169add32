# Issue 18: test-snapshot-linux-continues-after-kill.sh with --acpi: the
# plugged CPU came through the guest's own ACPI hotplug (the GED, _STA,
# _OST), and a restore keeps the hotplug registers, so plug and unplug after
# it are answered "ok" on the guest's own success status again.
SNAP_ACPI=1
. tests/nested/test-snapshot-linux-continues-after-kill.sh
