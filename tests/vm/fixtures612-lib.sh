# fixtures612-lib.sh: what the 6.12 fixture scenario fixtures612.sh needs; source after
# fixtures.sh. The scenario names its kernel on a line "# vm-kernel: VERSION"
# (scripts/test-vm fetches it first).
# shellcheck shell=bash
#
# The 6.12 build tree is k612.sh's (DDV_BUILD_DIR/k612, configured once, vm_kernel_tree
# of vm/ddv-pieces.sh); the fixtures are built against the same headers, and fixtures.sh's
# fixture_ddv_vm boots that kernel.

kver=${DDV_K612_KVER:-$(sed -n 's/^# vm-kernel: *//p' "$0")}
kdir=$("$vm_top/vm/fetch-kernel" --kver "$kver" --headers --print) || kdir=
k612=$vm_build/k612
[ -d "$vm_build" ] && [ -w "$vm_build" ] || k612=$vm_work/k612

# fixtures612_build DIR FIXTURE...: ddv and the fixtures built for $kver into $k612/DIR
# (fixture_ko), or the failure counted and the scenario ended.
fixtures612_build() {
	fixture_ko=$k612/$1
	shift
	if [ ! -f "$kdir/Makefile" ] ||
		! vm_kernel_fixtures "$k612" "$kdir" "$fixture_ko" "$@" >"$vm_work/build-612.out" 2>&1; then
		cat "$vm_work/build-612.out" >&2 2>/dev/null
		fail "build: ddv and the fixtures build against $kver"
		vm_summary
		exit
	fi
	pass "build: ddv and the fixtures build against $kver"
}

# fixtures.sh's fixture_ddv_vm, booting $kver.
fixture_ddv_vm() {
	local job=$vm_work/$1.job

	if ! ddv_pieces "$k612"; then
		fail "$1: ddv is built" "missing:$ddv_missing"
		return 1
	fi
	{
		echo ". /root/guest-lib.sh"
		echo ". /root/guest-fixture.sh"
		echo "check \"the guest runs $kver\" test \"\$(uname -r)\" = \"$kver\""
		echo "$fixture_guest_session"
		echo "$fixture_sessions"
		echo "guest_done"
	} >"$job"
	fixture_sessions=
	# shellcheck disable=SC2046 # one option or path per line, none with blanks
	vm_job "$1" --kver "$kver" --smp 2 --timeout 600 \
		$(ddv_vm_options) $(fixture_vm_options) --script "$job"
	[ "$vm_status" = 0 ] || vm_show_log 60
	return 0
}

# fixture_build: done by fixtures612_build, for 6.12.
fixture_build() { return 0; }
