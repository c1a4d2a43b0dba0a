#!/bin/bash
# corpus.sh: VM test: real in-tree drivers that qemu emulates, each under ddv: a clean life and failures at load, with no false finding.
#
# One VM boots with every device of the corpus at once (NICs, NVMe, virtio, SCSI HBAs and
# virtio-scsi with a disk each, AHCI, HDA audio, a watchdog); one ddv session a driver:
#   clean:  ddv start; ddv load D; use it (link up and down, read its disk, open the
#           watchdog); ddv unload D; ddv report: zero findings, nothing lost, no new
#           kernel warning. A driver whose objects a helper module frees (mptsas: mptscsih
#           frees the ScsiLookup array mptsas_probe allocates) is checked with its family,
#           the dependencies ddv load loads with it (ddv(8), load), so those frees are seen.
#   defect: sym53c8xx frees coherent DMA memory under its driver spinlock with interrupts
#           off (sym_hcb_free -> __sym_mfree_dma -> ___free_dma_mem_cluster ->
#           dma_free_coherent): ddv must report exactly dma.free-irqs-disabled there, and
#           the kernel's own WARN_ON(irqs_disabled()) in dma_free_attrs agrees.
#   drm:    bochs with its family, the modules its load brings in (drm, drm_kms_helper,
#           ttm...; ttm uses drm, so with the direct dependencies alone drm stayed loaded),
#           rebound: the fbdev emulation's apertures, kfree()d by framebuffer_release in the
#           kernel, are no leak nor a block "made again while live"; zero findings.
# Left to other scenarios, which cover them: e1000e's and vmxnet3's clean lives with an ifup
# workload are the recording lives of campaign-e1000e.sh and campaign-vmxnet3.sh (each must
# report its known defect and nothing else; e1000e's also locks-contention.sh's, zero
# findings, no kernel warning); a live attach, whose frees of objects made before it are
# "unknown before attach" and no finding, is fixture-double_free.sh's (double_free_attach)
# and k612.sh's (e1000 with traffic).
# A second VM fails each fallible call of the load of a few drivers in turn (ddv inject
# nth-any N, N = 1, 2, ... until a load makes fewer than N such calls), as e1000.sh does:
# every load cleans up after itself, ddv reports nothing (the guest checks the kernel stayed
# sound before its last case). Then two more known defects, nvme's after vmw_pvscsi's:
#   defect: nvme whose probe fails after nvme_init_ctrl (its pci_request_selected_regions
#           failed) leaks nvme_dev and its queue array: the error path puts one controller
#           reference of two.
#   defect: vmw_pvscsi with its BAR mapping failed (ddv inject nth pci_iomap 1) frees an
#           IRQ it never requested: ddv reports irq.free-unrequested in
#           pvscsi_shutdown_intr, the kernel warns "Trying to free already-free IRQ".
#   defect: megaraid_sas with its scsi_add_host failed (scsi.ddv's injection; scsi_mod is
#           loaded before ddv start) leaks the controller's DMA buffers and reply map.
#   defect: sym53c8xx with the DMA cluster allocations of ___get_dma_mem_cluster failed
#           leaks the mp0 page holding the VTOB entry it never gives back.
#   defect: tulip, a receive buffer's dma_map_single failed at ifup, unmaps the error
#           handle at ifdown; virtio_blk, its probe failed after its virtqueues were set
#           up, leaves them enabled and no later probe works; libata's ata_init, its
#           transport template not allocated, leaks its force table; am53c974's
#           esp_scsi never frees its pooled command entries (a clean life).
set -u
. "$(dirname "$0")/lib.sh"

if ! ddv_pieces; then
	fail "corpus: ddv is built" "missing:$ddv_missing"
	vm_summary
	exit
fi
mapfile -t ddv_opts < <(ddv_vm_options)

# DRIVER:KIND[:--alone] -- KIND says how the job uses it; --alone loads it without its family
# (ddv(8), load). snd_hda_intel: its family's snd_hda_core adds and removes sysfs groups on the
# codec's widget kobjects, which the driver core frees where ddv does not look, so a new
# kobject at a freed one's address shows a group "created again" (device.sysfs-group-live,
# device.sysfs-remove-uncreated): a gap of device.ddv's model, not of the driver.
# mptsas: qemu's SAS1068 shows Debian's mptsas no disk within 20 s: its SCSI host is used.
# 8139too binds nothing here: it leaves qemu's RTL8139C+ (revision 0x20) to 8139cp.
clean_drivers="8139cp:net 8139too:none ne2k-pci:net pcnet32:net e100:net tulip:net
virtio_net:net nvme:blk virtio_blk:blk megaraid_sas:blk mptsas:host
vmw_pvscsi:blk virtio_scsi:blk ahci:blk snd_hda_intel:snd:--alone i6300esb:wdt"
nth_drivers="8139cp ne2k_pci tulip virtio_net virtio_scsi"

for d in nvme vblk lsi mega mpt pvs vscsi ahci esp; do
	truncate -s 4M "$vm_work/$d.img"
done
# NICs as -netdev/-device pairs: qemu has only 8 slots for -nic.
qemu_devices=
n=0
for nic in rtl8139 ne2k_pci pcnet i82559er tulip virtio-net-pci; do
	n=$((n + 1))
	qemu_devices="$qemu_devices -netdev user,id=n$n -device $nic,netdev=n$n"
done
qemu_devices="$qemu_devices
-drive if=none,id=dn,file=$vm_work/nvme.img,format=raw -device nvme,serial=ddv1,drive=dn
-drive if=none,id=dv,file=$vm_work/vblk.img,format=raw -device virtio-blk-pci,drive=dv
-device lsi53c895a,id=lsi -drive if=none,id=dl,file=$vm_work/lsi.img,format=raw -device scsi-hd,drive=dl,bus=lsi.0
-device megasas,id=mega -drive if=none,id=dm,file=$vm_work/mega.img,format=raw -device scsi-hd,drive=dm,bus=mega.0
-device mptsas1068,id=mpt -drive if=none,id=dp,file=$vm_work/mpt.img,format=raw -device scsi-hd,drive=dp,bus=mpt.0
-device pvscsi,id=pvs -drive if=none,id=ds,file=$vm_work/pvs.img,format=raw -device scsi-hd,drive=ds,bus=pvs.0
-device virtio-scsi-pci,id=vscsi -drive if=none,id=dvs,file=$vm_work/vscsi.img,format=raw -device scsi-hd,drive=dvs,bus=vscsi.0
-device ahci,id=ahci -drive if=none,id=da,file=$vm_work/ahci.img,format=raw -device ide-hd,drive=da,bus=ahci.0
-device am53c974,id=esp -drive if=none,id=de,file=$vm_work/esp.img,format=raw -device scsi-hd,drive=de,bus=esp.0
-device intel-hda -device hda-duplex -device i6300esb -device bochs-display"
modules=8139cp,8139too,ne2k-pci,pcnet32,e100,tulip,virtio_net,virtio_blk,virtio_pci
modules=$modules,nvme,megaraid_sas,mptsas,vmw_pvscsi,virtio_scsi,sym53c8xx,ahci,sd_mod,am53c974
modules=$modules,snd-hda-intel,snd-hda-codec-generic,i6300esb,bochs
vm_opts=(--mem 1G --modules "$modules" --qemu "$(tr '\n' ' ' <<<"$qemu_devices")" "${ddv_opts[@]}"
	--add "$vm_top/tests/vm/guest-drivers-lib.sh:/root/guest-drivers-lib.sh")

# 1. The clean lives, the known defect.
cat >"$vm_work/clean.job" <<'JOB'
. /root/guest-lib.sh
. /root/guest-drivers-lib.sh
modprobe virtio_pci
modprobe sd_mod
for spec in $CLEAN_DRIVERS; do
	d=${spec%%:*}
	kind=${spec#*:}
	opt=
	case $kind in *:*) opt=${kind#*:} kind=${kind%%:*} ;; esac
	echo "=== $d ($kind${opt:+, $opt})"
	snap
	w0=$(warnings)
	ddv start >/dev/null || { check "$d: ddv start" false; continue; }
	check "$d: ddv load${opt:+ $opt}" ddv load $opt "$d"
	check "$d: used" use_driver "$kind"
	check "$d: ddv unload" ddv unload "$d"
	ddv report --json >/out/$d.json 2>&1
	ddv report
	check "$d: zero findings, nothing lost" report_clean /out/$d.json
	check "$d: no kernel warning" test "$(warnings)" = "$w0"
	check "$d: ddv stop" ddv stop
done

# The known defect: the finding, and nothing else.
echo "=== sym53c8xx"
w0=$(warnings)
ddv start >/dev/null
check "sym53c8xx: ddv load" ddv load sym53c8xx
check "sym53c8xx: ddv unload" ddv unload sym53c8xx
ddv report --json >/out/sym53c8xx.json 2>&1
ddv report
check "sym53c8xx: every finding is dma.free-irqs-disabled in ___free_dma_mem_cluster" \
	sh -c '! grep "\"rule\"" /out/sym53c8xx.json | grep -v "\"summary\"" |
		grep -v "dma.free-irqs-disabled.*___free_dma_mem_cluster"'
check "sym53c8xx: ddv reports it" \
	grep -q 'dma.free-irqs-disabled.*___free_dma_mem_cluster' /out/sym53c8xx.json
check "sym53c8xx: the kernel warns about it too (dma_free_attrs)" \
	sh -c "test \$(dmesg | grep -c 'WARNING:.*dma_free_attrs') -gt 0 && test \$(dmesg | grep -cE 'WARNING:|BUG:|Oops') -gt $w0"
check "sym53c8xx: ddv stop" ddv stop

# bochs with the DRM core in its family, rebound: zero findings.
echo "=== bochs (the DRM core in its family), rebound"
w0=$(warnings)
ddv start >/dev/null
check "bochs: ddv load" sh -c 'ddv load bochs >/out/bochs.load 2>&1'
cat /out/bochs.load
check "bochs: ttm (drm's user, no direct dependency) in its family" \
	grep -q "its family: .*ttm" /out/bochs.load
check "bochs: a DRM card" wait_for 10 sh -c 'ls /sys/class/drm | grep -q card'
dev=$(basename "$(readlink -f /sys/bus/pci/drivers/bochs-drm/0000*)")
echo "$dev" >/sys/bus/pci/drivers/bochs-drm/unbind
echo "$dev" >/sys/bus/pci/drivers/bochs-drm/bind
check "bochs: bound again" wait_for 10 sh -c 'ls /sys/class/drm | grep -q card'
check "bochs: ddv unload" ddv unload bochs
check "bochs: drm unloaded with its family" module_gone drm
ddv report --json >/out/bochs.json 2>&1
ddv report
check "bochs: zero findings, nothing lost" report_clean /out/bochs.json
check "bochs: no kernel warning" test "$(warnings)" = "$w0"
check "bochs: ddv stop" ddv stop

guest_done
JOB
vm_job clean --timeout 600 "${vm_opts[@]}" --env "CLEAN_DRIVERS=$(tr '\n' ' ' <<<"$clean_drivers")" \
	--script "$vm_work/clean.job"
expect_status "clean: the job ran" 0
echo "corpus: clean lives took ${vm_elapsed} s" >&2
[ "$vm_status" = 0 ] || vm_show_log 60

# 2. Each fallible call of each load failed once, each in a fresh ddv session.
cat >"$vm_work/nth.job" <<'JOB'
. /root/guest-lib.sh
. /root/guest-drivers-lib.sh
modprobe virtio_pci
# scsi.ddv's functions are scsi_mod's: probed when it is there before ddv start.
modprobe scsi_mod
for d in $NTH_DRIVERS; do
	n=1
	reached_end=0
	while [ "$n" -le 100 ]; do
		ddv start >/dev/null || { check "$d nth $n: ddv start" false; break; }
		ddv inject nth-any "$n"
		ddv load "$d" >/out/$d.load.$n 2>&1
		load_status=$?
		# Only the load is under test: disarm before anything else runs.
		ddv inject off
		if module_loaded "$d"; then
			ddv unload "$d" >>/out/$d.load.$n 2>&1
		fi
		ddv report --json >/out/$d.nth.$n.json 2>&1
		injected=$(summary_field /out/$d.nth.$n.json faults_injected)
		if [ "$injected" = 0 ]; then
			check "$d nth $n: the clean load, beyond the last fallible call" \
				test "$load_status" = 0
			check "$d nth $n: no finding" report_clean /out/$d.nth.$n.json
			reached_end=1
			ddv stop
			break
		fi
		if ! report_clean /out/$d.nth.$n.json; then
			ddv report
		fi
		check "$d nth $n: one fault injected" test "$injected" = 1
		check "$d nth $n: unloaded after the failure" module_gone "$d"
		check "$d nth $n: no false finding" report_clean /out/$d.nth.$n.json
		check "$d nth $n: ddv stop" ddv stop
		n=$((n + 1))
	done
	echo "$d $((n - 1))" >>/out/fallible-calls
	check "$d: the loop found the end of the load's fallible calls" test "$reached_end" = 1
done
check "no warning or oops" kernel_sound

# The known defect: vmw_pvscsi's probe, failing before its request_irq, frees the IRQ
# anyway (out_release_resources -> pvscsi_shutdown_intr -> free_irq).
# defect_load JSON DRIVER INJECT...: ddv start, ddv inject INJECT..., ddv load DRIVER, no
# more injection, ddv unload DRIVER if its init returned 0; the report into JSON and shown.
defect_load() {
	json=$1 drv=$2
	shift 2
	ddv start >/dev/null
	ddv inject "$@"
	ddv load "$drv"
	ddv inject off
	module_loaded "$drv" && ddv unload "$drv"
	ddv report --json >"$json" 2>&1
	ddv report
}

echo "=== vmw_pvscsi, its BAR mapping failed"
defect_load /out/pvscsi.json vmw_pvscsi nth pci_iomap 1
check "vmw_pvscsi: the injected pci_iomap failure" \
	test "$(summary_field /out/pvscsi.json faults_injected)" = 1
check "vmw_pvscsi: ddv reports free_irq of an IRQ never requested" \
	grep -q '"rule":"irq.free-unrequested".*pvscsi_shutdown_intr' /out/pvscsi.json
check "vmw_pvscsi: every finding is that free_irq" \
	sh -c '! grep "\"rule\"" /out/pvscsi.json | grep -v "\"summary\"" |
		grep -vE "irq.free-(unrequested|release).*pvscsi_shutdown_intr"'
check "vmw_pvscsi: the kernel warns about it too" \
	sh -c "dmesg | grep -q 'Trying to free already-free IRQ'"
check "vmw_pvscsi: ddv stop" ddv stop

# Another (Debian's 6.1.192): when megasas_probe_one fails at scsi_add_host (in
# megasas_io_attach), after megasas_init_fw allocated the controller's DMA buffers
# (megasas_alloc_ctrl_dma_buffers) and reply map (megasas_alloc_ctrl_mem), fail_io_attach
# frees neither; megasas_init_fw's own error path and megasas_detach_one do
# (megasas_free_ctrl_dma_buffers, megasas_free_ctrl_mem).
echo "=== megaraid_sas, its scsi_add_host failed"
defect_load /out/mega.json megaraid_sas nth scsi_add_host 1
check "megaraid_sas: the injected scsi_add_host failure" \
	test "$(summary_field /out/mega.json faults_injected)" = 1
check "megaraid_sas: ddv reports DMA buffers of megasas_probe_one never freed" \
	grep -q '"rule":"dma.coherent-leak".*"allocation_site":{"function":"megasas_probe_one' \
	/out/mega.json
check "megaraid_sas: every finding is a leak" \
	sh -c '! grep "\"rule\"" /out/mega.json | grep -v "\"summary\"" |
		grep -vE "\"rule\":\"(dma.coherent-leak|heap.leak)\""'
check "megaraid_sas: ddv stop" ddv stop

# Another (Debian's 6.1.192): when nvme_probe fails after nvme_init_ctrl (here at
# pci_request_selected_regions, its 4th fallible call; failed by name, since the calls of
# its family, nvme_core's init first, come before), out_uninit_ctrl drops only one of the
# controller's two references, so nvme_pci_free_ctrl never frees nvme_dev (3560 bytes,
# allocated at nvme_probe+0x2d) nor its queue array. Upstream puts the second one
# (out_put_ctrl: nvme_put_ctrl); the 6.1 backport of 2e87570be9d2 lost it.
echo "=== nvme, its probe failed after nvme_init_ctrl"
defect_load /out/nvme.json nvme nth pci_request_selected_regions 1
check "nvme: the injected failure" \
	test "$(summary_field /out/nvme.json faults_injected)" = 1
check "nvme: ddv reports nvme_dev (3560 bytes, nvme_probe+0x2d) never freed" \
	grep -q '"rule":"heap.leak".*"allocation_site":{"function":"nvme_probe","offset":45,.*"size":3560' \
	/out/nvme.json
check "nvme: ddv stop" ddv stop

# Another (Debian's 6.1.192, still in 6.12.118): ___get_dma_mem_cluster takes a VTOB entry
# from the driver's own pool mp0, and when dma_alloc_coherent then fails it returns NULL
# without giving the entry back, so the mp0 page that holds it (__get_free_pages in
# ___mp0_get_mem_cluster) is never freed. Every cluster allocation of that function fails
# here: the first (the HCB's, in probe) makes the probe give up.
echo "=== sym53c8xx, its first DMA cluster not allocated"
defect_load /out/symmp0.json sym53c8xx plan caller=sym53c8xx:___get_dma_mem_cluster rate=100
check "sym53c8xx mp0: the injected dma_alloc_coherent failure" \
	test "$(summary_field /out/symmp0.json faults_injected)" = 1
check "sym53c8xx mp0: ddv reports the mp0 page never freed" \
	grep -q '"rule":"pages.leak".*"allocation_site":{"function":"___mp0_get_mem_cluster"' \
	/out/symmp0.json
check "sym53c8xx mp0: every finding is that page" \
	sh -c '! grep "\"rule\"" /out/symmp0.json | grep -v "\"summary\"" | grep -v "\"rule\":\"pages.leak\""'
check "sym53c8xx mp0: ddv stop" ddv stop

# Another (Debian's 6.1.192, found by scripts/corpus): tulip_init_ring never checks
# dma_map_single, so a failed map of a receive buffer at ifup stays in the ring, and the
# ifdown's tulip_free_ring (or tulip_poll, when a frame came there) unmaps the error handle.
echo "=== tulip, a receive buffer's mapping failed at ifup"
ddv start >/dev/null
ddv load tulip
nic=$(ls /sys/bus/pci/drivers/tulip/*/net 2>/dev/null | head -n 1)
ddv inject nth dma_map_page_attrs 2
ip link set "$nic" up
ip link set "$nic" down
ddv inject off
ddv unload tulip
ddv report --json >/out/tulip.json 2>&1
ddv report
check "tulip: the injected dma_map_single failure ($nic)" \
	test "$(summary_field /out/tulip.json faults_injected)" = 1
check "tulip: ddv reports the unmap of the failed mapping (tulip_free_ring, or tulip_poll for a frame received there)" \
	grep -qE '"rule":"dma.double-unmap".*tulip_(free_ring|poll)' /out/tulip.json
check "tulip: ddv stop" ddv stop

# Another (found by scripts/corpus): virtblk_probe's error path deletes the virtqueues
# without resetting the device, whose queues stay enabled: every later probe fails -ENOENT.
echo "=== virtio_blk, its tag set not allocated, then loaded again"
ddv start >/dev/null
ddv inject nth blk_mq_alloc_tag_set 1
ddv load virtio_blk
ddv inject off
module_loaded virtio_blk && ddv unload virtio_blk
ddv stop
modprobe virtio_blk
check "virtio_blk: the probe after the failed one fails with -ENOENT (queues left enabled)" \
	sh -c "dmesg | grep -q 'virtio_blk: probe of virtio[0-9]* failed with error -2'"
rmmod virtio_blk

# Another (found by scripts/corpus): esp_scsi keeps finished command entries on
# esp_cmd_pool and never frees them: the host's scan leaves some, its removal leaks them.
echo "=== am53c974, a clean life"
defect_load /out/esp.json am53c974 off
check "am53c974: ddv reports esp_scsi's pooled command entries never freed" \
	grep -q '"rule":"heap.leak".*"allocation_site":{"function":"esp_queuecommand"' /out/esp.json
check "am53c974: every finding is such a leak" \
	sh -c '! grep "\"rule\"" /out/esp.json | grep -v "\"summary\"" | grep -v "\"rule\":\"heap.leak\""'
check "am53c974: ddv stop" ddv stop

# Another (found by scripts/corpus): libata's ata_init, its ata_attach_transport failed
# (the 3rd fallible call of ahci's family, libata's init first), leaks ata_force_tbl and
# leaves the transport classes registered. Last: libata must not be loaded again here.
echo "=== libata, its transport template not allocated"
defect_load /out/libata.json ahci nth-any 3
check "libata: ddv reports ata_force_tbl never freed" \
	grep -q '"rule":"heap.leak".*"allocation_site":{"function":"ata_init"' /out/libata.json
check "libata: ddv stop" ddv stop
guest_done
JOB
vm_job nth --timeout 600 "${vm_opts[@]}" --env "NTH_DRIVERS=$nth_drivers" \
	--script "$vm_work/nth.job"
expect_status "nth: the job ran" 0
if [ -f "$vm_out/fallible-calls" ]; then
	echo "corpus: fallible calls at load: $(tr '\n' ' ' <"$vm_out/fallible-calls"); took ${vm_elapsed} s" >&2
fi
[ "$vm_status" = 0 ] || vm_show_log 60

vm_summary
