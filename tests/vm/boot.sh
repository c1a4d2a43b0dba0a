#!/bin/bash
# boot.sh: VM test: the rig boots Debian's kernel, runs Debian's e1000 on qemu's e1000 NIC, and carries status, files and arguments.
set -u
. "$(dirname "$0")/lib.sh"

# 1. e1000, the real driver the e1000 scenarios put under ddv: load, link up and down, unload.
cat >"$vm_work/e1000.job" <<'JOB'
. /root/guest-lib.sh
check "proc, sysfs, devtmpfs and debugfs are mounted" sh -c '
	for m in "/proc proc" "/sys sysfs" "/dev devtmpfs" "/sys/kernel/debug debugfs"; do
		grep -q " $m " /proc/mounts || exit 1
	done'
check "modprobe e1000" modprobe e1000
check "eth0 appears, bound to e1000" wait_for 10 sh -c \
	'[ "$(basename "$(readlink /sys/class/net/eth0/device/driver)")" = e1000 ]'
check "ip link set eth0 up" ip link set eth0 up
check "eth0 gets a carrier" wait_for 20 sh -c '[ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" = 1 ]'
check "ip link set eth0 down" ip link set eth0 down
check "eth0 is down" sh -c '! ip link show eth0 | grep -q "[<,]UP[,>]"'
check "rmmod e1000" rmmod e1000
check "e1000 is unloaded" module_gone e1000
check "eth0 is gone" sh -c '[ ! -e /sys/class/net/eth0 ]'
check "no warning or oops" kernel_sound
guest_done
JOB
vm_job e1000 --timeout 120 --nic e1000 --script "$vm_work/e1000.job"
expect_status "e1000: vm/run passes the job's status 0 out" 0
expect_log "e1000: the driver probed the NIC" 'e1000 [0-9a-f:.]+ eth0: Intel\(R\) PRO/1000 Network Connection'
expect_log "e1000: the link came up" 'e1000: eth0 NIC Link is Up'
expect_kernel_sound "e1000: the console shows no splat"
[ "$vm_status" = 0 ] || vm_show_log
echo "boot: e1000 run took ${vm_elapsed} s" >&2

# 2. The rig's plumbing: a non-zero status, exact arguments, a dynamically linked tool
# with its libraries, files back through /out.
vm_job rig --timeout 60 --add /usr/bin/kmod:/usr/bin/kmod -- \
	sh -c 'printf "%s|" "$@" >/out/args; kmod --version >/out/kmod; mkdir /out/sub; echo deep >/out/sub/file; exit 7' \
	sh 'a b' "it's" '$HOME' '*'
expect_status "rig: vm/run passes the job's status 7 out" 7
if [ "$(cat "$vm_out/args" 2>/dev/null)" = "a b|it's|\$HOME|*|" ]; then
	pass "rig: arguments reach the job unchanged"
else
	fail "rig: arguments reach the job unchanged" "got '$(cat "$vm_out/args" 2>/dev/null)'"
fi
expect_file "rig: a dynamically linked tool runs with its libraries" kmod '^kmod version [0-9]+'
expect_file "rig: /out subdirectories come back" sub/file '^deep$'
[ "$vm_status" = 7 ] || vm_show_log

vm_summary
