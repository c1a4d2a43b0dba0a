#!/bin/bash
# fixture-devclass612.sh: VM test: fixture-devclass's fixtures and twin on Debian's 6.12, with ddv and its pack built for 6.12 (class_create and the const class prototypes of 6.4 and up, the variadic wrappers' forwarding).
#
# scripts/test-vm fetches the kernel named here before the scenarios start:
# vm-kernel: 6.12.107+deb12-amd64
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"
. "$vm_top/tests/vm/devmodel-lib.sh"
. "$vm_top/tests/vm/fixtures612-lib.sh"

fixtures=$(cd "$vm_top/tests/drivers" && ls devclass_*.c | sed 's/\.c$//' | tr '\n' ' ')

# shellcheck disable=SC2086 # one module a word
fixtures612_build devclass-fixtures $fixtures

# 6.4 made class_create() the exported symbol (6.1 exports __class_create).
class_create=class_create

# fixture-devclass.sh's cases and judging, on this kernel.
# shellcheck source=fixture-devclass.sh
# again_unseen makes no workqueue again here (devclass.h: 6.12 frees it on another CPU).
. <(sed -n '/^inject=/,$p' "$vm_top/tests/vm/fixture-devclass.sh" | sed 's/devmodel_run devclass$/devmodel_run devclass612/' |
	sed 's/^\(again_unseen devclass_again_unseen ok - \)timer\.workqueue-alloc-live,/\1/')
