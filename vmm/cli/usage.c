/*
 * The help texts: `vmm --help` (laid out as `lkvm --help`, which wrappers
 * probe), `vmm boot --help` / `vmm run --help`, and the version line.
 * Data only; main.c prints them.
 */
#include "vmm/cli/cli.h"

/*
 * Laid out as kvmtool's top-level help is (builtin-help.c): scripts that
 * drive `lkvm` look for "The most commonly used ... commands are:" to tell
 * a kvmtool-compatible binary from anything else.
 */
const char cli_main_usage[] =
    "\n"
    " A minimal arm64 KVM VMM that answers the guest's PSCI calls itself.\n"
    "\n"
    "usage: vmm [--version] [--help] COMMAND [ARGS]\n"
    "\n"
    " The most commonly used vmm commands are:\n"
    "   boot       Boot IMAGE in a new VM: vmm boot IMAGE [OPTIONS]\n"
    "   run        The same with kvmtool's `lkvm run` options: vmm run -k IMAGE\n"
    "   restore    Continue a snapshot (vmm ctl SOCK snapshot DIR): vmm restore DIR\n"
    "   ctl        Talk to a running VM's control socket: vmm ctl SOCKET|NAME help\n"
    "   list       List the running named VMs (--name): vmm list [--json]\n"
    "   info       Print what this host's KVM offers (vCPUs, SMCCC filter, PMU)\n"
    "   timeline   Draw a --trace-file record as SVG, or as Perfetto JSON (--format trace-event)\n"
    "   version    Print the version of vmm\n"
    "\n"
    " See 'vmm help COMMAND' (or vmm COMMAND --help) for a command's options.\n"
    "\n";

const char cli_boot_usage[] =
    "usage: vmm boot IMAGE [OPTIONS]\n"
    "       vmm run -k IMAGE [OPTIONS]   (kvmtool spellings)\n"
    "\n"
    "Boot IMAGE (an arm64 Linux Image, or a flat binary loaded at RAM+0x80000) in a new\n"
    "KVM VM. PSCI calls are forwarded to and answered by this program (--psci user).\n"
    "\n"
    "  -c, --cpus N          vCPUs present at boot (default 1; at most the host's KVM limit)\n"
    "      --max-cpus M      vCPUs possible (default: --cpus); vCPUs N..M-1 start absent\n"
    "                        and can be plugged through the control socket\n"
    "      --control PATH    control socket (UNIX, mode 0600): vmm ctl PATH help\n"
    "      --name NAME       name the VM: its control socket is $XDG_RUNTIME_DIR/vmm/NAME.sock\n"
    "                        (/run/vmm/NAME.sock as root); vmm ctl NAME ..., vmm list\n"
    "  -m, --mem SIZE        guest RAM: 256M, 1G, ... a bare number is MiB (default 256M)\n"
    "  -p, --params STR      kernel command line (/chosen/bootargs); also --cmdline\n"
    "  -i, --initrd FILE     initial ramdisk\n"
    "      --psci MODE       user (default): PSCI in this VMM via the SMCCC filter;\n"
    "                        kernel: KVM's in-kernel PSCI\n"
    "      --conduit C       hvc (default) or smc: the DT's PSCI method\n"
    "      --trace           print one line per forwarded call (vCPU, conduit, function,\n"
    "                        arguments, result) on stderr\n"
    "      --trace-file PATH write every forwarded call and every vCPU power-state change\n"
    "                        to PATH, one JSON object per line (vmm timeline draws it)\n"
    "      --inject RULE     fault/latency injection (repeatable), e.g.\n"
    "                        CPU_ON:cpu=2:next=1:ret=INTERNAL_FAILURE, CPU_ON:delay=200ms,\n"
    "                        CPU_ON:cpu=3:lost; options cpu=N next=N ret=CODE delay=DUR lost\n"
    "      --dump-dtb FILE   write the generated device tree to FILE and continue\n"
    "      --max-resets N    end with an error after N guest SYSTEM_RESETs (default 100)\n"
    "      --exit-stats      at exit, print the `stats` counters and the VMM's memory use\n"
    "                        (peak RSS, guest RAM resident) on stderr\n"
    "      --smccc-filter BASE[-END|+COUNT]:handle|deny|forward\n"
    "                        add an SMCCC filter range (repeatable); forwarded calls with\n"
    "                        no userspace service answer NOT_SUPPORTED and are traced\n"
    "      --smccc-services LIST  in-kernel services the guest may discover: a comma list\n"
    "                        of trng, pv-time, kvm-features, ptp; or none / all (default)\n"
    "      --psci-version X.Y  KVM's in-kernel PSCI version (--psci kernel): 0.2, 1.0, 1.1\n"
    "      --impl-cpus MIDR:REVIDR:AIDR[,...]  CPU implementations DISCOVER_IMPL_CPUS\n"
    "                        reports (default: the host CPU's)\n"
    "      --acpi            describe the machine to a Linux guest with ACPI tables (handed\n"
    "                        over through a minimal EFI system table, no firmware) instead\n"
    "                        of a device tree; with --max-cpus, vCPUs are hot-added and\n"
    "                        ejected through ACPI (vmm ctl PATH plug/unplug N)\n"
    "      --pmu             give every vCPU a virtual PMUv3 (overflow interrupt PPI 7,\n"
    "                        INTID 23); an error where the host's KVM has none\n"
    "      --irqchip CHIP    gicv3 (default) or gicv3-its: a GICv3 ITS as well (LPIs, MSIs;\n"
    "                        DT node arm,gic-v3-its, MADT GIC ITS entry); kvmtool's spelling\n"
    "      --sandbox MODE    on (default): seccomp filters per thread, Landlock, no_new_privs;\n"
    "                        a call outside the lists kills the VMM (SIGSYS); log: log it\n"
    "                        instead (dmesg, audit type=1326); off; strict: as on, and\n"
    "                        refuse to start without Landlock\n"
    "      --snapshot-dir DIR  the directory `vmm ctl PATH snapshot` may write into\n"
    "  -h, --help            this text\n"
    "\n"
    "`vmm run` also takes kvmtool's -k/--kernel IMAGE, --console serial,\n"
    "-n/--network none|mode=none, --loglevel LEVEL and --nodefaults; it ignores\n"
    "--nocompat, --no-dhcp and --debug, and refuses in one line the kvmtool\n"
    "options for what this VMM does not have (--disk, --9p, --balloon, --vhost, ...).\n"
    "A kernel or initrd it cannot read is reported as kvmtool does (\"  Fatal: ...\").\n"
    "\n"
    "Exit status: 0 after the guest's SYSTEM_OFF, 1 if the guest reported a failure,\n"
    "2 on a VMM error, 130 when stopped by SIGINT/SIGTERM or Ctrl-A x.\n";

/*
 * The Makefile passes `git describe --always --dirty` of the tree built. The
 * number stays first, as kvmtool's `lkvm version` has it ("kvm tool 3.18"):
 * wrappers read a version number there, not a commit hash.
 */
#ifndef VMM_GIT_VERSION
#define VMM_GIT_VERSION "unknown"
#endif
const char cli_version[] = "vmm version 0.1 (git " VMM_GIT_VERSION ")\n";
