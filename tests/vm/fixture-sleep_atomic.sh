#!/bin/bash
# fixture-sleep_atomic.sh: VM test: may_sleep is checked: a vfree under a spinlock is reported as linux.vfree.sleep-in-atomic, and nothing for the twin that drops the lock first.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# The rule: ddvc's check of the calling context for vfree's may_sleep clause
# (specs/linux/heap.ddv: may_sleep if !in_interrupt()), one rule id per API.
rule=linux.vfree.sleep-in-atomic

cat >"$vm_work/sleep.job" <<JOB
. /root/guest-lib.sh
. /root/guest-fixture.sh
$fixture_guest_session

# Without ddv first: the defect is harmless to the kernel (the small area's
# vfree does not sleep), so a finding under ddv is the rule's alone.
for m in sleep_atomic sleep_atomic_clean; do
	check "\$m: loads without ddv" insmod /root/\$m.ko
	check "\$m: unloads" rmmod \$m
done
check "sleep_atomic: freed the ring under the lock" dmesg_has 'sleep_atomic: ring freed under the lock'
check "sleep_atomic_clean: freed the ring after the lock" \
	dmesg_has 'sleep_atomic_clean: ring freed after the lock'
check "kernel sound without ddv" kernel_sound

session sleep_atomic sleep_atomic ok
session sleep_atomic_clean sleep_atomic_clean ok
check "kernel sound after ddv" kernel_sound
guest_done
JOB

if fixture_build && fixture_ddv_job sleep "$vm_work/sleep.job"; then
	fixture_use sleep_atomic
	fixture_expect_rule sleep_atomic "$rule"
	site=$(fixture_site sleep_atomic vfree 1)
	check_host "sleep_atomic: the finding names the vfree under the lock, $site" \
		test "$(fixture_report_site "$rule" site)" = "$site"
	# The context travels with it: the spinlock's preemption count, IRQs on, no RCU section.
	check_host "sleep_atomic: the finding gives preempt_count 1, IRQs on, no RCU section" \
		fixture_report_is "map(select(.rule == \"$rule\"))[0].args |
			.preempt_count == 1 and .irqs_disabled == 0 and .rcu_preempt_depth == 0"
	fixture_use sleep_atomic_clean
	fixture_expect_clean sleep_atomic_clean
fi
vm_summary
