// SPDX-License-Identifier: GPL-2.0
/*
 * test_store_race.c: the store's locked shift against lock-free work that
 * lands between its reads, made to happen at that point by a hook that
 * store.c, included here, calls there (STORE_SHIFT_RACE).
 */
#include <criterion/criterion.h>
#include <stdlib.h>

struct ddv_slot;
static void shift_race(struct ddv_slot *slot, unsigned long long meta);
#define STORE_SHIFT_RACE(slot, meta) shift_race(slot, meta)
#include "store.c"

static struct {
	bool armed;
	u16 take_type, claim_type;
	u64 take_key, claim_key;
} race;

/*
 * Another CPU, between the shift's read of a slot's meta and of its key:
 * the slot's object taken and another made at the same home, both on the
 * lock-free path (an inline kfree, then an inline kmalloc).
 */
static void shift_race(struct ddv_slot *slot, unsigned long long meta)
{
	u64 f[DDV_MAX_FIELDS] = { 0 };

	(void)meta;
	if (!race.armed)
		return;
	race.armed = false;
	cr_assert(ddv_slot_take(slot, race.take_type, race.take_key, -1, NULL));
	cr_assert(ddv_slot_claim(slot, race.claim_type, race.claim_key, 7, 0, 0, f, 1));
}

static u64 key_with_home(const struct store *s, u16 type, u32 home, u64 from)
{
	u64 k;

	for (k = from;; k += 64)
		if ((ddv_slot_hash(type, k) & s->cap_mask) == home)
			return k;
}

/*
 * X at its home h with PASSED (an entry went past it once), A at its home
 * h + 1. X's delete takes the locked path and shifts from h; while it reads
 * slot h + 1, A is taken and B made there. B must stay where its home is,
 * and be found: a shift that moved it by A's meta with B's key hid it.
 */
Test(store_race, shift_holds_the_slot_it_read)
{
	struct store *s = calloc(1, sizeof(*s));
	size_t bytes = store_mem_size(1024);
	void *mem = aligned_alloc(ENV_CACHELINE, bytes);
	u64 f[DDV_MAX_FIELDS] = { 0 };
	const u32 h = 100;
	u64 kx, ky;

	cr_assert(s && mem);
	cr_assert_eq(store_init(s, mem, bytes, 1024), 0);
	kx = key_with_home(s, 40, h, 0x100000);
	ky = key_with_home(s, 41, h, 0x200000);
	race.take_type = 44;
	race.take_key = key_with_home(s, 44, h + 1, 0x300000);
	race.claim_type = 45;
	race.claim_key = key_with_home(s, 45, h + 1, 0x400000);
	/* B's home computed with A's type would not be h + 1: the old shift moved it. */
	cr_assert_neq(ddv_slot_hash(44, race.claim_key) & s->cap_mask, h + 1);

	cr_assert_eq(store_insert(s, 40, kx, 1, 0, 0, f, NULL), 0);
	cr_assert_eq(store_insert(s, 41, ky, 1, 0, 0, f, NULL), 0);
	cr_assert_eq(store_delete(s, 41, ky, NULL), 0);
	cr_assert(s->slots[h].meta & DDV_META_PASSED, "X was passed: its delete is locked");
	cr_assert_eq(store_insert(s, race.take_type, race.take_key, 1, 0, 0, f, NULL), 0);
	cr_assert_eq((u16)s->slots[h + 1].meta, race.take_type, "A in its home");

	race.armed = true;
	cr_assert_eq(store_delete(s, 40, kx, NULL), 0);
	cr_assert(!race.armed, "the hook ran");
	cr_assert_eq(store_lookup(s, race.claim_type, race.claim_key, NULL), 0, "B is found");
	cr_assert_eq((u16)s->slots[h + 1].meta, race.claim_type, "B stays in its home");
	cr_assert_eq(store_lookup(s, race.take_type, race.take_key, NULL), -ENOENT);
	cr_assert_eq(store_lookup(s, 40, kx, NULL), -ENOENT);
	free(mem);
	free(s);
}
