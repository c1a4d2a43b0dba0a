#!/bin/bash
# bench-load.sh: VM test: scripts/bench-load's short run (one round, e1000 and null_blk): the three ratio lines with sane figures, the checked path taken, no finding, no kernel warning.
#
# Not a measurement (one round of a few thousand operations): the figures' bounds are wide
# (ratio 0.3-1.5); what fails is a line missing, a ddv round that never went through the
# wrappers (0 calls per operation), a finding or a splat.
set -u
. "$(dirname "$0")/lib.sh"

if ! ddv_pieces; then
	fail "$vm_name: ddv is built" "missing:$ddv_missing"
	vm_summary
	exit
fi
status=0
"$vm_top/scripts/bench-load" --rounds 1 --packets 5000 --mbytes 4 >"$vm_work/bench.out" 2>&1 || status=$?
sed 's/^/bench-load: /' "$vm_work/bench.out" >&2
check_host "bench-load exits 0" test "$status" = 0
# ratio_ok KIND MIN MAX: the KIND line is there, with wrapper calls per operation above 0 and a
# ratio in MIN-MAX.
ratio_ok() {
	awk -v k="$1:" -v lo="$2" -v hi="$3" '$1 == k {
		seen = 1
		if (!match($0, /\(([0-9.]+) wrapper calls\)/)) exit 1
		calls = substr($0, RSTART + 1) + 0
		r = $NF + 0
		ok = calls > 0 && r >= lo && r <= hi && $(NF - 1) == "ratio"
	} END { exit !(seen && ok) }' "$vm_work/bench.out"
}
check_host "net: ratio line, through the wrappers, sane ratio" ratio_ok net 0.3 1.5
# The socket stack's datagrams through the user-network NIC, to the host's sink.
check_host "net-udp: ratio line, through the wrappers, sane ratio" ratio_ok net-udp 0.3 1.5
check_host "net-udp: the host's sink got datagrams" \
	grep -qE '^net-udp: .*; the host got [1-9][0-9]* of the [1-9][0-9]* datagrams sent;' "$vm_work/bench.out"
# null_blk (the default disk) completes inline: its figure is exact, as net's.
check_host "blk: null_blk's ratio line, through the wrappers, sane ratio" ratio_ok blk 0.3 1.5
check_host "figures are guest instructions (-icount)" grep -q 'guest instructions (-icount)' "$vm_work/bench.out"
check_host "no finding in the ddv rounds" grep -qx 'ddv rounds with findings: 0' "$vm_work/bench.out"
check_host "no kernel warning or oops" grep -qx 'kernel warnings or oopses: none' "$vm_work/bench.out"
vm_summary
