#!/bin/bash
# fixture-sched612.sh: VM test: fixture-sched's fixtures and twins on Debian's 6.12, with ddv and its pack built for 6.12 (the symbols of both kernels under one API).
#
# scripts/test-vm fetches the kernel named here before the scenarios start:
# vm-kernel: 6.12.107+deb12-amd64
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"
. "$vm_top/tests/vm/fixtures612-lib.sh"

fixtures="completion_uninit completion_uninit_clean completion_timeout completion_timeout_clean
	hrtimer_misuse hrtimer_misuse_clean tasklet_uninit tasklet_uninit_clean
	wait_atomic wait_atomic_clean deferred_unload deferred_unload_clean
	srcline_leak srcline_leak_clean"

# shellcheck disable=SC2086 # one module a word
fixtures612_build sched-fixtures $fixtures

# Source lines on 6.12 too (issue 14; stack-names.sh on 6.1): srcline_leak's
# leak, allocated in an inlined helper, and its twin; in the same boot.
fixture_session srcline_leak srcline_leak ok
fixture_session srcline_leak_clean srcline_leak_clean ok

# fixture-sched.sh's sessions and judging, on this kernel (its summary comes last, below).
# shellcheck source=fixture-sched.sh
. <(sed -n '/^fixture_expect_rules()/,$p' "$vm_top/tests/vm/fixture-sched.sh" |
	sed -e 's/fixture_ddv_vm sched/fixture_ddv_vm sched612/' -e '/^vm_summary$/d')

if [ -f "$vm_out/srcline_leak/report.json" ]; then
	fixture_use srcline_leak
	fixture_expect_rule srcline_leak heap.leak
	fixture_use srcline_leak_clean
	fixture_expect_clean srcline_leak_clean
	helper=$(grep -n "SRCLINE: helper's call" "$vm_top/tests/drivers/srcline_leak.c" | cut -d: -f1)
	caller=$(grep -n 'SRCLINE: init calls the helper' "$vm_top/tests/drivers/srcline_leak.c" |
		cut -d: -f1)
	check_host "srcline_leak: the leak's call is srcline_leak.c:$helper inlined into init at :$caller" \
		jq -se --argjson h "$helper" --argjson c "$caller" '
			map(select(.rule == "heap.leak"))[0].allocation_site.source.inlined |
			map(select(.file | endswith("/srcline_leak.c"))) |
			. == [{function: "srcline_get", file: .[0].file, line: $h},
			      {function: "srcline_leak_init", file: .[0].file, line: $c}]' \
		"$vm_out/srcline_leak/report.json"
else
	fail "srcline_leak: its session ran" "no report came back"
fi
vm_summary
