#!/bin/bash
# runtime-basic.sh: VM test of ddv.ko itself: control interface, call-site redirection, leaks, store full, log overflow, attach, injection, tracing.
#
# Uses a hand-written pack (tests/drivers/rt-selftest/rt_pack.c, ddvc's shape) and a
# driver that calls kmalloc/kfree from process, softirq and hardirq context on 2 vCPUs
# (rt_selftest.c), driven by rtctl (the ioctl, without the ddv command), so it tests
# the runtime alone. Each case is judged in the guest from the decoded log.
#
# The kernel is vm/run's default (Debian's 6.1) and the modules come from the main build
# tree, unless a scenario that sources this one (runtime-612.sh) set rt_kver, the kernel
# to boot, and rt_module_build, a tree configured for it where `make modules` ran.
set -u
[ -n "${vm_top:-}" ] || . "$(dirname "$0")/lib.sh"
rt_kver=${rt_kver:-}
rt_module_build=${rt_module_build:-$vm_build}

st=$vm_work/rt-selftest
ddv_ko=$rt_module_build/runtime/linux/ddv.ko
if [ ! -f "$ddv_ko" ]; then
	fail "$vm_name: ddv.ko built (make modules in $rt_module_build)"
	vm_summary
	exit 1
fi
if ! "$vm_top/tests/drivers/rt-selftest/build" "$st" "$vm_build" "$rt_module_build" \
	>"$vm_work/build.out" 2>&1; then
	cat "$vm_work/build.out" >&2
	fail "$vm_name: the self-test pieces build"
	vm_summary
	exit 1
fi
[ -z "$rt_kver" ] || check_host "build: rt_selftest.ko and rt_pack.ko are built for $rt_kver" \
	sh -c "modinfo -F vermagic '$st/rt_selftest.ko' '$st/rt_pack.ko' | grep -c '^$rt_kver ' | grep -qx 2"
# The allocators kmalloc() calls out to on this kernel, as the pack probes them
# (kmalloc_trace and __kmalloc on 6.1, __kmalloc_cache_noprof and __kmalloc_noprof on 6.12).
km_cache=$(modinfo -F rt_kmalloc_cache "$st/rt_pack.ko")
km=$(modinfo -F rt_kmalloc "$st/rt_pack.ko")
if [ -z "$km_cache" ] || [ -z "$km" ]; then
	fail "$vm_name: rt_pack.ko names the allocators it probes (modinfo rt_kmalloc*)"
	vm_summary
	exit 1
fi

# The versions the runtime must answer: those the CLI and the packs are built against.
abi=$(sed -n 's/^#define DDV_ABI_VERSION \([0-9]*\).*/\1/p' "$vm_top"/runtime/include/ddv/*.h)
uapi=$(sed -n 's/^#define DDV_UAPI_VERSION \([0-9]*\).*/\1/p' "$vm_top/runtime/include/ddv/uapi.h")
# Does the hand-written pack carry a catalog (DDV_OP_PACK_CATALOG: its text, else ENOENT)?
rt_cat=0
grep -q '^[[:space:]]*\.catalog = ' "$vm_top/tests/drivers/rt-selftest/rt_pack.c" && rt_cat=1
echo "ABI=$abi UAPI=$uapi KM=$km RT_CAT=$rt_cat" >"$vm_work/rt.job"
cat >>"$vm_work/rt.job" <<'JOB'
. /root/guest-lib.sh
DUT=/root/rt_selftest.ko

# errno_of OP NARGS ARGS...: the errno a raw command fails with, or "ok".
errno_of() { rtctl raw "$@" | sed -n 's/^errno=//p; s/^ok.*/ok/p'; }
# func_id SYMBOL: the runtime's global id of a probed function.
func_id() { rtctl funcs | awk -v s="$1" '$3 == s { print $1 }'; }
# dump_log NAME: drains the log and decodes it to /root/NAME.txt.
dump_log() {
	rm -f /root/$1.bin
	rtctl drain /root/$1.bin
	rtctl dump /root/$1.bin /root/sites.txt >/root/$1.txt
	cp /root/$1.txt /out/
}
# followed_by FILE REGEX1 REGEX2: a line matching REGEX1 is directly followed by one matching REGEX2.
followed_by() { awk -v a="$2" -v b="$3" 'p && $0 ~ b { f = 1 } { p = $0 ~ a } END { exit !f }' "$1"; }
status_field() { rtctl status "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

check "ddv.ko loads" insmod /root/ddv.ko
check "/dev/ddv is root-only" eval "ls -l /dev/ddv | grep -q '^crw-------'"
check "the pack registers" insmod /root/rt_pack.ko

# --- bad commands: refused with the right errno, never an oops
check "bad opcode: EINVAL" test "$(errno_of 99 0)" = 22
check "too many arguments: EINVAL" test "$(errno_of 0 11)" = 22
check "version answers" eval "rtctl raw 0 0 | grep -qE '^ok out=$UAPI,$ABI([^0-9]|\$)'"
check "target with a bad name pointer: EFAULT" test "$(errno_of 1 6 16 5 0 0 0 0)" = 14
check "target with an empty name: EINVAL" test "$(errno_of 1 6 16 0 0 0 0 0)" = 22
check "target with a bad site pointer: EFAULT" \
	eval "[ \$(rtctl raw 1 6 0 0 0 0 0 0 | sed -n 's/^errno=//p') != 0 ]"
check "target with too few arguments: EINVAL" test "$(errno_of 1 2 16 5)" = 22
check "detach id 0: EINVAL" test "$(errno_of 3 1 0)" = 22
check "detach id 99: EINVAL" test "$(errno_of 3 1 99)" = 22
check "detach of a free slot: ENOENT" test "$(errno_of 3 1 5)" = 2
check "status into a bad pointer: EFAULT" test "$(errno_of 4 3 0 16 72)" = 14
check "status of a free slot: ENOENT" test "$(errno_of 4 3 5 0 72)" = 2
check "list funcs with no room: EINVAL" test "$(errno_of 6 2 0 0)" = 22
check "trace level 9: EINVAL" test "$(errno_of 7 2 0 9)" = 22
check "switch off function 4000: EINVAL" test "$(errno_of 8 2 4000 1)" = 22
check "inject mode 77: EINVAL" test "$(errno_of 9 1 77)" = 22
check "inject nth of an unknown function: EINVAL" test "$(errno_of 9 3 1 4000 1)" = 22
check "leak check of a free slot: ENOENT" test "$(errno_of 10 1 5)" = 2
check "scope of a free slot: ENOENT" test "$(errno_of 11 2 1 5)" = 2
check "scope of driver 0: EINVAL" test "$(errno_of 11 2 1 0)" = 22
check "rule off of pack 0: EINVAL" test "$(errno_of 12 3 0 1 1)" = 22
check "catalog of pack 0 (the runtime): ENOENT" test "$(errno_of 13 3 0 0 0)" = 2
check "catalog of a free pack id: ENOENT" test "$(errno_of 13 3 5 0 0)" = 2
check "catalog of pack 99: ENOENT" test "$(errno_of 13 3 99 0 0)" = 2
check "catalog with too few arguments: EINVAL" test "$(errno_of 13 2 1 0)" = 22
if [ "$RT_CAT" = 1 ]; then
	check "the pack's catalog: its length, then its text" \
		eval "rtctl catalog 1 /root/rt.cat | grep -qE '^len=[1-9][0-9]*$' &&
		      head -n 1 /root/rt.cat | grep -q '^# ddv message catalog'"
	check "catalog with no room answers the whole length" \
		eval "[ \"\$(rtctl raw 13 3 1 0 0)\" = \"ok out=\$(wc -c </root/rt.cat),0\" ]"
	check "catalog into a bad pointer: EFAULT" test "$(errno_of 13 3 1 16 64)" = 14
else
	check "catalog of a pack that carries none: ENOENT" test "$(errno_of 13 3 1 0 0)" = 2
fi
check "attach to a module that is not loaded: ENOENT" \
	eval "rtctl attach $DUT /root/sites.txt 2>&1 | grep -q 'No such file'"

# --- load under ddv: sites patched, calls from every context, leak, violation, tail call
check "target armed" eval "rtctl target $DUT /root/sites.txt | grep -q '^dut 1 '"
check "target twice: refused" eval "! rtctl target $DUT /root/sites2.txt 2>/dev/null"
check "the site table has the tail call" grep -q 'rt_release+0x[0-9a-f]* kfree jmp' /root/sites.txt
check "the driver loads" eval "rtctl load $DUT 'leak=1 zero=1' | grep -q loaded"
check "every site redirected, none refused" \
	eval "dmesg | grep -q 'rt_selftest loading: [1-9][0-9]* call sites redirected, 0 refused'"
check "calls from process, softirq and hardirq context churned" \
	eval "dmesg | grep -qE 'churned process=[1-9][0-9]* softirq=[1-9][0-9]* hardirq=[1-9][0-9]* irq_work=[1-9][0-9]* failed=0 cpus=2'"
calls=$(status_field 1 calls)
check "calls intercepted ($calls)" test "${calls:-0}" -gt 1000
check "leak check on demand: 1 block owned now" eval "rtctl leaks 1 | grep -q '^ok out=1$'"
check "ddv cannot be unloaded while the driver is patched" eval "! rmmod ddv 2>/dev/null"
check "ddv still there" module_loaded ddv
check "the pack cannot be unloaded while the driver is patched" eval "! rmmod rt_pack 2>/dev/null"
check "the driver unloads" rmmod rt_selftest
dump_log load
check "the leak reported twice: on demand, then at unload" \
	eval "[ \$(grep -c 'msg=1:1 args=0x[0-9a-f]*,0x4d\$' /root/load.txt) = 2 ]"
check "the leak names its allocation site (a tail call: rt_leak_one's jmp)" \
	followed_by /root/load.txt 'msg=1:1 ' 'ddv.at .*where=rt_leak_one[+]0x[0-9a-f]+$'
check "the zero-size rule fired" grep -q 'msg=1:2 args=0$' /root/load.txt
check "its call site is in rt_init" followed_by /root/load.txt 'msg=1:2 ' 'ddv.at .*where=rt_init[+]'
check "its stack follows" followed_by /root/load.txt 'ddv.at .*where=rt_init[+]' 'ddv.stack'
check "driver-going says 1 leak" grep -q 'ddv.driver-going args=0x1,0x1,' /root/load.txt
check "no record lost" eval "! grep -q DROP /root/load.txt"

# --- a site table that does not match the module: every site refused, nothing patched
check "detach the armed target" eval "rtctl detach 1 | grep -q ok"
check "target with every site 1 byte off" eval "RTCTL_SKEW=1 rtctl target $DUT /root/skew.txt | grep -q '^dut 1 '"
check "the driver loads and runs unpatched" eval "rtctl load $DUT 'hammer_ms=50' | grep -q loaded"
check "every site refused, none redirected" \
	eval "dmesg | grep -q 'rt_selftest loading: 0 call sites redirected, [1-9][0-9]* refused'"
check "no call reached a wrapper" test "$(status_field 1 calls)" = 0
check "the driver unloads" rmmod rt_selftest
rm -f /root/skew.bin; rtctl drain /root/skew.bin; rtctl dump /root/skew.bin /root/skew.txt >/root/skew.log
check "each refusal logged with its reason (opcode or target)" \
	eval "[ \$(grep -cE 'ddv.site-refused args=0x1,(0|0x[0-9a-f]+),0x[45],' /root/skew.log) = \$(wc -l </root/skew.txt) ]"
check "detach the skewed target" eval "rtctl detach 1 | grep -q ok"
check "re-arm with the right table" eval "rtctl target $DUT /root/sites.txt | grep -q '^dut 1 '"

# --- a leak scope between two points: what init created and kept is live at its end
check "detach the armed target" eval "rtctl detach 1 | grep -q ok"
rtctl target $DUT /root/sites.txt >/dev/null
check "scope begins" eval "rtctl raw 11 2 1 1 | grep -q '^ok out=1,'"
check "a second scope at once: EBUSY" test "$(errno_of 11 2 1 1)" = 16
check "the driver loads keeping 3 blocks" eval "rtctl load $DUT 'nkeep=3 hammer_ms=20' | grep -q loaded"
check "scope ends: 3 objects created in it still live" eval "rtctl raw 11 2 0 1 | grep -q '^ok out=3,'"
check "ending a closed scope: ENOENT" test "$(errno_of 11 2 0 1)" = 2
check "the driver unloads, freeing them" rmmod rt_selftest
dump_log scope
check "the 3 blocks reported with their site" \
	eval "[ \$(grep -A1 'msg=1:1 args=0x[0-9a-f]*,0x30\$' /root/scope.txt | grep -c 'where=rt_init[+]') = 3 ]"
check "scope-end says 3" grep -q 'ddv.scope-end args=0x1,0x1,0x3$' /root/scope.txt
check "no leak at unload" grep -q 'ddv.driver-going args=0x1,0,' /root/scope.txt

# --- a failed init: the leak check runs after it
check "a failing init fails" eval "rtctl load $DUT 'fail_init=1 hammer_ms=0' | grep -q 'load failed: No such device'"
dump_log failinit
check "init-failed reported" grep -q 'ddv.init-failed args=0x1$' /root/failinit.txt
check "the block leaked by the failed init reported" \
	followed_by /root/failinit.txt 'msg=1:1 args=0x[0-9a-f]*,0x4d$' 'where=rt_leak_one[+]'

# --- injection: the nth call of one function, then a random rate
kmalloc=$(func_id $KM)
check "inject: fail the 5th $KM" eval "rtctl inject 1 $kmalloc 5 | grep -q ok"
check "the driver loads with a fault" eval "rtctl load $DUT | grep -q loaded"
check "exactly one allocation failed" eval "dmesg | grep 'churned' | tail -n 1 | grep -q 'failed=1 '"
check "the driver unloads" rmmod rt_selftest
dump_log inject
check "the fault is logged: $KM returned NULL (reason nth-func)" \
	grep -q "ddv.fault-injected args=$(printf '%#x' $kmalloc),0x[0-9a-f]*,0,0x2$" /root/inject.txt
check "with its call site and stack" \
	followed_by /root/inject.txt 'ddv.fault-injected' 'ddv.at .*where=(rt_init|churn)[+]'
check "inject: fail the 3rd fallible call of any function" eval "rtctl inject 2 3 | grep -q ok"
check "the driver loads with that fault" eval "rtctl load $DUT | grep -q loaded"
check "exactly one allocation failed (nth any)" eval "dmesg | grep 'churned' | tail -n 1 | grep -q 'failed=1 '"
check "target of a driver already under ddv: EBUSY" \
	eval "rtctl target $DUT /root/sites3.txt 2>&1 | grep -q 'busy'"
check "the driver unloads" rmmod rt_selftest
dump_log nthany
check "the fault is logged (reason nth-any)" grep -q 'ddv.fault-injected args=0x[0-9a-f]*,0x[0-9a-f]*,0,0x3$' /root/nthany.txt
check "inject: 20% of every fallible function" eval "rtctl inject 3 all 200000 0 | grep -q ok"
check "the driver loads under random faults" eval "rtctl load $DUT | grep -q loaded"
check "some allocations failed" eval "dmesg | grep 'churned' | tail -n 1 | grep -qv 'failed=0 '"
check "injection off" eval "rtctl inject 0 | grep -q ok"
check "the driver unloads" rmmod rt_selftest
check "injected count in status" eval "[ \$(status_field 0 injected) -gt 1 ]"

# --- tracing: every kfree call with its return; on-violation for __kmalloc ($KM)
kfree=$(func_id kfree)
check "trace kfree calls" eval "rtctl trace $kfree 2 | grep -q ok"
check "trace $KM on violation" eval "rtctl trace $kmalloc 1 | grep -q ok"
dump_log discard
check "the driver loads traced" eval "rtctl load $DUT 'zero=1 hammer_ms=20' | grep -q loaded"
check "the driver unloads" rmmod rt_selftest
dump_log trace
check "kfree calls traced with their site" followed_by /root/trace.txt 'msg=1:5 ' 'ddv.at .*where=(rt_release|rt_init|rt_exit)[+]'
check "kfree returns traced" grep -q "ddv.trace-return args=$(printf '%#x' $kfree)," /root/trace.txt
check "on violation: the $KM call is logged before the rule" \
	eval "grep -A2 'msg=1:4 args=0,' /root/trace.txt | grep -q 'msg=1:2 '"
check "untraced $KM calls are not logged" \
	eval "[ \$(grep -c 'msg=1:4 ' /root/trace.txt) = 1 ]"
check "trace off" eval "rtctl trace all 0 | grep -q ok"

check "detach the armed driver" eval "rtctl detach 1 | grep -q ok"
check "kernel sound" kernel_sound
check "the pack unloads" rmmod rt_pack
check "ddv unloads" rmmod ddv
guest_done
JOB

cat >"$vm_work/limits.job" <<'JOB'
. /root/guest-lib.sh
DUT=/root/rt_selftest.ko
status_field() { rtctl status "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
dump_log() {
	rm -f /root/$1.bin
	rtctl drain /root/$1.bin
	rtctl dump /root/$1.bin /root/sites.txt >/root/$1.txt
	cp /root/$1.txt /out/
}

# --- a store of 64 objects and a driver that keeps 200
check "ddv loads with a 64-object store" insmod /root/ddv.ko store_capacity=64
insmod /root/rt_pack.ko
rtctl target $DUT /root/sites.txt >/dev/null
check "the driver keeps 200 blocks" eval "rtctl load $DUT 'nkeep=200 hammer_ms=0' | grep -q loaded"
drops=$(status_field 0 store_drops)
check "store drops counted ($drops)" test "${drops:-0}" -gt 100
check "the store is full, not more" test "$(status_field 0 store_live)" -le 64
check "the driver unloads" rmmod rt_selftest
dump_log store
check "store-full reported" grep -q 'ddv.store-full' /root/store.txt
check "store-full reported a few times, not per drop" \
	eval "[ \$(grep -c 'ddv.store-full' /root/store.txt) -lt 12 ]"
rmmod rt_pack
check "ddv unloads" rmmod ddv

# --- 4 KiB log rings and every call traced
check "ddv loads with 4 KiB log rings" insmod /root/ddv.ko log_ring_bytes=4096
insmod /root/rt_pack.ko
rtctl target $DUT /root/sites.txt >/dev/null
rtctl trace all 2 >/dev/null
check "the driver loads traced" eval "rtctl load $DUT 'hammer_ms=200' | grep -q loaded"
ldrops=$(status_field 0 log_drops)
check "log drops counted ($ldrops)" test "${ldrops:-0}" -gt 1000
dump_log overflow
check "the log says how many records it lost" grep -q 'DROP lost=[1-9]' /root/overflow.txt
check "the decoder found no garbage" grep -q 'errors=0$' /root/overflow.txt
check "the driver unloads" rmmod rt_selftest
rmmod rt_pack
check "ddv unloads" rmmod ddv

# --- an init that does not return in time is reported (hang_seconds=1)
check "ddv loads again, hang check after 1 s" insmod /root/ddv.ko hang_seconds=1
insmod /root/rt_pack.ko
rtctl target $DUT /root/sites.txt >/dev/null
check "a slow init completes" eval "rtctl load $DUT 'hang_ms=2500 hammer_ms=0' | grep -q loaded"
dump_log hang
check "the hang is reported while init runs" grep -q 'ddv.hang args=0x1,0x1,' /root/hang.txt
# Rings are drained CPU by CPU: order the two records by their time stamps.
ts_of() { grep -m 1 "$1" /root/hang.txt | sed -n 's/.* ts=\([0-9]*\) .*/\1/p'; }
check "and before the driver went live" test "$(ts_of ddv.hang)" -lt "$(ts_of ddv.driver-live)"
check "the driver unloads" rmmod rt_selftest
check "detach the armed target" eval "rtctl detach 1 | grep -q ok"

# --- live attach and detach under load on 2 CPUs
check "the driver loads without ddv, churning in the background" \
	eval "rtctl load $DUT 'background=1 hammer_ms=0' | grep -q loaded"
check "target of a loaded driver: EEXIST (attach it instead)" \
	eval "rtctl target $DUT /root/sites3.txt 2>&1 | grep -q 'File exists'"
check "attach patches its core sites, none refused" \
	eval "rtctl attach $DUT /root/sites.txt | grep -qE '^dut 1 sites [0-9]+ patched [1-9][0-9]* refused 0$'"
sleep 1
c1=$(status_field 1 calls)
sleep 1
c2=$(status_field 1 calls)
check "calls arrive after attach ($c1, then $c2)" test "${c2:-0}" -gt "${c1:-0}"
check "ddv cannot be unloaded while attached" eval "! rmmod ddv 2>/dev/null"
check "detach restores and drains" eval "rtctl detach 1 | grep -q ok"
check "detached: dut 1 is gone" eval "! rtctl status 1 2>/dev/null"
sleep 1
check "the driver keeps running after detach" module_loaded rt_selftest
check "the pack unloads while the driver still runs" rmmod rt_pack
check "ddv unloads while the driver still runs" rmmod ddv
check "the driver unloads" rmmod rt_selftest
dump_log none
check "kernel sound" kernel_sound
guest_done
JOB

# The generated pack carries its catalog once ddvc writes one into generated/linux.c.
linux_cat=0
grep -q '\.catalog = ' "$vm_top/generated/linux.c" && linux_cat=1
echo "KM=$km KM_CACHE=$km_cache LINUX_CAT=$linux_cat" >"$vm_work/pack.job"
cat >>"$vm_work/pack.job" <<'JOB'
. /root/guest-lib.sh
DUT=/root/rt_selftest.ko
status_field() { rtctl status "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
dump_log() {
	rm -f /root/$1.bin
	rtctl drain /root/$1.bin
	rtctl dump /root/$1.bin /root/$2 >/root/$1.txt
	cp /root/$1.txt /out/
}
# pack_records FILE: records of the pack (id 1), not the runtime's.
pack_records() { grep -c 'msg=1:' "$1"; }

check "ddv loads" insmod /root/ddv.ko
check "the generated pack (ddv-linux.ko) registers" insmod /root/ddv-linux.ko
if [ "$LINUX_CAT" = 1 ]; then
	check "its catalog (pack 1): the text ddvc wrote" \
		eval "rtctl catalog 1 /root/linux.cat | grep -qE '^len=[1-9][0-9]*$' &&
		      head -n 1 /root/linux.cat | grep -q '^# ddv message catalog'"
else
	check "it carries no catalog: ENOENT" eval "rtctl catalog 1 /root/linux.cat | grep -qx errno=2"
fi
check "it probes $KM_CACHE, $KM and kfree" \
	eval "[ \$(rtctl funcs | awk -v a=$KM_CACHE -v b=$KM '\$3 == a || \$3 == b || \$3 == \"kfree\"' | wc -l) = 3 ]"
rtctl target $DUT /root/sites.txt >/dev/null
check "the self-test driver loads under the generated heap rules" \
	eval "rtctl load $DUT 'leak=1' | grep -q loaded"
check "calls from every context, nothing failed" \
	eval "dmesg | grep -qE 'churned process=[1-9][0-9]* softirq=[1-9][0-9]* hardirq=[1-9][0-9]* irq_work=[1-9][0-9]* failed=0'"
check "the driver unloads" rmmod rt_selftest
dump_log st sites.txt
check "heap.leak (msg 1) reported once, 77 bytes, at rt_leak_one" \
	eval "[ \$(grep -c 'msg=1:1 args=0x[0-9a-f]*,0x4d\$' /root/st.txt) = 1 ] &&
	      grep -A1 'msg=1:1 args' /root/st.txt | grep -q 'where=rt_leak_one[+]'"
check "nothing else from the rules (atomic allocations use GFP_ATOMIC)" test "$(pack_records /root/st.txt)" = 1
rtctl detach 1 >/dev/null

# e1000: load, link up and down, unload: no finding at all.
e1000=$(find /lib/modules/$(uname -r) -name 'e1000.ko*' | head -n 1)
check "e1000.ko found ($e1000)" test -f "$e1000"
check "target e1000" eval "rtctl target $e1000 /root/e1000-sites.txt | grep -q '^dut '"
check "e1000 has a tail-call site" grep -q ' jmp$' /root/e1000-sites.txt
check "e1000 loads" eval "rtctl load $e1000 | grep -q loaded"
check "e1000 patched, no site refused" eval "dmesg | grep -q 'e1000 loading: [1-9][0-9]* call sites redirected, 0 refused'"
ip link set eth0 up
sleep 3
ip link set eth0 down
calls=$(status_field 1 calls)
check "e1000's calls intercepted ($calls)" test "${calls:-0}" -gt 5
check "e1000 unloads" rmmod e1000
dump_log e1000 e1000-sites.txt
check "e1000: no finding, no false leak" test "$(pack_records /root/e1000.txt)" = 0
check "e1000: driver-going says 0 leaks" grep -q 'ddv.driver-going args=0x1,0,' /root/e1000.txt
rtctl detach 1 >/dev/null

# e1000 attached live while its link is up, then detached.
check "e1000 loads without ddv" insmod $e1000
ip link set eth0 up
sleep 1
check "attach to e1000: core sites patched, none refused" \
	eval "rtctl attach $e1000 /root/e1000-sites.txt | grep -qE '^dut 1 sites [0-9]+ patched [1-9][0-9]* refused 0$'"
sleep 4
calls=$(status_field 1 calls)
check "e1000's calls seen after attach ($calls)" test "${calls:-0}" -gt 0
check "detach from e1000" eval "rtctl detach 1 | grep -q ok"
ip link set eth0 down
check "e1000 unloads after detach" rmmod e1000

# Two drivers under test at once: each call and each finding goes to its own driver.
check "target the self-test driver and e1000" \
	eval "rtctl target $DUT /root/sites.txt | grep -q '^dut 1 ' &&
	      rtctl target $e1000 /root/e1000-sites.txt | grep -q '^dut 2 '"
check "both load" eval "rtctl load $e1000 | grep -q loaded && rtctl load $DUT 'leak=1' | grep -q loaded"
ip link set eth0 up
sleep 2
ip link set eth0 down
c1=$(status_field 1 calls)
c2=$(status_field 2 calls)
check "calls counted per driver ($c1, $c2)" eval "[ ${c1:-0} -gt 1000 ] && [ ${c2:-0} -gt 5 ]"
check "both unload" eval "rmmod rt_selftest && rmmod e1000"
dump_log two sites.txt
check "the self-test driver's leak is its own" \
	eval "grep -A1 'msg=1:1 args=0x[0-9a-f]*,0x4d\$' /root/two.txt | grep -q 'ddv.at args=0x1,'"
check "driver 1 went with 1 leak, driver 2 (e1000) with none" \
	eval "grep -q 'ddv.driver-going args=0x1,0x1,' /root/two.txt &&
	      grep -q 'ddv.driver-going args=0x2,0,' /root/two.txt"
rtctl detach 1 >/dev/null
rtctl detach 2 >/dev/null
check "the pack unloads" rmmod ddv-linux
check "ddv unloads" rmmod ddv
check "kernel sound" kernel_sound
guest_done
JOB

opts=(${rt_kver:+--kver "$rt_kver"} --smp 2 --timeout 280 --add "$ddv_ko"
	--add "$st/rt_pack.ko" --add "$st/rt_selftest.ko" --add "$st/rtctl")
vm_job basic "${opts[@]}" --script "$vm_work/rt.job"
expect_kernel_sound "basic: no oops, BUG or warning on the console"
[ "$vm_status" = 0 ] || vm_show_log 60
vm_job limits "${opts[@]}" --script "$vm_work/limits.job"
expect_kernel_sound "limits: no oops, BUG or warning on the console"
[ "$vm_status" = 0 ] || vm_show_log 60
pack_ko=$rt_module_build/generated/ddv-linux.ko
if [ -f "$pack_ko" ]; then
	vm_job pack "${opts[@]}" --add "$pack_ko" --modules e1000 --qemu "-nic user,model=e1000" \
		--script "$vm_work/pack.job"
	expect_kernel_sound "pack: no oops, BUG or warning on the console"
	[ "$vm_status" = 0 ] || vm_show_log 60
else
	fail "pack: generated/ddv-linux.ko built (make modules)"
fi
vm_summary
