#!/bin/bash
# fixture-net.sh: VM test: ddv reports each NAPI, netdev and skb rule of specs/linux/net.ddv on its fixture (tests/drivers/net_*.c), and nothing for the twins.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# Fixture (tests/drivers/net_*.c, all from netfx.h) and the one rule it breaks.
cases="
net_napi_unadded net.napi-enable-unadded
net_napi_del_enabled net.napi-del-enabled
net_free_napi_enabled net.free-napi-enabled
net_napi_freed net.napi-freed-enabled
net_napi_disable_twice net.napi-disable-twice
net_free_registered net.free-registered
net_kfree_skb_irq net.kfree-skb-in-irq
net_skb_leak net.skb-leak
net_no_queue net.alloc-netdev-no-queue
net_again net.alloc-netdev-live
"

if fixture_build; then
	fixture_twins_queue "$cases"
	# A failed register_netdev (injected) that the defect ignores, unregistering the device
	# at exit (the kernel warns "never was registered"); the twin fails its init.
	fixture_session net_register_ignored net_register_ignored ok nth register_netdev 1
	fixture_session net_register_ignored_clean net_register_ignored_clean fails nth register_netdev 1
	fixture_sessions="${fixture_sessions}dmesg >/out/dmesg.txt
"
	if fixture_ddv_vm net; then
		check_host "net: the kernel never oopsed nor hung a task" \
			sh -c "[ -s '$vm_out/dmesg.txt' ] && ! grep -E 'Oops|general protection|BUG:|blocked for more than' '$vm_out/dmesg.txt'"
		fixture_twins_judge "$cases"
		fixture_use net_register_ignored
		fixture_expect_injected net_register_ignored
		fixture_expect_rule net_register_ignored net.unregister-unregistered
		fixture_use net_register_ignored_clean
		fixture_expect_injected net_register_ignored_clean
		fixture_expect_clean net_register_ignored_clean
	fi
fi
vm_summary
