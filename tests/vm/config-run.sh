#!/bin/bash
# config-run.sh: VM test: ddv run FILE.yaml starts ddv, applies the file's injection plan and loads e1000; a caller filter, armed before the load, fails only the calls of that function of e1000; suppress: reaches ddv report; a file with an error starts nothing.
set -u
. "$(dirname "$0")/lib.sh"

if ! ddv_pieces; then
	fail "config-run: ddv is built" "missing:$ddv_missing"
	vm_summary
	exit
fi
mapfile -t ddv_opts < <(ddv_vm_options)

# The third fallible call of e1000's init fails, and only in init.
cat >"$vm_work/run.yaml" <<'EOF2'
target: { driver: e1000, timeout: 60 }
packs: [linux]
log: { level: violation }
inject:
  - { mode: nth-any, n: 3 }
  - filter: { phase: init }
EOF2
# Only calls made from e1000_setup_all_tx_resources may fail: none in the init
# (it makes none there), the first of them when the link goes up.
cat >"$vm_work/caller.yaml" <<'EOF2'
target: { driver: e1000, timeout: 60 }
packs: [linux]
inject:
  - { mode: nth-any, n: 1 }
  - filter: { caller: e1000_setup_all_tx_resources }
suppress:
  - "ddv.*@e1000_probe*>pci_device_probe*"
EOF2
# One error (an out-of-range n): nothing may run, not even ddv start.
cat >"$vm_work/bad.yaml" <<'EOF2'
target: e1000
inject: [ { mode: nth-any, n: 0 } ]
EOF2

cat >"$vm_work/config.job" <<'JOB'
. /root/guest-lib.sh
check "ddv config check accepts the file" ddv config check /root/run.yaml
ddv run /root/run.yaml >/out/run.txt 2>&1
run_status=$?
cat /out/run.txt
check "ddv run exits 0" test "$run_status" = 0
check "ddv run started ddv with the file's pack" grep -q 'pack linux' /out/run.txt
check "ddv run armed the file's filter" grep -qx 'ddv: inject plan phase=init' /out/run.txt
check "ddv run armed the file's mode" grep -qx 'ddv: inject nth-any 3' /out/run.txt
check "ddv run loaded e1000" module_loaded e1000
ddv unload e1000
ddv report --json >/out/report.json 2>&1
cat /out/report.json
check "the file's plan injected one fault in e1000's init" \
	test "$(summary_field /out/report.json faults_injected)" = 1
check "ddv stop" ddv stop

ddv run /root/caller.yaml >/out/caller.txt 2>&1
caller_status=$?
cat /out/caller.txt
check "ddv run with a caller filter exits 0" test "$caller_status" = 0
check "it arms the filter before it loads e1000 (looked up as e1000 arrives)" \
	awk '/^ddv: load / { load = NR } /^ddv: inject plan / { plan = NR }
		END { exit !(plan && load > plan) }' /out/caller.txt
check "the filter names e1000's function" \
	grep -qx 'ddv: inject plan caller=e1000:e1000_setup_all_tx_resources' /out/caller.txt
check "it keeps the file's suppression for ddv report" \
	grep -qx 'ddv: 1 suppression kept for ddv report' /out/caller.txt
check "e1000 loaded: no fault in its init" module_loaded e1000
ddv report --json >/out/caller-init.json 2>&1
check "no fault was injected in e1000's init" \
	test "$(summary_field /out/caller-init.json faults_injected)" = 0
ip link set eth0 up >/out/link-up.txt 2>&1
link_status=$?
cat /out/link-up.txt
check "the link cannot go up: e1000_open's tx rings failed" test "$link_status" != 0
ddv log >/out/caller-log.txt 2>&1
grep 'fault-injected' /out/caller-log.txt
check "the one fault is at e1000_setup_all_tx_resources' call" \
	grep -q 'fault injected into .* at site e1000_setup_all_tx_resources+0x' /out/caller-log.txt
check "and only that one" test "$(grep -c 'ddv.fault-injected' /out/caller-log.txt)" = 1
ddv unload e1000
ddv report >/out/caller-report.txt 2>&1
report_status=$?
cat /out/caller-report.txt
# A kept pattern ddv report could not read would be a usage error (2).
check "ddv report takes the kept suppression (exit $report_status)" \
	eval "[ $report_status = 0 ] || [ $report_status = 3 ]"
check "and reports as always" grep -q '^[0-9]* findings\? (' /out/caller-report.txt
check "ddv stop" ddv stop

ddv run /root/bad.yaml >/out/bad.txt 2>&1
bad_status=$?
cat /out/bad.txt
check "ddv run of a bad file exits 1" test "$bad_status" = 1
check "the error names its place" \
	grep -q '^/root/bad.yaml:2:31: error: inject\[0\].n: 0 is out of range' /out/bad.txt
check "the runtime was not started" module_gone ddv
check "nor the driver loaded" module_gone e1000
check "no warning or oops" kernel_sound
guest_done
JOB
vm_job config --timeout 240 --nic e1000 "${ddv_opts[@]}" \
	--add "$vm_work/run.yaml:/root/run.yaml" --add "$vm_work/bad.yaml:/root/bad.yaml" \
	--add "$vm_work/caller.yaml:/root/caller.yaml" \
	--script "$vm_work/config.job"
expect_status "config: the job ran" 0
expect_kernel_sound "config: the console shows no splat"
[ "$vm_status" = 0 ] || vm_show_log 60

vm_summary
