// SPDX-License-Identifier: GPL-2.0
/*
 * vcore.c: the example vendor core. It exports a small channel API
 * (include/vcore.h) that the vendor's drivers use and that the vendor's pack
 * (vendor.ddv) checks: a channel a driver takes it must give back, once;
 * a ring buffer is heap memory the driver frees (pack linux's heap rules).
 * The channels are static, so a channel given back twice is said, not a
 * double free: the example's defects stay harmless to the kernel.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <vcore.h>

struct vcore_channel {
	int id;
	bool taken;
};

static DEFINE_MUTEX(vcore_lock);
static struct vcore_channel vcore_channels[VCORE_CHANNELS];

struct vcore_channel *vcore_get_channel(int id)
{
	struct vcore_channel *ch = NULL;

	if (id < 0 || id >= VCORE_CHANNELS)
		return NULL;
	mutex_lock(&vcore_lock);
	if (!vcore_channels[id].taken) {
		ch = &vcore_channels[id];
		ch->id = id;
		ch->taken = true;
	}
	mutex_unlock(&vcore_lock);
	return ch;
}
EXPORT_SYMBOL_GPL(vcore_get_channel);

void vcore_put_channel(struct vcore_channel *ch)
{
	mutex_lock(&vcore_lock);
	if (ch->taken)
		ch->taken = false;
	else
		pr_err("vcore: channel %d given back but not taken\n", ch->id);
	mutex_unlock(&vcore_lock);
}
EXPORT_SYMBOL_GPL(vcore_put_channel);

void *vcore_alloc_buf(size_t size)
{
	return kzalloc(size, GFP_KERNEL);
}
EXPORT_SYMBOL_GPL(vcore_alloc_buf);

void vcore_free_buf(void *buf)
{
	kfree(buf);
}
EXPORT_SYMBOL_GPL(vcore_free_buf);

static void __exit vcore_exit(void)
{
	for (int i = 0; i < VCORE_CHANNELS; i++)
		if (vcore_channels[i].taken)
			pr_warn("vcore: channel %d still taken at unload\n", i);
}
module_exit(vcore_exit);

MODULE_DESCRIPTION("ddv example: a vendor core exporting a channel API");
MODULE_LICENSE("GPL");
