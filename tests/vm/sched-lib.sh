# sched-lib.sh: fixture-sched.sh's cases, for it and fixtures612.sh (the same on 6.12): the
# sessions (sched_queue) and their judging (sched_judge); source after fixtures.sh.
# shellcheck shell=bash

# fixture_expect_rules PREFIX RULE...: the report's findings are exactly these
# rules (each once or more): every seeded defect is named, and nothing else is.
fixture_expect_rules() {
	local prefix=$1 rules want

	shift
	fixture_report_sound "$prefix" || return
	check_host "$prefix: ddv report exits 3 (findings)" \
		test "$(cat "$fixture_report_status" 2>/dev/null)" = 3
	want=$(printf '%s\n' "$@" | sort -u | tr '\n' ' ')
	rules=$(fixture_report_rules | sort -u | tr '\n' ' ')
	if [ "$rules" = "$want" ]; then
		pass "$prefix: reported as $want, and nothing else"
	else
		fail "$prefix: reported as $want, and nothing else" "rules: ${rules:-none}"
	fi
}

# specs/linux/sched.ddv: each call on a completion whose wait list no
# initialiser wrote.
sched_completion_rules="sched.complete-uninitialised sched.complete-all-uninitialised
	sched.wait-uninitialised sched.wait-timeout-uninitialised
	sched.wait-interruptible-uninitialised sched.wait-interruptible-timeout-uninitialised
	sched.try-wait-uninitialised sched.done-uninitialised"
# may_sleep (ddv-rules(5)): each call of wait_atomic made with preemption off.
sched_atomic_rules="linux.wait_for_completion.sleep-in-atomic
	linux.wait_for_completion_timeout.sleep-in-atomic
	linux.wait_for_completion_interruptible.sleep-in-atomic
	linux.wait_for_completion_interruptible_timeout.sleep-in-atomic
	linux.flush_work.sleep-in-atomic linux.flush_delayed_work.sleep-in-atomic
	linux.cancel_work_sync.sleep-in-atomic linux.cancel_delayed_work_sync.sleep-in-atomic
	linux.tasklet_kill.sleep-in-atomic linux.__flush_workqueue.sleep-in-atomic
	linux.drain_workqueue.sleep-in-atomic"
# A timeout, injected: wait_for_completion_timeout fails with 0.
sched_timeout_inject="nth wait_for_completion_timeout 1"

# The fixtures the sessions load (each defect and its twin).
sched_fixtures="completion_uninit completion_uninit_clean completion_timeout
	completion_timeout_clean hrtimer_misuse hrtimer_misuse_clean tasklet_uninit
	tasklet_uninit_clean wait_atomic wait_atomic_clean deferred_unload deferred_unload_clean"

# sched_queue: the sessions, queued (fixture_session).
sched_queue() {
	fixture_session completion_uninit completion_uninit ok
	fixture_session completion_uninit_clean completion_uninit_clean ok
	# shellcheck disable=SC2086 # the words of the inject command
	fixture_session completion_timeout completion_timeout fails $sched_timeout_inject
	# shellcheck disable=SC2086
	fixture_session completion_timeout_clean completion_timeout_clean fails $sched_timeout_inject
	fixture_session hrtimer_misuse hrtimer_misuse ok
	fixture_session hrtimer_misuse_clean hrtimer_misuse_clean ok
	fixture_session tasklet_uninit tasklet_uninit ok
	fixture_session tasklet_uninit_clean tasklet_uninit_clean ok
	fixture_session wait_atomic wait_atomic ok
	fixture_session wait_atomic_clean wait_atomic_clean ok
	fixture_session deferred_unload deferred_unload ok
	fixture_session deferred_unload_clean deferred_unload_clean ok
}

# sched_judge: after the VM, each session's report: the defects exactly, the twins clean.
sched_judge() {
	fixture_use completion_uninit
	# shellcheck disable=SC2086 # one rule id a word
	fixture_expect_rules completion_uninit $sched_completion_rules
	fixture_use completion_uninit_clean
	fixture_expect_clean completion_uninit_clean

	fixture_use completion_timeout
	fixture_expect_injected completion_timeout
	fixture_expect_rule completion_timeout heap.leak
	fixture_use completion_timeout_clean
	fixture_expect_injected completion_timeout_clean
	fixture_expect_clean completion_timeout_clean

	fixture_use hrtimer_misuse
	fixture_expect_rules hrtimer_misuse hrtimer.start-uninitialised hrtimer.init-armed
	fixture_use hrtimer_misuse_clean
	fixture_expect_clean hrtimer_misuse_clean

	fixture_use tasklet_uninit
	fixture_expect_rules tasklet_uninit tasklet.schedule-uninitialised \
		tasklet.hi-schedule-uninitialised
	fixture_use tasklet_uninit_clean
	fixture_expect_clean tasklet_uninit_clean

	fixture_use wait_atomic
	# shellcheck disable=SC2086 # one rule id a word
	fixture_expect_rules wait_atomic $sched_atomic_rules
	fixture_use wait_atomic_clean
	fixture_expect_clean wait_atomic_clean

	fixture_use deferred_unload
	fixture_expect_rules deferred_unload timer.freed-pending timer.freed-queued \
		hrtimer.freed-queued tasklet.freed-scheduled heap.leak timer.pending-at-unload \
		timer.queued-at-unload hrtimer.queued-at-unload tasklet.scheduled-at-unload \
		tasklet.setup-scheduled tasklet.init-scheduled
	fixture_use deferred_unload_clean
	fixture_expect_clean deferred_unload_clean
}
