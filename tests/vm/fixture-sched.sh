#!/bin/bash
# fixture-sched.sh: VM test: ddv reports misused completions, hrtimers and tasklets, waits in atomic context and an injected timeout's leak, and nothing for the twins.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"
. "$vm_top/tests/vm/sched-lib.sh"

if fixture_build; then
	sched_queue
	if fixture_ddv_vm sched; then
		expect_kernel_sound "sched: the console shows no splat"
		sched_judge
	fi
fi
vm_summary
