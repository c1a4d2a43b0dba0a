// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture that oopses when an allocation fails: it uses the result
 * without checking it.
 *
 * The clean twin (oops_null_clean.c, FIXTURE_CLEAN) checks. Under fault
 * injection the defect writes through a NULL pointer in the loading task:
 * the kernel oopses, kills the loader and leaves the module half loaded,
 * which a campaign must record against the injected call and survive.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "fixture.h"

struct oops_ctx {
	char name[32];
	unsigned long opened;
};

static struct oops_ctx *fixture_ctx;

static int __init oops_null_init(void)
{
	fixture_ctx = FIXTURE_FALLIBLE(kzalloc(sizeof(*fixture_ctx),
					       GFP_KERNEL));
#ifdef FIXTURE_CLEAN
	if (!fixture_ctx)
		return -ENOMEM;
#endif
	strscpy(fixture_ctx->name, KBUILD_MODNAME, sizeof(fixture_ctx->name));
	return 0;
}

static void __exit oops_null_exit(void)
{
	kfree(fixture_ctx);
}

module_init(oops_null_init);
module_exit(oops_null_exit);
MODULE_DESCRIPTION("ddv fixture: allocation used without a NULL check");
MODULE_LICENSE("GPL");
