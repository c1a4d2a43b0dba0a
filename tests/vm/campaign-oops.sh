#!/bin/bash
# campaign-oops.sh: VM test: a campaign run from the host (ddv campaign exhaustive --vm) records the oops that oops_null's injected failure provokes against the injected call and completes (the oops is in the last planned load: no second boot; campaign-resume.sh boots again after a lost VM); oops_probe's oops in its probe, under the device's lock, ends its boot in bounded time, not at --vm-timeout.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

if fixture_build && ddv_pieces; then
	out=$vm_work/oops
	start=$(date +%s)
	status=0
	"$ddv_cli" campaign exhaustive --vm --out "$out" --vm-timeout 120 --timeout 10 \
		"$fixture_ko/oops_null.ko" >"$vm_work/oops.txt" 2>"$vm_work/oops.err" || status=$?
	took=$(($(date +%s) - start))
	cat "$vm_work/oops.txt"
	sed 's/^/stderr: /' "$vm_work/oops.err"
	site=$(fixture_site oops_null kmalloc_trace)
	check_host "oops_null: the campaign ends with findings (status 3, got $status)" \
		test "$status" = 3
	check_host "oops_null: the load that failed $site crashed" \
		grep -q "^load 1: fault in kmalloc_trace@$site, CRASHED" "$vm_work/oops.txt"
	check_host "oops_null: the crash is reported with its reproducing command" \
		eval "grep -q '^  ddv.crash: the kernel oopsed on load 1 (fault in kmalloc_trace@$site)' \
			'$vm_work/oops.txt' && grep -q '^    reproduce: ddv inject nth-any 1; ddv load ' \
			'$vm_work/oops.txt'"
	check_host "oops_null: every planned load was tried" \
		grep -q '^  loads tried  *1 of 1$' "$vm_work/oops.txt"
	# Fallibility comes from the runtime's fault classes, not from a probe
	# load that would oops first: boot 1 records, then crashes on load 1.
	check_host "oops_null: one boot ended the campaign (the oops was its last load)" \
		eval "grep -q '^campaign oops_null: boot 1: .* 1 loads ended' '$vm_work/oops.err' &&
			! grep -q 'boot 2: ' '$vm_work/oops.err'"
	check_host "oops_null: the host showed the guest's progress while it ran (the recording)" \
		grep -qx 'campaign oops_null: boot 1: recorded, 1 loads planned' "$vm_work/oops.err"
	check_host "oops_null: the host journal says the campaign ended" \
		grep -qx end "$out/oops_null.journal"
	echo "note: the campaign took $took s on the host"

	# oops_probe: the oops kills the loader holding its device's lock, which the
	# guest's shutdown takes: the boot must still end long before --vm-timeout.
	probe_out=$vm_work/oops-probe
	start=$(date +%s)
	status=0
	"$ddv_cli" campaign exhaustive --vm --out "$probe_out" --vm-timeout 300 --timeout 10 \
		"$fixture_ko/oops_probe.ko" >"$vm_work/probe.txt" 2>"$vm_work/probe.err" || status=$?
	took=$(($(date +%s) - start))
	sed 's/^/oops_probe: /' "$vm_work/probe.txt"
	sed 's/^/oops_probe: stderr: /' "$vm_work/probe.err"
	site=$(fixture_site oops_probe kmalloc_trace)
	check_host "oops_probe: the campaign ends with findings (status 3, got $status)" \
		test "$status" = 3
	check_host "oops_probe: load 1, which failed $site in the probe, crashed" \
		grep -q "^load 1: fault in kmalloc_trace@$site, CRASHED" "$vm_work/probe.txt"
	check_host "oops_probe: the crash is reported with the kernel's complaint" \
		grep -q "^  ddv.crash: the kernel oopsed on load [0-9]* (fault in kmalloc_trace@$site)" \
			"$vm_work/probe.txt"
	check_host "oops_probe: every planned load was tried" \
		grep -qE '^  loads tried  *([0-9]+) of \1$' "$vm_work/probe.txt"
	check_host "oops_probe: the guest powered off by itself, not killed at --vm-timeout" \
		eval "grep -qE '^campaign oops_probe: boot 1: [0-9]+ s, guest status [0-9]+, ' \
			'$vm_work/probe.err' && ! grep -q 'guest status 124' '$vm_work/probe.err'"
	check_host "oops_probe: the campaign took under 200 s ($took s), not the 300 s --vm-timeout" \
		test "$took" -lt 200
	check_host "oops_probe: the host journal says the campaign ended" \
		grep -qx end "$probe_out/oops_probe.journal"
else
	fail "campaign-oops: the fixtures and ddv are built" "missing:${ddv_missing:-fixtures}"
fi
vm_summary
