#!/bin/bash
# fixture-clk.sh: VM test: clock, regulator and GPIO consumers (specs/linux/clk.ddv): each clkfx fixture's defect reported as its rule and nothing else, the clean twin without findings, bound plainly and with devm_clk_get failed by injection.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"
. "$vm_top/tests/vm/devmodel-lib.sh"

# A failed devm_clk_get fails probe after clk_get: its error path puts the clk_get handle. A
# failed probe leaves the module loaded.
inject="nth devm_clk_get 1"

# LABEL MODULE LOAD INJECT RULES (tests/vm/devmodel-lib.sh). Each fixture's clock is named after
# it, so a clock or GPIO chip a defect leaves behind never meets the next fixture's. The kernel
# warns of devm_disabled's defect at unbind itself: devres disables and unprepares the clock
# the driver did already.
devmodel_cases='
clean clkfx_clean ok - -
clean_getfail clkfx_clean ok inject -
leak clkfx_leak ok - clk.leak
held clkfx_held ok - clk.held-at-unload
disable_twice clkfx_disable_twice ok - clk.disable-unenabled
unprepare_enabled clkfx_unprepare_enabled ok - clk.unprepare-enabled
unprepare_twice clkfx_unprepare_twice ok - clk.unprepare-unprepared
enable_unprepared clkfx_enable_unprepared ok - clk.enable-unprepared
reg_leak clkfx_reg_leak ok - regulator.leak
reg_enabled clkfx_reg_enabled ok - regulator.enabled-at-unload
reg_disable_twice clkfx_reg_disable_twice ok - regulator.disable-unenabled
gpio_leak clkfx_gpio_leak ok - gpio.leak
gpio_twice clkfx_gpio_twice ok - gpio.put-unheld
devm_disabled clkfx_devm_disabled ok - clk.disable-unenabled,clk.unprepare-unprepared,ddv.kernel-warning
devm_disabled_clean clkfx_devm_disabled_clean ok - -
again clkfx_again ok - -
again_unseen clkfx_again_unseen ok - clk.get-live,clk.devm-get-live,regulator.get-live,gpio.get-live,gpio.get-optional-live,gpio.get-index-live,gpio.get-index-optional-live
deep clkfx_deep ok - clk.prepare-depth,clk.enable-depth,regulator.enable-depth
deep_clean clkfx_deep_clean ok - -
'

if fixture_build; then
	devmodel_run clk
	# A fixture whose probe failed would report nothing: all bound but the injected one.
	check_host "clk: every probe bound but clean_getfail's" \
		test "$(grep -c 'probe of clkfx_.* failed' "$vm_out/dmesg.txt" 2>/dev/null)" = 1
fi
vm_summary
