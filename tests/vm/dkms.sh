#!/bin/bash
# dkms.sh: VM test: ddv.ko and the linux pack as Debian's dkms builds them from `make dkms-source` (signed with dkms's key) are found by `ddv start` with no options in /lib/modules/KVER/updates/dkms, and find dma_size's defect, none in its twin; under lockdown=integrity, with dkms's key not enrolled, ddv start is refused and says why.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

kdir=$(sed -n 's/^KDIR = //p' "$vm_build/Makefile" 2>/dev/null)
kver=$(sed -n 's/^KERNEL_RELEASE = //p' "$vm_build/Makefile" 2>/dev/null)
version=$(sed -n 's/^PACKAGE_VERSION = //p' "$vm_build/Makefile" 2>/dev/null)
if ! ddv_pieces || ! command -v dkms >/dev/null; then
	fail "$vm_name: ddv is built and dkms installed" "missing:$ddv_missing $(command -v dkms || echo dkms)"
	vm_summary
	exit
fi

# 1. The DKMS tree, built by dkms as for a new kernel; its trees and signing key stay here.
root=$vm_work/root
mkdir -p "$vm_work/dkms" "$vm_work/varlib"
check_host "make dkms-source" make -s -C "$vm_build" dkms-source DESTDIR="$root"
dkms_build() {
	unshare -m sh -c "mount --bind '$vm_work/varlib' /var/lib/dkms &&
		dkms build -m ddv -v '$version' -k '$kver' --sourcetree '$root/usr/src' \
			--dkmstree '$vm_work/dkms' --kernelsourcedir '$kdir'" >"$vm_work/dkms.out" 2>&1 ||
		{ tail -n 30 "$vm_work/dkms.out"; return 1; }
}
check_host "dkms build -k $kver" dkms_build
built=$vm_work/dkms/ddv/$version/$kver/$(uname -m)/module

# 2. The guest: the command in /usr/bin, the modules where dkms installs them on Debian,
# no DDV_MODULE_DIR: ddv start finds them by itself.
job=$vm_work/dkms.job
cat >"$job" <<'GUEST'
. /root/guest-lib.sh
. /root/guest-fixture.sh
check "no ddv.ko beside the command" test ! -e /usr/lib/ddv/modules/$(uname -r)/ddv.ko
check "dkms's ddv.ko is in updates/dkms" test -f /lib/modules/$(uname -r)/updates/dkms/ddv.ko
for m in dma_size dma_size_clean; do
	mkdir -p /out/$m
	check "$m: ddv start with no options finds dkms's runtime and linux pack" \
		eval 'ddv start && module_loaded ddv && module_loaded ddv_linux'
	check "$m: ddv load" ddv load ./$m.ko
	check "$m: ddv unload" ddv unload $m
	ddv report --json >/out/$m/report.json 2>/out/$m/report.err
	echo $? >/out/$m/report.status
	check "$m: ddv stop" ddv stop
done
guest_done
GUEST
vm_job dkms --timeout 300 \
	--add "$ddv_cli:/usr/bin/ddv" \
	--add "$built/ddv.ko:/lib/modules/$kver/updates/dkms/" \
	--add "$built/ddv-linux.ko:/lib/modules/$kver/updates/dkms/" \
	$(fixture_vm_options) --env DDV_STATE_DIR=/run/ddv --script "$job"
expect_status "the job ran" 0
expect_kernel_sound "the console shows no splat"
[ "$vm_status" = 0 ] || vm_show_log 60

# 3. Locked down (as under Secure Boot): the kernel trusts no key of dkms's here (no shim,
# no enrolled MOK), so ddv start is refused by the kernel and says so; nothing half loaded.
job2=$vm_work/lockdown.job
cat >"$job2" <<'GUEST'
. /root/guest-lib.sh
mount -t securityfs none /sys/kernel/security 2>/dev/null
check "the kernel is locked down, integrity mode" grep -q '\[integrity\]' /sys/kernel/security/lockdown
ddv start >/out/start.out 2>&1
echo $? >/out/start.status
cat /out/start.out
check "ddv.ko is not loaded" eval '! module_loaded ddv'
dmesg | grep -i lockdown >/out/lockdown.txt
guest_done
GUEST
main_out=$vm_out
vm_job lockdown --timeout 120 --append lockdown=integrity \
	--add "$ddv_cli:/usr/bin/ddv" \
	--add "$built/ddv.ko:/lib/modules/$kver/updates/dkms/" \
	--add "$built/ddv-linux.ko:/lib/modules/$kver/updates/dkms/" \
	--env DDV_STATE_DIR=/run/ddv --script "$job2"
expect_status "lockdown: the job ran" 0
check_host "lockdown: ddv start exits 1" test "$(cat "$vm_out/start.status" 2>/dev/null)" = 1
check_host "lockdown: and gives the kernel's refusal as an errno and a sentence" \
	grep -q '^ddv: .*ddv.ko.*: Operation not permitted$' "$vm_out/start.out"
check_host "lockdown: the kernel says the module's key is the reason" \
	grep -q 'Lockdown: .*: unsigned module loading is restricted' "$vm_out/lockdown.txt"
vm_out=$main_out

fixture_use dma_size
fixture_expect_rule dma_size dma.free-size
fixture_use dma_size_clean
fixture_expect_clean dma_size_clean
vm_summary
