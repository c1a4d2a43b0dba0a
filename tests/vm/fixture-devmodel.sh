#!/bin/bash
# fixture-devmodel.sh: VM test: devices, sysfs, debugfs, firmware, IDs, kobjects and I/O regions (specs/linux/device.ddv), one PCI BAR and bus mastering, and a PCI driver's enables, regions, mappings and vectors (pci.ddv, on qemu's edu and e1000e devices): each devmodel fixture's defect reported as its rule and nothing else, the clean twin without findings.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"
. "$vm_top/tests/vm/devmodel-lib.sh"

# The firmware request fails by injection: may_sleep's atomic-context check runs before
# the call, which does not happen (it could sleep with preemption off).
inject="nth request_firmware 1"

# pcifx_again's rules: what it releases unseen and makes again (tests/drivers/pcifx.h).
pf_again=pci.request-all-twice,pci.request-twice,pci.ioremap-bar-live,pci.ioremap-live
pf_again=$pf_again,pci.iomap-live,pci.msi-twice,pci.vectors-twice,pci.register-twice

# LABEL MODULE LOAD INJECT RULES. The pcibar fixtures bind the PIIX3 IDE function
# in turn: pci_region_leak, which leaves its BAR requested, comes last of them; the pcifx
# ones bind the edu device.
# The regions the kernel keeps after a defect (region_size, region_leak,
# region_reinsert_leak) have ports of their own; device_leak leaves its device
# registered, in heap memory it never frees.
devmodel_cases="
pci_clean pcibar_clean ok - -
pci_master pcibar_master ok - pci.master-unenabled
pci_region_twice pcibar_region_twice ok - pci.release-region-unrequested
pci_region_leak pcibar_region_leak ok - pci.regions-leak
pf_clean pcifx_clean ok - -
pf_enable_leak pcifx_enable_leak ok - pci.enable-leak
pf_disable_twice pcifx_disable_twice ok - pci.disable-unenabled
pf_deep pcifx_deep ok - pci.enable-depth
pf_deep_clean pcifx_deep_clean ok - -
pf_release_twice pcifx_release_twice ok - pci.release-unrequested
pf_release_bars pcifx_release_bars ok - pci.release-bars
pf_release_all_twice pcifx_release_all_twice ok - pci.release-all-unrequested
pf_double_iounmap pcifx_double_iounmap ok - pci.double-iounmap
pf_double_pci_iounmap pcifx_double_pci_iounmap ok - pci.double-pci-iounmap
pf_unregistered pcifx_unregistered ok - pci.unregister-unregistered
pf_vectors_leak pcifx_vectors_leak ok - pci.vectors-leak
pf_ranges pcifx_ranges ok - pci.vectors-range,pci.msix-range
pf_config_no_val pcifx_config_no_val ok - pci.read-config-no-val
pf_again pcifx_again ok - $pf_again
pf_again_clean pcifx_again_clean ok - -
pf_msix pcifx_msix ok - pci.msix-twice
pf_msix_clean pcifx_msix_clean ok - -
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
region_resource devmodel_region_resource ok - -
region_res_leak devmodel_region_res_leak ok - heap.leak
region_reinsert devmodel_region_reinsert ok - heap.leak
region_reinsert_clean devmodel_region_reinsert_clean ok - -
region_reinsert_release devmodel_region_reinsert_release ok - -
region_reinsert_leak devmodel_region_reinsert_leak ok - device.region-leak
device_leak devmodel_device_leak ok - device.ref-leak,heap.leak
again devagain ok - device.chrdev-alloc-live,device.chrdev-register-live,device.chrdev-live,device.cdev-device-add-live,device.misc-register-live,device.region-live,device.release-resource-live,device.firmware-live,device.debugfs-create-live
again_clean devagain_clean ok - -
deep devdeep ok - device.get-depth,device.kobject-get,device.module-get,device.module-get2
deep_clean devdeep_clean ok - -
"

if fixture_build; then
	# The pcifx fixtures bind qemu's edu device (memory BAR, MSI), pcifx_msix its e1000e
	# (MSI-X): no driver of the VM claims either.
	fixture_vm_args=(--qemu "-device edu -device e1000e")
	devmodel_run devmodel
	fixture_use firmware_leak
	check_host "firmware_leak: the firmware was there to leak (a request succeeded)" \
		fixture_report_is 'map(select(.rule == "device.firmware-leak")) | length == 1'
fi
vm_summary
