// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture: the helper module of a driver family (famfx_leak and its
 * twin). It makes blocks its users free (famfx_get) and frees blocks its
 * users made (famfx_release), as mptbase and mptscsih do for mptsas, or
 * 8390's alloc_ei_netdev for ne2k_pci. Its callback famfx_rcu_done is queued by
 * famfx_rcu with call_rcu (a callback in the family's text, not the driver's
 * own module). No defect of its own.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/rcupdate.h>

/* A block the caller owns from now on (kfree()s it). */
void *famfx_get(size_t size)
{
	return kzalloc(size, GFP_KERNEL);
}
EXPORT_SYMBOL_GPL(famfx_get);

/* Frees a block the caller made. */
void famfx_release(void *p)
{
	kfree(p);
}
EXPORT_SYMBOL_GPL(famfx_release);

/* An RCU callback of the helper's text (famfx_rcu queues it); it counts its runs. */
static atomic_t famfx_rcu_runs = ATOMIC_INIT(0);
void famfx_rcu_done(struct rcu_head *head)
{
	atomic_inc(&famfx_rcu_runs);
}
EXPORT_SYMBOL_GPL(famfx_rcu_done);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: a helper of a driver family");
