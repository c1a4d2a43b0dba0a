#!/bin/bash
# catalog.sh: VM test: names come from the pack modules: the runtime hands each pack's catalog to the ddv command, which names rules, functions and sites by it, and refuses a catalog that is not its pack's (another version) in every command that names them.
#
# A pack module carries its catalog (section .ddv_catalog) beside its tables,
# both from one ddvc run, so they cannot disagree unless the module is built
# wrong: the skewed pack here is the scope test pack with its catalog's
# version edited after ddvc wrote it. With the shipped pack every command
# works, and ddv report still names findings from the state's copy after
# ddv stop; with the skewed one ddv start, off, on, trace, log, report (with
# suppressions), sites and campaign each exit 1 with the sentence that names
# both versions, and ddv stop still unloads it all.
set -u
. "$(dirname "$0")/lib.sh"

skew=$vm_work/skew
build_skewed_pack() {
	local kdir symvers=$vm_build/runtime/kbuild/ddv/Module.symvers

	kdir=$(DDV_BUILD_DIR=$vm_build "$vm_top/tests/drivers/default-kdir") || return 1
	rm -rf "$skew" && mkdir -p "$skew" || return 1
	(cd "$vm_top/tests/drivers/scope-pack" && "$vm_build/compiler/ddvc" compile scopetest.ddv -o "$skew") ||
		return 1
	# The catalog's pack line only: the descriptor keeps the version ddvc gave it.
	sed -i 's/^\(\t"pack scopetest [^+]*+\)[0-9a-f]*\\n"$/\100000000\\n"/' "$skew/scopetest.c"
	grep -q '"pack scopetest [^+]*+00000000\\n"' "$skew/scopetest.c" || return 1
	make -s -C "$kdir" M="$skew" DDV_SRCDIR="$vm_top" KBUILD_EXTRA_SYMBOLS="$symvers" modules \
		>"$skew/build.out" 2>&1
	[ -f "$skew/ddv-scopetest.ko" ] || { cat "$skew/build.out" >&2; return 1; }
}

if ! ddv_pieces; then
	fail "catalog: ddv is built" "missing:$ddv_missing"
	vm_summary
	exit 1
fi
if ! build_skewed_pack; then
	fail "catalog: the skewed test pack builds"
	vm_summary
	exit 1
fi
want_version=$(sed -n 's/^\t\.version = "\(.*\)",$/\1/p' "$skew/scopetest.c")
[ -n "$want_version" ] || fail "catalog: the skewed pack's own version is found"

{
	echo ". /root/guest-lib.sh"
	echo "want_version='$want_version'"
	cat <<'JOB'
e1000=/root/e1000-6.1.0-56.ko
# run NAME STATUS CMD...: CMD exits with STATUS; its output in /out/cmd.out.
run() {
	_name=$1 _want=$2
	shift 2
	"$@" >/out/cmd.out 2>&1
	_got=$?
	cat /out/cmd.out
	check "$_name (exit $_got, want $_want)" test "$_got" = "$_want"
}
said() { grep -qF -- "$1" /out/cmd.out; }

# The shipped pack: its catalog comes from the runtime, and names everything.
run "ddv start" 0 ddv start
check "the state keeps the pack's catalog" grep -q '^pack linux ' /run/ddv/catalog.1
run "ddv --version with the runtime" 0 ddv --version
check "names the runtime's versions" grep -q '^runtime: control version [0-9]*, pack ABI [0-9]*$' /out/cmd.out
check "and the pack's" grep -q '^pack linux 1\.0+[0-9a-f]*$' /out/cmd.out
run "ddv off a rule by its id" 0 ddv off heap.double-free
run "ddv on it again" 0 ddv on heap.double-free
run "ddv off a rule no pack has fails" 1 ddv off heap.no-such-rule
check "and says so" said "no such rule in the loaded packs, nor function"
run "ddv sites with the runtime's packs" 0 ddv sites "$e1000"
check "names e1000's calls of kfree" grep -q '	kfree	' /out/cmd.out
run "ddv trace a function" 0 ddv trace kfree calls
# No driver ran: the report fails rather than pass with "0 findings" (exit 1).
run "ddv report" 1 ddv report
check "says nothing was checked" said "nothing was checked: no driver was loaded or attached"
run "ddv stop" 0 ddv stop
run "ddv report after stop, from the state's copy" 1 ddv report
check "counts nothing" said "0 findings"

# A pack whose catalog is of another version: refused wherever names are used.
export DDV_PACK_DIR=/root/skew
refused="pack scopetest: the runtime has version $want_version, but its catalog (/run/ddv/catalog.1) is scopetest "
run "ddv start with the skewed pack" 1 ddv start
check "says so, naming both versions" said "$refused"
check "the runtime is there to be stopped" test -e /dev/ddv
for cmd in "off scopetest.scope.locked" "on scopetest.scope.locked" "trace kmalloc calls" "log" \
	"report" "report --suppress heap.leak" "sites $e1000" "campaign exhaustive --journal /tmp/j $e1000"; do
	# shellcheck disable=SC2086 # the command's words
	run "ddv $cmd refuses the catalog" 1 ddv $cmd
	check "ddv $cmd says why" said "$refused"
done
run "ddv stop" 0 ddv stop
check "the runtime is gone" test ! -e /dev/ddv
check "no warning or oops" kernel_sound
guest_done
JOB
} >"$vm_work/catalog.job"
# shellcheck disable=SC2046 # one option or path per line, none with blanks
vm_job catalog --timeout 300 $(ddv_vm_options) \
	--add "$vm_top/tests/cli/data/e1000-6.1.0-56.ko:/root/" \
	--add "$skew/ddv-scopetest.ko:/root/skew/" --script "$vm_work/catalog.job"
expect_status "catalog: the job ran" 0
expect_kernel_sound "catalog: the console shows no splat"
vm_summary
