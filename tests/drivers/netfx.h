/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netfx.h: the network fixtures (specs/linux/net.ddv), one module per rule.
 *
 * Each net_*.c defines the NETFX_* case it breaks and includes this file; its
 * net_*_clean.c twin defines FIXTURE_CLEAN too and includes net_*.c. Every
 * case works on a dummy Ethernet device (alloc_etherdev, no hardware) with a
 * NAPI instance in its private area. A defect that would crash or hang the
 * kernel for real (a NAPI instance enabled without being added, disabled
 * twice, a registered device freed) is made harmless behind ddv's back, with
 * calls ddv does not redirect: the real function through a pointer in data
 * (ddv redirects call instructions only). What ddv sees is the driver's calls
 * exactly as the defect makes them.
 */
#ifndef DDV_NETFX_H
#define DDV_NETFX_H

#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/skbuff.h>
#include <linux/interrupt.h>
#include <linux/slab.h>

#if defined(NETFX_NAPI_UNADDED) || defined(NETFX_NAPI_DEL_ENABLED) || \
	defined(NETFX_FREE_NAPI_ENABLED) || defined(NETFX_NAPI_DISABLE_TWICE) || \
	defined(NETFX_NAPI_FREED)
#define NETFX_NAPI
#endif

struct netfx_priv {
	struct napi_struct napi;
};

static struct net_device *netfx_dev;

/* The real functions, called where ddv does not redirect (volatile: never folded). */
typedef int (*netfx_poll_t)(struct napi_struct *napi, int budget);
static void (*volatile netfx_hidden_napi_add)(struct net_device *dev, struct napi_struct *napi,
					      netfx_poll_t poll, int weight)
	__maybe_unused = netif_napi_add_weight;
static void (*volatile netfx_hidden_napi_enable)(struct napi_struct *n)
	__maybe_unused = napi_enable;
static void (*volatile netfx_hidden_unregister)(struct net_device *dev)
	__maybe_unused = unregister_netdev;

static __maybe_unused int netfx_poll(struct napi_struct *napi, int budget)
{
	napi_complete_done(napi, 0);
	return 0;
}

static netdev_tx_t netfx_xmit(struct sk_buff *skb, struct net_device *dev)
{
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops netfx_ops = {
	.ndo_start_xmit = netfx_xmit,
};

static __maybe_unused struct napi_struct *netfx_napi(void)
{
	return &((struct netfx_priv *)netdev_priv(netfx_dev))->napi;
}

/* The NAPI cases allocate with alloc_netdev, the others with alloc_etherdev. */
static int netfx_alloc(void)
{
#ifdef NETFX_NAPI
	netfx_dev = alloc_netdev(sizeof(struct netfx_priv), "ddvfx%d", NET_NAME_ENUM, ether_setup);
#else
	netfx_dev = alloc_etherdev(sizeof(struct netfx_priv));
#endif
	if (!netfx_dev)
		return -ENOMEM;
	netfx_dev->netdev_ops = &netfx_ops;
	strscpy(netfx_dev->name, "ddvfx%d", sizeof(netfx_dev->name));
	return 0;
}

/* A frame of zeros from the dummy device (its protocol unknown: the stack drops it). */
static __maybe_unused struct sk_buff *netfx_frame(void)
{
	struct sk_buff *skb = netdev_alloc_skb(netfx_dev, 64);

	if (skb) {
		skb_put_zero(skb, ETH_ZLEN);
		skb->protocol = eth_type_trans(skb, netfx_dev);
	}
	return skb;
}

#if defined(NETFX_NAPI_UNADDED)
/* napi_enable of an instance ddv never saw added (the kernel's add is hidden). */
static int netfx_case(void)
{
#ifdef FIXTURE_CLEAN
	netif_napi_add(netfx_dev, netfx_napi(), netfx_poll);
#else
	netfx_hidden_napi_add(netfx_dev, netfx_napi(), netfx_poll, NAPI_POLL_WEIGHT);
#endif
	napi_enable(netfx_napi());
	napi_disable(netfx_napi());
	netif_napi_del(netfx_napi());
	return 0;
}

#elif defined(NETFX_NAPI_DEL_ENABLED)
static int netfx_case(void)
{
	netif_napi_add(netfx_dev, netfx_napi(), netfx_poll);
	napi_enable(netfx_napi());
#ifdef FIXTURE_CLEAN
	napi_disable(netfx_napi());
#endif
	netif_napi_del(netfx_napi());
	return 0;
}

#elif defined(NETFX_FREE_NAPI_ENABLED)
/* The twin leaves its instance added (not deleted) for free_netdev: that is legal. */
static int netfx_case(void)
{
	netif_napi_add(netfx_dev, netfx_napi(), netfx_poll);
	napi_enable(netfx_napi());
#ifdef FIXTURE_CLEAN
	napi_disable(netfx_napi());
#endif
	return 0;
}

#elif defined(NETFX_NAPI_FREED)
/*
 * An instance in a block of its own: free_netdev deletes it from the device but cannot
 * free it, and kfree frees it enabled (the twin disables it first).
 */
static struct napi_struct *netfx_ext_napi;

static int netfx_case(void)
{
	netfx_ext_napi = kzalloc(sizeof(*netfx_ext_napi), GFP_KERNEL);
	if (!netfx_ext_napi)
		return -ENOMEM;
	netif_napi_add(netfx_dev, netfx_ext_napi, netfx_poll);
	napi_enable(netfx_ext_napi);
#ifdef FIXTURE_CLEAN
	napi_disable(netfx_ext_napi);
#endif
	return 0;
}

static void netfx_exit_case(void)
{
	free_netdev(netfx_dev);
	netfx_dev = NULL;
	kfree(netfx_ext_napi);
}
#define NETFX_HAS_EXIT

#elif defined(NETFX_NAPI_DISABLE_TWICE)
/* The defect re-enables unseen, so that its second napi_disable does not wait for ever. */
static int netfx_case(void)
{
	netif_napi_add(netfx_dev, netfx_napi(), netfx_poll);
	napi_enable(netfx_napi());
	napi_disable(netfx_napi());
#ifdef FIXTURE_CLEAN
	napi_enable(netfx_napi());
#else
	netfx_hidden_napi_enable(netfx_napi());
#endif
	napi_disable(netfx_napi());
	netif_napi_del(netfx_napi());
	return 0;
}

#elif defined(NETFX_FREE_REGISTERED)
/* The defect unregisters unseen, so that the kernel frees an unregistered device. */
static int netfx_case(void)
{
	int err = register_netdev(netfx_dev);

	if (err)
		return err;
#ifdef FIXTURE_CLEAN
	unregister_netdev(netfx_dev);
#else
	netfx_hidden_unregister(netfx_dev);
#endif
	return 0;
}

#elif defined(NETFX_REGISTER_IGNORED)
/* Reached by injection: a failed register_netdev taken for a success; exit unregisters. */
static bool netfx_registered;

static int netfx_case(void)
{
	int err = register_netdev(netfx_dev);

	if (err) {
#ifdef FIXTURE_CLEAN
		return err;
#endif
		pr_info("%s: register_netdev: %d, going on\n", KBUILD_MODNAME, err);
	}
	netfx_registered = true;
	return 0;
}

static void netfx_exit_case(void)
{
	if (netfx_registered)
		unregister_netdev(netfx_dev);
}
#define NETFX_HAS_EXIT

#elif defined(NETFX_KFREE_SKB_IRQ)
/* kfree_skb with interrupts off; the twin frees the same way with dev_kfree_skb_any. */
static int netfx_case(void)
{
	struct sk_buff *skb = netfx_frame();
	unsigned long flags;

	if (!skb)
		return -ENOMEM;
	local_irq_save(flags);
#ifdef FIXTURE_CLEAN
	dev_kfree_skb_any(skb);
#else
	kfree_skb(skb);
#endif
	local_irq_restore(flags);
	return 0;
}

#elif defined(NETFX_SKB_LEAK)
/*
 * One skb for each way out of the driver: freed (consume_skb, kfree_skb, dev_kfree_skb_any,
 * dev_kfree_skb_irq with interrupts off, napi_consume_skb outside NAPI) or handed to the
 * stack (netif_rx, netif_receive_skb in softirq context), which drops them. The defect
 * forgets the last one.
 */
static int netfx_case(void)
{
	struct sk_buff *skb[7];
	unsigned long flags;
	int i;

	for (i = 0; i < ARRAY_SIZE(skb); i++) {
		skb[i] = netfx_frame();
		if (!skb[i]) {
			while (i--)
				kfree_skb(skb[i]);
			return -ENOMEM;
		}
	}
	consume_skb(skb[0]);
	kfree_skb(skb[1]);
	dev_kfree_skb_any(skb[2]);
	local_irq_save(flags);
	dev_kfree_skb_irq(skb[3]);
	local_irq_restore(flags);
	napi_consume_skb(skb[4], 0);
	netif_rx(skb[5]);
#ifdef FIXTURE_CLEAN
	local_bh_disable();
	netif_receive_skb(skb[6]);
	local_bh_enable();
#endif
	return 0;
}

#elif defined(NETFX_NO_QUEUE)
/* alloc_netdev_mqs with no TX queue, which the kernel refuses (NULL); the twin asks for one. */
static int netfx_case(void)
{
#ifdef FIXTURE_CLEAN
	unsigned int txqs = 1;
#else
	unsigned int txqs = 0;
#endif
	struct net_device *dev = alloc_netdev_mqs(sizeof(struct netfx_priv), "ddvfx%d",
						  NET_NAME_ENUM, ether_setup, txqs, 1);

	if (dev)
		free_netdev(dev);
	return 0;
}

#elif defined(NETFX_AGAIN)
/*
 * A device freed and allocated again: the slab gives the block freed last. The defect frees it
 * where ddv does not see it (the real free_netdev through a pointer), so the new device comes
 * back at an address ddv holds live.
 */
#ifdef FIXTURE_CLEAN
#define netfx_free_again free_netdev
#else
static void (*volatile netfx_free_again)(struct net_device *dev) = free_netdev;
#endif

static int netfx_case(void)
{
	struct net_device *dev = alloc_netdev(sizeof(struct netfx_priv), "ddvfx%d", NET_NAME_ENUM,
					      ether_setup);

	if (!dev)
		return -ENOMEM;
	netfx_free_again(dev);
	dev = alloc_netdev(sizeof(struct netfx_priv), "ddvfx%d", NET_NAME_ENUM, ether_setup);
	if (dev)
		free_netdev(dev);
	return 0;
}

#else
#error "netfx.h: define one NETFX_* case"
#endif

#ifndef NETFX_HAS_EXIT
static void netfx_exit_case(void)
{
}
#endif

static int __init netfx_init(void)
{
	int err = netfx_alloc();

	if (err)
		return err;
	err = netfx_case();
	if (err)
		free_netdev(netfx_dev);
	return err;
}

static void __exit netfx_exit(void)
{
	netfx_exit_case();
	if (netfx_dev)
		free_netdev(netfx_dev);
}

module_init(netfx_init);
module_exit(netfx_exit);
MODULE_DESCRIPTION("ddv network fixture (specs/linux/net.ddv)");
MODULE_LICENSE("GPL");

#endif /* DDV_NETFX_H */
