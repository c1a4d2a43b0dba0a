// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture that frees memory holding a pending timer, through the free
 * path that its parameter names (how=):
 *   vfree        a vmalloc'ed holder, vfree()
 *   kvfree       a kvmalloc'ed holder (kmalloc'ed inside), kvfree()
 *   devm_kfree   a devm_kmalloc'ed holder of a platform device, devm_kfree()
 *   kfree_rcu    a kmalloc'ed holder, kfree_rcu() (freed after a grace period)
 *   kfree        a kmalloc'ed holder, kfree()
 *   free_netdev  the timer in a net_device's private area, free_netdev()
 *   static       the module's own timer, pending when the module goes
 *   leak         a kmalloc'ed holder never freed, its timer pending when the module goes
 *
 * Built as timer_freed (the defect) and, through timer_freed_clean.c which
 * defines FIXTURE_CLEAN, as its clean twin that stops the timer before the
 * memory goes (and frees the leak's holder). ddv must report each path (the
 * rules: tests/vm/fixture-contained.sh), and nothing for the twin.
 *
 * The timer is made pending the way timer_pending() sees it (its link set)
 * without entering the timer wheel: freeing a timer that is really queued
 * leaves the wheel pointing into freed memory, and Debian's kernels have no
 * debug_objects to stop that, so the tests that follow would run on a
 * corrupt kernel. ddv asks timer_pending(), and gets the answer a driver's
 * real defect gives it. The twin's stop clears the link, as del_timer_sync()
 * does.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/timer.h>
#include <linux/rcupdate.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/platform_device.h>

static char *how = "vfree";
module_param(how, charp, 0444);
MODULE_PARM_DESC(how, "the free path: vfree, kvfree, devm_kfree, kfree_rcu, kfree, free_netdev, static, leak");

struct holder {
	unsigned long cookie;
	struct timer_list timer;	/* not at the start: found inside, not at the key */
	struct rcu_head rcu;
};

static struct timer_list fixture_static_timer;
static struct holder *fixture_leaked;

static void fixture_timer_fn(struct timer_list *timer)
{
}

/* The holder's timer set up and "armed" (see above). */
static void fixture_arm(struct timer_list *timer)
{
	timer_setup(timer, fixture_timer_fn, 0);
	timer->entry.pprev = &timer->entry.next;
	pr_info("%s: %s: timer pending %d\n", KBUILD_MODNAME, how, timer_pending(timer));
}

/* The twin stops it before its memory goes; the defect does not. */
static void fixture_stop(struct timer_list *timer)
{
#ifdef FIXTURE_CLEAN
	timer->entry.pprev = NULL;
#endif
}

static int fixture_netdev(void)
{
	struct net_device *dev = alloc_etherdev(sizeof(struct holder));
	struct holder *h;

	if (!dev)
		return -ENOMEM;
	h = netdev_priv(dev);
	fixture_arm(&h->timer);
	fixture_stop(&h->timer);
	free_netdev(dev);
	return 0;
}

static int fixture_devm(void)
{
	struct platform_device *pdev;
	struct holder *h;

	pdev = platform_device_register_simple(KBUILD_MODNAME, PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	h = devm_kmalloc(&pdev->dev, sizeof(*h), GFP_KERNEL);
	if (h) {
		fixture_arm(&h->timer);
		fixture_stop(&h->timer);
		devm_kfree(&pdev->dev, h);
	}
	platform_device_unregister(pdev);
	return h ? 0 : -ENOMEM;
}

static int __init timer_freed_init(void)
{
	struct holder *h;

	if (!strcmp(how, "free_netdev"))
		return fixture_netdev();
	if (!strcmp(how, "devm_kfree"))
		return fixture_devm();
	if (!strcmp(how, "static")) {
		fixture_arm(&fixture_static_timer);
		fixture_stop(&fixture_static_timer);
		return 0;
	}
	if (!strcmp(how, "vfree"))
		h = vmalloc(sizeof(*h));
	else if (!strcmp(how, "kvfree"))
		h = kvmalloc(sizeof(*h), GFP_KERNEL);
	else
		h = kmalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	fixture_arm(&h->timer);
	fixture_stop(&h->timer);
	if (!strcmp(how, "vfree")) {
		vfree(h);
	} else if (!strcmp(how, "kvfree")) {
		kvfree(h);
	} else if (!strcmp(how, "kfree_rcu")) {
		kfree_rcu(h, rcu);
	} else if (!strcmp(how, "leak")) {
#ifdef FIXTURE_CLEAN
		kfree(h);
#else
		fixture_leaked = h;
#endif
	} else {
		kfree(h);
	}
	return 0;
}

static void __exit timer_freed_exit(void)
{
	/* The leak's holder stays: the kernel never saw its timer. */
	pr_info("%s: gone (%s)\n", KBUILD_MODNAME, fixture_leaked ? "holder leaked" : "nothing left");
}

module_init(timer_freed_init);
module_exit(timer_freed_exit);
MODULE_DESCRIPTION("ddv fixture: memory freed while a timer inside it is pending");
MODULE_LICENSE("GPL");
