/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netmore.h: body of the netmore_* fixtures: more of specs/linux/net.ddv's rules on a dummy
 * Ethernet device (alloc_etherdev, no hardware), beside netfx.h's. Each defect defines one
 * macro:
 *   NM_NO_QUEUE  alloc_etherdev_mqs with no TX queue (the kernel refuses it: NULL)
 *   NM_AGAIN     a device and skbs (__alloc_skb, netdev_alloc_skb, napi_build_skb) freed where
 *                ddv does not see it and allocated again at the address ddv holds live
 *   NM_LEAK      the device leaked when the allocation after it fails (inject nth kmalloc 1)
 *   NM_TWICE     register_netdev of a registered device (the second call fails by injection,
 *                inject nth register_netdev 2: the kernel BUGs on it for real; the twin
 *                registers a second device there)
 *   NM_QUEUED    free_netdev while a work item in the private area is queued (queued the way
 *                work_pending() sees it, its pending bit set, not on a workqueue: nothing runs
 *                from the freed device, as timer_freed.c does for timers)
 * The clean twin (FIXTURE_CLEAN) makes the same calls rightly. The frees ddv must not see
 * are the real functions through pointers (ddv redirects call instructions only).
 */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

struct nm_priv {
	unsigned long cookie;
	struct work_struct work;
	void *buf;
};

static struct net_device *nm_dev, *nm_dev2 __maybe_unused;

static netdev_tx_t nm_xmit(struct sk_buff *skb, struct net_device *dev)
{
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops nm_ops = { .ndo_start_xmit = nm_xmit };

static struct net_device *nm_alloc(void)
{
	struct net_device *dev = alloc_etherdev(sizeof(struct nm_priv));

	if (dev) {
		dev->netdev_ops = &nm_ops;
		strscpy(dev->name, "ddvnm%d", sizeof(dev->name));
	}
	return dev;
}

#ifdef NM_NO_QUEUE
static int nm_case(void)
{
#ifdef FIXTURE_CLEAN
	unsigned int txqs = 1;
#else
	unsigned int txqs = 0;
#endif
	struct net_device *dev = alloc_etherdev_mqs(sizeof(struct nm_priv), txqs, 1);

	if (dev)
		free_netdev(dev);
	return 0;
}
#endif

#ifdef NM_AGAIN
#include "again.h"
#define NM_TRIES 64
#ifdef FIXTURE_CLEAN
#define NM_HIDE(fn) fn
#else
#define NM_HIDE(fn) ({ typeof(&fn) volatile nm_p = fn; nm_p; })
#endif

/* Allocated again until the allocator gives back the address freed (again.h). */
#define NM_AGAIN_ONE(type, ALLOC, FREE, HIDDEN_FREE)					\
	FX_AGAIN(type, NM_TRIES, ALLOC, FREE, HIDDEN_FREE, )

#define nm_free_netdev(d) free_netdev(d)
#define nm_free_netdev_hidden(d) NM_HIDE(free_netdev)(d)
#define nm_kfree_skb(s) kfree_skb(s)
/* kfree_skb() is inline: its address is a copy in the module, whose call ddv redirects. */
#define nm_kfree_skb_hidden(s) NM_HIDE(kfree_skb_reason)(s, SKB_DROP_REASON_NOT_SPECIFIED)

#define NM_FRAG 2048

/* napi_build_skb takes its head from the CPU's NAPI cache, where napi_consume_skb puts it. */
static struct sk_buff *nm_build(void)
{
	void *data = napi_alloc_frag(NM_FRAG);
	struct sk_buff *skb;

	if (!data)
		return NULL;
	skb = napi_build_skb(data, NM_FRAG);
	if (!skb)
		skb_free_frag(data);
	return skb;
}

#define nm_consume(s) napi_consume_skb(s, 64)
#define nm_consume_hidden(s) NM_HIDE(napi_consume_skb)(s, 64)

/* With bottom halves off, as NAPI's poll runs. */
static int nm_napi_skbs(void)
{
	NM_AGAIN_ONE(struct sk_buff *, nm_build(), nm_consume, nm_consume_hidden);
	return 0;
}

static int nm_case(void)
{
	int err;

	NM_AGAIN_ONE(struct net_device *, nm_alloc(), nm_free_netdev, nm_free_netdev_hidden);
	NM_AGAIN_ONE(struct sk_buff *, alloc_skb(256, GFP_KERNEL), nm_kfree_skb,
		     nm_kfree_skb_hidden);
	NM_AGAIN_ONE(struct sk_buff *, netdev_alloc_skb(nm_dev, 256), nm_kfree_skb,
		     nm_kfree_skb_hidden);
	local_bh_disable();
	err = nm_napi_skbs();
	local_bh_enable();
	return err;
}
#endif

#ifdef NM_LEAK
static int nm_case(void)
{
	struct nm_priv *priv = netdev_priv(nm_dev);

	priv->buf = kmalloc(512, GFP_KERNEL);
	if (!priv->buf) {
#ifdef FIXTURE_CLEAN
		free_netdev(nm_dev);
#endif
		nm_dev = NULL;
		return -ENOMEM;
	}
	kfree(priv->buf);
	return 0;
}
#endif

#ifdef NM_TWICE
static int nm_case(void)
{
	int err = register_netdev(nm_dev);

	if (err)
		return err;
#ifdef FIXTURE_CLEAN
	nm_dev2 = nm_alloc();
	if (!nm_dev2)
		return -ENOMEM;
	err = register_netdev(nm_dev2);
	if (!err)
		unregister_netdev(nm_dev2);
	free_netdev(nm_dev2);
#else
	err = register_netdev(nm_dev);
#endif
	if (err)
		pr_info("%s: the second register_netdev failed (%d)\n", KBUILD_MODNAME, err);
	unregister_netdev(nm_dev);
	return 0;
}
#endif

#ifdef NM_QUEUED
static void nm_work_fn(struct work_struct *work)
{
}

static int nm_case(void)
{
	struct nm_priv *priv = netdev_priv(nm_dev);

	INIT_WORK(&priv->work, nm_work_fn);
	set_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(&priv->work));
	queue_work(system_wq, &priv->work);
#ifdef FIXTURE_CLEAN
	/* What cancel_work_sync() leaves: not pending. */
	clear_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(&priv->work));
#endif
	free_netdev(nm_dev);
	nm_dev = NULL;
	return 0;
}
#endif

static int __init nm_init(void)
{
	int err;

	nm_dev = nm_alloc();
	if (!nm_dev)
		return -ENOMEM;
	err = nm_case();
	if (nm_dev)
		free_netdev(nm_dev);
	return err;
}

static void __exit nm_exit(void)
{
}

module_init(nm_init);
module_exit(nm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv network fixture (specs/linux/net.ddv)");
