/* SPDX-License-Identifier: GPL-2.0 */
/* env_kernel.h: the portable core's environment (core/env.h) inside ddv.ko. */
#ifndef DDV_ENV_KERNEL_H
#define DDV_ENV_KERNEL_H

#include <linux/types.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/compiler.h>
#include <linux/spinlock.h>
#include <linux/irqflags.h>
#include <linux/smp.h>
#include <linux/sched/clock.h>
#include <linux/threads.h>
#include <asm/processor.h>
#include <asm/cpufeature.h>

#define ENV_NR_CPUS_MAX NR_CPUS
#define ENV_HAVE_CAS128() boot_cpu_has(X86_FEATURE_CX16)

/*
 * A raw spinlock taken with interrupts off: the core takes it from hardirq
 * context too, and must keep working under PREEMPT_RT where spinlock_t sleeps.
 */
typedef raw_spinlock_t env_lock_t;
typedef unsigned long env_irqflags_t;

#define env_lock_init(lock) raw_spin_lock_init(lock)
/*
 * Inline, where raw_spin_lock_irqsave() is two out-of-line calls per store
 * operation: interrupts off, then the bare arch lock. No preempt count: with
 * interrupts off nothing can preempt the holder. Without lockdep or
 * DEBUG_SPINLOCK (never set where ddv runs) this is what the kernel does.
 */
#define env_lock_irqsave(lock, flags) \
	do { raw_local_irq_save(flags); arch_spin_lock(&(lock)->raw_lock); } while (0)
#define env_unlock_irqrestore(lock, flags) \
	do { arch_spin_unlock(&(lock)->raw_lock); raw_local_irq_restore(flags); } while (0)
#define env_irq_save(flags) local_irq_save(flags)
#define env_irq_restore(flags) local_irq_restore(flags)

static inline unsigned int env_cpu_id(void)
{
	return raw_smp_processor_id();
}

/* local_clock(): per-CPU monotonic, cheap, usable in any context. */
static inline u64 env_now_ns(void)
{
	return local_clock();
}

static inline void env_cpu_relax(void)
{
	cpu_relax();
}

#endif /* DDV_ENV_KERNEL_H */
