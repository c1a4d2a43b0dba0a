#!/bin/bash
# fixture-missing_unregister.sh: VM test: when missing_unregister's late allocation fails, ddv reports the PCI driver left registered; an early failure and the twin report nothing.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# The rule: specs/linux/pci.ddv, object pci_driver, checked after the failed init.
rule=pci.driver-leak

if fixture_build; then
	fixture_session missing_unregister_early missing_unregister fails nth kmalloc 1
	fixture_session missing_unregister_clean missing_unregister_clean fails nth kmalloc 2
	# Last: the driver it leaves registered stays for the rest of the VM.
	fixture_session missing_unregister_late missing_unregister fails nth kmalloc 2
	if fixture_ddv_vm unregister; then
		fixture_use missing_unregister_early
		fixture_expect_injected missing_unregister_early
		fixture_expect_clean missing_unregister_early
		fixture_use missing_unregister_clean
		fixture_expect_injected missing_unregister_clean
		fixture_expect_clean missing_unregister_clean
		fixture_use missing_unregister_late
		fixture_expect_injected missing_unregister_late
		fixture_expect_rule missing_unregister_late "$rule"
		site=$(fixture_site missing_unregister __pci_register_driver)
		check_host "missing_unregister_late: the leak names the registration, $site" \
			test "$(fixture_report_site "$rule" allocation_site)" = "$site"
	fi
fi
vm_summary
