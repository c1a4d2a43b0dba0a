// SPDX-License-Identifier: GPL-2.0
/* test_scope_table.c: leak scope ids, stamps and ranges (nested, overlapping), rule counts, success of a begin. */
#include <criterion/criterion.h>
#include "scope_table.h"

static const int pack_a, pack_b;		/* owners: only their addresses matter */
static const int rule_x, rule_y, rule_z;

/* An object created now: its stamp. */
static u16 created(const struct scope_table *t)
{
	return scope_stamp(t);
}

Test(scope_table, ids_grow_from_one_and_stamp_the_newest_open_scope)
{
	struct scope_table t = { 0 };
	struct scope_open closed;
	u16 last;

	cr_assert_eq(scope_stamp(&t), 0, "nothing open: objects carry no scope");
	cr_assert_eq(scope_open(&t, NULL, NULL, 0), 1);
	cr_assert_eq(scope_open(&t, &pack_a, &rule_x, 40), 2);
	cr_assert_eq(scope_stamp(&t), 2);
	cr_assert(scope_close(&t, &rule_x, &closed, &last));
	cr_assert_eq(closed.id, 2);
	cr_assert_eq(last, 2);
	cr_assert_eq(scope_stamp(&t), 1, "back to the user's scope, still open");
	cr_assert(scope_close(&t, NULL, &closed, &last));
	cr_assert_eq(scope_stamp(&t), 0);
	cr_assert_eq(scope_open(&t, NULL, NULL, 0), 3, "ids go on, never reused soon");
}

Test(scope_table, ids_wrap_past_65535_to_one_never_zero)
{
	struct scope_table t = { .last = 0xfffe };

	cr_assert_eq(scope_open(&t, NULL, NULL, 0), 0xffff);
	cr_assert_eq(scope_open(&t, &pack_a, &rule_x, 40), 1);
	cr_assert_eq(scope_open(&t, &pack_a, &rule_y, 40), 2);
	/* The first scope's range wraps: 65535, 1, 2 are its; 0 and 65534 are not. */
	cr_assert(scope_stamp_in(0xffff, 0xffff, 2));
	cr_assert(scope_stamp_in(1, 0xffff, 2));
	cr_assert(scope_stamp_in(2, 0xffff, 2));
	cr_assert_not(scope_stamp_in(0, 0xffff, 2), "stamp 0: made outside every scope");
	cr_assert_not(scope_stamp_in(0xfffe, 0xffff, 2));
	cr_assert_not(scope_stamp_in(3, 0xffff, 2));
}

Test(scope_table, a_rule_scope_nested_in_the_users_names_its_objects_and_the_user_all)
{
	struct scope_table t = { 0 };
	struct scope_open user, rule;
	u16 before, a, b, c, user_last, rule_last;

	before = created(&t);
	cr_assert(scope_open(&t, NULL, NULL, 0));
	a = created(&t);
	cr_assert(scope_open(&t, &pack_a, &rule_x, 40));
	b = created(&t);
	cr_assert(scope_close(&t, &rule_x, &rule, &rule_last));
	c = created(&t);
	cr_assert(scope_close(&t, NULL, &user, &user_last));

	cr_assert_not(scope_stamp_in(a, rule.id, rule_last), "made before the rule's begin");
	cr_assert(scope_stamp_in(b, rule.id, rule_last));
	cr_assert_not(scope_stamp_in(before, user.id, user_last));
	cr_assert(scope_stamp_in(a, user.id, user_last));
	cr_assert(scope_stamp_in(b, user.id, user_last), "the nested rule's object is the user's too");
	cr_assert(scope_stamp_in(c, user.id, user_last), "made after the rule ended, user still open");
}

Test(scope_table, overlapping_scopes_each_name_what_was_made_while_they_were_open)
{
	struct scope_table t = { 0 };
	struct scope_open first, second;
	u16 a, b, c, first_last, second_last;

	cr_assert(scope_open(&t, &pack_a, &rule_x, 40));	/* first begins */
	a = created(&t);
	cr_assert(scope_open(&t, NULL, NULL, 0));		/* second begins */
	b = created(&t);
	cr_assert(scope_close(&t, &rule_x, &first, &first_last));	/* first ends */
	c = created(&t);
	cr_assert(scope_close(&t, NULL, &second, &second_last));	/* second ends */

	cr_assert(scope_stamp_in(a, first.id, first_last));
	cr_assert(scope_stamp_in(b, first.id, first_last));
	cr_assert_not(scope_stamp_in(a, second.id, second_last));
	cr_assert(scope_stamp_in(b, second.id, second_last));
	cr_assert(scope_stamp_in(c, second.id, second_last));
	cr_assert_eq(t.nopen, 0);
	cr_assert_eq(t.nrules, 0);
}

Test(scope_table, an_end_closes_the_newest_open_instance_of_its_rule)
{
	struct scope_table t = { 0 };
	struct scope_open closed;
	u16 outer, inner, last;

	outer = scope_open(&t, &pack_a, &rule_x, 40);
	inner = scope_open(&t, &pack_a, &rule_x, 40);
	cr_assert(scope_close(&t, &rule_x, &closed, &last));
	cr_assert_eq(closed.id, inner);
	cr_assert(scope_close(&t, &rule_x, &closed, &last));
	cr_assert_eq(closed.id, outer);
	cr_assert_not(scope_close(&t, &rule_x, &closed, &last), "an end without a begin closes nothing");
	cr_assert_not(scope_close(&t, NULL, &closed, &last), "no user scope open");
}

Test(scope_table, rule_scopes_count_their_type_only_and_the_user_scope_counts_nothing)
{
	struct scope_table t = { 0 };
	struct scope_open x, y, z, user;
	u16 last;

	scope_open(&t, NULL, NULL, 0);
	scope_open(&t, &pack_a, &rule_x, 40);
	scope_count(&t, 40, -1);	/* an object older than y freed: counts for x only */
	scope_open(&t, &pack_a, &rule_y, 40);
	scope_open(&t, &pack_b, &rule_z, 41);
	scope_count(&t, 40, 1);
	scope_count(&t, 40, 1);
	scope_count(&t, 41, 1);
	scope_count(&t, 41, -1);
	scope_count(&t, 7, 1);
	cr_assert_eq(t.nrules, 3);
	cr_assert(scope_close(&t, &rule_z, &z, &last));
	cr_assert(scope_close(&t, &rule_y, &y, &last));
	cr_assert(scope_close(&t, &rule_x, &x, &last));
	cr_assert(scope_close(&t, NULL, &user, &last));
	cr_assert_eq(x.excess, 1, "freed one from before, made two: up by one");
	cr_assert_eq(y.excess, 2);
	cr_assert_eq(z.excess, 0, "balanced");
	cr_assert_eq(user.excess, 0);
}

Test(scope_table, a_full_table_refuses_without_spending_an_id)
{
	struct scope_table t = { 0 };
	unsigned int i;

	for (i = 0; i < SCOPE_OPEN_MAX; i++)
		cr_assert_eq(scope_open(&t, &pack_a, &rule_x, 40), i + 1);
	cr_assert_eq(scope_open(&t, &pack_a, &rule_x, 40), 0);
	cr_assert_eq(t.last, SCOPE_OPEN_MAX);
	cr_assert_eq(scope_stamp(&t), SCOPE_OPEN_MAX);
}

Test(scope_table, a_pack_that_goes_takes_its_scopes_and_only_them)
{
	struct scope_table t = { 0 };
	struct scope_open closed;
	u16 user, last;

	scope_open(&t, &pack_a, &rule_x, 40);
	user = scope_open(&t, NULL, NULL, 0);
	scope_open(&t, &pack_b, &rule_z, 41);
	scope_open(&t, &pack_a, &rule_y, 40);
	scope_drop_owner(&t, &pack_a);
	cr_assert_eq(t.nopen, 2);
	cr_assert_eq(t.nrules, 1);
	cr_assert_eq(scope_stamp(&t), user + 1, "pack_b's scope is the newest left");
	cr_assert(scope_close(&t, NULL, &closed, &last));
	cr_assert_eq(closed.id, user);
	scope_reset(&t);
	cr_assert_eq(t.nopen, 0);
	cr_assert_eq(t.nrules, 0);
	cr_assert_eq(scope_stamp(&t), 0);
}

Test(scope_table, a_pointer_result_succeeds_when_neither_null_nor_err_ptr)
{
	static const s64 fails_null[] = { 0 };

	cr_assert_not(scope_call_succeeded(true, fails_null, 1, 0));
	cr_assert_not(scope_call_succeeded(true, fails_null, 1, (u64)(s64)-12), "ERR_PTR(-ENOMEM)");
	cr_assert_not(scope_call_succeeded(true, NULL, 0, (u64)(s64)-4095), "ERR_PTR(-MAX_ERRNO)");
	cr_assert(scope_call_succeeded(true, NULL, 0, (u64)(s64)-4096), "just below the errno page");
	cr_assert(scope_call_succeeded(true, fails_null, 1, 0xffff888004a3c000ull));
}

Test(scope_table, an_int_result_fails_with_a_listed_value_or_any_errno)
{
	static const s64 fails_eintr[] = { -4 };
	static const s64 fails_trylock[] = { 0 };
	static const s64 fails_mixed[] = { 0, -16 };

	/* mutex_lock_interruptible: 0 or -EINTR; a negative int reaches us sign-extended. */
	cr_assert(scope_call_succeeded(false, fails_eintr, 1, 0));
	cr_assert_not(scope_call_succeeded(false, fails_eintr, 1, (u64)(s64)(int)-4));
	cr_assert_not(scope_call_succeeded(false, fails_eintr, 1, (u64)(s64)(int)-5),
		      "an errno the spec did not list is a failure too");
	cr_assert(scope_call_succeeded(false, fails_eintr, 1, 3), "a count is a success");
	/* A trylock fails with 0: any other result is the lock taken. */
	cr_assert_not(scope_call_succeeded(false, fails_trylock, 1, 0));
	cr_assert(scope_call_succeeded(false, fails_trylock, 1, 1));
	/* Not all negative: only the listed values fail. */
	cr_assert_not(scope_call_succeeded(false, fails_mixed, 2, (u64)(s64)-16));
	cr_assert(scope_call_succeeded(false, fails_mixed, 2, (u64)(s64)-5));
	/* A function that cannot fail (void: ret 0). */
	cr_assert(scope_call_succeeded(false, NULL, 0, 0));
}
