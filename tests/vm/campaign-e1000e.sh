#!/bin/bash
# campaign-e1000e.sh: VM test: a lifecycle campaign finds e1000e's real defect by itself: with the interface brought up and down as its workload, the load that fails e1000_request_msix's third request_irq (ndo_open) leaves the second vector's IRQ requested; a campaign of load and unload alone never reaches it.
#
# Debian 6.1's drivers/net/ethernet/intel/e1000e/netdev.c, e1000_request_msix(): it
# requests the rx, tx and "other" vectors in turn and returns the error of a later one
# without freeing the ones it took; e1000_request_irq() then disables MSI-X under them
# and falls back to MSI, whose request ddv sees as a request of a line still held
# (irq.request-twice: the same defect seen once more). The reproducer printed is the
# exact command line. The kernel warns too, at the unload of those loads (remove_proc_entry
# of the leaked IRQ's /proc/irq/N directory): ddv.kernel-warning.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ifup-campaign-lib.sh"

if ddv_pieces; then
	ifup_campaign e1000e
	check_host "e1000e: the tx vector's IRQ leaks when the third request_irq fails" \
		grep -qE '^  irq\.leak at e1000_request_irq\+0x[0-9a-f]+: [0-9]+ loads?, first load [0-9]+ \(fault in request_threaded_irq@e1000_request_irq\+0x[0-9a-f]+, phase workload\)$' \
		"$vm_work/e1000e.txt"
	# The leaked IRQ keeps its /proc/irq/N directory: at unload the kernel warns
	# (remove_proc_entry: removing non-empty directory), on the defect's loads.
	check_host "e1000e: the findings are that defect's alone (irq.leak, irq.request-twice, the kernel's warning)" \
		eval "sed -n 's/^  \\([a-z.-]*\\) at .*/\\1/p' '$vm_work/e1000e.txt' | sort -u | tr '\\n' ' ' |
			grep -qx 'ddv.kernel-warning irq.leak irq.request-twice '"
	check_host "e1000e: the kernel's warning is the leaked IRQ's /proc entry, from the defect's load" \
		grep -qE '^  ddv\.kernel-warning at remove_proc_entry\+0x[0-9a-f]+: [0-9]+ loads?, first load [0-9]+ \(fault in request_threaded_irq@e1000_request_irq\+0x[0-9a-f]+, phase workload\)$' \
		"$vm_work/e1000e.txt"
else
	fail "campaign-e1000e: ddv is built" "missing:$ddv_missing"
fi
vm_summary
