// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture that oopses in its probe when an allocation fails: it uses
 * the result without checking it.
 *
 * The clean twin (oops_probe_clean.c, FIXTURE_CLEAN) checks, and its probe
 * fails. The probe runs in the loading task (platform_device_register binds
 * the device at once) under the device's lock: the oops kills the loader
 * with the lock held, so the kernel's shutdown, which takes every device's
 * lock, never ends. A campaign in the VM must record the crash and still
 * end the boot in bounded time (tests/vm/campaign-oops.sh).
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "fixture.h"

struct oops_probe_ctx {
	char name[32];
};

static int oops_probe_probe(struct platform_device *pdev)
{
	struct oops_probe_ctx *ctx = FIXTURE_FALLIBLE(kzalloc(sizeof(*ctx), GFP_KERNEL));

#ifdef FIXTURE_CLEAN
	if (!ctx)
		return -ENOMEM;
#endif
	strscpy(ctx->name, KBUILD_MODNAME, sizeof(ctx->name));
	platform_set_drvdata(pdev, ctx);
	return 0;
}

static int oops_probe_remove(struct platform_device *pdev)
{
	kfree(platform_get_drvdata(pdev));
	return 0;
}

static struct platform_driver oops_probe_driver = {
	.probe = oops_probe_probe,
	.remove = oops_probe_remove,
	.driver = { .name = KBUILD_MODNAME },
};

static struct platform_device *fixture_pdev;

static int __init oops_probe_init(void)
{
	int err = platform_driver_register(&oops_probe_driver);

	if (err)
		return err;
	/* The device last: its probe's allocation is the load's last fallible call. */
	fixture_pdev = platform_device_register_simple(KBUILD_MODNAME, PLATFORM_DEVID_NONE,
						       NULL, 0);
	if (IS_ERR(fixture_pdev)) {
		platform_driver_unregister(&oops_probe_driver);
		return PTR_ERR(fixture_pdev);
	}
	return 0;
}

static void __exit oops_probe_exit(void)
{
	platform_device_unregister(fixture_pdev);
	platform_driver_unregister(&oops_probe_driver);
}

module_init(oops_probe_init);
module_exit(oops_probe_exit);
MODULE_DESCRIPTION("ddv fixture: allocation used unchecked in a probe, under the device lock");
MODULE_LICENSE("GPL");
