#!/bin/bash
# fixture-devclass.sh: VM test: classes, class devices, kobjects, workqueues and threads made by variadic calls (specs/linux/device.ddv, timer.ddv, sched.ddv): the names their 8 forwarded arguments make read back by init, each devclass fixture's defect reported as its rule and nothing else, the clean twin without findings, loaded plainly and with init failed by injection.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"
. "$vm_top/tests/vm/devmodel-lib.sh"
. "$vm_top/tests/vm/devclass-lib.sh"

inject=$devclass_inject
devmodel_cases=$devclass_cases
if fixture_build; then
	devmodel_run devclass
	# 6.1 exports __class_create (6.4 made class_create the exported symbol).
	devclass_judge_sites __class_create
fi
vm_summary
