#!/bin/bash
# campaign-systematic-vmxnet3.sh: VM test: the systematic campaign finds vmxnet3's real defect (ndo_open leaves the first IRQ requested when a later request_irq fails) with its ifup workload, in fewer loads than the exhaustive campaign's pruned plan (campaign-vmxnet3.sh), each load failing the stack the recording planned.
set -u
. "$(dirname "$0")/lib.sh"

if ddv_pieces; then
	d=vmxnet3
	out=$vm_work/$d
	status=0
	start=$(date +%s)
	"$ddv_cli" campaign systematic --vm --out "$out" --vm-timeout 600 --timeout 30 \
		--vm-arg --nic --vm-arg "$d" \
		--workload 'ip link set eth0 up; sleep 1; ip link set eth0 down' "$d" \
		>"$vm_work/$d.txt" 2>"$vm_work/$d.err" || status=$?
	took=$(($(date +%s) - start))
	cat "$vm_work/$d.txt"
	sed 's/^/stderr: /' "$vm_work/$d.err"
	check_host "$d: the campaign ends with findings (status 3, got $status)" test "$status" = 3
	check_host "$d: the journal is a systematic one and ended" \
		eval "grep -qx 'mode systematic' '$out/$d.journal' && grep -qx end '$out/$d.journal'"
	check_host "$d: the IRQ of the first request_threaded_irq leaks when a later one fails" \
		grep -qE '^  irq\.leak at vmxnet3_activate_dev\+0x[0-9a-f]+: [0-9]+ loads?, first load [0-9]+ \(fault in request_threaded_irq@vmxnet3_activate_dev\+0x[0-9a-f]+, phase workload\)$' \
		"$vm_work/$d.txt"
	check_host "$d: its reproducer arms the stack and brings the interface up" \
		grep -qE "^    reproduce: ddv inject stack 0x[0-9a-f]+ [12]; ddv load $d; ip link set eth0 up; sleep 1; ip link set eth0 down; ddv unload $d\$" \
		"$vm_work/$d.txt"
	loads=$(sed -n "s/^campaign $d: \([0-9]*\) loads,.*/\1/p" "$vm_work/$d.txt")
	total=$(sed -n 's/^total //p' "$out/$d.journal")
	# campaign-vmxnet3.sh's exhaustive campaign with loop pruning plans 59 loads.
	check_host "$d: fewer loads than the pruned exhaustive campaign's 59 (got ${loads:-none})" \
		test "${loads:-999}" -lt 59
	check_host "$d: the host showed a line for each load as the guest ended it" \
		test "$(grep -cE "^campaign $d: boot [0-9]+: load [0-9]+ [a-z-]+, [0-9]+ injected " \
			"$vm_work/$d.err")" = "${loads:-x}"
	check_host "$d: every load failed the call the recording planned" \
		grep -q '^  loads off the recorded sequence  *0$' "$vm_work/$d.txt"
	echo "note: $d systematic: ${loads:-?} loads of ${total:-?} fallible calls, $took s on the host"
else
	fail "campaign-systematic-vmxnet3: ddv is built" "missing:$ddv_missing"
fi
vm_summary
