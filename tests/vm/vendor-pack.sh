#!/bin/bash
# vendor-pack.sh: VM test: the README's commands for the running kernel run from a staged install; ddv installed into a staging dir builds the example vendor pack (examples/vendor) from its SDK alone, and the staged ddv finds the vendor driver's seeded channel leak beside the linux pack, and its ring buffer leak through linux's heap type, which the vendor pack imports.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# The vendor's rule (examples/vendor/vendor.ddv): a channel taken and never given back.
rule=vendor.channel-leak
stage=$vm_work/stage
vendor=$vm_work/vendor
pack=$vm_work/pack
kdir=$(sed -n 's/^KDIR = //p' "$vm_build/Makefile" 2>/dev/null)

# 1. make install into a staging dir (the build tree's prefix, /usr/local, under DESTDIR).
if ! ddv_pieces; then
	fail "$vm_name: ddv is built" "missing:$ddv_missing"
	vm_summary
	exit
fi
check_host "make install DESTDIR=stage" \
	make -s -C "$vm_build" install DESTDIR="$stage" >"$vm_work/install.out" 2>&1
prefix=$stage/usr/local
kver=$(sed -n 's/^KERNEL_RELEASE = //p' "$vm_build/Makefile")
check_host "the staged install holds ddv.ko, the linux pack and Module.symvers for $kver" \
	test -f "$prefix/lib/ddv/modules/$kver/ddv.ko" -a \
	-f "$prefix/lib/ddv/modules/$kver/ddv-linux.ko" -a \
	-f "$prefix/lib/ddv/modules/$kver/Module.symvers"

# 2. The vendor's side: its core and driver (its own kbuild), then its pack from the staged
# SDK alone: the staged ddvc, the SDK and Module.symvers pkg-config names (the prefix moved
# to the staging dir with --define-variable), the vendor core's Module.symvers.
cp -r "$vm_top/examples/vendor" "$vendor"
check_host "the vendor core and driver build" \
	make -C "$kdir" M="$vendor" modules >"$vm_work/vendor.out" 2>&1
pc() {
	PKG_CONFIG_PATH=$prefix/lib/pkgconfig \
		pkg-config --define-variable=prefix="$prefix" --variable="$1" ddv
}
check_host "the staged SDK holds pack linux's specs" test -f "$(pc specsdir)/linux/heap.ddv"
# vendor.ddv imports linux: the staged ddvc finds its specs in the SDK beside it, no -I.
check_host "ddvc compile vendor.ddv (the staged ddvc, import linux from its SDK)" \
	"$prefix/bin/ddvc" compile "$vendor/vendor.ddv" -o "$pack"
check_host "the vendor pack imports linux's heap type" \
	grep -q '\.pack = "linux", \.type = "heap fields=size states=-"' "$pack/vendor.c"
check_host "the vendor pack builds from the staged SDK ($(pc sdkdir))" \
	make -C "$kdir" M="$pack" DDV_SRCDIR="$(pc sdkdir)" KCFLAGS="-I$vendor/include" \
	KBUILD_EXTRA_SYMBOLS="$(pc symvers) $vendor/Module.symvers" modules \
	>"$vm_work/pack.out" 2>&1 || cat "$vm_work/pack.out" >&2
check_host "the vendor pack's build names no source or build tree (its .cmd files)" \
	eval "! grep -l -e '$vm_top/' -e '$vm_build' '$pack'/.*.cmd"
check_host "the vendor pack's build used the staged SDK (its .cmd files)" \
	grep -q "$prefix/share/ddv/sdk/runtime/include" "$pack/.vendor.o.cmd"

# The README's commands for the running kernel (its section "On the running kernel"), as
# written there: run first in the guest, on e1000, from the staged layout.
sed -n '/^On the running kernel$/,/^What ddv is$/p' "$vm_top/README" |
	sed -n 's/^    \([^ ].*\)/\1/p' | sed 's/ *#.*//' >"$vm_work/readme.cmds"
check_host "the README's block: ddv start, load, unload, report, stop ($(wc -l <"$vm_work/readme.cmds") commands)" \
	eval "grep -qx 'ddv start' '$vm_work/readme.cmds' && grep -qx 'ddv report' '$vm_work/readme.cmds' &&
	      grep -qx 'ddv stop' '$vm_work/readme.cmds' && grep -q '^ddv load ' '$vm_work/readme.cmds' &&
	      grep -q '^ddv unload ' '$vm_work/readme.cmds'"

# 3. The guest: the staged layout alone (no DDV_MODULE_DIR: ddv start finds the runtime and
# linux where make install put them), the vendor core installed as a vendor installs it
# (/lib/modules/KVER/extra/, depmod: ddv load finds vdrv's dependency there) and loaded, the
# vendor pack beside linux.
job=$vm_work/vendor.job
cat >"$job" <<'GUEST'
. /root/guest-lib.sh
mods=/usr/local/lib/ddv/modules/$(uname -r)
packs=$mods:/root/pack
# The README's block, one command at a time, each one must succeed (ddv report: 0, no finding).
while IFS= read -r line; do
	check "README: $line" sh -c "$line"
done </root/readme.cmds
check "README: e1000 is gone and so is ddv" eval '! module_loaded e1000 && ! module_loaded ddv'
check "the vendor core loads" modprobe vcore
mkdir -p /out/defect /out/clean /out/twice /out/ring
check "ddv start with no options finds the installed runtime and linux" \
	eval 'ddv start && module_loaded ddv && module_loaded ddv_linux'
check "ddv stop (no options)" ddv stop
# The vendor pack alone: refused, it imports linux's heap type and linux is not loaded.
ddv start --packs /root/pack >/out/alone.out 2>&1
alone=$?
cat /out/alone.out
check "ddv start of the vendor pack without linux fails (status $alone)" test "$alone" = 1
check "the kernel says why: the import of linux's heap" \
	eval 'dmesg | grep -q "pack vendor refused: it imports type .heap fields=size states=-. of pack linux, which is not registered"'
check "ddv stop (after the refusal)" ddv stop
# The clean path first (the defect leaks channel 0 for good): no injection, the driver loads
# and unloads, its channels given back.
check "ddv start --packs finds ddv.ko and loads linux and vendor" ddv start --packs "$packs"
check "both packs are loaded" eval 'module_loaded ddv_linux && module_loaded ddv_vendor'
check "ddv load vdrv.ko" ddv load ./vdrv.ko
ddv status >/out/clean/status.txt 2>&1
cat /out/clean/status.txt
check "the vendor pack saw vdrv's calls (ddv status)" \
	awk '$1 == "driver" { d = 1 } d && $1 == "calls" { c = $2 } END { exit !(c >= 2) }' \
	/out/clean/status.txt
check "ddv unload vdrv" ddv unload vdrv
ddv report --json >/out/clean/report.json 2>/out/clean/report.err
echo $? >/out/clean/report.status
check "ddv stop (clean)" ddv stop
# Then the defect: the second vcore_get_channel fails by injection, init leaks the first.
check "ddv start (defect)" ddv start --packs "$packs"
check "ddv inject nth vcore_get_channel 2" ddv inject nth vcore_get_channel 2
ddv load ./vdrv.ko >/out/defect/load.out 2>&1
status=$?
cat /out/defect/load.out
check "ddv load vdrv.ko fails as injected (status $status)" test "$status" = 4
check "vdrv is gone after its failed init" module_gone vdrv
ddv report --json >/out/defect/report.json 2>/out/defect/report.err
echo $? >/out/defect/report.status
ddv report
check "ddv stop (defect)" ddv stop
# The second defect: put_twice=1 gives the rx channel back twice at exit. The first
# session's leaked channel 0 stays taken, so this one takes 2 and 3 (base=2).
check "ddv start (twice)" ddv start --packs "$packs"
check "ddv load vdrv.ko put_twice=1 base=2" ddv load ./vdrv.ko put_twice=1 base=2
check "ddv unload vdrv (twice)" ddv unload vdrv
ddv report --json >/out/twice/report.json 2>/out/twice/report.err
echo $? >/out/twice/report.status
ddv report
check "vcore itself says channel 2 was given back twice" \
	eval 'dmesg | grep -q "vcore: channel 2 given back but not taken"'
check "ddv stop (twice)" ddv stop
# The third defect: keep_ring=1 never frees the rx ring that vcore_alloc_buf gave: a heap
# block of pack linux's, created by the vendor's contract, reported by linux's heap.leak.
# The runs before freed their rings with kfree (linux's contract) and vcore_free_buf (the
# vendor's): clean only because both packs know the block.
check "ddv start --packs /root/pack:... (the vendor pack first: loaded once linux is)" \
	ddv start --packs "/root/pack:$mods"
check "the vendor pack registered with its import" \
	eval 'dmesg | grep -q "pack vendor .* 1 imported"'
check "ddv load vdrv.ko keep_ring=1 base=4" ddv load ./vdrv.ko keep_ring=1 base=4
check "ddv unload vdrv (ring)" ddv unload vdrv
ddv report --json >/out/ring/report.json 2>/out/ring/report.err
echo $? >/out/ring/report.status
ddv report
check "ddv stop (ring: the vendor pack holds linux, both go)" \
	eval 'ddv stop && ! module_loaded ddv_vendor && ! module_loaded ddv_linux'
check "the vendor core unloads" rmmod vcore
check "vcore itself says the defect's channel 0 was never given back" \
	eval 'dmesg | grep -q "vcore: channel 0 still taken at unload"'
guest_done
GUEST
vm_job vendor --timeout 300 --nic e1000 --add "$vm_work/readme.cmds:/root/readme.cmds" \
	--add "$prefix/bin/ddv:/usr/local/bin/ddv" \
	--add "$prefix/lib/ddv:/usr/local/lib/ddv" \
	--add-module "$vendor/vcore.ko" --add "$vendor/vdrv.ko:/root/vdrv.ko" \
	--add "$pack/ddv-vendor.ko:/root/pack/ddv-vendor.ko" \
	--env DDV_STATE_DIR=/run/ddv --script "$job"
expect_status "the job ran" 0
expect_kernel_sound "the console shows no splat"
[ "$vm_status" = 0 ] || vm_show_log 60

fixture_use defect
fixture_expect_injected defect
fixture_expect_rule defect "$rule"
site=$("$prefix/bin/ddv" sites "$vendor/vdrv.ko" --pack "$pack/ddv-vendor.ko" |
	awk '$3 == "vcore_get_channel" { print $1; exit }')
check_host "defect: the leak names the first vcore_get_channel's site, $site" \
	test -n "$site" -a "$(fixture_report_site "$rule" allocation_site)" = "$site"
fixture_use clean
fixture_expect_clean clean
fixture_use twice
fixture_expect_rule twice vendor.channel-put-unheld
site=$("$prefix/bin/ddv" sites "$vendor/vdrv.ko" --pack "$pack/ddv-vendor.ko" |
	awk '$3 == "vcore_put_channel" && $1 ~ /^vdrv_exit\+/ { last = $1 } END { print last }')
check_host "twice: the finding names vdrv_exit's last vcore_put_channel site, $site" \
	test -n "$site" -a "$(fixture_report_site vendor.channel-put-unheld site)" = "$site"
fixture_use ring
fixture_expect_rule ring heap.leak
check_host "ring: the leak is pack linux's rule, the block made by the vendor's vcore_alloc_buf" \
	fixture_report_is 'map(select(.rule == "heap.leak"))[0] | .pack == "linux" and .api == "vcore_alloc_buf"'
site=$("$prefix/bin/ddv" sites "$vendor/vdrv.ko" --pack "$pack/ddv-vendor.ko" |
	awk '$3 == "vcore_alloc_buf" { print $1; exit }')
check_host "ring: the leak names the rx ring's vcore_alloc_buf site, $site" \
	test -n "$site" -a "$(fixture_report_site heap.leak allocation_site)" = "$site"
vm_summary
