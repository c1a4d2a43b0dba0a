// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture whose error path never ends: it unwinds with an
 * unsigned index, so "i >= 0" always holds.
 *
 * Built as hang_loop (unsigned index) and, through hang_loop_clean.c which
 * defines FIXTURE_CLEAN, as its clean twin (signed index). The loop is only
 * reached when an allocation fails, i.e. when ddv injects the failure; ddv
 * must then report a hang of the load at the injected call. The body checks
 * its bounds and yields, so the defect spins instead of corrupting memory
 * or starving the CPU.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sched.h>

#include "fixture.h"

#define NR_BUFFERS 4
#define BUFFER_SIZE 512

#ifdef FIXTURE_CLEAN
#define UNWIND_INDEX int
#else
#define UNWIND_INDEX unsigned int
#endif

static void *buffers[NR_BUFFERS];

static int __init hang_loop_init(void)
{
	UNWIND_INDEX i;

	for (i = 0; i < NR_BUFFERS; i++) {
		buffers[i] = FIXTURE_FALLIBLE(kmalloc(BUFFER_SIZE, GFP_KERNEL));
		if (!buffers[i])
			goto unwind;
	}
	return 0;

unwind:
	for (i = i - 1; i >= 0; i--) {
		if (i < NR_BUFFERS) {
			kfree(buffers[i]);
			buffers[i] = NULL;
		}
		cond_resched();
	}
	return -ENOMEM;
}

static void __exit hang_loop_exit(void)
{
	int i;

	for (i = 0; i < NR_BUFFERS; i++)
		kfree(buffers[i]);
}

module_init(hang_loop_init);
module_exit(hang_loop_exit);
MODULE_DESCRIPTION("ddv fixture: unsigned unwind index that never ends");
MODULE_LICENSE("GPL");
