// SPDX-License-Identifier: GPL-2.0
/*
 * devclass fixture (no devclass.h): a thread stopped unseen (kthread_stop through a function
 * pointer: ddv redirects direct call sites only), then threads made until one comes where the
 * kernel freed the stopped one's task, which ddv holds live still (sched.kthread-create-live).
 *
 * kthreadd allocates each task, on either CPU, so the freed task is not reliably the next
 * one: the threads made are kept (not stopped) until one has its address, at most KA_TRIES,
 * then all stopped with direct calls. devclass_kthread_again_clean stops the first thread
 * directly and makes the same threads. A thread stopped before its first wake-up never runs
 * its function.
 */
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/delay.h>
#include <linux/rcupdate.h>

#define KA_TRIES 64

static int (*volatile ka_unseen_stop)(struct task_struct *) = kthread_stop;

#ifdef FIXTURE_CLEAN
#define KA_STOP kthread_stop
#else
#define KA_STOP ka_unseen_stop
#endif

static int ka_thread(void *data)
{
	return 0;
}

static int __init ka_init(void)
{
	static struct task_struct *made[KA_TRIES];
	struct task_struct *first;
	int n, i;

	first = kthread_create(ka_thread, NULL, "ddv-ka");
	if (IS_ERR(first))
		return PTR_ERR(first);
	KA_STOP(first);
	/* The stopped thread's task freed: its exit done, then its RCU callback. */
	msleep(20);
	rcu_barrier();
	for (n = 0; n < KA_TRIES; n++) {
		made[n] = kthread_create(ka_thread, NULL, "ddv-ka%d", n);
		if (IS_ERR(made[n]) || made[n] == first)
			break;
	}
	/* No thread at its address (the defect's stale record then shows as a leak): no error. */
	for (i = 0; i <= n && i < KA_TRIES; i++)
		if (!IS_ERR(made[i]))
			kthread_stop(made[i]);
	return 0;
}

static void __exit ka_exit(void)
{
}

module_init(ka_init);
module_exit(ka_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: a thread made again where a stopped one was");
