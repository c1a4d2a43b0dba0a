// SPDX-License-Identifier: GPL-2.0
/* test_config.c: the Bloom filter and the per-function config behind it. */
#include <criterion/criterion.h>
#include <stdlib.h>
/* The build directory has autoconf's config.h: name the core's by its path. */
#include "../../runtime/core/config.h"
#include <ddv/logrec.h>

static struct store *new_store(u32 capacity)
{
	struct store *s = calloc(1, sizeof(*s));
	size_t bytes = store_mem_size(capacity);
	void *mem = aligned_alloc(ENV_CACHELINE, bytes);

	cr_assert(s && mem);
	cr_assert_eq(store_init(s, mem, bytes, capacity), 0);
	return s;
}

Test(bloom, no_false_negatives_few_false_positives)
{
	static struct bloom b;
	unsigned int i, fp = 0;

	for (i = 0; i < 100000; i++)
		cr_assert(!bloom_maybe(&b, i));
	for (i = 0; i < 500; i++)
		bloom_add(&b, i * 7 + 3);
	for (i = 0; i < 500; i++)
		cr_assert(bloom_maybe(&b, i * 7 + 3));
	for (i = 100000; i < 200000; i++)
		fp += bloom_maybe(&b, i);
	/* 500 ids, 8192 bits, 2 bits in one word: about 1.4% expected. */
	cr_assert_lt(fp, 3000, "false positives: %u in 100000", fp);
	bloom_clear(&b);
	for (i = 0; i < 500; i++)
		cr_assert(!bloom_maybe(&b, i * 7 + 3));
}

Test(config, get_set_unset_reset)
{
	struct store *s = new_store(1024);
	static struct config c;
	s64 r;

	config_init(&c, s);
	cr_assert_eq(config_get(&c, CONFIG_TRACE_LEVEL, 5, 77), 77);
	cr_assert_eq(config_set(&c, CONFIG_TRACE_LEVEL, 5, 2), 0);
	cr_assert_eq(config_get(&c, CONFIG_TRACE_LEVEL, 5, 77), 2);
	/* Properties are independent; so are ids. */
	cr_assert_eq(config_get(&c, CONFIG_FUNC_OFF, 5, 0), 0);
	cr_assert_eq(config_get(&c, CONFIG_TRACE_LEVEL, 6, 0), 0);
	cr_assert_eq(config_set(&c, CONFIG_TRACE_LEVEL, 5, 3), 0);
	cr_assert_eq(config_get(&c, CONFIG_TRACE_LEVEL, 5, 77), 3);
	/* Message ids use all 32 bits. */
	cr_assert_eq(config_set(&c, CONFIG_RULE_OFF, DDV_MSG_ID(3, 9), 1), 0);
	cr_assert_eq(config_get(&c, CONFIG_RULE_OFF, DDV_MSG_ID(3, 9), 0), 1);
	cr_assert_eq(config_get(&c, CONFIG_RULE_OFF, DDV_MSG_ID(3, 8), 0), 0);
	cr_assert_eq(config_count(&c, CONFIG_TRACE_LEVEL), 1);
	cr_assert_eq(config_unset(&c, CONFIG_TRACE_LEVEL, 5), 0);
	cr_assert_eq(config_unset(&c, CONFIG_TRACE_LEVEL, 5), -ENOENT);
	cr_assert_eq(config_count(&c, CONFIG_TRACE_LEVEL), 0);
	cr_assert_eq(config_get(&c, CONFIG_TRACE_LEVEL, 5, 77), 77);
	/* Counters. */
	cr_assert_eq(config_adjust(&c, CONFIG_FAULT_NTH, 4, -1, 0, 100, &r), -ENOENT);
	cr_assert_eq(config_set(&c, CONFIG_FAULT_NTH, 4, 2), 0);
	cr_assert_eq(config_adjust(&c, CONFIG_FAULT_NTH, 4, -1, 0, 100, &r), 0);
	cr_assert_eq(r, 1);
	cr_assert_eq(config_get(&c, CONFIG_FAULT_NTH, 4, 9), 1);
	cr_assert_eq(config_set(&c, CONFIG_NPROPS, 4, 2), -EINVAL);
	/* Reset one property: the others stay. */
	for (unsigned int i = 0; i < 300; i++)
		cr_assert_eq(config_set(&c, CONFIG_FAULT_RATE, i, i + 1), 0);
	cr_assert_eq(config_set(&c, CONFIG_FAULT_RATE, 7, 70), 0);	/* a replacement is not a new id */
	cr_assert_eq(config_count(&c, CONFIG_FAULT_RATE), 300);
	cr_assert_eq(config_count(&c, CONFIG_FAULT_NTH), 1);
	cr_assert_eq(config_reset(&c, CONFIG_FAULT_RATE), 300);
	cr_assert_eq(config_count(&c, CONFIG_FAULT_RATE), 0);
	for (unsigned int i = 0; i < 300; i++)
		cr_assert_eq(config_get(&c, CONFIG_FAULT_RATE, i, 0), 0);
	cr_assert_eq(config_get(&c, CONFIG_RULE_OFF, DDV_MSG_ID(3, 9), 0), 1);
	cr_assert_eq(config_get(&c, CONFIG_FAULT_NTH, 4, 9), 1);
}

Test(config, store_full)
{
	struct store *s = new_store(64);
	static struct config c;
	unsigned int i, ok = 0;

	config_init(&c, s);
	for (i = 0; i < 100; i++) {
		int r = config_set(&c, CONFIG_TRACE_LEVEL, i, 1);

		cr_assert(r == 0 || r == -ENOSPC);
		ok += r == 0;
	}
	cr_assert_eq(ok, 64);
	/* The ones that did not fit read as the default, the others as set. */
	for (i = 0; i < 100; i++)
		cr_assert_eq(config_get(&c, CONFIG_TRACE_LEVEL, i, 0), i < 64 ? 1 : 0);
}
