#!/bin/bash
# soak.sh: VM test: scripts/soak for 5 minutes (a driver reloaded each minute under traffic, faults, tracing, attach and detach): every figure of its line holds.
#
# The suite runs the soak's representative part (the issue's 5 minutes): a reload every 60 s
# (e1000 and nvme in turn), tracing and an attach switched on and off, the faults and the
# log's drain all along; each property of the long soak is judged on it. The long form is the
# same scenario with its knobs (or scripts/soak itself):
#   SOAK_MINUTES=30 SOAK_RELOAD_EVERY=60 scripts/test-vm soak
# scripts/soak judges its own figures (its exit status); each is checked here again from
# the line, so that a failure names the figure.
# vm-slot: wall
set -u
. "$(dirname "$0")/lib.sh"

minutes=${SOAK_MINUTES:-5}
period=${SOAK_RELOAD_EVERY:-60}
if ! ddv_pieces; then
	fail "$vm_name: ddv is built" "missing:$ddv_missing"
	vm_summary
	exit
fi
status=0
# Its own limit, below test-vm's: the guest's vm/run has one too (minutes + 400 s).
timeout -k 10 $((minutes * 60 + 500)) "$vm_top/scripts/soak" --minutes "$minutes" \
	--reload-every "$period" --out "$vm_work/soak" >"$vm_work/soak.out" 2>&1 || status=$?
sed 's/^/soak: /' "$vm_work/soak.out" >&2
line=$(grep '^soak: [0-9]* min,' "$vm_work/soak.out" | tail -n 1)
# field REGEX: the number the extended REGEX's group 1 holds in the line.
field() { sed -nE "s/.*$1.*/\\1/p" <<<"$line"; }
check_host "soak exits 0" test "$status" = 0
check_host "soak prints its line" test -n "$line"
# The first reload at period/2, then one each period (the short form: e1000's and nvme's).
reloads=$(((minutes * 60 - period / 2) / period + 1))
check_host "a reload each $period s ($reloads)" \
	test "$(field ' ([0-9]+) reloads')" -ge "$reloads"
injected=$(field ' ([0-9]+) faults injected')
check_host "faults were injected" test "${injected:-0}" -gt 0
check_host "every injected fault is in the log" test "$(field ', ([0-9]+) in the log')" = "$injected"
check_host "every record lost is counted" \
	test "$(field ' ([0-9]+) records lost')" = "$(field ' ([0-9]+) counted')"
check_host "no object live after an unload" test "$(field 'live after unload ([0-9]+)')" = 0
check_host "ddv.ko's memory back to its start" \
	test "$(field 'memory start \(([^)]*)\)')" = "$(field ' end \(([^)]*)\)')"
check_host "no kernel complaint" grep -q 'kernel sound' <<<"$line"
vm_summary
