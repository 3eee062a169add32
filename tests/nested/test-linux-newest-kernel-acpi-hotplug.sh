# Debian's newest arm64 kernel (sid, fetched by scripts/deps): the ACPI
# hotplug sequence of test-linux-acpi-cpu-hotplug.sh, with fewer cycles. This
# kernel evaluates _OST after a device check and an eject request, so every
# plug and unplug is answered "ok" only after the guest's own success status,
# and the refusal carries its "device busy".
KERNEL=newest
ACPI_CYCLES=3
. tests/nested/test-linux-acpi-cpu-hotplug.sh
