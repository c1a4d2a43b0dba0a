/* SPDX-License-Identifier: GPL-2.0 */
/*
 * store.h: the single object store ("single bag") of every tracked object.
 *
 * Contract.
 * - One preallocated open-addressing table. The caller hands in the memory
 *   (store_mem_size() bytes for a capacity, a power of two >= 64) and the store
 *   never allocates. A full table refuses an insert with -ENOSPC and counts a
 *   drop; it never fails otherwise. Each segment is its own table (64 to 1024
 *   slots), so one may fill a little before the whole: size the store at about
 *   twice the objects expected (probes stay short at half load too).
 * - An object is identified by (type, key): a 16-bit type id and a full 64-bit
 *   key (no bit of the key is assumed free). Type 0 means an empty slot; ids
 *   below STORE_TYPE_FIRST_PACK are the runtime's own (config entries and the
 *   contained-object index); packs get ids from STORE_TYPE_FIRST_PACK up.
 * - Each object has an owner (u16 driver-under-test id; 0: nobody's), a state
 *   (u8), a site (return address of the call that created it) and
 *   DDV_MAX_FIELDS u64 fields.
 * - Safe from any context (process, softirq, hardirq) on many CPUs at once.
 *   Each slot's first word (meta: type, owner, state, a generation) is its
 *   lock-free state. The hot operations take no lock: an insert whose home
 *   slot is empty claims it with one double-word compare-and-swap (meta and
 *   key together, so a racing insert of the same key sees it), and a delete
 *   of an entry in its home slot that no other entry's probe path crosses
 *   empties it with one compare-and-swap. Everything else (a probe past the
 *   home slot, a delete that must shift entries back, updates, the index)
 *   takes the segment's lock (with interrupts off, so an interrupt never
 *   spins on a lock its own CPU holds) and still meets the lock-free
 *   operations on the slots' words, never waiting on one of them.
 *   store_lookup() takes no lock at all: it retries when a slot it read or
 *   the segment (a shift) changed under it.
 * - A slot's PASSED flag says that some entry's probe path crosses it (it was
 *   occupied when that entry was placed further on); only a slot without it
 *   may be emptied without the lock. Shifts keep the flags of the positions
 *   they fill, so a flag may stay set when no longer needed: that only sends
 *   a delete to the locked path.
 * - Deletion shifts the following entries back (linear probing), so there are
 *   no tombstones and the table does not degrade after any number of
 *   insert/delete cycles.
 * - Types flagged contained (store_set_contained) are also entered in a
 *   secondary index by 4 KiB page of their key, so store_find_inside() can
 *   answer "a live object of type T with key in [lo, hi)" in one lookup per
 *   page of the range. The index holds up to STORE_INDEX_PER_PAGE keys per
 *   page; beyond that the object is still tracked but invisible to
 *   store_find_inside(), and index_drops counts it.
 * - Every function returns 0 or a negative errno; none reports by itself.
 */
#ifndef DDV_CORE_STORE_H
#define DDV_CORE_STORE_H

#include "env.h"
#include <ddv/abi.h>
#include <ddv/slot.h>

enum store_reserved_type {
	STORE_TYPE_EMPTY = 0,		/* an empty slot */
	STORE_TYPE_CONFIG = 1,		/* config values: see config.h */
	STORE_TYPE_INJECT = 2,		/* fault-injection per-function state: see inject.h */
	/* taken by a lock-free insert, its key set, the rest being written */
	STORE_TYPE_CLAIMED = DDV_SLOT_CLAIMED,
	/* held by a locked operation (being filled, moved or updated) */
	STORE_TYPE_HELD = DDV_SLOT_HELD,
	STORE_TYPE_INDEX0 = 8,		/* contained-object index, chain link 0 .. */
	STORE_INDEX_LINKS = 16,		/* .. STORE_TYPE_INDEX0 + STORE_INDEX_LINKS - 1 */
	STORE_TYPE_FIRST_PACK = 32,	/* first id the runtime hands to pack types */
	STORE_TYPE_MAX = 0xffff,
};

#define STORE_INDEX_PAGE_SHIFT 12
/* Each index entry holds DDV_MAX_FIELDS keys; a page has STORE_INDEX_LINKS entries. */
#define STORE_INDEX_PER_PAGE (STORE_INDEX_LINKS * DDV_MAX_FIELDS)

/* One slot: struct ddv_slot (ddv/slot.h, shared with the packs' inline create and destroy). */

/* A copy of one object, as returned to callers. */
struct store_obj {
	u64 key;
	u64 site;
	u64 fields[DDV_MAX_FIELDS];
	u16 type;
	u16 owner;
	u8 state;
};

struct store_segment {
	env_lock_t lock;	/* serialises the locked operations on the segment */
	u32 seq;		/* odd while a locked operation moves entries or the index */
	u32 max_probe;		/* longest probe seen: the table's health */
	u64 drops;		/* inserts refused because the segment was full */
	u64 index_drops;	/* contained objects the index could not hold */
} __env_aligned(ENV_CACHELINE);

struct store {
	struct ddv_slot *slots;
	struct store_segment *segs;
	u32 capacity;
	u32 cap_mask;		/* capacity - 1 */
	u32 seg_slots;		/* slots per segment, a power of two */
	u32 seg_mask;		/* seg_slots - 1 */
	u32 seg_shift;		/* log2(seg_slots) */
	u32 nsegs;
	u32 contained_live;	/* live contained objects: store_find_inside() is free at 0 */
	/* Bit t set: type t is contained (indexed by page). */
	u64 contained[(STORE_TYPE_MAX + 1) / 64];
};

struct store_stats {
	u64 capacity;
	u64 live;		/* with the runtime's own entries (config, index); by a scan */
	u64 drops;
	u64 index_drops;
	u32 max_probe;
};

/*
 * The CPU must have a double-word compare-and-swap (ENV_HAVE_CAS128: every
 * x86-64 but the first Athlon 64s); ddv.ko refuses to load without it.
 */
/* Bytes of memory that store_init() needs for capacity slots (0: bad capacity). */
size_t store_mem_size(u32 capacity);
/*
 * Lays the store out in mem (mem_size >= store_mem_size(capacity), aligned to
 * ENV_CACHELINE). capacity: a power of two, at least 64. -EINVAL otherwise.
 */
int store_init(struct store *s, void *mem, size_t mem_size, u32 capacity);

/* Marks a type as contained (before objects of it exist). */
void store_set_contained(struct store *s, u16 type);

/*
 * Inserts a new object. fields may be NULL (all zero).
 *   -EEXIST  (type, key) is live; *old (if given) receives it; nothing changed
 *   -ENOSPC  no room: counted in drops
 *   -EINVAL  type is STORE_TYPE_EMPTY
 */
int store_insert(struct store *s, u16 type, u64 key, u16 owner, u8 state,
		 u64 site, const u64 *fields, struct store_obj *old);
/* Copies the object out. -ENOENT when not live. Lock-free. */
int store_lookup(struct store *s, u16 type, u64 key, struct store_obj *out);
/* Removes the object; *old (if given) receives it. -ENOENT when not live. */
int store_delete(struct store *s, u16 type, u64 key, struct store_obj *old);
int store_set_state(struct store *s, u16 type, u64 key, u8 state);
/* Sets a field; *old_value (if given) receives the previous one. -EINVAL: bad field. */
int store_set_field(struct store *s, u16 type, u64 key, unsigned int field,
		    u64 value, u64 *old_value);
/*
 * Adds delta to a field read as s64, if the result stays in [min, max];
 * else -ERANGE and nothing changes. *result (if given) receives the new value,
 * or on -ERANGE the value the field would have taken.
 */
int store_adjust(struct store *s, u16 type, u64 key, unsigned int field,
		 s64 delta, s64 min, s64 max, s64 *result);
/* Sets the owner (0: ownership transferred; the object is nobody's leak). */
int store_set_owner(struct store *s, u16 type, u64 key, u16 owner);
static inline int store_disown(struct store *s, u16 type, u64 key)
{
	return store_set_owner(s, type, key, 0);
}

/*
 * A live object of type whose key lies in [lo, hi), if type is contained.
 * -ENOENT when none. Costs one lookup per 4 KiB page of the range (nothing
 * while no contained object is live).
 */
int store_find_inside(struct store *s, u16 type, u64 lo, u64 hi, struct store_obj *out);
/* False when store_find_inside() of type finds nothing for any range. One load or two. */
static inline bool store_any_inside(const struct store *s, u16 type)
{
	return (ENV_READ(s->contained[type / 64]) >> (type % 64) & 1) &&
	       ENV_READ(s->contained_live);
}

/* Which objects an iteration or a purge visits. */
struct store_filter {
	u16 type_lo;		/* types in [type_lo, type_hi) */
	u16 type_hi;		/* 0: up to STORE_TYPE_MAX inclusive */
	u16 owner;
	bool any_owner;		/* else only objects of owner */
};

/*
 * Iteration for leak checks: start with *cursor = 0, call until it returns
 * false. Each call locks one segment for a short scan. Objects inserted or
 * deleted meanwhile may be seen or missed (a leak check runs when the driver
 * is gone, so nothing moves then).
 */
bool store_next(struct store *s, u64 *cursor, const struct store_filter *filter,
		struct store_obj *out);
/* Deletes every object the filter selects; returns how many. */
u64 store_purge(struct store *s, const struct store_filter *filter);

void store_get_stats(struct store *s, struct store_stats *st);

#endif /* DDV_CORE_STORE_H */
