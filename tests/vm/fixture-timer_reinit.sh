#!/bin/bash
# fixture-timer_reinit.sh: VM test: ddv reports a timer initialised again while armed, added while pending or never set up, deleted with del_timer_sync in hardirq context, and nothing for the twins.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# The rule: specs/linux/timer.ddv, init_timer_key (timer_setup).
rule=timer.init-armed
timerfx_cases="
timerfx_add_pending timer.add-pending
timerfx_add_uninit timer.add-uninitialised
timerfx_hardirq timer.del-sync-in-hardirq
"

if fixture_build; then
	fixture_session timer_reinit timer_reinit ok
	fixture_session timer_reinit_clean timer_reinit_clean ok
	# A function switched off is not checked: with timer_setup (init_timer_key)
	# off, its own rule cannot fire and the timer is never known, so mod_timer
	# warns of an unset-up timer instead. The others still are checked (while
	# a function is off, every call takes the full entry, which tells functions
	# apart one by one): kfree off changes nothing.
	fixture_session timer_reinit_off timer_reinit ok --off init_timer_key
	fixture_session timer_reinit_kfree_off timer_reinit ok --off kfree
	# timerfx (tests/drivers/timerfx.h): add_timer misused, del_timer_sync in hardirq context.
	fixture_twins_queue "$timerfx_cases"
	if fixture_ddv_vm timer; then
		fixture_use timer_reinit
		fixture_expect_rule timer_reinit "$rule"
		site=$(fixture_site timer_reinit init_timer_key 2)
		check_host "timer_reinit: the finding names the second timer_setup, $site" \
			test "$(fixture_report_site "$rule" site)" = "$site"
		fixture_use timer_reinit_clean
		fixture_expect_clean timer_reinit_clean
		fixture_use timer_reinit_off
		fixture_expect_rule timer_reinit_off timer.mod-uninitialised
		fixture_use timer_reinit_kfree_off
		fixture_expect_rule timer_reinit_kfree_off "$rule"
		fixture_twins_judge "$timerfx_cases"
	fi
fi
vm_summary
