/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klever.h: body of the kl_* fixtures, one Klever/LDV requirement area each (docs/coverage.md):
 *   KL_RTNL_UNHELD    rtnl_unlock() with the RTNL free                 net.rtnl-unlock-unheld
 *   KL_RTNL_HELD      rtnl_lock() at init, never unlocked              net.rtnl-held-at-unload
 *   KL_RTNL_RELEASE   no defect: unlocks what KL_RTNL_HELD left, unseen (runs after it)
 *   KL_SOCK_UNOWNED   release_sock() of a socket nobody locked         net.release-sock-unowned
 *   KL_NET_ATOMIC     rtnl_lock, rtnl_unlock, lock_sock, preemption off  linux.API.sleep-in-atomic
 *   KL_BH_UNBALANCED  local_bh_enable() outside a bh-disabled section  lock.bh-enable-unbalanced
 *   KL_RCU_BH_SLEEP   mutex_lock() inside rcu_read_lock_bh()      linux.mutex_lock.sleep-in-atomic
 *   KL_RCU_SCHED_SLEEP  mutex_lock() in rcu_read_lock_sched()    linux.mutex_lock.sleep-in-atomic
 *   KL_FIND_BIT       find_next_bit() from past the bitmap's end       lib.find-bit-offset
 * Their clean twins (FIXTURE_CLEAN) make the same calls rightly.
 *
 * What keeps the defects safe, as in lockfx.h: what would hang or corrupt the kernel is undone
 * behind ddv's back. The free RTNL's unlock is a no-op (no DEBUG_MUTEXES); the RTNL left held is
 * unlocked by kl_rtnl_release through a function pointer in data (ddv redirects call
 * instructions only); the bh count's underflow happens with interrupts off and is put back at
 * once; the mutexes taken in atomic context are free (their fast path does not sleep);
 * release_sock() of an unlocked socket only clears a flag that is clear.
 */
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/net.h>
#include <linux/in.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/bottom_half.h>
#include <linux/bitmap.h>
#include <linux/find.h>
#include <net/sock.h>
#include <net/net_namespace.h>

#if defined(FIXTURE_CLEAN)
#define KL_DEFECT 0
#else
#define KL_DEFECT 1
#endif

static __maybe_unused DEFINE_MUTEX(kl_mutex);
/* The real rtnl_unlock, called where ddv does not redirect (volatile: never folded). */
static void (*volatile kl_hidden_rtnl_unlock)(void) __maybe_unused = rtnl_unlock;

#if defined(KL_SOCK_UNOWNED) || defined(KL_NET_ATOMIC)
static struct socket *kl_sock;
#endif

static int kl_case(void)
{
#if defined(KL_RTNL_UNHELD)
	if (!KL_DEFECT)
		rtnl_lock();
	rtnl_unlock();
#elif defined(KL_RTNL_HELD)
	rtnl_lock();
	if (!KL_DEFECT)
		rtnl_unlock();
#elif defined(KL_RTNL_RELEASE)
	/* Held (by kl_rtnl_held's gone init): unlocked unseen; free: taken and given back. */
	if (!rtnl_trylock())
		kl_hidden_rtnl_unlock();
	else
		rtnl_unlock();
#elif defined(KL_SOCK_UNOWNED) || defined(KL_NET_ATOMIC)
	int err = sock_create_kern(&init_net, PF_INET, SOCK_DGRAM, IPPROTO_UDP, &kl_sock);

	if (err)
		return err;
#if defined(KL_SOCK_UNOWNED)
	if (!KL_DEFECT)
		lock_sock(kl_sock->sk);
	release_sock(kl_sock->sk);
#else
	if (KL_DEFECT)
		preempt_disable();
	rtnl_lock();
	rtnl_unlock();
	lock_sock(kl_sock->sk);
	release_sock(kl_sock->sk);
	if (KL_DEFECT)
		preempt_enable();
#endif
	sock_release(kl_sock);
#elif defined(KL_BH_UNBALANCED)
	local_irq_disable();
	if (!KL_DEFECT)
		local_bh_disable();
	local_bh_enable();
	/* Put back the count the extra enable took, before an interrupt can read it. */
	if (KL_DEFECT)
		__preempt_count_add(SOFTIRQ_DISABLE_OFFSET);
	local_irq_enable();
#elif defined(KL_RCU_BH_SLEEP) || defined(KL_RCU_SCHED_SLEEP)
#if defined(KL_RCU_BH_SLEEP)
	rcu_read_lock_bh();
#else
	rcu_read_lock_sched();
#endif
	if (KL_DEFECT)
		mutex_lock(&kl_mutex);
#if defined(KL_RCU_BH_SLEEP)
	rcu_read_unlock_bh();
#else
	rcu_read_unlock_sched();
#endif
	if (!KL_DEFECT)
		mutex_lock(&kl_mutex);
	mutex_unlock(&kl_mutex);
#elif defined(KL_FIND_BIT)
	/* 128 bits: more than a constant of one word, so find_next_bit() calls _find_next_bit(). */
	DECLARE_BITMAP(bits, 128);
	unsigned long start = KL_DEFECT ? 200 : 100;

	bitmap_zero(bits, 128);
	set_bit(120, bits);
	OPTIMIZER_HIDE_VAR(start);
	if (find_next_bit(bits, 128, start) > 128)
		return -EINVAL;
#else
#error "klever.h: define one KL_* case"
#endif
	return 0;
}

static int __init kl_init(void)
{
	return kl_case();
}

static void __exit kl_exit(void)
{
}

module_init(kl_init);
module_exit(kl_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: a Klever/LDV requirement area");
