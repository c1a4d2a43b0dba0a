// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture whose kernel warns when an allocation fails: its init fills a
 * ring of buffers and tolerates a slot it could not fill (as vmxnet3's rx
 * ring does), then its refill pass WARN_ON()s on each empty slot it meets,
 * five passes long: one injected failure, five identical kernel WARNINGs
 * with the driver's frames in their call trace. Nothing else is wrong.
 *
 * The clean twin (warn_alloc_clean.c, FIXTURE_CLEAN) skips an empty slot
 * quietly: the same calls, no warning.
 */
#include <linux/bug.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "fixture.h"

#define WARN_ALLOC_SLOTS 4
#define WARN_ALLOC_PASSES 5

static void *ring[WARN_ALLOC_SLOTS];

/* Not inlined: the warning's call trace names it, as a driver's refill path. */
static noinline unsigned int warn_alloc_refill(void)
{
	unsigned int i, full = 0;

	for (i = 0; i < WARN_ALLOC_SLOTS; i++) {
#ifdef FIXTURE_CLEAN
		if (!ring[i])
			continue;
#else
		if (WARN_ON(!ring[i]))
			continue;
#endif
		full++;
	}
	return full;
}

static int __init warn_alloc_init(void)
{
	unsigned int i, full = 0;

	for (i = 0; i < WARN_ALLOC_SLOTS; i++)
		ring[i] = FIXTURE_FALLIBLE(kmalloc(64, GFP_KERNEL));
	for (i = 0; i < WARN_ALLOC_PASSES; i++)
		full = warn_alloc_refill();
	pr_info("warn_alloc: %u of %u slots filled\n", full, WARN_ALLOC_SLOTS);
	return 0;
}

static void __exit warn_alloc_exit(void)
{
	unsigned int i;

	for (i = 0; i < WARN_ALLOC_SLOTS; i++)
		kfree(ring[i]);
}

module_init(warn_alloc_init);
module_exit(warn_alloc_exit);
MODULE_DESCRIPTION("ddv fixture: a kernel WARNING on an allocation failure");
MODULE_LICENSE("GPL");
