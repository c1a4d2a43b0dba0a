#!/bin/bash
# fixture-double_free.sh: VM test: when a descriptor allocation fails, ddv reports the buffer that double_free's cleanup loop frees a second time, and nothing for the twin; a stack suppression removes the finding from the report and the campaign, one with its frames in the wrong order keeps it.
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

if fixture_build; then
	# ddv_pieces names the host's ddv, which fixture_site runs; without it
	# fixture_ddv_vm fails the scenario, naming what is missing.
	ddv_pieces
	site=$(fixture_site double_free vfree 2)
	func=${site%%+*}
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
				'^  distinct \(rule, site and stack\) +1$'
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
	fi
fi
vm_summary
