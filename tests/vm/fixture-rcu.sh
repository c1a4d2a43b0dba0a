#!/bin/bash
# fixture-rcu.sh: VM test: ddv reports each RCU and SRCU rule of specs/linux/locks.ddv on its fixture, and nothing for the twins.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# Fixture (tests/drivers/lk_*.c, all from lockfx.h) and the one rule it breaks.
cases="
lk_rcu_unbalanced rcu.unlock-unbalanced
lk_rcu_sync_atomic linux.synchronize_rcu.sleep-in-atomic
lk_srcu_sync_atomic linux.synchronize_srcu.sleep-in-atomic
lk_srcu_cleanup_atomic linux.cleanup_srcu_struct.sleep-in-atomic
lk_srcu_leak rcu.srcu-leak
lk_srcu_reinit rcu.srcu-init-live
lk_rcu_unbarriered rcu.callback-unbarriered
lk_rcu_module_cb rcu.callback-unbarriered
"

if fixture_build; then
	fixture_twins_queue "$cases"
	if fixture_ddv_vm rcu; then
		fixture_twins_judge "$cases"
	fi
fi
vm_summary
