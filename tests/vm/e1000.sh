#!/bin/bash
# e1000.sh: VM test: Debian's e1000 under ddv: a clean life (load, link up and down, unload) and a failure at every fallible call of its load, with no false finding.
#
# e1000 is the real-world case that ftrace return-address filtering got wrong (false leaks
# from its tail calls to kfree). Here:
#   clean: ddv start; ddv load e1000; link up; ping; link down; ddv unload e1000; ddv report:
#          zero findings, nothing lost, the redirected calls seen;
#   nth:   for N = 1, 2, ...: a fresh ddv session fails the Nth fallible call of the load
#          (ddv inject nth-any N), the driver cleans up (its probe fails, or its init does),
#          unloads, and ddv reports no finding. The loop ends at the first N that the load
#          never reaches (nothing injected): every fallible call of the load was failed once.
set -u
. "$(dirname "$0")/lib.sh"

if ! ddv_pieces; then
	fail "e1000: ddv is built" "missing:$ddv_missing"
	vm_summary
	exit
fi
mapfile -t ddv_opts < <(ddv_vm_options)

cat >"$vm_work/guest-e1000.sh" <<'EOF'
carrier() { [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" = 1 ]; }
bound_to_e1000() {
	[ "$(basename "$(readlink /sys/class/net/eth0/device/driver)")" = e1000 ]
}
EOF

# 1. The clean life.
cat >"$vm_work/clean.job" <<'JOB'
. /root/guest-lib.sh
. /root/guest-e1000.sh
check "ddv start" ddv start
check "ddv load e1000" ddv load e1000
check "eth0 appears, bound to e1000" wait_for 10 bound_to_e1000
check "ip link set eth0 up" ip link set eth0 up
check "eth0 gets a carrier" wait_for 20 carrier
# Traffic through the driver's transmit, interrupt and NAPI paths (qemu's user network
# answers pings to its gateway).
ip addr add 10.0.2.15/24 dev eth0
check "ping the gateway through e1000" ping -c 5 -W 3 10.0.2.2
check "ip link set eth0 down" ip link set eth0 down
ddv status | tee /out/status.txt
check "ddv unload e1000" ddv unload e1000
check "e1000 is unloaded" module_gone e1000
ddv report --json >/out/report.json 2>/out/report.err
cat /out/report.json /out/report.err
ddv report
check "ddv report: zero findings, nothing lost" report_clean /out/report.json
check "ddv report: no fault injected" test "$(summary_field /out/report.json faults_injected)" = 0
ddv log | tee /out/log.txt
check "ddv saw the driver's calls" grep -qE 'driver-going: .* [1-9][0-9]* calls seen' /out/log.txt
check "a second ddv load in the same session" ddv load e1000
check "eth0 again" wait_for 10 bound_to_e1000
check "a second ddv unload" ddv unload e1000
check "ddv stop" ddv stop
check "no warning or oops" kernel_sound
guest_done
JOB
vm_job clean --timeout 240 --nic e1000 "${ddv_opts[@]}" \
	--add "$vm_work/guest-e1000.sh:/root/guest-e1000.sh" --script "$vm_work/clean.job"
expect_status "clean: the job ran" 0
expect_kernel_sound "clean: the console shows no splat"
[ "$vm_status" = 0 ] || vm_show_log 60

# 2. Every fallible call of the load failed once, each in a fresh ddv session.
cat >"$vm_work/nth.job" <<'JOB'
. /root/guest-lib.sh
. /root/guest-e1000.sh
n=1
reached_end=0
while [ "$n" -le "${NTH_MAX:-200}" ]; do
	ddv start >/dev/null || { check "nth $n: ddv start" false; break; }
	ddv inject nth-any "$n"
	ddv load e1000 >/out/load.$n 2>&1
	load_status=$?
	# Only the load is under test: disarm before anything else runs.
	ddv inject off
	if module_loaded e1000; then
		ddv unload e1000 >>/out/load.$n 2>&1
	fi
	ddv report --json >/out/nth.$n.json 2>&1
	injected=$(summary_field /out/nth.$n.json faults_injected)
	if [ "$injected" = 0 ]; then
		echo "nth $n: the load made fewer than $n fallible calls: done"
		check "nth $n: the clean load, beyond the last fallible call" \
			test "$load_status" = 0
		check "nth $n: no finding" report_clean /out/nth.$n.json
		reached_end=1
		ddv stop
		break
	fi
	echo "nth $n: ddv load status $load_status; $(cat /out/nth.$n.json)"
	check "nth $n: one fault injected" test "$injected" = 1
	check "nth $n: e1000 is unloaded after the failure" module_gone e1000
	check "nth $n: no false finding" report_clean /out/nth.$n.json
	check "nth $n: ddv stop" ddv stop
	n=$((n + 1))
done
echo "$((n - 1))" >/out/fallible-calls
check "the loop found the end of the load's fallible calls" test "$reached_end" = 1
check "no warning or oops" kernel_sound
guest_done
JOB
vm_job nth --timeout 900 --nic e1000 "${ddv_opts[@]}" \
	--add "$vm_work/guest-e1000.sh:/root/guest-e1000.sh" --script "$vm_work/nth.job"
expect_status "nth: the job ran" 0
expect_kernel_sound "nth: the console shows no splat"
if [ -f "$vm_out/fallible-calls" ]; then
	echo "e1000: the load makes $(cat "$vm_out/fallible-calls") fallible calls; took ${vm_elapsed} s" >&2
	check_host "nth: the load makes at least one fallible call" \
		test "$(cat "$vm_out/fallible-calls")" -ge 1
fi
[ "$vm_status" = 0 ] || vm_show_log 60

vm_summary
