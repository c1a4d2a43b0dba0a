#!/bin/bash
# family.sh: VM test: driver families (ddv load --with, by default the dependencies not loaded): one driver under test over several modules, no false leak, findings named by the member whose site made the call.
#
# One VM with the fixtures, qemu's SAS1068 (mptsas), an NE2000 (ne2k_pci) and an HDA codec:
#   famfx_leak_clean: its family (famfx_helper, its dependency) loads and unloads with it;
#           the helper frees the driver's block and the driver the helper's: no finding.
#   --alone: the same driver alone reports the two false findings the family removes: a
#           heap.leak of the block the helper frees out of ddv's sight, and a heap.double-free
#           of the helper's block, which ddv never saw made.
#   famfx_leak: the helper's block leaked: heap.leak named by the helper (famfx_get).
#   famfx_rcu: call_rcu of the helper's callback, no rcu_barrier before the family goes:
#           the helper's text is the driver's (ddv_in_driver over a member's allocations),
#           rcu.callback-unbarriered; its twin waits, clean; --alone the helper is another
#           module: no finding.
#   ne2k_pci: its family (8390) made its netdev (alloc_ei_netdev's alloc_netdev_mqs,
#           traced: named by 8390's site); link up and down; unloaded with it: no finding.
#   mpt_kthread: mptsas's family (scsi_mod in it) with scsi_host_alloc's kthread_run failed:
#           the host never added goes as hosts.c means (its shost_dev's name kfree()d, the
#           device never put): no finding.
#   mpt_chain: the family's first dma_alloc_coherent (PrimeIocFifos') failed: mptbase's three
#           chain arrays leak (a real defect, docs/findings.md): three heap.leak by mptbase.
#   hda: snd_hda_intel with its family (snd_hda_core's sysfs groups), two lives in one
#           session: no finding.
#   mptsas: ddv campaign exhaustive over its family (mptscsih, mptbase, scsi_transport_sas;
#           mptscsih frees the ScsiLookup array mptsas_probe allocates): no finding, the
#           family's leak check clean after every load. Bounded here (--max, FAMILY_MAX,
#           default 10 loads).
# FAMILY_MAX=0 (a long run, not CI's) runs the whole campaign instead, from the host
# (--vm: a load that hangs or oopses needs a new boot): it ends, every planned load tried,
# and its findings are the triaged defects of docs/findings.md, no false leak.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

max=${FAMILY_MAX:-10}
truncate -s 4M "$vm_work/mpt.img"
mpt_devices="-device mptsas1068,id=mpt -drive if=none,id=dp,file=$vm_work/mpt.img,format=raw
-device scsi-hd,drive=dp,bus=mpt.0"
qemu_devices="$mpt_devices -netdev user,id=n1 -device ne2k_pci,netdev=n1
-device intel-hda -device hda-duplex"

cat >"$vm_work/family.job" <<'JOB'
. /root/guest-lib.sh
. /root/guest-fixture.sh
. /root/guest-drivers-lib.sh

# life LABEL LOAD-ARGS...: ddv start, ddv load, ddv unload, the report in /out/LABEL.
# With INJECT set, ddv inject $INJECT before the load.
life() {
	label=$1
	shift
	out=/out/$label
	mkdir -p "$out"
	eval m=\${$#}
	check "$label: ddv start" ddv start
	if [ -n "${INJECT:-}" ]; then
		# shellcheck disable=SC2086
		check "$label: ddv inject $INJECT" ddv inject $INJECT
	fi
	ddv load "$@" >"$out/load.out" 2>&1
	check "$label: ddv load $*" test $? = 0
	cat "$out/load.out"
	ddv status >"$out/status.txt" 2>&1
	check "$label: ddv unload $m" ddv unload "$m"
	ddv report --json >"$out/report.json" 2>"$out/report.err"
	echo $? >"$out/report.status"
	ddv report
	ddv log >"$out/log.txt" 2>&1
	check "$label: ddv stop" ddv stop
}

life fam_clean famfx_leak_clean
check "fam_clean: famfx_helper loaded as its family" \
	grep -q 'its family: famfx_helper' /out/fam_clean/load.out
check "fam_clean: famfx_helper unloaded with it" module_gone famfx_helper
life fam_with --with famfx_helper famfx_leak_clean
life fam_alone --alone famfx_leak_clean
check "fam_alone: famfx_helper loaded as a plain dependency" module_loaded famfx_helper
rmmod famfx_helper
life fam_leak famfx_leak
check "fam_leak: famfx_helper unloaded with it" module_gone famfx_helper
life fam_rcu famfx_rcu
check "fam_rcu: famfx_helper unloaded with it" module_gone famfx_helper
life fam_rcu_clean famfx_rcu_clean
life fam_rcu_alone --alone famfx_rcu
check "fam_rcu_alone: famfx_helper loaded as a plain dependency" module_loaded famfx_helper
rmmod famfx_helper

# ne2k_pci and 8390: the netdev 8390 makes for it, traced to see whose site made it.
snap
w0=$(warnings)
mkdir -p /out/ne2k
check "ne2k: ddv start" ddv start
check "ne2k: trace alloc_netdev_mqs" ddv trace alloc_netdev_mqs calls
ddv load ne2k_pci >/out/ne2k/load.out 2>&1
check "ne2k: ddv load ne2k_pci" test $? = 0
cat /out/ne2k/load.out
check "ne2k: 8390 loaded as its family" grep -q 'its family: 8390' /out/ne2k/load.out
check "ne2k: used (link up and down)" use_driver net
check "ne2k: ddv unload ne2k_pci" ddv unload ne2k_pci
check "ne2k: 8390 unloaded with it" module_gone 8390
ddv log >/out/ne2k/log.txt 2>&1
ddv report --json >/out/ne2k/report.json 2>"/out/ne2k/report.err"
echo $? >/out/ne2k/report.status
ddv report
grep alloc_netdev_mqs /out/ne2k/log.txt
check "ne2k: the netdev was made at 8390's site (alloc_ei_netdev)" \
	grep -qE '8390: [_a-z]*alloc_ei_netdev\+0x[0-9a-f]+' /out/ne2k/log.txt
check "ne2k: no kernel warning" test "$(warnings)" = "$w0"
check "ne2k: ddv stop" ddv stop

# mptsas's family (scsi_mod in it: no SCSI loaded yet) with one call failed.
# scsi_host_alloc's kthread_run: the host, never added, goes with shost_dev's name freed by
# hand and shost_dev never put (hosts.c's design, no finding).
INJECT="nth kthread_create_on_node 1" life mpt_kthread mptsas
check "mpt_kthread: scsi_host_alloc's kthread_run failed" \
	sh -c "dmesg | grep -q 'error handler thread failed to spawn'"
# PrimeIocFifos's first dma_alloc_coherent: mptbase leaks its chain buffer arrays (a defect).
INJECT="nth dma_alloc_coherent 1" life mpt_chain mptsas
check "mpt_chain: PrimeIocFifos's allocation failed" \
	sh -c "dmesg | grep -q 'Unable to allocate Reply, Request, Chain Buffers'"

# snd_hda_intel with its family (snd_hda_core adds sysfs groups on its widget kobjects),
# two lives in one session: the second's kobjects may lie where the first's were.
mkdir -p /out/hda
check "hda: ddv start" ddv start
for n in 1 2; do
	ddv load snd_hda_intel >/out/hda/load$n.out 2>&1
	check "hda: ddv load snd_hda_intel ($n)" test $? = 0
	cat /out/hda/load$n.out
	check "hda: a sound card ($n)" use_driver snd
	check "hda: ddv unload snd_hda_intel ($n)" ddv unload snd_hda_intel
done
check "hda: snd_hda_core loaded in its family" grep -q 'snd_hda_core' /out/hda/load1.out
# Its closure is 9 modules, 10 with the driver: every one in the family, none left out.
check "hda: its whole closure in its family (soundcore, snd_hwdep, 9 modules)" \
	eval "grep '^ddv: its family: ' /out/hda/load1.out | grep -q soundcore &&
		grep '^ddv: its family: ' /out/hda/load1.out | grep -q snd_hwdep &&
		[ \$(grep '^ddv: its family: ' /out/hda/load1.out | tr ',' '\n' | wc -l) = 9 ] &&
		! grep -q 'left out' /out/hda/load1.out"
# snd_timer: not in snd_hda_intel's depends=, but snd_pcm's (modules.dep); in the family,
# its unload leaves snd free to go too.
check "hda: snd_timer, a dependency's dependency, in its family" \
	grep -q '^ddv: its family: .*snd_timer' /out/hda/load1.out
ddv report --json >/out/hda/report.json 2>/out/hda/report.err
echo $? >/out/hda/report.status
ddv report
ddv log >/out/hda/log.txt 2>&1
check "hda: ddv stop" ddv stop

# mptsas's family under an exhaustive campaign (FAMILY_MAX=0: the host runs the whole one).
if [ "$FAMILY_MAX" != 0 ]; then
	mkdir -p /out/mpt
	check "mpt: ddv start" ddv start
	ddv campaign exhaustive --max "$FAMILY_MAX" mptsas >/out/mpt/campaign.txt 2>&1
	echo $? >/out/mpt/campaign.status
	cat /out/mpt/campaign.txt
	ddv report --json >/out/mpt/report.json 2>/out/mpt/report.err
	echo $? >/out/mpt/report.status
	check "mpt: mptsas and its family are gone" \
		sh -c '! grep -qE "^(mptsas|mptscsih|mptbase|scsi_transport_sas) " /proc/modules'
	check "mpt: ddv stop" ddv stop
fi
check "no warning or oops" kernel_sound
guest_done
JOB

# mpt_whole: mptsas's whole family campaign from the host (FAMILY_MAX=0, a long run: about
# 30 minutes, a few boots). Its findings must all be the triaged ones (docs/findings.md):
# mptbase's chain arrays (heap.leak in PrimeIocFifos), the IOC's interrupts disabled by a
# failed config read (ddv.hang: mpt_attach's pci_disable_io_access), the phy that two
# topology scans add (ddv.kernel-bug/ddv.crash: sas_release_transport at unload).
mpt_whole() {
	local out=$vm_work/mpt-whole txt=$vm_work/mpt-whole.txt status=0 start
	local triaged='^  (heap\.leak at PrimeIocFifos\+|ddv\.hang at mpt_attach\+0x3d1:|ddv\.kernel-bug at sas_release_transport\+|ddv\.(hang|crash): )'

	ddv_pieces || { fail "mpt whole: ddv is built" "missing:$ddv_missing"; return; }
	start=$(date +%s)
	"$ddv_cli" campaign exhaustive --vm --out "$out" --vm-timeout "${FAMILY_TIMEOUT:-3000}" \
		--timeout 60 --vm-arg --mem --vm-arg 1G --vm-arg --smp --vm-arg 2 --vm-arg --qemu \
		--vm-arg "$(tr '\n' ' ' <<<"$mpt_devices")" mptsas >"$txt" 2>"$vm_work/mpt-whole.err" ||
		status=$?
	cat "$txt"
	sed 's/^/stderr: /' "$vm_work/mpt-whole.err"
	check_host "mpt whole: the campaign ends with the triaged findings (status 3, got $status)" \
		test "$status" = 3
	check_host "mpt whole: the journal says the campaign ended" grep -qx end "$out/mptsas.journal"
	check_host "mpt whole: every planned load was tried" \
		grep -qE '^  loads tried +([0-9]+) of \1$' "$txt"
	check_host "mpt whole: every load failed a call (none refused for a stuck module)" \
		eval "! grep -qE '^load [0-9]+: .*load failed' '$txt'"
	check_host "mpt whole: no false leak (the only leaks are mptbase's chain arrays)" \
		eval "! grep -E '^  heap\.leak at ' '$txt' | grep -qv 'at PrimeIocFifos+'"
	check_host "mpt whole: every finding is a triaged one" \
		eval "! grep -E '^  [a-z]+\.[a-z-]+( at |: )' '$txt' | grep -qvE '$triaged'"
	echo "family: mptsas whole campaign: $(grep -E '^campaign mptsas: [0-9]+ loads' "$txt"), $(($(date +%s) - start)) s, $(grep -c 'boot [0-9]*: [0-9]* s' "$vm_work/mpt-whole.err") boots" >&2
}

if fixture_build; then
	fixture_ddv_job family "$vm_work/family.job" --mem 1G --smp 2 --timeout "${FAMILY_TIMEOUT:-1500}" \
		--modules mptsas,ne2k-pci,snd-hda-intel,snd-hda-codec-generic --qemu "$(tr '\n' ' ' <<<"$qemu_devices")" \
		--env "FAMILY_MAX=$max" \
		--add "$vm_top/tests/vm/guest-drivers-lib.sh:/root/guest-drivers-lib.sh"
	fixture_use fam_clean
	fixture_expect_clean fam_clean
	fixture_use fam_with
	fixture_expect_clean fam_with
	fixture_use fam_alone
	fixture_expect_rule fam_alone "heap.double-free heap.leak"
	check_host "fam_alone: the false leak is the driver's block the helper frees" \
		fixture_report_is 'map(select(.rule == "heap.leak")) | length == 1 and
			(.[0].driver == "famfx_leak_clean") and (.[0].allocation_site.function == "famfx_init")'
	check_host "fam_alone: the false double free is the driver's kfree of the helper's block" \
		fixture_report_is 'map(select(.rule == "heap.double-free")) | length == 1 and
			(.[0].driver == "famfx_leak_clean") and (.[0].site.function | test("famfx_exit|cleanup_module"))'
	fixture_use fam_leak
	fixture_expect_rule fam_leak heap.leak
	check_host "fam_leak: the leak is named by the helper's site (famfx_helper: famfx_get)" \
		fixture_report_is 'map(select(.rule == "heap.leak")) | length == 1 and
			(.[0].driver == "famfx_helper") and (.[0].allocation_site.function == "famfx_get")'
	fixture_use fam_rcu
	fixture_expect_rule fam_rcu rcu.callback-unbarriered
	fixture_use fam_rcu_clean
	fixture_expect_clean fam_rcu_clean
	fixture_use fam_rcu_alone
	fixture_expect_clean fam_rcu_alone
	fixture_use ne2k
	fixture_expect_clean ne2k
	fixture_use mpt_kthread
	fixture_expect_clean mpt_kthread
	fixture_use mpt_chain
	fixture_expect_rule mpt_chain heap.leak
	check_host "mpt_chain: mptbase's three chain arrays, made in PrimeIocFifos, leaked" \
		fixture_report_is 'map(select(.rule == "heap.leak")) | length == 3 and
			all(.driver == "mptbase" and (.allocation_site.function | test("PrimeIocFifos|initChainBuffers")))'
	fixture_use hda
	fixture_expect_clean hda
	if [ "$max" != 0 ]; then
		fixture_use mpt
		fixture_expect_campaign mpt 0
		fixture_campaign_says mpt "the loads failed the family's calls (faults injected)" \
			'[0-9]+ loads, [1-9][0-9]* faults injected'
		# The members load first: the first load fails one of their calls, not mptsas's own.
		check_host "mpt: the plan fails the members' calls first" \
			sh -c "grep -E '^load 1/[0-9]+: failing call 1 ' '$vm_out/mpt/campaign.txt' |
				grep -qv '@mptsas_'"
		fixture_campaign_says mpt "no finding over the family's loads" ' 0 findings'
		fixture_expect_clean mpt
		echo "family: mptsas campaign: $(grep -E '^campaign ' "$vm_out/mpt/campaign.txt" | tail -n 1)" >&2
	else
		mpt_whole
	fi
fi
vm_summary
