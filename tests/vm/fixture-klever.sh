#!/bin/bash
# fixture-klever.sh: VM test: the Klever/LDV requirement areas docs/coverage.md counts from these contracts (RTNL and socket lock balance, bh and sched RCU sections, find_bit offsets; tests/drivers/klever.h): each defect its rules and nothing else, each twin clean.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"
. "$vm_top/tests/vm/devmodel-lib.sh"

inject=
# LABEL MODULE LOAD INJECT RULES (tests/vm/devmodel-lib.sh). net_atomic takes the RTNL with
# preemption off: it must find it free, so it runs before rtnl_held, which leaves the RTNL
# locked until rtnl_release (a helper, no defect) unlocks it where ddv does not see.
devmodel_cases='
rtnl_unheld kl_rtnl_unheld ok - net.rtnl-unlock-unheld
rtnl_unheld_clean kl_rtnl_unheld_clean ok - -
sock_unowned kl_sock_unowned ok - net.release-sock-unowned
sock_unowned_clean kl_sock_unowned_clean ok - -
net_atomic kl_net_atomic ok - linux.rtnl_lock.sleep-in-atomic,linux.rtnl_unlock.sleep-in-atomic,linux.lock_sock.sleep-in-atomic
net_atomic_clean kl_net_atomic_clean ok - -
bh_unbalanced kl_bh_unbalanced ok - lock.bh-enable-unbalanced
bh_unbalanced_clean kl_bh_unbalanced_clean ok - -
rcu_bh_sleep kl_rcu_bh_sleep ok - linux.mutex_lock.sleep-in-atomic
rcu_bh_sleep_clean kl_rcu_bh_sleep_clean ok - -
rcu_sched_sleep kl_rcu_sched_sleep ok - linux.mutex_lock.sleep-in-atomic
rcu_sched_sleep_clean kl_rcu_sched_sleep_clean ok - -
find_bit kl_find_bit ok - lib.find-bit-offset
find_bit_clean kl_find_bit_clean ok - -
rtnl_held_clean kl_rtnl_held_clean ok - -
rtnl_held kl_rtnl_held ok - net.rtnl-held-at-unload
rtnl_release kl_rtnl_release ok - -
'

if fixture_build; then
	devmodel_run klever
fi
vm_summary
