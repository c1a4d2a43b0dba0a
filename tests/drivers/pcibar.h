/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The body of the pcibar fixtures (specs/linux/pci.ddv: one BAR, bus mastering). The driver
 * binds qemu's PIIX3 IDE function (8086:7010), which no driver of the test VM claims
 * (ata_piix is a module there, never loaded): probe enables it, requests its bus-master
 * BAR (4) alone, sets bus mastering; remove undoes it all. pcibar_clean.c is the twin;
 * each pcibar_NAME.c defines one PB_* defect and includes this file.
 *
 * Safe in the VM: the kernel takes bus mastering on a device not enabled, and a second
 * release of the BAR's ports with a "Trying to free nonexistent resource" warning; a BAR
 * left requested holds ports nobody else wants.
 */
#include <linux/module.h>
#include <linux/pci.h>

#define PB_BAR 4

static int pb_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	int err;

#ifdef PB_MASTER_UNENABLED
	/* The defect: bus mastering before the device is enabled. */
	pci_set_master(pdev);
#endif
	err = pci_enable_device(pdev);
	if (err)
		return err;
	err = pci_request_region(pdev, PB_BAR, KBUILD_MODNAME);
	if (err)
		goto disable;
	pci_set_master(pdev);
	return 0;
disable:
	pci_disable_device(pdev);
	return err;
}

static void pb_remove(struct pci_dev *pdev)
{
	pci_clear_master(pdev);
#ifndef PB_REGION_LEAK
	pci_release_region(pdev, PB_BAR);
#endif
#ifdef PB_REGION_TWICE
	pci_release_region(pdev, PB_BAR);
#endif
	pci_disable_device(pdev);
}

static const struct pci_device_id pb_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_INTEL, PCI_DEVICE_ID_INTEL_82371SB_1) },
	{ }
};

static struct pci_driver pb_driver = {
	.name = KBUILD_MODNAME,
	.id_table = pb_ids,
	.probe = pb_probe,
	.remove = pb_remove,
};

module_pci_driver(pb_driver);
MODULE_DESCRIPTION("ddv fixture: one PCI BAR and bus mastering (" KBUILD_MODNAME ")");
MODULE_LICENSE("GPL");
