// SPDX-License-Identifier: GPL-2.0
/*
 * vcore.c: the example vendor core. It exports a small channel API
 * (include/vcore.h) that the vendor's drivers use and that the vendor's pack
 * (vendor.ddv) checks: a channel is an allocation its driver must release.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <vcore.h>

struct vcore_channel {
	int id;
};

static DEFINE_MUTEX(vcore_lock);
static struct vcore_channel *vcore_taken[VCORE_CHANNELS];

struct vcore_channel *vcore_get_channel(int id)
{
	struct vcore_channel *ch;

	if (id < 0 || id >= VCORE_CHANNELS)
		return NULL;
	ch = kzalloc(sizeof(*ch), GFP_KERNEL);
	if (!ch)
		return NULL;
	ch->id = id;
	mutex_lock(&vcore_lock);
	if (vcore_taken[id]) {
		mutex_unlock(&vcore_lock);
		kfree(ch);
		return NULL;
	}
	vcore_taken[id] = ch;
	mutex_unlock(&vcore_lock);
	return ch;
}
EXPORT_SYMBOL_GPL(vcore_get_channel);

void vcore_put_channel(struct vcore_channel *ch)
{
	mutex_lock(&vcore_lock);
	if (!WARN_ON(vcore_taken[ch->id] != ch))
		vcore_taken[ch->id] = NULL;
	mutex_unlock(&vcore_lock);
	kfree(ch);
}
EXPORT_SYMBOL_GPL(vcore_put_channel);

static void __exit vcore_exit(void)
{
	for (int i = 0; i < VCORE_CHANNELS; i++)
		if (vcore_taken[i])
			pr_warn("vcore: channel %d still taken at unload\n", i);
}
module_exit(vcore_exit);

MODULE_DESCRIPTION("ddv example: a vendor core exporting a channel API");
MODULE_LICENSE("GPL");
