// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture that forgets to unregister its device after a late failure.
 *
 * Init registers a platform device, then allocates two tables. When the
 * first allocation fails the device is unregistered; when the second (late)
 * one fails, the defect frees the first table and returns, leaving the device
 * registered after the module is gone. The clean twin
 * (missing_unregister_clean.c, FIXTURE_CLEAN) goes on to the unregister.
 * Each load registers a device with a new id, and a platform device left
 * behind keeps only its own copy of the name: the leak is harmless to the
 * kernel and does not stop the next load.
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include "fixture.h"

#define TABLE_ENTRIES 64

static struct platform_device *fixture_pdev;
static u32 *lookup_table;
static u64 *stats_table;

static int __init missing_unregister_init(void)
{
	fixture_pdev = platform_device_register_simple(KBUILD_MODNAME,
						       PLATFORM_DEVID_AUTO,
						       NULL, 0);
	if (IS_ERR(fixture_pdev))
		return PTR_ERR(fixture_pdev);

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
	return -ENOMEM;		/* the defect: the device stays registered */
#endif
unregister:
	platform_device_unregister(fixture_pdev);
	return -ENOMEM;
}

static void __exit missing_unregister_exit(void)
{
	kfree(stats_table);
	kfree(lookup_table);
	platform_device_unregister(fixture_pdev);
}

module_init(missing_unregister_init);
module_exit(missing_unregister_exit);
MODULE_DESCRIPTION("ddv fixture: device left registered after a late failure");
MODULE_LICENSE("GPL");
