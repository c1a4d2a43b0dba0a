/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The body of the class, device_create, kobject, workqueue and kthread
 * fixtures (specs/linux/device.ddv, timer.ddv, sched.ddv): the variadic APIs
 * that ddvc wraps by forwarding DDVC_VA_WORDS (8) words of their "...".
 * Init makes a class, a device in it, a kobject under /sys/kernel, two
 * workqueues and a thread; each variadic call's name takes 8 arguments and
 * init reads it back (dev_name, kobject_name, the rescuer thread's and the
 * thread's comm): a wrapper that forwarded fewer words, or the wrong ones,
 * fails init. devclass_clean.c undoes each call, in init's error path and
 * at exit; each devclass_NAME.c defines one DC_* defect and includes this
 * file, so that a module differs from the clean one only under its macro.
 *
 * What keeps them safe in the test VM: the leaks leave kernel memory or heap
 * memory the module never frees (the kobject and its type lie in the heap),
 * never a pointer the kernel follows into the freed module; a device is
 * left only with its class. Releasing twice runs on freed memory in the
 * kernel (class_destroy, destroy_workqueue), so the "dead" variants release
 * an object made through a function pointer, a call ddv never redirects:
 * to ddv that is a release of an object never made, the rule that finds the
 * second release. DC_KTHREAD_LEAK stops its thread the same unseen way.
 * DC_WQ_ATOMIC destroys an idle workqueue of no flags, which does not sleep.
 *
 * DC_AGAIN (devclass_again, the twin; devclass_again_unseen with DC_UNSEEN): exit first makes a
 * workqueue and a class and releases each, unseen by ddv with DC_UNSEEN (through a
 * function pointer), and makes it again at once, where the kernel gives the freed memory back;
 * and destroys the device so and makes it again with the same number. ddv, which holds them
 * live still, reports each new one as made again while live.
 */
#include <linux/module.h>
#include <linux/kdev_t.h>
#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/workqueue.h>
#include <linux/kthread.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/version.h>

/* A device number of major 0: no char device, no node; device_destroy finds it. */
#define DC_DEVT MKDEV(0, 1)
#define DC_DEVT_SPARE MKDEV(0, 2)

struct dc_kobj {
	struct kobject kobj;
	struct kobj_type ktype;
};

static struct class *dc_class;
static struct device *dc_dev;
static struct dc_kobj *dc_kobj;
static struct workqueue_struct *dc_wq, *dc_wq_plain;
static struct task_struct *dc_task;

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
#define dc_class_create() class_create(THIS_MODULE, KBUILD_MODNAME)
#else
#define dc_class_create() class_create(KBUILD_MODNAME)
#endif

#ifdef DC_CLASS_DEAD
/* Called through a pointer, which ddv does not redirect: the class is one ddv never saw made. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
static struct lock_class_key dc_unseen_key;
static struct class *(*volatile dc_unseen_class_create)(struct module *, const char *,
							 struct lock_class_key *) = __class_create;
#define dc_unseen_class() dc_unseen_class_create(THIS_MODULE, KBUILD_MODNAME "_unseen", \
						 &dc_unseen_key)
#else
static struct class *(*volatile dc_unseen_class_create)(const char *) = class_create;
#define dc_unseen_class() dc_unseen_class_create(KBUILD_MODNAME "_unseen")
#endif
#endif
#ifdef DC_WQ_DEAD
static struct workqueue_struct *(*volatile dc_unseen_alloc_workqueue)(const char *, unsigned int,
								   int, ...) = alloc_workqueue;
#endif
#ifdef DC_KTHREAD_LEAK
static int (*volatile dc_unseen_kthread_stop)(struct task_struct *) = kthread_stop;
#endif

static void dc_kobj_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct dc_kobj, kobj));
}

static int dc_thread(void *data)
{
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

/* The name a variadic call made, against the one its 8 arguments give. */
static int dc_name_check(const char *what, const char *got, const char *want)
{
	if (got && !strcmp(got, want))
		return 0;
	pr_err("%s: %s named \"%s\", not \"%s\": its arguments were not forwarded\n",
	       KBUILD_MODNAME, what, got ? got : "(null)", want);
	return -EINVAL;
}

/*
 * The threads named as the rescuer of a WQ_MEM_RECLAIM workqueue named want
 * (6.1: the name; 6.12: "kworker/R-" and the name, cut to the comm's 15
 * characters). A leaking variant leaves one behind: init counts new ones.
 */
static int dc_rescuers(const char *want)
{
	char r[TASK_COMM_LEN];
	struct task_struct *p;
	int n = 0;

	snprintf(r, sizeof(r), "kworker/R-%s", want);
	rcu_read_lock();
	for_each_process(p)
		if (!strcmp(p->comm, want) || !strcmp(p->comm, r))
			n++;
	rcu_read_unlock();
	return n;
}

static int __init dc_init(void)
{
	int err, rescuers;

	dc_class = dc_class_create();
	if (IS_ERR(dc_class))
		return PTR_ERR(dc_class);
	dc_dev = device_create(dc_class, NULL, DC_DEVT, NULL, "fx%d-%s-%d-%d-%d-%d-%d-%d",
			       1, "dc", 3, 4, 5, 6, 7, 8);
	if (IS_ERR(dc_dev)) {
		err = PTR_ERR(dc_dev);
		goto class;
	}
	err = dc_name_check("device_create", dev_name(dc_dev), "fx1-dc-3-4-5-6-7-8");
	if (err)
		goto device;
	dc_kobj = kzalloc(sizeof(*dc_kobj), GFP_KERNEL);
	if (!dc_kobj) {
		err = -ENOMEM;
		goto device;
	}
	dc_kobj->ktype.sysfs_ops = &kobj_sysfs_ops;
	dc_kobj->ktype.release = dc_kobj_release;
	err = kobject_init_and_add(&dc_kobj->kobj, &dc_kobj->ktype, kernel_kobj,
				   "%s-k%d%d%d%d%d%d%d", KBUILD_MODNAME, 2, 3, 4, 5, 6, 7, 8);
	if (err)
		goto kobject;
	err = dc_name_check("kobject_init_and_add", kobject_name(&dc_kobj->kobj),
			    KBUILD_MODNAME "-k2345678");
	if (err)
		goto kobject;
	rescuers = dc_rescuers("w12345678");
	dc_wq = alloc_workqueue("w%d%d%d%d%d%d%d%d", WQ_MEM_RECLAIM, 0, 1, 2, 3, 4, 5, 6, 7, 8);
	if (!dc_wq) {
		err = -ENOMEM;
		goto kobject;
	}
	if (dc_rescuers("w12345678") != rescuers + 1) {
		pr_err("%s: no new rescuer thread named w12345678: %s\n", KBUILD_MODNAME,
		       "alloc_workqueue's arguments were not forwarded");
		err = -EINVAL;
		goto wq;
	}
	dc_wq_plain = alloc_workqueue("%s_plain", 0, 0, KBUILD_MODNAME);
	if (!dc_wq_plain) {
		err = -ENOMEM;
		goto wq;
	}
	dc_task = kthread_create(dc_thread, NULL, "t%d%d%d%d%d%d%d%d", 1, 2, 3, 4, 5, 6, 7, 8);
	if (IS_ERR(dc_task)) {
		err = PTR_ERR(dc_task);
		goto wq_plain;
	}
	wake_up_process(dc_task);
	err = dc_name_check("kthread_create", dc_task->comm, "t12345678");
	if (err)
		goto thread;
	return 0;

thread:
	kthread_stop(dc_task);
wq_plain:
	destroy_workqueue(dc_wq_plain);
#ifdef DC_UNWIND_LEAK
	/* DC_UNWIND_LEAK's defect: the rest of the unwind forgets the workqueue and the class. */
	kobject_put(&dc_kobj->kobj);
	device_destroy(dc_class, DC_DEVT);
	return err;
#endif
wq:
	destroy_workqueue(dc_wq);
kobject:
	/* Also after a failed kobject_init_and_add (its kerneldoc): the release frees it. */
	kobject_put(&dc_kobj->kobj);
device:
	device_destroy(dc_class, DC_DEVT);
class:
	class_destroy(dc_class);
	return err;
}

#ifdef DC_AGAIN
#ifdef DC_UNSEEN
/* The real functions, called where ddv does not redirect (volatile: never folded). */
#define DC_POINTER(fn) static typeof(&fn) volatile dc_hidden_##fn = fn
DC_POINTER(destroy_workqueue);
DC_POINTER(device_destroy);
DC_POINTER(class_destroy);
#define DC_HIDDEN(fn) dc_hidden_##fn
#else
#define DC_HIDDEN(fn) fn
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
#define dc_again_class() class_create(THIS_MODULE, KBUILD_MODNAME "_again")
#else
#define dc_again_class() class_create(KBUILD_MODNAME "_again")
#endif

/*
 * Fresh objects released (seen or not, DC_UNSEEN) and made again at once, on one CPU: SLUB gives
 * the object freed last back only from the CPU's own slab (an RCU grace period first for a
 * workqueue, whose callback runs on the CPU that queued it). The device is known by its number.
 * The objects made again are released with direct calls. Not a thread: kthreadd allocates its
 * task, on a CPU of its own, so a stopped thread's task is not reliably the next one.
 */
static void dc_again(void)
{
	struct class *cls;

	migrate_disable();
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
	/*
	 * 6.12 frees a workqueue from pwq_release_worker's thread, on its CPU, and
	 * only then through RCU: no wait here brings it back to this CPU's slab.
	 */
	{
		struct workqueue_struct *wq = alloc_workqueue("%s_again", 0, 0, KBUILD_MODNAME);

		if (wq) {
			DC_HIDDEN(destroy_workqueue)(wq);
			rcu_barrier();
			wq = alloc_workqueue("%s_again", 0, 0, KBUILD_MODNAME);
			if (wq)
				destroy_workqueue(wq);
		}
	}
#endif
	cls = dc_again_class();
	if (!IS_ERR(cls)) {
		DC_HIDDEN(class_destroy)(cls);
		cls = dc_again_class();
		if (!IS_ERR(cls))
			class_destroy(cls);
	}
	migrate_enable();
	DC_HIDDEN(device_destroy)(dc_class, DC_DEVT);
	dc_dev = device_create(dc_class, NULL, DC_DEVT, NULL, "fx-again");
	if (IS_ERR(dc_dev))
		panic("%s: the device could not be made again", KBUILD_MODNAME);
}
#endif

static void __exit dc_exit(void)
{
#ifdef DC_AGAIN
	dc_again();
#endif
#ifdef DC_KTHREAD_LEAK
	dc_unseen_kthread_stop(dc_task);
#else
	kthread_stop(dc_task);
#endif
#ifdef DC_WQ_ATOMIC
	preempt_disable();
#endif
	destroy_workqueue(dc_wq_plain);
#ifdef DC_WQ_ATOMIC
	preempt_enable();
#endif
#ifndef DC_WQ_LEAK
	destroy_workqueue(dc_wq);
#endif
#ifdef DC_WQ_DEAD
	dc_wq = dc_unseen_alloc_workqueue(KBUILD_MODNAME "_unseen", 0, 0);
	if (dc_wq)
		destroy_workqueue(dc_wq);
#endif
#ifndef DC_KOBJECT_LEAK
	kobject_put(&dc_kobj->kobj);
#endif
#ifndef DC_DEVICE_LEAK
	device_destroy(dc_class, DC_DEVT);
#endif
#ifdef DC_DEVICE_UNCREATED
	/* No device has the number: the kernel ignores it. */
	device_destroy(dc_class, DC_DEVT_SPARE);
#endif
#if !defined(DC_CLASS_LEAK) && !defined(DC_DEVICE_LEAK)
	/* DC_DEVICE_LEAK keeps the class its device is in. */
	class_destroy(dc_class);
#endif
#ifdef DC_CLASS_DEAD
	class_destroy(dc_unseen_class());
#endif
}

module_init(dc_init);
module_exit(dc_exit);
MODULE_DESCRIPTION("ddv fixture: classes, devices, kobjects, workqueues, threads ("
		   KBUILD_MODNAME ")");
MODULE_LICENSE("GPL");
