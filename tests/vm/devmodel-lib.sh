# devmodel-lib.sh: what tests/vm/fixture-devmodel*.sh share; source after fixtures.sh.
# shellcheck shell=bash
#
# A scenario sets $devmodel_cases (one case a line: LABEL MODULE LOAD INJECT RULES,
# INJECT "inject" for $inject, "random" for every fallible call failed, the words of a
# `ddv inject` joined by "+" (plan+caller=M:F+rate=100), or "-", RULES the comma-separated rule
# ids the report must have and nothing else, "-" for none) and $inject, then calls
# devmodel_run PREFIX: one VM, one ddv session per case, each judged. Guest commands queued in
# $fixture_sessions before (a module to load first) run before the sessions. A scenario that
# boots several sets of cases at once (fixtures612.sh) calls the three steps itself:
# devmodel_queue for each set, fixture_ddv_vm, devmodel_judge for each set, devmodel_sound.

# The firmware the fixtures request (tests/drivers/devmodel.h, DM_FIRMWARE).
devmodel_firmware='mkdir -p /lib/firmware && echo ddv >/lib/firmware/ddv-fixture.bin
'

# devmodel_expect_rules PREFIX RULES: the report's findings are exactly the set RULES.
devmodel_expect_rules() {
	local rules want

	fixture_report_sound "$1" || return
	check_host "$1: ddv report exits 3 (findings)" \
		test "$(cat "$fixture_report_status" 2>/dev/null)" = 3
	rules=$(fixture_report_rules | sort -u | tr '\n' ' ')
	want=$(echo "$2" | tr ',' '\n' | sort -u | tr '\n' ' ')
	if [ "$rules" = "$want" ]; then
		pass "$1: reported as $2, and nothing else"
	else
		fail "$1: reported as $2, and nothing else" "rules: ${rules:-none}"
		# What was reported, for the log (the failing scenario's stderr).
		jq -c 'select(.rule)' "$fixture_report" >&2
	fi
}

# devmodel_queue: the sessions of $devmodel_cases, with $inject, queued.
devmodel_queue() {
	local label m load inj rules

	fixture_sessions=$fixture_sessions$devmodel_firmware
	while read -r label m load inj rules; do
		[ -n "$label" ] || continue
		case $inj in
		inject)
			# shellcheck disable=SC2086 # the words of the inject command
			fixture_session "$label" "$m" "$load" $inject ;;
		random) fixture_session "$label" "$m" "$load" random all 100 ;;
		*+*)
			# shellcheck disable=SC2046 # the words of the inject command
			fixture_session "$label" "$m" "$load" $(echo "$inj" | tr + ' ') ;;
		*) fixture_session "$label" "$m" "$load" ;;
		esac
	done <<<"$devmodel_cases"
}

# devmodel_sound PREFIX: the guest's dmesg, queued last (devmodel_dmesg) and brought back:
# the defects the kernel WARNs about (a misc device or a sysfs group never registered) may
# taint it; none may oops it or sleep in atomic context.
devmodel_dmesg='dmesg >/out/dmesg.txt
'
devmodel_sound() {
	check_host "$1: the kernel never oopsed nor slept in atomic context" \
		sh -c "[ -s '$vm_out/dmesg.txt' ] && ! grep -E 'Oops|general protection|scheduling while atomic|sleeping function called from invalid' '$vm_out/dmesg.txt'"
}

# devmodel_judge: each case of $devmodel_cases judged from its report.
devmodel_judge() {
	local label m load inj rules

	while read -r label m load inj rules; do
		[ -n "$label" ] || continue
		fixture_use "$label"
		[ "$inj" != - ] && fixture_expect_injected "$label"
		if [ "$rules" = - ]; then
			fixture_expect_clean "$label"
		else
			devmodel_expect_rules "$label" "$rules"
		fi
	done <<<"$devmodel_cases"
}

devmodel_run() {
	devmodel_queue
	fixture_sessions=$fixture_sessions$devmodel_dmesg
	fixture_ddv_vm "$1" || return
	devmodel_sound "$1"
	devmodel_judge
}
