#!/bin/bash
# campaign-systematic.sh: VM test: ddv campaign systematic fails each distinct call stack (its first call, and its second when it repeats): alloc_loop's 10,000 allocations from one stack take two loads and its leak is found, the twin stays clean; the stack identity fails the same call on a later plain load (the reproducer); --dry-run plans without loading, in the guest and from the host (--vm); --exclude leaves calls out; --workload's calls are failed too; a family's (--with) helper's stack is failed too, and the reproducer keeps --with; an excluded call is never failed nor counted, by ddv inject nth-any after ddv load --exclude, nor by an exhaustive campaign whose recording lost records (its loads off any plan).
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

job=$vm_work/systematic.job
cat >"$job" <<'JOB'
. /root/guest-lib.sh
. /root/guest-fixture.sh
# sys LABEL MODULE OPTIONS...: a systematic campaign; output, status and journal in /out/LABEL.
sys() {
	label=$1 m=$2
	shift 2
	mkdir -p /out/$label
	check "$label: ddv start" ddv start
	start=$(date +%s)
	ddv campaign systematic --journal /out/$label/journal "$@" "$m" >/out/$label/campaign.txt 2>&1
	echo $? >/out/$label/status
	echo $(($(date +%s) - start)) >/out/$label/seconds
	cat /out/$label/campaign.txt
	ddv stop
}
wl='echo 1 >/sys/module/workload_leak/parameters/act'
sys dry alloc_loop --dry-run
sys loop alloc_loop
sys clean alloc_loop_clean
sys excluded alloc_loop --dry-run --exclude 'kmalloc*'
sys workload workload_leak --workload "$wl"
sys wlexcl workload_leak --dry-run --workload "$wl" --exclude act_set
# A family: the helper's frames are named in its own text, wherever it lies from load to load.
sys family famfx_leak --with famfx_helper
# The reproducer of the loop's leak, run by hand: the identity names the same call again.
repro=$(sed -n 's/^    reproduce: \(ddv inject stack [0-9a-fx]* [0-9]*\); ddv load alloc_loop$/\1/p' \
	/out/loop/campaign.txt | head -n 1)
mkdir -p /out/repro
echo "$repro" >/out/repro/command
check "repro: ddv start" ddv start
check "repro: $repro" $repro
ddv load alloc_loop >/out/repro/load.txt 2>&1
echo $? >/out/repro/load.status
ddv report --json >/out/repro/report.json 2>&1
ddv stop
JOB

# exclrt: act_set's first kmalloc excluded, nth-any 1 fails its second.
# seqexcl: a 1 KiB ring loses the recording's records: load N fails call N,
# planned by no recording, and must still never fail an excluded call.
excl_job() {
	cat <<JOB
mkdir -p /out/exclrt /out/seqexcl
check "exclrt: ddv start" ddv start
ddv load --exclude '$1' workload_leak >/out/exclrt/load.txt 2>&1
check "exclrt: ddv inject nth-any 1" ddv inject nth-any 1
echo 1 >/sys/module/workload_leak/parameters/act 2>/out/exclrt/act.err
echo \$? >/out/exclrt/act.status
ddv inject off
ddv unload workload_leak
ddv log --json >/out/exclrt/log.json 2>&1
ddv stop
check "seqexcl: ddv start --log-size 1K" ddv start --log-size 1K
ddv campaign exhaustive --journal /out/seqexcl/journal --max 3 --exclude 'kmalloc*' alloc_loop \
	>/out/seqexcl/campaign.txt 2>&1
echo \$? >/out/seqexcl/status
cat /out/seqexcl/campaign.txt
ddv stop
guest_done
JOB
}

# fault_sites LOG: the sites of the faults injected in ddv log --json's LOG, func+0xoff, one a line.
fault_sites() {
	jq -r 'select(.rule == "ddv.fault-injected") | .site | "\(.function) \(.offset)"' "$1" |
		while read -r f o; do printf '%s+%#x\n' "$f" "$o"; done
}

built=0
if fixture_build && ddv_pieces; then
	built=1
	site_a=$(fixture_site_in workload_leak act_set kmalloc_trace 1)
	site_b=$(fixture_site_in workload_leak act_set kmalloc_trace 2)
	excl_job "$site_a" >>"$job"
fi
if [ "$built" = 1 ] && fixture_ddv_job systematic "$job"; then
	out=$vm_out
	check_host "exclrt: ddv load --exclude $site_a marks one site" \
		grep -q '^ddv: 1 call sites of [0-9]* never failed (--exclude)$' "$out/exclrt/load.txt"
	check_host "exclrt: nth-any 1 failed $site_b, the first call not excluded, and nothing else" \
		test "$(fault_sites "$out/exclrt/log.json")" = "$site_b"
	check_host "exclrt: the workload's write failed (its second allocation)" \
		test "$(cat "$out/exclrt/act.status")" != 0
	check_host "seqexcl: the recording lost records, the loads came one by one" \
		grep -qx sequential "$out/seqexcl/journal"
	check_host "seqexcl: no load failed an excluded call (one load, nothing to fail)" \
		eval "[ \"\$(grep -c '^done ' '$out/seqexcl/journal')\" = 1 ] &&
			grep -qx 'done 1 ok 0 -' '$out/seqexcl/journal' && grep -qx 'total 0' '$out/seqexcl/journal'"
	check_host "dry: the plan is two loads of 10,000 fallible calls, none tried (exit 0)" \
		eval "[ \"\$(cat '$out/dry/status')\" = 0 ] &&
			grep -qx '2 loads planned of 10000 fallible calls' '$out/dry/campaign.txt' &&
			! grep -q '^load ' '$out/dry/campaign.txt'"
	check_host "dry: it would fail the loop's allocation at its first and second call" \
		eval "grep -qE '^would fail call 1, kmalloc_trace@alloc_loop_init\\+0x[0-9a-f]+ in phase load \\(stack 0x[0-9a-f]+, its call 1\\)$' '$out/dry/campaign.txt' &&
			grep -qE '^would fail call 2, kmalloc_trace@alloc_loop_init\\+0x[0-9a-f]+ in phase load \\(stack 0x[0-9a-f]+, its call 2\\)$' '$out/dry/campaign.txt'"
	check_host "loop: the leak is found in two loads (exit 3)" \
		eval "[ \"\$(cat '$out/loop/status')\" = 3 ] &&
			grep -q '^campaign alloc_loop: 2 loads, 2 faults injected, 2 failed inits, 1 finding$' \
			'$out/loop/campaign.txt'"
	check_host "loop: the second call's failure leaks buffer 0 (heap.leak), the first's nothing" \
		eval "grep -q '^load 1: fault in kmalloc_trace@alloc_loop_init+0x[0-9a-f]*, init failed, 0 findings$' '$out/loop/campaign.txt' &&
			grep -q '^load 2: fault in kmalloc_trace@alloc_loop_init+0x[0-9a-f]*, init failed, 1 finding$' '$out/loop/campaign.txt' &&
			grep -q '^  heap.leak at alloc_loop_init+0x[0-9a-f]*: 1 load, first load 2 ' '$out/loop/campaign.txt'"
	check_host "loop: each load failed the call the recording saw (none off the sequence)" \
		grep -qE '^  loads off the recorded sequence +0$' "$out/loop/campaign.txt"
	check_host "loop: the journal says systematic, and the plan's identity is one for both" \
		eval "grep -qx 'mode systematic' '$out/loop/journal' &&
			[ \"\$(awk '\$1 == \"plan\" { print \$4 }' '$out/loop/journal' | sort -u | wc -l)\" = 1 ]"
	check_host "clean: the twin's two loads find nothing (exit 0)" \
		eval "[ \"\$(cat '$out/clean/status')\" = 0 ] &&
			grep -q '^campaign alloc_loop_clean: 2 loads, 2 faults injected, 2 failed inits, 0 findings$' \
			'$out/clean/campaign.txt'"
	check_host "excluded: --exclude 'kmalloc*' leaves no load" \
		grep -qx '0 loads planned of 10000 fallible calls' "$out/excluded/campaign.txt"
	check_host "workload: the workload's two stacks are failed and the leak found (exit 3)" \
		eval "[ \"\$(cat '$out/workload/status')\" = 3 ] &&
			grep -q '^  heap.leak at act_set+0x[0-9a-f]*: 1 load, first load 2 (fault in kmalloc_trace@act_set+0x[0-9a-f]*, phase workload)$' \
			'$out/workload/campaign.txt' &&
			grep -q '^campaign workload_leak: 2 loads, 2 faults injected, ' '$out/workload/campaign.txt'"
	check_host "workload: the reproducer arms the stack and runs the workload" \
		grep -qE '^    reproduce: ddv inject stack 0x[0-9a-f]+ 1; ddv load workload_leak; echo 1 >/sys/module/workload_leak/parameters/act; ddv unload workload_leak$' \
		"$out/workload/campaign.txt"
	check_host "family: both stacks (the helper's kzalloc, the driver's) are failed, none missed" \
		eval "grep -q '^campaign famfx_leak: 2 loads, 2 faults injected, 2 failed inits, ' '$out/family/campaign.txt' &&
			grep -qE '^  loads off the recorded sequence +0$' '$out/family/campaign.txt' &&
			grep -q '^load [0-9]*: fault in [a-z_]*@famfx_get+0x[0-9a-f]*, init failed' '$out/family/campaign.txt'"
	check_host "family: the reproducer of the clean life's leak loads the driver --with its helper" \
		grep -qx '    reproduce: ddv load --with famfx_helper famfx_leak' "$out/family/campaign.txt"
	check_host "wlexcl: --exclude act_set leaves the workload's calls out" \
		grep -qx '0 loads planned of 2 fallible calls' "$out/wlexcl/campaign.txt"
	check_host "repro: the reproducer's identity fails the loop's second call again: the leak" \
		eval "grep -q '^ddv inject stack 0x[0-9a-f]* 2$' '$out/repro/command' &&
			[ \"\$(cat '$out/repro/load.status')\" = 4 ] &&
			jq -s -e '[.[] | select(.rule == \"heap.leak\")] | length == 1' '$out/repro/report.json' >/dev/null"
	echo "note: alloc_loop systematic: $(cat "$out/loop/seconds" 2>/dev/null) s in the guest"
	# From the host: --vm --dry-run records and plans in one boot and tries nothing.
	status=0
	"$ddv_cli" campaign systematic --vm --dry-run --out "$vm_work/dryvm" --vm-timeout 120 \
		"$fixture_ko/oops_null.ko" >"$vm_work/dryvm.txt" 2>"$vm_work/dryvm.err" || status=$?
	cat "$vm_work/dryvm.txt"
	check_host "dryvm: --vm --dry-run plans oops_null's one call in one boot (exit 0, got $status)" \
		eval "[ $status = 0 ] &&
			grep -qE '^would fail call 1, kmalloc_trace@oops_null_init\\+0x[0-9a-f]+ in phase load \\(stack 0x[0-9a-f]+, its call 1\\)$' '$vm_work/dryvm.txt' &&
			grep -qx '1 loads planned of 1 fallible calls' '$vm_work/dryvm.txt' &&
			grep -q '^campaign oops_null: boot 1: ' '$vm_work/dryvm.err' &&
			! grep -q 'boot 2: ' '$vm_work/dryvm.err' && ! grep -q '^load ' '$vm_work/dryvm.txt'"
fi
vm_summary
