#!/bin/bash
# control-fuzz.sh: VM test: /dev/ddv under a hostile user (control-fuzz.c) while e1000 is under test and pings flow: every bad command refused with an errno, no oops or warning, no memory of ddv.ko leaked.
#
# One boot (2 vCPUs, slub_debug=U so that every slab object keeps its allocation stack):
# ddv checks e1000 with traffic through it and dummy loaded (a second module to attach to);
# two control-fuzz processes (seeds CTL_FUZZ_SEED and +1, printed; the same seed sends the
# same commands) send random and mutated commands for CTL_FUZZ_SECONDS each, at most
# CTL_FUZZ_COUNT, counting the answers by errno. Memory of ddv.ko (guest-memory-lib.sh:
# slab objects with a frame of ddv.ko, vmalloc areas it made) is the same after the fuzz as
# before it; once ddv is stopped, none is left with a frame in the old text of ddv.ko or
# its pack.
set -u
. "$(dirname "$0")/lib.sh"

seed=${CTL_FUZZ_SEED:-20261206}
seconds=${CTL_FUZZ_SECONDS:-30}
count=${CTL_FUZZ_COUNT:-200000}

if ! ddv_pieces; then
	fail "$vm_name: ddv is built" "missing:$ddv_missing"
	vm_summary
	exit
fi
mapfile -t ddv_opts < <(ddv_vm_options)
if ! ${CC:-gcc} -Wall -O2 -I"$vm_top/runtime/include" -o "$vm_work/control-fuzz" \
	"$vm_top/tests/vm/control-fuzz.c" 2>"$vm_work/cc.err"; then
	cat "$vm_work/cc.err" >&2
	fail "$vm_name: control-fuzz builds"
	vm_summary
	exit
fi

cat >"$vm_work/fuzz.job" <<JOB
SEED=$seed SECONDS_EACH=$seconds COUNT=$count
JOB
cat >>"$vm_work/fuzz.job" <<'JOB'
. /root/guest-lib.sh
. /root/guest-memory-lib.sh
carrier() { [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" = 1 ]; }
# After ddv stop: the slab objects and the vmalloc areas whose stack or caller has an
# address in the text of the gone modules ("SIZE 0xBASE" lines in $1): %pS prints such an
# address bare (0x and 16 hex digits). Modules lie in 0xffffffffc0000000-0xffffffffff000000:
# the high 32 bits are those of the base, the low 32 bits compare as numbers.
left_behind() {
	{ cat "$1"; echo ===; cat /sys/kernel/debug/slab/*/alloc_traces 2>/dev/null; echo ===;
	  cat /proc/vmallocinfo; } | awk '
		function hex(s,   i, v) {
			v = 0
			for (i = 1; i <= length(s); i++)
				v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return v
		}
		function gone(line,   a, i, n, w) {
			n = split(line, w, /[ \t]+/)
			for (i = 1; i <= n; i++) {
				if (w[i] !~ /^0x[0-9a-f]{16}$/)
					continue
				a = hex(substr(w[i], 11, 8))
				for (m = 0; m < nmods; m++)
					if (substr(w[i], 3, 8) == high[m] && a >= low[m] && a < low[m] + size[m])
						return 1
			}
			return 0
		}
		/^===$/ { part++; next }
		part == 0 { size[nmods] = $1; high[nmods] = substr($2, 3, 8);
			    low[nmods] = hex(substr($2, 11, 8)); nmods++; next }
		function flush() {
			if (hit && !lazy) { objects += n; printf "%s", entry >"/out/left.txt" }
		}
		part == 1 && /^ *[0-9]+ / { flush(); hit = 0; n = $1; entry = ""
					    lazy = $2 ~ /^alloc_vmap_area/ }
		part == 1 { entry = entry $0 "\n" }
		part == 1 && gone($0) { hit = 1 }
		part == 2 && gone($0) { areas++; print >"/out/left.txt" }
		END { flush(); print objects + 0, areas + 0 }'
}
at() { echo "at $(cut -d' ' -f1 /proc/uptime) s: $*"; }
check "slab allocation stacks are kept (slub_debug=U)" \
	test -n "$(cat /sys/kernel/debug/slab/kmalloc-64/alloc_traces 2>/dev/null | head -c 1)"
check "ddv start" ddv start
check "ddv load e1000" ddv load e1000
check "modprobe dummy" modprobe dummy
check "ip link set eth0 up" ip link set eth0 up
check "eth0 gets a carrier" wait_for 20 carrier
ip addr add 10.0.2.15/24 dev eth0
check "ping through e1000 before" ping -c 3 -W 3 10.0.2.2
dut=$(ls /run/ddv | sed -n 's/^dut-\([0-9]*\)\.[0-9]*\.sites$/\1/p' | head -n 1)
echo "e1000 is driver $dut"
( while :; do ping -c 20 -i 0.2 -W 1 10.0.2.2 >/dev/null 2>&1; done ) &
pinger=$!
at "fuzz starts"
ddv status >/out/status.before
slab_entries >/out/slab.before
before=$(ddv_memory)
echo "ddv.ko memory before the fuzz: $before"
control-fuzz --seed "$SEED" --count "$COUNT" --seconds "$SECONDS_EACH" --keep "$dut" \
	>/out/fuzz.1 2>&1 &
f1=$!
control-fuzz --seed "$((SEED + 1))" --count "$COUNT" --seconds "$SECONDS_EACH" --keep "$dut" \
	>/out/fuzz.2 2>&1
s2=$?
wait "$f1"
s1=$?
at "fuzz ends"
cat /out/fuzz.1 /out/fuzz.2
check "fuzz 1: every bad command refused with an errno" test "$s1" = 0
check "fuzz 2: every bad command refused with an errno" test "$s2" = 0
check "fuzz 1: commands were sent" grep -qE '^sent [1-9][0-9]{3,} commands' /out/fuzz.1
check "fuzz: bad commands were among them" grep -qE '; [1-9][0-9]* bad, 0 of them accepted' /out/fuzz.1
kill "$pinger"
wait "$pinger" 2>/dev/null
check "e1000 is still under test" module_loaded e1000
check "ping through e1000 after" ping -c 3 -W 3 10.0.2.2
ddv status >/out/status.after
cat /out/status.before /out/status.after
slab_entries >/out/slab.after
after=$(ddv_memory)
echo "ddv.ko memory after the fuzz: $after"
echo "$before" >/out/memory.before
echo "$after" >/out/memory.after
check "ddv.ko holds the same slab objects and vmalloc areas after the fuzz" test "$before" = "$after"
awk '$1 == "ddv" || $1 == "ddv_linux" { print $2, $6 }' /proc/modules >/tmp/modules
check "the modules' places are known" test "$(grep -c ' 0xffffffff' /tmp/modules)" = 2
ip link set eth0 down
at "ddv stops"
check "ddv unload e1000" ddv unload e1000
check "ddv stop" ddv stop
check "ddv.ko and its pack are gone" eval '! module_loaded ddv && ! module_loaded ddv_linux'
left=$(left_behind /tmp/modules)
echo "after ddv stop: slab objects, vmalloc areas allocated from ddv's old text: $left"
echo "$left" >/out/memory.stopped
check "nothing ddv.ko allocated is left after ddv stop" test "$left" = "0 0"
at "memory counted"
check "no warning or oops" kernel_sound
guest_done
JOB
vm_job fuzz --timeout 300 --smp 2 --nic e1000 --modules dummy --append "slub_debug=U" \
	"${ddv_opts[@]}" --add "$vm_work/control-fuzz:/usr/local/bin/control-fuzz" \
	--add "$vm_top/tests/vm/guest-memory-lib.sh:/root/guest-memory-lib.sh" \
	--script "$vm_work/fuzz.job"
expect_status "the job ran" 0
expect_kernel_sound "the console shows no splat"
[ "$vm_status" = 0 ] || vm_show_log 80
for f in fuzz.1 fuzz.2 memory.before memory.after memory.stopped left.txt; do
	[ -f "$vm_out/$f" ] && sed "s/^/$f: /" "$vm_out/$f" >&2
done
[ -f "$vm_out/slab.after" ] && diff "$vm_out/slab.before" "$vm_out/slab.after" >&2
vm_summary
