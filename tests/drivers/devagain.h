/* SPDX-License-Identifier: GPL-2.0 */
/*
 * devagain.h: body of devagain and its twin devagain_clean: device-model objects released
 * where ddv does not see it and made again, so that the kernel gives back the key ddv holds
 * live (specs/linux/device.ddv's *-live rules): a char device region allocated and one
 * registered, a char device registered whole, a cdev added with its device, a misc device,
 * an I/O port region, a region's resource taken out of the tree, a firmware image and a
 * debugfs directory. The release ddv must not see is the real function through a pointer
 * (ddv redirects call instructions only); the twin makes the same calls with the release
 * ddv sees.
 *
 * A dynamic major is the highest free one, a fixed region or misc device the same struct, an
 * I/O region its start: those come back at once. A region's resource and a firmware image
 * (kmalloc'ed) and a debugfs directory (a dentry, freed after an RCU grace period:
 * rcu_barrier) come back as the slab gives them: made again, keeping the ones that differ,
 * until the key comes back (DA_TRIES at most; else ddv's stale record is reported as a leak,
 * a failure of the test).
 */
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/cdev.h>
#include <linux/miscdevice.h>
#include <linux/device.h>
#include <linux/debugfs.h>
#include <linux/firmware.h>
#include <linux/ioport.h>
#include <linux/slab.h>

#define DA_PORT 0xe40
#define DA_PORTS 8
/* tests/vm/devmodel-lib.sh writes it into /lib/firmware. */
#define DA_FIRMWARE "ddv-fixture.bin"
#define DA_TRIES 64

#ifdef FIXTURE_CLEAN
#define DA_HIDE(fn) fn
#else
#define DA_HIDE(fn) ({ typeof(&fn) volatile da_p = fn; da_p; })
#endif

static const struct file_operations da_fops = { .owner = THIS_MODULE };
static struct cdev da_cdev;
static struct miscdevice da_misc = {
	.minor = MISC_DYNAMIC_MINOR, .name = KBUILD_MODNAME, .fops = &da_fops,
};

static void da_dev_release(struct device *dev)
{
	kfree(dev);
}

static struct device *da_device(dev_t devt, int n)
{
	struct device *dev = kzalloc(sizeof(*dev), GFP_KERNEL);

	if (!dev)
		return NULL;
	device_initialize(dev);
	dev->devt = devt;
	dev->release = da_dev_release;
	if (dev_set_name(dev, "%s%d", KBUILD_MODNAME, n)) {
		put_device(dev);
		return NULL;
	}
	return dev;
}

/* A region allocated, and one registered at a fixed number in its major. */
static int da_regions(void)
{
	dev_t devt, again;
	int err = alloc_chrdev_region(&devt, 0, 2, KBUILD_MODNAME);

	if (err)
		return err;
	DA_HIDE(unregister_chrdev_region)(devt, 2);
	err = alloc_chrdev_region(&again, 0, 2, KBUILD_MODNAME);
	if (err)
		return err;
	if (again != devt)
		pr_info("%s: the region came back at another major\n", KBUILD_MODNAME);
	devt = MKDEV(MAJOR(again), 10);
	err = register_chrdev_region(devt, 1, KBUILD_MODNAME);
	if (!err) {
		DA_HIDE(unregister_chrdev_region)(devt, 1);
		err = register_chrdev_region(devt, 1, KBUILD_MODNAME);
		if (!err)
			unregister_chrdev_region(devt, 1);
	}
	unregister_chrdev_region(again, 2);
	return err;
}

/* A char device registered whole, at a dynamic major. */
static int da_whole(void)
{
	int major = __register_chrdev(0, 0, 1, KBUILD_MODNAME, &da_fops);
	int again;

	if (major < 0)
		return major;
	DA_HIDE(__unregister_chrdev)(major, 0, 1, KBUILD_MODNAME);
	again = __register_chrdev(0, 0, 1, KBUILD_MODNAME, &da_fops);
	if (again < 0)
		return again;
	__unregister_chrdev(again, 0, 1, KBUILD_MODNAME);
	return 0;
}

/* One cdev added with a device, deleted, and added again with another. */
static int da_cdev_again(void)
{
	struct device *dev[2];
	dev_t devt;
	int err = alloc_chrdev_region(&devt, 0, 2, KBUILD_MODNAME "_cdev");
	int i;

	if (err)
		return err;
	dev[0] = da_device(devt, 0);
	dev[1] = da_device(devt + 1, 1);
	for (i = 0; i < 2 && dev[0] && dev[1] && !err; i++) {
		cdev_init(&da_cdev, &da_fops);
		err = cdev_device_add(&da_cdev, dev[i]);
		if (err)
			break;
		if (i == 0)
			DA_HIDE(cdev_device_del)(&da_cdev, dev[i]);
		else
			cdev_device_del(&da_cdev, dev[i]);
	}
	if (!dev[0] || !dev[1])
		err = -ENOMEM;
	for (i = 0; i < 2; i++)
		if (dev[i])
			put_device(dev[i]);
	unregister_chrdev_region(devt, 2);
	return err;
}

static int da_misc_again(void)
{
	int err = misc_register(&da_misc);

	if (err)
		return err;
	DA_HIDE(misc_deregister)(&da_misc);
	da_misc.minor = MISC_DYNAMIC_MINOR;
	err = misc_register(&da_misc);
	if (!err)
		misc_deregister(&da_misc);
	return err;
}

static int da_region_again(void)
{
	if (!request_region(DA_PORT, DA_PORTS, KBUILD_MODNAME))
		return -EBUSY;
	DA_HIDE(__release_region)(&ioport_resource, DA_PORT, DA_PORTS);
	if (!request_region(DA_PORT, DA_PORTS, KBUILD_MODNAME))
		return -EBUSY;
	release_region(DA_PORT, DA_PORTS);
	return 0;
}

/*
 * A region's resource taken out of the tree by release_resource() (from there a heap block of
 * the driver's) and kfree()d unseen; then regions requested, in a tree of the fixture's own
 * (no device's ports in the way), until the kernel's kzalloc() gives that block back, and
 * its resource taken out again: ddv still holds the block (device.release-resource-live).
 */
static struct resource da_root = DEFINE_RES_IO_NAMED(0, (DA_TRIES + 1) * DA_PORTS, KBUILD_MODNAME);

static int da_resource_again(void)
{
	struct resource *old, *res, *keep[DA_TRIES];
	int n = 0;

	old = __request_region(&da_root, 0, DA_PORTS, KBUILD_MODNAME, 0);
	if (!old)
		return -EBUSY;
	release_resource(old);
	DA_HIDE(kfree)(old);
	for (;;) {
		res = __request_region(&da_root, n * DA_PORTS, DA_PORTS, KBUILD_MODNAME, 0);
		if (!res)
			break;
		if (res == old || n == DA_TRIES) {
			release_resource(res);
			kfree(res);
			break;
		}
		keep[n++] = res;
	}
	while (n) {
		release_resource(keep[--n]);
		kfree(keep[n]);
	}
	return res ? 0 : -EBUSY;
}

static int da_firmware_again(void)
{
	const struct firmware *old, *fw, *keep[DA_TRIES];
	int n = 0, err = request_firmware(&old, DA_FIRMWARE, NULL);

	if (err)
		return err;
	DA_HIDE(release_firmware)(old);
	while (!(err = request_firmware(&fw, DA_FIRMWARE, NULL))) {
		if (fw == old || n == DA_TRIES) {
			release_firmware(fw);
			break;
		}
		keep[n++] = fw;
	}
	while (n)
		release_firmware(keep[--n]);
	return err;
}

static int da_debugfs_again(void)
{
	struct dentry *old, *d, *keep[DA_TRIES];
	char name[32];
	int n = 0;

	old = debugfs_create_dir(KBUILD_MODNAME, NULL);
	if (IS_ERR(old))
		return PTR_ERR(old);
	DA_HIDE(debugfs_remove)(old);
	rcu_barrier();
	for (;;) {
		snprintf(name, sizeof(name), "%s-%d", KBUILD_MODNAME, n);
		d = debugfs_create_dir(name, NULL);
		if (IS_ERR(d))
			break;
		if (d == old || n == DA_TRIES) {
			debugfs_remove(d);
			break;
		}
		keep[n++] = d;
	}
	while (n)
		debugfs_remove(keep[--n]);
	return IS_ERR(d) ? PTR_ERR(d) : 0;
}

static int __init da_init(void)
{
	int err = da_regions();

	if (!err)
		err = da_whole();
	if (!err)
		err = da_cdev_again();
	if (!err)
		err = da_misc_again();
	if (!err)
		err = da_region_again();
	if (!err)
		err = da_resource_again();
	if (!err)
		err = da_firmware_again();
	if (!err)
		err = da_debugfs_again();
	return err;
}

static void __exit da_exit(void)
{
}

module_init(da_init);
module_exit(da_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: device-model objects released unseen and made again");
