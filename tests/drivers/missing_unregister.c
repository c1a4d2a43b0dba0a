// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture that forgets to unregister its PCI driver after a late failure.
 *
 * Init registers a PCI driver, then allocates two tables. When the first
 * allocation fails the driver is unregistered; when the second (late) one
 * fails, the defect frees the first table and returns, leaving the driver
 * registered after the module is gone. The clean twin
 * (missing_unregister_clean.c, FIXTURE_CLEAN) goes on to the unregister.
 * The driver's ID table is empty, so it binds no device and its probe never
 * runs; the driver left behind is only reached again by a device added to
 * the PCI bus, which the test VM never does.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "fixture.h"

#define TABLE_ENTRIES 64

/* Matches nothing: the fixture must never drive a real device. */
static const struct pci_device_id missing_unregister_ids[] = {
	{ }
};
MODULE_DEVICE_TABLE(pci, missing_unregister_ids);

static int missing_unregister_probe(struct pci_dev *pdev,
				    const struct pci_device_id *id)
{
	return -ENODEV;
}

static struct pci_driver missing_unregister_driver = {
	.name = KBUILD_MODNAME,
	.id_table = missing_unregister_ids,
	.probe = missing_unregister_probe,
};

static u32 *lookup_table;
static u64 *stats_table;

static int __init missing_unregister_init(void)
{
	int err;

	err = pci_register_driver(&missing_unregister_driver);
	if (err)
		return err;

	lookup_table = FIXTURE_FALLIBLE(kcalloc(TABLE_ENTRIES,
						sizeof(*lookup_table),
						GFP_KERNEL));
	if (!lookup_table)
		goto unregister;
	stats_table = FIXTURE_FALLIBLE(kcalloc(TABLE_ENTRIES,
					       sizeof(*stats_table),
					       GFP_KERNEL));
	if (!stats_table)
		goto free_lookup;
	return 0;

free_lookup:
	kfree(lookup_table);
#ifndef FIXTURE_CLEAN
	return -ENOMEM;		/* the defect: the driver stays registered */
#endif
unregister:
	pci_unregister_driver(&missing_unregister_driver);
	return -ENOMEM;
}

static void __exit missing_unregister_exit(void)
{
	pci_unregister_driver(&missing_unregister_driver);
	kfree(stats_table);
	kfree(lookup_table);
}

module_init(missing_unregister_init);
module_exit(missing_unregister_exit);
MODULE_DESCRIPTION("ddv fixture: PCI driver left registered after a late failure");
MODULE_LICENSE("GPL");
