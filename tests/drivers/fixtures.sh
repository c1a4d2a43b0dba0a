# fixtures.sh: host-side helpers of the fixture VM scenarios (tests/vm/fixture-*.sh); source after tests/vm/lib.sh.
#
# fixture_build compiles the fixture drivers once per scenario; fixture_vm_options
# then prints the vm/run options that put them into the guest twice: as
# /root/NAME.ko for a plain insmod, and under /lib/modules/KVER/extra/ so that
# `ddv load NAME` (libkmod) finds them by name. The guest helpers in
# tests/drivers/guest-fixture.sh come along as /root/guest-fixture.sh.

fixture_ko=$vm_work/fixtures

# fixture_build: a failed build is a failed case, and the scenario cannot go on.
fixture_build() {
	if "$vm_top/tests/drivers/build-fixtures" "$fixture_ko" \
		>"$vm_work/fixtures-build.out" 2>&1; then
		return 0
	fi
	cat "$vm_work/fixtures-build.out" >&2
	fail "$vm_name: the fixture drivers build"
	return 1
}

fixture_vm_options() {
	local ko

	printf -- '--add %s:/root/guest-fixture.sh\n' \
		"$vm_top/tests/drivers/guest-fixture.sh"
	for ko in "$fixture_ko"/*.ko; do
		printf -- '--add %s\n--add-module %s\n' "$ko" "$ko"
	done
}
