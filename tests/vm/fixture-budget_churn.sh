#!/bin/bash
# fixture-budget_churn.sh: VM test: ddv inject plan mem-budget=N fails the one allocation that takes the driver's held bytes past N, counting frees: budget_churn makes 64 KB in 64-byte blocks freed at once, and only its last, 2 KB, allocation passes a 1,000-byte budget.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

cat >"$vm_work/budget.job" <<'JOB'
. /root/guest-lib.sh
. /root/guest-fixture.sh
m=budget_churn

# session LABEL EXPECTED_STATUS [PLAN...]: ddv start, the plan if any, ddv load
# $m (0: loads, 4: its init fails), the report and the log into /out/LABEL-*,
# ddv stop (the counts start again at the next session).
session() {
	label=$1 expect=$2
	shift 2
	dmesg -c >/dev/null
	check "$label: ddv start" ddv start
	if [ $# -gt 0 ]; then
		check "$label: ddv inject plan $*" ddv inject plan "$@"
	fi
	ddv load $m >"/out/$label-load.txt" 2>&1
	status=$?
	cat "/out/$label-load.txt"
	check "$label: ddv load $m exits $expect (got $status)" test "$status" = "$expect"
	if [ "$status" = 0 ]; then
		check "$label: ddv unload $m" ddv unload $m
	fi
	check "$label: $m is gone" module_gone $m
	ddv log >"/out/$label-log.txt" 2>&1
	ddv report --json >"/out/$label-report.json" 2>&1
	cat "/out/$label-report.json"
	grep 'fault injected into' "/out/$label-log.txt" >"/out/$label-faults.txt"
	check "$label: nothing reported but injected faults" report_clean "/out/$label-report.json"
	check "$label: ddv stop" ddv stop
}

# 1. No budget: init succeeds, exit frees both blocks.
session none 0
check "none: no fault was injected" \
	test "$(summary_field /out/none-report.json faults_injected)" = 0

# 2. 1,000 bytes: the churn never holds more than 64, the small block fits,
# the 2,048-byte one does not: exactly one fault, at the big kmalloc.
session tight 4 mem-budget=1000
check "tight: the big allocation failed" dmesg_has "budget_churn: big allocation failed"
check "tight: the churn did not (frees are counted)" eval '! dmesg_has "churn failed"'
check "tight: one fault was injected" \
	test "$(summary_field /out/tight-report.json faults_injected)" = 1
check "tight: the log has one fault" eval '[ "$(wc -l </out/tight-faults.txt)" = 1 ]'

# 3. 10,000 bytes: 66 KB made in all, never more than 2,112 held: no fault.
session roomy 0 mem-budget=10000
check "roomy: no fault was injected" \
	test "$(summary_field /out/roomy-report.json faults_injected)" = 0
check "no warning or oops" kernel_sound
guest_done
JOB

if fixture_build && fixture_ddv_job budget "$vm_work/budget.job"; then
	# init's third kmalloc call site is the big one (churn, small, big).
	big=$(fixture_site_in budget_churn budget_churn_init kmalloc_trace 3)
	check_host "tight: the fault is at the big kmalloc, $big" \
		grep -q "at site $big:" "$vm_out/tight-faults.txt"
fi
vm_summary
