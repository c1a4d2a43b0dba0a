#!/bin/bash
# unprivileged.sh: VM test: /dev/ddv is root's: a user (uid 65534, no capabilities) is refused at open even when the node is opened to all, on every control op through a descriptor root handed down, and on the log; the ddv command says so with an errno and a sentence.
#
# Three checks stand between a user and the runtime, and each has cases that
# fail without it: the node's mode (0600), the capability check at open
# (the node chmod 0666), and the capability check of each control op (a
# descriptor root opened, inherited across the drop to uid 65534 by
# `rtctl as`, which uses setresuid).
set -u
. "$(dirname "$0")/lib.sh"

st=$vm_work/rt-selftest
if ! ddv_pieces; then
	fail "unprivileged: ddv is built" "missing:$ddv_missing"
	vm_summary
	exit 1
fi
if ! "$vm_top/tests/drivers/rt-selftest/build" "$st" "$vm_build" >"$vm_work/build.out" 2>&1; then
	cat "$vm_work/build.out" >&2
	fail "unprivileged: rtctl builds"
	vm_summary
	exit 1
fi

# The control version the runtime answers, and every opcode (enum ddv_op, uapi.h).
uapi=$(sed -n 's/^#define DDV_UAPI_VERSION \([0-9]*\).*/\1/p' "$vm_top/runtime/include/ddv/uapi.h")
nops=$(awk '/^enum ddv_op \{/ { on = 1; next } on && /DDV_OP_COUNT/ { print n; exit }
	on && /^\tDDV_OP_[A-Z_]*,/ { n++ }' "$vm_top/runtime/include/ddv/uapi.h")
{
echo "uapi=$uapi nops=$nops"
cat <<'JOB'
. /root/guest-lib.sh
# A copy the user may execute, wherever --add put the original.
cp "$(command -v rtctl)" /tmp/rtctl && chmod 755 /tmp/rtctl
# user CMD...: CMD as uid/gid 65534 with no groups; its stderr in /out/err, status in $st.
user() {
	/tmp/rtctl as 65534 "$@" >/out/stdout 2>/out/err
	st=$?
	cat /out/stdout /out/err
}
said() { grep -qxF "$1" /out/err; }
# User's exit status 1 and exactly this message.
refused() { [ "$st" = 1 ] && said "$1"; }

check "ddv start" eval "ddv start >/dev/null"
check "/dev/ddv is crw------- root root" \
	eval "ls -l /dev/ddv | grep -qE '^crw------- +1 root +root '"
user grep -E '^(Uid|Gid|CapEff|CapPrm):' /proc/self/status
check "the user is uid 65534 with no capabilities" \
	eval "grep -qE '^Uid:\s+65534\s+65534\s+65534' /out/stdout &&
		grep -qE '^CapEff:\s+0+$' /out/stdout && grep -qE '^CapPrm:\s+0+$' /out/stdout"

# Any user lists a module's call sites, the runtime loaded or not: the names come
# from the pack modules then (ddv.ko itself is a module with calls to list).
user ddv sites /usr/local/lib/ddv/modules/ddv.ko
check "a user lists a module's sites with the runtime loaded (from the pack modules)" \
	eval "[ $st = 0 ] && grep -q '^ddv: [0-9]* sites' /out/stdout"

# 1: the node's mode.
user ddv status
check "mode 0600: ddv status refused, errno and sentence" \
	refused "ddv: /dev/ddv: the runtime's control is for root (CAP_SYS_ADMIN): Permission denied"
user ddv log
check "mode 0600: ddv log refused, errno and sentence" \
	refused "ddv: /dev/ddv: the runtime's log is for root (CAP_SYS_ADMIN): Permission denied"

# 2: the node opened to all: the runtime's own check at open refuses.
chmod 666 /dev/ddv
user ddv status
check "node 0666: ddv status refused (EPERM), errno and sentence" \
	refused "ddv: /dev/ddv: the runtime's control is for root (CAP_SYS_ADMIN): Operation not permitted"
user ddv log
check "node 0666: ddv log refused (EPERM), errno and sentence" \
	refused "ddv: /dev/ddv: the runtime's log is for root (CAP_SYS_ADMIN): Operation not permitted"
user ddv report --json
check "node 0666: ddv report refused (EPERM), errno and sentence" \
	refused "ddv: /dev/ddv: the runtime's log is for root (CAP_SYS_ADMIN): Operation not permitted"
user ddv inject nth-any 1
check "node 0666: ddv inject refused (EPERM), errno and sentence" \
	refused "ddv: /dev/ddv: the runtime's control is for root (CAP_SYS_ADMIN): Operation not permitted"
user ddv trace all stack
check "node 0666: ddv trace refused (EPERM)" \
	refused "ddv: /dev/ddv: the runtime's control is for root (CAP_SYS_ADMIN): Operation not permitted"
user /tmp/rtctl drain /tmp/user.bin
check "node 0666: reading the log refused at open (EPERM)" \
	eval "[ $st = 1 ] && said '/dev/ddv: Operation not permitted' && [ ! -s /tmp/user.bin ]"
user /tmp/rtctl raw 0 0
check "node 0666: a raw control op refused at open (EPERM)" \
	eval "[ $st = 1 ] && said '/dev/ddv: Operation not permitted'"
chmod 600 /dev/ddv

# 3: a descriptor root opened, handed down: each control op checks its caller.
check "root through an inherited descriptor: version answers" \
	eval "RTCTL_FD=3 /tmp/rtctl raw 0 0 3<>/dev/ddv | grep -q '^ok out=$uapi,'"
for op in $(seq 0 $((nops - 1))) 99; do
	RTCTL_FD=3 /tmp/rtctl as 65534 /tmp/rtctl raw "$op" 0 3<>/dev/ddv >/out/op.$op 2>&1
	check "inherited descriptor: op $op as the user: EPERM" grep -qx 'errno=1' /out/op.$op
done

# Nothing the user tried reached the runtime.
ddv status >/out/status.txt 2>&1
check "root's ddv status still works" test $? = 0
check "no fault was armed or injected" grep -qE '^  faults injected +0$' /out/status.txt
check "ddv stop" ddv stop
check "no warning or oops" kernel_sound
guest_done
JOB
} >"$vm_work/unpriv.job"
# shellcheck disable=SC2046 # one option or path per line, none with blanks
vm_job unprivileged --timeout 300 $(ddv_vm_options) --add "$st/rtctl" --script "$vm_work/unpriv.job"
expect_status "unprivileged: the job ran" 0
expect_kernel_sound "unprivileged: the console shows no splat"
vm_summary
