/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slot.h: one slot of ddv's object store and its two lock-free operations,
 * shared by the store (runtime/core/store.c) and the packs' wrappers, which
 * create and destroy the usual object inline (abi.h ddv_obj_create).
 *
 * A slot is a cache line. Its first word (meta: type, owner, state, a flag
 * and a generation) is its state; meta and key come first, 16-byte aligned,
 * so that an insert claims the slot and sets the key with one double-word
 * compare-and-swap. store.h tells the whole protocol; what matters here:
 * - claim: a slot whose type is EMPTY is taken by cmpxchg16b (meta, key) ->
 *   (CLAIMED with the type in the owner bits and a new generation, key);
 *   the rest is written; one atomic add turns the meta into the live one,
 *   keeping PASSED, which a locked insert going past may set meanwhile.
 * - take: a live slot of (type, key) without PASSED (no other entry's probe
 *   path crosses it) is emptied by one cmpxchg of meta; after a read, by one
 *   cmpxchg from the meta the read saw (ddv_slot_take_seen).
 * Everything else is the store's locked path.
 *
 * The includer provides u8..u64 (linux/types.h, or core/env.h in user space).
 */
#ifndef DDV_SLOT_H
#define DDV_SLOT_H

struct ddv_slot {
	union {
		struct {
			u16 type;
			u16 owner;
			u8 state;
			u8 used_mask;	/* the store's index entries: which fields hold a key */
			u16 flags_gen;	/* DDV_META_PASSED, then a generation count */
		};
		u64 meta;		/* the above in one word (DDV_META) */
	};
	u64 key;
	u64 site;
	u64 fields[4];			/* DDV_MAX_FIELDS */
	/*
	 * No hash kept: a delete's backward shift, the one reader of an
	 * entry's home, computes it from the type and key it moves (store.c
	 * seg_close_hole), so a claim writes one word less.
	 */
} __attribute__((aligned(64)));

/* Slot states that are not object types (the store's enum store_reserved_type). */
#define DDV_SLOT_EMPTY		0
#define DDV_SLOT_CLAIMED	3	/* a lock-free insert's: key set, the rest being written */
#define DDV_SLOT_HELD		4	/* held by a locked operation */

#define DDV_META(type, owner, state) \
	((u64)(type) | (u64)(owner) << 16 | (u64)(state) << 32)
#define DDV_META_PASSED		(1ull << 48)	/* some entry's probe path crosses this slot */
#define DDV_META_GEN_ONE	(1ull << 49)
#define DDV_META_GEN		(~0ull << 49)

/*
 * The hash of an object (type, key): Fibonacci hashing (the kernel's
 * hash_64). The product's upper half depends on every lower bit of the key,
 * so aligned addresses spread as well as small integers do. Its low bits
 * pick the home slot.
 */
static inline u64 ddv_slot_product(u16 type, u64 key)
{
	return (key ^ type) * 0x9e3779b97f4a7c15ull;
}

static inline u32 ddv_slot_hash(u16 type, u64 key)
{
	return (u32)(ddv_slot_product(type, key) >> 32);
}

/* m's generation, bumped, with nothing else: an empty slot's meta. */
static inline u64 ddv_meta_next_gen(u64 m)
{
	return (m & DDV_META_GEN) + DDV_META_GEN_ONE;
}

/*
 * Compares the 16 bytes at p (16-byte aligned) with old[0..1] and, if equal,
 * stores new_lo, new_hi: one lock cmpxchg16b (every x86-64 CPU but the first
 * Athlon 64s; ddv.ko refuses to load without it). On failure old receives
 * what was there.
 */
static inline bool ddv_cas128(u64 *p, u64 old[2], u64 new_lo, u64 new_hi)
{
	bool ok;

	asm volatile("lock cmpxchg16b %1"
		     : "=@ccz" (ok), "+m" (*p), "+a" (old[0]), "+d" (old[1])
		     : "b" (new_lo), "c" (new_hi)
		     : "memory");
	return ok;
}

/*
 * The two words a claim adds to a slot's meta. An empty slot's meta is its
 * generation alone (whatever empties a slot writes just that: test_store
 * checks it), so the claimed meta is old + DDV_CLAIM_ADD(type):
 * ddv_meta_next_gen(old) | type << 16 | CLAIMED, the type in the owner bits.
 * Then claimed + DDV_PUBLISH_ADD(type, owner, state) = the live meta,
 * DDV_META(type, owner, state), PASSED and generation kept (modulo 2^64).
 * Both are sums of a part per type and a part per owner, so that the inline
 * create adds words its pack and ddv.ko keep ready (struct ddv_pack's
 * meta_claim and meta_publish, ddv_dut_meta) instead of computing them.
 */
#define DDV_CLAIM_ADD(type) ((DDV_META_GEN_ONE | DDV_SLOT_CLAIMED) + ((u64)(type) << 16))
#define DDV_PUBLISH_TYPE(type) ((u64)(type) - ((u64)(type) << 16))
#define DDV_PUBLISH_OWNER(owner) ((u64)(owner) << 16)
#define DDV_PUBLISH_ADD(type, owner, state)					\
	(DDV_PUBLISH_TYPE(type) + DDV_PUBLISH_OWNER(owner) + ((u64)(state) << 32) -	\
	 DDV_SLOT_CLAIMED)

/*
 * Claims the empty slot e for key, its meta old + claim_add, and fills it;
 * publishes it with publish_add (DDV_CLAIM_ADD, DDV_PUBLISH_ADD above).
 * False when it is not empty or was taken meanwhile: the caller takes the
 * store's locked path. Only the first nfields fields are written (the type's
 * own: nothing reads the others of its objects; a wrapper's constant, so a
 * heap block's claim writes one field, not four).
 */
static inline __attribute__((__always_inline__)) bool
ddv_slot_claim_add(struct ddv_slot *e, u64 key, u64 claim_add, u64 publish_add, u64 site,
		   const u64 *fields, int nfields)
{
	int f;

	u64 old[2] = { __atomic_load_n(&e->meta, __ATOMIC_ACQUIRE), e->key };

	if ((u16)old[0] != DDV_SLOT_EMPTY)
		return false;
	/* Type and key at once: a racing insert of the same key finds it claimed. */
	if (__builtin_expect(!ddv_cas128(&e->meta, old, old[0] + claim_add, key), 0))
		return false;
	e->site = site;
	for (f = 0; f < 4 && f < nfields; f++)
		e->fields[f] = fields ? fields[f] : 0;
	/* Publish: one atomic add keeps PASSED, which a locked insert may set meanwhile. */
	__atomic_add_fetch(&e->meta, publish_add, __ATOMIC_RELEASE);
	return true;
}

/* ddv_slot_claim_add() for (type, key), owner and state. */
static inline __attribute__((__always_inline__)) bool
ddv_slot_claim(struct ddv_slot *e, u16 type, u64 key, u16 owner, u8 state, u64 site,
	       const u64 *fields, int nfields)
{
	return ddv_slot_claim_add(e, key, DDV_CLAIM_ADD(type),
				  DDV_PUBLISH_ADD(type, owner, state), site, fields, nfields);
}

/*
 * Empties slot e if it holds (type, key) and no probe path crosses it;
 * *field_value receives field (when 0 <= field < 4) of the object taken.
 * False: the caller takes the store's locked path.
 */
static inline __attribute__((__always_inline__)) bool
ddv_slot_take(struct ddv_slot *e, u16 type, u64 key, int field, u64 *field_value)
{
	u64 m = __atomic_load_n(&e->meta, __ATOMIC_ACQUIRE);

	if ((u16)m != type || (m & DDV_META_PASSED) || e->key != key)
		return false;
	if (field >= 0 && field < 4)
		*field_value = e->fields[field];	/* read before: the CAS proves it ours */
	/*
	 * Empty, generation kept: the type changes, so readers still see the
	 * slot change; the claim that fills it next bumps the generation.
	 */
	return __builtin_expect(__atomic_compare_exchange_n(&e->meta, &m, m & DDV_META_GEN,
							    false, __ATOMIC_SEQ_CST,
							    __ATOMIC_RELAXED), 1);
}

/*
 * Empties slot e, which held an object with meta m when ddv_slot_read()
 * copied it, if it still holds that object and no probe path crosses it:
 * the destroy after a lookup in one call, without hashing and reading the
 * slot again. Every change of a slot changes its meta (a take its type, a
 * claim, a hold and a release its generation; PASSED is in m), so an
 * unchanged meta is the same object, as ddv_slot_take's is. False: the
 * caller destroys it the usual way.
 */
static inline __attribute__((__always_inline__)) bool
ddv_slot_take_seen(struct ddv_slot *e, u64 m)
{
	if (m & DDV_META_PASSED)
		return false;
	return __builtin_expect(__atomic_compare_exchange_n(&e->meta, &m, m & DDV_META_GEN,
							    false, __ATOMIC_SEQ_CST,
							    __ATOMIC_RELAXED), 1);
}

/*
 * Reads slot e, the home slot of (type, key), without a lock:
 *   0        it holds the object: *meta and fields[0..nfields-1] receive it
 *            (the meta read before and after them is the same: a claim, a
 *            hold and a take all change it, so the copy is one object's);
 *   -ENOENT  it is empty: the object is nowhere (an insert fills the first
 *            empty slot from the home one on, a delete shifts the entries
 *            after it back, holding each slot it moves through, so no live
 *            object lies beyond an empty home slot);
 *   -EAGAIN  anything else (another object, a slot being written or held,
 *            a change while it read): the caller asks the store, which probes.
 * Every read is volatile, so that the compiler keeps their order, which x86
 * keeps for loads: no fence, which would keep the caller's copy in memory.
 * So only what the caller reads is read: nfields is the type's own count
 * (a constant), and the site is not copied (no rule reads it).
 */
#define DDV_SLOT_READ(x) (*(const volatile u64 *)&(x))
static inline __attribute__((__always_inline__)) int
ddv_slot_read(const struct ddv_slot *e, u16 type, u64 key, u64 *meta, u64 *fields, int nfields)
{
	u64 m = __atomic_load_n(&e->meta, __ATOMIC_ACQUIRE);
	int f;

	if ((u16)m == DDV_SLOT_EMPTY)
		return -ENOENT;
	if ((u16)m != type || e->key != key)
		return -EAGAIN;
	for (f = 0; fields && f < 4 && f < nfields; f++)
		fields[f] = DDV_SLOT_READ(e->fields[f]);
	if (__builtin_expect(DDV_SLOT_READ(e->meta) != m, 0))
		return -EAGAIN;
	*meta = m;
	return 0;
}

#endif /* DDV_SLOT_H */
