#!/bin/bash
# fixture-locks.sh: VM test: ddv reports each mutex, spinlock, rwlock and semaphore rule of specs/linux/locks.ddv on its fixture, and nothing for the twins.
set -u
. "$(dirname "$0")/lib.sh"
. "$vm_top/tests/drivers/fixtures.sh"

# Fixture (tests/drivers/lk_*.c, all from lockfx.h) and the one rule it breaks.
cases="
lk_mutex_twice lock.mutex-twice
lk_mutexk_twice lock.mutex-int-twice
lk_mutex_atomic linux.mutex_lock.sleep-in-atomic
lk_mutexk_atomic linux.mutex_lock_interruptible.sleep-in-atomic
lk_mutex_other lock.mutex-unlock-other
lk_mutex_reinit lock.mutex-init-held
lk_spin_twice lock.spin-twice
lk_write_twice lock.write-twice
lk_spin_unlocked lock.spin-unlock-unlocked
lk_spin_other lock.spin-unlock-other
lk_down_atomic linux.down.sleep-in-atomic
"

if fixture_build; then
	fixture_twins_queue "$cases"
	# A failed mutex_trylock (injected contention: class trylock, fails 0) that the
	# defect takes for a success, unlocking a mutex nobody holds; the twin gives up.
	fixture_session lk_mutex_trylock lk_mutex_trylock ok nth mutex_trylock 1
	fixture_session lk_mutex_trylock_clean lk_mutex_trylock_clean fails nth mutex_trylock 1
	if fixture_ddv_vm locks; then
		fixture_twins_judge "$cases"
		fixture_use lk_mutex_trylock
		fixture_expect_injected lk_mutex_trylock
		fixture_expect_rule lk_mutex_trylock lock.mutex-unlock-unlocked
		fixture_use lk_mutex_trylock_clean
		fixture_expect_injected lk_mutex_trylock_clean
		fixture_expect_clean lk_mutex_trylock_clean
	fi
fi
vm_summary
