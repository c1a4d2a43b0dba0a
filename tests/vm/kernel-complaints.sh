#!/bin/bash
# kernel-complaints.sh: VM test: the kernel's own WARNINGs and oopses during a session are findings tied to the fault injected before them: warn_alloc's five identical warnings are one ddv.kernel-warning with a count, its twin none; a campaign journals them per load; one wrong free_irq (irq_unrequested) is one finding, its kernel warning told with it; oops_null's oops is told with its ddv.crash, not twice.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

job=$vm_work/complaints.job
cat >"$job" <<'JOB'
. /root/guest-lib.sh
. /root/guest-fixture.sh
state=${DDV_STATE_DIR:-/run/ddv}
# one LABEL MODULE INJECT...: ddv inject INJECT, load and unload MODULE, both reports,
# the session's kernel log (the kernel's records as ddv kept them) in /out/LABEL.
one() {
	label=$1 m=$2
	shift 2
	mkdir -p /out/$label
	check "$label: ddv start" ddv start
	check "$label: ddv inject $*" ddv inject "$@"
	ddv load "$m" >/out/$label/load.txt 2>&1
	echo $? >/out/$label/load.status
	[ "$(cat /out/$label/load.status)" = 0 ] && ddv unload "$m"
	ddv report --json >/out/$label/report.json 2>/out/$label/report.err
	echo $? >/out/$label/report.status
	ddv report >/out/$label/report.txt 2>&1
	cat /out/$label/report.txt
	cp "$state/kernel-log" /out/$label/kernel-log
}
campaign() {
	label=$1 m=$2
	mkdir -p /out/$label
	check "$label: ddv start" ddv start
	ddv campaign exhaustive --journal /out/$label/journal "$m" >/out/$label/campaign.txt 2>&1
	echo $? >/out/$label/status
	cat /out/$label/campaign.txt
	ddv stop
}
one warn warn_alloc nth kmalloc 2
ddv stop
one clean warn_alloc_clean nth kmalloc 2
ddv stop
campaign cwarn warn_alloc
campaign cclean warn_alloc_clean
one irqfree irq_unrequested nth kmalloc 2
ddv stop
one irqclean irq_unrequested_clean nth kmalloc 2
ddv stop
# Last: the oops leaves oops_null half loaded.
one oops oops_null nth kmalloc 1
guest_done
JOB

# rep LABEL FILTER: jq FILTER holds over LABEL's report, read as one array.
rep() {
	jq -s -e "$2" "$vm_out/$1/report.json" >/dev/null 2>&1 && return 0
	echo "--- $1's report, which fails '$2':" >&2
	cat "$vm_out/$1/report.json" >&2
	return 1
}

if fixture_build && ddv_pieces; then
	# shellcheck disable=SC2046 # one option or path per line, none with blanks
	vm_job complaints --smp 2 --timeout 600 $(ddv_vm_options) $(fixture_vm_options) \
		--script "$job"
	expect_status "complaints: the job ran" 0
	[ "$vm_status" = 0 ] || vm_show_log 60
	site=$(fixture_site warn_alloc kmalloc_trace)
	check_host "warn: five identical warnings are one finding, counted, and nothing else" \
		rep warn '[.[] | select(.rule)] | length == 1 and .[0].rule == "ddv.kernel-warning"
			and .[0].count == 5'
	check_host "warn: ddv report exits 3 and counts 5 findings in 1 group" \
		eval "[ \"\$(cat '$vm_out/warn/report.status')\" = 3 ] &&
			rep warn 'map(select(.summary))[0].summary | .findings == 5 and .groups == 1'"
	check_host "warn: the warning's place and the driver's frames are named" \
		rep warn '.[] | select(.rule) | (.where | startswith("warn_alloc_refill+0x"))
			and (.message | test("^WARNING at .*warn_alloc.c:[0-9]+ warn_alloc_refill\\+0x"))
			and .driver == "warn_alloc"
			and any(.frames[]; startswith("warn_alloc_init+0x"))'
	# Source lines from the fixture's DWARF: the WARN_ON's line, and init's call of the refill.
	warn_line=$(grep -n 'WARN_ON(!ring\[i\])' "$vm_top/tests/drivers/warn_alloc.c" | cut -d: -f1)
	call_line=$(grep -n 'full = warn_alloc_refill();' "$vm_top/tests/drivers/warn_alloc.c" |
		cut -d: -f1)
	check_host "warn: its RIP is warn_alloc.c:$warn_line, init's frame warn_alloc.c:$call_line" \
		rep warn ".[] | select(.rule) |
			(.where_source | (.file | endswith(\"/warn_alloc.c\")) and .line == $warn_line) and
			any(.frames_source[]; . != null and .function == \"warn_alloc_init\" and
				.line == $call_line)"
	check_host "warn: the text report has init's frame with its line" \
		grep -qE "^      warn_alloc_init\+0x[0-9a-f]+ \[warn_alloc\] [^ ]*/warn_alloc.c:$call_line\$" \
		"$vm_out/warn/report.txt"
	check_host "warn: its likely cause is the fault injected at $site, in init" \
		rep warn ".[] | select(.rule) | .faults_before == 1 and
			.last_faults[0] == \"kmalloc at $site [warn_alloc] (in init)\""
	check_host "warn: the text report says it once, with its count and cause" \
		eval "grep -q 'kernel error ddv.kernel-warning: the kernel warned: WARNING at .* \\[5 times\\]$' \
			'$vm_out/warn/report.txt' &&
			grep -qF '    likely cause: 1 fault injected before it; the last: kmalloc at $site [warn_alloc] (in init)' \
			'$vm_out/warn/report.txt'"
	check_host "clean: the twin's report has no finding, a fault injected" \
		eval "[ \"\$(cat '$vm_out/clean/report.status')\" = 0 ] &&
			rep clean 'map(select(.summary))[0].summary | .findings == 0 and .faults_injected >= 1'"
	check_host "cwarn: the campaign finds the warning on each of its 4 loads (exit 3)" \
		eval "[ \"\$(cat '$vm_out/cwarn/status')\" = 3 ] &&
			grep -q '^  ddv.kernel-warning at warn_alloc_refill+0x[0-9a-f]*: 4 loads, first load 1 (fault in kmalloc_trace@' \
			'$vm_out/cwarn/campaign.txt'"
	check_host "cwarn: the campaign's summary names the warning's line, warn_alloc.c:$warn_line" \
		grep -qE "^    source: [^ ]*/warn_alloc.c:$warn_line\$" "$vm_out/cwarn/campaign.txt"
	check_host "cwarn: the journal keeps it with the driver's frames" \
		grep -qE '^finding 1 ddv.kernel-warning warn_alloc_refill\+0x[0-9a-f]+ warn_alloc_refill\+0x[0-9a-f]+ \[warn_alloc\] > warn_alloc_init\+0x[0-9a-f]+ \[warn_alloc\]' \
		"$vm_out/cwarn/journal"
	check_host "cclean: the twin's campaign fails 4 calls and finds nothing (exit 0)" \
		eval "[ \"\$(cat '$vm_out/cclean/status')\" = 0 ] &&
			grep -q '^campaign warn_alloc_clean: 4 loads, 4 faults injected, .* 0 findings$' \
			'$vm_out/cclean/campaign.txt'"
	check_host "irqfree: the one wrong free_irq is one finding, irq.free-unrequested" \
		rep irqfree '[.[] | select(.rule)] | length == 1 and .[0].rule == "irq.free-unrequested"'
	check_host "irqfree: the kernel's warning in that call is told with it, not apart" \
		rep irqfree '.[] | select(.rule) | .kernel | test("^WARNING at kernel/irq/manage.c:[0-9]+ (__)?free_irq\\+0x")'
	check_host "irqclean: the twin's failed init frees nothing it did not request: clean" \
		eval "[ \"\$(cat '$vm_out/irqclean/report.status')\" = 0 ] &&
			rep irqclean 'map(select(.summary))[0].summary | .findings == 0 and .faults_injected >= 1'"
	check_host "oops: the crash finding quotes the kernel's report of the oops" \
		rep oops '[.[] | select(.rule == "ddv.crash")] | length == 1 and
			(.[0].message | test("the kernel: BUG: kernel NULL pointer dereference at [a-z_]+\\+0x[0-9a-f]+, from oops_null_init\\+0x[0-9a-f]+ \\[oops_null\\]"))'
	check_host "oops: the oops is not a second finding" \
		rep oops '[.[] | select(.rule)] | length == 1'
	# The kernel's records as ddv kept them, for a look (tests/cli/data/kmsg-*.txt came so).
	for f in warn oops; do
		cp "$vm_out/$f/kernel-log" "$vm_build/tests/kernel-log-$f.txt" 2>/dev/null
	done
else
	fail "kernel-complaints: the fixtures and ddv are built" "missing:${ddv_missing:-fixtures}"
fi
vm_summary
