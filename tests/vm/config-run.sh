#!/bin/bash
# config-run.sh: VM test: ddv run FILE.yaml starts ddv, applies the file's injection plan and loads e1000; a file with an error starts nothing.
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
# One error (an out-of-range n): nothing may run, not even ddv start.
cat >"$vm_work/bad.yaml" <<'EOF2'
target: e1000
inject: [ { mode: nth-any, n: 0 } ]
EOF2

cat >"$vm_work/config.job" <<'JOB'
. /root/guest-lib.sh
summary_field() {
	sed -n 's/.*"summary":{[^}]*"'"$2"'":\([0-9]*\).*/\1/p' "$1" | tail -n 1
}
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
	--script "$vm_work/config.job"
expect_status "config: the job ran" 0
expect_kernel_sound "config: the console shows no splat"
[ "$vm_status" = 0 ] || vm_show_log 60

vm_summary
