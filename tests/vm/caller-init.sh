#!/bin/bash
# caller-init.sh: VM test: a caller filter that names a function of a driver not loaded yet is looked up by ddv.ko as the driver arrives, so that during init only that function's calls fail (fixture caller_init), at every load; an unknown function refuses the load visibly.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# caller_init's init calls caller_init_alloc_a, then caller_init_alloc_b; each
# allocates once and logs its failure. rate=100: every fallible call that
# passes the filters fails.
cat >"$vm_work/caller.job" <<'JOB'
. /root/guest-lib.sh
. /root/guest-fixture.sh
m=caller_init
b=caller_init:caller_init_alloc_b

# load_fails LABEL: ddv load $m fails as its init does (ddv(8): 4), and $m is gone.
load_fails() {
	ddv load $m >"/out/$1-load.txt" 2>&1
	status=$?
	cat "/out/$1-load.txt"
	check "$1: ddv load $m fails (status $status)" test "$status" = 4
	check "$1: $m is gone" module_gone $m
}

# faults LABEL: the log's injected faults, one line each, into /out/LABEL-faults.txt.
faults() {
	ddv log >"/out/$1-log.txt" 2>&1
	cat "/out/$1-log.txt"
	grep 'fault injected into' "/out/$1-log.txt" >"/out/$1-faults.txt"
}

# 1. No filter: the first allocation of the init, alloc_a's, fails.
dmesg -c >/dev/null
check "no filter: ddv start" ddv start
check "no filter: ddv inject plan phase=init rate=100" ddv inject plan phase=init rate=100
load_fails nofilter
check "no filter: it says its init failed" grep -q 'its init failed' /out/nofilter-load.txt
check "no filter: alloc_a's allocation failed" dmesg_has "caller_init_alloc_a: allocation failed"
check "no filter: alloc_b was never reached" eval '! dmesg_has caller_init_alloc_b'
faults nofilter
check "no filter: one fault, at alloc_a's call" \
	eval '[ "$(wc -l </out/nofilter-faults.txt)" = 1 ] &&
		grep -q "at site caller_init_alloc_a+0x" /out/nofilter-faults.txt'
check "no filter: ddv stop" ddv stop

# 2. caller=caller_init:caller_init_alloc_b before the load: alloc_a's call
# passes, alloc_b's fails; at the next load, wherever the module lands, again.
dmesg -c >/dev/null
check "by name: ddv start" ddv start
ddv inject plan phase=init rate=100 caller=$b >/out/name-plan.txt 2>&1
status=$?
cat /out/name-plan.txt
check "by name: ddv inject plan phase=init rate=100 caller=$b succeeds" test "$status" = 0
check "by name: it says the filter is set when $m loads" \
	grep -q "^ddv: $m is not loaded: the caller filter is set when it loads" /out/name-plan.txt
check "by name: $m is not loaded yet" module_gone $m
load_fails name
check "by name: it says its init failed" grep -q 'its init failed' /out/name-load.txt
check "by name: alloc_b's allocation failed" dmesg_has "caller_init_alloc_b: allocation failed"
check "by name: alloc_a's did not" eval '! dmesg_has caller_init_alloc_a'
faults name
check "by name: one fault, at alloc_b's call" \
	eval '[ "$(wc -l </out/name-faults.txt)" = 1 ] &&
		grep -q "at site caller_init_alloc_b+0x" /out/name-faults.txt'
check "by name: the runtime logged the filter set as $m arrived" \
	grep -q "ddv.caller-set.*caller filter is set as driver $m loads: [0-9]* bytes at 0x" \
	/out/name-log.txt
check "by name: the kernel log names the function" \
	dmesg_has "ddv: caller filter on $b \([0-9]+ bytes\)"
load_fails name-again
faults name-again
check "by name, loaded again: two faults now, both at alloc_b's call" \
	eval '[ "$(wc -l </out/name-again-faults.txt)" = 2 ] &&
		[ "$(grep -c "at site caller_init_alloc_b+0x" /out/name-again-faults.txt)" = 2 ]'
check "by name, loaded again: alloc_a's allocation never failed" \
	eval '! dmesg_has caller_init_alloc_a'
ddv report --json >/out/name-report.json 2>&1
cat /out/name-report.json
check "by name: ddv report counts the two faults" \
	test "$(summary_field /out/name-report.json faults_injected)" = 2
check "by name: and finds nothing (the unwind freed alloc_a's block)" \
	report_clean /out/name-report.json
check "by name: ddv stop" ddv stop

# 3. The same filter after init: alloc_b runs only in init, nothing fails;
# once loaded, the function is gone with the init text.
dmesg -c >/dev/null
check "after init: ddv start" ddv start
check "after init: ddv inject plan phase=after-init rate=100 caller=$b" \
	ddv inject plan phase=after-init rate=100 caller=$b
check "after init: ddv load $m succeeds" ddv load $m
check "after init: both blocks allocated" dmesg_has "caller_init: both blocks allocated"
ddv inject plan caller=$b >/out/gone-plan.txt 2>&1
status=$?
cat /out/gone-plan.txt
check "after init: a filter on its freed init function is refused (status $status)" \
	test "$status" = 2
check "after init: and says why" \
	grep -q "caller $b: caller_init is loaded and has no function caller_init_alloc_b" \
	/out/gone-plan.txt
check "after init: a function of the loaded driver goes by address" \
	ddv inject plan caller=caller_init:caller_init_exit
# The name straight to ddv.ko (ddv sends it only for a driver not loaded): it
# looks a loaded driver's function up at once.
check "after init: ddv.ko takes a loaded driver's function by name" \
	eval 'rtctl plan-caller caller_init:caller_init_exit | grep -qx ok'
check "after init: and refuses its freed init function (ENOENT)" \
	eval 'rtctl plan-caller $b | grep -qx errno=2'
check "after init: a name without its function is refused (EINVAL)" \
	eval 'rtctl plan-caller caller_init: | grep -qx errno=22'
check "after init: a name without a driver is refused (EINVAL)" \
	eval 'rtctl plan-caller caller_init_exit | grep -qx errno=22'
check "after init: ddv unload $m" ddv unload $m
ddv report --json >/out/after-report.json 2>&1
cat /out/after-report.json
check "after init: no fault was injected" \
	test "$(summary_field /out/after-report.json faults_injected)" = 0
check "after init: ddv stop" ddv stop

# 4. A function the driver does not have: the load is refused, and says so.
dmesg -c >/dev/null
check "unknown: ddv start" ddv start
check "unknown: the plan is taken (the driver is not there to ask)" \
	ddv inject plan phase=init rate=100 caller=caller_init:caller_init_alloc_c
ddv load $m >/out/unknown-load.txt 2>&1
status=$?
cat /out/unknown-load.txt
check "unknown: ddv load $m fails (status $status)" test "$status" = 4
check "unknown: the kernel refused the module, its init never ran" \
	grep -q 'the kernel refused the module (finit_module): No such file or directory' \
	/out/unknown-load.txt
check "unknown: $m is not loaded" module_gone $m
check "unknown: $m's init did not run" \
	eval '! dmesg_has "caller_init_alloc_a|both blocks"'
check "unknown: the kernel log names the function" \
	dmesg_has "ddv: caller_init refused: the injection plan's caller filter names caller_init_alloc_c"
ddv log >/out/unknown-log.txt 2>&1
cat /out/unknown-log.txt
check "unknown: the runtime logged ddv.caller-unknown for $m" \
	grep -q "ddv.caller-unknown.*driver $m refused" /out/unknown-log.txt
ddv report --json >/out/unknown-report.json 2>&1
cat /out/unknown-report.json
check "unknown: ddv report lists it" grep -q '"rule":"ddv.caller-unknown"' /out/unknown-report.json
check "unknown: no fault was injected" \
	test "$(summary_field /out/unknown-report.json faults_injected)" = 0
check "unknown: ddv stop" ddv stop
check "no warning or oops" kernel_sound
guest_done
JOB

# rtctl (tests/drivers/rt-selftest) hands ddv.ko a name the ddv command would not.
rtctl_built() {
	if "$vm_top/tests/drivers/rt-selftest/build" "$vm_work/st" "$vm_build" \
		>"$vm_work/st.out" 2>&1; then
		return 0
	fi
	cat "$vm_work/st.out" >&2
	fail "$vm_name: rtctl builds"
	return 1
}

fixture_build && rtctl_built &&
	fixture_ddv_job caller "$vm_work/caller.job" --add "$vm_work/st/rtctl:/usr/local/bin/rtctl"
vm_summary
