// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture: a driver of a family (with famfx_helper) that queues its
 * helper's callback with call_rcu() and unloads without rcu_barrier().
 *
 * The callback lies in famfx_helper's text, which goes with the family:
 * checked as a family the helper is the driver's own, so ddv_in_driver
 * holds for it (on 6.12 in a module_memory area of another module than the
 * driver's) and the missing barrier is rcu.callback-unbarriered. Loaded
 * alone (ddv load --alone) the helper is another module, which stays, and
 * nothing is reported. The clean twin (famfx_rcu_clean.c) waits with
 * rcu_barrier() at exit; the defect waits where ddv does not see it.
 */
#include <linux/module.h>
#include <linux/rcupdate.h>

void famfx_rcu_done(struct rcu_head *head);

static struct rcu_head famfx_head;
/* The real rcu_barrier, where ddv does not redirect: the callback must not outlive the family. */
static void (*volatile famfx_hidden_rcu_barrier)(void) __maybe_unused = rcu_barrier;

static int __init famfx_rcu_init(void)
{
	call_rcu(&famfx_head, famfx_rcu_done);
	return 0;
}

static void __exit famfx_rcu_exit(void)
{
#ifdef FIXTURE_CLEAN
	rcu_barrier();
#else
	famfx_hidden_rcu_barrier();
#endif
}

module_init(famfx_rcu_init);
module_exit(famfx_rcu_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: a driver family's RCU callback queued without a barrier");
