# guest-checks.sh: shell helpers that fixture scenarios source inside the VM (busybox sh) to record their cases.
#
# Each case appends "PASS: name" or "FAIL: name (why)" to /out/results, which
# vm/run copies back to the host; fixture_done marks the list complete, so a
# job that died half way is told apart from one that ran every case.

mkdir -p /out
: >/out/results

case_pass() { echo "PASS: $1" | tee -a /out/results; }
case_fail() { echo "FAIL: $1${2:+ ($2)}" | tee -a /out/results; }

# check NAME COMMAND...: one case, passed when COMMAND succeeds.
check() {
	name=$1
	shift
	if "$@"; then
		case_pass "$name"
	else
		case_fail "$name" "$*"
	fi
}

module_loaded() { grep -q "^$1 " /proc/modules; }
module_gone() { ! module_loaded "$1"; }
module_state() { awk -v m="$1" '$1 == m { print $5 }' /proc/modules; }

# The kernel has not warned, oopsed or hit a BUG since boot. Taint bits:
# W (512) a warning, D (128) an oops; O and E (out-of-tree, unsigned) are
# expected from the fixtures themselves.
kernel_sound() {
	taint=$(cat /proc/sys/kernel/tainted)
	if [ $((taint & 640)) -ne 0 ]; then
		echo "kernel tainted $taint" >&2
		return 1
	fi
	if dmesg | grep -E 'WARNING:|BUG:|Oops|general protection|Call Trace'; then
		return 1
	fi
	return 0
}

# A line of the kernel log since boot matches the extended regex.
dmesg_has() { dmesg | grep -qE "$1"; }

fixture_done() { echo "DONE" >>/out/results; }
