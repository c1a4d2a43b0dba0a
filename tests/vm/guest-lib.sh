# guest-lib.sh: helpers that VM scenario jobs source inside the guest (busybox sh) to record their cases.
#
# Each case appends "PASS: name" or "FAIL: name (why)" to /out/results (vm/run copies /out
# back; tests/vm/lib.sh reads it) and shows it on the console. guest_done marks the list
# complete, so a job that died half way is told apart from one that ran every case.

mkdir -p /out
: >/out/results

# check NAME COMMAND...: one case, passed when COMMAND succeeds.
check() {
	_name=$1
	shift
	if "$@"; then
		echo "PASS: $_name" | tee -a /out/results
	else
		echo "FAIL: $_name ($*)" | tee -a /out/results
	fi
}

# wait_for SECONDS COMMAND...: retries COMMAND every 0.2 s until it succeeds or time runs out.
wait_for() {
	_tries=$(($1 * 5))
	shift
	while [ "$_tries" -gt 0 ]; do
		"$@" && return 0
		sleep 0.2
		_tries=$((_tries - 1))
	done
	return 1
}

module_loaded() { grep -q "^$1 " /proc/modules; }
module_gone() { ! module_loaded "$1"; }

# No warning (taint W, 512) or oops (D, 128) since boot, and no splat in the log.
kernel_sound() {
	_taint=$(cat /proc/sys/kernel/tainted)
	[ $((_taint & 640)) -eq 0 ] || return 1
	! dmesg | grep -qE 'WARNING:|BUG:|Oops|general protection|Call Trace'
}

guest_done() { echo "DONE" >>/out/results; }

# The summary's number FIELD in a `ddv report --json` output FILE (empty when absent).
summary_field() {
	sed -n 's/.*"summary":{[^}]*"'"$2"'":\([0-9]*\).*/\1/p' "$1" | tail -n 1
}

# report_clean FILE: the report has a summary, no finding, and lost nothing.
report_clean() {
	[ "$(summary_field "$1" findings)" = 0 ] &&
		[ "$(summary_field "$1" records_lost)" = 0 ] &&
		[ "$(summary_field "$1" unknown_messages)" = 0 ] &&
		[ "$(summary_field "$1" garbage)" = 0 ]
}
