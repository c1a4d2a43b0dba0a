#!/bin/bash
# fixture-devmodel.sh: VM test: devices, sysfs, debugfs, firmware, IDs, kobjects and I/O regions (specs/linux/device.ddv), one PCI BAR and bus mastering (pci.ddv): each devmodel fixture's defect reported as its rule and nothing else, the clean twin without findings.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"
. "$vm_top/tests/vm/devmodel-lib.sh"

# The firmware request fails by injection: may_sleep's atomic-context check runs before
# the call, which does not happen (it could sleep with preemption off).
inject="nth request_firmware 1"

# LABEL MODULE LOAD INJECT RULES. The pcibar fixtures bind the PIIX3 IDE function
# in turn: pci_region_leak, which leaves its BAR requested, comes last of them.
# The regions the kernel keeps after a defect (region_size, region_leak) have ports
# of their own; device_leak leaves its device registered, in heap memory it never frees.
devmodel_cases='
pci_clean pcibar_clean ok - -
pci_master pcibar_master ok - pci.master-unenabled
pci_region_twice pcibar_region_twice ok - pci.release-region-unrequested
pci_region_leak pcibar_region_leak ok - pci.regions-leak
clean devmodel_clean ok - -
clean_nofirmware devmodel_clean ok inject -
firmware_atomic devmodel_firmware_atomic ok inject linux.request_firmware.sleep-in-atomic
firmware_leak devmodel_firmware_leak ok - device.firmware-leak
sysfs_leak devmodel_sysfs_leak ok - device.sysfs-group-leak
sysfs_uncreated devmodel_sysfs_uncreated ok - device.sysfs-remove-uncreated
debugfs_leak devmodel_debugfs_leak ok - device.debugfs-leak
idr_leak devmodel_idr_leak ok - device.idr-leak
ida_leak devmodel_ida_leak ok - device.ida-leak
kobject_leak devmodel_kobject_leak ok - device.kobject-leak
region_twice devmodel_region_twice ok - device.region-release-unheld
region_size devmodel_region_size ok - device.region-release-size
region_leak devmodel_region_leak ok - device.region-leak
device_leak devmodel_device_leak ok - device.ref-leak,heap.leak
again devagain ok - device.chrdev-alloc-live,device.chrdev-register-live,device.chrdev-live,device.cdev-device-add-live,device.misc-register-live,device.region-live,device.firmware-live,device.debugfs-create-live
again_clean devagain_clean ok - -
deep devdeep ok - device.get-depth,device.kobject-get,device.module-get,device.module-get2
deep_clean devdeep_clean ok - -
'

if fixture_build; then
	devmodel_run devmodel
	fixture_use firmware_leak
	check_host "firmware_leak: the firmware was there to leak (a request succeeded)" \
		fixture_report_is 'map(select(.rule == "device.firmware-leak")) | length == 1'
fi
vm_summary
