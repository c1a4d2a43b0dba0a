// SPDX-License-Identifier: GPL-2.0
/* devres.c: objects a device's managed resources own (a rule's "managed T[k] by dev"). */
#include <linux/device.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include "ddv_internal.h"

/*
 * How ddv sees the kernel release a device's managed resources (at unbind,
 * after a probe that failed, at a devres group's release) without a wrapper
 * there: beside each managed object, a devres node of ddv's own is added to
 * the same device, right after the driver's. Devres releases in reverse
 * order, so ddv's node goes just before the resource it stands for, in the
 * same group, and its release ends the object's record as the kernel frees it.
 *
 * A node holds a reference on its device, so that the device outlives every
 * node on this list: a driver that stops being under test (unload, detach,
 * ddv's own exit) takes its nodes back from devres and puts the reference.
 * Whoever takes a node off the list (the release, or that purge) owns it.
 */
struct managed_node {
	struct list_head entry;
	struct device *dev;
	const struct ddv_pack *pack;
	unsigned long ret_ip;
	u64 key;
	u32 site;
	u16 type, func, dut;
};

static LIST_HEAD(managed_nodes);
static DEFINE_SPINLOCK(managed_lock);

static bool managed_take(struct managed_node *n)
{
	unsigned long flags;
	bool mine;

	spin_lock_irqsave(&managed_lock, flags);
	mine = !list_empty(&n->entry);
	list_del_init(&n->entry);
	spin_unlock_irqrestore(&managed_lock, flags);
	return mine;
}

/* Devres frees the resource next: its record goes, and what lies inside it (a pending timer...). */
static void managed_release(struct device *dev, void *res)
{
	struct managed_node *n = res;
	struct ddv_call call = {
		.pack = (struct ddv_pack *)n->pack, .ret_ip = n->ret_ip, .site = n->site,
		.func = n->func, .dut = n->dut, .fast_exit = 1,
	};

	if (!managed_take(n))
		return;
	__ddv_obj_destroy(&call, n->type, n->key, NULL);
	put_device(n->dev);
}

/* The creating call made object key of type its device's: it ends when devres releases it. */
int __ddv_obj_managed(struct ddv_call *call, u16 type, u64 key, const void *device)
{
	struct device *dev = (struct device *)device;
	struct managed_node *n;
	unsigned long flags;
	u16 gt;

	if (!dev || !ddv_call_type(call, type, &gt))
		return -EINVAL;
	/* Any context the driver calls from; without a node the record stays as before. */
	n = devres_alloc(managed_release, sizeof(*n), GFP_ATOMIC | __GFP_NOWARN);
	if (!n) {
		pr_warn_ratelimited("ddv: no memory to follow a managed object: its record stays\n");
		return -ENOMEM;
	}
	ddv_call_site(call);
	*n = (struct managed_node){
		.dev = get_device(dev), .pack = call->pack, .ret_ip = call->ret_ip, .key = key,
		.site = call->site, .type = type, .func = call->func, .dut = call->dut,
	};
	spin_lock_irqsave(&managed_lock, flags);
	list_add(&n->entry, &managed_nodes);
	spin_unlock_irqrestore(&managed_lock, flags);
	devres_add(dev, n);
	return 0;
}
EXPORT_SYMBOL_GPL(__ddv_obj_managed);

static int managed_match(struct device *dev, void *res, void *data)
{
	return res == data;
}

/* Takes back from devres the nodes of driver dut (0: all of them); their records stay. */
void ddv_managed_forget(u16 dut)
{
	struct managed_node *n;
	struct device *dev;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&managed_lock, flags);
		list_for_each_entry(n, &managed_nodes, entry)
			if (!dut || n->dut == dut)
				break;
		if (list_entry_is_head(n, &managed_nodes, entry)) {
			spin_unlock_irqrestore(&managed_lock, flags);
			return;
		}
		list_del_init(&n->entry);
		dev = n->dev;
		spin_unlock_irqrestore(&managed_lock, flags);
		/* Being released: devres frees the node, whose release finds it taken. */
		if (devres_remove(dev, managed_release, managed_match, n))
			devres_free(n);
		put_device(dev);
	}
}
