#!/bin/bash
# campaign-defects.sh: VM test: ddv campaign exhaustive finds alloc_loop's, unwind_leak's and double_free's seeded error-path defects with the command that reproduces each, prunes alloc_loop's 10,000-call loop to a few loads, and finds nothing in the clean twins.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# campaign_out LABEL: the guest's campaign output and exit status for LABEL.
out_of() { cat "$vm_out/$1/campaign.txt" 2>/dev/null; }
status_of() { cat "$vm_out/$1/campaign.status" 2>/dev/null; }
# summary_value LABEL NAME: a figure of the summary table ("loads tried  6 of 6" -> 6).
summary_value() {
	out_of "$1" | sed -nE "s/^  $2 +([0-9]+).*/\\1/p" | head -n 1
}

if fixture_build && ddv_pieces; then
	job=$vm_work/campaign.job
	{
		echo ". /root/guest-lib.sh"
		echo 'run() {
	label=$1
	shift
	mkdir -p /out/$label
	ddv start >/dev/null || echo "ddv start failed" >/out/$label/campaign.txt
	start=$(date +%s)
	ddv campaign exhaustive --timeout 20 "$@" >>/out/$label/campaign.txt 2>/out/$label/campaign.err
	echo $? >/out/$label/campaign.status
	echo $(($(date +%s) - start)) >/out/$label/seconds
	cat /out/$label/campaign.txt
	ddv stop >/dev/null 2>&1
}'
		# The fault classes the campaign goes by, as the runtime lists them.
		echo 'ddv start >/dev/null; ddv status --functions >/out/functions.txt 2>&1; ddv stop >/dev/null'
		for m in alloc_loop alloc_loop_clean unwind_leak unwind_leak_clean double_free \
			double_free_clean oops_null_clean hang_loop_clean; do
			echo "run $m $m"
		done
		# Suppressions: one by rule and site glob, one from a file by rule alone.
		echo "run alloc_loop_supp --suppress 'heap.leak@alloc_loop_init+*' alloc_loop"
		echo "printf '# known\\n*@rings_cleanup+*\\n' >/root/supp"
		echo "run double_free_supp --suppress /root/supp double_free"
		echo "guest_done"
	} >"$job"
	# shellcheck disable=SC2046 # one option or path per line, none with blanks
	vm_job campaign --timeout 900 $(ddv_vm_options) $(fixture_vm_options) --script "$job"
	expect_status "the guest ran every campaign" 0
	[ "$vm_status" = 0 ] || vm_show_log 40

	# The runtime's list says what may fail.
	check_host "ddv status --functions: kmalloc_trace is an allocation the runtime may fail" \
		grep -qE '^[0-9]+ +linux +kmalloc_trace +kmalloc +alloc +1 +yes$' "$vm_out/functions.txt"
	check_host "ddv status --functions: kfree cannot fail" \
		grep -qE '^[0-9]+ +linux +kfree +kfree +none +0 +no$' "$vm_out/functions.txt"
	check_host "ddv status --functions: every function has a class (none unknown)" \
		eval "grep -qE '^[0-9]+ functions$' '$vm_out/functions.txt' &&
			! grep -qE ' unknown$' '$vm_out/functions.txt'"
	check_host "double_free: fallibility from the runtime's fault classes" \
		grep -q '8 fallible; 8 loads planned (0 saved by loop pruning)$' \
		"$vm_out/double_free/campaign.err"

	# alloc_loop: a few loads, not 10,000, and the leak in the loop's unwind is found.
	site=$(fixture_site alloc_loop kmalloc_trace)
	check_host "alloc_loop: exit status 3 (findings)" test "$(status_of alloc_loop)" = 3
	check_host "alloc_loop: 10000 fallible calls recorded" \
		test "$(summary_value alloc_loop 'fallible calls in a clean load')" = 10000
	tried=$(summary_value alloc_loop 'loads tried')
	check_host "alloc_loop: a few dozen loads at most ($tried tried)" \
		test "${tried:-99999}" -le 40
	check_host "alloc_loop: 9994 loads saved by loop pruning" \
		grep -q '^  loads planned  *6 (9994 saved by loop pruning)$' "$vm_out/alloc_loop/campaign.txt"
	check_host "alloc_loop: the leak is grouped at the loop's allocation site $site" \
		grep -q "^  heap.leak at $site: 5 loads, first load 2 " "$vm_out/alloc_loop/campaign.txt"
	check_host "alloc_loop: the reproducing command is printed" \
		grep -q '^    reproduce: ddv inject nth-any 2; ddv load alloc_loop$' \
		"$vm_out/alloc_loop/campaign.txt"
	check_host "alloc_loop: no load strayed from the recorded sequence" \
		test "$(summary_value alloc_loop 'loads off the recorded sequence')" = 0
	echo "note: alloc_loop campaign took $(cat "$vm_out/alloc_loop/seconds" 2>/dev/null) s in the guest"

	# unwind_leak: the leak on the third of five allocation failures.
	site=$(fixture_site unwind_leak kmalloc_trace)
	check_host "unwind_leak: exit status 3" test "$(status_of unwind_leak)" = 3
	check_host "unwind_leak: every fallible call failed once" \
		test "$(summary_value unwind_leak 'loads tried')" = 5
	check_host "unwind_leak: a heap.leak finding with its reproducing command" \
		eval 'out_of unwind_leak | grep -q "^  heap.leak at " &&
			out_of unwind_leak | grep -q "^    reproduce: ddv inject nth-any [0-9]*; ddv load unwind_leak$"'

	# double_free: the cleanup loop vfree()s a ring buffer a second time. The
	# finding is judged by its site, the cleanup's vfree; the rule id is the
	# runtime's business (fixture-double_free.sh pins it).
	site=$(fixture_site_in double_free rings_cleanup vfree 1)
	check_host "double_free: exit status 3" test "$(status_of double_free)" = 3
	check_host "double_free: a finding at the cleanup loop's vfree, $site, with its reproducing command" \
		eval 'out_of double_free | grep -q "^  [a-z.-]* at $site: " &&
			out_of double_free | grep -q "^    reproduce: ddv inject nth-any [0-9]*; ddv load double_free$"'
	check_host "double_free: found on the 4 loads that fail a descriptor allocation" \
		grep -q "^  [a-z.-]* at $site: 4 loads, first load 2 " "$vm_out/double_free/campaign.txt"

	check_host "alloc_loop --suppress heap.leak@alloc_loop_init+*: 0 findings, 5 suppressed" \
		eval "[ \"\$(summary_value alloc_loop_supp findings)\" = 0 ] &&
			[ \"\$(summary_value alloc_loop_supp 'findings suppressed')\" = 5 ] &&
			[ \"\$(status_of alloc_loop_supp)\" = 0 ]"
	check_host "double_free --suppress FILE (*@rings_cleanup+*): 0 findings, 4 suppressed" \
		eval "[ \"\$(summary_value double_free_supp findings)\" = 0 ] &&
			[ \"\$(summary_value double_free_supp 'findings suppressed')\" = 4 ]"

	# The clean twins: every call failed, nothing found, nothing hung or crashed.
	for m in alloc_loop_clean unwind_leak_clean double_free_clean oops_null_clean hang_loop_clean; do
		check_host "$m: exit status 0, no findings" test "$(status_of $m)" = 0
		check_host "$m: faults were injected" \
			test "$(summary_value $m 'faults injected')" -gt 0
		check_host "$m: 0 findings, 0 hangs, 0 crashes" \
			eval "[ \"\$(summary_value $m findings)\" = 0 ] &&
				[ \"\$(summary_value $m hangs)\" = 0 ] &&
				[ \"\$(summary_value $m 'crashes \\(oops\\)')\" = 0 ]"
	done
	echo "note: VM run took $vm_elapsed s"
else
	fail "campaign-defects: the fixtures and ddv are built" "missing:${ddv_missing:-fixtures}"
fi
vm_summary
