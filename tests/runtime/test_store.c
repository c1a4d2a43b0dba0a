// SPDX-License-Identifier: GPL-2.0
/* test_store.c: the object store: operations, full table, churn, contained index, threads. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include "store.h"

static struct store *new_store(u32 capacity)
{
	struct store *s = calloc(1, sizeof(*s));
	size_t bytes = store_mem_size(capacity);
	void *mem = aligned_alloc(ENV_CACHELINE, bytes);

	cr_assert(s && mem);
	cr_assert_eq(store_init(s, mem, bytes, capacity), 0);
	return s;
}

static u64 rng_state = 88172645463325252ull;
static u64 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/*
 * What the lock-free claim relies on (ddv/slot.h): an empty slot's meta holds
 * its generation and nothing else, whatever emptied it.
 */
static void assert_empty_slots_hold_only_a_generation(const struct store *s)
{
	for (u32 i = 0; i < s->capacity; i++) {
		u64 m = s->slots[i].meta;

		if ((u16)m == STORE_TYPE_EMPTY)
			cr_assert_eq(m & ~DDV_META_GEN, 0, "slot %u: empty, meta %#llx", i,
				     (unsigned long long)m);
	}
}

Test(store, init_rejects_bad_sizes)
{
	struct store s;
	static char mem[64 * 1024] __attribute__((aligned(64)));

	cr_assert_eq(store_mem_size(0), 0);
	cr_assert_eq(store_mem_size(32), 0);
	cr_assert_eq(store_mem_size(100), 0);
	cr_assert_gt(store_mem_size(64), 64 * sizeof(struct ddv_slot) - 1);
	cr_assert_eq(store_init(&s, mem, sizeof(mem), 100), -EINVAL);
	cr_assert_eq(store_init(&s, mem, 10, 64), -EINVAL);
	cr_assert_eq(store_init(&s, mem + 8, sizeof(mem) - 8, 64), -EINVAL);
	cr_assert_eq(store_init(&s, mem, sizeof(mem), 64), 0);
	cr_assert_eq(sizeof(struct ddv_slot), 64);
}

Test(store, insert_lookup_delete)
{
	struct store *s = new_store(1024);
	u64 f[DDV_MAX_FIELDS] = { 1, 2, 3, 4 };
	struct store_obj o;
	struct store_stats st;

	cr_assert_eq(store_insert(s, 40, 0x1234, 3, 5, 0xffffffffa0001234ull, f, NULL), 0);
	cr_assert_eq(store_lookup(s, 40, 0x1234, &o), 0);
	cr_assert_eq(o.key, 0x1234);
	cr_assert_eq(o.type, 40);
	cr_assert_eq(o.owner, 3);
	cr_assert_eq(o.state, 5);
	cr_assert_eq(o.site, 0xffffffffa0001234ull);
	cr_assert_eq(o.fields[3], 4);
	/* Same key, other type: another object. */
	cr_assert_eq(store_lookup(s, 41, 0x1234, &o), -ENOENT);
	cr_assert_eq(store_insert(s, 41, 0x1234, 3, 0, 0, NULL, NULL), 0);
	cr_assert_eq(store_lookup(s, 41, 0x1234, &o), 0);
	cr_assert_eq(o.fields[0], 0);
	/* Again: -EEXIST with the live one, unchanged. */
	cr_assert_eq(store_insert(s, 40, 0x1234, 9, 9, 9, NULL, &o), -EEXIST);
	cr_assert_eq(o.owner, 3);
	cr_assert_eq(o.fields[1], 2);
	cr_assert_eq(store_insert(s, STORE_TYPE_EMPTY, 1, 0, 0, 0, NULL, NULL), -EINVAL);
	store_get_stats(s, &st);
	cr_assert_eq(st.live, 2);
	cr_assert_eq(store_delete(s, 40, 0x1234, &o), 0);
	cr_assert_eq(o.fields[2], 3);
	cr_assert_eq(store_delete(s, 40, 0x1234, NULL), -ENOENT);
	cr_assert_eq(store_lookup(s, 40, 0x1234, NULL), -ENOENT);
	cr_assert_eq(store_lookup(s, 41, 0x1234, NULL), 0);
	store_get_stats(s, &st);
	cr_assert_eq(st.live, 1);
}

Test(store, full_64_bit_keys)
{
	struct store *s = new_store(256);
	/* 5-level paging: no key bit is free, keys differing only in the top bits are distinct. */
	u64 keys[] = { 0xff11000000001000ull, 0x0011000000001000ull, 0x8011000000001000ull,
		       0xffffffffffffffffull, 0, 1 };
	struct store_obj o;
	unsigned int i;

	for (i = 0; i < 6; i++)
		cr_assert_eq(store_insert(s, 0xffff, keys[i], 1, 0, 0, (u64[4]){ i }, NULL), 0);
	for (i = 0; i < 6; i++) {
		cr_assert_eq(store_lookup(s, 0xffff, keys[i], &o), 0);
		cr_assert_eq(o.fields[0], i);
		cr_assert_eq(o.key, keys[i]);
	}
}

Test(store, full_table_counts_drops)
{
	struct store *s = new_store(64);
	struct store_stats st;
	unsigned int i, ok = 0, full = 0;

	for (i = 0; i < 100; i++) {
		int r = store_insert(s, 50, i * 4096, 1, 0, 0, NULL, NULL);

		if (r == 0)
			ok++;
		else if (r == -ENOSPC)
			full++;
		else
			cr_assert_fail("unexpected %d", r);
	}
	cr_assert_eq(ok, 64);
	cr_assert_eq(full, 36);
	store_get_stats(s, &st);
	cr_assert_eq(st.live, 64);
	cr_assert_eq(st.drops, 36);
	cr_assert_leq(st.max_probe, 64);
	/* Everything inserted is still found; a full table still answers lookups. */
	for (i = 0; i < 100; i++)
		cr_assert_eq(store_lookup(s, 50, i * 4096, NULL), i < 64 ? 0 : -ENOENT);
	cr_assert_eq(store_lookup(s, 50, 12345, NULL), -ENOENT);
	/* Room again after a delete. */
	cr_assert_eq(store_delete(s, 50, 0, NULL), 0);
	cr_assert_eq(store_insert(s, 50, 99 * 4096, 1, 0, 0, NULL, NULL), 0);
}

static unsigned int count_empty(struct store *s)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->capacity; i++)
		n += s->slots[i].type == STORE_TYPE_EMPTY;
	return n;
}

/* Random operations against a model: wrap-around clusters, shifts, every op checked. */
Test(store, random_ops_match_model, .timeout = 60)
{
	enum { CAP = 256, KEYS = 300 };
	struct store *s = new_store(CAP);
	static bool live[KEYS];
	static u64 val[KEYS];
	struct store_obj o;
	struct store_stats st;
	unsigned int i, nlive = 0, step;

	for (step = 0; step < 400000; step++) {
		unsigned int k = rnd() % KEYS;
		u16 type = 32 + k % 3;
		/* Adjacent keys and a shared low part: many collisions and long clusters. */
		u64 key = (u64)k << 40 | 0x1000;
		int r;

		switch (rnd() % 4) {
		case 0:
		case 1:
			r = store_insert(s, type, key, 1, 0, 0, (u64[4]){ step }, NULL);
			if (live[k]) {
				cr_assert_eq(r, -EEXIST);
			} else if (r == 0) {
				live[k] = true;
				val[k] = step;
				nlive++;
			} else {
				cr_assert_eq(r, -ENOSPC);
			}
			break;
		case 2:
			r = store_delete(s, type, key, &o);
			cr_assert_eq(r, live[k] ? 0 : -ENOENT);
			if (live[k]) {
				cr_assert_eq(o.fields[0], val[k]);
				live[k] = false;
				nlive--;
			}
			break;
		case 3:
			r = store_lookup(s, type, key, &o);
			cr_assert_eq(r, live[k] ? 0 : -ENOENT, "step %u key %u", step, k);
			if (live[k])
				cr_assert_eq(o.fields[0], val[k]);
			break;
		}
	}
	store_get_stats(s, &st);
	cr_assert_eq(st.live, nlive);
	for (i = 0; i < KEYS; i++)
		cr_assert_eq(store_lookup(s, 32 + i % 3, (u64)i << 40 | 0x1000, NULL),
			     live[i] ? 0 : -ENOENT);
	/* No tombstones: every slot is an object or empty. */
	cr_assert_eq(count_empty(s), CAP - nlive);
	assert_empty_slots_hold_only_a_generation(s);
}

/* Millions of insert/delete cycles do not degrade the table. */
Test(store, churn_does_not_degrade, .timeout = 60)
{
	enum { CAP = 1 << 14, LIVE = CAP / 2 };
	struct store *s = new_store(CAP);
	static u64 keys[LIVE];
	struct store_stats st;
	u32 before, i;
	unsigned long n;

	for (i = 0; i < LIVE; i++) {
		keys[i] = 0xffff888000000000ull + rnd() % (1ull << 36) * 64;
		while (store_insert(s, 33, keys[i], 1, 0, 0, NULL, NULL))
			keys[i] += 64;
	}
	store_get_stats(s, &st);
	before = st.max_probe;
	for (n = 0; n < 3000000; n++) {
		i = rnd() % LIVE;
		cr_assert_eq(store_delete(s, 33, keys[i], NULL), 0);
		keys[i] = 0xffff888000000000ull + rnd() % (1ull << 36) * 64;
		while (store_insert(s, 33, keys[i], 1, 0, 0, NULL, NULL))
			keys[i] += 64;
	}
	store_get_stats(s, &st);
	cr_assert_eq(st.live, LIVE);
	cr_assert_eq(count_empty(s), CAP - LIVE);
	/* Half full, linear probing: probe lengths stay short (an upper bound, not a guess). */
	cr_assert_lt(st.max_probe, 64, "max probe %u (after fill %u)", st.max_probe, before);
	for (i = 0; i < LIVE; i++)
		cr_assert_eq(store_lookup(s, 33, keys[i], NULL), 0);
}

Test(store, updates)
{
	struct store *s = new_store(64);
	u64 old;
	s64 r;

	cr_assert_eq(store_insert(s, 40, 7, 2, 0, 0, NULL, NULL), 0);
	cr_assert_eq(store_set_state(s, 40, 7, 3), 0);
	cr_assert_eq(store_set_state(s, 40, 8, 3), -ENOENT);
	cr_assert_eq(store_set_field(s, 40, 7, 1, 99, &old), 0);
	cr_assert_eq(old, 0);
	cr_assert_eq(store_set_field(s, 40, 7, 1, 100, &old), 0);
	cr_assert_eq(old, 99);
	cr_assert_eq(store_set_field(s, 40, 7, DDV_MAX_FIELDS, 1, NULL), -EINVAL);
	/* Counter in [0, 2]: up, up, refused, down, down, refused. */
	cr_assert_eq(store_adjust(s, 40, 7, 0, 1, 0, 2, &r), 0);
	cr_assert_eq(r, 1);
	cr_assert_eq(store_adjust(s, 40, 7, 0, 1, 0, 2, &r), 0);
	cr_assert_eq(r, 2);
	cr_assert_eq(store_adjust(s, 40, 7, 0, 1, 0, 2, &r), -ERANGE);
	cr_assert_eq(r, 3);
	cr_assert_eq(store_adjust(s, 40, 7, 0, -2, 0, 2, &r), 0);
	cr_assert_eq(r, 0);
	cr_assert_eq(store_adjust(s, 40, 7, 0, -1, 0, 2, &r), -ERANGE);
	cr_assert_eq(store_adjust(s, 40, 7, 9, -1, 0, 2, &r), -EINVAL);
	cr_assert_eq(store_adjust(s, 40, 8, 0, -1, 0, 2, &r), -ENOENT);
	/* Overflow past S64_MAX is refused even with max = S64_MAX. */
	cr_assert_eq(store_set_field(s, 40, 7, 2, (u64)INT64_MAX, NULL), 0);
	cr_assert_eq(store_adjust(s, 40, 7, 2, 1, INT64_MIN, INT64_MAX, &r), -ERANGE);
	cr_assert_eq(store_set_field(s, 40, 7, 2, (u64)INT64_MIN, NULL), 0);
	cr_assert_eq(store_adjust(s, 40, 7, 2, -1, INT64_MIN, INT64_MAX, &r), -ERANGE);
	cr_assert_eq(store_disown(s, 40, 7), 0);
	{
		struct store_obj o;

		cr_assert_eq(store_lookup(s, 40, 7, &o), 0);
		cr_assert_eq(o.owner, 0);
		cr_assert_eq(o.state, 3);
		cr_assert_eq(o.fields[0], 0);
		cr_assert_eq(o.fields[1], 100);
		cr_assert_eq(o.fields[2], (u64)INT64_MIN);
	}
}

Test(store, iterate_and_purge_by_owner)
{
	struct store *s = new_store(1024);
	struct store_filter mine = { .type_lo = 32, .owner = 1 };
	struct store_filter all = { .type_lo = 32, .any_owner = true };
	struct store_obj o;
	struct store_stats st;
	u64 cursor = 0, seen = 0, sum = 0;
	unsigned int i;

	for (i = 0; i < 600; i++)
		cr_assert_eq(store_insert(s, 32 + i % 5, i * 8, 1 + i % 3, 0, 0, NULL, NULL), 0);
	cr_assert_eq(store_insert(s, STORE_TYPE_CONFIG, 5, 1, 0, 0, NULL, NULL), 0);
	while (store_next(s, &cursor, &mine, &o)) {
		cr_assert_eq(o.owner, 1);
		cr_assert_geq(o.type, 32);
		seen++;
		sum += o.key;
	}
	cr_assert_eq(seen, 200);
	cr_assert_eq(sum, 8ull * (0 + 597) * 200 / 2);	/* keys 0, 24, 48, ... */
	cr_assert_eq(store_purge(s, &mine), 200);
	cursor = 0;
	seen = 0;
	while (store_next(s, &cursor, &all, &o)) {
		cr_assert_neq(o.owner, 1);
		seen++;
	}
	cr_assert_eq(seen, 400);
	/* Types [33, 35): purge by type range. */
	cr_assert_eq(store_purge(s, &(struct store_filter){ .type_lo = 33, .type_hi = 35, .any_owner = true }), 160);
	store_get_stats(s, &st);
	cr_assert_eq(st.live, 240 + 1);		/* + the config entry */
	cr_assert_eq(store_lookup(s, STORE_TYPE_CONFIG, 5, NULL), 0);
}

Test(store, find_inside)
{
	struct store *s = new_store(4096);
	struct store_obj o;
	const u64 base = 0xff11000012340000ull;	/* a 5-level-paging kernel address */

	store_set_contained(s, 60);
	/* A non-contained type is never indexed. */
	cr_assert_eq(store_insert(s, 61, base + 0x100, 1, 0, 0, NULL, NULL), 0);
	cr_assert_eq(store_find_inside(s, 61, base, base + 0x1000, &o), -ENOENT);
	cr_assert_eq(store_find_inside(s, 60, base, base + 0x1000, &o), -ENOENT);
	cr_assert_eq(store_insert(s, 60, base + 0x1ff8, 1, 0, 0, (u64[4]){ 42 }, NULL), 0);
	cr_assert_eq(store_find_inside(s, 60, base, base + 0x1ff8, &o), -ENOENT);
	cr_assert_eq(store_find_inside(s, 60, base, base + 0x1ff9, &o), 0);
	cr_assert_eq(o.key, base + 0x1ff8);
	cr_assert_eq(o.fields[0], 42);
	cr_assert_eq(store_find_inside(s, 60, base + 0x1ff8, base + 0x3000, &o), 0);
	cr_assert_eq(store_find_inside(s, 60, base + 0x1ff9, base + 0x3000, &o), -ENOENT);
	/* A block spanning pages, an empty range, a range at the top of the address space. */
	cr_assert_eq(store_find_inside(s, 60, base - 0x10000, base + 0x10000, &o), 0);
	cr_assert_eq(store_find_inside(s, 60, base + 5, base + 5, &o), -ENOENT);
	cr_assert_eq(store_insert(s, 60, ~0ull - 7, 1, 0, 0, NULL, NULL), 0);
	cr_assert_eq(store_find_inside(s, 60, ~0ull - 4096, ~0ull, &o), 0);
	cr_assert_eq(o.key, ~0ull - 7);
	/* Gone once deleted. */
	cr_assert_eq(store_delete(s, 60, base + 0x1ff8, NULL), 0);
	cr_assert_eq(store_find_inside(s, 60, base, base + 0x4000, &o), -ENOENT);
}

/* Many contained objects on one page: chains grow, shrink, stay exact; overflow is counted. */
Test(store, find_inside_crowded_page)
{
	enum { N = STORE_INDEX_PER_PAGE + 6 };
	struct store *s = new_store(4096);
	const u64 page = 0xffff888004a3c000ull;
	struct store_stats st;
	struct store_obj o;
	bool live[N];
	unsigned int i, round;

	store_set_contained(s, 60);
	for (i = 0; i < N; i++) {
		cr_assert_eq(store_insert(s, 60, page + i * 32, 1, 0, 0, NULL, NULL), 0);
		live[i] = true;
	}
	store_get_stats(s, &st);
	cr_assert_eq(st.index_drops, 6);
	cr_assert_eq(st.drops, 0);	/* every object is tracked: only the index is short */
	for (i = 0; i < N; i++)
		cr_assert_eq(store_find_inside(s, 60, page + i * 32, page + i * 32 + 1, &o),
			     i < STORE_INDEX_PER_PAGE ? 0 : -ENOENT);
	/* Delete every other one, then check each object exactly. */
	for (i = 0; i < N; i += 2) {
		cr_assert_eq(store_delete(s, 60, page + i * 32, NULL), 0);
		live[i] = false;
	}
	for (round = 0; round < 2; round++) {
		for (i = 0; i < STORE_INDEX_PER_PAGE; i++)
			cr_assert_eq(store_find_inside(s, 60, page + i * 32, page + i * 32 + 32, &o),
				     live[i] ? 0 : -ENOENT, "round %u obj %u", round, i);
		/* Objects that did not fit are still tracked, only not indexed. */
		for (i = STORE_INDEX_PER_PAGE; i < N; i++)
			cr_assert_eq(store_lookup(s, 60, page + i * 32, NULL), live[i] ? 0 : -ENOENT);
		/* The freed index room takes new objects. */
		for (i = 0; i < STORE_INDEX_PER_PAGE; i += 4) {
			if (!live[i]) {
				cr_assert_eq(store_insert(s, 60, page + i * 32, 1, 0, 0, NULL, NULL), 0);
				live[i] = true;
			}
		}
	}
	for (i = 0; i < N; i++)
		if (live[i])
			cr_assert_eq(store_delete(s, 60, page + i * 32, NULL), 0);
	store_get_stats(s, &st);
	cr_assert_eq(st.live, 0, "index entries left behind: %llu", (unsigned long long)st.live);
}

/* --- threads --- */

struct stress_arg {
	struct store *s;
	unsigned int id;
	unsigned long ops;
	unsigned long errors;
};

#define STABLE_KEYS 512
#define STRESS_THREADS 4

/* A thread's own generator step (rnd() is not thread-safe). */
static inline u64 xorshift(u64 *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Runs fn on STRESS_THREADS threads (ids first_id, first_id + 1...), ops each; none may err. */
static void run_threads(struct store *s, void *(*fn)(void *), unsigned int first_id,
			unsigned long ops)
{
	struct stress_arg args[STRESS_THREADS];
	pthread_t th[STRESS_THREADS];
	unsigned int i;

	for (i = 0; i < STRESS_THREADS; i++) {
		args[i] = (struct stress_arg){ .s = s, .id = first_id + i, .ops = ops };
		pthread_create(&th[i], NULL, fn, &args[i]);
	}
	for (i = 0; i < STRESS_THREADS; i++) {
		pthread_join(th[i], NULL);
		cr_assert_eq(args[i].errors, 0, "thread %u: %lu errors", i, args[i].errors);
	}
}

/* Each thread churns its own keys and a shared set, and checks keys that never change. */
static void *stress_thread(void *p)
{
	struct stress_arg *a = p;
	u64 x = 0x9e3779b97f4a7c15ull * (a->id + 1);
	unsigned long n;

	for (n = 0; n < a->ops; n++) {
		u64 r, key;
		struct store_obj o;

		xorshift(&x);
		r = x;
		switch (r % 5) {
		case 0: /* own key: insert, find, delete, all must succeed */
			key = (u64)a->id << 56 | (r >> 8) % 100000;
			if (store_insert(a->s, 34, key, a->id, 0, 0, (u64[4]){ key }, NULL) == 0) {
				if (store_lookup(a->s, 34, key, &o) || o.fields[0] != key)
					a->errors++;
				if (store_adjust(a->s, 34, key, 1, 1, 0, 10, NULL))
					a->errors++;
				if (store_delete(a->s, 34, key, &o) || o.fields[1] != 1)
					a->errors++;
			}
			break;
		case 1: /* shared keys: races between threads, any result but no corruption */
		case 2:
			key = (r >> 8) % 256;
			if (r & 0x80)
				store_insert(a->s, 35, key, a->id, 0, 0, NULL, NULL);
			else
				store_delete(a->s, 35, key, NULL);
			break;
		default: /* stable keys are always found, whatever moves around them */
			key = 0xffff800000000000ull + (r >> 8) % STABLE_KEYS * 64;
			if (store_lookup(a->s, 36, key, &o) || o.fields[0] != ~key)
				a->errors++;
			break;
		}
	}
	return NULL;
}

Test(store, threads_stress, .timeout = 120)
{
	/* Small table: every segment is busy, clusters shift all the time. */
	struct store *s = new_store(4096);
	struct store_stats st;
	struct store_filter shared = { .type_lo = 35, .type_hi = 36, .any_owner = true };
	struct store_obj o;
	u64 cursor = 0, nshared = 0;
	unsigned int i;

	for (i = 0; i < STABLE_KEYS; i++) {
		u64 key = 0xffff800000000000ull + i * 64;

		cr_assert_eq(store_insert(s, 36, key, 9, 0, 0, (u64[4]){ ~key }, NULL), 0);
	}
	run_threads(s, stress_thread, 1, 2000000);
	while (store_next(s, &cursor, &shared, &o))
		nshared++;
	store_get_stats(s, &st);
	cr_assert_eq(st.live, STABLE_KEYS + nshared);
	cr_assert_eq(st.drops, 0);
	cr_assert_eq(count_empty(s), 4096 - st.live);
	for (i = 0; i < 256; i++) {
		bool in = store_lookup(s, 35, i, NULL) == 0;

		cr_assert_eq(store_delete(s, 35, i, NULL), in ? 0 : -ENOENT);
	}
	store_get_stats(s, &st);
	cr_assert_eq(st.live, STABLE_KEYS);
}

/*
 * Lock-free and locked operations on one crowded segment: 64 slots at 3/4
 * load, so inserts go past occupied homes (PASSED), deletes shift clusters
 * back, and home-slot inserts and deletes race with both.
 */
#define CROWD_STABLE 16
#define CROWD_OWN 8

static void *crowd_thread(void *p)
{
	struct stress_arg *a = p;
	u64 x = 0x9e3779b97f4a7c15ull * (a->id + 7);
	bool live[CROWD_OWN] = { false };
	unsigned long n;

	for (n = 0; n < a->ops; n++) {
		unsigned int i;
		struct store_obj o;
		u64 key;

		xorshift(&x);
		i = (x >> 8) % CROWD_OWN;
		key = (u64)a->id << 32 | i;
		if (live[i]) {
			/* Still there, with its fields, until this thread deletes it. */
			if (store_lookup(a->s, 70, key, &o) || o.fields[0] != key || o.owner != a->id)
				a->errors++;
			if (store_delete(a->s, 70, key, NULL))
				a->errors++;
			if (store_lookup(a->s, 70, key, NULL) != -ENOENT)
				a->errors++;
		} else {
			if (store_insert(a->s, 70, key, a->id, 0, 0, (u64[4]){ key }, NULL))
				a->errors++;
			if (store_insert(a->s, 70, key, a->id, 0, 0, NULL, NULL) != -EEXIST)
				a->errors++;
		}
		live[i] = !live[i];
		key = 0xabc0000000000000ull + (x >> 40) % CROWD_STABLE;
		if (store_lookup(a->s, 71, key, &o) || o.fields[0] != ~key)
			a->errors++;
	}
	for (unsigned int i = 0; i < CROWD_OWN; i++)
		if (live[i] && store_delete(a->s, 70, (u64)a->id << 32 | i, NULL))
			a->errors++;
	return NULL;
}

Test(store, threads_crowded_segment, .timeout = 120)
{
	struct store *s = new_store(64);
	struct store_stats st;
	unsigned int i;

	for (i = 0; i < CROWD_STABLE; i++) {
		u64 key = 0xabc0000000000000ull + i;

		cr_assert_eq(store_insert(s, 71, key, 9, 0, 0, (u64[4]){ ~key }, NULL), 0);
	}
	run_threads(s, crowd_thread, 1, 1000000);
	assert_empty_slots_hold_only_a_generation(s);
	store_get_stats(s, &st);
	cr_assert_eq(st.live, CROWD_STABLE);
	cr_assert_eq(st.drops, 0);
	cr_assert_eq(count_empty(s), 64 - CROWD_STABLE);
	for (i = 0; i < CROWD_STABLE; i++)
		cr_assert_eq(store_delete(s, 71, 0xabc0000000000000ull + i, NULL), 0);
}

/* The contained index under threads: chains change while lock-free queries run. */

#define INSIDE_PAGES 2
#define INSIDE_BASE 0xffff888010000000ull

static void *inside_thread(void *p)
{
	struct stress_arg *a = p;
	u64 x = 0x2545f4914f6cdd1dull * (a->id + 1);
	unsigned long n;

	for (n = 0; n < a->ops; n++) {
		unsigned int page, slot;
		struct store_obj o;
		u64 key;

		xorshift(&x);
		page = (x >> 8) % INSIDE_PAGES;
		if (a->id == 0) {
			/* The anchor of each page (offset 0) never goes away: always found. */
			u64 lo = INSIDE_BASE + page * 4096;

			if (store_find_inside(a->s, 62, lo, lo + 1, &o) || o.key != lo)
				a->errors++;
			continue;
		}
		/*
		 * Others hold up to 8 objects each at their own offsets on the same
		 * two pages (chains of several links), and drop them in any order.
		 */
		slot = (x >> 20) % 8;
		key = INSIDE_BASE + (slot & 1) * 4096 + 8 * (1 + (a->id - 1) * 8 + slot);
		if (store_lookup(a->s, 62, key, NULL) == 0) {
			if (store_find_inside(a->s, 62, key, key + 1, &o) || o.key != key)
				a->errors++;
			if (store_delete(a->s, 62, key, NULL))
				a->errors++;
			if (store_find_inside(a->s, 62, key, key + 1, &o) != -ENOENT)
				a->errors++;
		} else {
			if (store_insert(a->s, 62, key, a->id, 0, 0, NULL, NULL))
				a->errors++;
			if (store_find_inside(a->s, 62, key, key + 1, &o) || o.key != key)
				a->errors++;
		}
		(void)page;
	}
	return NULL;
}

Test(store, find_inside_threads, .timeout = 120)
{
	struct store *s = new_store(4096);
	struct store_stats st;
	unsigned int i;

	store_set_contained(s, 62);
	for (i = 0; i < INSIDE_PAGES; i++)
		cr_assert_eq(store_insert(s, 62, INSIDE_BASE + i * 4096, 9, 0, 0, NULL, NULL), 0);
	run_threads(s, inside_thread, 0, 500000);
	store_get_stats(s, &st);
	cr_assert_eq(st.index_drops, 0);
	/* Drop what the threads still hold: the anchors and one index entry per page remain. */
	store_purge(s, &(struct store_filter){ .type_lo = 62, .type_hi = 63, .owner = 1 });
	store_purge(s, &(struct store_filter){ .type_lo = 62, .type_hi = 63, .owner = 2 });
	store_purge(s, &(struct store_filter){ .type_lo = 62, .type_hi = 63, .owner = 3 });
	store_get_stats(s, &st);
	cr_assert_eq(st.live, 2 * INSIDE_PAGES);
}

/*
 * ddv_key() (ddv/fastpath.h), the key of an object two words name: snd_hda_core's two widget
 * groups lie 0xc0 apart in its rodata, and its widget kobjects in one kmalloc-64 page. Every
 * (kobject, group) pair of that page has its own key; kobj ^ grp, the key it replaced, gave
 * live pairs one key (a false device.sysfs-group-live).
 */
Test(store, pair_keys_of_one_slab_page_differ)
{
	const u64 page = 0xffff888004a3c000ull, rodata = 0xffffffffc0a61000ull;
	const u64 groups[2] = { rodata + 0x240, rodata + 0x280 };
	u64 keys[128];
	unsigned int n = 0, xor_shared = 0;

	for (unsigned int slot = 0; slot < 64; slot++)
		for (unsigned int g = 0; g < 2; g++)
			keys[n++] = ddv_key(page + slot * 64, groups[g]);
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int j = i + 1; j < n; j++)
			cr_assert_neq(keys[i], keys[j], "pairs %u and %u share key %#llx", i, j,
				      (unsigned long long)keys[i]);
	for (unsigned int a = 0; a < 64; a++)
		for (unsigned int b = 0; b < 64; b++)
			xor_shared += ((page + a * 64) ^ groups[0]) == ((page + b * 64) ^ groups[1]);
	cr_assert_gt(xor_shared, 0, "kobj ^ grp no longer folds this page's pairs alike");
	/* A bijection of the second word: the same kobject with two groups never collides. */
	cr_assert_neq(ddv_key(page, groups[0]), ddv_key(page, groups[1]));
}

static struct ddv_slot *home_of(struct store *s, u16 type, u64 key)
{
	return &s->slots[ddv_slot_hash(type, key) & s->cap_mask];
}

/*
 * The inline create (fastpath.h ddv_obj_create) claims with words summed from
 * parts kept ready: its pack's (type_base), its driver's and its type's
 * constant. They must make the very meta ddv_slot_claim does, PASSED set
 * meanwhile kept.
 */
Test(store, claim_words_in_parts)
{
	struct store *s = new_store(1024);
	u64 f[DDV_MAX_FIELDS] = { 4096, 0, 0, 0 }, m;
	const u16 base = 40, type = 3, owner = 5;
	const u8 state = 2;
	const u64 key = 0xffff888012345600ull;
	struct ddv_slot *e = home_of(s, base + type, key);
	struct store_obj o;

	cr_assert(ddv_slot_claim_add(e, key, DDV_CLAIM_ADD(base) + ((u64)type << 16),
				     DDV_PUBLISH_ADD(base, 0, 0) + DDV_PUBLISH_OWNER(owner) +
				     DDV_PUBLISH_TYPE(type) + ((u64)state << 32),
				     0x80001234u, f, 1));
	cr_assert_eq(e->meta & ~DDV_META_GEN, DDV_META(base + type, owner, state));
	cr_assert_eq(store_lookup(s, base + type, key, &o), 0);
	cr_assert_eq(o.owner, owner);
	cr_assert_eq(o.state, state);
	cr_assert_eq(o.fields[0], 4096);
	m = e->meta;
	cr_assert(ddv_slot_take(e, base + type, key, -1, NULL));
	cr_assert_eq(e->meta, m & DDV_META_GEN);

	/* A PASSED set between the claim and the publish (a locked insert going past) stays. */
	cr_assert(ddv_slot_claim_add(e, key, DDV_CLAIM_ADD(base + type), 0, 0, f, 1));
	e->meta |= DDV_META_PASSED;
	__atomic_add_fetch(&e->meta, DDV_PUBLISH_ADD(base + type, owner, state), __ATOMIC_RELEASE);
	cr_assert_eq(e->meta & ~DDV_META_GEN, DDV_META(base + type, owner, state) | DDV_META_PASSED);
}

/*
 * The destroy after a lookup in one call (ddv/slot.h ddv_slot_take_seen,
 * fastpath.h ddv_obj_destroy_found): it empties the slot from the meta the
 * lookup's read saw, and only while that is still the slot's meta. An object
 * taken and made again at the same key meanwhile (another CPU's unmap and
 * map of the same bus address) is another object: it must stay.
 */
Test(store, take_seen_only_the_object_read)
{
	struct store *s = new_store(1024);
	u64 f[DDV_MAX_FIELDS] = { 4096, 1, 0, 0 }, g[DDV_MAX_FIELDS], m, m2, v;
	struct ddv_slot *e = home_of(s, 40, 0xabc000);
	struct store_obj o;

	/* Read, then taken from what was read: gone, generation kept. */
	cr_assert_eq(store_insert(s, 40, 0xabc000, 1, 0, 0x80001234u, f, NULL), 0);
	cr_assert_eq(ddv_slot_read(e, 40, 0xabc000, &m, g, 2), 0);
	cr_assert_eq(g[0], 4096);
	cr_assert_eq(g[1], 1);
	cr_assert(ddv_slot_take_seen(e, m));
	cr_assert_eq(store_lookup(s, 40, 0xabc000, NULL), -ENOENT);
	cr_assert_eq(e->meta, m & DDV_META_GEN);

	/*
	 * Read; taken and made again at the same key, by the same owner in the
	 * same state, on the lock-free path another CPU's inline unmap and map
	 * take: only the generation tells them apart, and the stale take fails.
	 */
	cr_assert(ddv_slot_claim(e, 40, 0xabc000, 1, 0, 0x80001234u, f, 2));
	cr_assert_eq(ddv_slot_read(e, 40, 0xabc000, &m, g, 2), 0);
	cr_assert(ddv_slot_take(e, 40, 0xabc000, -1, NULL));
	f[0] = 2048;
	cr_assert(ddv_slot_claim(e, 40, 0xabc000, 1, 0, 0x80001234u, f, 2));
	cr_assert_eq(ddv_slot_read(e, 40, 0xabc000, &m2, g, 2), 0);
	cr_assert_eq(m2 & ~DDV_META_GEN, m & ~DDV_META_GEN, "the same type, owner and state");
	cr_assert_neq(m2, m);
	cr_assert_not(ddv_slot_take_seen(e, m), "the new object was taken through the old read");
	cr_assert_eq(store_lookup(s, 40, 0xabc000, &o), 0);
	cr_assert_eq(o.fields[0], 2048);
	cr_assert(ddv_slot_take_seen(e, m2));

	/* The same through the store's locked delete and insert. */
	cr_assert_eq(store_insert(s, 40, 0xabc000, 1, 0, 0x80001234u, f, NULL), 0);
	cr_assert_eq(ddv_slot_read(e, 40, 0xabc000, &m, g, 2), 0);
	cr_assert_eq(store_delete(s, 40, 0xabc000, NULL), 0);
	f[0] = 8192;
	cr_assert_eq(store_insert(s, 40, 0xabc000, 1, 0, 0x80005678u, f, NULL), 0);
	cr_assert_eq(ddv_slot_read(e, 40, 0xabc000, &m2, g, 2), 0);
	cr_assert_eq(m2 & ~DDV_META_GEN, m & ~DDV_META_GEN, "the same type, owner and state");
	cr_assert_eq(e->key, 0xabc000);
	cr_assert_not(ddv_slot_take_seen(e, m), "the new object was taken through the old read");
	cr_assert_eq(store_lookup(s, 40, 0xabc000, &o), 0);
	cr_assert_eq(o.owner, 1);
	cr_assert_eq(o.fields[0], 8192);

	/* A field changed under the lock since the read (a hold and release): refused too. */
	cr_assert_eq(store_set_field(s, 40, 0xabc000, 0, 16384, &v), 0);
	cr_assert_not(ddv_slot_take_seen(e, m2), "taken after a locked update it did not see");
	cr_assert_eq(store_lookup(s, 40, 0xabc000, &o), 0);
	cr_assert_eq(o.fields[0], 16384);

	/* PASSED in what was read (a probe path crosses it): the locked path's. */
	cr_assert_eq(ddv_slot_read(e, 40, 0xabc000, &m, g, 2), 0);
	cr_assert_not(ddv_slot_take_seen(e, m | DDV_META_PASSED));
	cr_assert(ddv_slot_take_seen(e, m));
	cr_assert_eq(store_lookup(s, 40, 0xabc000, NULL), -ENOENT);
}

/*
 * A slot keeps no hash (ddv/slot.h): the lock-free claim writes meta, key,
 * site and fields only, and a delete's backward shift computes each entry's
 * home from its type and key. An entry claimed lock-free in its home slot
 * inside a cluster must stay there when a delete before it shifts the
 * cluster, and an entry displaced past it must come back to its home; an
 * index entry (whose links hash as link 0) must keep its place too.
 */
static u64 key_with_home(struct store *s, u16 type, u32 home, u64 from)
{
	for (u64 k = from;; k += 64)
		if ((ddv_slot_hash(type, k) & s->cap_mask) == home)
			return k;
}

Test(store, shift_finds_homes_from_type_and_key)
{
	struct store *s = new_store(1024);
	u64 f[DDV_MAX_FIELDS] = { 4096, 1, 0, 0 }, g[DDV_MAX_FIELDS], m;
	u32 h = ddv_slot_hash(40, 0xabc000) & s->cap_mask;
	u64 ka = 0xabc000, kx, kb;
	struct store_obj o;

	/* Room for three slots after h in its segment: no wrap in this cluster. */
	if ((h & s->seg_mask) + 3 > s->seg_mask) {
		ka = key_with_home(s, 40, h & ~s->seg_mask, 0x100000);
		h = h & ~s->seg_mask;
	}
	kx = key_with_home(s, 41, h + 1, 0x200000);
	kb = key_with_home(s, 42, h, 0x300000);

	/* X claimed lock-free in its home h + 1, A the same in h. */
	cr_assert(ddv_slot_claim(&s->slots[h + 1], 41, kx, 1, 0, 0x80001234u, f, 2));
	cr_assert(ddv_slot_claim(&s->slots[h], 40, ka, 1, 0, 0x80001234u, f, 2));
	/* B, home h, goes past A and X to h + 2 (the store's locked insert). */
	f[0] = 8192;
	cr_assert_eq(store_insert(s, 42, kb, 2, 0, 0x80005678u, f, NULL), 0);
	cr_assert_eq(ddv_slot_read(&s->slots[h + 2], 42, kb, &m, g, 2), 0);

	/* A's delete (PASSED: the locked one) shifts: B back home, X stays. */
	cr_assert_eq(store_delete(s, 40, ka, NULL), 0);
	cr_assert_eq(ddv_slot_read(&s->slots[h], 42, kb, &m, g, 2), 0, "B is back in its home");
	cr_assert_eq(g[0], 8192);
	cr_assert_eq(ddv_slot_read(&s->slots[h + 1], 41, kx, &m, g, 2), 0, "X stayed in its home");
	cr_assert_eq(g[0], 4096);
	cr_assert_eq((u16)s->slots[h + 2].meta, STORE_TYPE_EMPTY);
	cr_assert_eq(store_lookup(s, 41, kx, &o), 0);
	cr_assert_eq(store_lookup(s, 42, kb, &o), 0);
	cr_assert_eq(o.owner, 2);
	cr_assert_eq(store_lookup(s, 40, ka, NULL), -ENOENT);
	assert_empty_slots_hold_only_a_generation(s);
}

/* Index entries: every link of a page's chain hashes as link 0, moved or not. */
Test(store, shift_keeps_index_entries_findable)
{
	struct store *s = new_store(1024);
	u64 base = 0x7f0000000000ull, k;
	int n = 0;

	store_set_contained(s, 50);
	/* Objects on many pages, then half of them gone: shifts through the index. */
	for (k = 0; k < 300; k++)
		cr_assert_eq(store_insert(s, 50, base + k * 4096 + 64, 1, 0, 0x80001234u, NULL, NULL), 0);
	for (k = 0; k < 300; k += 2)
		cr_assert_eq(store_delete(s, 50, base + k * 4096 + 64, NULL), 0);
	for (k = 0; k < 300; k++) {
		struct store_obj o;
		int r = store_find_inside(s, 50, base + k * 4096, base + (k + 1) * 4096, &o);

		cr_assert_eq(r, k % 2 ? 0 : -ENOENT, "page %llu", (unsigned long long)k);
		n += r == 0;
	}
	cr_assert_eq(n, 150);
	assert_empty_slots_hold_only_a_generation(s);
}
