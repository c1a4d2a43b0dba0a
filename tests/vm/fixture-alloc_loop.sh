#!/bin/bash
# fixture-alloc_loop.sh: VM test: a failure in alloc_loop's 10,000-buffer loop makes ddv report the one buffer its unwind misses; the first iteration's failure and the twin report nothing.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# The rule: the leak check after a failed init (specs/linux/heap.ddv).
rule=heap.leak

if fixture_build; then
	fixture_session alloc_loop_1 alloc_loop fails nth kmalloc 1
	fixture_session alloc_loop_5000 alloc_loop fails nth kmalloc 5000
	fixture_session alloc_loop_10000 alloc_loop fails nth kmalloc 10000
	fixture_session alloc_loop_clean_5000 alloc_loop_clean fails nth kmalloc 5000
	fixture_session alloc_loop_plain alloc_loop ok
	if fixture_ddv_vm loop; then
		site=$(fixture_site alloc_loop kmalloc_trace)
		fixture_use alloc_loop_1
		fixture_expect_injected alloc_loop_1
		fixture_expect_clean alloc_loop_1
		for n in 5000 10000; do
			fixture_use "alloc_loop_$n"
			fixture_expect_injected "alloc_loop_$n"
			fixture_expect_rule "alloc_loop_$n" "$rule"
			check_host "alloc_loop_$n: one buffer leaks, 32 bytes" \
				fixture_report_is "[.[] | select(.rule == \"$rule\")] |
					length == 1 and .[0].args.size == 32"
			check_host "alloc_loop_$n: the leak names the loop's kmalloc, $site" \
				test "$(fixture_report_site "$rule" allocation_site)" = "$site"
		done
		fixture_use alloc_loop_clean_5000
		fixture_expect_injected alloc_loop_clean_5000
		fixture_expect_clean alloc_loop_clean_5000
		fixture_use alloc_loop_plain
		fixture_expect_clean alloc_loop_plain
	fi
fi
vm_summary
