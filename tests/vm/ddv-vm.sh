#!/bin/bash
# ddv-vm.sh: VM test: the host command `ddv vm` (README's main job) drives the rig: e1000 checked end to end, reports copied back, a hung guest reported.
set -u
. "$(dirname "$0")/lib.sh"

if ! ddv_pieces; then
	fail "ddv vm: ddv is built" "missing:$ddv_missing"
	vm_summary
	exit
fi
export DDV_SRCDIR=$vm_top DDV_BUILDDIR=$vm_build

# 1. The README's example, as a user types it.
out=$vm_work/e1000-out
status=0
(cd "$vm_work" && "$ddv_cli" vm --nic e1000 --timeout 240 --out "$out" -- \
	'ddv start' 'ddv load e1000' 'ip link set eth0 up' 'ip link set eth0 down' \
	'ddv unload e1000') >"$vm_work/e1000.log" 2>&1 || status=$?
if [ "$status" = 0 ]; then
	pass "e1000: ddv vm exits 0"
else
	fail "e1000: ddv vm exits 0" "status $status"
	tail -n 30 "$vm_work/e1000.log" >&2
fi
check_host "e1000: the console shows each command" grep -q '^+ ddv load e1000$' "$vm_work/e1000.log"
check_host "e1000: report.txt came back" test -s "$out/report.txt"
check_host "e1000: log.txt came back" test -s "$out/log.txt"
if jq -e 'select(.summary) | .summary.findings == 0 and .summary.records_lost == 0' \
	"$out/report.json" >/dev/null 2>&1; then
	pass "e1000: report.json came back with zero findings, nothing lost"
else
	fail "e1000: report.json came back with zero findings, nothing lost" \
		"$(head -c 300 "$out/report.json" 2>/dev/null)"
fi
check_host "e1000: the log shows the driver redirected and unloaded" \
	grep -qE 'driver-going: driver e1000 unloaded' "$out/log.txt"

# 2. A guest that never finishes: ddv vm returns vm/run's 124 and says so.
status=0
start=$(date +%s)
(cd "$vm_work" && "$ddv_cli" vm --timeout 30 --out "$vm_work/hang-out" -- \
	'while :; do :; done') >"$vm_work/hang.log" 2>&1 || status=$?
elapsed=$(($(date +%s) - start))
if [ "$status" = 124 ]; then
	pass "hang: ddv vm exits 124"
else
	fail "hang: ddv vm exits 124" "status $status"
	tail -n 20 "$vm_work/hang.log" >&2
fi
check_host "hang: ddv vm says the guest timed out" grep -qi 'did not finish' "$vm_work/hang.log"
check_host "hang: killed within 38 s" test "$elapsed" -le 38

vm_summary
