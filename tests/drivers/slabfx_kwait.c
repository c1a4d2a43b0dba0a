// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture, no defect: wait_for_completion_interruptible() on a completion
 * done already, from the loading task and from a kernel thread of the driver.
 * A kthread ignores every signal (kthreadd's ignore_signals(), kernel/kthread.c)
 * unless it calls allow_signal(): its wait never returns -ERESTARTSYS, and
 * ddv must not inject it (ddv_can_be_signalled(), specs/linux/sched.ddv). Both
 * waits are sf_wait's, the caller an injection plan names
 * (tests/vm/fixture-slab.sh): the loader's is failed, the thread's not. Init
 * logs the two results for the scenario to read.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/module.h>

static DECLARE_COMPLETION(sf_ready);
static DECLARE_COMPLETION(sf_waited);
static int sf_thread_ret = 1;

static int sf_waits;

/*
 * The plan's caller filter needs one function of this name (noipa: no constprop clone)
 * whose call returns into it (the count after it: no tail call).
 */
static noinline __attribute__((__noipa__)) int sf_wait(struct completion *c)
{
	int ret = wait_for_completion_interruptible(c);

	WRITE_ONCE(sf_waits, sf_waits + 1);
	return ret;
}

static int sf_thread(void *unused)
{
	sf_thread_ret = sf_wait(&sf_ready);
	complete(&sf_waited);
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}

static int __init slabfx_kwait_init(void)
{
	struct task_struct *t;
	int init_ret;

	complete_all(&sf_ready);
	t = kthread_run(sf_thread, NULL, "slabfx_kwait");
	if (IS_ERR(t))
		return PTR_ERR(t);
	wait_for_completion(&sf_waited);
	init_ret = sf_wait(&sf_ready);
	kthread_stop(t);
	pr_info("slabfx_kwait: kthread wait %d, loader wait %d\n", sf_thread_ret, init_ret);
	return 0;
}

static void __exit slabfx_kwait_exit(void)
{
}

module_init(slabfx_kwait_init);
module_exit(slabfx_kwait_exit);
MODULE_DESCRIPTION("ddv fixture: a kthread's interruptible wait is never failed");
MODULE_LICENSE("GPL");
