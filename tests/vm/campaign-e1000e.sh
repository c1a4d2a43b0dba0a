#!/bin/bash
# campaign-e1000e.sh: VM test: a lifecycle campaign finds e1000e's real defect by itself: with the interface brought up and down as its workload, the load that fails e1000_request_msix's third request_irq (ndo_open) leaves the second vector's IRQ requested; a campaign of load and unload alone never reaches it.
#
# Debian 6.1's drivers/net/ethernet/intel/e1000e/netdev.c, e1000_request_msix(): it
# requests the rx, tx and "other" vectors in turn and returns the error of a later one
# without freeing the ones it took; e1000_request_irq() then disables MSI-X under them
# and falls back to MSI, whose request ddv sees as a request of a line still held
# (irq.request-twice: the same defect seen once more). The reproducer printed is the
# exact command line.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ifup-campaign-lib.sh"

if ddv_pieces; then
	ifup_campaign e1000e
	check_host "e1000e: the tx vector's IRQ leaks when the third request_irq fails" \
		grep -qE '^  irq\.leak at e1000_request_irq\+0x[0-9a-f]+: [0-9]+ loads?, first load [0-9]+ \(fault in request_threaded_irq@e1000_request_irq\+0x[0-9a-f]+, phase workload\)$' \
		"$vm_work/e1000e.txt"
	check_host "e1000e: the findings are that defect's alone (irq.leak, irq.request-twice)" \
		eval "sed -n 's/^  \\([a-z.-]*\\) at .*/\\1/p' '$vm_work/e1000e.txt' | sort -u | tr '\\n' ' ' |
			grep -qx 'irq.leak irq.request-twice '"
else
	fail "campaign-e1000e: ddv is built" "missing:$ddv_missing"
fi
vm_summary
