/* SPDX-License-Identifier: GPL-2.0 */
/*
 * devdeep.h: body of devdeep and devdeep_clean: DD_DEEP more references to a device
 * (get_device), a kobject (kobject_get) and the module itself (try_module_get, __module_get)
 * than the one each starts with, then as many puts. device.ddv counts at most 1,000,000 of
 * each (device.get-depth, .kobject-get, .module-get, .module-get2): devdeep takes 1,000,000
 * more (the last one past the bound, reported and not counted), devdeep_clean 999,999.
 * The kernel's counts stay balanced: every reference taken is put. try_module_get() needs a
 * live module: init takes those; exit the others (ddv's watchdog reports an init that takes
 * long as a hang), yielding now and then (a soft lockup is a kernel BUG).
 */
#include <linux/module.h>
#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/slab.h>

static struct kobject dd_kobj;

static void dd_dev_release(struct device *dev)
{
	kfree(dev);
}

static void dd_kobj_release(struct kobject *kobj)
{
}

static const struct kobj_type dd_ktype = { .release = dd_kobj_release };

static struct device *dd_dev;

#define DD_YIELD(i) do { if (!((i) & 0xffff)) cond_resched(); } while (0)

static int __init dd_init(void)
{
	unsigned int i;

	dd_dev = kzalloc(sizeof(*dd_dev), GFP_KERNEL);
	if (!dd_dev)
		return -ENOMEM;
	device_initialize(dd_dev);
	dd_dev->release = dd_dev_release;
	kobject_init(&dd_kobj, &dd_ktype);
	/* The module's own count starts at none the driver took: one more get. */
	for (i = 0; i <= DD_DEEP; i++) {
		if (!try_module_get(THIS_MODULE))
			break;
		DD_YIELD(i);
	}
	while (i--) {
		module_put(THIS_MODULE);
		DD_YIELD(i);
	}
	return 0;
}

static void __exit dd_exit(void)
{
	unsigned int i;

	for (i = 0; i <= DD_DEEP; i++) {
		__module_get(THIS_MODULE);
		DD_YIELD(i);
	}
	for (i = 0; i <= DD_DEEP; i++) {
		module_put(THIS_MODULE);
		DD_YIELD(i);
	}
	for (i = 0; i < DD_DEEP; i++) {
		get_device(dd_dev);
		DD_YIELD(i);
	}
	for (i = 0; i < DD_DEEP; i++) {
		put_device(dd_dev);
		DD_YIELD(i);
	}
	for (i = 0; i < DD_DEEP; i++) {
		kobject_get(&dd_kobj);
		DD_YIELD(i);
	}
	for (i = 0; i < DD_DEEP; i++) {
		kobject_put(&dd_kobj);
		DD_YIELD(i);
	}
	kobject_put(&dd_kobj);
	put_device(dd_dev);
}

module_init(dd_init);
module_exit(dd_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: references taken past device.ddv's bound");
