# lib.sh: host-side helpers that VM scenarios (tests/vm/*.sh) source: run a job in the VM, judge it, count cases.
# shellcheck shell=bash disable=SC2034 # the vm_* variables are for the scenarios
#
# A scenario sources this file, runs one or more jobs with vm_job (or vm_boot, which
# judges nothing), records cases with
# pass/fail/expect_* and ends with vm_summary, which prints "N passed, N failed" and
# returns non-zero when a case failed.
#
# Cases come from two places:
#   - the host: expect_status, expect_log, expect_no_log, expect_file judge a finished run;
#   - the guest: the job sources /root/guest-lib.sh (added by vm_job) and calls
#     `check NAME COMMAND...`; its lines go to /out/results, which vm_job collects. A job
#     must end with `guest_done`: a run that stopped half way (oops, timeout) is then a
#     failure of its own, never a silently shorter list.
#
# Variables a scenario may read after vm_job or vm_boot: vm_status (vm/run's exit status), vm_log
# (console log), vm_out (the /out directory copied back), vm_elapsed (seconds, wall).
# DDV_BUILD_DIR names the configured build tree holding ddv's built pieces (default
# $top/build, as in scripts/test-all).

vm_top=$(cd "$(dirname "$0")/../.." && pwd)
vm_name=$(basename "$0" .sh)
vm_work=$(mktemp -d "${TMPDIR:-/tmp}/ddv-vmtest.XXXXXX")
trap 'rm -rf "$vm_work"' EXIT
vm_passed=0
vm_failed=0
vm_runs=0
vm_build=${DDV_BUILD_DIR:-$vm_top/build}

pass() {
	echo "PASS: $1"
	vm_passed=$((vm_passed + 1))
}

# fail NAME [WHY]
fail() {
	echo "FAIL: $1${2:+ ($2)}"
	vm_failed=$((vm_failed + 1))
}

# check_host NAME COMMAND...: one host-side case, passed when COMMAND succeeds.
check_host() {
	local name=$1
	shift
	if "$@"; then
		pass "$name"
	else
		fail "$name" "$*"
	fi
}

# vm_boot [vm/run options...] (--script FILE | -- COMMAND...)
# Runs one VM and judges nothing. Sets vm_status, vm_log, vm_out, vm_elapsed.
vm_boot() {
	local start end
	vm_runs=$((vm_runs + 1))
	vm_out=$vm_work/out.$vm_runs
	vm_log=$vm_work/console.$vm_runs.log
	start=$(date +%s)
	vm_status=0
	"$vm_top/vm/run" --quiet --log "$vm_log" --out "$vm_out" \
		--add "$vm_top/tests/vm/guest-lib.sh:/root/guest-lib.sh" "$@" \
		>"$vm_work/run.$vm_runs.out" 2>&1 || vm_status=$?
	end=$(date +%s)
	vm_elapsed=$((end - start))
	return "$vm_status"
}

# vm_job CASE-PREFIX [vm/run options...] (--script FILE | -- COMMAND...)
# Runs one VM like vm_boot, then prints the guest's check lines (prefixed with
# CASE-PREFIX) and counts them; a VM that timed out or died, and a guest job that sourced
# guest-lib.sh but did not reach guest_done, are failures too. Returns vm/run's status.
vm_job() {
	local prefix=$1 line
	shift
	vm_boot "$@"
	if [ -f "$vm_out/results" ]; then
		while IFS= read -r line; do
			case $line in
			"PASS: "*) pass "$prefix: ${line#PASS: }" ;;
			"FAIL: "*) fail "$prefix: ${line#FAIL: }" ;;
			esac
		done <"$vm_out/results"
		grep -qx 'DONE' "$vm_out/results" ||
			fail "$prefix: the guest job ran to its end" "vm/run status $vm_status"
	elif [ "$vm_status" = 124 ] || [ "$vm_status" = 125 ]; then
		fail "$prefix: the VM ran the job" "$(tail -n 1 "$vm_work/run.$vm_runs.out")"
	fi
	return "$vm_status"
}

# Show the end of the last console log on stderr, to explain a failure; first, when the
# kernel complained, its first complaint (the end may hold only what followed it).
vm_show_log() {
	local first

	first=$(grep -nE 'BUG:|Oops:|WARNING:|Kernel panic' "$vm_log" 2>/dev/null | head -n 1 | cut -d: -f1)
	if [ -n "$first" ] && [ "$(($(wc -l <"$vm_log") - first))" -ge "${1:-40}" ]; then
		echo "--- $vm_name: the first complaint in $vm_log (from line $first)" >&2
		sed -n "$((first > 5 ? first - 5 : 1)),$((first + 45))p" "$vm_log" >&2
	fi
	echo "--- $vm_name: last ${1:-40} lines of $vm_log" >&2
	tail -n "${1:-40}" "$vm_log" >&2
	echo "--- $vm_name: vm/run said:" >&2
	cat "$vm_work/run.$vm_runs.out" >&2
}

# expect_status NAME N: the last run's vm/run status was N.
expect_status() {
	if [ "$vm_status" = "$2" ]; then
		pass "$1"
	else
		fail "$1" "vm/run status $vm_status, expected $2"
	fi
}

# expect_log NAME REGEX: the last run's console has a line matching the extended REGEX.
expect_log() {
	if grep -qE -- "$2" "$vm_log"; then
		pass "$1"
	else
		fail "$1" "no console line matches '$2'"
	fi
}

# expect_no_log NAME REGEX: no console line matches.
expect_no_log() {
	local hit
	hit=$(grep -E -m 1 -- "$2" "$vm_log")
	if [ -z "$hit" ]; then
		pass "$1"
	else
		fail "$1" "console: $hit"
	fi
}

# expect_kernel_sound NAME: no oops, BUG, warning splat or lockup on the console.
expect_kernel_sound() {
	expect_no_log "$1" 'Oops|BUG:|WARNING:|general protection|Call Trace|soft lockup|hung_task|Kernel panic'
}

# expect_file NAME FILE REGEX: /out/FILE came back and has a line matching REGEX.
expect_file() {
	if [ ! -f "$vm_out/$2" ]; then
		fail "$1" "/out/$2 did not come back"
	elif grep -qE -- "$3" "$vm_out/$2"; then
		pass "$1"
	else
		fail "$1" "no line of /out/$2 matches '$3'"
	fi
}

# ddv_pieces and ddv_vm_options: vm/ddv-pieces.sh (the scripts that boot ddv share them).
. "$vm_top/vm/ddv-pieces.sh"

# vm_kernel_fixtures TREE KDIR DIR FIXTURE...: ddv for the kernel headers KDIR in TREE
# (vm_kernel_tree), then the named fixture drivers, afresh in DIR, with a Kbuild of their
# own against the same headers. Says what failed on stdout.
vm_kernel_fixtures() {
	local tree=$1 kdir=$2 dir=$3 f
	shift 3

	vm_kernel_tree "$tree" "$kdir" || return 1
	rm -rf "$dir" && mkdir -p "$dir" || return 1
	for f in "$@"; do
		cp "$vm_top/tests/drivers/$f.c" "$dir/"
	done
	cp "$vm_top"/tests/drivers/*.h "$dir/"
	echo "obj-m := $(printf '%s.o ' "$@")" >"$dir/Kbuild"
	make -s -C "$kdir" M="$dir" -j2 modules >"$dir/build.log" 2>&1 ||
		{ tail -n 40 "$dir/build.log"; return 1; }
}

# vm_kernel_tree DIR KDIR: vm/ddv-pieces.sh's (scripts/corpus --kver builds its tree too).

# vm_summary: the scenario's last line; its status says whether every case passed.
vm_summary() {
	if [ $((vm_passed + vm_failed)) = 0 ]; then
		fail "$vm_name: ran at least one case"
	fi
	echo "$vm_passed passed, $vm_failed failed"
	[ "$vm_failed" = 0 ]
}
