#!/bin/bash
# campaign-e1000.sh: VM test: the exhaustive campaign over e1000 (a real driver, qemu's NIC) completes from the host: every fallible call of its load fails once, each load follows the recorded sequence, and no finding comes out (triaged: e1000 unwinds every failure of its load correctly).
set -u
. "$(dirname "$0")/lib.sh"

if ddv_pieces; then
	out=$vm_work/e1000
	start=$(date +%s)
	status=0
	"$ddv_cli" campaign exhaustive --vm --out "$out" --vm-timeout 400 --timeout 30 \
		--vm-arg --nic --vm-arg e1000 e1000 >"$vm_work/e1000.txt" 2>"$vm_work/e1000.err" ||
		status=$?
	cat "$vm_work/e1000.txt"
	sed 's/^/stderr: /' "$vm_work/e1000.err"
	check_host "e1000: the campaign completes without findings (status 0, got $status)" \
		test "$status" = 0
	check_host "e1000: the journal says the campaign ended" grep -qx end "$out/e1000.journal"
	check_host "e1000: some fallible calls were recorded, each tried once" \
		eval "n=\$(sed -nE 's/^  loads tried +([0-9]+) of ([0-9]+)$/\\1 \\2/p' '$vm_work/e1000.txt');
			set -- \$n; [ \"\${1:-0}\" -gt 5 ] && [ \"\$1\" = \"\$2\" ]"
	check_host "e1000: every load failed the call the recording planned" \
		grep -q '^  loads off the recorded sequence  *0$' "$vm_work/e1000.txt"
	check_host "e1000: the probe's register_netdev failure is among them" \
		grep -q '^load [0-9]*: fault in register_netdev@e1000_probe+' "$vm_work/e1000.txt"
	# What it could not fail: e1000's fallible-looking calls no contract covers (ddv sites --uncovered).
	check_host "e1000: the summary says which of its calls have no contract" \
		grep -q '^  called with no contract  *[1-9][0-9]*$' "$vm_work/e1000.txt"
	check_host "e1000: netif_device_attach is one of them" \
		grep -qx '    netif_device_attach' "$vm_work/e1000.txt"
	check_host "e1000: the journal keeps the list (ddv campaign merge shows it)" \
		grep -qx 'uncovered netif_device_attach' "$out/e1000.journal"
	echo "note: the campaign took $(($(date +%s) - start)) s on the host"
else
	fail "campaign-e1000: ddv is built" "missing:$ddv_missing"
fi
vm_summary
