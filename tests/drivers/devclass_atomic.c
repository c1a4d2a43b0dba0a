// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture: the may_sleep calls of the devclass contracts made with preemption off (the
 * rules <pack>.<api>.sleep-in-atomic). Run under `ddv inject random all 100`: every fallible
 * call (class_create, device_create, alloc_workqueue, kthread_create_on_node) fails by
 * injection, so that none runs in the kernel; class_destroy of an error pointer returns at
 * once and device_destroy of number 0 in a class with no such device finds none, so neither
 * sleeps. kobject_init_and_add and kthread_stop cannot be failed and do sleep: not here.
 * devclass_atomic_clean.c (FIXTURE_CLEAN) makes the same calls with preemption on.
 */
#include <linux/module.h>
#include <linux/kdev_t.h>
#include <linux/device.h>
#include <linux/workqueue.h>
#include <linux/kthread.h>
#include <linux/version.h>

static struct class da_class = { .name = KBUILD_MODNAME };
static int da_failed;

#define DA_FAILS(call) (da_failed += !!(call))

static int da_thread(void *data)
{
	return 0;
}

static void da_calls(void)
{
	struct workqueue_struct *wq;

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
	DA_FAILS(IS_ERR(class_create(THIS_MODULE, KBUILD_MODNAME "_made")));
#else
	DA_FAILS(IS_ERR(class_create(KBUILD_MODNAME "_made")));
#endif
	DA_FAILS(IS_ERR(device_create(&da_class, NULL, MKDEV(0, 1), NULL, "%s%d", "da", 1)));
	wq = alloc_workqueue("%s", 0, 0, KBUILD_MODNAME);
	DA_FAILS(!wq);
	DA_FAILS(IS_ERR(kthread_create(da_thread, NULL, "%s", KBUILD_MODNAME)));
	class_destroy(ERR_PTR(-ENOMEM));
	device_destroy(&da_class, 0);
}

static int __init da_init(void)
{
	int err = class_register(&da_class);

	if (err)
		return err;
#ifndef FIXTURE_CLEAN
	preempt_disable();
#endif
	da_calls();
#ifndef FIXTURE_CLEAN
	preempt_enable();
#endif
	pr_info("%s: %d of 4 calls failed\n", KBUILD_MODNAME, da_failed);
	class_unregister(&da_class);
	return 0;
}

static void __exit da_exit(void)
{
}

module_init(da_init);
module_exit(da_exit);
MODULE_DESCRIPTION("ddv fixture: class, device, workqueue and thread calls in atomic context");
MODULE_LICENSE("GPL");
