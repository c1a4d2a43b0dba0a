#!/bin/bash
# fixture-vmalloc_kinds.sh: VM test: heap.ddv tells kmalloc'ed from vmalloc'ed blocks by address (ddv_is_vmalloc): vmalloc_kinds frees a kmalloc'ed block with kfree, a small kvmalloc'ed one with kvfree and a big, vmalloc'ed one with vfree, and ddv reports nothing.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

cat >"$vm_work/kinds.job" <<'JOB'
. /root/guest-lib.sh
. /root/guest-fixture.sh
m=vmalloc_kinds

dmesg -c >/dev/null
check "ddv start" ddv start
ddv load $m >/out/load.txt 2>&1
status=$?
cat /out/load.txt
check "ddv load $m exits 0 (got $status)" test "$status" = 0
check "the kernel gave a kmalloc'ed, a kmalloc'ed and a vmalloc'ed block" \
	dmesg_has "vmalloc_kinds: plain 0 small 0 big 1"
check "ddv unload $m" ddv unload $m
check "$m is gone" module_gone $m
ddv report --json >/out/report.json 2>&1
cat /out/report.json
check "zero findings, nothing lost" report_clean /out/report.json
check "ddv stop" ddv stop
check "no warning or oops" kernel_sound
guest_done
JOB

fixture_build && fixture_ddv_job kinds "$vm_work/kinds.job"
vm_summary
