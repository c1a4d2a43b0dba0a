#!/bin/bash
# fixture-usb.sh: VM test: USB interface drivers (specs/linux/usb.ddv) on qemu's usb-kbd behind a qemu-xhci controller: each usbfx fixture's defect reported as its rule and nothing else, the clean twin without findings, refrace's references put on two CPUs at once without findings, plainly and with its synchronous messages failed by injection; real USB drivers' clean lives (uhci_hcd with usbcore in its family, usbhid, ohci_pci, cdc_ether, ftdi_sio, snd_usb_audio) without findings.
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

# LABEL MODULE LOAD INJECT RULES (tests/vm/devmodel-lib.sh). refrace puts two references of
# each of its URBs and kobjects on the two CPUs at once: a put that reads and then writes the
# count loses one (a false usb.urb-leak in cdc_ether's life). Each usbfx fixture binds the keyboard's
# interface in turn. The last three leave what the next ones would meet: URBs queued on the
# keyboard's endpoint, which never complete (no key is pressed), and a minor on its interface.
devmodel_cases="
refrace refrace ok - -
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

# Real drivers' clean lives before the fixtures (LABEL LOAD-OPTIONS MODULE USE, one a line,
# "-" for no option): each bound to its qemu device, used, unloaded: no finding. usbhid and
# ohci_pci with their families (hid; ohci_hcd: usb_add_hcd, usbcore's, requests the line that
# ohci_stop frees), cdc_ether (usbnet: its interrupt buffer goes with its URB,
# URB_FREE_BUFFER), ftdi_sio (usbserial); snd_usb_audio alone (its family is nine modules,
# more than ddv load takes). The USB core stays out: the setup loads it.
# shellcheck disable=SC2016 # the guest expands them
usb_lives='
usbhid - usbhid ls /sys/class/input | grep -q input
ohci - ohci_pci for i in $(seq 100); do ls /sys/bus/pci/drivers/ohci-pci/*/usb*/*-1/product && exit 0; sleep 0.1; done; exit 1
cdc_ether - cdc_ether n=$(ls /sys/class/net | grep -v "^lo$" | head -n 1); ip link set "$n" up && sleep 1 && ip link set "$n" down
ftdi_sio - ftdi_sio echo hello >/dev/ttyUSB0
snd_usb_audio --alone snd_usb_audio cat /proc/asound/cards; ls /dev/snd | grep -q pcm
'

# uhci_hcd's clean life comes first, before the setup loads usbcore: usbcore
# is in its family, and usbcore's usb_devnode (a devnode callback) makes the names of the root
# hub and the tablet, which the driver core frees (heap.ddv's kasprintf hands them over).
# shellcheck disable=SC2016 # the guest expands it
uhci_use='for i in $(seq 100); do ls /sys/bus/pci/drivers/uhci_hcd/*/usb*/*-1/product && exit 0; sleep 0.1; done; exit 1'

if fixture_build; then
	fixture_vm_args=(--modules uhci_hcd,xhci_pci,usbhid,ohci_pci,cdc_ether,ftdi_sio,snd_usb_audio --qemu
		"-device qemu-xhci,id=xhci -device usb-kbd,bus=xhci.0 -netdev user,id=un
		-device usb-net,bus=xhci.0,netdev=un -chardev null,id=us -device usb-serial,bus=xhci.0,chardev=us
		-audiodev none,id=ua -device usb-audio,bus=xhci.0,audiodev=ua
		-device pci-ohci,id=ohci -device usb-kbd,bus=ohci.0
		-device piix3-usb-uhci,id=uhci -device usb-tablet,bus=uhci.0")
	fixture_sessions="load_opts= use='$uhci_use'
"
	fixture_session uhci uhci_hcd ok
	fixture_sessions="${fixture_sessions}load_opts= use=
$usb_setup"
	while read -r label opts m use; do
		[ -n "$label" ] || continue
		[ "$opts" = - ] && opts=
		fixture_sessions="${fixture_sessions}load_opts='$opts' use='$use'
"
		fixture_session "$label" "$m" ok
	done <<<"$usb_lives"
	fixture_sessions="${fixture_sessions}load_opts= use=
"
	# ohci_hcd's defect (docs/findings.md): ohci_init's first dma_pool_create failed, its
	# ohci_stop frees IRQ 0, which no one requested: the kernel holds no such line (its
	# WARN is the finding's, in the same call).
	fixture_session ohci_pool_failed ohci_pci ok nth dma_pool_create 1
	devmodel_run usb
	check_host "refrace: its two threads put on two CPUs" \
		grep -q 'refrace: 2000 URBs and 2000 kobjects put on CPUs 0 and 1 at once' "$vm_out/dmesg.txt"
	fixture_use ohci_pool_failed
	fixture_expect_injected ohci_pool_failed
	devmodel_expect_rules ohci_pool_failed irq.free-unrequested
	fixture_use uhci
	fixture_expect_clean uhci
	check_host "uhci: usbcore was in its family" \
		grep -q "its family: .*usbcore" "$vm_out/uhci/load.out"
	while read -r label opts m use; do
		[ -n "$label" ] || continue
		fixture_use "$label"
		fixture_expect_clean "$label"
		# What a real driver's life reported, for the log.
		jq -c 'select(.rule) | {rule, message, driver, site, allocation_site}' \
			"$fixture_report" >&2
	done <<<"$usb_lives"
	# Each probe ran: the clean run bound the keyboard, and its messages went through.
	check_host "clean: probe bound the keyboard's interface" \
		grep -q 'usbfx_clean: bound' "$vm_out/dmesg.txt"
fi
vm_summary
