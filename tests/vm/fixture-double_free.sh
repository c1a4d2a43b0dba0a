#!/bin/bash
# fixture-double_free.sh: VM test: when a descriptor allocation fails, ddv reports the buffer that double_free's cleanup loop frees a second time, and nothing for the twin; a stack suppression removes the finding from the report and the campaign, one with its frames in the wrong order keeps it; attached live, a buffer made after the attach and freed twice is reported, frees of buffers made before it are counted apart.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# The rule: specs/linux/heap.ddv, vfree of what is no longer live vmalloc'ed memory.
rule=vmem.double-free
# The second kmalloc is ring 1's descriptor: its buffer is freed, then freed
# again by the cleanup loop.
inject="nth kmalloc 2"

# report_with LABEL PATTERN: after the last session, ddv report --suppress PATTERN
# (the state outlives ddv stop), its output and exit status kept as LABEL.
report_with() {
	fixture_sessions="${fixture_sessions}ddv report --suppress '$2' >/out/$1.txt 2>&1; echo \$? >/out/$1.status; cat /out/$1.txt
"
}

# report_suppressed LABEL PATTERN: that report exited 0, its one finding left out by PATTERN.
report_suppressed() {
	[ "$(cat "$vm_out/$1.status" 2>/dev/null)" = 0 ] &&
		grep -qxF "suppressed 1 by $2" "$vm_out/$1.txt" &&
		grep -q '^0 findings .*, 1 suppressed$' "$vm_out/$1.txt"
}

# report_kept LABEL: that report exited 3 with the finding, nothing suppressed.
report_kept() {
	[ "$(cat "$vm_out/$1.status" 2>/dev/null)" = 3 ] &&
		grep -q "error $rule: " "$vm_out/$1.txt" &&
		! grep -q 'suppressed' "$vm_out/$1.txt"
}


# A live attach (ddv attach) to double_free loaded without ddv, then, through
# its poke parameter: a buffer allocated after the attach and freed twice,
# then a ring buffer allocated at load freed once, then that one again; then
# ddv unload, whose exit frees the other rings' buffers and descriptors, all
# made before the attach. ddv status is kept after each step.
# shellcheck disable=SC2016 # the guest expands it
attach_guest='
attach_session() {
	label=$1 m=$2
	out=/out/$label
	mkdir -p "$out"
	poke=/sys/module/$m/parameters/poke
	check "$label: $m loads without ddv" insmod /root/$m.ko
	check "$label: ddv start" ddv start
	# The attach on CPU 1, the pokes on CPU 0: the findings are named by the
	# attach record of another CPU'"'"'s ring, which the drain hands over after
	# theirs when both wait (ddv report merges the rings by time: decode.c).
	check "$label: ddv attach $m" taskset 2 ddv attach $m
	ddv status >"$out/status-attached.txt" 2>&1
	check "$label: poke double-free: a buffer made after the attach, freed twice" \
		taskset 1 sh -c "echo double-free >$poke"
	ddv status >"$out/status-double.txt" 2>&1
	check "$label: poke free-ring: a buffer made before the attach, freed" \
		taskset 1 sh -c "echo free-ring >$poke"
	ddv status >"$out/status-ring.txt" 2>&1
	check "$label: poke refree-ring: that buffer freed again" \
		taskset 1 sh -c "echo refree-ring >$poke"
	ddv status >"$out/status-refree.txt" 2>&1
	check "$label: ddv unload $m" ddv unload $m
	check "$label: $m is gone after ddv unload" module_gone $m
	ddv status >"$out/status-gone.txt" 2>&1
	cat "$out"/status-*.txt
	ddv report --json >"$out/report.json" 2>"$out/report.err"
	echo $? >"$out/report.status"
	cat "$out/report.json" "$out/report.err"
	check "$label: ddv stop" ddv stop
}
'

# unknown_in LABEL STEP: the runtime's count of rules not checked (unknown
# before attach) in that step's ddv status; 0 when the line is absent.
unknown_in() {
	local n

	n=$(sed -n 's/^  unknown before attach \([0-9]*\) .*/\1/p' \
		"$vm_out/$1/status-$2.txt" 2>/dev/null | head -n 1)
	echo "${n:-0}"
}

# report_sites: the sites of the last report's findings, "function+0xoffset", sorted, on one line.
report_sites() {
	jq -r 'select(.rule) | .site | "\(.function) \(.offset)"' "$fixture_report" 2>/dev/null |
		while read -r f o; do printf '%s+%#x\n' "$f" "$o"; done | sort | tr '\n' ' '
}

# sites_are SITE...: those are the last report's findings' sites (shows the report when not).
sites_are() {
	[ "$(report_sites)" = "$(printf '%s\n' "$@" | sort | tr '\n' ' ')" ] && return 0
	echo "--- $vm_name: findings at $(report_sites)in:" >&2
	cat "$fixture_report" >&2
	return 1
}

# violations_in LABEL STEP: the runtime's count of violations in that step's status.
violations_in() {
	sed -n 's/^  violations *\([0-9]*\)$/\1/p' "$vm_out/$1/status-$2.txt" 2>/dev/null |
		head -n 1
}

if fixture_build; then
	# ddv_pieces names the host's ddv, which fixture_site runs; without it
	# fixture_ddv_vm fails the scenario, naming what is missing.
	ddv_pieces
	site=$(fixture_site_in double_free rings_cleanup vfree 1)
	func=${site%%+*}
	# The second free of the poke, and the second free of a ring's buffer.
	attach_site=$(fixture_site_in double_free poke_double_free vfree 2)
	refree_site=$(fixture_site_in double_free poke_refree_ring vfree 1)
	# The double free's stack: the cleanup's vfree call, out through the module's init.
	in_order="$rule@$func*>do_one_initcall*"
	wrong_order="$rule@do_one_initcall*>$func*"
	# shellcheck disable=SC2086 # the words of the inject command
	fixture_session double_free double_free fails $inject
	report_with double_free_in_order "$in_order"
	report_with double_free_wrong_order "$wrong_order"
	# shellcheck disable=SC2086
	fixture_session double_free_clean double_free_clean fails $inject
	fixture_session double_free_plain double_free ok
	fixture_sessions="${fixture_sessions}${attach_guest}attach_session double_free_attach double_free
"
	# The campaign groups the four loads' double frees by their stack; the
	# pattern in the wrong order (first) takes none, the other all four.
	fixture_campaign double_free_campaign double_free
	fixture_campaign double_free_supp double_free --suppress "'$wrong_order'" \
		--suppress "'$in_order'"
	if fixture_ddv_vm double; then
		fixture_use double_free
		fixture_expect_injected double_free
		fixture_expect_rule double_free "$rule"
		check_host "double_free: the finding names the cleanup loop's vfree, $site" \
			test "$(fixture_report_site "$rule" site)" = "$site"
		check_host "ddv report --suppress $in_order: the finding goes, counted" \
			report_suppressed double_free_in_order "$in_order"
		check_host "ddv report --suppress $wrong_order: the finding stays" \
			report_kept double_free_wrong_order
		fixture_use double_free_campaign
		if fixture_expect_campaign double_free_campaign 3; then
			fixture_campaign_says double_free_campaign "one group of 4 loads at $site" \
				"^  $rule at $(echo "$site" | sed 's/[+.]/\\&/g'): 4 loads, first load 2 "
			fixture_campaign_says double_free_campaign "its stack, through do_one_initcall" \
				"^    stack: $func\\+0x[0-9a-f]+ \\[double_free\\] > .*do_one_initcall\\+"
			fixture_campaign_says double_free_campaign "the other loads that show it" \
				'^    also on loads \(ddv inject nth-any N\): 4 6 8$'
			fixture_campaign_says double_free_campaign "one distinct finding" \
				'^  distinct \(rule and site\) +1$'
		fi
		fixture_use double_free_supp
		if fixture_expect_campaign double_free_supp 0; then
			fixture_campaign_says double_free_supp "no finding left" \
				'^  findings +0$'
			fixture_campaign_says double_free_supp "4 suppressed, by the pattern in order" \
				"^  findings suppressed +4 \\(this run\\)$"
			fixture_campaign_says double_free_supp "each taken by $in_order" \
				"^    $(echo "$in_order" | sed 's/[][+.*^$]/\\&/g') +4$"
			fixture_campaign_says double_free_supp "ends with 0 findings" \
				'^campaign double_free: [0-9]+ loads, .* 0 findings$'
			check_host "double_free_supp: the wrong-order pattern took none" \
				eval "! grep -qF '    $wrong_order' \"\$fixture_campaign_out\""
		fi
		fixture_use double_free_clean
		fixture_expect_injected double_free_clean
		fixture_expect_clean double_free_clean
		fixture_use double_free_plain
		fixture_expect_clean double_free_plain
		fixture_use double_free_attach
		# Made after the attach and freed twice, or made before and freed twice:
		# certain double frees.
		fixture_expect_rule double_free_attach "$rule"
		check_host "double_free_attach: two findings, at $attach_site and $refree_site" \
			sites_are "$attach_site" "$refree_site"
		# Their stacks: the driver's frames, named after ddv unload from the symbols
		# ddv attach kept (stack-names.sh), then the sysfs write that poked it.
		check_host "double_free_attach: each stack runs from the poke's write (param_attr_store)" \
			fixture_report_is '[.[] | select(.rule) | .stack_symbols // [] | map(. // "") |
				any(test("^param_attr_store\\+"))] | length > 0 and all'
		check_host "double_free_attach: each stack names the driver's frames after the unload (poke_double_free, poke_refree_ring, poke_set)" \
			fixture_report_is '[.[] | select(.rule) | .stack_symbols // [] | map(. // "") |
				(any(test("^poke_(double_free|refree_ring)\\+0x[0-9a-f]+ \\[double_free\\]$")) and
				 any(test("^poke_set\\+0x[0-9a-f]+ \\[double_free\\]$")))] |
				length == 2 and all'
		check_host "double_free_attach: attached, nothing counted apart yet" \
			test "$(unknown_in double_free_attach attached)" = 0
		check_host "double_free_attach: the double free is a violation, not unknown before attach" \
			eval 'test "$(violations_in double_free_attach double)" = 1 &&
			      test "$(unknown_in double_free_attach double)" = 0'
		check_host "double_free_attach: the free of a buffer made before the attach is unknown before attach, not a violation" \
			eval 'test "$(unknown_in double_free_attach ring)" = 1 &&
			      test "$(violations_in double_free_attach ring)" = 1'
		check_host "double_free_attach: its second free is a violation: the first is remembered" \
			eval 'test "$(unknown_in double_free_attach refree)" = 1 &&
			      test "$(violations_in double_free_attach refree)" = 2'
		# The exit frees 3 ring buffers and 4 descriptors, all made before the attach.
		check_host "double_free_attach: the unload's 7 frees of objects made before the attach are unknown too (8 in all)" \
			test "$(unknown_in double_free_attach gone)" = 8
	fi
fi
vm_summary
