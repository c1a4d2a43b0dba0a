#!/bin/bash
# fixture-contained.sh: VM test: memory freed while a timer inside it is pending is reported through every free path (vfree, kvfree, devm_kfree, kfree_rcu, kfree, free_netdev) and when the module goes (its own timer; a leaked block's); the twin that stops the timer first is clean.
#
# ddv.ko looks inside the memory every destroy of a block frees (a type with a size field) for
# objects of the contained types, and asks each type's active condition (ddv-rules(5): active):
# one rule per type, whatever the free path. The test pack tests/drivers/contained-pack is the
# shipped heap.ddv and net.ddv with a timer type that declares `active timer_pending(key)`; it
# replaces the shipped packs for this scenario (DDV_PACK_DIR). kfree and free_netdev still walk
# their blocks themselves (heap.free-pending-timer, net.free-pending-timer), first.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

pack_dir=$vm_work/containedpack
# how=PATH and the rules its defect must be reported with (sorted, one word each).
cases="vfree:timer.freed-pending
kvfree:timer.freed-pending
devm_kfree:timer.freed-pending
kfree_rcu:timer.freed-pending
kfree:heap.free-pending-timer
free_netdev:net.free-pending-timer
static:timer.freed-pending
leak:heap.leak,timer.pending-at-unload"

contained_pack_build() {
	if "$vm_top/tests/drivers/contained-pack/build" "$pack_dir" "$vm_build" \
		>"$vm_work/pack-build.out" 2>&1; then
		pass "$vm_name: the test pack builds"
		return 0
	fi
	cat "$vm_work/pack-build.out" >&2
	fail "$vm_name: the test pack builds"
	return 1
}

# rules_are LABEL RULES: the findings of LABEL's report are exactly RULES (comma-separated).
rules_are() {
	local got

	fixture_use "$1"
	fixture_report_sound "$1" || return
	got=$(fixture_report_rules | sort -u | paste -sd, -)
	if [ "$got" = "$2" ]; then
		pass "$1: reported as $2, and nothing else"
	else
		fail "$1: reported as $2, and nothing else" "rules: ${got:-none}"
	fi
}

if ddv_pieces && fixture_build && contained_pack_build; then
	job=$vm_work/contained.job
	{
		echo ". /root/guest-lib.sh"
		echo ". /root/guest-fixture.sh"
		cat <<'GUEST'
# Without ddv first: every path and its twin load and unload, the kernel stays sound.
for how in vfree kvfree devm_kfree kfree_rcu kfree free_netdev static leak; do
	for m in timer_freed timer_freed_clean; do
		check "$m how=$how: loads without ddv" insmod /root/$m.ko how=$how
		check "$m how=$how: unloads" rmmod $m
	done
done
check "timer_freed: the timer was pending" dmesg_has 'timer_freed: vfree: timer pending 1'
check "kernel sound without ddv" kernel_sound

export DDV_PACK_DIR=/root/containedpack
run() {
	label=$1 m=$2 how=$3
	out=/out/$label
	mkdir -p "$out"
	check "$label: ddv start" ddv start
	ddv load "$m" how="$how" >"$out/load.out" 2>&1
	status=$?
	cat "$out/load.out"
	check "$label: ddv load $m how=$how succeeds" test "$status" = 0
	check "$label: ddv unload $m" ddv unload "$m"
	ddv report --json >"$out/report.json" 2>"$out/report.err"
	echo $? >"$out/report.status"
	cat "$out/report.json"
	check "$label: ddv stop" ddv stop
}
for how in vfree kvfree devm_kfree kfree_rcu kfree free_netdev static leak; do
	run "$how" timer_freed "$how"
	run "${how}_clean" timer_freed_clean "$how"
done
check "kernel sound after ddv" kernel_sound
guest_done
GUEST
	} >"$job"
	# shellcheck disable=SC2046 # one option or path per line, none with blanks
	vm_job contained --smp 2 --timeout "${FIXTURE_VM_TIMEOUT:-600}" \
		$(ddv_vm_options) $(fixture_vm_options) \
		--add "$pack_dir/ddv-linux.ko:/root/containedpack/" --script "$job"
	expect_status "contained: the job ran" 0
	[ "$vm_status" = 0 ] || vm_show_log 60

	while IFS=: read -r how rules; do
		rules_are "$how" "$rules"
		fixture_use "${how}_clean"
		fixture_expect_clean "${how}_clean"
	done <<<"$cases"
	# The free path's call is where the finding is; the timer's setup, when the module goes.
	fixture_use vfree
	site=$(fixture_site timer_freed vfree 1)
	check_host "vfree: the finding names the vfree, $site" \
		test "$(fixture_report_site timer.freed-pending site)" = "$site"
	check_host "vfree: the finding gives the timer and the block that held it" \
		fixture_report_is '[.[] | select(.rule == "timer.freed-pending")][0].args |
			.key != null and .block != null and .key != .block'
	# At unload no call frees it: the finding names where the timer was set up.
	fixture_use static
	check_host "static: the finding names the timer's setup in init" \
		fixture_report_is '[.[] | select(.rule == "timer.freed-pending")][0].site.function |
			test("^(timer_freed_init|fixture_arm)")'
fi
vm_summary
