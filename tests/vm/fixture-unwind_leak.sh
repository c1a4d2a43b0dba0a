#!/bin/bash
# fixture-unwind_leak.sh: VM test: of the five allocation failures of unwind_leak's init, ddv reports a leak for the third alone, and none for the twin.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# The rule: the leak check after a failed init (specs/linux/heap.ddv).
rule=heap.leak

if fixture_build; then
	for n in 1 2 3 4 5; do
		fixture_session "unwind_leak_$n" unwind_leak fails nth kmalloc $n
	done
	fixture_session unwind_leak_clean_3 unwind_leak_clean fails nth kmalloc 3
	if fixture_ddv_vm unwind; then
		for n in 1 2 4 5; do
			fixture_use "unwind_leak_$n"
			fixture_expect_injected "unwind_leak_$n"
			fixture_expect_clean "unwind_leak_$n"
		done
		fixture_use unwind_leak_3
		fixture_expect_injected unwind_leak_3
		fixture_expect_rule unwind_leak_3 "$rule"
		# gcc outlines the five kzalloc()s into one helper, so the sites
		# are alike: the size tells the second block (128 bytes) apart.
		check_host "unwind_leak_3: the leak is the second block, 128 bytes" \
			fixture_report_is "[.[] | select(.rule == \"$rule\")] |
				length == 1 and .[0].args.size == 128"
		# Their one site is a tail call (kzalloc.constprop.0's jmp to the
		# allocator), whose stub's site the rare path (injection is armed)
		# must keep for the object.
		site=$(fixture_site unwind_leak __kmalloc)
		check_host "unwind_leak_3: the leak names its allocation site, the tail call ${site:-?}" \
			test "$(fixture_report_site "$rule" allocation_site)" = "${site:-?}"
		fixture_use unwind_leak_clean_3
		fixture_expect_injected unwind_leak_clean_3
		fixture_expect_clean unwind_leak_clean_3
	fi
fi
vm_summary
