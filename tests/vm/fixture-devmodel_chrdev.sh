#!/bin/bash
# fixture-devmodel_chrdev.sh: VM test: char devices, misc devices, module references and the may_sleep calls in atomic context (specs/linux/device.ddv): each devmodel fixture's defect reported as its rule and nothing else, the clean twin without findings, loaded plainly and with init failed by injection.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"
. "$vm_top/tests/vm/devmodel-lib.sh"

# misc_register is the fourth fallible call of init: failing it sends init down its
# error path after the char devices and the module reference are taken.
inject="nth misc_register 1"

# LABEL MODULE LOAD INJECT RULES: RULES "-" is the clean twin's 0 findings. devmodel_atomic
# makes the fallible may_sleep calls with preemption off, each failed by injection (none
# runs): each contract's sleep-in-atomic rule once.
devmodel_cases='
clean devmodel_clean ok - -
clean_failed devmodel_clean fails inject -
chrdev_leak devmodel_chrdev_leak fails inject device.chrdev-region-leak
modref_leak devmodel_modref_leak fails inject device.module-ref-leak
chrdev_twice devmodel_chrdev_twice ok - device.chrdev-unregister-unheld
chrdev_count devmodel_chrdev_count ok - device.chrdev-unregister-count
regchrdev_leak devmodel_regchrdev_leak ok - device.chrdev-leak
regchrdev_twice devmodel_regchrdev_twice ok - device.unregister-chrdev-unheld
cdev_leak devmodel_cdev_leak ok - device.cdev-leak
cdev_twice devmodel_cdev_twice ok - device.cdev-add-twice
cdev_unadded devmodel_cdev_unadded ok - device.cdev-del-unadded
misc_unreg devmodel_misc_unreg ok - device.misc-deregister-unregistered
atomic devmodel_atomic ok random linux.alloc_chrdev_region.sleep-in-atomic,linux.register_chrdev_region.sleep-in-atomic,linux.register_chrdev.sleep-in-atomic,linux.cdev_add.sleep-in-atomic,linux.cdev_device_add.sleep-in-atomic,linux.misc_register.sleep-in-atomic,linux.sysfs_create_group.sleep-in-atomic,linux.device_create_file.sleep-in-atomic,linux.debugfs_create_dir.sleep-in-atomic,linux.request_firmware.sleep-in-atomic,linux.request_firmware_nowait.sleep-in-atomic,linux.request_region.sleep-in-atomic
atomic_clean devmodel_atomic_clean ok random -
misc_leak devmodel_misc_leak ok - device.misc-leak,heap.leak
'

if fixture_build; then
	devmodel_run devmodel_chrdev
	# The leak after the failed init names the allocation of the region.
	fixture_use chrdev_leak
	site=$(fixture_site devmodel_chrdev_leak alloc_chrdev_region)
	check_host "chrdev_leak: the leak names alloc_chrdev_region's site, $site" \
		test "$(fixture_report_site device.chrdev-region-leak allocation_site)" = "$site"
fi
vm_summary
