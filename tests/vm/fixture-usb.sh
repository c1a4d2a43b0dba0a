#!/bin/bash
# fixture-usb.sh: VM test: USB interface drivers (specs/linux/usb.ddv) on qemu's usb-kbd behind a qemu-xhci controller: each usbfx fixture's defect reported as its rule and nothing else, the clean twin without findings, plainly and with its synchronous messages failed by injection.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"
. "$vm_top/tests/vm/devmodel-lib.sh"

# The calls of uf_sync_msgs (tests/drivers/usbfx.h) fail by injection, all of them and nothing
# else: may_sleep's check runs before each call, which does not happen (it would sleep with
# preemption off).
sync_fail() { echo "plan+caller=$1:uf_sync_msgs+rate=100"; }
atomic_rules=linux.usb_control_msg.sleep-in-atomic,linux.usb_bulk_msg.sleep-in-atomic
atomic_rules=$atomic_rules,linux.usb_interrupt_msg.sleep-in-atomic,linux.usb_alloc_urb.sleep-in-atomic
atomic_rules=$atomic_rules,linux.usb_alloc_coherent.sleep-in-atomic,linux.usb_submit_urb.sleep-in-atomic

# LABEL MODULE LOAD INJECT RULES (tests/vm/devmodel-lib.sh). Each fixture binds the keyboard's
# interface in turn. The last three leave what the next ones would meet: URBs queued on the
# keyboard's endpoint, which never complete (no key is pressed), and a minor on its interface.
devmodel_cases="
clean usbfx_clean ok - -
clean_sync_failed usbfx_clean ok $(sync_fail usbfx_clean) -
atomic usbfx_atomic ok $(sync_fail usbfx_atomic) $atomic_rules
driver_leak usbfx_driver_leak ok - usb.driver-leak,heap.leak
urb_leak usbfx_urb_leak ok - usb.urb-leak
urb_twice usbfx_urb_twice ok - usb.urb-double-free
submit_twice usbfx_submit_twice ok - usb.submit-in-flight
coherent_leak usbfx_coherent_leak ok - usb.coherent-leak
coherent_size usbfx_coherent_size ok - usb.coherent-free-size
dev_ref_leak usbfx_dev_ref_leak ok - usb.dev-ref-leak
intf_ref_leak usbfx_intf_ref_leak ok - usb.intf-ref-leak
put_dev_unheld usbfx_put_dev_unheld ok - usb.put-dev-unheld
put_intf_unheld usbfx_put_intf_unheld ok - usb.put-intf-unheld
class_twice usbfx_class_twice ok - usb.deregister-dev-unregistered
again usbfx_again ok - -
again_unseen usbfx_again_unseen ok - usb.alloc-urb-live,usb.alloc-coherent-live,usb.register-dev-live,usb.register-driver-live
deep usbfx_deep ok - usb.get-dev-depth,usb.get-intf-depth,usb.get-urb-depth
deep_clean usbfx_deep_clean ok - -
anchor_busy usbfx_anchor_busy ok - usb.anchor-freed-busy
urb_in_flight usbfx_urb_in_flight ok - usb.urb-in-flight-at-unload,usb.urb-leak
class_leak usbfx_class_leak ok - usb.class-dev-leak
"

# usbcore before `ddv start` (the pack refers to its functions weakly), and the keyboard
# enumerated before the first fixture binds it.
# shellcheck disable=SC2016 # the guest expands it
usb_setup='
check "xhci_pci loads (usbcore with it)" modprobe xhci_pci
i=0
while [ ! -e /sys/bus/usb/devices/1-1:1.0 ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
check "the usb-kbd is enumerated" test -e /sys/bus/usb/devices/1-1:1.0
'

if fixture_build; then
	fixture_vm_args=(--modules xhci_pci --qemu "-device qemu-xhci,id=xhci -device usb-kbd,bus=xhci.0")
	fixture_sessions=$usb_setup
	devmodel_run usb
	# Each probe ran: the clean run bound the keyboard, and its messages went through.
	check_host "clean: probe bound the keyboard's interface" \
		grep -q 'usbfx_clean: bound' "$vm_out/dmesg.txt"
fi
vm_summary
