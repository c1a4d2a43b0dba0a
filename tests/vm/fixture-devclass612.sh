#!/bin/bash
# fixture-devclass612.sh: VM test: fixture-devclass's fixtures and twin on Debian's 6.12, with ddv and its pack built for 6.12 (class_create and the const class prototypes of 6.4 and up, the variadic wrappers' forwarding).
#
# The 6.12 build tree is k612.sh's (DDV_BUILD_DIR/k612, configured once); the fixtures
# are built here against the same headers and judged by fixture-devclass.sh's cases and
# expectations, read from that file.
# scripts/test-vm fetches the kernel named here before the scenarios start:
# vm-kernel: 6.12.107+deb12-amd64
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"
. "$vm_top/tests/vm/devmodel-lib.sh"

kver=${DDV_K612_KVER:-$(sed -n 's/^# vm-kernel: *//p' "$0")}
kdir=$("$vm_top/vm/fetch-kernel" --kver "$kver" --headers --print) || kdir=
k612=$vm_build/k612
[ -d "$vm_build" ] && [ -w "$vm_build" ] || k612=$vm_work/k612
fixture_ko=$k612/devclass-fixtures
fixtures=$(cd "$vm_top/tests/drivers" && ls devclass_*.c | sed 's/\.c$//' | tr '\n' ' ')

# shellcheck disable=SC2086 # one module a word
if [ ! -f "$kdir/Makefile" ] ||
	! vm_kernel_fixtures "$k612" "$kdir" "$fixture_ko" $fixtures >"$vm_work/build-612.out" 2>&1; then
	cat "$vm_work/build-612.out" >&2 2>/dev/null
	fail "build: ddv and the fixtures build against $kver"
	vm_summary
	exit
fi
pass "build: ddv and the fixtures build against $kver"

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
# fixture_build: done above, for 6.12.
fixture_build() { return 0; }
# 6.4 made class_create() the exported symbol (6.1 exports __class_create).
class_create=class_create

# fixture-devclass.sh's cases and judging, on this kernel.
# shellcheck source=fixture-devclass.sh
. <(sed -n '/^inject=/,$p' "$vm_top/tests/vm/fixture-devclass.sh" | sed 's/devmodel_run devclass$/devmodel_run devclass612/')
