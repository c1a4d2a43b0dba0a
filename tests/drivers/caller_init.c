// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture whose init allocates in two functions of its own, for the
 * caller filter (no defect, no twin).
 *
 * caller_init_alloc_a() allocates first, caller_init_alloc_b() second, both
 * from init and both in the init text. A fault injected into the first
 * fallible call fails alloc_a; one filtered on caller_init_alloc_b fails
 * alloc_b and spares alloc_a. Each says in the kernel log which failed, and
 * the unwind frees what was made, so ddv reports no leak either way.
 */
#include <linux/module.h>
#include <linux/slab.h>

/* Distinct sizes so that a report's sizes tell the blocks apart. */
static void *block_a, *block_b;

/* noinline: each must stay a function of its own, with its own return addresses. */
static noinline int __init caller_init_alloc_a(void)
{
	block_a = kzalloc(64, GFP_KERNEL);
	if (!block_a) {
		pr_info("caller_init: caller_init_alloc_a: allocation failed\n");
		return -ENOMEM;
	}
	return 0;
}

static noinline int __init caller_init_alloc_b(void)
{
	block_b = kzalloc(128, GFP_KERNEL);
	if (!block_b) {
		pr_info("caller_init: caller_init_alloc_b: allocation failed\n");
		return -ENOMEM;
	}
	return 0;
}

static int __init caller_init_init(void)
{
	int err;

	err = caller_init_alloc_a();
	if (err)
		return err;
	err = caller_init_alloc_b();
	if (err) {
		kfree(block_a);
		return err;
	}
	pr_info("caller_init: both blocks allocated\n");
	return 0;
}

static void __exit caller_init_exit(void)
{
	kfree(block_b);
	kfree(block_a);
}

module_init(caller_init_init);
module_exit(caller_init_exit);
MODULE_DESCRIPTION("ddv fixture: init allocates in two functions (the caller filter)");
MODULE_LICENSE("GPL");
