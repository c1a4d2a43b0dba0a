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
# and exits 3. Then the phases of ddv inject on's triggers against a campaign's: in live
# covers the workload and the rebind, in unload the unload's remove alone.
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
# Trigger phases against the campaign's: e1000's life by hand (load, the workload's
# ifup, the rebind's unbind and bind, unload), a trigger of each phase on the probe's,
# the open's and the remove's calls; the log says which fired (a delay of 1 us each).
mkdir -p /out/phases
check "phases: ddv start" ddv start
n=0
for t in 'pci_request_selected_regions in load' 'pci_request_selected_regions in live' \
	'request_irq in live' 'request_irq in load' 'request_irq in unload' \
	'pci_release_selected_regions in live' 'pci_release_selected_regions in unload'; do
	n=$((n + 1))
	# The numbers it prints (an API of two symbols takes two) into set.N.
	check "phases: trigger $n: $t" sh -c "ddv inject on $t delay 1 >/out/phases/set.$n"
done
check "phases: ddv load e1000" ddv load e1000
ip link set eth0 up
ip link set eth0 down
dev=$(basename "$(readlink /sys/class/net/eth0/device)")
echo "$dev" >/sys/bus/pci/drivers/e1000/unbind
echo "$dev" >/sys/bus/pci/drivers/e1000/bind
check "phases: ddv unload e1000" ddv unload e1000
ddv log >/out/phases/log.txt 2>&1
ddv stop
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
	# fired N [FUNC]: the N-th trigger set (each of its table entries) fired, once on FUNC.
	fired() {
		local nums want=0
		[ -z "${2:-}" ] || want=1
		nums=$(sed -n 's/^ddv: trigger \([0-9]*\) set$/\1/p' "$out/phases/set.$1" | paste -sd'|')
		[ -n "$nums" ] && [ "$(grep -cE "trigger ($nums) fired on the call of ${2:-[^ ]*} " \
			"$out/phases/log.txt")" = $want ]
	}
	check_host "phases: in load: the load's probe (trigger 1), never the ifup (4)" \
		eval "fired 1 pci_request_selected_regions && fired 4"
	check_host "phases: in live: the rebind's probe (2) and the workload's ifup (3)" \
		eval "fired 2 pci_request_selected_regions && fired 3 'request_(threaded_)?irq'"
	check_host "phases: in live: the rebind's remove (6); in unload: the unload's (7), never the ifup (5)" \
		eval "fired 6 pci_release_selected_regions && fired 7 pci_release_selected_regions && fired 5"
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
