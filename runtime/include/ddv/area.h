/* SPDX-License-Identifier: GPL-2.0 */
/*
 * area.h: a driver's modules' memory as ddv.ko publishes it for
 * ddv_in_driver() (ddv/fastpath.h), shared by ddv.ko (runtime/linux/patch.c),
 * the packs' wrappers and the unit tests (tests/runtime/test_area.c).
 *
 * Each range is one allocation of a module of the driver: on 6.1 a module's
 * core and init layouts, since 6.4 each of its module_memory areas (text,
 * data, rodata, ro_after_init, and the init ones while init runs), which lie
 * apart in the module area with other modules' memory between them. The list
 * is exact: an address in a range is the driver's, any other is not. Every
 * range is one word, its start as an offset from the module area's base and
 * its length, 32 bits each (the module area is 1 GiB on x86-64), so that a
 * reader never sees half of one range and half of another: a word it reads
 * was the driver's memory when ddv.ko wrote it, which ddv.ko does before a
 * module's memory is freed (its going notifier, the end of its init). A hit
 * is therefore right; a miss may not be while ddv.ko rewrites the list (a
 * member loading moves ranges to other places), so the count word carries a
 * generation that every rewrite changes first and last, and a miss read
 * under another generation asks ddv.ko (ddv_area_publish). More
 * ranges than DDV_AREA_RANGES (a family of several modules since 6.4), or one
 * that does not fit in a word: n says so and ddv.ko answers
 * (__ddv_in_driver: within_module per member).
 *
 * The includer provides u32 and u64 (linux/types.h, or core/env.h in user space).
 */
#ifndef DDV_AREA_H
#define DDV_AREA_H

/* 15 ranges and a count: 128 bytes a driver, an index that is a shift. */
#define DDV_AREA_RANGES		15
#define DDV_AREA_INEXACT	0xffffffffu	/* the count: ask ddv.ko */

struct ddv_dut_area {
	u64 n;				/* generation << 32 | ranges in r[] or INEXACT */
	u64 r[DDV_AREA_RANGES];		/* len << 32 | start - the module area's base */
};

#define DDV_AREA_READ(x) (*(const volatile u64 *)&(x))
#define DDV_AREA_WRITE(x, v) (*(volatile u64 *)&(x) = (v))

/* tests/runtime/test_area.c: a rewrite of the list between a reader's reads. */
#ifndef DDV_AREA_RACE
#define DDV_AREA_RACE(a) do { } while (0)
#endif

/*
 * Is off (an address minus the module area's base) in one of a's ranges?
 * 1 yes, 0 no, -1 ask ddv.ko. The first range decides the usual hit: ddv.ko
 * lists each module's writable data first (a DEFINE_MUTEX's home). x86-64
 * keeps loads in order: the count word read again after the ranges is
 * newer than each of them.
 */
static inline __attribute__((__always_inline__)) int
ddv_area_find(const struct ddv_dut_area *a, u32 off)
{
	u64 n = DDV_AREA_READ(a->n);
	u32 count = (u32)n;
	const u64 *r = a->r, *end = r + count;

	/* 1 to DDV_AREA_RANGES: one test, then a loop with no test before its first range. */
	if (__builtin_expect(count - 1 >= DDV_AREA_RANGES, 0))
		return count ? -1 : 0;
	DDV_AREA_RACE(a);
	do {
		u64 w = DDV_AREA_READ(*r);

		if (off - (u32)w < (u32)(w >> 32))
			return 1;
	} while (++r != end);
	return DDV_AREA_READ(a->n) == n ? 0 : -1;
}

/*
 * Publishes the count ranges of words (exact false: ask ddv.ko), the one
 * writer at a time (ddv.ko's ddv_mutex): the generation first, with the
 * count INEXACT, then the ranges (those past the count emptied), then the
 * count under the next generation. x86-64 keeps stores in order: the
 * compiler barriers keep the compiler from reordering them.
 */
static inline void ddv_area_publish(struct ddv_dut_area *a, const u64 *words, u64 count,
				    bool exact)
{
	u64 gen = (DDV_AREA_READ(a->n) >> 32) + 1;
	unsigned int i;

	DDV_AREA_WRITE(a->n, gen << 32 | DDV_AREA_INEXACT);
	__asm__ __volatile__("" ::: "memory");
	if (!exact)
		return;
	for (i = 0; i < DDV_AREA_RANGES; i++)
		DDV_AREA_WRITE(a->r[i], i < count ? words[i] : 0);
	__asm__ __volatile__("" ::: "memory");
	DDV_AREA_WRITE(a->n, (gen + 1) << 32 | count);
}

/*
 * Appends [start, start + len) to words[*n] (an area of ddv_area_find, base
 * the module area's start); an empty range is skipped. False when it cannot
 * be one: outside the 32-bit window above base, or the list full.
 */
static inline bool ddv_area_add(u64 *words, u64 *n, unsigned long base, unsigned long start,
				unsigned long len)
{
	if (!len)
		return true;
	if (start < base || start - base > 0xffffffffull || len > 0xffffffffull ||
	    start - base + len > 0x100000000ull || *n >= DDV_AREA_RANGES)
		return false;
	words[(*n)++] = (u64)len << 32 | (u64)(start - base);
	return true;
}

#endif /* DDV_AREA_H */
