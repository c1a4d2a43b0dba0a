#!/bin/bash
# locks-contention.sh: VM test: real drivers under lock contention (ddv inject plan: trylocks failed, blocking locks delayed) with the lock contracts on: a clean life each, no false finding.
#
# The lock contracts (specs/linux/locks.ddv) give every lock its injector class: trylock
# (spin_trylock, mutex_trylock, down_trylock... fail: contention) and lock (spin_lock,
# mutex_lock, down... wait a random delay first). One VM with e1000 and a few of corpus.sh's
# devices; per driver one ddv session: ddv start; ddv inject plan (lock modes only); ddv
# load D; use it; ddv unload D; ddv report: zero findings, nothing lost, no kernel warning.
# The same drivers without the plan are corpus.sh's and e1000.sh's clean lives.
set -u
. "$(dirname "$0")/lib.sh"

if ! ddv_pieces; then
	fail "locks-contention: ddv is built" "missing:$ddv_missing"
	vm_summary
	exit
fi
mapfile -t ddv_opts < <(ddv_vm_options)

# DRIVER:KIND, as in corpus.sh.
drivers="e1000:net virtio_net:net e1000e:net nvme:blk ahci:blk"
plan="trylock-rate=50 lock-delay-rate=50 lock-delay-max=200000"
truncate -s 4M "$vm_work/nvme.img" "$vm_work/ahci.img"
qemu_devices="-netdev user,id=n1 -device virtio-net-pci,netdev=n1
-netdev user,id=n2 -device e1000e,netdev=n2
-drive if=none,id=dn,file=$vm_work/nvme.img,format=raw -device nvme,serial=ddv1,drive=dn
-device ahci,id=ahci -drive if=none,id=da,file=$vm_work/ahci.img,format=raw -device ide-hd,drive=da,bus=ahci.0"

cat >"$vm_work/contention.job" <<'JOB'
. /root/guest-lib.sh
. /root/guest-drivers-lib.sh
modprobe virtio_pci
modprobe sd_mod
for spec in $DRIVERS; do
	d=${spec%%:*}
	kind=${spec#*:}
	echo "=== $d ($kind) under: ddv inject plan $PLAN"
	snap
	w0=$(warnings)
	ddv start >/dev/null || { check "$d: ddv start" false; continue; }
	check "$d: ddv inject plan $PLAN" ddv inject plan $PLAN
	check "$d: ddv load" ddv load "$d"
	# Not a check: a driver may give up what contention made fail (nvme's scan, a trylock).
	use_driver "$kind" || echo "$d: not used: its device did not come up under contention"
	check "$d: ddv unload" ddv unload "$d"
	ddv report --json >/out/$d.json 2>&1
	ddv report
	ddv log >/out/$d.log 2>&1
	check "$d: zero findings, nothing lost" report_clean /out/$d.json
	check "$d: no kernel warning" test "$(warnings)" = "$w0"
	check "$d: ddv stop" ddv stop
done
guest_done
JOB
vm_job contention --timeout 600 --mem 1G --nic e1000 \
	--modules e1000,e1000e,virtio_net,virtio_pci,nvme,ahci,sd_mod \
	--qemu "$(tr '\n' ' ' <<<"$qemu_devices")" "${ddv_opts[@]}" \
	--add "$vm_top/tests/vm/guest-drivers-lib.sh:/root/guest-drivers-lib.sh" \
	--env "DRIVERS=$drivers" --env "PLAN=$plan" --script "$vm_work/contention.job"
expect_status "contention: the job ran" 0
expect_kernel_sound "contention: the console shows no splat"
# What the plan did to each driver: delayed locks (ddv.lock-delayed in the log) and failed
# trylocks (faults injected, in the report's summary). Per driver a figure (e1000 calls no
# trylock); over all of them the blocking locks were delayed, or the plan reached none.
all_delayed=0
for spec in $drivers; do
	d=${spec%%:*}
	n=$(jq -r 'select(.summary) | .summary.faults_injected' "$vm_out/$d.json" 2>/dev/null)
	delayed=$(grep -c 'lock-delayed' "$vm_out/$d.log" 2>/dev/null)
	echo "locks-contention: $d: ${delayed:-?} locks delayed, ${n:-?} trylocks failed" >&2
	all_delayed=$((all_delayed + ${delayed:-0}))
done
check_host "contention: blocking locks of the drivers were delayed ($all_delayed)" test "$all_delayed" -gt 0
[ "$vm_status" = 0 ] || vm_show_log 60
vm_summary
