#!/bin/bash
# fixture-net.sh: VM test: ddv reports each NAPI, netdev and skb rule of specs/linux/net.ddv on its fixture (tests/drivers/net_*.c, netmore_*.c), and nothing for the twins.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"
. "$vm_top/tests/vm/devmodel-lib.sh"

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

# LABEL MODULE LOAD INJECT RULES (tests/vm/devmodel-lib.sh) of the netmore fixtures
# (tests/drivers/netmore.h), in the same VM: judged by devmodel_expect_rules.
netmore_cases="
nm_no_queue netmore_no_queue ok - net.alloc-no-queue
nm_no_queue_clean netmore_no_queue_clean ok - -
nm_again netmore_again ok - net.alloc-live,net.alloc-skb-live,net.skb-live,net.build-skb-live
nm_again_clean netmore_again_clean ok - -
nm_leak netmore_leak fails nth+kmalloc+1 net.netdev-leak
nm_leak_clean netmore_leak_clean fails nth+kmalloc+1 -
nm_twice netmore_twice ok nth+register_netdev+2 net.register-twice
nm_twice_clean netmore_twice_clean ok nth+register_netdev+2 -
nm_queued netmore_queued ok - net.free-queued-work
nm_queued_clean netmore_queued_clean ok - -
"

if fixture_build; then
	fixture_twins_queue "$cases"
	# A failed register_netdev (injected) that the defect ignores, unregistering the device
	# at exit (the kernel warns "never was registered"); the twin fails its init.
	fixture_session net_register_ignored net_register_ignored ok nth register_netdev 1
	fixture_session net_register_ignored_clean net_register_ignored_clean fails nth register_netdev 1
	while read -r label m load inj rules; do
		[ -n "$label" ] || continue
		# shellcheck disable=SC2046 # the words of the inject command
		fixture_session "$label" "$m" "$load" $([ "$inj" = - ] || echo "$inj" | tr + ' ')
	done <<<"$netmore_cases"
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
		while read -r label m load inj rules; do
			[ -n "$label" ] || continue
			fixture_use "$label"
			[ "$inj" = - ] || fixture_expect_injected "$label"
			if [ "$rules" = - ]; then
				fixture_expect_clean "$label"
			else
				devmodel_expect_rules "$label" "$rules"
			fi
		done <<<"$netmore_cases"
	fi
fi
vm_summary
