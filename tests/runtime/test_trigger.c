// SPDX-License-Identifier: GPL-2.0
/* test_trigger.c: the trigger table: validation, conditions, phases, the Nth call, once, races. */
#include <criterion/criterion.h>
#include <pthread.h>
#include "trigger_table.h"

static struct trigger fail_on(u32 func, u64 nth)
{
	return (struct trigger){ .func = func, .nth = nth, .action = TRIGGER_FAIL,
				 .target = 99, .amount = 1 };
}

Test(trigger, settings_out_of_range_are_refused)
{
	struct trigger_table tt = { 0 };
	struct trigger t = fail_on(1, 1);

	cr_assert_eq(trigger_add(&tt, &t), 0);
	t.nth = 0;
	cr_assert_eq(trigger_add(&tt, &t), -EINVAL, "nth counts from 1");
	t = fail_on(1, 1);
	t.arg = 7;
	t.cmp = TRIGGER_CMP_EQ;
	cr_assert_eq(trigger_add(&tt, &t), -EINVAL, "6 arguments at most");
	t.arg = 2;
	t.cmp = TRIGGER_CMP_NONE;
	cr_assert_eq(trigger_add(&tt, &t), -EINVAL, "an argument needs a comparison");
	t.arg = 0;
	t.cmp = TRIGGER_CMP_GE;
	cr_assert_eq(trigger_add(&tt, &t), -EINVAL, "a comparison needs an argument");
	t = fail_on(1, 1);
	t.amount = 0;
	cr_assert_eq(trigger_add(&tt, &t), -EINVAL, "fail 0 calls");
	t.amount = TRIGGER_MAX_FAIL + 1;
	cr_assert_eq(trigger_add(&tt, &t), -EINVAL);
	t = (struct trigger){ .func = 1, .nth = 1, .action = TRIGGER_DELAY,
			      .amount = TRIGGER_MAX_DELAY_US + 1 };
	cr_assert_eq(trigger_add(&tt, &t), -EINVAL, "a delay of more than 1 s");
	t.action = TRIGGER_ACTION_COUNT;
	cr_assert_eq(trigger_add(&tt, &t), -EINVAL);
	t = fail_on(1, 1);
	t.phase = TRIGGER_PHASE_COUNT;
	cr_assert_eq(trigger_add(&tt, &t), -EINVAL);
	cr_assert_eq(tt.n, 1, "refused settings take no entry");
}

Test(trigger, the_table_holds_sixteen_and_clears)
{
	struct trigger_table tt = { 0 };
	struct trigger t = fail_on(1, 1);

	for (int i = 0; i < TRIGGER_MAX; i++)
		cr_assert_eq(trigger_add(&tt, &t), i);
	cr_assert_eq(trigger_add(&tt, &t), -ENOSPC);
	cr_assert_eq(trigger_armed(&tt), TRIGGER_MAX);
	trigger_clear(&tt);
	cr_assert_eq(trigger_armed(&tt), 0);
	cr_assert_eq(trigger_match(&tt, 1, NULL, 0, TRIGGER_PHASE_LIVE), 0);
	cr_assert_eq(trigger_add(&tt, &t), 0, "entries are reused after a clear");
}

Test(trigger, fires_once_at_the_nth_call_of_its_function)
{
	struct trigger_table tt = { 0 };
	struct trigger t = fail_on(5, 3);

	cr_assert_eq(trigger_add(&tt, &t), 0);
	cr_assert_eq(trigger_match(&tt, 4, NULL, 0, 0), 0, "another function does not count");
	cr_assert_eq(trigger_match(&tt, 5, NULL, 0, 0), 0);
	cr_assert_eq(trigger_match(&tt, 5, NULL, 0, 0), 0);
	cr_assert_eq(trigger_match(&tt, 4, NULL, 0, 0), 0);
	cr_assert_eq(trigger_match(&tt, 5, NULL, 0, 0), 1, "the third call of 5 fires it");
	cr_assert_eq(trigger_armed(&tt), 0);
	for (int i = 0; i < 10; i++)
		cr_assert_eq(trigger_match(&tt, 5, NULL, 0, 0), 0, "once");
}

Test(trigger, argument_conditions)
{
	static const struct { u8 cmp; u64 value, arg; bool hit; } cases[] = {
		{ TRIGGER_CMP_EQ, 0x20, 0x20, true }, { TRIGGER_CMP_EQ, 0x20, 0x21, false },
		{ TRIGGER_CMP_NE, 0x20, 0x21, true }, { TRIGGER_CMP_NE, 0x20, 0x20, false },
		{ TRIGGER_CMP_LT, 4096, 4095, true }, { TRIGGER_CMP_LT, 4096, 4096, false },
		{ TRIGGER_CMP_LE, 4096, 4096, true }, { TRIGGER_CMP_LE, 4096, 4097, false },
		{ TRIGGER_CMP_GT, 4096, 4097, true }, { TRIGGER_CMP_GT, 4096, 4096, false },
		{ TRIGGER_CMP_GE, 4096, 4096, true }, { TRIGGER_CMP_GE, 4096, 4095, false },
		{ TRIGGER_CMP_AND, 0x30, 0x10, true }, { TRIGGER_CMP_AND, 0x30, 0x0f, false },
		/* Unsigned: -1 is the largest. */
		{ TRIGGER_CMP_GT, 4096, ~0ull, true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct trigger_table tt = { 0 };
		struct trigger t = fail_on(5, 1);
		u64 args[3] = { 7, cases[i].arg, 7 };

		t.arg = 2;
		t.cmp = cases[i].cmp;
		t.value = cases[i].value;
		cr_assert_eq(trigger_add(&tt, &t), 0);
		cr_assert_eq(trigger_match(&tt, 5, args, 3, 0), cases[i].hit ? 1u : 0u,
			     "case %zu", i);
	}
}

Test(trigger, a_call_without_the_argument_does_not_match)
{
	struct trigger_table tt = { 0 };
	struct trigger t = fail_on(5, 1);
	u64 args[1] = { 0x20 };

	t.arg = 2;
	t.cmp = TRIGGER_CMP_EQ;
	t.value = 0x20;
	cr_assert_eq(trigger_add(&tt, &t), 0);
	cr_assert_eq(trigger_match(&tt, 5, args, 1, 0), 0);
	cr_assert_eq(trigger_match(&tt, 5, NULL, 0, 0), 0);
	cr_assert_eq(trigger_armed(&tt), 1);
}

Test(trigger, only_matching_calls_count_towards_the_nth)
{
	struct trigger_table tt = { 0 };
	struct trigger t = fail_on(5, 2);
	u64 big[1] = { 8192 }, small[1] = { 64 };

	t.arg = 1;
	t.cmp = TRIGGER_CMP_GE;
	t.value = 4096;
	cr_assert_eq(trigger_add(&tt, &t), 0);
	cr_assert_eq(trigger_match(&tt, 5, big, 1, 0), 0);
	cr_assert_eq(trigger_match(&tt, 5, small, 1, 0), 0);
	cr_assert_eq(trigger_match(&tt, 5, small, 1, 0), 0);
	cr_assert_eq(trigger_match(&tt, 5, big, 1, 0), 1, "the second call of >= 4096 bytes");
}

Test(trigger, phases)
{
	struct trigger_table tt = { 0 };
	struct trigger t = fail_on(5, 1);

	t.phase = TRIGGER_PHASE_UNLOAD;
	cr_assert_eq(trigger_add(&tt, &t), 0);
	cr_assert_eq(trigger_match(&tt, 5, NULL, 0, TRIGGER_PHASE_LOAD), 0);
	cr_assert_eq(trigger_match(&tt, 5, NULL, 0, TRIGGER_PHASE_LIVE), 0);
	cr_assert_eq(trigger_match(&tt, 5, NULL, 0, TRIGGER_PHASE_UNLOAD), 1);
}

Test(trigger, two_triggers_on_one_call_both_fire)
{
	struct trigger_table tt = { 0 };
	struct trigger a = fail_on(5, 1), b = fail_on(5, 2), c = fail_on(6, 1);

	cr_assert_eq(trigger_add(&tt, &a), 0);
	cr_assert_eq(trigger_add(&tt, &b), 1);
	cr_assert_eq(trigger_add(&tt, &c), 2);
	cr_assert_eq(trigger_match(&tt, 5, NULL, 0, 0), 1u << 0);
	cr_assert_eq(trigger_match(&tt, 5, NULL, 0, 0), 1u << 1);
	b.nth = 1;
	trigger_clear(&tt);
	cr_assert_eq(trigger_add(&tt, &a), 0);
	cr_assert_eq(trigger_add(&tt, &b), 1);
	cr_assert_eq(trigger_match(&tt, 5, NULL, 0, 0), 3u, "both at once");
}

struct race {
	struct trigger_table *tt;
	int fired;
};

static void *racer(void *p)
{
	struct race *r = p;

	for (int i = 0; i < 100000; i++)
		if (trigger_match(r->tt, 5, NULL, 0, 0))
			r->fired++;
	return NULL;
}

Test(trigger, four_threads_fire_it_exactly_once)
{
	struct trigger_table tt = { 0 };
	struct trigger t = fail_on(5, 123456);
	struct race r[4];
	pthread_t th[4];
	int total = 0;

	cr_assert_eq(trigger_add(&tt, &t), 0);
	for (int i = 0; i < 4; i++) {
		r[i] = (struct race){ &tt, 0 };
		pthread_create(&th[i], NULL, racer, &r[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		total += r[i].fired;
	}
	cr_assert_eq(total, 1);
}
