/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The body of the clock, regulator and GPIO fixtures (specs/linux/clk.ddv): a platform driver
 * bound to a platform device of its own. qemu's x86 machine has no clock provider nor GPIO chip,
 * so init registers a fixed-rate clock named after the module, with a clkdev lookup "ddv"
 * (clkdev keeps 15 characters of a name), and a one-line GPIO chip labelled after the module,
 * mapped to the device as "ddv". Probe gets the clock twice (clk_get, devm_clk_get), prepares
 * and enables each handle, gets and enables the kernel's dummy regulator by its name
 * ("regulator-dummy": a name lookup needs no machine constraints), and gets the GPIO
 * (gpiod_get) and an unmapped optional one (NULL). Remove undoes each; exit removes the chip and
 * unregisters the clock. clkfx_clean.c is that; each clkfx_NAME.c defines one CF_* defect and
 * includes this file, so that a module differs from the clean one only in the lines under its
 * macro:
 *   CF_LEAK               remove never clk_put()s the clk_get handle
 *   CF_HELD               remove leaves the devm handle prepared and enabled (devres puts it)
 *   CF_DISABLE_TWICE      remove disables the clk_get handle twice
 *   CF_UNPREPARE_ENABLED  remove unprepares the clk_get handle before it disables it
 *   CF_UNPREPARE_TWICE    remove unprepares the clk_get handle twice
 *   CF_ENABLE_UNPREPARED  remove enables the clk_get handle again once it is unprepared
 *   CF_REG_LEAK           remove disables the regulator and never regulator_put()s it
 *   CF_REG_ENABLED        remove neither disables nor puts the regulator
 *   CF_REG_DISABLE_TWICE  remove disables the regulator twice
 *   CF_GPIO_LEAK          remove never gpiod_put()s the GPIO
 *   CF_GPIO_TWICE         remove gpiod_put()s it twice
 *   CF_DEVM_DISABLED      probe gets a third handle with devm_clk_get_enabled, whose prepare and
 *                         enable are devres's; remove disables and unprepares it (devres undoes
 *                         them again at unbind: the kernel WARNs); clkfx_devm_disabled_clean.c
 *                         is its own twin
 *   CF_AGAIN              remove first gets a fresh handle, puts it and gets it again: clk_get,
 *                         devm_clk_get (devm_clk_put), regulator_get; and puts the GPIO and gets
 *                         it by gpiod_get_optional, gpiod_get_index, gpiod_get_index_optional
 *                         and gpiod_get; with
 *                         CF_UNSEEN each put goes through a function pointer, which ddv does not
 *                         redirect, so the handle comes back at an address ddv still holds live
 *                         (clk.get-live...): SLUB gives the last object freed of a size first,
 *                         and a GPIO descriptor is its line's own. clkfx_again is the twin
 *                         (direct puts), clkfx_again_unseen the defect.
 *   CF_DEEP               remove first prepares and enables the clk_get handle and enables the
 *                         regulator CF_DEEP more times, then undoes them: past the rules'
 *                         bound of 1,000,000 (clk.prepare-depth, clk.enable-depth,
 *                         regulator.enable-depth) at CF_DEEP 1000000 (clkfx_deep), one short of
 *                         it at 999999 (clkfx_deep_clean). The one call past the bound is
 *                         undone through a function pointer, so that the kernel's counts end
 *                         balanced where ddv's stopped at the bound.
 *
 * What keeps them safe in the test VM: the clock is the fixture's own, with no parent and no
 * operations but the fixed rate's (in vmlinux), and nothing else uses it. A disable or unprepare
 * of a clock that no handle has enabled or prepared, an enable of one no handle has prepared
 * (the devm handle is undone first), and a regulator disable of a handle with no
 * enable, are refused by the kernel with a WARN. The GPIO chip has no operation at all (the line
 * is got as is, GPIOD_ASIS); a second gpiod_put finds the line no longer requested and does
 * nothing. What a defect leaves (a handle, a clock core
 * still prepared or enabled after clk_unregister, a dummy regulator's consumer still enabled, a
 * GPIO line requested on a removed chip, whose device it keeps) is
 * kernel memory nothing walks once the fixture is gone: the regulator is got without a device,
 * so no link outlives the fixture's platform device.
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/clk.h>
#include <linux/clk-provider.h>
#include <linux/clkdev.h>
#include <linux/regulator/consumer.h>
#include <linux/gpio/consumer.h>
#include <linux/gpio/driver.h>
#include <linux/gpio/machine.h>
#include <linux/err.h>
#include <linux/version.h>

#define CF_RATE 25000000

static struct clk *cf_provider;
static struct clk_lookup *cf_lookup;
static struct platform_device *cf_pdev;

static struct gpio_chip cf_chip = {
	.label = KBUILD_MODNAME,
	.base = -1,
	.ngpio = 1,
};

static struct gpiod_lookup_table cf_gpio_lookup = {
	.dev_id = KBUILD_MODNAME,
	.table = {
		GPIO_LOOKUP(KBUILD_MODNAME, 0, "ddv", GPIO_ACTIVE_HIGH),
		{ },
	},
};

struct cf_state {
	struct clk *clk, *devm_clk, *enabled_clk;
	struct regulator *reg;
	struct gpio_desc *gpio, *absent;
};

static struct cf_state cf;

static int cf_probe(struct platform_device *pdev)
{
	int err;

	cf.clk = clk_get(&pdev->dev, "ddv");
	if (IS_ERR(cf.clk))
		return PTR_ERR(cf.clk);
	cf.devm_clk = devm_clk_get(&pdev->dev, "ddv");
	if (IS_ERR(cf.devm_clk)) {
		err = PTR_ERR(cf.devm_clk);
		goto put_clk;
	}
#ifdef CF_DEVM_DISABLED
	/* Prepared and enabled, and undone at unbind, by devres. */
	cf.enabled_clk = devm_clk_get_enabled(&pdev->dev, "ddv");
	if (IS_ERR(cf.enabled_clk)) {
		err = PTR_ERR(cf.enabled_clk);
		goto put_clk;
	}
#endif
	err = clk_prepare_enable(cf.clk);
	if (err)
		goto put_clk;
	err = clk_prepare_enable(cf.devm_clk);
	if (err)
		goto off_clk;
	cf.reg = regulator_get(NULL, "regulator-dummy");
	if (IS_ERR(cf.reg)) {
		err = PTR_ERR(cf.reg);
		goto off_devm_clk;
	}
	err = regulator_enable(cf.reg);
	if (err)
		goto put_reg;
	cf.gpio = gpiod_get(&pdev->dev, "ddv", GPIOD_ASIS);
	if (IS_ERR(cf.gpio)) {
		err = PTR_ERR(cf.gpio);
		goto off_reg;
	}
	cf.absent = gpiod_get_optional(&pdev->dev, "ddv-absent", GPIOD_ASIS);
	if (IS_ERR(cf.absent)) {
		err = PTR_ERR(cf.absent);
		goto put_gpio;
	}
	return 0;

put_gpio:
	gpiod_put(cf.gpio);
off_reg:
	regulator_disable(cf.reg);
put_reg:
	regulator_put(cf.reg);
off_devm_clk:
	clk_disable_unprepare(cf.devm_clk);
off_clk:
	clk_disable_unprepare(cf.clk);
put_clk:
	clk_put(cf.clk);
	return err;
}

#if defined(CF_AGAIN) || defined(CF_DEEP)
/*
 * The real functions, called where ddv does not redirect (it patches the driver's direct call
 * sites only; volatile: never folded back into a direct call).
 */
#define CF_POINTER(fn) static typeof(&fn) volatile __maybe_unused cf_hidden_##fn = fn
CF_POINTER(clk_put);
CF_POINTER(devm_clk_put);
CF_POINTER(regulator_put);
CF_POINTER(gpiod_put);
CF_POINTER(regulator_disable);
CF_POINTER(clk_disable);
CF_POINTER(clk_unprepare);
#ifdef CF_UNSEEN
#define CF_HIDDEN(fn) cf_hidden_##fn
#else
#define CF_HIDDEN(fn) fn
#endif
#endif

#ifdef CF_AGAIN
/*
 * A fresh handle of each kind put (as ddv sees it or not, CF_UNSEEN) and got again at once, on
 * one CPU: SLUB gives the object freed last back only from the CPU's own slab, whose page an
 * object made long before has left. Then the probe's GPIO, its line's own descriptor.
 */
static void cf_again(struct device *dev)
{
	struct regulator *reg;
	struct clk *clk;

	migrate_disable();
	clk = clk_get(dev, "ddv");
	if (!IS_ERR(clk)) {
		CF_HIDDEN(clk_put)(clk);
		clk = clk_get(dev, "ddv");
		if (!IS_ERR(clk))
			clk_put(clk);
	}
	clk = devm_clk_get(dev, "ddv");
	if (!IS_ERR(clk)) {
		CF_HIDDEN(devm_clk_put)(dev, clk);
		clk = devm_clk_get(dev, "ddv");
		if (!IS_ERR(clk))
			devm_clk_put(dev, clk);
	}
	reg = regulator_get(NULL, "regulator-dummy");
	if (!IS_ERR(reg)) {
		CF_HIDDEN(regulator_put)(reg);
		reg = regulator_get(NULL, "regulator-dummy");
		if (!IS_ERR(reg))
			regulator_put(reg);
	}
	migrate_enable();
	CF_HIDDEN(gpiod_put)(cf.gpio);
	cf.gpio = gpiod_get_optional(dev, "ddv", GPIOD_ASIS);
	CF_HIDDEN(gpiod_put)(cf.gpio);
	cf.gpio = gpiod_get_index(dev, "ddv", 0, GPIOD_ASIS);
	CF_HIDDEN(gpiod_put)(cf.gpio);
	cf.gpio = gpiod_get_index_optional(dev, "ddv", 0, GPIOD_ASIS);
	CF_HIDDEN(gpiod_put)(cf.gpio);
	cf.gpio = gpiod_get(dev, "ddv", GPIOD_ASIS);
	if (IS_ERR(cf.gpio))
		panic("clkfx: the GPIO could not be got again");
}
#endif

#ifdef CF_DEEP
/* CF_DEEP more prepares, enables and regulator enables, each undone; the last through a pointer. */
static void cf_deep(void)
{
	int i;

	for (i = 0; i < CF_DEEP; i++)
		WARN_ON(clk_prepare(cf.clk));
	for (i = 0; i < CF_DEEP; i++)
		WARN_ON(clk_enable(cf.clk));
	for (i = 0; i < CF_DEEP; i++)
		WARN_ON(regulator_enable(cf.reg));
	for (i = 0; i < CF_DEEP - 1; i++)
		regulator_disable(cf.reg);
	CF_HIDDEN(regulator_disable)(cf.reg);
	for (i = 0; i < CF_DEEP - 1; i++)
		clk_disable(cf.clk);
	CF_HIDDEN(clk_disable)(cf.clk);
	for (i = 0; i < CF_DEEP - 1; i++)
		clk_unprepare(cf.clk);
	CF_HIDDEN(clk_unprepare)(cf.clk);
}
#endif

static void cf_undo(struct device *dev)
{
#if defined(CF_DEVM_DISABLED) && !defined(FIXTURE_CLEAN)
	clk_disable_unprepare(cf.enabled_clk);
#endif
#ifdef CF_AGAIN
	cf_again(dev);
#endif
#ifdef CF_DEEP
	cf_deep();
#endif
	gpiod_put(cf.absent);
#ifndef CF_GPIO_LEAK
	gpiod_put(cf.gpio);
#endif
#ifdef CF_GPIO_TWICE
	gpiod_put(cf.gpio);
#endif
#ifndef CF_REG_ENABLED
	regulator_disable(cf.reg);
#ifdef CF_REG_DISABLE_TWICE
	regulator_disable(cf.reg);
#endif
#ifndef CF_REG_LEAK
	regulator_put(cf.reg);
#endif
#endif
#ifndef CF_HELD
	clk_disable_unprepare(cf.devm_clk);
#endif
#if defined(CF_UNPREPARE_ENABLED)
	clk_unprepare(cf.clk);
	clk_disable(cf.clk);
#else
	clk_disable(cf.clk);
#ifdef CF_DISABLE_TWICE
	clk_disable(cf.clk);
#endif
	clk_unprepare(cf.clk);
#ifdef CF_UNPREPARE_TWICE
	clk_unprepare(cf.clk);
#endif
#ifdef CF_ENABLE_UNPREPARED
	clk_enable(cf.clk);
#endif
#endif
#ifndef CF_LEAK
	clk_put(cf.clk);
#endif
}

/* .remove returns void since 6.11. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
static void cf_remove(struct platform_device *pdev)
{
	cf_undo(&pdev->dev);
}
#else
static int cf_remove(struct platform_device *pdev)
{
	cf_undo(&pdev->dev);
	return 0;
}
#endif

static struct platform_driver cf_driver = {
	.probe = cf_probe,
	.remove = cf_remove,
	.driver = { .name = KBUILD_MODNAME },
};

static int __init cf_init(void)
{
	int err;

	cf_provider = clk_register_fixed_rate(NULL, KBUILD_MODNAME, NULL, 0, CF_RATE);
	if (IS_ERR(cf_provider))
		return PTR_ERR(cf_provider);
	cf_lookup = clkdev_create(cf_provider, "ddv", NULL);
	if (!cf_lookup) {
		err = -ENOMEM;
		goto unregister_clk;
	}
	err = gpiochip_add_data(&cf_chip, NULL);
	if (err)
		goto drop_lookup;
	gpiod_add_lookup_table(&cf_gpio_lookup);
	err = platform_driver_register(&cf_driver);
	if (err)
		goto remove_chip;
	cf_pdev = platform_device_register_simple(KBUILD_MODNAME, -1, NULL, 0);
	if (IS_ERR(cf_pdev)) {
		err = PTR_ERR(cf_pdev);
		goto unregister_driver;
	}
	return 0;

unregister_driver:
	platform_driver_unregister(&cf_driver);
remove_chip:
	gpiod_remove_lookup_table(&cf_gpio_lookup);
	gpiochip_remove(&cf_chip);
drop_lookup:
	clkdev_drop(cf_lookup);
unregister_clk:
	clk_unregister_fixed_rate(cf_provider);
	return err;
}

static void __exit cf_exit(void)
{
	platform_device_unregister(cf_pdev);
	platform_driver_unregister(&cf_driver);
	gpiod_remove_lookup_table(&cf_gpio_lookup);
	gpiochip_remove(&cf_chip);
	clkdev_drop(cf_lookup);
	clk_unregister_fixed_rate(cf_provider);
}

module_init(cf_init);
module_exit(cf_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: clock, regulator and GPIO consumers");
