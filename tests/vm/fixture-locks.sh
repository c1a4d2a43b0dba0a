#!/bin/bash
# fixture-locks.sh: VM test: ddv reports each mutex, spinlock, rwlock and semaphore rule of specs/linux/locks.ddv on its fixture (those on an error path reached by injection), and nothing for the twins.
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
lk_write_held lock.write-held-at-return
lk_mutex_unload lock.mutex-freed-locked
lk_mutex_static lock.mutex-freed-locked
lk_read_other lock.read-unlock-other
lk_read_held lock.read-held-at-return
lk_sem_up lock.sem-up-unbalanced
lk_sem_held lock.sem-freed-held
"

if fixture_build; then
	fixture_twins_queue "$cases"
	# A failed mutex_trylock (injected contention: class trylock, fails 0) that the
	# defect takes for a success, unlocking a mutex nobody holds; the twin gives up.
	fixture_session lk_mutex_trylock lk_mutex_trylock ok nth mutex_trylock 1
	fixture_session lk_mutex_trylock_clean lk_mutex_trylock_clean fails nth mutex_trylock 1
	# Init fails with the spinlock held when kmalloc fails (injected); the twin unlocks.
	fixture_session lk_spin_held lk_spin_held fails nth kmalloc 1
	fixture_session lk_spin_held_clean lk_spin_held_clean fails nth kmalloc 1
	# The error path frees a block whose mutex is locked when kmalloc #2 fails.
	fixture_session lk_mutex_freed lk_mutex_freed fails nth kmalloc 2
	fixture_session lk_mutex_freed_clean lk_mutex_freed_clean fails nth kmalloc 2
	# Init fails with its DEFINE_MUTEX (first seen at its lock) held when kmalloc fails.
	fixture_session lk_mutex_static_failed lk_mutex_static_failed fails nth kmalloc 1
	fixture_session lk_mutex_static_failed_clean lk_mutex_static_failed_clean fails nth kmalloc 1
	if fixture_ddv_vm locks; then
		fixture_twins_judge "$cases"
		fixture_use lk_mutex_trylock
		fixture_expect_injected lk_mutex_trylock
		fixture_expect_rule lk_mutex_trylock lock.mutex-unlock-unlocked
		fixture_use lk_mutex_trylock_clean
		fixture_expect_injected lk_mutex_trylock_clean
		fixture_expect_clean lk_mutex_trylock_clean
		for f in lk_spin_held lk_mutex_freed lk_mutex_static_failed; do
			fixture_use $f
			fixture_expect_injected $f
			fixture_use ${f}_clean
			fixture_expect_injected ${f}_clean
			fixture_expect_clean ${f}_clean
		done
		fixture_use lk_spin_held
		fixture_expect_rule lk_spin_held lock.spin-held-at-return
		fixture_use lk_mutex_freed
		fixture_expect_rule lk_mutex_freed lock.mutex-freed-locked
		fixture_use lk_mutex_static_failed
		fixture_expect_rule lk_mutex_static_failed lock.mutex-freed-locked
	fi
fi
vm_summary
