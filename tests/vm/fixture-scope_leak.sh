#!/bin/bash
# fixture-scope_leak.sh: VM test: ddv.ko checks a rule-defined leak scope: a block allocated under a lock and freed after the unlock is reported by the scope's rule at its allocation site; the clean twin, and a replacement inside the scope, give nothing.
#
# The rule comes from the test pack tests/drivers/scope-pack/scopetest.ddv
# (scope locked: between mutex_lock_interruptible() and mutex_unlock() the
# count of heap blocks comes back), which the scenario compiles with the build
# tree's ddvc and loads instead of the shipped packs (ddv start reads
# DDV_PACK_DIR; the pack module carries its catalog). The leaked block is freed at
# module exit, so the unload's own leak check finds nothing: a runtime that
# ignored the pack's scopes would report nothing and fail here. Then a scope of
# the user's (ddv scope begin/end) around one more critical section, run after
# init through the fixture's section parameter: the rule names the section's
# block, and so does the user's scope, in which the rule's scope was nested.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

rule=scopetest.scope.locked
text="memory allocated while holding a mutex (96 bytes at KEY) is not freed before its unlock"
pack_dir=$vm_work/scopepack

scope_pack_build() {
	if "$vm_top/tests/drivers/scope-pack/build" "$pack_dir" "$vm_build" \
		>"$vm_work/pack-build.out" 2>&1; then
		pass "$vm_name: the test pack scopetest builds"
		return 0
	fi
	cat "$vm_work/pack-build.out" >&2
	fail "$vm_name: the test pack scopetest builds"
	return 1
}

# scope_note_is OFFSETS: the log has one ddv.scope-unbalanced note, as the leaky load
# makes it, at a mutex_unlock site of init (OFFSETS: a JSON array).
scope_note_is() {
	jq -s -e --argjson offs "$1" '[.[] | select(.rule == "ddv.scope-unbalanced")] |
		length == 1 and .[0].args.excess == 1 and .[0].args.named == 1 and
		.[0].driver == "scope_leak" and .[0].symbol == "mutex_unlock" and
		.[0].site.function == "scope_leak_init" and
		(.[0].site.offset as $o | $offs | index($o) != null)' \
		"$vm_out/log.json" >/dev/null && return 0
	echo "--- $vm_name: the log without that note:" >&2
	cat "$vm_out/log.json" >&2
	return 1
}

# nest_sites_are RULE "SITE...": the allocation sites of RULE's findings in the
# last report, sorted, are exactly SITE... (function+0xoffset each).
nest_sites_are() {
	local got want

	got=$(jq -r --arg rule "$1" 'select(.rule == $rule) | .allocation_site |
		"\(.function) \(.offset)"' "$fixture_report" 2>/dev/null |
		while read -r f o; do printf '%s+%#x\n' "$f" "$o"; done | sort | tr '\n' ' ')
	want=$(tr ' ' '\n' <<<"$2" | sed '/^$/d' | sort | tr '\n' ' ')
	[ "$got" = "$want" ] && return 0
	echo "--- $vm_name: $1 at '$got', expected '$want' in:" >&2
	cat "$fixture_report" >&2
	return 1
}

if ddv_pieces && fixture_build && scope_pack_build; then
	# The third kmalloc_trace call of scope_leak_init allocates the scratch block.
	sites=$("$ddv_cli" sites "$fixture_ko/scope_leak.ko" --pack "$pack_dir/ddv-scopetest.ko")
	leak_site=$(awk '$3 == "kmalloc_trace" && ++n == 3 { print $1; exit }' <<<"$sites")
	# The block of a critical section run after init.
	section_site=$(awk '$3 == "kmalloc_trace" && $1 ~ /^run_section\+/ { print $1; exit }' <<<"$sites")
	# The unlocks of init (which one ends the second section is the compiler's layout).
	unlock_offsets=
	for at in $(awk '$3 == "mutex_unlock" && $1 ~ /^scope_leak_init\+/ { print $1 }' <<<"$sites"); do
		unlock_offsets=${unlock_offsets:+$unlock_offsets,}$((${at#*+}))
	done
	job=$vm_work/scope.job
	{
		echo ". /root/guest-lib.sh"
		echo ". /root/guest-fixture.sh"
		# Only the test pack: the shipped one probes kmalloc and kfree too.
		echo "export DDV_PACK_DIR=/root/scopepack"
		echo "$fixture_guest_session"
		echo "session scope_leak scope_leak ok"
		echo "session scope_leak_clean scope_leak_clean ok"
		# The log has the scope's closing note too (a note is no finding).
		cat <<'GUEST'
check "log: ddv start" ddv start
check "log: ddv load scope_leak" ddv load scope_leak
ddv log --json >/out/log.json 2>&1
check "log: ddv unload scope_leak" ddv unload scope_leak
check "log: ddv stop" ddv stop
# A scope of the user's around a rule's: each names what was made while it was open.
nest() {
	label=$1 m=$2
	check "$label: ddv start" ddv start
	check "$label: ddv load $m" ddv load $m
	check "$label: ddv scope begin outer $m" ddv scope begin outer $m
	check "$label: one more critical section runs" \
		sh -c "echo 1 >/sys/module/$m/parameters/section"
	ddv scope end outer $m >/out/$label-end.txt 2>&1
	echo "status $?" >>/out/$label-end.txt
	cat /out/$label-end.txt
	ddv report --json >/out/$label-report.json 2>&1
	cat /out/$label-report.json
	check "$label: ddv unload $m" ddv unload $m
	check "$label: ddv stop" ddv stop
}
nest nest scope_leak
nest nest_clean scope_leak_clean
GUEST
		echo "guest_done"
	} >"$job"
	# shellcheck disable=SC2046 # one option or path per line, none with blanks
	vm_job scope --smp 2 --timeout "${FIXTURE_VM_TIMEOUT:-600}" \
		$(ddv_vm_options) $(fixture_vm_options) \
		--add "$pack_dir/ddv-scopetest.ko:/root/scopepack/" --script "$job"
	[ "$vm_status" = 0 ] || vm_show_log 60

	fixture_use scope_leak
	fixture_expect_rule scope_leak "$rule"
	check_host "scope_leak: one finding, with the scope's message naming the 96-byte block" \
		fixture_report_is "[.[] | select(.rule)] as \$f | (\$f | length) == 1 and
			\$f[0].args.size == 96 and
			\$f[0].message == (\"$text\" | sub(\"KEY\"; \$f[0].args.key)) and
			\$f[0].severity == \"error\" and \$f[0].driver == \"scope_leak\""
	check_host "scope_leak: the finding names the scratch block's allocation site ($leak_site)" \
		test -n "$leak_site" -a "$(fixture_report_site "$rule" allocation_site)" = "$leak_site"
	check_host "scope_leak: the finding names the rule's spec position" \
		fixture_report_is "[.[] | select(.rule)][0].spec | test(\"^scopetest.ddv:[0-9]+:[0-9]+$\")"

	fixture_use scope_leak_clean
	fixture_expect_clean scope_leak_clean

	# The user's scope around the rule's: the section's block is both scopes' leak.
	check_host "nest: ddv scope end says 1 object still live, exits 3" \
		grep -qzE 'ends: 1 object created in it still live.*status 3' "$vm_out/nest-end.txt"
	fixture_report=$vm_out/nest-report.json
	check_host "nest: the rule reports the init's block ($leak_site) and the section's ($section_site)" \
		nest_sites_are scopetest.scope.locked "$leak_site $section_site"
	check_host "nest: the user's scope reports the section's block as a heap leak ($section_site)" \
		nest_sites_are scopetest.heap-leak "$section_site"
	check_host "nest: nothing else" \
		fixture_report_is '[.[] | select(.rule)] | length == 3'
	check_host "nest_clean: ddv scope end says nothing live, exits 0" \
		grep -qzE 'ends: 0 objects created in it still live.*status 0' "$vm_out/nest_clean-end.txt"
	fixture_report=$vm_out/nest_clean-report.json
	check_host "nest_clean: no finding" \
		fixture_report_is '[.[] | select(.rule)] | length == 0'

	# ddv.scope-unbalanced: the count is up by one, one object named, at the unlock.
	check_host "log: ddv.scope-unbalanced says excess 1, 1 named, at an unlock of init" \
		scope_note_is "[$unlock_offsets]"
else
	[ -n "${ddv_missing:-}" ] && fail "$vm_name: ddv is built" "missing:$ddv_missing"
fi
vm_summary
