#!/bin/bash
# fixture-sched612.sh: VM test: fixture-sched's fixtures and twins on Debian's 6.12, with ddv and its pack built for 6.12 (the symbols of both kernels under one API).
#
# scripts/test-vm fetches the kernel named here before the scenarios start:
# vm-kernel: 6.12.107+deb12-amd64
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"
. "$vm_top/tests/vm/fixtures612-lib.sh"

fixtures="completion_uninit completion_uninit_clean completion_timeout completion_timeout_clean
	hrtimer_misuse hrtimer_misuse_clean tasklet_uninit tasklet_uninit_clean
	wait_atomic wait_atomic_clean deferred_unload deferred_unload_clean"

# shellcheck disable=SC2086 # one module a word
fixtures612_build sched-fixtures $fixtures

# fixture-sched.sh's sessions and judging, on this kernel.
# shellcheck source=fixture-sched.sh
. <(sed -n '/^fixture_expect_rules()/,$p' "$vm_top/tests/vm/fixture-sched.sh" | sed 's/fixture_ddv_vm sched/fixture_ddv_vm sched612/')
