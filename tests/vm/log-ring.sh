#!/bin/bash
# log-ring.sh: VM test: the runtime's default log ring (4 MiB per CPU) holds alloc_loop's 10,000-allocation traced init without loss, ddv start --log-size sizes it, a small ring's losses are counted and shown, and bad sizes are refused with a sentence.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

if ! fixture_build || ! ddv_pieces; then
	fail "log-ring: the fixtures and ddv are built" "missing:${ddv_missing:-fixtures}"
	vm_summary
	exit 1
fi

cat >"$vm_work/ring.job" <<'JOB'
. /root/guest-lib.sh
ring() { cat /sys/module/ddv/parameters/log_ring_bytes; }
# traced_alloc_loop LABEL: every call of alloc_loop's load and unload traced with its stack.
traced_alloc_loop() {
	ddv trace all stack >/dev/null
	ddv load alloc_loop >/dev/null
	ddv unload alloc_loop >/dev/null
	ddv status >/out/$1.status 2>&1
	ddv log --json >/out/$1.json 2>/out/$1.err
	ddv log >/out/$1.txt 2>&1
	ls -l /run/ddv/records | awk '{ print $5 }' >/out/$1.bytes
	{ ls -l /run/ddv; wc -l /out/$1.txt /out/$1.json; cat /out/$1.err; head -3 /out/$1.txt; } >/out/$1.dbg 2>&1
}
drops() { sed -nE 's/^  log drops +([0-9]+).*/\1/p' /out/$1.status | head -n 1; }
returns() { grep -c '"rule":"ddv.trace-return"' /out/$1.json; }

# The default: 4 MiB per CPU on this 1 GiB, 2-vCPU guest (its cap; 1/32 of memory is more).
# 1 GiB: the traced load's log, 20,000 calls with their stacks, is some 20 MB of JSON and
# as much text in the guest's RAM, beside every fixture module: in 512 MiB the logs came back cut short.
ddv start >/out/default.start 2>&1
check "default: ddv start says the ring it took" \
	grep -q 'log ring 4096 KiB per CPU x 2' /out/default.start
check "default: sysfs reads 4 MiB" test "$(ring)" = 4194304
traced_alloc_loop default
check "default: ddv status shows the ring" grep -q '^  log ring  *4096 KiB per CPU x 2$' /out/default.status
check "default: 20,000 traced calls, 0 records lost" test "$(drops default)" = 0
check "default: every one of the 20,000 returns is in the log" test "$(returns default)" = 20000
check "default: no loss record in the log" eval "! grep -q 'ddv.log-lost' /out/default.txt"
ddv stop >/dev/null 2>&1

# A small ring: the same load loses records, counted in status and told in the log.
check "--log-size 64K: ddv start" eval "ddv start --log-size 64K >/out/small.start 2>&1"
check "--log-size 64K: sysfs reads 65536" test "$(ring)" = 65536
traced_alloc_loop small
check "--log-size 64K: ddv status shows the ring" grep -q '^  log ring  *64 KiB per CPU x 2$' /out/small.status
check "--log-size 64K: the losses are counted" test "$(drops small)" -gt 0
check "--log-size 64K: ddv status says what losses cost" \
	grep -q 'records lost: findings may be missing' /out/small.status
check "--log-size 64K: the log says records were lost" grep -q 'ddv.log-lost: [0-9]* records lost on cpu' /out/small.txt
grep -q "ddv.log-lost" /out/small.txt || { head -5 /out/small.txt; tail -5 /out/small.txt; cat /out/small.err; }
check "--log-size 64K: fewer returns in the log than calls" test "$(returns small)" -lt 20000
ddv stop >/dev/null 2>&1

# A PARAM=VALUE after --log-size wins (the runtime's parameter said later).
ddv start --log-size 64K log_ring_bytes=1048576 >/dev/null 2>&1
check "log_ring_bytes= after --log-size wins" test "$(ring)" = 1048576
ddv stop >/dev/null 2>&1

# Bad sizes: usage status 2, an errno and a sentence, no runtime loaded.
for bad in 3000 2G 0 -4K 12Q; do
	ddv start --log-size "$bad" >/out/bad.out 2>&1
	st=$?
	check "--log-size $bad: refused (status 2)" test "$st" = 2
	check "--log-size $bad: says why" \
		grep -qE "^ddv: start: --log-size $bad: .*: Invalid argument$" /out/bad.out
	check "--log-size $bad: no runtime loaded" test ! -e /sys/module/ddv
done
check "no warning or oops" kernel_sound
guest_done
JOB
# shellcheck disable=SC2046 # one option or path per line, none with blanks
vm_job log-ring --smp 2 --mem 1G --timeout 600 $(ddv_vm_options) $(fixture_vm_options) --script "$vm_work/ring.job"
expect_status "log-ring: the job ran" 0
expect_kernel_sound "log-ring: the console shows no splat"
# The small ring's log, for the record when a check above failed.
[ "$vm_failed" = 0 ] || cat "$vm_out/small.dbg" "$vm_out/default.dbg" >&2
if [ -f "$vm_out/default.bytes" ]; then
	echo "note: alloc_loop traced with stacks: $(cat "$vm_out/default.bytes") bytes of records for 20000 calls"
fi
vm_summary
