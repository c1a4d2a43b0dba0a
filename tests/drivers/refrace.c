// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture whose two references to each of RR_N URBs and RR_N kobjects are put at the same
 * moment by two threads, one bound to each CPU (no defect, no twin: tests/vm/fixture-usb.sh).
 *
 * usbnet's unlink_urbs() and its completion's rx_cleanup put an URB's two references on two
 * CPUs at once. A contract that reads the count and then writes it loses one of the two puts
 * (both read 2, neither destroys the record): a false usb.urb-leak at unload. Init allocates
 * the objects and takes a second reference to each (usb_get_urb, kobject_get); each thread
 * then meets the other before every put (one shared count, spun on), so that the two puts of
 * an object start within a few instructions of each other. Everything is freed before init
 * returns: whatever ddv reports is false.
 */
#include <linux/module.h>
#include <linux/usb.h>
#include <linux/kobject.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/slab.h>
#include <linux/atomic.h>
#include <linux/cpumask.h>

#define RR_N 2000

struct rr_obj {
	struct kobject kobj;
};

static struct urb *rr_urbs[RR_N];
static struct rr_obj *rr_objs[RR_N];
static atomic_t rr_step = ATOMIC_INIT(0);
static struct completion rr_done[2];

static void rr_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct rr_obj, kobj));
}

static struct kobj_type rr_ktype = {
	.release = rr_release,
};

/* Both threads at meeting n: each arrives, then waits for the other. */
static void rr_meet(int n)
{
	atomic_inc(&rr_step);
	while (atomic_read(&rr_step) < 2 * n)
		cond_resched();
}

static int rr_thread(void *data)
{
	long me = (long)data;
	int i, n = 1;

	for (i = 0; i < RR_N; i++) {
		rr_meet(n++);
		usb_free_urb(rr_urbs[i]);
	}
	for (i = 0; i < RR_N; i++) {
		rr_meet(n++);
		kobject_put(&rr_objs[i]->kobj);
	}
	complete(&rr_done[me]);
	/* A thread ends by kthread_stop (sched.ddv keeps it till then). */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* The first n objects, both references each. */
static void rr_unwind(int n)
{
	while (n--) {
		usb_free_urb(rr_urbs[n]);
		usb_free_urb(rr_urbs[n]);
		kobject_put(&rr_objs[n]->kobj);
		kobject_put(&rr_objs[n]->kobj);
	}
}

static int __init refrace_init(void)
{
	struct task_struct *t[2];
	int i, cpu[2];

	for (i = 0; i < RR_N; i++) {
		rr_urbs[i] = usb_alloc_urb(0, GFP_KERNEL);
		rr_objs[i] = kzalloc(sizeof(*rr_objs[i]), GFP_KERNEL);
		if (!rr_urbs[i] || !rr_objs[i]) {
			usb_free_urb(rr_urbs[i]);
			kfree(rr_objs[i]);
			rr_unwind(i);
			return -ENOMEM;
		}
		kobject_init(&rr_objs[i]->kobj, &rr_ktype);
		usb_get_urb(rr_urbs[i]);
		kobject_get(&rr_objs[i]->kobj);
	}
	/* The first two online CPUs (one CPU: both there, racing only by preemption). */
	cpu[0] = cpumask_first(cpu_online_mask);
	cpu[1] = cpumask_next(cpu[0], cpu_online_mask);
	if (cpu[1] >= nr_cpu_ids)
		cpu[1] = cpu[0];
	for (i = 0; i < 2; i++) {
		init_completion(&rr_done[i]);
		t[i] = kthread_create(rr_thread, (void *)(long)i, "refrace/%d", i);
		if (IS_ERR(t[i])) {
			if (i)
				kthread_stop(t[0]);
			rr_unwind(RR_N);
			return PTR_ERR(t[i]);
		}
		kthread_bind(t[i], cpu[i]);
	}
	for (i = 0; i < 2; i++)
		wake_up_process(t[i]);
	for (i = 0; i < 2; i++) {
		wait_for_completion(&rr_done[i]);
		kthread_stop(t[i]);
	}
	pr_info("refrace: %d URBs and %d kobjects put on CPUs %d and %d at once\n", RR_N, RR_N,
		cpu[0], cpu[1]);
	return 0;
}

static void __exit refrace_exit(void)
{
}

module_init(refrace_init);
module_exit(refrace_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: two references put on two CPUs at once (no defect)");
