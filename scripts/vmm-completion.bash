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

# Offer the words of $1 that start with the word being completed.
_vmm_offer()
{
	mapfile -t COMPREPLY < <(compgen -W "$1" -- "$cur")
}

_vmm()
{
	local cur prev words cword
	_init_completion || return

	if [ "$cword" -eq 1 ]; then
		_vmm_offer "boot run restore ctl list info timeline help version --help
			--version"
		return
	fi
	case ${words[1]} in
	boot | run)
		case $prev in
		--initrd | -i | --trace-file | --dump-dtb | --kernel | -k | --control)
			_filedir
			return
			;;
		--psci) _vmm_offer "user kernel"; return ;;
		--conduit) _vmm_offer "hvc smc"; return ;;
		--smccc-services) _vmm_offer "trng pv-time kvm-features ptp none all"; return ;;
		--psci-version) _vmm_offer "0.2 1.0 1.1"; return ;;
		--irqchip) _vmm_offer "gicv3 gicv3-its"; return ;;
		--sandbox) _vmm_offer "on log off strict"; return ;;
		--snapshot-dir)
			_filedir -d
			return
			;;
		esac
		if [[ $cur == -* ]]; then
			local opts=$_vmm_boot_options
			[ "${words[1]}" = run ] && opts="$opts $_vmm_run_options"
			_vmm_offer "$opts"
		else
			_filedir
		fi
		;;
	ctl)
		if [ "$cword" -eq 2 ]; then
			_filedir
			mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -W "$(_vmm_names)" -- "$cur")
		elif [ "$cword" -eq 3 ]; then
			_vmm_offer "$_vmm_ctl_commands"
		else
			case ${words[3]} in
			trace) _vmm_offer "on off" ;;
			trace-file) _filedir ;;
			snapshot) if [[ $cur == -* ]]; then _vmm_offer "--stop"; else _filedir -d; fi ;;
			inject) _vmm_offer "list clear" ;;
			cpus | stats | info) _vmm_offer "--json" ;;
			unplug) _vmm_offer "--when-off --timeout" ;;
			esac
		fi
		;;
	restore)
		case $prev in
		--trace-file | --control) _filedir ;;
		--inject | --name | --max-resets) ;;
		*)
			if [[ $cur == -* ]]; then
				_vmm_offer "--control --name --trace --trace-file --inject --exit-stats --max-resets --help"
			else
				_filedir -d
			fi
			;;
		esac
		;;
	timeline)
		if [ "$prev" = --format ]; then
			_vmm_offer "svg trace-event"
		elif [[ $cur == -* ]]; then
			_vmm_offer "-o --title --format"
		else
			_filedir
		fi
		;;
	list)
		_vmm_offer "--json"
		;;
	help)
		_vmm_offer "boot run"
		;;
	esac
}
complete -F _vmm vmm
