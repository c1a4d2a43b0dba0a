/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pcifx.h: body of the pcifx_* fixtures (specs/linux/pci.ddv): a PCI driver of qemu's edu
 * device (1234:11e8: one 1 MiB memory BAR, MSI), which fixture-devmodel.sh gives the VM and no
 * Debian driver claims. Probe enables the device, requests all its regions and releases them,
 * requests BAR 0 alone, maps it three ways (pci_ioremap_bar, ioremap, pci_iomap) and unmaps
 * two, reads a config word, tries MSI-X (which edu lacks) and allocates an MSI vector; remove
 * undoes the rest. Each defect defines one macro:
 *   PF_ENABLE_LEAK      the device is left enabled (disabled unseen)            pci.enable-leak
 *   PF_DISABLE_TWICE    it is disabled twice (the kernel's extra enable unseen)
 *                                                                    pci.disable-unenabled
 *   PF_DEEP             256 enables, one past the bound (undone unseen)         pci.enable-depth
 *   PF_RELEASE_TWICE    BAR 0 released twice                          pci.release-unrequested
 *   PF_RELEASE_BARS     BAR 0 released as BARs 0 and 1 (1 has no length)        pci.release-bars
 *   PF_RELEASE_ALL_TWICE  all regions released twice                    pci.release-all-unrequested
 *   PF_DOUBLE_IOUNMAP   the pci_ioremap_bar mapping iounmap()ed twice           pci.double-iounmap
 *   PF_DOUBLE_PCI_IOUNMAP  the pci_iomap mapping pci_iounmap()ed twice     pci.double-pci-iounmap
 *   PF_UNREGISTERED     a driver unregistered that ddv never saw registered (registered unseen)
 *                                                                    pci.unregister-unregistered
 *   PF_VECTORS_LEAK     the MSI vector never freed (freed unseen)               pci.vectors-leak
 *   PF_RANGES           pci_alloc_irq_vectors and pci_enable_msix_range with min above max
 *                                                                    pci.vectors-range, .msix-range
 *   PF_CONFIG_NO_VAL    pci_read_config_word with no place for the value   pci.read-config-no-val
 *   PF_AGAIN            regions, mappings, vectors, MSI and the driver released unseen (through
 *                       a function pointer: ddv redirects direct call sites only) and made again
 *                       where the kernel made them before, while ddv holds them live:
 *                       pci.request-all-twice, .request-twice, .ioremap-bar-live, .ioremap-live,
 *                       .iomap-live, .vectors-twice, .msi-twice, .register-twice
 *   PF_MSIX             binds qemu's e1000e instead (MSI-X, which edu lacks): MSI-X enabled,
 *                       disabled unseen and enabled again                     pci.msix-twice
 * pcifx_clean is the twin of all but PF_DEEP (pcifx_deep_clean: 255 enables), PF_AGAIN
 * (pcifx_again_clean: direct releases) and PF_MSIX (pcifx_msix_clean: a direct disable).
 *
 * What keeps them safe in the VM: what the kernel must not see twice it sees once, behind ddv's
 * back (an extra enable or a registration through the pointer, a release through it). A
 * region released twice or with a BAR of no length, the config word read at an odd offset
 * (which the kernel refuses before it writes the value) and a second unmap (the kernel prints
 * "bad address" and returns) do nothing. Mappings come back at the same address: before each
 * first map and after each unseen unmap, vm_unmap_aliases() frees the lazily unmapped areas, so
 * the lowest free area that fits is the same both times.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/io.h>
#include <linux/vmalloc.h>

#ifdef PF_MSIX
/* qemu's e1000e (82574L), for its MSI-X; the VM has no driver of it loaded. */
#define PF_VENDOR PCI_VENDOR_ID_INTEL
#define PF_DEVICE 0x10d3
#else
#define PF_VENDOR 0x1234
#define PF_DEVICE 0x11e8
#endif

#if defined(FIXTURE_CLEAN)
#define PF_DEFECT 0
#else
#define PF_DEFECT 1
#endif

#ifdef PF_DEEP
#define PF_DEPTH (PF_DEFECT ? 256 : 255)
#else
#define PF_DEPTH 1
#endif

/* The real functions, called where ddv does not redirect (volatile: never folded). */
#define PF_POINTER(fn) static typeof(&fn) volatile pf_hidden_##fn __maybe_unused = fn
PF_POINTER(pci_enable_device);
PF_POINTER(pci_disable_device);
PF_POINTER(pci_release_regions);
PF_POINTER(pci_release_selected_regions);
PF_POINTER(iounmap);
PF_POINTER(pci_iounmap);
PF_POINTER(pci_free_irq_vectors);
PF_POINTER(pci_disable_msi);
PF_POINTER(pci_disable_msix);
PF_POINTER(__pci_register_driver);
PF_POINTER(pci_unregister_driver);

/* PF_AGAIN's releases: unseen in the defect, direct calls in its twin. */
#if defined(PF_AGAIN) && PF_DEFECT
#define PF_UNSEEN(fn) pf_hidden_##fn
#else
#define PF_UNSEEN(fn) fn
#endif

/* Released (seen or not) and made again; for a mapping, at the same lowest free area. */
#ifdef PF_AGAIN
#define PF_AGAIN_DO(release, make) do { release; vm_unmap_aliases(); make; } while (0)
#else
#define PF_AGAIN_DO(release, make) do { } while (0)
#endif

static void __iomem *pf_iomap;

static int pf_regions(struct pci_dev *pdev)
{
	int err = pci_request_regions(pdev, KBUILD_MODNAME);

	if (err)
		return err;
	PF_AGAIN_DO(PF_UNSEEN(pci_release_regions)(pdev),
		    err = pci_request_regions(pdev, KBUILD_MODNAME));
	if (err)
		return err;
	pci_release_regions(pdev);
#ifdef PF_RELEASE_ALL_TWICE
	if (PF_DEFECT)
		pci_release_regions(pdev);
#endif
	err = pci_request_selected_regions(pdev, 1, KBUILD_MODNAME);
	if (err)
		return err;
	PF_AGAIN_DO(PF_UNSEEN(pci_release_selected_regions)(pdev, 1),
		    err = pci_request_selected_regions(pdev, 1, KBUILD_MODNAME));
	return err;
}

/* BAR 0 mapped by pci_ioremap_bar and by ioremap (a page of it), each unmapped. */
static int pf_maps(struct pci_dev *pdev)
{
	void __iomem *regs;

	vm_unmap_aliases();
	regs = pci_ioremap_bar(pdev, 0);
	if (!regs)
		return -ENOMEM;
	PF_AGAIN_DO(PF_UNSEEN(iounmap)(regs), regs = pci_ioremap_bar(pdev, 0));
	if (!regs)
		return -ENOMEM;
	iounmap(regs);
#ifdef PF_DOUBLE_IOUNMAP
	if (PF_DEFECT)
		iounmap(regs);
#endif
	vm_unmap_aliases();
	regs = ioremap(pci_resource_start(pdev, 0), PAGE_SIZE);
	if (!regs)
		return -ENOMEM;
	PF_AGAIN_DO(PF_UNSEEN(iounmap)(regs),
		    regs = ioremap(pci_resource_start(pdev, 0), PAGE_SIZE));
	if (!regs)
		return -ENOMEM;
	iounmap(regs);
	vm_unmap_aliases();
	pf_iomap = pci_iomap(pdev, 0, 0);
	if (!pf_iomap)
		return -ENOMEM;
	PF_AGAIN_DO(PF_UNSEEN(pci_iounmap)(pdev, pf_iomap), pf_iomap = pci_iomap(pdev, 0, 0));
	return pf_iomap ? 0 : -ENOMEM;
}

/* No MSI-X on edu (refused); one MSI vector, kept; MSI enabled alone and disabled before. */
static int pf_vectors(struct pci_dev *pdev)
{
	struct msix_entry entry = { .entry = 0 };
	int nvec;

#ifdef PF_MSIX
	/* e1000e's MSI-X, enabled, disabled (unseen in the defect) and enabled again. */
	if (pci_enable_msix_range(pdev, &entry, 1, 1) < 0)
		return -ENOSPC;
	if (PF_DEFECT)
		pf_hidden_pci_disable_msix(pdev);
	else
		pci_disable_msix(pdev);
	nvec = pci_enable_msix_range(pdev, &entry, 1, 1);
	return nvec < 0 ? nvec : 0;
#endif
#ifdef PF_RANGES
	if (PF_DEFECT) {
		pci_enable_msix_range(pdev, &entry, 2, 1);
		pci_alloc_irq_vectors(pdev, 2, 1, PCI_IRQ_MSIX);
	}
#endif
	pci_enable_msix_range(pdev, &entry, 1, 1);
	pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX);
	if (pci_enable_msi(pdev))
		return -ENOSPC;
	PF_AGAIN_DO(PF_UNSEEN(pci_disable_msi)(pdev), nvec = pci_enable_msi(pdev));
	pci_disable_msi(pdev);
	nvec = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI);
	if (nvec < 0)
		return nvec;
	PF_AGAIN_DO(PF_UNSEEN(pci_free_irq_vectors)(pdev),
		    nvec = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI));
	return nvec < 0 ? nvec : 0;
}

static int pf_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	u16 word;
	int err, i;

	err = pci_enable_device(pdev);
	if (err)
		return err;
	for (i = 1; i < PF_DEPTH && !err; i++)
		err = pci_enable_device(pdev);
#ifdef PF_DISABLE_TWICE
	if (!err)
		err = pf_hidden_pci_enable_device(pdev);
#endif
	if (err)
		return err;
#ifdef PF_CONFIG_NO_VAL
	pci_read_config_word(pdev, PCI_COMMAND + 1, PF_DEFECT ? NULL : &word);
#else
	pci_read_config_word(pdev, PCI_COMMAND + 1, &word);
#endif
	err = pf_regions(pdev);
	if (err)
		goto disable;
	err = pf_maps(pdev);
	if (err)
		goto release;
	err = pf_vectors(pdev);
	if (err)
		goto unmap;
	return 0;
unmap:
	pci_iounmap(pdev, pf_iomap);
release:
	pci_release_selected_regions(pdev, 1);
disable:
	pci_disable_device(pdev);
	return err;
}

static void pf_remove(struct pci_dev *pdev)
{
	int i;

#ifdef PF_VECTORS_LEAK
	if (PF_DEFECT)
		pf_hidden_pci_free_irq_vectors(pdev);
	else
#endif
		pci_free_irq_vectors(pdev);
	pci_iounmap(pdev, pf_iomap);
#ifdef PF_DOUBLE_PCI_IOUNMAP
	if (PF_DEFECT)
		pci_iounmap(pdev, pf_iomap);
#endif
#if defined(PF_RELEASE_BARS)
	pci_release_selected_regions(pdev, PF_DEFECT ? 3 : 1);
#else
	pci_release_selected_regions(pdev, 1);
#endif
#ifdef PF_RELEASE_TWICE
	if (PF_DEFECT)
		pci_release_selected_regions(pdev, 1);
#endif
	/* PF_DEEP's one past the bound, unseen; then the enables ddv counted. */
	if (PF_DEPTH > 255)
		pf_hidden_pci_disable_device(pdev);
	for (i = 1; i < PF_DEPTH && i < 255; i++)
		pci_disable_device(pdev);
#ifdef PF_ENABLE_LEAK
	if (PF_DEFECT)
		pf_hidden_pci_disable_device(pdev);
	else
#endif
		pci_disable_device(pdev);
#ifdef PF_DISABLE_TWICE
	if (PF_DEFECT)
		pci_disable_device(pdev);
	else
		pf_hidden_pci_disable_device(pdev);
#endif
}

static const struct pci_device_id pf_ids[] = {
	{ PCI_DEVICE(PF_VENDOR, PF_DEVICE) },
	{ }
};

static struct pci_driver pf_driver = {
	.name = KBUILD_MODNAME,
	.id_table = pf_ids,
	.probe = pf_probe,
	.remove = pf_remove,
};

static int __init pf_init(void)
{
	int err;

#ifdef PF_UNREGISTERED
	if (PF_DEFECT)
		return pf_hidden___pci_register_driver(&pf_driver, THIS_MODULE, KBUILD_MODNAME);
#endif
	err = pci_register_driver(&pf_driver);
	if (err)
		return err;
	/* The driver registered again: remove and probe run once more in between. */
	PF_AGAIN_DO(PF_UNSEEN(pci_unregister_driver)(&pf_driver),
		    err = pci_register_driver(&pf_driver));
	return err;
}

static void __exit pf_exit(void)
{
	pci_unregister_driver(&pf_driver);
}

module_init(pf_init);
module_exit(pf_exit);
MODULE_DESCRIPTION("ddv fixture: a PCI driver of qemu's edu device (" KBUILD_MODNAME ")");
MODULE_LICENSE("GPL");
