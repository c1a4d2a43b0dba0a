# guest-fixture.sh: guest-side helpers of the fixture scenarios; sourced after /root/guest-lib.sh (busybox sh).

# module_state NAME: the state column of /proc/modules (Live, Loading, Unloading).
module_state() { awk -v m="$1" '$1 == m { print $5 }' /proc/modules; }

# dmesg_has REGEX: a kernel log line since boot matches the extended REGEX.
dmesg_has() { dmesg | grep -qE "$1"; }
