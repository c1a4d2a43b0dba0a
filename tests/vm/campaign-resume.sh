#!/bin/bash
# campaign-resume.sh: VM test: hang_loop hangs on every injected failure; ddv campaign exhaustive --vm records each hang (watchdog) and, when the whole VM is killed under a load, records that load as lost and resumes after it on the next boot, trying every load once.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# campaign LABEL OPTION...: one host-side campaign of hang_loop into $out; sets status.
# Two vCPUs: the spinning hang takes one, ddv and the shutdown get the other.
campaign() {
	local label=$1
	shift
	status=0
	"$ddv_cli" campaign exhaustive --vm --out "$out" --vm-arg --smp --vm-arg 2 "$@" \
		"$fixture_ko/hang_loop.ko" \
		>"$vm_work/$label.txt" 2>"$vm_work/$label.err" || status=$?
	sed "s/^/$label: /" "$vm_work/$label.txt" "$vm_work/$label.err"
}

if fixture_build && ddv_pieces; then
	out=$vm_work/resume
	journal=$out/hang_loop.journal
	start=$(date +%s)
	# 1: one boot: the recording, then load 1 hangs (watchdog 5 s).
	campaign first --vm-timeout 120 --timeout 5 --boots 1
	check_host "first run: stops unfinished after its boot (status 1, got $status)" \
		test "$status" = 1
	check_host "first run: load 1 hung, recorded" grep -qx 'done 1 hang 1 .*' "$journal"
	# 2: no watchdog: load 2 hangs until vm/run kills the VM.
	campaign killed --resume --vm-timeout 45 --timeout 600 --boots 1
	check_host "killed run: the VM was killed (guest status 124)" \
		grep -q 'boot 1: .* guest status 124' "$vm_work/killed.err"
	# Lost with its fault unknown ('?'): the machine died before the guest said.
	check_host "killed run: load 2, in flight, is recorded lost, its fault unknown" \
		grep -qxF 'done 2 lost ? -' "$journal"
	# 3: resumed: loads 3 and 4, nothing tried twice.
	campaign last --resume --vm-timeout 120 --timeout 5
	check_host "last run: the campaign ends (status 3, got $status)" test "$status" = 3
	check_host "last run: resumed at load 3, not load 1 or 2" \
		eval "[ \"\$(grep -c '^start ' '$journal')\" = 4 ] &&
			[ \"\$(grep '^start ' '$journal' | tr '\n' ' ')\" = 'start 1 start 2 start 3 start 4 ' ]"
	check_host "last run: 4 loads tried, 3 hangs, 1 machine lost" \
		eval "grep -q '^  loads tried  *4 of 4$' '$vm_work/last.txt' &&
			grep -q '^  hangs  *3$' '$vm_work/last.txt' &&
			grep -q '^  machine lost (VM hung or killed)  *1$' '$vm_work/last.txt'"
	check_host "last run: each hang is reported with its reproducing command" \
		eval "[ \"\$(grep -c '^    reproduce: ddv inject nth-any [1-4]; ddv load ' '$vm_work/last.txt')\" = 4 ]"
	check_host "the journal says the campaign ended" grep -qx end "$journal"
	echo "note: the three runs took $(($(date +%s) - start)) s"
else
	fail "campaign-resume: the fixtures and ddv are built" "missing:${ddv_missing:-fixtures}"
fi
vm_summary
