#!/bin/bash
# fixture-scope_leak.sh: VM test: ddv.ko checks a rule-defined leak scope: a block allocated under a lock and freed after the unlock is reported by the scope's rule at its allocation site; the clean twin, and a replacement inside the scope, give nothing.
#
# The rule comes from the test pack tests/drivers/scope-pack/scopetest.ddv
# (scope locked: between mutex_lock_interruptible() and mutex_unlock() the
# count of heap blocks comes back), which the scenario compiles with the build
# tree's ddvc and loads instead of the shipped packs (ddv start reads
# DDV_PACK_DIR, the decoder DDV_CATALOG_DIR). The leaked block is freed at
# module exit, so the unload's own leak check finds nothing: a runtime that
# ignored the pack's scopes would report nothing and fail here.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

rule=scopetest.scope.locked
text="memory allocated while holding a mutex is not freed before its unlock"
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

if ddv_pieces && fixture_build && scope_pack_build; then
	# The third kmalloc_trace call of scope_leak_init allocates the scratch block.
	sites=$("$ddv_cli" sites "$fixture_ko/scope_leak.ko" --catalog "$pack_dir")
	leak_site=$(awk '$3 == "kmalloc_trace" && ++n == 3 { print $1; exit }' <<<"$sites")
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
		echo "export DDV_PACK_DIR=/root/scopepack DDV_CATALOG_DIR=/root/scopecat"
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
GUEST
		echo "guest_done"
	} >"$job"
	# shellcheck disable=SC2046 # one option or path per line, none with blanks
	vm_job scope --smp 2 --timeout "${FIXTURE_VM_TIMEOUT:-600}" \
		$(ddv_vm_options) $(fixture_vm_options) \
		--add "$pack_dir/ddv-scopetest.ko:/root/scopepack/" \
		--add "$pack_dir/scopetest.msgs:/root/scopecat/" --script "$job"
	[ "$vm_status" = 0 ] || vm_show_log 60

	fixture_use scope_leak
	fixture_expect_rule scope_leak "$rule"
	check_host "scope_leak: one finding, with the scope's message" \
		fixture_report_is "[.[] | select(.rule)] | length == 1 and
			.[0].message == \"$text\" and .[0].severity == \"error\" and
			.[0].driver == \"scope_leak\""
	check_host "scope_leak: the finding names the scratch block's allocation site ($leak_site)" \
		test -n "$leak_site" -a "$(fixture_report_site "$rule" allocation_site)" = "$leak_site"
	check_host "scope_leak: the finding names the rule's spec position" \
		fixture_report_is "[.[] | select(.rule)][0].spec | test(\"^scopetest.ddv:[0-9]+:[0-9]+$\")"

	fixture_use scope_leak_clean
	fixture_expect_clean scope_leak_clean

	# ddv.scope-unbalanced: the count is up by one, one object named, at the unlock.
	check_host "log: ddv.scope-unbalanced says excess 1, 1 named, at an unlock of init" \
		scope_note_is "[$unlock_offsets]"
else
	[ -n "${ddv_missing:-}" ] && fail "$vm_name: ddv is built" "missing:$ddv_missing"
fi
vm_summary
