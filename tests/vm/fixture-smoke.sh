#!/bin/bash
# fixture-smoke.sh: VM test: every fixture driver loads and unloads without ddv, and its error path behaves as seeded.
#
# Proves the fixtures sound on their own, so that a ddv finding on them is
# about the seeded defect and nothing else: each loads, shows the resource it
# holds, unloads, and leaves the kernel free of warnings and oopses. The error
# paths that ddv reaches by injection are reached here by other means where
# the kernel allows it (a line request_irq refuses; hang_loop's fail_nth).
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

cat >"$vm_work/smoke.job" <<'JOB'
. /root/guest-lib.sh
. /root/guest-fixture.sh

# load_unload MODULE CHECK_WHILE_LOADED: the plain life of a fixture.
load_unload() {
	m=$1
	check "$m: loads" insmod "/root/$m.ko"
	check "$m: $2" eval "$3"
	check "$m: unloads" rmmod "$m"
	check "$m: is gone" module_gone "$m"
	check "$m: kernel sound after" kernel_sound
}

load_unload timer_reinit "re-initialises the timer while armed" \
	"dmesg_has 'timer_reinit: timer initialised again while armed'"
load_unload timer_reinit_clean "re-initialises the timer stopped" \
	"dmesg_has 'timer_reinit_clean: timer initialised again while stopped'"

for m in dma_size dma_size_clean; do
	load_unload $m "registers its platform device" \
		"[ -e /sys/bus/platform/devices/$m ]"
	check "$m: platform device gone after unload" \
		eval "[ ! -e /sys/bus/platform/devices/$m ]"
done

for m in irq_leak irq_leak_clean; do
	load_unload $m "shares IRQ 9" "grep -q '^ *9:.* $m' /proc/interrupts"
	check "$m: line 9 released after unload" \
		eval "! grep -q ' $m' /proc/interrupts"
	# The timer's line is not shared: request_irq fails, the error path runs.
	check "$m: load fails when request_irq fails" \
		eval "! insmod /root/$m.ko irq=0"
	check "$m: not loaded after the failed load" module_gone $m
	check "$m: kernel sound after the failed load" kernel_sound
done

# fails_cleanly MODULE N: with its Nth fallible allocation failed, the load
# fails, the module is gone and the kernel did not complain.
fails_cleanly() {
	check "$1: load fails when allocation $2 fails" \
		eval "! insmod /root/$1.ko fail_nth=$2"
	check "$1: gone after failure $2" module_gone "$1"
	check "$1: kernel sound after failure $2" kernel_sound
}

for m in hang_loop_clean hang_loop; do
	load_unload $m "is listed while loaded" "module_loaded $m"
done
for n in 1 2 3 4; do
	fails_cleanly hang_loop_clean $n
done

for m in unwind_leak unwind_leak_clean; do
	load_unload $m "is listed while loaded" "module_loaded $m"
	for n in 1 2 3 4 5; do
		fails_cleanly $m $n
	done
done

for m in missing_unregister missing_unregister_clean; do
	load_unload $m "registers its PCI driver" "[ -d /sys/bus/pci/drivers/$m ]"
	check "$m: PCI driver gone after unload" \
		eval "[ ! -e /sys/bus/pci/drivers/$m ]"
	fails_cleanly $m 1
	check "$m: no driver left after the early failure" \
		eval "[ ! -e /sys/bus/pci/drivers/$m ]"
	fails_cleanly $m 2
done
check "missing_unregister: driver left registered after the late failure" \
	eval "[ -d /sys/bus/pci/drivers/missing_unregister ]"
check "missing_unregister_clean: no driver left after the late failure" \
	eval "[ ! -e /sys/bus/pci/drivers/missing_unregister_clean ]"

for m in alloc_loop alloc_loop_clean; do
	load_unload $m "is listed while loaded" "module_loaded $m"
	for n in 1 2 5000 10000; do
		fails_cleanly $m $n
	done
done

for m in double_free double_free_clean oops_null oops_null_clean; do
	load_unload $m "is listed while loaded" "module_loaded $m"
done
for n in 1 2 3 8; do
	fails_cleanly double_free_clean $n
done
fails_cleanly oops_null_clean 1
fails_cleanly double_free 1

# oops_probe's probe allocates (its oops, under the device lock, is campaign-oops.sh's).
for m in oops_probe oops_probe_clean; do
	load_unload $m "binds its platform device" "[ -e /sys/bus/platform/drivers/$m/$m ]"
done
check "oops_probe_clean: loads with its probe's allocation failed" \
	insmod /root/oops_probe_clean.ko fail_nth=1
check "oops_probe_clean: its device stays unbound" \
	eval "[ ! -e /sys/bus/platform/drivers/oops_probe_clean/oops_probe_clean ]"
check "oops_probe_clean: unloads" rmmod oops_probe_clean
check "oops_probe_clean: kernel sound after the failed probe" kernel_sound

# Issue 11's fixtures: each defect is made safe (tests/drivers/README).
for m in completion_uninit completion_uninit_clean; do
	load_unload $m "used its completion" "dmesg_has '$m: completion used'"
done
check "completion_uninit: the completion was never initialised" \
	dmesg_has 'completion_uninit: completion used uninitialised'
for m in completion_timeout completion_timeout_clean hrtimer_misuse_clean \
	wait_atomic wait_atomic_clean deferred_unload deferred_unload_clean; do
	load_unload $m "is listed while loaded" "module_loaded $m"
done
load_unload hrtimer_misuse "initialises its hrtimer again while queued" \
	"dmesg_has 'hrtimer_misuse: hrtimer initialised again while queued'"
for m in srcline_leak srcline_leak_clean; do
	load_unload $m "is listed while loaded" "module_loaded $m"
done
for m in tasklet_uninit tasklet_uninit_clean; do
	load_unload $m "ran both tasklets" \
		"sleep 1; dmesg_has '$m: normal tasklet ran' && dmesg_has '$m: hi tasklet ran'"
done

# The defects that leave the kernel marked come last, in this order: a
# warning, an oops, then a load that never returns.
check "double_free: load fails when a descriptor allocation fails" \
	eval "! insmod /root/double_free.ko fail_nth=4"
check "double_free: the kernel saw the second vfree" \
	dmesg_has 'Trying to vfree\(\) nonexistent vm area'

insmod /root/oops_null.ko fail_nth=1
check "oops_null: the loader was killed by the oops" test $? -ge 128
check "oops_null: the kernel oopsed on a NULL pointer" \
	dmesg_has 'BUG: kernel NULL pointer dereference'
check "oops_null: stuck while loading" \
	eval "[ \"\$(module_state oops_null)\" = Loading ]"

insmod /root/hang_loop.ko fail_nth=3 &
loader=$!
sleep 5
check "hang_loop: load still running 5 s after a failed allocation" \
	kill -0 $loader
check "hang_loop: stuck while loading" \
	eval "[ \"\$(module_state hang_loop)\" = Loading ]"
check "hang_loop: another module loads and unloads meanwhile" \
	eval "insmod /root/timer_reinit_clean.ko && rmmod timer_reinit_clean"
check "hang_loop: no soft lockup" eval "! dmesg_has 'soft lockup'"
guest_done
JOB

if fixture_build; then
	# shellcheck disable=SC2046 # one option or path per line, none with blanks
	vm_job smoke --smp 2 --timeout 240 $(fixture_vm_options) \
		--script "$vm_work/smoke.job"
	expect_status "smoke: the job passed" 0
	[ "$vm_status" = 0 ] || vm_show_log 60
fi
vm_summary
