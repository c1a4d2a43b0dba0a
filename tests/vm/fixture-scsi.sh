#!/bin/bash
# fixture-scsi.sh: VM test: ddv reports each SCSI host rule of specs/linux/scsi.ddv on its fixture (tests/drivers/scsi_*.c, hosts with no hardware), and nothing for the twins.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# Fixture (tests/drivers/scsi_*.c, all from scsifx.h) and the one rule it breaks.
cases="
scsi_host_leak scsi.host-leak
scsi_put_added scsi.put-added
scsi_remove_unadded scsi.remove-unadded
scsi_scan_unadded scsi.scan-unadded
scsi_remove_blocked scsi.remove-blocked
scsi_unblock_unblocked scsi.unblock-unblocked
scsi_done_twice scsi.done-twice
scsi_dma_leak scsi.dma-map-leak
scsi_dma_twice scsi.dma-map-twice
scsi_again scsi.host-alloc-live
scsi_deep scsi.host-get
"

if fixture_build; then
	# The SCSI contracts are optional symbols of scsi_mod: it is loaded before ddv start.
	fixture_sessions="check 'scsi_mod loads before ddv starts' modprobe scsi_mod
"
	fixture_twins_queue "$cases"
	fixture_sessions="${fixture_sessions}dmesg >/out/dmesg.txt
"
	if fixture_ddv_vm scsi --modules scsi_mod; then
		check_host "scsi: the kernel never oopsed, warned nor hung a task" \
			sh -c "[ -s '$vm_out/dmesg.txt' ] && ! grep -E 'Oops|general protection|BUG:|WARNING:|blocked for more than' '$vm_out/dmesg.txt'"
		fixture_twins_judge "$cases"
	fi
fi
vm_summary
