#!/bin/bash
# fixture-timer_reinit.sh: VM test: ddv reports a timer initialised again while armed, and nothing for the twin that stops it first.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# The rule: specs/linux/timer.ddv, init_timer_key (timer_setup).
rule=timer.init-armed

if fixture_build; then
	fixture_ddv_run timer_reinit timer_reinit ok &&
		fixture_expect_rule timer_reinit "$rule"
	fixture_ddv_run timer_reinit_clean timer_reinit_clean ok &&
		fixture_expect_clean timer_reinit_clean
fi
vm_summary
