// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture: the fallible may_sleep calls of specs/linux/device.ddv, made with preemption
 * off (the rules <pack>.<api>.sleep-in-atomic). Run under `ddv inject random all 100`: every
 * call fails by injection, so that none runs in the kernel and none sleeps in atomic
 * context for real; the context check comes before the call. devmodel_atomic_clean.c
 * (FIXTURE_CLEAN) makes the same calls with preemption on: no finding.
 */
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/cdev.h>
#include <linux/miscdevice.h>
#include <linux/device.h>
#include <linux/sysfs.h>
#include <linux/debugfs.h>
#include <linux/firmware.h>
#include <linux/ioport.h>

static struct cdev da_cdev;
static struct device da_dev;
static struct miscdevice da_misc = { .minor = MISC_DYNAMIC_MINOR, .name = KBUILD_MODNAME };
static const struct file_operations da_fops = { .owner = THIS_MODULE };
static struct attribute *da_attrs[] = { NULL };
static const struct attribute_group da_group = { .name = KBUILD_MODNAME, .attrs = da_attrs };
static DEVICE_ATTR(da_value, 0444, NULL, NULL);
static const struct firmware *da_fw;
static int da_failed;

static void da_firmware_done(const struct firmware *fw, void *context)
{
	release_firmware(fw);
}

#define DA_FAILS(call) (da_failed += !!(call))

static void da_calls(void)
{
	dev_t devt;
	struct resource *res;
	struct dentry *dir;

	DA_FAILS(alloc_chrdev_region(&devt, 0, 1, KBUILD_MODNAME));
	DA_FAILS(register_chrdev_region(MKDEV(240, 0), 1, KBUILD_MODNAME));
	DA_FAILS(__register_chrdev(0, 0, 1, KBUILD_MODNAME, &da_fops) < 0);
	DA_FAILS(cdev_add(&da_cdev, MKDEV(240, 0), 1));
	DA_FAILS(cdev_device_add(&da_cdev, &da_dev));
	DA_FAILS(misc_register(&da_misc));
	DA_FAILS(sysfs_create_group(kernel_kobj, &da_group));
	DA_FAILS(device_create_file(&da_dev, &dev_attr_da_value));
	dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	DA_FAILS(IS_ERR(dir));
	DA_FAILS(request_firmware(&da_fw, "ddv-fixture.bin", NULL));
	DA_FAILS(request_firmware_nowait(THIS_MODULE, true, "ddv-fixture.bin", NULL,
					 GFP_KERNEL, NULL, da_firmware_done));
	res = request_region(0xe30, 8, KBUILD_MODNAME);
	DA_FAILS(!res);
}

static int __init da_init(void)
{
	cdev_init(&da_cdev, &da_fops);
#ifndef FIXTURE_CLEAN
	preempt_disable();
#endif
	da_calls();
#ifndef FIXTURE_CLEAN
	preempt_enable();
#endif
	pr_info("%s: %d of 12 calls failed\n", KBUILD_MODNAME, da_failed);
	return 0;
}

static void __exit da_exit(void)
{
}

module_init(da_init);
module_exit(da_exit);
MODULE_DESCRIPTION("ddv fixture: device-model calls that sleep, in atomic context");
MODULE_LICENSE("GPL");
