#!/bin/bash
# fixture-timer_reinit.sh: VM test: ddv reports a timer initialised again while armed, and nothing for the twin that stops it first.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# The rule: specs/linux/timer.ddv, init_timer_key (timer_setup).
rule=timer.init-armed

if fixture_build; then
	fixture_session timer_reinit timer_reinit ok
	fixture_session timer_reinit_clean timer_reinit_clean ok
	if fixture_ddv_vm timer; then
		fixture_use timer_reinit
		fixture_expect_rule timer_reinit "$rule"
		site=$(fixture_site timer_reinit init_timer_key 2)
		check_host "timer_reinit: the finding names the second timer_setup, $site" \
			test "$(fixture_report_site "$rule" site)" = "$site"
		fixture_use timer_reinit_clean
		fixture_expect_clean timer_reinit_clean
	fi
fi
vm_summary
