#!/bin/bash
# fixture-scsi.sh: VM test: ddv reports each SCSI host rule of specs/linux/scsi.ddv on its fixture (tests/drivers/scsi_*.c, hosts with no hardware), and nothing for the twins. In the same boot, event injection (ddv inject on): triggers on a driver's calls fail its error handler's allocation (eh_alloc, by an argument condition) and reset a SCSI host with a command in flight, then fail its reset handler's allocation (scsi_eh_reset, the DDV paper's example).
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
	# eh_alloc's init issues two commands that time out (kinds 1 and 2: the wait's
	# timeout, arg2); a trigger on the second wait fails the next allocation, its error
	# handler's, which leaks the request; the twin frees it. Kind 3 matches no call.
	trig="on wait_for_completion_timeout if arg2==2 in load fail kmalloc"
	fixture_session eh_alloc_trig eh_alloc ok $trig
	fixture_session eh_alloc_clean_trig eh_alloc_clean ok $trig
	fixture_session eh_alloc_nomatch eh_alloc ok on wait_for_completion_timeout if arg2==3 fail kmalloc
	# scsi_eh_reset: a rescan's command held in flight; its scsi_dma_map fires a run
	# trigger (the host reset, run by the ddv log --follow in the background) and a
	# fail trigger (the reset handler's allocation).
	fixture_sessions="${fixture_sessions}$(cat <<'GUEST'
scsi_trig() {
	label=$1 m=$2
	out=/out/$label
	mkdir -p "$out"
	check "$label: ddv start" ddv start
	check "$label: ddv load $m" ddv load "$m"
	h=$(grep -lx "$m" /sys/class/scsi_host/host*/proc_name | cut -d/ -f5)
	check "$label: $m has a SCSI host ($h)" test -n "$h"
	ddv log --follow >"$out/follow.txt" 2>&1 &
	follower=$!
	check "$label: a trigger resets the host" ddv inject on scsi_dma_map in live \
		run "echo adapter >/sys/class/scsi_host/$h/host_reset"
	check "$label: a trigger fails the reset's allocation" \
		ddv inject on scsi_dma_map in live fail kmalloc
	echo 1 >"/sys/module/$m/parameters/hold"
	start=$(date +%s)
	echo '- - -' >"/sys/class/scsi_host/$h/scan"
	took=$(($(date +%s) - start))
	echo 0 >"/sys/module/$m/parameters/hold"
	check "$label: the reset ended the held command within 10 s (took $took s)" \
		test "$took" -le 10
	sleep 1
	kill "$follower"
	wait "$follower"
	check "$label: ddv unload $m" ddv unload "$m"
	ddv report --json >"$out/report.json" 2>"$out/report.err"
	echo $? >"$out/report.status"
	ddv log >"$out/log.txt" 2>&1
	check "$label: ddv stop" ddv stop
}
scsi_trig scsi_eh_trig scsi_eh_reset
scsi_trig scsi_eh_clean_trig scsi_eh_reset_clean
GUEST
)
"
	fixture_sessions="${fixture_sessions}dmesg >/out/dmesg.txt
"
	if fixture_ddv_vm scsi --modules scsi_mod; then
		check_host "scsi: the kernel never oopsed, warned nor hung a task" \
			sh -c "[ -s '$vm_out/dmesg.txt' ] && ! grep -E 'Oops|general protection|BUG:|WARNING:|blocked for more than' '$vm_out/dmesg.txt'"
		fixture_twins_judge "$cases"
		for f in eh_alloc_trig eh_alloc_clean_trig; do
			fixture_use $f
			fixture_expect_injected $f
		done
		fixture_use eh_alloc_trig
		fixture_expect_rule eh_alloc_trig heap.leak
		fixture_use eh_alloc_clean_trig
		fixture_expect_clean eh_alloc_clean_trig
		fixture_use eh_alloc_nomatch
		fixture_expect_clean eh_alloc_nomatch
		check_host "eh_alloc_nomatch: no call matches arg2==3: no fault injected" \
			fixture_report_is 'map(select(.summary))[0].summary.faults_injected == 0'
		for f in scsi_eh_trig scsi_eh_clean_trig; do
			fixture_use $f
			fixture_expect_injected $f
			check_host "$f: the follower ran the host reset" \
				grep -q "^ddv: trigger 1 fired: running 'echo adapter >/sys/class/scsi_host/host[0-9]*/host_reset'" \
				"$vm_out/$f/follow.txt"
			check_host "$f: the log has both firings on scsi_dma_map" \
				test "$(grep -c 'trigger [0-9]* fired on the call of scsi_dma_map' \
					"$vm_out/$f/log.txt")" -ge 2
		done
		fixture_use scsi_eh_trig
		fixture_expect_rule scsi_eh_trig heap.leak
		fixture_use scsi_eh_clean_trig
		fixture_expect_clean scsi_eh_clean_trig
	fi
fi
vm_summary
