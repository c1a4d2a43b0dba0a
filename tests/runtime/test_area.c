// SPDX-License-Identifier: GPL-2.0
/*
 * test_area.c: a driver's published allocations (ddv/area.h): ddv_in_driver's answer for
 * each range, the memory between them (another module's), the edges, and the fallback to
 * ddv.ko when they do not fit.
 */
#include <criterion/criterion.h>
#include "env.h"

static void area_race(void);
#define DDV_AREA_RACE(a) area_race()
#include <ddv/area.h>

#define BASE 0xffffffffc0000000ul	/* x86-64's MODULES_VADDR */

static struct ddv_dut_area area;

/* Publishes the n ranges of lo[]/len[] as patch.c's publish_area does; false if inexact. */
static bool publish(const unsigned long *lo, const unsigned long *len, unsigned int n)
{
	u64 w[DDV_AREA_RANGES], m = 0;
	bool exact = true;

	for (unsigned int i = 0; i < n; i++)
		exact &= ddv_area_add(w, &m, BASE, lo[i], len[i]);
	ddv_area_publish(&area, w, m, exact);
	return exact;
}

/* A rewrite for the next reader to meet after its read of the count (DDV_AREA_RACE). */
static struct {
	const unsigned long *lo, *len;
	unsigned int n;
} race;

static void area_race(void)
{
	if (race.lo) {
		const unsigned long *lo = race.lo;

		race.lo = NULL;
		publish(lo, race.len, race.n);
	}
}

static int find(unsigned long p)
{
	return ddv_area_find(&area, (u32)(p - BASE));
}

/* 6.12: a module's data, ro_after_init, rodata and text lie apart; another module between. */
Test(area, separate_allocations_exact)
{
	unsigned long lo[] = { BASE + 0x10000, BASE + 0x14000, BASE + 0x18000, BASE + 0x40000 };
	unsigned long len[] = { 0x2a0, 0x40, 0x1000, 0x3000 };

	cr_assert(publish(lo, len, 4));
	cr_assert_eq((u32)area.n, 4);
	cr_assert_eq(find(BASE + 0x10000), 1, "the data's first byte");
	cr_assert_eq(find(BASE + 0x10100), 1, "a DEFINE_MUTEX in the data");
	cr_assert_eq(find(BASE + 0x1029f), 1, "the data's last byte");
	cr_assert_eq(find(BASE + 0x102a0), 0, "just past the data");
	cr_assert_eq(find(BASE + 0x20000), 0, "another module's, inside the hull");
	cr_assert_eq(find(BASE + 0x3ffff), 0, "just before the text");
	cr_assert_eq(find(BASE + 0x42fff), 1, "the text's last byte");
	cr_assert_eq(find(BASE + 0x43000), 0, "past the text");
	cr_assert_eq(find(BASE), 0, "the area's first byte, no module of the driver's");
	cr_assert_eq(find(0xffffffffff5fe000ul), 0, "above the module area (fixmap)");
}

/* Nothing loaded yet (or every member gone): nothing is the driver's. */
Test(area, empty)
{
	cr_assert(publish(NULL, NULL, 0));
	cr_assert_eq(find(BASE + 0x10000), 0);
}

/* An empty allocation takes no range. */
Test(area, empty_range_skipped)
{
	unsigned long lo[] = { BASE + 0x10000, BASE + 0x20000 };
	unsigned long len[] = { 0, 0x100 };

	cr_assert(publish(lo, len, 2));
	cr_assert_eq((u32)area.n, 1);
	cr_assert_eq(find(BASE + 0x10000), 0);
	cr_assert_eq(find(BASE + 0x20080), 1);
}

/* Ranges past the count (a shrunk list: a member gone) are emptied and match nothing. */
Test(area, shrunk_list)
{
	unsigned long lo[] = { BASE + 0x10000, BASE + 0x20000, BASE + 0x30000 };
	unsigned long len[] = { 0x100, 0x100, 0x100 };

	cr_assert(publish(lo, len, 3));
	cr_assert(publish(lo, len, 1));
	cr_assert_eq(area.r[1], 0);
	cr_assert_eq(area.r[2], 0);
	/* A reader that read the old count still finds nothing there. */
	area.n = 3;
	cr_assert_eq(find(BASE + 0x20000), 0);
	cr_assert_eq(find(BASE + 0x10000), 1);
}

/* A family of several modules since 6.4: more ranges than the area holds, ddv.ko answers. */
Test(area, too_many_ranges_inexact)
{
	unsigned long lo[DDV_AREA_RANGES + 1], len[DDV_AREA_RANGES + 1];

	for (unsigned int i = 0; i <= DDV_AREA_RANGES; i++) {
		lo[i] = BASE + 0x10000ul * (i + 1);
		len[i] = 0x1000;
	}
	cr_assert(publish(lo, len, DDV_AREA_RANGES));
	cr_assert_eq(find(lo[DDV_AREA_RANGES - 1]), 1);
	cr_assert_not(publish(lo, len, DDV_AREA_RANGES + 1));
	cr_assert_eq(find(lo[0]), -1, "ask ddv.ko");
	cr_assert_eq(find(BASE + 0x8000), -1, "even outside every range");
}

/* A range outside the 32-bit window above the base cannot be a word: inexact, not wrong. */
Test(area, outside_window_inexact)
{
	unsigned long below[] = { BASE - 0x1000 }, len[] = { 0x100 };
	unsigned long huge[] = { BASE + 0x1000 }, hlen[] = { 0x100000000ul };
	unsigned long top[] = { BASE + 0xfffff000ul }, tlen[] = { 0x2000 };

	cr_assert_not(publish(below, len, 1));
	cr_assert_not(publish(huge, hlen, 1));
	cr_assert_not(publish(top, tlen, 1));
	cr_assert_eq(find(BASE + 0x1000), -1);
}

/* The word is the start's offset and the length: one load gives both. */
Test(area, word_layout)
{
	u64 w[1], n = 0;

	cr_assert(ddv_area_add(w, &n, BASE, BASE + 0x123000, 0x4567));
	cr_assert_eq(n, 1);
	cr_assert_eq(w[0], (u64)0x4567 << 32 | 0x123000);
}

/*
 * A member loads while a reader is between its read of the count and the
 * ranges: the driver's text moves from the 4th range to the 7th, past the
 * old count. The reader must not answer "not the driver's" from a mix of
 * the two lists: a miss under another generation asks ddv.ko. A hit stays a
 * hit (each word was the driver's when read).
 */
Test(area, rewrite_under_a_reader_asks)
{
	unsigned long lo1[] = { BASE + 0x10000, BASE + 0x20000, BASE + 0x30000, BASE + 0x40000 };
	unsigned long len1[] = { 0x100, 0x100, 0x100, 0x1000 };
	unsigned long lo2[] = { BASE + 0x10000, BASE + 0x50000, BASE + 0x20000, BASE + 0x60000,
				BASE + 0x30000, BASE + 0x70000, BASE + 0x40000, BASE + 0x80000 };
	unsigned long len2[] = { 0x100, 0x100, 0x100, 0x100, 0x100, 0x100, 0x1000, 0x1000 };

	cr_assert(publish(lo1, len1, 4));
	cr_assert_eq(find(BASE + 0x40010), 1);
	race.lo = lo2;
	race.len = len2;
	race.n = 8;
	cr_assert_eq(find(BASE + 0x40010), -1, "a torn miss asks ddv.ko");
	cr_assert_null(race.lo, "the rewrite ran");
	cr_assert_eq(find(BASE + 0x40010), 1, "the new list finds it");
	race.lo = lo1;
	race.len = len1;
	race.n = 4;
	cr_assert_eq(find(BASE + 0x10010), 1, "a hit under a rewrite");
	cr_assert_eq(find(BASE + 0x90000), 0, "no rewrite: a miss is a miss");
}
