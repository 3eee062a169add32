# bash completion for vmm(1); `make install` puts it where bash-completion
# looks (share/bash-completion/completions/vmm).

_vmm_boot_options="--cpus --max-cpus --control --name --mem --params --cmdline --initrd --psci
	--conduit --trace --trace-file --inject --dump-dtb --max-resets --exit-stats
	--smccc-filter --smccc-services --psci-version --impl-cpus --acpi --pmu --irqchip --sandbox
	--snapshot-dir --help"
_vmm_run_options="--kernel --console --network --loglevel --nodefaults
	--nocompat --no-dhcp --debug"
_vmm_ctl_commands="cpus plug unplug stats info pause resume snapshot trace trace-file inject quit help"

# The names of the running named VMs: NAME.sock in the socket directory.
_vmm_names()
{
	local dir=${XDG_RUNTIME_DIR:+$XDG_RUNTIME_DIR/vmm}
	[ "$EUID" -eq 0 ] && dir=/run/vmm
	[ -n "$dir" ] && [ -d "$dir" ] || return
	local f
	for f in "$dir"/*.sock; do
		[ -S "$f" ] && f=${f##*/} && echo "${f%.sock}"
	done
}

_vmm()
{
	local cur prev words cword
	_init_completion || return

	if [ "$cword" -eq 1 ]; then
		mapfile -t COMPREPLY < <(compgen -W "boot run restore ctl list info timeline help version --help
			--version" -- "$cur")
		return
	fi
	case ${words[1]} in
	boot | run)
		case $prev in
		--initrd | -i | --trace-file | --dump-dtb | --kernel | -k)
			_filedir
			return
			;;
		--control)
			_filedir
			return
			;;
		--psci)
			mapfile -t COMPREPLY < <(compgen -W "user kernel" -- "$cur")
			return
			;;
		--conduit)
			mapfile -t COMPREPLY < <(compgen -W "hvc smc" -- "$cur")
			return
			;;
		--smccc-services)
			mapfile -t COMPREPLY < <(compgen -W "trng pv-time kvm-features ptp none all" -- "$cur")
			return
			;;
		--psci-version)
			mapfile -t COMPREPLY < <(compgen -W "0.2 1.0 1.1" -- "$cur")
			return
			;;
		--irqchip)
			mapfile -t COMPREPLY < <(compgen -W "gicv3 gicv3-its" -- "$cur")
			return
			;;
		--sandbox)
			mapfile -t COMPREPLY < <(compgen -W "on log off strict" -- "$cur")
			return
			;;
		--snapshot-dir)
			_filedir -d
			return
			;;
		esac
		if [[ $cur == -* ]]; then
			local opts=$_vmm_boot_options
			[ "${words[1]}" = run ] && opts="$opts $_vmm_run_options"
			mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		else
			_filedir
		fi
		;;
	ctl)
		if [ "$cword" -eq 2 ]; then
			_filedir
			mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -W "$(_vmm_names)" -- "$cur")
		elif [ "$cword" -eq 3 ]; then
			mapfile -t COMPREPLY < <(compgen -W "$_vmm_ctl_commands" -- "$cur")
		else
			case ${words[3]} in
			trace) mapfile -t COMPREPLY < <(compgen -W "on off" -- "$cur") ;;
			trace-file) _filedir ;;
			snapshot) [[ $cur == -* ]] && mapfile -t COMPREPLY < <(compgen -W "--stop" -- "$cur") || _filedir -d ;;
			inject) mapfile -t COMPREPLY < <(compgen -W "list clear" -- "$cur") ;;
			cpus | stats | info) mapfile -t COMPREPLY < <(compgen -W "--json" -- "$cur") ;;
			unplug) mapfile -t COMPREPLY < <(compgen -W "--when-off --timeout" -- "$cur") ;;
			esac
		fi
		;;
	restore)
		case $prev in
		--trace-file | --control) _filedir ;;
		--inject | --name | --max-resets) ;;
		*)
			if [[ $cur == -* ]]; then
				mapfile -t COMPREPLY < <(compgen -W "--control --name --trace --trace-file --inject --exit-stats --max-resets --help" -- "$cur")
			else
				_filedir -d
			fi
			;;
		esac
		;;
	timeline)
		if [ "$prev" = --format ]; then
			mapfile -t COMPREPLY < <(compgen -W "svg trace-event" -- "$cur")
		elif [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "-o --title --format" -- "$cur")
		else
			_filedir
		fi
		;;
	list)
		mapfile -t COMPREPLY < <(compgen -W "--json" -- "$cur")
		;;
	help)
		mapfile -t COMPREPLY < <(compgen -W "boot run" -- "$cur")
		;;
	esac
}
complete -F _vmm vmm
