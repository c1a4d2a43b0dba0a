/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The body of the pcibar fixtures (specs/linux/pci.ddv: one BAR, bus mastering). The driver
 * binds qemu's PIIX3 IDE function (8086:7010), which no driver of the test VM claims
 * (ata_piix is a module there, never loaded): probe enables it, requests its bus-master
 * BAR (4) alone, sets bus mastering; remove undoes it all. pcibar_clean.c is the twin;
 * each pcibar_NAME.c defines one PB_* defect and includes this file. PB_PCIM is the managed
 * driver (pcibar_pcim_iounmap, pcibar_pcim_unmapped, pcibar_pcim_atomic and their twins).
 *
 * Safe in the VM: the kernel takes bus mastering on a device not enabled, and a second
 * release of the BAR's ports with a "Trying to free nonexistent resource" warning; a BAR
 * left requested holds ports nobody else wants.
 */
#include <linux/module.h>
#include <linux/pci.h>

#define PB_BAR 4

#ifdef PB_PCIM
#ifdef PB_PCIM_ATOMIC
/* The sleeping pcim calls with preemption off, failed by injection (caller pb_atomic). */
static noinline void pb_atomic(struct pci_dev *pdev)
{
#ifndef FIXTURE_CLEAN
	preempt_disable();
#endif
	pcim_iomap(pdev, PB_BAR, 0);
	pcim_iomap_regions(pdev, 1 << PB_BAR, KBUILD_MODNAME);
#ifndef FIXTURE_CLEAN
	preempt_enable();
#endif
}
#endif

/*
 * The managed driver (PB_PCIM): pcim_enable_device, the BAR requested and mapped by
 * pcim_iomap_regions; devres undoes them at unbind. The defect unmaps the BAR with
 * pci_iounmap, which devres then does again: a port mapping, whose unmap does nothing.
 */
static int pb_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	void __iomem *regs;
	int err = pcim_enable_device(pdev);

	if (err)
		return err;
#ifdef PB_PCIM_ATOMIC
	pb_atomic(pdev);
	return 0;
#endif
#ifdef PB_PCIM_UNMAPPED
	/* The defect: pcim_iounmap of a pci_iomap mapping (the kernel unmaps it, then WARNs). */
	regs = pci_iomap(pdev, PB_BAR, 0);
	if (!regs)
		return -ENOMEM;
#ifdef FIXTURE_CLEAN
	pci_iounmap(pdev, regs);
#else
	pcim_iounmap(pdev, regs);
#endif
	return 0;
#endif
	err = pcim_iomap_regions(pdev, 1 << PB_BAR, KBUILD_MODNAME);
	if (err)
		return err;
	regs = pcim_iomap_table(pdev)[PB_BAR];
	pci_set_master(pdev);
#ifdef FIXTURE_CLEAN
	pcim_iounmap_regions(pdev, 1 << PB_BAR);
#else
	pci_iounmap(pdev, regs);
#endif
	return 0;
}

static void pb_remove(struct pci_dev *pdev)
{
}
#else
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
#endif

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
