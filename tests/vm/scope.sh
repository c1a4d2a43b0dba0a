#!/bin/bash
# scope.sh: VM test: ddv scope begin/end NAME DRIVER on e1000: objects made between the two points and still held are leaks (link up alone), none when the link goes down again.
set -u
. "$(dirname "$0")/lib.sh"

if ! ddv_pieces; then
	fail "scope: ddv is built" "missing:$ddv_missing"
	vm_summary
	exit
fi
mapfile -t ddv_opts < <(ddv_vm_options)

cat >"$vm_work/scope.job" <<'JOB'
. /root/guest-lib.sh
carrier() { [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" = 1 ]; }
up() { [ -e /sys/class/net/eth0 ]; }
check "ddv start" ddv start
check "ddv load e1000" ddv load e1000
check "eth0 appears" wait_for 10 up
check "scope end without begin is refused" sh -c '! ddv scope end updown e1000'
check "scope of a driver not under test is refused" sh -c '! ddv scope begin x 8139cp'
# Up and down: the rings made at up are freed at down: nothing left.
check "ddv scope begin updown e1000" ddv scope begin updown e1000
check "a second scope at once is refused" sh -c '! ddv scope begin other e1000'
ip link set eth0 up
check "eth0 gets a carrier" wait_for 20 carrier
ip link set eth0 down
check "scope end with another name is refused" sh -c '! ddv scope end other e1000'
ddv scope end updown e1000 >/out/updown.txt 2>&1
echo "status $?" >>/out/updown.txt
cat /out/updown.txt
check "scope updown ends with nothing live" grep -q '^status 0$' /out/updown.txt
# Up only: what up made is still held at the end of the scope: leaks of this scope.
check "ddv scope begin uponly e1000" ddv scope begin uponly e1000
ip link set eth0 up
check "eth0 gets a carrier again" wait_for 20 carrier
ddv scope end uponly e1000 >/out/uponly.txt 2>&1
echo "status $?" >>/out/uponly.txt
cat /out/uponly.txt
check "scope uponly ends with objects live (status 3)" grep -q '^status 3$' /out/uponly.txt
check "scope uponly names a positive count" grep -qE 'ends: [1-9][0-9]* objects? created in it still live' /out/uponly.txt
ddv report --json >/out/report.json 2>&1
ddv report
check "the report has the scope's leaks with their allocation sites" \
	sh -c 'grep -c "\"rule\":\"[a-z]*\.leak\"" /out/report.json | grep -qv "^0$"'
ip link set eth0 down
# The scope closed: the unload's own leak check finds nothing (down freed the rings).
check "ddv unload e1000" ddv unload e1000
check "no warning or oops" kernel_sound
guest_done
JOB
vm_job scope --timeout 240 --nic e1000 "${ddv_opts[@]}" --script "$vm_work/scope.job"
expect_status "scope: the job ran" 0
expect_kernel_sound "scope: the console shows no splat"
vm_summary
