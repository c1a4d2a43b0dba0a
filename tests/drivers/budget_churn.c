// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture with no defect: under a memory budget (ddv inject plan
 * mem-budget=N), its init must fail at the allocation that passes the budget
 * and at no other.
 *
 * Init allocates and frees a 64-byte block 1,000 times (64,000 bytes made,
 * never more than 64 held), then keeps one 64-byte block and asks for 2,048
 * bytes more. With a budget of 1,000 bytes only the last allocation passes it:
 * the log says "big allocation failed". A runtime that forgot the frees would
 * fail the churn instead ("churn failed at N"). Without a budget, init
 * succeeds and exit frees both blocks.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include "fixture.h"

#define CHURN_ROUNDS 1000
#define SMALL_BYTES 64
#define BIG_BYTES 2048

static void *small, *big;

static int __init budget_churn_init(void)
{
	int i;

	for (i = 0; i < CHURN_ROUNDS; i++) {
		void *p = FIXTURE_FALLIBLE(kmalloc(SMALL_BYTES, GFP_KERNEL));

		if (!p) {
			pr_info("budget_churn: churn failed at %d\n", i);
			return -ENOMEM;
		}
		kfree(p);
	}
	small = FIXTURE_FALLIBLE(kmalloc(SMALL_BYTES, GFP_KERNEL));
	if (!small) {
		pr_info("budget_churn: small allocation failed\n");
		return -ENOMEM;
	}
	big = FIXTURE_FALLIBLE(kmalloc(BIG_BYTES, GFP_KERNEL));
	if (!big) {
		pr_info("budget_churn: big allocation failed\n");
		kfree(small);
		return -ENOMEM;
	}
	return 0;
}

static void __exit budget_churn_exit(void)
{
	kfree(big);
	kfree(small);
}

module_init(budget_churn_init);
module_exit(budget_churn_exit);
MODULE_DESCRIPTION("ddv fixture: allocations churned under a memory budget");
MODULE_LICENSE("GPL");
