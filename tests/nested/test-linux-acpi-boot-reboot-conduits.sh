# --acpi: Linux boots from the ACPI tables the VMM hands over through its
# minimal EFI system table (no firmware), over both conduits and with KVM's
# in-kernel PSCI too; reboot -f goes through SYSTEM_RESET and the same ACPI
# machine comes back.
. tests/nested/lib.sh
. tests/nested/linux-lib.sh

# HVC, userspace PSCI: the tables were found and PSCI came from the FADT.
vmm_expect 0 /tmp/acpi-hvc.log $LINUX --acpi -c 2 -p "console=ttyS0 vmm=poweroff"
expect_line '^@@ linux up: online=0-1 possible=0-1 mode=poweroff' /tmp/acpi-hvc.log
expect_line 'ACPI: (RSDP|XSDT|FACP|APIC|GTDT|SPCR|DSDT) ' /tmp/acpi-hvc.log
expect_count 7 'ACPI: (RSDP|XSDT|FACP|APIC|GTDT|SPCR|DSDT) 0x' /tmp/acpi-hvc.log
expect_line '^@@ dmesg: .*psci: probing for conduit method from ACPI' /tmp/acpi-hvc.log
expect_line '^@@ dmesg: .*psci: PSCIv1.3 detected' /tmp/acpi-hvc.log
expect_line 'efi: EFI v2.* by vmm' /tmp/acpi-hvc.log
expect_no_line 'Kernel panic|Oops|WARNING:|Call trace' /tmp/acpi-hvc.log

# SMC: the FADT drops PSCI_USE_HVC and the calls arrive flagged as SMC.
vmm_expect 0 /tmp/acpi-smc.log $LINUX --acpi -c 2 --conduit smc --trace -p "console=ttyS0 vmm=poweroff"
expect_line '^@@ linux up: online=0-1' /tmp/acpi-smc.log
expect_line '^trace: vcpu 0 smc PSCI_CPU_ON64' /tmp/acpi-smc.log
expect_no_line '^trace: vcpu [0-9]+ hvc' /tmp/acpi-smc.log

# KVM's own PSCI reads the same FADT.
vmm_expect 0 /tmp/acpi-kernel.log $LINUX --acpi -c 2 --psci kernel -p "console=ttyS0 vmm=poweroff"
expect_line '^@@ linux up: online=0-1' /tmp/acpi-kernel.log
expect_line '^@@ dmesg: .*psci: PSCIv1.1 detected' /tmp/acpi-kernel.log

# reboot -f: SYSTEM_RESET, a fresh VM, the ACPI machine again.
sock=/tmp/acpi-rb.sock
log=/tmp/acpi-rb.log
linux_reboot_then_quit $log --acpi -c 2 --max-cpus 3
expect_count 2 '^@@ linux up: online=0-1 possible=0-2' $log.clean
expect_count 2 '^@@ dmesg: .*psci: probing for conduit method from ACPI' $log.clean
