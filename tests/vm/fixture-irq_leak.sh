#!/bin/bash
# fixture-irq_leak.sh: VM test: with request_irq failed by injection, ddv reports the buffer leaked by init's error path, and nothing for the twin.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# The rule: the leak check after a failed init, of heap objects
# (specs/linux/heap.ddv, object heap).
rule=heap.leak
# Fail the first call of request_irq (request_threaded_irq on 6.1).
inject="nth request_irq 1"

if fixture_build; then
	# shellcheck disable=SC2086 # the words of the inject command
	fixture_session irq_leak irq_leak fails $inject
	# shellcheck disable=SC2086
	fixture_session irq_leak_clean irq_leak_clean fails $inject
	if fixture_ddv_vm irq; then
		fixture_use irq_leak
		fixture_expect_injected irq_leak
		fixture_expect_rule irq_leak "$rule"
		site=$(fixture_site irq_leak kmalloc_trace)
		check_host "irq_leak: the leak names kzalloc's site, $site" \
			test "$(fixture_report_site "$rule" allocation_site)" = "$site"
		fixture_use irq_leak_clean
		fixture_expect_injected irq_leak_clean
		fixture_expect_clean irq_leak_clean
	fi
fi
vm_summary
