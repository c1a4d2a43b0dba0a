# fixtures.sh: host-side helpers of the fixture VM scenarios (tests/vm/fixture-*.sh); source after tests/vm/lib.sh.
# shellcheck shell=bash
#
# fixture_build compiles the fixture drivers once per scenario; fixture_vm_options
# then prints the vm/run options that put them into the guest twice: as
# /root/NAME.ko for a plain insmod, and under /lib/modules/KVER/extra/ so that
# `ddv load NAME` (libkmod) finds them by name. The guest helpers in
# tests/drivers/guest-fixture.sh come along as /root/guest-fixture.sh.

# Built once per build tree and reused while no source is newer than the
# stamp (every scenario needs them; a build costs ~20 s), else in the
# scenario's own work directory when there is no build tree.
if [ -d "$vm_build" ] && [ -w "$vm_build" ]; then
	fixture_ko=$vm_build/tests/fixtures
else
	fixture_ko=$vm_work/fixtures
fi

# fixture_build: a failed build is a failed case, and the scenario cannot go on.
fixture_build() {
	local stamp=$fixture_ko/.built status=0

	mkdir -p "$fixture_ko"
	(
		flock 9
		if [ -f "$stamp" ] && [ -z "$(find "$vm_top/tests/drivers" \
			-maxdepth 1 -newer "$stamp" -print -quit)" ]; then
			exit 0
		fi
		rm -f "$stamp"
		"$vm_top/tests/drivers/build-fixtures" "$fixture_ko" &&
			touch "$stamp"
	) 9>"$fixture_ko/.lock" >"$vm_work/fixtures-build.out" 2>&1 || status=$?
	[ "$status" = 0 ] && return 0
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

# A scenario queues ddv sessions with fixture_session, runs them all in one
# VM with fixture_ddv_vm, then judges each with fixture_use LABEL and the
# fixture_expect_* helpers. Without a built ddv that is one honest failure
# naming what is missing.
fixture_sessions=

# fixture_session LABEL MODULE LOAD [--off FUNC] [INJECT...]: one ddv session in
# the VM: ddv start, `ddv off FUNC` and `ddv inject INJECT...` when given, ddv load MODULE, ddv status
# and ddv unload when the load succeeded, ddv report --json, ddv stop. The guest's
# variables load_opts (ddv load's options) and use (a shell line run after a load that
# succeeded, checked), set in $fixture_sessions before it, shape a real driver's life. LOAD
# says how the load must end: ok; fails (the injected failure makes init fail,
# ddv load exits 4); hangs (init never returns; ddv load exits 5 through its
# watchdog); oopses (the kernel oopses in init and kills the loader). A
# session that hangs or oopses must be the VM's last: the driver stays half
# loaded and patched, so ddv cannot stop under it.
fixture_session() {
	fixture_sessions="${fixture_sessions}session $*
"
}

# fixture_report_formats: the sessions queued after it also keep `ddv report --format ktap`
# and `ddv report --html` (for fixture_expect_ktap and fixture_expect_html); the others
# keep only the JSON report the judging reads (two runs of ddv report a session saved).
fixture_report_formats() {
	fixture_sessions="${fixture_sessions}report_formats=1
"
}

# fixture_campaign LABEL MODULE [OPTION...]: one ddv session in the VM that
# runs `ddv campaign exhaustive OPTION... MODULE`, keeps its output and exit
# status, then ddv report --json and ddv stop (which may fail after a hang or
# an oops: the judging is the host's, on the output).
fixture_campaign() {
	fixture_sessions="${fixture_sessions}campaign $*
"
}

# fixture_twins_queue CASES: a plain-load session for each fixture of CASES (lines
# "MODULE RULE") and for its twin MODULE_clean.
fixture_twins_queue() {
	local m rule

	while read -r m rule; do
		[ -n "$m" ] || continue
		fixture_session "$m" "$m" ok
		fixture_session "${m}_clean" "${m}_clean" ok
	done <<<"$1"
}

# fixture_twins_judge CASES: after fixture_ddv_vm, each fixture of CASES was reported
# with exactly its RULE, and its twin with nothing.
fixture_twins_judge() {
	local m rule

	while read -r m rule; do
		[ -n "$m" ] || continue
		fixture_use "$m"
		fixture_expect_rule "$m" "$rule"
		fixture_use "${m}_clean"
		fixture_expect_clean "${m}_clean"
	done <<<"$1"
}

# The guest's side of fixture_session; its cases are named after LABEL.
# shellcheck disable=SC2016 # the guest expands it
fixture_guest_session='
hang_timeout=20
campaign() {
	label=$1 m=$2
	shift 2
	out=/out/$label
	mkdir -p "$out"
	# The recording load traces every call: a loop of 10,000 needs the room.
	check "$label: ddv start" ddv start
	ddv campaign exhaustive "$@" "$m" >"$out/campaign.txt" 2>&1
	echo $? >"$out/campaign.status"
	cat "$out/campaign.txt"
	ddv report --json >"$out/report.json" 2>"$out/report.err"
	echo $? >"$out/report.status"
	ddv stop
}
session() {
	label=$1 m=$2 load=$3
	shift 3
	out=/out/$label
	mkdir -p "$out"
	check "$label: ddv start" ddv start
	if [ "${1:-}" = --off ]; then
		check "$label: ddv off $2" ddv off "$2"
		shift 2
	fi
	if [ $# -gt 0 ]; then
		check "$label: ddv inject $*" ddv inject "$@"
	fi
	start=$(date +%s)
	if [ "$load" = hangs ]; then
		ddv load --timeout "$hang_timeout" "$m" >"$out/load.out" 2>&1
	else
		# shellcheck disable=SC2086 # the words of the load options
		ddv load ${load_opts:-} "$m" >"$out/load.out" 2>&1
	fi
	status=$?
	took=$(($(date +%s) - start))
	cat "$out/load.out"
	case $load in
	ok)
		check "$label: ddv load $m succeeds" test "$status" = 0
		# A report without findings proves something only if ddv watched.
		ddv status >"$out/status.txt" 2>&1
		cat "$out/status.txt"
		check "$label: ddv redirected the call sites, refused none, saw calls" \
			awk '"'"'$1 == "driver" { driver = 1 }
				driver && $1 == "calls" { calls = $2 }
				driver && $1 == "sites" { sites = $2; refused = $4 }
				END { exit !(calls > 0 && sites > 0 && refused == 0) }'"'"' \
			"$out/status.txt"
		if [ -n "${use:-}" ]; then
			check "$label: used ($use)" sh -c "$use"
		fi
		check "$label: ddv unload $m" ddv unload "$m"
		check "$label: $m is gone after ddv unload" module_gone "$m"
		;;
	fails)
		# ddv(8): 4, init returned an error.
		check "$label: ddv load $m fails as injected (status $status)" \
			test "$status" = 4
		check "$label: $m is gone after its failed init" module_gone "$m"
		;;
	oopses)
		# The loader dies in the oops; its init never returns.
		check "$label: ddv load $m fails (status $status)" test "$status" != 0
		check "$label: the kernel oopsed in $m" \
			dmesg_has "BUG: kernel NULL pointer dereference"
		check "$label: $m is left half loaded" \
			eval "[ \"\$(module_state $m)\" = Loading ]"
		;;
	hangs)
		# ddv(8): 5, init did not return within --timeout.
		check "$label: ddv load comes back from a load that hangs (status $status)" \
			test "$status" = 5
		check "$label: ddv load came back within 2 x its timeout (took $took s)" \
			test "$took" -le $((2 * hang_timeout))
		check "$label: $m is still stuck in its init" \
			eval "[ \"\$(module_state $m)\" = Loading ]"
		;;
	esac
	ddv report --json >"$out/report.json" 2>"$out/report.err"
	echo $? >"$out/report.status"
	cat "$out/report.json" "$out/report.err"
	if [ -n "${report_formats:-}" ]; then
		ddv report --format ktap >"$out/report.ktap" 2>/dev/null
		echo $? >"$out/report.ktap.status"
		ddv report --html "$out/report.html" >/dev/null 2>&1
		echo $? >"$out/report.html.status"
	fi
	case $load in
	ok | fails)
		check "$label: ddv stop" ddv stop
		;;
	esac
}
'

# More vm/run options for the next fixture_ddv_vm, one word an element (a qemu device, a
# Debian module the job loads); it empties them.
fixture_vm_args=()

# fixture_ddv_vm PREFIX [vm/run options...]: runs the queued sessions in one VM.
fixture_ddv_vm() {
	local prefix=$1 job=$vm_work/$1.job

	shift

	if ! ddv_pieces; then
		fail "$prefix: ddv is built" "missing:$ddv_missing"
		fixture_sessions=
		return 1
	fi
	{
		echo ". /root/guest-lib.sh"
		echo ". /root/guest-fixture.sh"
		echo "$fixture_guest_session"
		echo "$fixture_sessions"
		echo "guest_done"
	} >"$job"
	fixture_sessions=
	# shellcheck disable=SC2046 # one option or path per line, none with blanks
	vm_job "$prefix" --smp 2 --timeout "${FIXTURE_VM_TIMEOUT:-600}" \
		$(ddv_vm_options) $(fixture_vm_options) ${fixture_vm_args[@]+"${fixture_vm_args[@]}"} \
		"$@" --script "$job"
	fixture_vm_args=()
	[ "$vm_status" = 0 ] || vm_show_log 60
	return 0
}

# fixture_ddv_job LABEL JOB [vm/run options...]: the guest job file JOB in one VM with
# ddv and the fixtures (a job of its own, not fixture_session's); checks that it ran
# and left no splat, and shows the console's end if not. Returns 1, the failure
# counted, when ddv is not built.
fixture_ddv_job() {
	local label=$1 job=$2

	shift 2
	if ! ddv_pieces; then
		fail "$label: ddv is built" "missing:$ddv_missing"
		return 1
	fi
	# shellcheck disable=SC2046 # one option or path per line, none with blanks
	vm_job "$label" --timeout 300 $(ddv_vm_options) $(fixture_vm_options) "$@" --script "$job"
	expect_status "$label: the job ran" 0
	expect_kernel_sound "$label: the console shows no splat"
	[ "$vm_status" = 0 ] || vm_show_log 60
	return 0
}

# fixture_use LABEL: the session whose report the fixture_report_* and
# fixture_expect_* helpers read next.
fixture_use() {
	fixture_report=$vm_out/$1/report.json
	fixture_report_status=$vm_out/$1/report.status
	fixture_campaign_out=$vm_out/$1/campaign.txt
	fixture_campaign_status=$vm_out/$1/campaign.status
}

# fixture_expect_campaign LABEL STATUS: the campaign ran and exited STATUS
# (ddv(8): 0 no finding, 3 findings, 5 stopped by a hang).
fixture_expect_campaign() {
	if [ ! -f "$fixture_campaign_out" ]; then
		fail "$1: the campaign ran" "no output came back"
		return 1
	fi
	check_host "$1: ddv campaign exhaustive exits $2" \
		test "$(cat "$fixture_campaign_status" 2>/dev/null)" = "$2"
}

# fixture_campaign_says LABEL CASE REGEX: a line of the campaign's output
# matches the extended REGEX.
fixture_campaign_says() {
	if grep -qE -- "$3" "$fixture_campaign_out" 2>/dev/null; then
		pass "$1: $2"
	else
		fail "$1: $2" "no line of the campaign's output matches '$3'"
		cat "$fixture_campaign_out" >&2 2>/dev/null
	fi
}

# fixture_campaign_loads: how many loads the campaign's summary line counts.
fixture_campaign_loads() {
	sed -n 's/^campaign [^:]*: \([0-9]*\) loads,.*/\1/p' "$fixture_campaign_out" |
		tail -n 1
}

# fixture_site MODULE SYMBOL [NTH]: the driver's NTH (default first) call
# site of SYMBOL as "function+0xoffset", read from its .ko by `ddv sites` on
# the host, so that a scenario can demand the exact site in a report.
fixture_site() {
	"$ddv_cli" sites "$fixture_ko/$1.ko" --pack "$vm_build/generated/ddv-linux.ko" |
		awk -v sym="$2" -v nth="${3:-1}" '$3 == sym && ++seen == nth { print $1; exit }'
}

# fixture_site_in MODULE FUNCTION SYMBOL NTH: FUNCTION's NTH call site of SYMBOL in
# MODULE, as "function+0xoffset": stays right when functions are added before it
# (double_free's poke parameter put three vfree calls before its cleanup loop's).
fixture_site_in() {
	"$ddv_cli" sites "$fixture_ko/$1.ko" --pack "$vm_build/generated/ddv-linux.ko" |
		awk -v f="$2+" -v sym="$3" -v nth="$4" \
			'index($1, f) == 1 && $3 == sym && ++seen == nth { print $1; exit }'
}

# fixture_report_site RULE FIELD: FIELD (site or allocation_site) of the first
# finding of RULE in the last report, as "function+0xoffset".
fixture_report_site() {
	local where

	where=$(jq -r --arg rule "$1" --arg field "$2" \
		'select(.rule == $rule) | .[$field] | "\(.function) \(.offset)"' \
		"$fixture_report" 2>/dev/null | head -n 1)
	case $where in
	'' | null*)
		echo "--- $vm_name: no $2 in the $1 finding of:" >&2
		cat "$fixture_report" >&2
		return 1
		;;
	esac
	# shellcheck disable=SC2086 # function and offset
	printf '%s+%#x\n' $where
}

# fixture_report_has FILTER: jq FILTER holds over the last report, read as
# one array of its records (findings, then the summary).
fixture_report_has() {
	jq -s -e "$1" "$fixture_report" >/dev/null 2>&1
}

# fixture_report_is FILTER: the same as a case's condition: shows the report
# when it fails.
fixture_report_is() {
	fixture_report_has "$1" && return 0
	echo "--- $vm_name: the report that fails '$1':" >&2
	cat "$fixture_report" >&2
	return 1
}

# fixture_expect_ktap LABEL: the session's `ddv report --format ktap` as the kernel's
# KTAP parser reads it (tests/cli/kunit): no parse error, the JSON report's exit status,
# a failing test for each rule the JSON report has, the session's test passing.
fixture_expect_ktap() {
	local tree=$vm_work/$1.ktap-tree rule

	"$vm_top/tests/cli/kunit/ktap-tree" <"$vm_out/$1/report.ktap" >"$tree" 2>/dev/null
	check_host "$1: KTAP: kunit_parser reads it without error" grep -qx 'errors 0' "$tree"
	check_host "$1: KTAP: the report's exit status" \
		test "$(cat "$vm_out/$1/report.ktap.status" 2>/dev/null)" = \
		"$(cat "$fixture_report_status" 2>/dev/null)"
	for rule in $(fixture_report_rules | sort -u); do
		check_host "$1: KTAP: $rule is a failing test" grep -qx "0 FAILURE $rule" "$tree"
	done
	check_host "$1: KTAP: the session test passes (a driver ran)" \
		grep -qx '1 SUCCESS session' "$tree"
}

# fixture_expect_html LABEL: the session's `ddv report --html` page as tests/cli/html-shape
# parses it: well formed, the JSON report's exit status, a section for each rule the JSON
# report has, the session's kernel (the build's, which the VM boots) in its header.
fixture_expect_html() {
	local shape=$vm_work/$1.html-shape rule kver

	kver=$(sed -n 's/^KERNEL_RELEASE = //p' "$vm_build/Makefile")
	python3 "$vm_top/tests/cli/html-shape" "$vm_out/$1/report.html" >"$shape" 2>&1
	check_host "$1: HTML: the page parses, nothing out of itself" grep -qx 'well-formed' "$shape"
	check_host "$1: HTML: the report's exit status" \
		test "$(cat "$vm_out/$1/report.html.status" 2>/dev/null)" = \
		"$(cat "$fixture_report_status" 2>/dev/null)"
	for rule in $(fixture_report_rules | sort -u); do
		check_host "$1: HTML: a section for $rule" grep -qx "rule $rule" "$shape"
	done
	check_host "$1: HTML: the header names the session's kernel ($kver)" \
		grep -qx "fact kernel: $kver" "$shape"
}

# fixture_report_rules: the rule ids of the last report's findings, one a line.
fixture_report_rules() {
	jq -r 'select(.rule) | .rule' "$fixture_report"
}

# fixture_report_sound PREFIX: the last report came back whole: its summary is
# there, nothing was lost, every record was explained.
fixture_report_sound() {
	local summary

	if [ ! -s "$fixture_report" ] ||
	   ! summary=$(jq -c 'select(.summary) | .summary' "$fixture_report" 2>&1) ||
	   [ -z "$summary" ]; then
		fail "$1: ddv report --json gave a summary" \
			"$(head -c 300 "$fixture_report" 2>/dev/null)"
		return 1
	fi
	check_host "$1: no log record lost or unexplained" \
		fixture_report_is 'map(select(.summary))[0].summary |
			.records_lost == 0 and .unknown_messages == 0 and .garbage == 0'
}

# fixture_expect_rule PREFIX RULE: the report's findings are RULE and only
# RULE (once or more): the defect is named exactly, and nothing else is.
fixture_expect_rule() {
	local rules

	fixture_report_sound "$1" || return
	check_host "$1: ddv report exits 3 (findings)" \
		test "$(cat "$fixture_report_status" 2>/dev/null)" = 3
	rules=$(fixture_report_rules | sort -u | tr '\n' ' ')
	if [ "$rules" = "$2 " ]; then
		pass "$1: reported as $2, and nothing else"
	else
		fail "$1: reported as $2, and nothing else" "rules: ${rules:-none}"
	fi
}

# fixture_expect_clean PREFIX: the report has no finding at all.
fixture_expect_clean() {
	local rules

	fixture_report_sound "$1" || return
	check_host "$1: ddv report exits 0 (no finding)" \
		test "$(cat "$fixture_report_status" 2>/dev/null)" = 0
	rules=$(fixture_report_rules | tr '\n' ' ')
	if [ -z "$rules" ] &&
	   fixture_report_is 'map(select(.summary))[0].summary.findings == 0'; then
		pass "$1: no finding"
	else
		fail "$1: no finding" "rules: $rules"
	fi
}

# fixture_expect_injected PREFIX: ddv did inject a fault (else a clean report
# would prove nothing).
fixture_expect_injected() {
	check_host "$1: a fault was injected" \
		fixture_report_is 'map(select(.summary))[0].summary.faults_injected >= 1'
}
