#!/bin/bash
# campaign-vmxnet3.sh: VM test: a lifecycle campaign finds vmxnet3's real defect by itself: with the interface brought up and down as its workload, the load that fails vmxnet3_activate_dev's second request_threaded_irq (ndo_open) leaves the first IRQ requested; a campaign of load and unload alone never reaches it.
#
# Debian 6.1's drivers/net/vmxnet3/vmxnet3_drv.c, vmxnet3_request_irqs(): with MSI-X
# it requests one IRQ per tx queue, rx queue and the event interrupt in turn; when a
# later request_irq fails, the loop's error path returns without freeing the IRQs it
# already took (they stay requested after the failed open, and at unload). The
# reproducer printed is the exact command line. The workload's rx-buffer refills
# (thousands of alloc_pages/dma_map_page calls) are a loop: pruning keeps ~60 loads.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ifup-campaign-lib.sh"

if ddv_pieces; then
	ifup_campaign vmxnet3
	check_host "vmxnet3: the IRQ of the first request_threaded_irq leaks when a later one fails" \
		grep -qE '^  irq\.leak at vmxnet3_activate_dev\+0x[0-9a-f]+: [0-9]+ loads?, first load [0-9]+ \(fault in request_threaded_irq@vmxnet3_activate_dev\+0x[0-9a-f]+, phase workload\)$' \
		"$vm_work/vmxnet3.txt"
	check_host "vmxnet3: that is the only finding" \
		grep -q '^campaign vmxnet3: [0-9]* loads, [0-9]* faults injected, [0-9]* failed inits, 1 finding$' \
		"$vm_work/vmxnet3.txt"
else
	fail "campaign-vmxnet3: ddv is built" "missing:$ddv_missing"
fi
vm_summary
