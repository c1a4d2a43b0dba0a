# ddv-pieces.sh: sourced by the VM scenarios (tests/vm/lib.sh) and the scripts that boot ddv in the VM (scripts/bench-load, scripts/soak, scripts/corpus): where this build's ddv pieces are and the vm/run options that put them into the guest.
# shellcheck shell=bash disable=SC2034 # ddv_cli, ddv_ko, ddv_packs are for the caller
#
# vm_build names the configured build tree (the caller sets it).

# ddv_pieces [MODULE_TREE]: sets ddv_cli from the build tree, and ddv_ko and ddv_packs
# (space-separated .ko paths: each pack module carries its own catalog) from MODULE_TREE,
# default the build tree (another kernel's: vm_kernel_fixtures; user space is the same for
# every kernel), as `make` and `make modules` leave them; or returns 1 naming what is
# missing in ddv_missing.
ddv_pieces() {
	local mods=${1:-$vm_build}

	ddv_missing=
	ddv_cli=$vm_build/cli/ddv
	[ -x "$ddv_cli" ] || ddv_missing="$ddv_missing $ddv_cli"
	ddv_ko=$mods/runtime/linux/ddv.ko
	[ -f "$ddv_ko" ] || ddv_missing="$ddv_missing $ddv_ko"
	ddv_packs=$(ls "$mods"/generated/ddv*.ko 2>/dev/null | tr '\n' ' ')
	[ -n "$ddv_packs" ] || ddv_missing="$ddv_missing $mods/generated/ddv-<pack>.ko"
	[ -z "$ddv_missing" ]
}

# ddv_vm_options: prints the vm/run options (one word a line) that put ddv into the guest
# the way `ddv vm` does (cli/cmd/cmd_vm.c): the command in /usr/local/bin, the runtime and the
# packs in /usr/local/lib/ddv/modules, and the variables that point the command there. Call after ddv_pieces succeeded.
ddv_vm_options() {
	local f
	printf -- '--add\n%s:/usr/local/bin/ddv\n' "$ddv_cli"
	for f in $ddv_ko $ddv_packs; do
		printf -- '--add\n%s:/usr/local/lib/ddv/modules/\n' "$(ddv_vm_stripped "$f")"
	done
	printf -- '--env\nDDV_MODULE_DIR=/usr/local/lib/ddv/modules\n'
	printf -- '--env\nDDV_STATE_DIR=/run/ddv\n'
}

# ddv_vm_stripped MODULE: a copy of MODULE without its debug info (.vm/ beside it, made once
# per build of it), or MODULE itself where that cannot be written. The guest reads none of
# it, and the linux pack's is 17 of its 19 MB: each boot's initramfs carried it, and each
# `ddv start` read it into the kernel (0.69 s a start in a TCG guest, 0.60 s stripped).
ddv_vm_stripped() {
	local dir=${1%/*}/.vm copy

	copy=$dir/${1##*/}
	if [ ! -f "$copy" ] || [ "$1" -nt "$copy" ]; then
		mkdir -p "$dir" 2>/dev/null &&
			strip --strip-debug -o "$copy.$$" "$1" 2>/dev/null &&
			mv -f "$copy.$$" "$copy" || { rm -f "$copy.$$"; echo "$1"; return; }
	fi
	echo "$copy"
}

# The source tree this file is in (vm/ of it), for vm_kernel_tree.
ddv_src_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# vm_kernel_tree DIR KDIR: configures the build tree DIR for the kernel headers KDIR
# (once) and runs `make modules` there, so ddv.ko and the packs are built for that kernel
# (from a source tree: its configure, runtime/ and generated/).
# One builder at a time per tree: scenarios sharing it (k612, runtime-612, the 6.12
# fixtures) wait their turn. `make modules` rebuilds everything (~30 s of CPU, the pack's
# 1.7 MB of C): it runs again only when a source of the modules (runtime/, generated/) or
# the configuration is newer than the last build's stamp.
vm_kernel_tree() {
	mkdir -p "$1" || return 1
	(
		flock 9
		cd "$1" || exit 1
		if [ ! -f Makefile ] || ! grep -qx "KDIR = $2" Makefile; then
			"$ddv_src_top/configure" --with-kernel="$2" >configure.out 2>&1 ||
				{ tail -n 20 configure.out; exit 1; }
		fi
		if [ -f .modules-built ] && [ -f runtime/linux/ddv.ko ] &&
			[ -z "$(find Makefile "$ddv_src_top/runtime" "$ddv_src_top/generated" -newer .modules-built \
				-print -quit 2>/dev/null)" ]; then
			exit 0
		fi
		rm -f .modules-built
		touch .modules-building
		make modules >modules.out 2>&1 || { tail -n 40 modules.out; exit 1; }
		mv .modules-building .modules-built
	) 9>"$1/.lock"
}
