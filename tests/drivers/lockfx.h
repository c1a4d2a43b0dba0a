/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lockfx.h: the lock fixtures (specs/linux/locks.ddv), one module per rule.
 *
 * Each lk_*.c defines the LKFX_* case it breaks and includes this file; its
 * lk_*_clean.c twin defines FIXTURE_CLEAN too and includes lk_*.c. A defect
 * that would hang or corrupt the kernel for real (a lock taken twice by its
 * holder, a lock word never released) is undone behind ddv's back, with calls
 * ddv does not redirect: a function pointer in data (ddv redirects call
 * instructions only), the lock word written from another CPU, a preemption
 * count handed over with the inline preempt_disable()/preempt_enable(). What
 * ddv sees is the driver's calls exactly as the defect makes them.
 */
#ifndef DDV_LOCKFX_H
#define DDV_LOCKFX_H

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/rwlock.h>
#include <linux/semaphore.h>
#include <linux/rcupdate.h>
#include <linux/srcu.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/smp.h>
#include <linux/sched.h>

/* Each case uses some of these. */
static __maybe_unused DEFINE_MUTEX(lkfx_mutex);
static __maybe_unused DEFINE_SPINLOCK(lkfx_spin);
static __maybe_unused DEFINE_RWLOCK(lkfx_rw);
static struct semaphore lkfx_sem __maybe_unused;
static struct srcu_struct lkfx_srcu __maybe_unused;
static struct mutex lkfx_dyn_mutex __maybe_unused;

/* The real rcu_barrier, likewise: a defect's callbacks must not outlive the module for real. */
static void (*volatile lkfx_hidden_rcu_barrier)(void) __maybe_unused = rcu_barrier;
/* The real mutex_unlock, called where ddv does not redirect (volatile: never folded). */
static void (*volatile lkfx_hidden_mutex_unlock)(struct mutex *lock) __maybe_unused = mutex_unlock;
/* The real read_lock, likewise. */
static void (*volatile lkfx_hidden_read_lock)(rwlock_t *lock) __maybe_unused = _raw_read_lock;

#if defined(LKFX_MUTEX_TWICE) || defined(LKFX_MUTEXK_TWICE) || defined(LKFX_MUTEX_OTHER) || \
	defined(LKFX_SPIN_OTHER)
static DECLARE_COMPLETION(lkfx_done);
static struct task_struct *lkfx_task;

/* A second task for the cases that need one; it waits for kthread_stop() at the end. */
static int lkfx_thread_body(void);

static int lkfx_thread(void *unused)
{
	lkfx_thread_body();
	complete(&lkfx_done);
	while (!kthread_should_stop())
		msleep(5);
	return 0;
}

static int lkfx_start_thread(void)
{
	lkfx_task = kthread_run(lkfx_thread, NULL, "lkfx");
	return PTR_ERR_OR_ZERO(lkfx_task);
}

static void lkfx_join_thread(void)
{
	wait_for_completion(&lkfx_done);
	kthread_stop(lkfx_task);
}
#endif

#if defined(LKFX_MUTEX_TWICE) || defined(LKFX_MUTEXK_TWICE)
/* The thread takes the mutex twice; the defect blocks until init frees it unseen. */
static int lkfx_thread_body(void)
{
	mutex_lock(&lkfx_mutex);
#ifdef FIXTURE_CLEAN
	mutex_unlock(&lkfx_mutex);
#endif
#ifdef LKFX_MUTEX_TWICE
	mutex_lock(&lkfx_mutex);
#else
	if (mutex_lock_killable(&lkfx_mutex))
		return -EINTR;
#endif
	mutex_unlock(&lkfx_mutex);
	return 0;
}

static int lkfx_case(void)
{
	int err = lkfx_start_thread();

	if (err)
		return err;
#ifndef FIXTURE_CLEAN
	/* Wait until the thread sleeps on its own mutex, then release it unseen. */
	while (list_empty_careful(&lkfx_mutex.wait_list))
		msleep(5);
	lkfx_hidden_mutex_unlock(&lkfx_mutex);
#endif
	lkfx_join_thread();
	return 0;
}

#elif defined(LKFX_MUTEX_ATOMIC) || defined(LKFX_MUTEXK_ATOMIC)
/* The mutex is free: the fast path takes it without sleeping, preemption off or not. */
static int lkfx_case(void)
{
#ifndef FIXTURE_CLEAN
	preempt_disable();
#endif
#ifdef LKFX_MUTEX_ATOMIC
	mutex_lock(&lkfx_mutex);
#else
	if (mutex_lock_killable(&lkfx_mutex))
		return -EINTR;
#endif
#ifndef FIXTURE_CLEAN
	preempt_enable();
#endif
	mutex_unlock(&lkfx_mutex);
	return 0;
}

#elif defined(LKFX_MUTEX_OTHER)
/* Init locks, the thread unlocks (the clean twin: each its own lock and unlock). */
static int lkfx_thread_body(void)
{
#ifdef FIXTURE_CLEAN
	mutex_lock(&lkfx_mutex);
#endif
	mutex_unlock(&lkfx_mutex);
	return 0;
}

static int lkfx_case(void)
{
	int err;

	mutex_lock(&lkfx_mutex);
#ifdef FIXTURE_CLEAN
	mutex_unlock(&lkfx_mutex);
#endif
	err = lkfx_start_thread();
	if (err)
		return err;
	lkfx_join_thread();
	return 0;
}

#elif defined(LKFX_MUTEX_TRYLOCK)
/* Reached by injection: a failed mutex_trylock() taken for a success. */
static int lkfx_case(void)
{
	if (!mutex_trylock(&lkfx_mutex)) {
#ifdef FIXTURE_CLEAN
		return -EBUSY;
#endif
		pr_info("%s: mutex busy, going on\n", KBUILD_MODNAME);
	}
	mutex_unlock(&lkfx_mutex);
	return 0;
}

#elif defined(LKFX_MUTEX_REINIT)
static int lkfx_case(void)
{
	mutex_init(&lkfx_dyn_mutex);
	mutex_lock(&lkfx_dyn_mutex);
#ifdef FIXTURE_CLEAN
	mutex_unlock(&lkfx_dyn_mutex);
#endif
	mutex_init(&lkfx_dyn_mutex);
	return 0;
}

#elif defined(LKFX_SPIN_TWICE) || defined(LKFX_WRITE_TWICE)
#ifdef LKFX_SPIN_TWICE
/*
 * On another CPU: clear the lock byte. Before the second lock, that lock finds the lock
 * free; during it, the waiter (queued, pending or, under a hypervisor, virt_spin_lock's
 * test-and-set loop) takes it. Never after: the lock is not free until then.
 */
static void __maybe_unused lkfx_release_behind(void *unused)
{
	smp_store_release(&lkfx_spin.rlock.raw_lock.locked, 0);
}
#define lkfx_lock() spin_lock(&lkfx_spin)
#define lkfx_unlock() spin_unlock(&lkfx_spin)
#else
/* The same for the rwlock's write byte (a waiting writer's _QW_WAITING stays). */
static void __maybe_unused lkfx_release_behind(void *unused)
{
	smp_store_release(&lkfx_rw.raw_lock.wlocked, 0);
}
#define lkfx_lock() write_lock(&lkfx_rw)
#define lkfx_unlock() write_unlock(&lkfx_rw)
#endif

static int lkfx_case(void)
{
	lkfx_lock();
#ifndef FIXTURE_CLEAN
	{
		unsigned int other = cpumask_any_but(cpu_online_mask, smp_processor_id());

		if (other >= nr_cpu_ids) {
			lkfx_unlock();
			return -ENODEV;
		}
		smp_call_function_single(other, lkfx_release_behind, NULL, 0);
	}
#else
	lkfx_unlock();
#endif
	lkfx_lock();
	lkfx_unlock();
	return 0;
}

#elif defined(LKFX_SPIN_UNLOCKED)
static int lkfx_case(void)
{
	spin_lock(&lkfx_spin);
	spin_unlock(&lkfx_spin);
#ifndef FIXTURE_CLEAN
	/* The unlock's preempt_enable() needs its disable: only the lock word is wrong. */
	preempt_disable();
	spin_unlock(&lkfx_spin);
#endif
	return 0;
}

#elif defined(LKFX_SPIN_OTHER)
/* Init locks, the thread unlocks; the preemption count goes with the lock, inline. */
static int lkfx_thread_body(void)
{
#ifdef FIXTURE_CLEAN
	spin_lock(&lkfx_spin);
#else
	preempt_disable();
#endif
	spin_unlock(&lkfx_spin);
	return 0;
}

static int lkfx_case(void)
{
	int err;

	spin_lock(&lkfx_spin);
#ifdef FIXTURE_CLEAN
	spin_unlock(&lkfx_spin);
#else
	preempt_enable();
#endif
	err = lkfx_start_thread();
	if (err)
		return err;
	lkfx_join_thread();
	return 0;
}

#elif defined(LKFX_DOWN_ATOMIC)
/* The semaphore is free: down() takes it without sleeping. */
static int lkfx_case(void)
{
	sema_init(&lkfx_sem, 1);
#ifndef FIXTURE_CLEAN
	preempt_disable();
#endif
	down(&lkfx_sem);
#ifndef FIXTURE_CLEAN
	preempt_enable();
#endif
	up(&lkfx_sem);
	return 0;
}

#elif defined(LKFX_RCU_UNBALANCED)
static int lkfx_case(void)
{
	rcu_read_lock();
	rcu_read_unlock();
#ifndef FIXTURE_CLEAN
	preempt_disable();
	rcu_read_unlock();
	/* Put back the nesting the extra unlock took (-1), before anything reads it. */
	WRITE_ONCE(current->rcu_read_lock_nesting, current->rcu_read_lock_nesting + 1);
	preempt_enable();
#endif
	return 0;
}

#elif defined(LKFX_RCU_SYNC_ATOMIC) || defined(LKFX_SRCU_SYNC_ATOMIC)
/* Interrupts off: the wait schedules and turns them back on; nothing else notices. */
static int lkfx_case(void)
{
#ifdef LKFX_SRCU_SYNC_ATOMIC
	int err = init_srcu_struct(&lkfx_srcu);

	if (err)
		return err;
#endif
#ifndef FIXTURE_CLEAN
	local_irq_disable();
#endif
#ifdef LKFX_SRCU_SYNC_ATOMIC
	synchronize_srcu(&lkfx_srcu);
	cleanup_srcu_struct(&lkfx_srcu);
#else
	synchronize_rcu();
#endif
#ifndef FIXTURE_CLEAN
	local_irq_enable();
#endif
	return 0;
}

#elif defined(LKFX_SRCU_CLEANUP_ATOMIC)
/* Nothing was queued: cleanup_srcu_struct() flushes and frees without sleeping. */
static int lkfx_case(void)
{
	int err = init_srcu_struct(&lkfx_srcu);

	if (err)
		return err;
#ifndef FIXTURE_CLEAN
	local_irq_disable();
#endif
	cleanup_srcu_struct(&lkfx_srcu);
#ifndef FIXTURE_CLEAN
	local_irq_enable();
#endif
	return 0;
}

#elif defined(LKFX_SRCU_LEAK)
static int lkfx_case(void)
{
	return init_srcu_struct(&lkfx_srcu);
}

static void lkfx_exit_case(void)
{
#ifdef FIXTURE_CLEAN
	cleanup_srcu_struct(&lkfx_srcu);
#endif
}
#define LKFX_HAS_EXIT

#elif defined(LKFX_SRCU_REINIT)
static int lkfx_case(void)
{
	int err = init_srcu_struct(&lkfx_srcu);

	if (err)
		return err;
#ifdef FIXTURE_CLEAN
	cleanup_srcu_struct(&lkfx_srcu);
#endif
	err = init_srcu_struct(&lkfx_srcu);
	if (err)
		return err;
	cleanup_srcu_struct(&lkfx_srcu);
	return 0;
}

#elif defined(LKFX_SPIN_HELD)
#include <linux/slab.h>
/* An error path that returns with the lock held: reached when kmalloc fails (injected). */
static int lkfx_case(void)
{
	void *p;

	spin_lock(&lkfx_spin);
	p = kmalloc(64, GFP_ATOMIC);
	if (!p) {
#ifdef FIXTURE_CLEAN
		spin_unlock(&lkfx_spin);
#else
		/*
		 * The defect leaves it held. The preemption count goes back inline, so the
		 * kernel lives on; the lock word, in the module's data, goes with the module.
		 */
		preempt_enable();
#endif
		return -ENOMEM;
	}
	kfree(p);
	spin_unlock(&lkfx_spin);
	return 0;
}

#elif defined(LKFX_WRITE_HELD)
/*
 * Init returns 0 with the write side held (the unlock forgotten on the success path). The
 * preemption count goes back inline; nothing takes the lock again.
 */
static int lkfx_case(void)
{
	write_lock(&lkfx_rw);
#ifdef FIXTURE_CLEAN
	write_unlock(&lkfx_rw);
#else
	preempt_enable();
#endif
	return 0;
}

#elif defined(LKFX_MUTEX_FREED)
#include <linux/slab.h>
struct lkfx_dev {
	struct mutex lock;
	void *buf;
};

/* The error path frees the device with its mutex locked: reached when kmalloc #2 fails. */
static int lkfx_case(void)
{
	struct lkfx_dev *d = kzalloc(sizeof(*d), GFP_KERNEL);

	if (!d)
		return -ENOMEM;
	mutex_init(&d->lock);
	mutex_lock(&d->lock);
	d->buf = kmalloc(64, GFP_KERNEL);
	if (!d->buf) {
#ifdef FIXTURE_CLEAN
		mutex_unlock(&d->lock);
#endif
		kfree(d);
		return -ENOMEM;
	}
	mutex_unlock(&d->lock);
	kfree(d->buf);
	kfree(d);
	return 0;
}

#elif defined(LKFX_MUTEX_UNLOAD)
/* Init returns with the module's own mutex locked; it is still locked when the module goes. */
static int lkfx_case(void)
{
	mutex_init(&lkfx_dyn_mutex);
	mutex_lock(&lkfx_dyn_mutex);
#ifdef FIXTURE_CLEAN
	mutex_unlock(&lkfx_dyn_mutex);
#endif
	return 0;
}

#elif defined(LKFX_MUTEX_STATIC)
/* Init returns with the module's DEFINE_MUTEX locked (first seen at this lock). */
static int lkfx_case(void)
{
	mutex_lock(&lkfx_mutex);
#ifdef FIXTURE_CLEAN
	mutex_unlock(&lkfx_mutex);
#endif
	return 0;
}

#elif defined(LKFX_MUTEX_STATIC_FAILED)
#include <linux/slab.h>
static void *lkfx_buf;

/* The error path returns with the module's DEFINE_MUTEX locked: when kmalloc #1 fails. */
static int lkfx_case(void)
{
	if (mutex_lock_interruptible(&lkfx_mutex))
		return -EINTR;
	lkfx_buf = kmalloc(64, GFP_KERNEL);
	if (!lkfx_buf) {
#ifdef FIXTURE_CLEAN
		mutex_unlock(&lkfx_mutex);
#endif
		return -ENOMEM;
	}
	mutex_unlock(&lkfx_mutex);
	return 0;
}

static void lkfx_exit_case(void)
{
	kfree(lkfx_buf);
}
#define LKFX_HAS_EXIT

#elif defined(LKFX_RCU_UNBARRIERED)
#include <linux/slab.h>
struct lkfx_obj {
	struct rcu_head rcu;
	int v;
};

static void lkfx_rcu_free(struct rcu_head *head)
{
	kfree(container_of(head, struct lkfx_obj, rcu));
}

/* Init frees a block through a callback of the module; exit must wait for it (rcu_barrier). */
static int lkfx_case(void)
{
	struct lkfx_obj *o = kzalloc(sizeof(*o), GFP_KERNEL);

	if (!o)
		return -ENOMEM;
	call_rcu(&o->rcu, lkfx_rcu_free);
	return 0;
}

static void lkfx_exit_case(void)
{
#ifdef FIXTURE_CLEAN
	rcu_barrier();
#else
	lkfx_hidden_rcu_barrier();
#endif
}
#define LKFX_HAS_EXIT

#elif defined(LKFX_RCU_MODULE_CB)
#include <linux/rcupdate_wait.h>
/* wakeme_after_rcu() (kernel/rcu/update.c), but in the module's text. */
static void __maybe_unused lkfx_wakeme(struct rcu_head *head)
{
	complete(&container_of(head, struct rcu_synchronize, head)->completion);
}

/*
 * Waits for a grace period through call_rcu() and a completion. The defect's callback is
 * the module's, and no rcu_barrier() waits for it to return; the twin's is the kernel's
 * own wakeme_after_rcu(), which needs no barrier.
 */
static int lkfx_case(void)
{
	struct rcu_synchronize rs;

	init_rcu_head_on_stack(&rs.head);
	init_completion(&rs.completion);
#ifdef FIXTURE_CLEAN
	call_rcu(&rs.head, wakeme_after_rcu);
#else
	call_rcu(&rs.head, lkfx_wakeme);
#endif
	wait_for_completion(&rs.completion);
#ifndef FIXTURE_CLEAN
	lkfx_hidden_rcu_barrier();
#endif
	destroy_rcu_head_on_stack(&rs.head);
	return 0;
}

#elif defined(LKFX_READ_OTHER)
/*
 * The read lock is taken where ddv does not see it (as the kernel might take one for the
 * driver); the driver's read_unlock balances the lock word but not its own reads.
 */
static int lkfx_case(void)
{
#ifdef FIXTURE_CLEAN
	read_lock(&lkfx_rw);
#else
	lkfx_hidden_read_lock(&lkfx_rw);
#endif
	read_unlock(&lkfx_rw);
	return 0;
}

#elif defined(LKFX_READ_HELD)
/*
 * Init returns 0 with a read lock held (nested: the inner one is released). The preemption
 * count goes back inline; nothing takes the lock for writing again.
 */
static int lkfx_case(void)
{
	read_lock(&lkfx_rw);
	read_lock(&lkfx_rw);
	read_unlock(&lkfx_rw);
#ifdef FIXTURE_CLEAN
	read_unlock(&lkfx_rw);
#else
	preempt_enable();
#endif
	return 0;
}

#elif defined(LKFX_SEM_UP)
/* A semaphore of one holder, released twice: its count goes to 2. */
static int lkfx_case(void)
{
	sema_init(&lkfx_sem, 1);
	down(&lkfx_sem);
	up(&lkfx_sem);
#ifndef FIXTURE_CLEAN
	up(&lkfx_sem);
#endif
	return 0;
}

#elif defined(LKFX_SEM_HELD)
/*
 * Init returns with the module's semaphore downed; it is still held when the module goes.
 * The twin's second semaphore is a completion in disguise (count 0, up() before down()).
 */
static struct semaphore lkfx_sem0;

static int lkfx_case(void)
{
	sema_init(&lkfx_sem, 1);
	sema_init(&lkfx_sem0, 0);
	down(&lkfx_sem);
	up(&lkfx_sem0);
	down(&lkfx_sem0);
#ifdef FIXTURE_CLEAN
	up(&lkfx_sem);
#endif
	return 0;
}

#else
#error "lockfx.h: define one LKFX_* case"
#endif

#ifndef LKFX_HAS_EXIT
static void lkfx_exit_case(void)
{
}
#endif

static int __init lkfx_init(void)
{
	return lkfx_case();
}

static void __exit lkfx_exit(void)
{
	lkfx_exit_case();
}

module_init(lkfx_init);
module_exit(lkfx_exit);
MODULE_DESCRIPTION("ddv lock fixture (specs/linux/locks.ddv)");
MODULE_LICENSE("GPL");

#endif /* DDV_LOCKFX_H */
