#!/bin/bash
# runtime-612.sh: VM test of ddv.ko itself on Debian's 6.12 kernel: runtime-basic.sh's three VMs, with ddv.ko, the packs and the self-test modules built against 6.12's headers.
#
# The cases are runtime-basic.sh's, sourced here with the kernel to boot (rt_kver) and a
# tree configured for it (rt_module_build): control interface, redirected sites, calls
# from process, softirq and hardirq context on 2 vCPUs, the leak at unload with its site,
# store full, log overflow, hang, attach and detach, injection, tracing, ddv refusing to
# unload under a patched driver, and the generated pack's heap rules (6.12's *_noprof
# allocators) finding nothing but the planted leak. The pack's symbols are 6.12's:
# __kmalloc_cache_noprof and __kmalloc_noprof where 6.1 has kmalloc_trace and __kmalloc.
#
# The 6.12 tree is k612.sh's (DDV_BUILD_DIR/k612, configured once with --with-kernel=the
# 6.12 headers, `make modules` there under its lock), so the two scenarios share one build;
# DDV_K612_BUILD_DIR names another (e.g. a developer's tree configured for 6.12).
# rtctl is user space: the main tree's.
#
# scripts/test-vm fetches the kernel named here before the scenarios start:
# vm-kernel: 6.12.107+deb12-amd64
set -u
. "$(dirname "$0")/lib.sh"

rt_kver=${DDV_K612_KVER:-$(sed -n 's/^# vm-kernel: *//p' "$0")}
# The headers are fetched into the VM cache (vm/fetch-kernel --headers), never installed:
# Debian's headers package would pull the 6.12 image onto the host.
kdir=$("$vm_top/vm/fetch-kernel" --kver "$rt_kver" --headers --print) || kdir=
rt_module_build=${DDV_K612_BUILD_DIR:-$vm_build/k612}
[ -n "${DDV_K612_BUILD_DIR:-}" ] || { [ -d "$vm_build" ] && [ -w "$vm_build" ]; } ||
	rt_module_build=$vm_work/k612

if [ ! -f "$kdir/Makefile" ]; then
	fail "build: the $rt_kver headers are fetched" "vm/fetch-kernel --kver $rt_kver --headers failed"
	vm_summary
	exit 1
fi
if ! vm_kernel_tree "$rt_module_build" "$kdir" >"$vm_work/build-612.out" 2>&1; then
	cat "$vm_work/build-612.out" >&2
	fail "build: ddv.ko and ddv-linux.ko build against $rt_kver"
	vm_summary
	exit 1
fi
pass "build: ddv.ko and ddv-linux.ko build against $rt_kver"
check_host "build: ddv.ko is built for $rt_kver" \
	sh -c "modinfo -F vermagic '$rt_module_build/runtime/linux/ddv.ko' | grep -q '^$rt_kver '"

. "$vm_top/tests/vm/runtime-basic.sh"
