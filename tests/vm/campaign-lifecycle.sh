#!/bin/bash
# campaign-lifecycle.sh: VM test: campaigns across the driver's whole life: --workload's calls are recorded and failed in turn, each finding names its phase and a reproducer that runs the workload; --setup runs before each load; --rebind unbinds and binds the driver's devices, whose probe's calls are failed in the rebind phase.
#
# workload_leak's defect lies on an error path of its use (writing its act
# parameter), never of its load: a campaign of load and unload alone plans no
# load at all, one with --workload finds the leak on the load that fails the
# second allocation of the workload, and the clean twin gives nothing. Then
# e1000 (qemu's NIC) with --rebind: its remove and probe run again between load
# and unload, and the recording puts their fallible calls in a phase of their own.
# The workload campaign again in two shards, each printing KTAP or JUnit, merged on
# the host into the whole campaign's findings. Last, timer_reinit, whose clean load
# breaks a rule: the campaign counts that finding of its recording (no fault needed)
# and exits 3.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

job=$vm_work/lifecycle.job
cat >"$job" <<'JOB'
. /root/guest-lib.sh
. /root/guest-fixture.sh
# lifecycle LABEL MODULE OPTIONS...: a campaign of MODULE; its output, status and journal in /out/LABEL.
lifecycle() {
	label=$1 m=$2
	shift 2
	mkdir -p /out/$label
	check "$label: ddv start" ddv start
	ddv campaign exhaustive --journal /out/$label/journal "$@" "$m" >/out/$label/campaign.txt 2>&1
	echo $? >/out/$label/status
	cat /out/$label/campaign.txt
	ddv stop
}
wl='echo 1 >/sys/module/workload_leak/parameters/act'
wlc='echo 1 >/sys/module/workload_leak_clean/parameters/act'
# shard LABEL FORMAT OPTIONS...: a campaign of workload_leak with --format; stdout (the
# CI document) and stderr (the load lines) apart.
shard() {
	label=$1 fmt=$2
	shift 2
	mkdir -p /out/$label
	check "$label: ddv start" ddv start
	ddv campaign exhaustive --journal /out/$label/journal --format "$fmt" "$@" workload_leak \
		>/out/$label/out 2>/out/$label/err
	echo $? >/out/$label/status
	cat /out/$label/out /out/$label/err
	ddv stop
}
lifecycle alone workload_leak
lifecycle workload workload_leak --setup 'echo set >>/out/setup.log' --workload "$wl"
# The same campaign in two shards (two machines' worth), for CI: merged on the host.
shard shard1 junit --workload "$wl" --shard 1/2
shard shard2 ktap --workload "$wl" --shard 2/2
lifecycle clean workload_leak_clean --workload "$wlc"
lifecycle rebind e1000 --rebind --max 2
lifecycle recorded timer_reinit
# An init that returns -ETIMEDOUT itself failed; it did not hang.
check "timedout: ddv start" ddv start
ddv load workload_leak init_err=-110 >/out/timedout.txt 2>&1
echo $? >/out/timedout.status
ddv report >>/out/timedout.txt 2>&1
ddv stop
guest_done
JOB

if fixture_build && fixture_ddv_job lifecycle "$job" --nic e1000; then
	out=$vm_out
	check_host "alone: load and unload make no fallible call: no load planned, exit 0" \
		eval "[ \"\$(cat '$out/alone/status')\" = 0 ] &&
			grep -q '^  loads planned  *0 ' '$out/alone/campaign.txt'"
	check_host "workload: the campaign finds the leak (exit 3)" \
		test "$(cat "$out/workload/status" 2>/dev/null)" = 3
	check_host "workload: the workload's two allocations are the plan, in its phase" \
		grep -qx 'phase workload 1 2' "$out/workload/journal"
	check_host "workload: load 2 fails the buffer's allocation in the workload, 1 finding" \
		grep -q '^load 2 (workload): fault in kmalloc_trace@act_set+0x[0-9a-f]*, loaded and unloaded, 1 finding$' \
		"$out/workload/campaign.txt"
	check_host "workload: load 1 fails the request's allocation: nothing leaks" \
		grep -q '^load 1 (workload): fault in kmalloc_trace@act_set+0x[0-9a-f]*, loaded and unloaded, 0 findings$' \
		"$out/workload/campaign.txt"
	check_host "workload: the leak's group names the workload phase" \
		grep -q '^  heap.leak at act_set+0x[0-9a-f]*: 1 load, first load 2 (fault in kmalloc_trace@act_set+0x[0-9a-f]*, phase workload)$' \
		"$out/workload/campaign.txt"
	check_host "workload: the reproducer runs the setup, the workload and the unload" \
		grep -qF "    reproduce: echo set >>/out/setup.log; ddv inject nth-any 2; ddv load workload_leak; echo 1 >/sys/module/workload_leak/parameters/act; ddv unload workload_leak" \
		"$out/workload/campaign.txt"
	check_host "workload: --setup ran before the recording and each load (3 times)" \
		test "$(grep -c '^set$' "$out/setup.log" 2>/dev/null)" = 3
	check_host "clean: the twin's workload is failed twice, no finding (exit 0)" \
		eval "[ \"\$(cat '$out/clean/status')\" = 0 ] &&
			grep -q '^campaign workload_leak_clean: 2 loads, 2 faults injected, .* 0 findings$' \
				'$out/clean/campaign.txt'"
	# Shards: load n is shard ((n - 1) mod 2) + 1's; merged they are the whole campaign.
	check_host "shard 1/2: tries load 1 alone, no finding (exit 0)" \
		eval "[ \"\$(cat '$out/shard1/status')\" = 0 ] && grep -q '^load 1 (workload): ' '$out/shard1/err' &&
			! grep -q '^load 2' '$out/shard1/err'"
	check_host "shard 1/2: its JUnit has one passing case, the campaign" \
		eval "python3 -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot();
sys.exit(not (r.get(\"tests\") == \"1\" and r.get(\"failures\") == \"0\"))' '$out/shard1/out'"
	check_host "shard 2/2: tries load 2 alone and finds the leak (exit 3)" \
		eval "[ \"\$(cat '$out/shard2/status')\" = 3 ] && grep -q '^load 2 (workload): ' '$out/shard2/err'"
	"$vm_top/tests/cli/kunit/ktap-tree" <"$out/shard2/out" >"$vm_work/shard2.tree" 2>/dev/null
	check_host "shard 2/2: the kernel's KTAP parser reads the leak as a failing case" \
		grep -qx '1 FAILURE workload_leak: act_set+0x[0-9a-f]*, first load 2' "$vm_work/shard2.tree"
	check_host "shard 2/2: no KTAP parse error" grep -qx 'errors 0' "$vm_work/shard2.tree"
	"$vm_build/cli/ddv" campaign merge --journal "$vm_work/merged.journal" \
		--html "$vm_work/merged.html" \
		"$out/shard2/journal" "$out/shard1/journal" >"$vm_work/merged.txt" 2>&1
	check_host "merge: the shards' findings exit 3" test $? = 3
	python3 "$vm_top/tests/cli/html-shape" "$vm_work/merged.html" >"$vm_work/merged.shape" 2>&1
	check_host "merge --html: the page parses, nothing out of itself" \
		grep -qx 'well-formed' "$vm_work/merged.shape"
	check_host "merge --html: load 2's row: the workload's fault and the leak it provoked" \
		grep -q '^load 2 workload kmalloc_trace@act_set+0x[0-9a-f]* loaded and unloaded heap.leak at act_set+0x[0-9a-f]*$' \
		"$vm_work/merged.shape"
	check_host "merge --html: the leak's reproducer runs the workload" \
		grep -qF "reproduce heap.leak: ddv inject nth-any 2; ddv load workload_leak; echo 1 >/sys/module/workload_leak/parameters/act; ddv unload workload_leak" \
		"$vm_work/merged.shape"
	check_host "merge: the same groups as the whole campaign" \
		eval "diff <(grep '^  [a-z]' '$out/workload/campaign.txt' | grep -v reproduce) \
			<(grep '^  [a-z]' '$vm_work/merged.txt' | grep -v reproduce)"
	check_host "merge: the same last line as the whole campaign" \
		eval "diff <(tail -n 1 '$out/workload/campaign.txt') <(tail -n 1 '$vm_work/merged.txt')"
	check_host "merge: its reproducer runs the workload" \
		grep -qF "ddv inject nth-any 2; ddv load workload_leak; echo 1 >/sys/module/workload_leak/parameters/act; ddv unload workload_leak" \
		"$vm_work/merged.txt"
	check_host "merge: the merged journal has every load and the end" \
		eval "grep -qx 'done 1 ok .*' '$vm_work/merged.journal' && grep -qx 'done 2 ok .*' '$vm_work/merged.journal' &&
			grep -qx end '$vm_work/merged.journal'"
	check_host "rebind: e1000's probe runs again between load and unload: a rebind phase" \
		grep -qE '^phase rebind [0-9]+ [0-9]+$' "$out/rebind/journal"
	check_host "rebind: the load's and the rebind's calls are both planned, load's first" \
		eval "awk '/^phase load /{l=\$4} /^phase rebind /{r=\$3} END{exit !(l && r == l + 1)}' \
			'$out/rebind/journal'"
	check_host "recorded: the clean life's own finding counts: exit 3" \
		test "$(cat "$out/recorded/status" 2>/dev/null)" = 3
	check_host "recorded: its group says the recording found it, with no fault" \
		grep -q '^  timer.init-armed at timer_reinit_init+0x[0-9a-f]*: [0-9]* loads\?, first the clean recording (no fault injected)$' \
		"$out/recorded/campaign.txt"
	check_host "recorded: its reproducer is the plain load" \
		grep -qx '    reproduce: ddv load timer_reinit' "$out/recorded/campaign.txt"
	check_host "timedout: an init returning -ETIMEDOUT is a failed init (exit 4), no hang" \
		eval "[ \"\$(cat '$out/timedout.status')\" = 4 ] && ! grep -q 'ddv.hang' '$out/timedout.txt'"
fi
vm_summary
