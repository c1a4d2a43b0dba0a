#!/bin/bash
# ifup-campaign-lib.sh: what campaign-vmxnet3.sh and campaign-e1000e.sh share (not a
# scenario): a lifecycle campaign of a NIC driver in the VM, its workload the interface
# brought up and down, and the checks every such campaign must pass.

# ifup_campaign DRIVER: runs the campaign into $vm_work/DRIVER.txt (journal in
# $vm_work/DRIVER/) and checks that it found something, ended, recorded the workload's
# calls, printed a reproducer that runs the workload, and followed the recording.
ifup_campaign() {
	local d=$1 out=$vm_work/$1 status=0

	"$ddv_cli" campaign exhaustive --vm --out "$out" --vm-timeout 600 --timeout 30 \
		--vm-arg --nic --vm-arg "$d" \
		--workload 'ip link set eth0 up; sleep 1; ip link set eth0 down' "$d" \
		>"$vm_work/$d.txt" 2>"$vm_work/$d.err" || status=$?
	cat "$vm_work/$d.txt"
	sed 's/^/stderr: /' "$vm_work/$d.err"
	check_host "$d: the campaign ends with findings (status 3, got $status)" test "$status" = 3
	check_host "$d: the journal says the campaign ended" grep -qx end "$out/$d.journal"
	check_host "$d: the workload (ifup) made most of the fallible calls" \
		grep -qE '^phase workload [0-9]+ [0-9]{3,}$' "$out/$d.journal"
	check_host "$d: the reproducer brings the interface up" \
		grep -qE "^    reproduce: ddv inject nth-any [0-9]+; ddv load $d; ip link set eth0 up; sleep 1; ip link set eth0 down; ddv unload $d\$" \
		"$vm_work/$d.txt"
	check_host "$d: every load failed the call the recording planned" \
		grep -q '^  loads off the recorded sequence  *0$' "$vm_work/$d.txt"
}
