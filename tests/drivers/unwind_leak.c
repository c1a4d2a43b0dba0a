// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture that leaks on the third of its five allocation failures.
 *
 * Init allocates five blocks and unwinds with the usual ladder of labels; when
 * the third allocation fails, the defect jumps one rung too far and the
 * second block is never freed. The other four failures unwind correctly, so
 * only a campaign that fails each allocation in turn finds it. The clean twin
 * (unwind_leak_clean.c, FIXTURE_CLEAN) jumps to the right rung.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include "fixture.h"

/* Distinct sizes so that a report's sizes tell the blocks apart. */
static void *block_a, *block_b, *block_c, *block_d, *block_e;

static int __init unwind_leak_init(void)
{
	block_a = FIXTURE_FALLIBLE(kzalloc(64, GFP_KERNEL));
	if (!block_a)
		return -ENOMEM;
	block_b = FIXTURE_FALLIBLE(kzalloc(128, GFP_KERNEL));
	if (!block_b)
		goto free_a;
	block_c = FIXTURE_FALLIBLE(kzalloc(192, GFP_KERNEL));
	if (!block_c)
#ifdef FIXTURE_CLEAN
		goto free_b;
#else
		goto free_a;	/* the defect: block_b leaks */
#endif
	block_d = FIXTURE_FALLIBLE(kzalloc(256, GFP_KERNEL));
	if (!block_d)
		goto free_c;
	block_e = FIXTURE_FALLIBLE(kzalloc(512, GFP_KERNEL));
	if (!block_e)
		goto free_d;
	return 0;

free_d:
	kfree(block_d);
free_c:
	kfree(block_c);
free_b: __maybe_unused		/* the defect jumps past it */
	kfree(block_b);
free_a:
	kfree(block_a);
	return -ENOMEM;
}

static void __exit unwind_leak_exit(void)
{
	kfree(block_e);
	kfree(block_d);
	kfree(block_c);
	kfree(block_b);
	kfree(block_a);
}

module_init(unwind_leak_init);
module_exit(unwind_leak_exit);
MODULE_DESCRIPTION("ddv fixture: leak on the third of five allocation failures");
MODULE_LICENSE("GPL");
