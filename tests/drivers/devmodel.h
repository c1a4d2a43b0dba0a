/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The body of the device-model fixtures (specs/linux/device.ddv). Every
 * module built from it makes the same calls: a char device region with a
 * cdev in it, a char device registered whole, a misc device, a device, a
 * sysfs group, a debugfs directory, a firmware image, an IDR and an IDA ID,
 * a kobject, an I/O port region and a reference to itself for the length of
 * init. devmodel_clean.c undoes each one, in init's error path and at exit;
 * each devmodel_NAME.c defines one DM_* defect and includes this file, so
 * that a module differs from the clean one only in the lines under its macro.
 *
 * What keeps them safe in the test VM: the misc device and the device lie in
 * heap memory, which the leaking variants leave allocated, so that the
 * kernel's lists that still hold them never point into a freed module; the
 * other leaks leave nothing the kernel walks into module memory, only
 * kernel-allocated entries that nothing opens; the releases ddv must report
 * are ones the kernel refuses with a message (a region or char device not
 * held) or a WARN (a misc device or sysfs group never registered).
 */
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/cdev.h>
#include <linux/miscdevice.h>
#include <linux/device.h>
#include <linux/sysfs.h>
#include <linux/debugfs.h>
#include <linux/firmware.h>
#include <linux/idr.h>
#include <linux/kobject.h>
#include <linux/ioport.h>
#include <linux/slab.h>

/* An I/O port range qemu's pc machine leaves free (its PCI devices sit at 0xc000 up). */
#ifndef DM_PORT
#define DM_PORT 0xe00
#endif
#define DM_PORTS 8
/* The VM scenario writes it into /lib/firmware; without it the request fails, harmlessly. */
#define DM_FIRMWARE "ddv-fixture.bin"

struct dm_misc {
	struct miscdevice misc;
	char name[32];
};

static dev_t dm_devt;
static struct cdev dm_cdev, dm_cdev_spare;
static int dm_major;
static struct dm_misc *dm_misc;
#ifdef DM_MISC_UNREGISTERED
static struct miscdevice dm_misc_spare;
#endif
static struct device *dm_dev;
static struct dentry *dm_debugfs;
static const struct firmware *dm_fw;
static DEFINE_IDR(dm_idr);
static DEFINE_IDA(dm_ida);
static int dm_id, dm_ida_id;
static struct kobject dm_kobj;
static struct resource *dm_region;

static const struct file_operations dm_fops = { .owner = THIS_MODULE };

static ssize_t dm_value_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "1\n");
}

static struct kobj_attribute dm_value = __ATTR(value, 0444, dm_value_show, NULL);
static struct attribute *dm_attrs[] = { &dm_value.attr, NULL };
static const struct attribute_group dm_group = { .name = KBUILD_MODNAME, .attrs = dm_attrs };
static const struct attribute_group dm_group_spare = {
	.name = KBUILD_MODNAME "_spare", .attrs = dm_attrs,
};

static void dm_dev_release(struct device *dev)
{
	kfree(dev);
}

static void dm_kobj_release(struct kobject *kobj)
{
}

static const struct kobj_type dm_ktype = { .release = dm_kobj_release };

static int dm_request_firmware(void)
{
	int err;

#ifdef DM_FIRMWARE_ATOMIC
	preempt_disable();
#endif
	err = request_firmware(&dm_fw, DM_FIRMWARE, dm_dev);
#ifdef DM_FIRMWARE_ATOMIC
	preempt_enable();
#endif
	return err;
}

static int dm_chrdevs(void)
{
	int err;

	err = alloc_chrdev_region(&dm_devt, 0, 2, KBUILD_MODNAME);
	if (err)
		return err;
	cdev_init(&dm_cdev, &dm_fops);
	cdev_init(&dm_cdev_spare, &dm_fops);
	err = cdev_add(&dm_cdev, dm_devt, 1);
	if (err)
		goto region;
#ifdef DM_CDEV_TWICE
	/* The kernel maps it again; cdev_del() unmaps the second range only. */
	if (cdev_add(&dm_cdev, dm_devt + 1, 1))
		pr_info("%s: the second cdev_add failed\n", KBUILD_MODNAME);
#endif
	dm_major = __register_chrdev(0, 0, 1, KBUILD_MODNAME "_whole", &dm_fops);
	if (dm_major < 0) {
		err = dm_major;
		goto cdev;
	}
	return 0;
cdev:
	cdev_del(&dm_cdev);
region:
	unregister_chrdev_region(dm_devt, 2);
	return err;
}

static void dm_chrdevs_undo(void)
{
	__unregister_chrdev(dm_major, 0, 1, KBUILD_MODNAME "_whole");
	cdev_del(&dm_cdev);
#ifndef DM_CHRDEV_LEAK
	/* DM_CHRDEV_LEAK's defect: init's error path forgets the region. */
	unregister_chrdev_region(dm_devt, 2);
#endif
}

static int __init dm_init(void)
{
	int err = -ENOMEM;

	if (!try_module_get(THIS_MODULE))
		return -ENODEV;
	err = dm_chrdevs();
	if (err)
		goto put;
	dm_misc = kzalloc(sizeof(*dm_misc), GFP_KERNEL);
	if (!dm_misc) {
		err = -ENOMEM;
		goto chrdevs;
	}
	snprintf(dm_misc->name, sizeof(dm_misc->name), "%s", KBUILD_MODNAME);
	dm_misc->misc.minor = MISC_DYNAMIC_MINOR;
	dm_misc->misc.name = dm_misc->name;
	dm_misc->misc.fops = &dm_fops;
	err = misc_register(&dm_misc->misc);
	if (err)
		goto misc_free;
	dm_dev = kzalloc(sizeof(*dm_dev), GFP_KERNEL);
	if (!dm_dev) {
		err = -ENOMEM;
		goto misc;
	}
	dm_dev->release = dm_dev_release;
	dev_set_name(dm_dev, "%s", KBUILD_MODNAME);
	err = device_register(dm_dev);
	if (err) {
		put_device(dm_dev);
		goto misc;
	}
	err = sysfs_create_group(kernel_kobj, &dm_group);
	if (err)
		goto device;
	dm_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	if (dm_request_firmware())
		dm_fw = NULL;
	dm_id = idr_alloc(&dm_idr, dm_dev, 1, 0, GFP_KERNEL);
	if (dm_id < 0) {
		err = dm_id;
		goto firmware;
	}
	dm_ida_id = ida_alloc(&dm_ida, GFP_KERNEL);
	if (dm_ida_id < 0) {
		err = dm_ida_id;
		goto idr;
	}
	kobject_init(&dm_kobj, &dm_ktype);
	dm_region = request_region(DM_PORT, DM_PORTS, KBUILD_MODNAME);
	if (!dm_region) {
		err = -EBUSY;
		goto kobject;
	}
	module_put(THIS_MODULE);
	return 0;

kobject:
	kobject_put(&dm_kobj);
	ida_free(&dm_ida, dm_ida_id);
idr:
	idr_remove(&dm_idr, dm_id);
firmware:
	release_firmware(dm_fw);
	debugfs_remove(dm_debugfs);
	sysfs_remove_group(kernel_kobj, &dm_group);
device:
	device_unregister(dm_dev);
misc:
	misc_deregister(&dm_misc->misc);
misc_free:
	kfree(dm_misc);
chrdevs:
	dm_chrdevs_undo();
put:
#ifndef DM_MODREF_LEAK
	module_put(THIS_MODULE);
#endif
	return err;
}

#if defined(DM_REGION_REINSERT) || defined(DM_REGION_REINSERT_RELEASE) || \
	defined(DM_REGION_REINSERT_LEAK)
/*
 * A re-insert the kernel refused would leave nothing to test: a release of a region
 * no longer held makes it a finding (device.region-release-unheld) the case does not expect.
 */
static void dm_reinsert_failed(void)
{
	pr_err("%s: the resource could not be put back\n", KBUILD_MODNAME);
	release_region(DM_PORT, DM_PORTS);
}
#endif

static void __exit dm_exit(void)
{
#ifdef DM_REGION_REINSERT
	struct resource *parent = dm_region->parent;

#endif
#ifndef DM_REGION_LEAK
#if defined(DM_REGION_REINSERT_RELEASE) || defined(DM_REGION_REINSERT_LEAK)
	/*
	 * Out of the tree and back with insert_resource() from the root, which nests it
	 * under the PCI bus's window again, still IORESOURCE_BUSY: a region again, which
	 * release_region() finds and frees, block and all; _LEAK leaves it there.
	 */
	release_resource(dm_region);
	if (insert_resource(&ioport_resource, dm_region))
		dm_reinsert_failed();
#ifndef DM_REGION_REINSERT_LEAK
	release_region(DM_PORT, DM_PORTS);
#endif
#elif defined(DM_REGION_RESOURCE) || defined(DM_REGION_RES_LEAK)
	/* The other legal end of a region: out of the tree, then kfree()d by hand. */
	release_resource(dm_region);
#ifdef DM_REGION_REINSERT
	/*
	 * Back under its parent (the PCI bus's window: the root has that in the way), a
	 * region again, and out: the driver's block once more.
	 */
	if (request_resource(parent, dm_region))
		dm_reinsert_failed();
	release_resource(dm_region);
#endif
#ifndef DM_REGION_RES_LEAK
	kfree(dm_region);
#endif
#elif defined(DM_REGION_SIZE)
	release_region(DM_PORT, DM_PORTS / 2);
#else
	release_region(DM_PORT, DM_PORTS);
#endif
#endif
#ifdef DM_REGION_TWICE
	release_region(DM_PORT, DM_PORTS);
#endif
#ifndef DM_KOBJECT_LEAK
	kobject_put(&dm_kobj);
#endif
#ifndef DM_IDA_LEAK
	ida_free(&dm_ida, dm_ida_id);
	ida_destroy(&dm_ida);
#endif
#ifndef DM_IDR_LEAK
	idr_remove(&dm_idr, dm_id);
	idr_destroy(&dm_idr);
#endif
#ifndef DM_FIRMWARE_LEAK
	release_firmware(dm_fw);
#endif
#ifndef DM_DEBUGFS_LEAK
	debugfs_remove(dm_debugfs);
#endif
#ifndef DM_SYSFS_LEAK
	sysfs_remove_group(kernel_kobj, &dm_group);
#endif
#ifdef DM_SYSFS_UNCREATED
	sysfs_remove_group(kernel_kobj, &dm_group_spare);
#endif
#ifndef DM_DEVICE_LEAK
	device_unregister(dm_dev);
#endif
#ifndef DM_MISC_LEAK
	misc_deregister(&dm_misc->misc);
	kfree(dm_misc);
#endif
#ifdef DM_MISC_UNREGISTERED
	/* Never registered: the kernel WARNs and returns on its empty list head. */
	INIT_LIST_HEAD(&dm_misc_spare.list);
	misc_deregister(&dm_misc_spare);
#endif
#ifndef DM_REGCHRDEV_LEAK
	__unregister_chrdev(dm_major, 0, 1, KBUILD_MODNAME "_whole");
#endif
#ifdef DM_REGCHRDEV_TWICE
	__unregister_chrdev(dm_major, 0, 1, KBUILD_MODNAME "_whole");
#endif
#ifndef DM_CDEV_LEAK
	cdev_del(&dm_cdev);
#endif
#ifdef DM_CDEV_UNADDED
	/* Initialised, never added: the kernel drops the reference cdev_init() gave. */
	cdev_del(&dm_cdev_spare);
#endif
#ifdef DM_CHRDEV_COUNT
	unregister_chrdev_region(dm_devt, 1);
#else
	unregister_chrdev_region(dm_devt, 2);
#endif
#ifdef DM_CHRDEV_TWICE
	unregister_chrdev_region(dm_devt, 2);
#endif
}

module_init(dm_init);
module_exit(dm_exit);
MODULE_DESCRIPTION("ddv fixture: the device model's contracts (" KBUILD_MODNAME ")");
MODULE_LICENSE("GPL");
