# devclass-lib.sh: fixture-devclass.sh's cases, for it and fixtures612.sh (the same on 6.12):
# devclass_inject and devclass_cases (devmodel-lib.sh's $inject and $devmodel_cases), and
# devclass_judge_sites after the VM; source after devmodel-lib.sh.
# shellcheck shell=bash

# kthread_create is init's last fallible call: failing it sends init down its whole
# error path.
devclass_inject="nth kthread_create_on_node 1"

# LABEL MODULE LOAD INJECT RULES (tests/vm/devmodel-lib.sh). Every load that must end ok
# also shows the forwarding: init fails when a name differs from its arguments'.
devclass_cases='
clean devclass_clean ok - -
clean_failed devclass_clean fails inject -
class_leak devclass_class_leak ok - device.class-leak
unwind_leak devclass_unwind_leak fails inject device.class-leak,timer.workqueue-leak
class_dead devclass_class_dead ok - device.class-destroy-dead
device_uncreated devclass_device_uncreated ok - device.destroy-uncreated
kobject_leak devclass_kobject_leak ok - device.kobject-leak,heap.leak
wq_dead devclass_wq_dead ok - timer.workqueue-destroy-dead
wq_atomic devclass_wq_atomic ok - linux.destroy_workqueue.sleep-in-atomic
kthread_leak devclass_kthread_leak ok - sched.kthread-leak
wq_leak devclass_wq_leak ok - timer.workqueue-leak
atomic devclass_atomic ok random linux.class_create.sleep-in-atomic,linux.device_create.sleep-in-atomic,linux.alloc_workqueue.sleep-in-atomic,linux.kthread_create_on_node.sleep-in-atomic,linux.class_destroy.sleep-in-atomic,linux.device_destroy.sleep-in-atomic
atomic_clean devclass_atomic_clean ok random -
again devclass_again ok - -
again_unseen devclass_again_unseen ok - timer.workqueue-alloc-live,device.class-device-live,device.class-create-live
device_leak devclass_device_leak ok - device.class-device-leak,device.class-leak
kthread_again devclass_kthread_again ok - sched.kthread-create-live
kthread_again_clean devclass_kthread_again_clean ok - -
'

# devclass_judge_sites CLASS_CREATE: the leaks after the failed init name the calls that
# made them (CLASS_CREATE: the kernel's exported class_create, __class_create before 6.4).
devclass_judge_sites() {
	local api site

	fixture_use unwind_leak
	for api in alloc_workqueue:timer.workqueue-leak "$1":device.class-leak; do
		site=$(fixture_site devclass_unwind_leak "${api%%:*}")
		check_host "unwind_leak: ${api#*:} names ${api%%:*}'s site, $site" \
			test "$(fixture_report_site "${api#*:}" allocation_site)" = "$site"
	done
}
