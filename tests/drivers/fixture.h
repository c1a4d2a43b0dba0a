/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the fixture drivers share: a way for the smoke test, which runs
 * without ddv, to reach the error paths that ddv reaches by injection.
 *
 * FIXTURE_FALLIBLE(call) stands for a fallible allocation: it makes the call,
 * unless this is the fail_nth-th fallible allocation of the load, in which
 * case it yields NULL without calling, as an injected failure does. With
 * fail_nth at its default 0 (as under ddv) it is the call and nothing else.
 */
#ifndef DDV_FIXTURE_H
#define DDV_FIXTURE_H

#include <linux/moduleparam.h>

static unsigned int fail_nth;
module_param(fail_nth, uint, 0444);
MODULE_PARM_DESC(fail_nth,
		 "fail the Nth fallible allocation, for tests without ddv (0: never)");

static unsigned int fixture_fallible_calls;

static inline bool fixture_should_fail(void)
{
	return fail_nth && ++fixture_fallible_calls == fail_nth;
}

#define FIXTURE_FALLIBLE(call) (fixture_should_fail() ? NULL : (call))

#endif /* DDV_FIXTURE_H */
