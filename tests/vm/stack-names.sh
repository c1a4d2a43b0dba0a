#!/bin/bash
# stack-names.sh: VM test: stacks in ddv report and ddv log name the driver's frames (function+offset [module]) after the driver is gone: timer_reinit's violation reported after ddv unload, double_free's double free and alloc_loop's injected fault and leak after a failed init, and double_free attached live (ddv attach) and poked to double-free, reported and logged after ddv unload; without the symbols ddv load or ddv attach kept, the same frames are numbers; source lines from the fixtures' DWARF (a frame's, and srcline_leak's leak allocated in an inlined helper, in the guest and on the host).
#
# /proc/kallsyms forgets a module when it goes (and its init text when init
# ends), so these frames can only be named from what ddv load kept of the
# module's own symbols (cli/lib/modsyms.c), placed by the records' call sites.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

if ! fixture_build || ! ddv_pieces; then
	fail "stack-names: the fixtures and ddv are built" "missing:${ddv_missing:-fixtures}"
	vm_summary
	exit 1
fi

cat >"$vm_work/names.job" <<'JOB'
. /root/guest-lib.sh
. /root/guest-fixture.sh
# A violation while loaded, reported after the unload.
check "ddv start" eval "ddv start >/dev/null"
check "ddv load timer_reinit" eval "ddv load timer_reinit >/dev/null"
check "ddv unload timer_reinit" eval "ddv unload timer_reinit >/dev/null"
check "timer_reinit is gone" module_gone timer_reinit
check "ddv kept timer_reinit's symbols" test -s /run/ddv/symbols.timer_reinit
ddv report --json >/out/timer.json 2>/out/timer.err
mv /run/ddv/symbols.timer_reinit /run/ddv/kept.timer_reinit
ddv report --json >/out/timer-nosyms.json 2>&1
check "ddv stop" eval "ddv stop >/dev/null"
check "no warning or oops so far" kernel_sound
# A fault injected in init, then a double free in its unwind: the module never lived.
# (vfree warns of the second free: the seeded defect; no oops.)
check "ddv start again" eval "ddv start >/dev/null"
check "ddv inject nth-any 2" eval "ddv inject nth-any 2 >/dev/null"
ddv load double_free >/dev/null 2>&1
check "double_free's init fails as injected (status 4)" test $? = 4
check "double_free is gone" module_gone double_free
ddv report --json >/out/df.json 2>/out/df.err
mv /run/ddv/symbols.double_free /run/ddv/kept.double_free
ddv report --json >/out/df-nosyms.json 2>&1
check "ddv stop again" eval "ddv stop >/dev/null"
# A leak after a failed init: its allocation frame, and the injected fault's stack.
check "ddv start a third time" eval "ddv start >/dev/null"
check "ddv inject nth kmalloc 5000" eval "ddv inject nth kmalloc 5000 >/dev/null"
ddv load alloc_loop >/dev/null 2>&1
check "alloc_loop's init fails as injected (status 4)" test $? = 4
ddv log --json >/out/al-log.json 2>/out/al-log.err
ddv report --json >/out/al.json 2>/out/al.err
check "ddv stop a third time" eval "ddv stop >/dev/null"
# A live attach to double_free loaded without ddv; a double free poked after
# the attach, reported and logged after ddv unload. (On CPU 0, as in
# fixture-double_free.sh: the decoder must see the attach record first.)
check "double_free loads without ddv" insmod /root/double_free.ko
check "ddv start a fourth time" eval "ddv start >/dev/null"
check "ddv attach double_free" eval "taskset 1 ddv attach double_free >/dev/null"
check "poke double-free" taskset 1 sh -c "echo double-free >/sys/module/double_free/parameters/poke"
check "ddv unload double_free (attached)" eval "ddv unload double_free >/dev/null"
check "double_free is gone after the attach" module_gone double_free
check "ddv attach kept double_free's symbols" test -s /run/ddv/symbols.double_free
ddv report --json >/out/at.json 2>/out/at.err
ddv report >/out/at.txt 2>&1
ddv log --json >/out/at-log.json 2>&1
ddv log >/out/at-log.txt 2>&1
mv /run/ddv/symbols.double_free /run/ddv/kept.double_free
ddv report --json >/out/at-nosyms.json 2>&1
check "ddv stop a fourth time" eval "ddv stop >/dev/null"
# Source lines: a leak allocated in an inlined helper, and its clean twin;
# the state kept for a report on the host.
for m in srcline_leak srcline_leak_clean; do
	check "$m: ddv start" eval "ddv start >/dev/null"
	check "$m: ddv load" eval "ddv load $m >/dev/null"
	check "$m: ddv unload" eval "ddv unload $m >/dev/null"
	ddv report --json >/out/$m.json 2>/out/$m.err
	echo $? >/out/$m.status
	ddv report >/out/$m.txt 2>&1
	ddv report --format ktap >/out/$m.ktap 2>&1
	cp -r /run/ddv /out/$m-state
	check "$m: ddv stop" eval "ddv stop >/dev/null"
done
check "no oops" eval "! dmesg | grep -qE 'BUG:|Oops|general protection'"
guest_done
JOB
# shellcheck disable=SC2046 # one option or path per line, none with blanks
vm_job names --smp 2 --timeout 300 $(ddv_vm_options) $(fixture_vm_options) --script "$vm_work/names.job"
expect_status "stack-names: the job ran" 0

# after SITE: the return address of a call site, as a frame: "func+0xoff" -> "func+0x(off+5)".
after() { printf '%s+%#x' "${1%+*}" $((${1##*+} + 5)); }
# first_frames FILE RULE: the stack_symbols of RULE's first record in FILE, " | " between.
first_frames() {
	jq -r --arg rule "$2" 'select(.rule == $rule) | .stack_symbols | map(. // "null") | join(" | ")' \
		"$1" 2>/dev/null | head -n 1
}
# frames_match FRAMES REGEX: the frames, joined, match the extended REGEX.
frames_match() { printf '%s\n' "$1" | grep -qE "$2"; }
# all_named FRAMES: there are frames and none is null.
all_named() { [ -n "$1" ] && ! printf '%s\n' "$1" | grep -qw null; }

# timer_reinit: the second timer_setup of its init re-initialises the armed timer.
site=$(fixture_site timer_reinit init_timer_key 2)
want="$(after "$site") [timer_reinit]"
got=$(first_frames "$vm_out/timer.json" timer.init-armed)
echo "timer_reinit: timer.init-armed frames after unload: $got"
check_host "timer_reinit: after unload, frame 0 of timer.init-armed is $want" \
	test "${got%% | *}" = "$want"
check_host "timer_reinit: every frame is named (none null)" \
	all_named "$got"
got=$(first_frames "$vm_out/timer-nosyms.json" timer.init-armed)
check_host "timer_reinit: without the kept symbols, frame 0 is a number (null)" \
	test "${got%% | *}" = null

# double_free: the injected kmalloc failure (init text), then rings_cleanup
# (.text.unlikely) vfree()s a ring twice: both sections placed from the
# records' own call sites.
# (By function: the poke parameter's vfree calls come first in the module.)
site=$(fixture_site_in double_free rings_cleanup vfree 1)
want="$(after "$site") [double_free]"
got=$(first_frames "$vm_out/df.json" vmem.double-free)
echo "double_free: vmem.double-free frames after the failed init: $got"
check_host "double_free: after the failed init, frame 0 of vmem.double-free is $want" \
	test "${got%% | *}" = "$want"
check_host "double_free: frame 1 is in double_free_init (init text: gone after any init)" \
	frames_match "$got" '^[^|]+ \| double_free_init\+0x[0-9a-f]+ \[double_free\] \| do_one_initcall\+'
got=$(first_frames "$vm_out/df-nosyms.json" vmem.double-free)
check_host "double_free: without the kept symbols, frames 0 and 1 are numbers (null)" \
	frames_match "$got" '^null \| null \| do_one_initcall\+'

# alloc_loop: the 5000th kmalloc of the loop fails; the unwind misses one buffer.
site=$(fixture_site alloc_loop kmalloc_trace)
got=$(first_frames "$vm_out/al-log.json" ddv.fault-injected)
echo "alloc_loop: ddv.fault-injected frames after the failed init: $got"
check_host "alloc_loop: after the failed init, frame 0 of the injected fault is $(after "$site") [alloc_loop]" \
	test "${got%% | *}" = "$(after "$site") [alloc_loop]"
fixture_report=$vm_out/al.json
check_host "alloc_loop: the leak names its allocation frame, $site" \
	test "$(fixture_report_site heap.leak allocation_site)" = "$site"

# double_free attached live: the poke's second vfree, after ddv unload. The
# attach kept the symbols as ddv load does; its table closes at the unload,
# and the event still names its frames with that load's placement.
site=$(fixture_site_in double_free poke_double_free vfree 2)
want="$(after "$site") [double_free]"
got=$(first_frames "$vm_out/at.json" vmem.double-free)
echo "double_free attached: vmem.double-free frames after unload: $got"
check_host "attach: after unload, frame 0 of vmem.double-free is $want" \
	test -n "$site" -a "${got%% | *}" = "$want"
check_host "attach: the driver's frames are named down to the poke's write (param_attr_store)" \
	frames_match "$got" "^poke_double_free\+0x[0-9a-f]+ \[double_free\] \| ([^|]+ \[double_free\] \| )*.*param_attr_store\+"
check_host "attach: every frame is named (none null)" \
	all_named "$got"
got=$(first_frames "$vm_out/at-log.json" vmem.double-free)
check_host "attach: ddv log --json names frame 0 the same, $want" \
	test "${got%% | *}" = "$want"
check_host "attach: ddv log --json names every frame (none null)" \
	all_named "$got"
# Text: "    #0 0xADDRESS func+0xoff [module]".
check_host "attach: ddv report (text) names frame 0, $want" \
	grep -qF " $want" "$vm_out/at.txt"
check_host "attach: ddv log (text) names frame 0, $want" \
	grep -qE "^ +#0 0x[0-9a-f]+ $(printf '%s' "$want" | sed 's/[][+.]/\\&/g')\$" "$vm_out/at-log.txt"
got=$(first_frames "$vm_out/at-nosyms.json" vmem.double-free)
check_host "attach: without the kept symbols, frame 0 is a number (null)" \
	test "${got%% | *}" = null

# Source lines from the fixtures' DWARF (they are built with -g: Debian's
# kernel config has CONFIG_DEBUG_INFO). mark_line FILE MARK: the line of
# FILE's "SRCLINE: MARK" comment.
mark_line() { grep -n "SRCLINE: $2" "$vm_top/tests/drivers/$1" | cut -d: -f1; }
# double_free's frame 0 (rings_cleanup's vfree, placed from the records) is its source line.
line=$(grep -n 'vfree(ring_buf\[i\]);' "$vm_top/tests/drivers/double_free.c" | head -n 1 | cut -d: -f1)
check_host "double_free: frame 0 of vmem.double-free is double_free.c:$line (rings_cleanup)" \
	jq -se --argjson line "$line" 'map(select(.rule == "vmem.double-free"))[0].stack_source[0] |
		(.file | endswith("/double_free.c")) and .line == $line and
		.function == "rings_cleanup"' "$vm_out/df.json"
check_host "double_free: without the kept symbols, no source either" \
	jq -se 'map(select(.rule == "vmem.double-free"))[0] | has("stack_source") | not' \
	"$vm_out/df-nosyms.json"
# srcline_leak: the leaked block's call is in srcline_get, inlined into init.
helper=$(mark_line srcline_leak.c "helper's call")
caller=$(mark_line srcline_leak.c "init calls the helper")
fixture_report=$vm_out/srcline_leak.json fixture_report_status=$vm_out/srcline_leak.status
fixture_expect_rule srcline_leak heap.leak
fixture_report=$vm_out/srcline_leak_clean.json
fixture_report_status=$vm_out/srcline_leak_clean.status
fixture_expect_clean srcline_leak_clean
# has_chain FILE: the leak's allocation site is srcline_leak.c:$helper in
# srcline_get, inlined into srcline_leak_init at srcline_leak.c:$caller.
has_chain() {
	jq -se --argjson h "$helper" --argjson c "$caller" '
		map(select(.rule == "heap.leak"))[0].allocation_site.source.inlined |
		map(select(.file | endswith("/srcline_leak.c"))) |
		. == [{function: "srcline_get", file: .[0].file, line: $h},
		      {function: "srcline_leak_init", file: .[0].file, line: $c}]' "$1"
}
check_host "srcline_leak: JSON: the leak's call is srcline_leak.c:$helper inlined into init at :$caller" \
	has_chain "$vm_out/srcline_leak.json"
check_host "srcline_leak: the report is valid against ddv.schema.json" \
	eval "grep -v '^#' '$vm_out/srcline_leak.json' | '$vm_top/tests/cli/schema-check' '$vm_top/cli/ddv.schema.json'"
want="inlined into srcline_get at [^ ]*/srcline_leak.c:$helper inlined into srcline_leak_init at [^ ]*/srcline_leak.c:$caller\$"
check_host "srcline_leak: text: the allocation site line names both lines" \
	grep -qE "^    allocation site: .*$want" "$vm_out/srcline_leak.txt"
check_host "srcline_leak: KTAP: the case's detail names them too" \
	grep -qE "allocation site: .*$want" "$vm_out/srcline_leak.ktap"
# On the host, from the guest's state: the guest's .ko path is not here; the
# build tree's .ko is, by $DDV_DEBUG_PATH (checked by build id).
DDV_STATE_DIR=$vm_out/srcline_leak-state DDV_DEBUG_PATH=$fixture_ko \
	"$ddv_cli" report --json >"$vm_work/host.json" 2>"$vm_work/host.err"
check_host "srcline_leak: ddv report on the host names the same lines (DDV_DEBUG_PATH)" \
	has_chain "$vm_work/host.json"
DDV_STATE_DIR=$vm_out/srcline_leak-state DDV_DEBUG_PATH=$fixture_ko \
	"$ddv_cli" report --html "$vm_work/host.html" >/dev/null 2>&1
check_host "srcline_leak: the HTML page names the helper's line beside the site" \
	grep -qE "srcline_leak_init\+0x[0-9a-f]+ at .*inlined into srcline_get at [^ <]*/srcline_leak.c:$helper inlined into" \
	"$vm_work/host.html"
DDV_STATE_DIR=$vm_out/srcline_leak-state DDV_DEBUG_PATH= \
	"$ddv_cli" report --json >"$vm_work/host-none.json" 2>&1
check_host "srcline_leak: without it, the host has no DWARF: no source, the leak still reported" \
	jq -se 'map(select(.rule == "heap.leak")) | length == 1 and
		(.[0].allocation_site | has("source") | not)' "$vm_work/host-none.json"
vm_summary
