/* SPDX-License-Identifier: GPL-2.0 */
/*
 * env.h: the only file of the portable core that differs between the kernel
 * (ddv.ko) and user space (libddvcore.a: the ddv command and the tests).
 *
 * Contract. Core code includes this header first and uses nothing else from
 * its environment: no libc call, no floating point, no VLA, no allocation.
 * It may use:
 *   types      u8 u16 u32 u64 s8 s16 s32 s64, bool/true/false, size_t, NULL
 *   errnos     EEXIST ENOENT ENOSPC ERANGE EINVAL EAGAIN EOVERFLOW EPROTO (positive values)
 *   hints      likely(x), unlikely(x), ENV_CACHELINE, __env_aligned(n)
 *   memory     memset, memcpy (the kernel's own in ddv.ko)
 *   atomics    the ENV_* macros below (GCC __atomic builtins, valid in both worlds)
 *   lock       env_lock_t; env_lock_init(l); env_lock_irqsave(l, flags);
 *              env_unlock_irqrestore(l, flags); flags is an env_irqflags_t.
 *              Taken from any context, hardirq included: the kernel takes it
 *              with interrupts off, so an interrupt can never spin on a lock
 *              that its own CPU holds.
 *   irq        env_irq_save(flags); env_irq_restore(flags): a per-CPU single
 *              producer (a log ring) is safe against interrupts between them.
 *   cpu        env_cpu_id(): the current CPU, stable between env_irq_save and
 *              env_irq_restore; ENV_NR_CPUS_MAX bounds it.
 *   clock      env_now_ns(): a clock that never goes back on one CPU.
 *   pause      env_cpu_relax(): inside spin loops.
 *
 * Kernel: when __KERNEL__ is defined this header includes "env_kernel.h",
 * which the kernel side (runtime/linux/) supplies with the same names on top
 * of raw_spinlock_t, local_irq_save, raw_smp_processor_id, local_clock. It
 * must also define the types above (they come with <linux/types.h>), and
 * include <linux/string.h>, <linux/errno.h>, <linux/compiler.h>.
 *
 * User space: the lock is a test-and-set spin lock (no pthread); interrupts do
 * not exist, so env_irq_save is empty; env_cpu_id() returns a per-thread
 * number that the program sets with env_set_cpu_id() (default 0), so that a
 * test can play several CPUs, one thread each.
 */
#ifndef DDV_CORE_ENV_H
#define DDV_CORE_ENV_H

#ifdef __KERNEL__

#include "env_kernel.h"

#else /* user space */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <time.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif
#ifndef noinline
#define noinline __attribute__((__noinline__))
#endif

#define ENV_NR_CPUS_MAX 256
#define ENV_HAVE_CAS128() true

static inline void env_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

typedef struct {
	u8 held;
} env_lock_t;
typedef unsigned long env_irqflags_t;

static inline void env_lock_init(env_lock_t *lock)
{
	__atomic_store_n(&lock->held, 0, __ATOMIC_RELAXED);
}

static inline void env_spin_lock(env_lock_t *lock)
{
	/* Test-and-test-and-set: waiters spin on a shared line, not with writes. */
	while (__atomic_exchange_n(&lock->held, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&lock->held, __ATOMIC_RELAXED))
			env_cpu_relax();
}

static inline void env_spin_unlock(env_lock_t *lock)
{
	__atomic_store_n(&lock->held, 0, __ATOMIC_RELEASE);
}

#define env_lock_irqsave(lock, flags) \
	do { (flags) = 0; env_spin_lock(lock); } while (0)
#define env_unlock_irqrestore(lock, flags) \
	do { (void)(flags); env_spin_unlock(lock); } while (0)
#define env_irq_save(flags) do { (flags) = 0; } while (0)
#define env_irq_restore(flags) do { (void)(flags); } while (0)

extern __thread unsigned int env_user_cpu;

static inline unsigned int env_cpu_id(void)
{
	return env_user_cpu;
}

static inline void env_set_cpu_id(unsigned int cpu)
{
	env_user_cpu = cpu;
}

static inline u64 env_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

#endif /* __KERNEL__ */

/* Common to both worlds. */

#define ENV_CACHELINE 64
#define __env_aligned(n) __attribute__((aligned(n)))

/* Relaxed/acquire/release accesses to words shared between CPUs. */
#define ENV_READ(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define ENV_WRITE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define ENV_LOAD_ACQUIRE(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define ENV_STORE_RELEASE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)
#define ENV_ADD(x, v) __atomic_add_fetch(&(x), (v), __ATOMIC_RELAXED)
#define ENV_CAS(x, old, new) \
	__atomic_compare_exchange_n(&(x), &(old), (new), false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)
/* A full-barrier compare-and-swap (lock cmpxchg): later loads see no earlier state. */
#define ENV_CAS_FULL(x, old, new) \
	__atomic_compare_exchange_n(&(x), &(old), (new), false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)

/* Orders stores (smp_wmb) and loads (smp_rmb): compiler barriers on x86. */
#define ENV_WMB() __atomic_thread_fence(__ATOMIC_RELEASE)
#define ENV_RMB() __atomic_thread_fence(__ATOMIC_ACQUIRE)

#endif /* DDV_CORE_ENV_H */
