#!/bin/bash
# timeout.sh: VM test: a hung guest is killed at its timeout and reported as a failure; a panic ends the run at once; a kernel that panics while booting, before the job, is booted once more.
set -u
. "$(dirname "$0")/lib.sh"

# Long enough for the guest to boot and start the job even on a loaded host.
limit=30
# Past the limit vm/run allows qemu 5 s to die on SIGTERM before SIGKILL; 3 s more of slack.
bound=$((limit + 8))

# within NAME SECONDS: the last run ended within SECONDS.
within() {
	if [ "$vm_elapsed" -le "$2" ]; then
		pass "$1"
	else
		fail "$1" "took $vm_elapsed s"
	fi
}

# 1 and 2 wait out their limits at the same time: the user-space hang runs in the
# background while the kernel hang runs here.
# 1. A job that never ends, in user space. vm_job runs in a subshell so that the failure
# it reports is examined here instead of counted; it is the scenario's first run (vm_runs 1).
(vm_job hung --timeout $limit -- sh -c 'echo hung-job-started; while :; do sleep 1; done'
	echo "vm_status=$vm_status vm_elapsed=$vm_elapsed vm_log=$vm_log") >"$vm_work/hung.report" &
hung=$!
vm_runs=1

# 2. A kernel that stops for good: panic=0 makes a panic wait forever instead of ending.
vm_boot --timeout $limit --append "panic=0" -- sh -c 'echo c >/proc/sysrq-trigger'
expect_status "kernel hang: vm/run exits 124" 124
within "kernel hang: killed within $bound s" $bound
expect_log "kernel hang: the kernel really stopped in a panic" 'Kernel panic'

wait "$hung"
report=$(cat "$vm_work/hung.report")
eval "$(echo "$report" | tail -n 1)"
if [ "$vm_status" = 124 ]; then
	pass "user-space hang: vm/run exits 124"
else
	fail "user-space hang: vm/run exits 124" "status $vm_status"
fi
within "user-space hang: killed within $bound s" $bound
expect_log "user-space hang: the job had started before the timeout" '^hung-job-started$'
if echo "$report" | grep -q '^FAIL: hung: the VM ran the job (vm/run: TIMEOUT: '; then
	pass "user-space hang: the rig reports it as a failure"
else
	fail "user-space hang: the rig reports it as a failure" "vm_job said: $(echo "$report" | head -n 3)"
fi

# 3. The rig's default (panic=-1, -no-reboot): a panic ends the VM at once, status 125.
vm_boot --timeout 120 -- sh -c 'echo c >/proc/sysrq-trigger'
expect_status "panic: vm/run exits 125" 125
within "panic: the VM ends without waiting for the timeout" 60
expect_log "panic: the console shows the panic" 'Kernel panic'
if grep -q 'booting again' "$vm_work/run.$vm_runs.out"; then
	fail "panic: a panic in the job is not booted again" "$(cat "$vm_work/run.$vm_runs.out")"
else
	pass "panic: a panic in the job is not booted again"
fi

# 4. A kernel that panics while it boots, before the job: booted once more, then the
# panic is reported. No such initramfs init: the kernel looks for a root file system
# and panics.
vm_boot --timeout 120 --append "rdinit=/ddv-no-such-init" -- true
expect_status "boot panic: vm/run exits 125" 125
if grep -q 'panicked while booting, before the job: booting again' "$vm_work/run.$vm_runs.out"; then
	pass "boot panic: vm/run boots a second time"
else
	fail "boot panic: vm/run boots a second time" "$(cat "$vm_work/run.$vm_runs.out")"
fi
expect_log "boot panic: the console shows the second boot's panic" 'Kernel panic'
if grep -q 'Kernel panic' "$vm_log.first-boot" 2>/dev/null; then
	pass "boot panic: the first boot's console is kept"
else
	fail "boot panic: the first boot's console is kept" "no $vm_log.first-boot with the panic"
fi

vm_summary
