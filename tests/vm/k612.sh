#!/bin/bash
# k612.sh: VM test: ddv on Debian's 6.12 kernel: ddv.ko, the pack and fixtures built against 6.12's headers; e1000's clean life and injected failures, two fixtures and their twins, call-depth tracking on.
#
# The 6.1 scenarios use the main build tree. This one configures its own tree
# (DDV_BUILD_DIR/k612, configured once with --with-kernel=the 6.12 headers), runs
# `make modules` there, builds the fixture drivers it needs against the same headers,
# and boots Debian's 6.12 (vm/run --kver) with the ddv command of the main tree (user
# space: the same for both kernels). One VM:
#   e1000:      ddv load, link up, ping, link down, ddv unload: no finding, no site
#               refused (6.12's module text, kmalloc's *_noprof symbols, skb frees...);
#   e1000 nth:  the 4th fallible call of the load fails; the driver unwinds; no finding;
#   dma_size, timer_reinit: their rule and only it; the clean twins: nothing;
#   lk_mutex_static, lk_rcu_unbarriered: a DEFINE_MUTEX left locked (in the module's
#               data area) and a callback of the module's text queued without a barrier,
#               each found by ddv_in_driver over 6.12's module_memory areas; the twins clean;
#   famfx_rcu:  the same with the callback in its family's helper: reported as a family,
#               nothing --alone (the helper another module's);
#   virtio_net: its probe's 3rd fallible call fails: ddv reports the leak of vi->rss_hdr
#               (a real defect of Debian's 6.12), and only that;
#   iounmap:    dma_set_mask fails: e1000's unwind calls iounmap(NULL), which 6.12 warns
#               about: ddv reports pci.iounmap-null, and only that.
# A second VM turns call-depth tracking on (a Skylake CPU model, retbleed=stuff): the
# kernel rewrites the driver's calls to the APIs' accounting thunks when it loads; ddv
# must redirect those sites too (none refused), at load and by a live attach.
#
# scripts/test-vm fetches the kernel named here before the scenarios start:
# vm-kernel: 6.12.107+deb12-amd64
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

kver=${DDV_K612_KVER:-$(sed -n 's/^# vm-kernel: *//p' "$0")}
# The headers are fetched into the VM cache (vm/fetch-kernel --headers), never installed:
# Debian's headers package would pull the 6.12 image onto the host.
kdir=$("$vm_top/vm/fetch-kernel" --kver "$kver" --headers --print) || kdir=
k612=$vm_build/k612
[ -d "$vm_build" ] && [ -w "$vm_build" ] || k612=$vm_work/k612
fixture_ko=$k612/fixtures
fixtures="dma_size dma_size_clean timer_reinit timer_reinit_clean lk_mutex_static
	lk_mutex_static_clean lk_rcu_unbarriered lk_rcu_unbarriered_clean famfx_helper famfx_rcu
	famfx_rcu_clean"


if [ ! -f "$kdir/Makefile" ]; then
	fail "build: the $kver headers are fetched" "vm/fetch-kernel --kver $kver --headers failed"
	vm_summary
	exit
fi
# shellcheck disable=SC2086 # one module a word
if ! vm_kernel_fixtures "$k612" "$kdir" "$fixture_ko" $fixtures >"$vm_work/build-612.out" 2>&1; then
	cat "$vm_work/build-612.out" >&2
	fail "build: ddv.ko, ddv-linux.ko and the fixtures build against $kver"
	vm_summary
	exit
fi
pass "build: ddv.ko, ddv-linux.ko and the fixtures build against $kver"
for f in $fixtures; do
	check_host "build: $f.ko is built for $kver" \
		sh -c "modinfo -F vermagic '$fixture_ko/$f.ko' | grep -q '^$kver '"
done
check_host "build: ddv.ko is built for $kver" \
	sh -c "modinfo -F vermagic '$k612/runtime/linux/ddv.ko' | grep -q '^$kver '"

# The command from the main tree, the modules (the packs carry their catalogs) from the 6.12 tree.
if ! ddv_pieces "$k612"; then
	fail "build: ddv is built" "missing:$ddv_missing"
	vm_summary
	exit
fi

cat >"$vm_work/guest-e1000.sh" <<'EOF'
# status_sound FILE: `ddv status` says the driver's calls were seen, its sites
# redirected and none refused.
status_sound() {
	awk '$1 == "driver" { driver = 1 }
		driver && $1 == "calls" { calls = $2 }
		driver && $1 == "sites" { sites = $2; refused = $4 }
		END { exit !(calls > 0 && sites > 0 && refused == 0) }' "$1"
}

carrier() { [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" = 1 ]; }
bound_to_e1000() {
	[ "$(basename "$(readlink /sys/class/net/eth0/device/driver)")" = e1000 ]
}
EOF

cat >"$vm_work/e1000.job" <<EOF
check "the guest runs $kver" test "\$(uname -r)" = "$kver"
EOF
cat >>"$vm_work/e1000.job" <<'EOF'
. /root/guest-e1000.sh
mkdir -p /out/e1000 /out/nth
check "e1000: ddv start" ddv start
check "e1000: ddv load e1000" ddv load e1000
check "e1000: eth0 appears, bound to e1000" wait_for 10 bound_to_e1000
check "e1000: ip link set eth0 up" ip link set eth0 up
check "e1000: eth0 gets a carrier" wait_for 20 carrier
ip addr add 10.0.2.15/24 dev eth0
check "e1000: ping the gateway through e1000" ping -c 3 -W 3 10.0.2.2
check "e1000: ip link set eth0 down" ip link set eth0 down
ddv status >/out/e1000/status.txt 2>&1
cat /out/e1000/status.txt
check "e1000: ddv redirected the call sites, refused none, saw calls" status_sound /out/e1000/status.txt
check "e1000: ddv unload e1000" ddv unload e1000
check "e1000: e1000 is unloaded" module_gone e1000
ddv report --json >/out/e1000/report.json 2>/out/e1000/report.err
cat /out/e1000/report.json /out/e1000/report.err
check "e1000: ddv report: zero findings, nothing lost" report_clean /out/e1000/report.json
ddv log >/out/e1000/log.txt 2>&1
check "e1000: ddv saw the driver's calls" grep -qE 'driver-going: .* [1-9][0-9]* calls seen' /out/e1000/log.txt
check "e1000: ddv stop" ddv stop

# One injected failure: the 4th fallible call of the load.
check "e1000 nth 4: ddv start" ddv start
check "e1000 nth 4: ddv inject nth-any 4" ddv inject nth-any 4
ddv load e1000 >/out/nth/load.out 2>&1
echo "ddv load e1000 with nth-any 4: status $?"
ddv inject off
if module_loaded e1000; then
	ddv unload e1000 >>/out/nth/load.out 2>&1
fi
cat /out/nth/load.out
check "e1000 nth 4: e1000 is unloaded after the failure" module_gone e1000
ddv report --json >/out/nth/report.json 2>/out/nth/report.err
cat /out/nth/report.json /out/nth/report.err
check "e1000 nth 4: one fault injected" test "$(summary_field /out/nth/report.json faults_injected)" = 1
check "e1000 nth 4: no false finding" report_clean /out/nth/report.json
check "e1000 nth 4: ddv stop" ddv stop
EOF

# A defect of 6.12's virtio_net: when virtnet_probe fails after it allocated vi->rss_hdr
# (10 bytes with qemu's rss=off; drivers/net/virtio_net.c, 6.12.117:6624), no label of
# its error path frees it (only virtnet_remove does). Upstream moved it to devres
# (4944be2f5ad8c); Debian's 6.12 still leaks it. Here the probe's 3rd fallible call
# fails. (virtio_pci is built into 6.12: the device is there before virtio_net loads.)
cat >"$vm_work/virtio.job" <<'EOF'
mkdir -p /out/virtio
check "virtio_net nth 3: ddv start" ddv start
check "virtio_net nth 3: ddv inject nth-any 3" ddv inject nth-any 3
ddv load virtio_net >/out/virtio/load.out 2>&1
ddv inject off
if module_loaded virtio_net; then
	ddv unload virtio_net >>/out/virtio/load.out 2>&1
fi
cat /out/virtio/load.out
ddv report --json >/out/virtio/report.json 2>/out/virtio/report.err
cat /out/virtio/report.json /out/virtio/report.err
check "virtio_net nth 3: one fault injected" \
	test "$(summary_field /out/virtio/report.json faults_injected)" = 1
check "virtio_net nth 3: ddv reports vi->rss_hdr (10 bytes, virtnet_probe+0x44a) never freed" \
	grep -q '"rule":"heap.leak".*"allocation_site":{"function":"virtnet_probe","offset":1098,.*"size":10' \
	/out/virtio/report.json
check "virtio_net nth 3: every finding is that leak" \
	sh -c '! grep "\"rule\"" /out/virtio/report.json | grep -v "\"summary\"" |
		grep -v "\"allocation_site\":{\"function\":\"virtnet_probe\",\"offset\":1098,"'
check "virtio_net nth 3: ddv stop" ddv stop
EOF

# Failing e1000's dma_set_mask: its probe unwinds through iounmap of the CE4100 MDIO
# base it never mapped (NULL), which 6.12 warns about (6.1 returned quietly). Last in
# this VM: the kernel's warning taints it.
cat >"$vm_work/iounmap.job" <<'EOF'
mkdir -p /out/iounmap
check "iounmap: ddv start" ddv start
check "iounmap: ddv inject nth dma_set_mask 1" ddv inject nth dma_set_mask 1
ddv load e1000 >/out/iounmap/load.out 2>&1
echo "ddv load e1000 failing dma_set_mask: status $?"
ddv inject off
if module_loaded e1000; then
	ddv unload e1000 >>/out/iounmap/load.out 2>&1
fi
cat /out/iounmap/load.out
check "iounmap: e1000 is unloaded" module_gone e1000
ddv report --json >/out/iounmap/report.json 2>/out/iounmap/report.err
echo $? >/out/iounmap/report.status
cat /out/iounmap/report.json /out/iounmap/report.err
check "iounmap: ddv stop" ddv stop
check "iounmap: the kernel warns in iounmap as well" \
	dmesg_has 'WARNING: .* at arch/x86/mm/ioremap.c:[0-9]+ iounmap'
EOF

fixture_session dma_size dma_size ok
fixture_session dma_size_clean dma_size_clean ok
fixture_session timer_reinit timer_reinit ok
fixture_session timer_reinit_clean timer_reinit_clean ok
fixture_session lk_mutex_static lk_mutex_static ok
fixture_session lk_mutex_static_clean lk_mutex_static_clean ok
fixture_session lk_rcu_unbarriered lk_rcu_unbarriered ok
fixture_session lk_rcu_unbarriered_clean lk_rcu_unbarriered_clean ok
fixture_session fam_rcu famfx_rcu ok
fixture_session fam_rcu_clean famfx_rcu_clean ok
fixture_sessions="${fixture_sessions}load_opts=--alone
"
fixture_session fam_rcu_alone famfx_rcu ok
fixture_sessions="${fixture_sessions}load_opts=
rmmod famfx_helper
"
{
	echo ". /root/guest-lib.sh"
	echo ". /root/guest-fixture.sh"
	cat "$vm_work/e1000.job"
	echo "$fixture_guest_session"
	echo "$fixture_sessions"
	cat "$vm_work/virtio.job"
	echo 'check "no warning or oops before the iounmap case" kernel_sound'
	cat "$vm_work/iounmap.job"
	echo "guest_done"
} >"$vm_work/k612.job"

mapfile -t ddv_opts < <(ddv_vm_options)
# shellcheck disable=SC2046 # one option or path per line, none with blanks
vm_job plain --kver "$kver" --smp 2 --timeout 300 --nic e1000 --nic virtio-net-pci \
	"${ddv_opts[@]}" \
	--add "$vm_work/guest-e1000.sh:/root/guest-e1000.sh" \
	$(fixture_vm_options) --script "$vm_work/k612.job"
expect_status "plain: the job ran" 0
expect_no_log "plain: the console shows no oops or BUG" \
	'Oops|BUG:|general protection|soft lockup|hung_task|Kernel panic'
check_host "plain: the console's only warning is iounmap's" \
	test "$(grep -c 'WARNING:' "$vm_log")" = "$(grep -c 'WARNING: .* iounmap' "$vm_log")"
[ "$vm_status" = 0 ] || vm_show_log 80
echo "k612: the VM took $vm_elapsed s" >&2
# vm_job reuses vm_out: keep the first VM's reports for the fixtures' cases below.
fixture_out=$vm_out

# Call-depth tracking on: every direct call of the driver into the kernel goes through
# the callee's accounting thunk (the callee's address - 9).
cat >"$vm_work/stuff.job" <<'EOF'
. /root/guest-lib.sh
. /root/guest-e1000.sh
mkdir -p /out/stuff
check "the kernel tracks call depth (RETBleed: Mitigation: Stuffing)" \
	sh -c 'dmesg | grep -q "RETBleed: Mitigation: Stuffing"'
check "ddv start" ddv start
check "ddv load e1000" ddv load e1000
check "eth0 appears, bound to e1000" wait_for 10 bound_to_e1000
check "ip link set eth0 up" ip link set eth0 up
check "eth0 gets a carrier" wait_for 20 carrier
ip addr add 10.0.2.15/24 dev eth0
check "ping the gateway through e1000" ping -c 3 -W 3 10.0.2.2
ip link set eth0 down
ddv status >/out/stuff/status.txt 2>&1
cat /out/stuff/status.txt
check "the thunked call sites redirected, none refused" status_sound /out/stuff/status.txt
check "ddv unload e1000" ddv unload e1000
ddv report --json >/out/stuff/report.json 2>&1
cat /out/stuff/report.json
check "ddv report: zero findings, nothing lost" report_clean /out/stuff/report.json
check "ddv stop" ddv stop
# Live attach patches the running driver's core text on both CPUs.
check "attach: modprobe e1000" modprobe e1000
check "attach: eth0 appears" wait_for 10 bound_to_e1000
ip link set eth0 up
check "attach: ddv start" ddv start
check "attach: ddv attach e1000" ddv attach e1000
check "attach: eth0 gets a carrier" wait_for 20 carrier
ip addr add 10.0.2.15/24 dev eth0
check "attach: ping through the attached e1000" ping -c 3 -W 3 10.0.2.2
ddv status >/out/stuff/attach-status.txt 2>&1
cat /out/stuff/attach-status.txt
check "attach: core call sites redirected, none refused" status_sound /out/stuff/attach-status.txt
check "attach: ddv unload e1000" ddv unload e1000
ddv report --json >/out/stuff/attach.json 2>&1
cat /out/stuff/attach.json
check "attach: zero findings, nothing lost" report_clean /out/stuff/attach.json
check "attach: ddv stop" ddv stop
check "no warning or oops" kernel_sound
guest_done
EOF
vm_job stuff --kver "$kver" --smp 2 --timeout 240 --nic e1000 --cpu Skylake-Client \
	--append "retbleed=stuff spectre_v2=retpoline" "${ddv_opts[@]}" \
	--add "$vm_work/guest-e1000.sh:/root/guest-e1000.sh" --script "$vm_work/stuff.job"
expect_status "stuff: the job ran" 0
expect_kernel_sound "stuff: the console shows no splat"
[ "$vm_status" = 0 ] || vm_show_log 80
echo "k612: the call-depth tracking VM took $vm_elapsed s" >&2


# The fixtures' findings, judged on the host as the 6.1 scenarios judge them.
vm_out=$fixture_out
fixture_use dma_size
fixture_expect_rule dma_size dma.free-size
site=$(fixture_site dma_size dma_free_attrs)
check_host "dma_size: the finding names the free in exit, $site" \
	test "$(fixture_report_site dma.free-size site)" = "$site"
fixture_use dma_size_clean
fixture_expect_clean dma_size_clean
fixture_use timer_reinit
fixture_expect_rule timer_reinit timer.init-armed
site=$(fixture_site timer_reinit init_timer_key 2)
check_host "timer_reinit: the finding names the second timer_setup, $site" \
	test "$(fixture_report_site timer.init-armed site)" = "$site"
fixture_use timer_reinit_clean
fixture_expect_clean timer_reinit_clean
for f in lk_mutex_static:lock.mutex-freed-locked lk_rcu_unbarriered:rcu.callback-unbarriered \
	fam_rcu:rcu.callback-unbarriered; do
	fixture_use "${f%%:*}"
	fixture_expect_rule "${f%%:*}" "${f#*:}"
done
for f in lk_mutex_static_clean lk_rcu_unbarriered_clean fam_rcu_clean fam_rcu_alone; do
	fixture_use "$f"
	fixture_expect_clean "$f"
done
fixture_use iounmap
fixture_expect_rule iounmap pci.iounmap-null
fixture_expect_injected iounmap

vm_summary
