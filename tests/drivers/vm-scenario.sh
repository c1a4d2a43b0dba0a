# vm-scenario.sh: host-side helpers for the fixture VM scenarios (tests/vm/fixture-*.sh): build, boot, count.
#
# Source it, then call fixture_run_vm JOB [vm/run options...]. It builds the
# fixtures, boots the VM with them in /root, runs JOB there (a busybox sh script
# that sources /root/guest-checks.sh), prints every case's PASS/FAIL line and
# ends with "N passed, N failed". A VM that dies or times out, or a job that
# stops before fixture_done, is a failure, never a silent pass.

fixture_top=$(cd "$(dirname "$0")/../.." && pwd)
fixture_work=$(mktemp -d "${TMPDIR:-/tmp}/ddv-fixture.XXXXXX")
trap 'rm -rf "$fixture_work"' EXIT

fixture_summary() {
	echo "$1 passed, $2 failed"
	[ "$2" = 0 ]
}

fixture_run_vm() {
	job=$1
	shift
	name=$(basename "$0" .sh)
	if ! "$fixture_top/tests/drivers/build-fixtures" "$fixture_work/ko"; then
		echo "FAIL: $name: the fixtures build"
		fixture_summary 0 1
		return
	fi
	set -- --quiet --timeout "${FIXTURE_VM_TIMEOUT:-240}" \
		--add "$fixture_top/tests/drivers/guest-checks.sh" \
		--out "$fixture_work/out" --log "$fixture_work/console.log" "$@"
	for ko in "$fixture_work"/ko/*.ko; do
		set -- "$@" --add "$ko"
	done
	status=0
	"$fixture_top/vm/run" "$@" --script "$job" >"$fixture_work/vm.out" 2>&1 ||
		status=$?
	results=$fixture_work/out/results
	passed=0
	failed=0
	if [ -f "$results" ]; then
		grep -E '^(PASS|FAIL): ' "$results"
		passed=$(grep -c '^PASS: ' "$results")
		failed=$(grep -c '^FAIL: ' "$results")
	fi
	if [ ! -f "$results" ] || ! grep -qx DONE "$results"; then
		echo "FAIL: $name: the job ran to its end (vm/run status $status)"
		failed=$((failed + 1))
		cat "$fixture_work/vm.out" >&2
		tail -n 40 "$fixture_work/console.log" >&2
	elif [ "$failed" != 0 ]; then
		echo "--- console log of the failing run" >&2
		tail -n 60 "$fixture_work/console.log" >&2
	fi
	fixture_summary "$passed" "$failed"
}
