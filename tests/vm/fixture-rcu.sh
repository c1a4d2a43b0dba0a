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
"

if fixture_build; then
	while read -r m rule; do
		[ -n "$m" ] || continue
		fixture_session "$m" "$m" ok
		fixture_session "${m}_clean" "${m}_clean" ok
	done <<<"$cases"
	if fixture_ddv_vm rcu; then
		while read -r m rule; do
			[ -n "$m" ] || continue
			fixture_use "$m"
			fixture_expect_rule "$m" "$rule"
			fixture_use "${m}_clean"
			fixture_expect_clean "${m}_clean"
		done <<<"$cases"
	fi
fi
vm_summary
