#!/bin/bash
# fixture-double_free.sh: VM test: when a descriptor allocation fails, ddv reports the buffer that double_free's cleanup loop frees a second time, and nothing for the twin.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# The rule: specs/linux/heap.ddv, vfree of what is no longer live vmalloc'ed memory.
rule=vmem.double-free
# The second kmalloc is ring 1's descriptor: its buffer is freed, then freed
# again by the cleanup loop.
inject="nth kmalloc 2"

if fixture_build; then
	# shellcheck disable=SC2086 # the words of the inject command
	fixture_session double_free double_free fails $inject
	# shellcheck disable=SC2086
	fixture_session double_free_clean double_free_clean fails $inject
	fixture_session double_free_plain double_free ok
	if fixture_ddv_vm double; then
		fixture_use double_free
		fixture_expect_injected double_free
		fixture_expect_rule double_free "$rule"
		site=$(fixture_site double_free vfree 2)
		check_host "double_free: the finding names the cleanup loop's vfree, $site" \
			test "$(fixture_report_site "$rule" site)" = "$site"
		fixture_use double_free_clean
		fixture_expect_injected double_free_clean
		fixture_expect_clean double_free_clean
		fixture_use double_free_plain
		fixture_expect_clean double_free_plain
	fi
fi
vm_summary
