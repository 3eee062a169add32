# Without --irqchip gicv3-its (or with --irqchip gicv3) the machine has no
# ITS: the guest's device tree names none, and the `its` mode fails cleanly
# (the guest's one line, exit 1) instead of poking at an address where
# nothing answers; with --acpi the same (the MADT names none). A value other than gicv3 or gicv3-its is the VMM's one
# line, exit 2, for both spellings.
. tests/nested/lib.sh
for args in "" "--irqchip gicv3"; do
	log=/tmp/its-absent.log
	# shellcheck disable=SC2086
	vmm_expect 1 $log boot guest.img -p its $args
	expect_count 1 '^guest: its: no arm,gic-v3-its node in the device tree' $log
	expect_line 'the guest reported failure' $log
	expect_no_line '^@@ its: at ' $log
done
# The same with --acpi: the MADT has no GIC ITS structure.
log=/tmp/its-absent-acpi.log
vmm_expect 1 $log boot guest.img -p its --acpi
expect_count 1 '^guest: its: no GIC ITS structure in the MADT' $log
expect_count 1 '^guest: ' $log
expect_line 'the guest reported failure' $log
expect_no_line '^@@ its: at ' $log
vmm_expect 2 /tmp/its-bad.log boot guest.img --irqchip gicv2
expect_one_line_error /tmp/its-bad.log "--irqchip: 'gicv2' is not supported by this VMM"
vmm_expect 2 /tmp/its-bad-run.log run -k guest.img --irqchip gicv3-its-v2
expect_one_line_error /tmp/its-bad-run.log "--irqchip: 'gicv3-its-v2' is not supported"
