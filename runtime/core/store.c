// SPDX-License-Identifier: GPL-2.0
/*
 * store.c: the single object store: segmented linear probing, lock-free
 * home-slot inserts and deletes, lock-free readers, page index.
 */
#include "store.h"

/* tests/runtime/test_store_race.c: another CPU's lock-free work between a shift's reads. */
#ifndef STORE_SHIFT_RACE
#define STORE_SHIFT_RACE(slot, meta) do { } while (0)
#endif

/*
 * Slots per segment: small tables keep 64 (so a few CPUs rarely meet on one
 * lock), big ones 1024 (fills stay even: a segment fills up when the whole
 * table is near full, not long before).
 */
static u32 store_seg_slots(u32 capacity)
{
	u32 n = capacity / 16;

	if (n < 64)
		n = 64;
	if (n > 1024)
		n = 1024;
	if (n > capacity)
		n = capacity;
	return n;
}

static bool is_pow2(u32 x)
{
	return x && !(x & (x - 1));
}

size_t store_mem_size(u32 capacity)
{
	u32 nsegs;

	if (capacity < 64 || !is_pow2(capacity))
		return 0;
	nsegs = capacity / store_seg_slots(capacity);
	return (size_t)nsegs * sizeof(struct store_segment) +
	       (size_t)capacity * sizeof(struct ddv_slot);
}

int store_init(struct store *s, void *mem, size_t mem_size, u32 capacity)
{
	size_t need = store_mem_size(capacity);
	u32 i;

	if (!need || mem_size < need || ((unsigned long)mem & (ENV_CACHELINE - 1)))
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	memset(mem, 0, need);
	s->capacity = capacity;
	s->cap_mask = capacity - 1;
	s->seg_slots = store_seg_slots(capacity);
	s->seg_mask = s->seg_slots - 1;
	s->seg_shift = __builtin_ctz(s->seg_slots);
	s->nsegs = capacity / s->seg_slots;
	s->segs = mem;
	s->slots = (struct ddv_slot *)(s->segs + s->nsegs);
	for (i = 0; i < s->nsegs; i++)
		env_lock_init(&s->segs[i].lock);
	return 0;
}

void store_set_contained(struct store *s, u16 type)
{
	__atomic_fetch_or(&s->contained[type / 64], 1ull << (type % 64), __ATOMIC_RELAXED);
}

static inline bool store_is_contained(const struct store *s, u16 type)
{
	return (ENV_READ(s->contained[type / 64]) >> (type % 64)) & 1;
}

static inline bool is_index_type(u16 type)
{
	return type >= STORE_TYPE_INDEX0 && type < STORE_TYPE_INDEX0 + STORE_INDEX_LINKS;
}

/*
 * Any type: ddv_slot_hash (slot.h), the packs' inline create and destroy
 * compute it too. All links of one page's index chain hash alike, so they
 * share a segment and one lock covers the whole chain.
 */
static inline u32 store_hash(u16 type, u64 key)
{
	if (unlikely(is_index_type(type)))
		type = STORE_TYPE_INDEX0;
	return ddv_slot_hash(type, key);
}

static inline struct store_segment *seg_of(struct store *s, u32 hash)
{
	return &s->segs[(hash & s->cap_mask) >> s->seg_shift];
}

static inline struct ddv_slot *seg_base(struct store *s, struct store_segment *seg)
{
	return s->slots + ((size_t)(seg - s->segs) << s->seg_shift);
}

/* The first slot of hash's segment, straight from the hash: no pointer division. */
static inline struct ddv_slot *hash_base(struct store *s, u32 hash)
{
	return s->slots + (hash & s->cap_mask & ~s->seg_mask);
}

static inline void seg_write_begin(struct store_segment *seg)
{
	ENV_WRITE(seg->seq, seg->seq + 1);
	ENV_WMB();
}

static inline void seg_write_end(struct store_segment *seg)
{
	ENV_WMB();
	ENV_WRITE(seg->seq, seg->seq + 1);
}

/* --- slot states: meta words --- */

/* A type an object can have: not a slot state. */
static inline bool store_type_live(u16 t)
{
	return t != STORE_TYPE_EMPTY && t != STORE_TYPE_CLAIMED && t != STORE_TYPE_HELD;
}

static inline u16 meta_type(u64 m)
{
	return (u16)m;
}

static inline u64 meta_load(const struct ddv_slot *e)
{
	return ENV_LOAD_ACQUIRE(e->meta);
}

/*
 * Holds a live slot for a locked operation (which owns the segment's lock):
 * its meta becomes HELD (readers wait, lock-free deletes miss it). *m
 * receives the meta it had. False when the slot is empty, or was emptied by
 * a lock-free delete meanwhile: the entry is gone.
 */
static bool slot_hold(struct ddv_slot *e, u64 *m)
{
	u64 cur = meta_load(e);

	for (;;) {
		u16 t = meta_type(cur);

		if (t == STORE_TYPE_EMPTY || t == STORE_TYPE_CLAIMED)
			return false;
		if (ENV_CAS_FULL(e->meta, cur, (cur & DDV_META_PASSED) | ddv_meta_next_gen(cur) |
				 STORE_TYPE_HELD)) {
			*m = cur;
			return true;
		}
	}
}

/* Ends a hold: the slot is live again with meta live's type, owner and state. */
static inline void slot_release(struct ddv_slot *e, u64 live)
{
	u64 held = e->meta;

	ENV_STORE_RELEASE(e->meta, (live & ~(DDV_META_GEN | DDV_META_PASSED)) |
			  (held & DDV_META_PASSED) | ddv_meta_next_gen(held));
}

/*
 * Sets PASSED on a slot that a locked insert goes past (live, claimed or
 * held by the caller). False when a lock-free delete emptied it meanwhile:
 * the slot is free for the insert.
 */
static bool slot_mark_passed(struct ddv_slot *e)
{
	u64 cur = meta_load(e);

	while (!(cur & DDV_META_PASSED)) {
		if (meta_type(cur) == STORE_TYPE_EMPTY)
			return false;
		if (ENV_CAS_FULL(e->meta, cur, cur | DDV_META_PASSED))
			break;
	}
	return true;
}

/*
 * Slot of (type, key) in its segment, or -1, for a locked operation: claimed
 * slots (keys not yet published) are gone past, and no slot is held but by
 * the caller.
 */
static inline s32 seg_find(struct store *s, struct ddv_slot *base, u32 hash, u16 type, u64 key)
{
	struct ddv_slot *e = base + (hash & s->seg_mask), *end = base + s->seg_slots;
	u32 n;

	/* Walk a pointer and wrap it: fewer instructions than masking an index. */
	for (n = s->seg_slots; n; n--) {
		u16 t = meta_type(meta_load(e));

		if (t == STORE_TYPE_EMPTY)
			return -1;
		if (t == type && e->key == key)
			return e - base;
		if (++e == end)
			e = base;
	}
	return -1;
}

static __always_inline void
entry_to_obj(const struct ddv_slot *e, u64 meta, struct store_obj *o)
{
	o->key = e->key;
	o->site = e->site;
	memcpy(o->fields, e->fields, sizeof(o->fields));
	o->type = meta_type(meta);
	o->owner = (u16)(meta >> 16);
	o->state = (u8)(meta >> 32);
}

static __always_inline void entry_write(struct ddv_slot *e, u64 site, const u64 *fields)
{
	e->site = site;
	if (fields)
		memcpy(e->fields, fields, sizeof(e->fields));
	else
		memset(e->fields, 0, sizeof(e->fields));
}

/*
 * Inserts under the segment's lock. Goes past occupied slots (marking them
 * PASSED) to the first empty one, which it holds, fills and publishes.
 * 0, -EEXIST (with *old), -ENOSPC (counted in drops).
 */
static noinline int seg_insert_locked(struct store *s, struct store_segment *seg,
				      struct ddv_slot *base, u32 hash, u16 type, u64 key,
				      u16 owner, u8 state, u64 site, const u64 *fields,
				      struct store_obj *old)
{
	struct ddv_slot *e = base + (hash & s->seg_mask), *end = base + s->seg_slots;
	u32 i;

	for (i = 0; i < s->seg_slots; i++) {
		u64 m = meta_load(e);
		u16 t = meta_type(m);

		if (t == STORE_TYPE_EMPTY) {
			if (!ENV_CAS_FULL(e->meta, m, ddv_meta_next_gen(m) | STORE_TYPE_HELD))
				continue;	/* a lock-free insert took it: look again */
			e->key = key;
			entry_write(e, site, fields);
			ENV_STORE_RELEASE(e->meta, DDV_META(type, owner, state) |
					  ddv_meta_next_gen(ddv_meta_next_gen(m)));
			if (i + 1 > seg->max_probe)
				seg->max_probe = i + 1;
			return 0;
		}
		/* A claimed slot's key is set: a racing insert of the same key wins. */
		if ((t == type || t == STORE_TYPE_CLAIMED) && e->key == key &&
		    (t == type || (u16)(m >> 16) == type)) {
			if (old)
				entry_to_obj(e, m, old);
			return -EEXIST;
		}
		if (!slot_mark_passed(e))
			continue;	/* emptied meanwhile: take it */
		if (++e == end)
			e = base;
	}
	seg->drops++;
	return -ENOSPC;
}

/*
 * Closes the hole at idx (held by the caller, under the lock): moves back each
 * following entry of the cluster whose home does not lie cyclically in
 * (hole, its slot], each held while it moves; the last hole becomes empty.
 * Claimed slots sit in their home slot: never moved.
 */
static noinline void seg_close_hole(struct store *s, struct store_segment *seg,
				    struct ddv_slot *base, u32 idx)
{
	u32 mask = s->seg_mask;
	u32 j = idx, k = idx, n;

	seg_write_begin(seg);
	for (n = 1; n < s->seg_slots; n++) {
		struct ddv_slot *ek;
		u64 m;
		u32 home;

		k = (k + 1) & mask;
		ek = &base[k];
again:
		m = meta_load(ek);
		if (meta_type(m) == STORE_TYPE_EMPTY)
			break;
		if (meta_type(m) == STORE_TYPE_CLAIMED)
			continue;
		STORE_SHIFT_RACE(ek, m);
		/* Its home from its type and key (ddv/slot.h keeps no hash). */
		home = store_hash(meta_type(m), ENV_READ(ek->key)) & mask;
		if (((k - home) & mask) < ((k - j) & mask))
			continue;	/* its home lies in (j, k]: it stays */
		/*
		 * Held from the very meta the home was computed with: the key
		 * may be another object's, taken and made lock-free between
		 * the two reads (in its home then). A slot changed meanwhile
		 * is read again; emptied, nothing beyond it crossed it.
		 */
		if (!ENV_CAS_FULL(ek->meta, m, (m & DDV_META_PASSED) | ddv_meta_next_gen(m) |
				  STORE_TYPE_HELD))
			goto again;
		base[j].key = ek->key;
		entry_write(&base[j], ek->site, ek->fields);
		slot_release(&base[j], m);
		j = k;
	}
	ENV_STORE_RELEASE(base[j].meta, ddv_meta_next_gen(base[j].meta));
	seg_write_end(seg);
}

/* --- the contained-object index: entries (INDEX0 + link, page), keys in fields --- */

#define INDEX_FULL_MASK ((1u << DDV_MAX_FIELDS) - 1)

static void index_add(struct store *s, u64 key)
{
	u64 page = key >> STORE_INDEX_PAGE_SHIFT;
	u32 hash = store_hash(STORE_TYPE_INDEX0, page);
	struct store_segment *seg = seg_of(s, hash);
	struct ddv_slot *base = seg_base(s, seg);
	env_irqflags_t flags;
	unsigned int link, f;

	env_lock_irqsave(&seg->lock, flags);
	/* Chains are dense: links 0..n-1 exist; the first with room takes the key. */
	for (link = 0; link < STORE_INDEX_LINKS; link++) {
		u16 type = STORE_TYPE_INDEX0 + link;
		s32 idx = seg_find(s, base, hash, type, page);
		struct ddv_slot *e;

		if (idx < 0) {
			u64 fields[DDV_MAX_FIELDS] = { key };

			seg_write_begin(seg);
			if (seg_insert_locked(s, seg, base, hash, type, page, 0, 0, 0, fields,
					      NULL) == 0) {
				idx = seg_find(s, base, hash, type, page);
				base[idx].used_mask = 1;
				seg_write_end(seg);
			} else {
				seg_write_end(seg);
				seg->index_drops++;
			}
			goto out;
		}
		e = &base[idx];
		if (e->used_mask == INDEX_FULL_MASK)
			continue;
		f = __builtin_ctz(~e->used_mask);
		seg_write_begin(seg);
		e->fields[f] = key;
		e->used_mask |= 1u << f;
		seg_write_end(seg);
		goto out;
	}
	seg->index_drops++;
out:
	env_unlock_irqrestore(&seg->lock, flags);
}

static void index_remove(struct store *s, u64 key)
{
	u64 page = key >> STORE_INDEX_PAGE_SHIFT;
	u32 hash = store_hash(STORE_TYPE_INDEX0, page);
	struct store_segment *seg = seg_of(s, hash);
	struct ddv_slot *base = seg_base(s, seg);
	struct ddv_slot *hit = NULL, *last = NULL;
	s32 idx, last_idx = -1;
	unsigned int link, hit_f = 0, f;
	env_irqflags_t flags;

	env_lock_irqsave(&seg->lock, flags);
	for (link = 0; link < STORE_INDEX_LINKS; link++) {
		idx = seg_find(s, base, hash, STORE_TYPE_INDEX0 + link, page);
		if (idx < 0)
			break;
		last = &base[idx];
		last_idx = idx;
		for (f = 0; !hit && f < DDV_MAX_FIELDS; f++) {
			if ((last->used_mask >> f & 1) && last->fields[f] == key) {
				hit = last;
				hit_f = f;
			}
		}
	}
	if (!hit)	/* it was one of the index drops */
		goto out;
	seg_write_begin(seg);
	hit->used_mask &= ~(1u << hit_f);
	/* Keep the chain dense: refill the hole from the last link. */
	if (hit != last) {
		f = 31 - __builtin_clz(last->used_mask);
		hit->fields[hit_f] = last->fields[f];
		hit->used_mask |= 1u << hit_f;
		last->used_mask &= ~(1u << f);
	}
	seg_write_end(seg);
	if (!last->used_mask) {
		u64 m;

		if (slot_hold(last, &m))
			seg_close_hole(s, seg, base, last_idx);
	}
out:
	env_unlock_irqrestore(&seg->lock, flags);
}

/* --- the public operations --- */

/*
 * The hot operations, always inlined: store_insert() and store_delete() below
 * wrap them, and ddv.ko's objects.c (which includes this file) inlines them
 * into its entry points, so a create or destroy pays one prologue.
 */

static __always_inline int store_insert_inline(struct store *s, u16 type, u64 key, u16 owner,
					       u8 state, u64 site, const u64 *fields,
					       struct store_obj *old)
{
	u32 hash = store_hash(type, key);
	struct store_segment *seg;
	env_irqflags_t flags;
	int ret;

	if (unlikely(!store_type_live(type)))
		return -EINVAL;
	if (likely(ddv_slot_claim(&s->slots[hash & s->cap_mask], type, key, owner, state, site,
				  fields, 4)))
		ret = 0;
	else {
		seg = seg_of(s, hash);
		env_lock_irqsave(&seg->lock, flags);
		ret = seg_insert_locked(s, seg, hash_base(s, hash), hash, type, key, owner, state,
					site, fields, old);
		env_unlock_irqrestore(&seg->lock, flags);
	}
	if (unlikely(ret == 0 && store_is_contained(s, type))) {
		ENV_ADD(s->contained_live, 1);
		index_add(s, key);
	}
	return ret;
}

/* Deletes under the lock. */
static noinline int seg_delete_locked(struct store *s, struct store_segment *seg,
				      struct ddv_slot *base, u32 hash, u16 type, u64 key,
				      struct store_obj *old, int field, u64 *field_value)
{
	env_irqflags_t flags;
	s32 idx;
	u64 m;
	int ret = -ENOENT;

	env_lock_irqsave(&seg->lock, flags);
	idx = seg_find(s, base, hash, type, key);
	if (idx >= 0 && slot_hold(&base[idx], &m)) {
		if (old)
			entry_to_obj(&base[idx], m, old);
		else if (field >= 0 && field < DDV_MAX_FIELDS)
			*field_value = base[idx].fields[field];
		seg_close_hole(s, seg, base, idx);
		ret = 0;
	}
	env_unlock_irqrestore(&seg->lock, flags);
	return ret;
}

/*
 * Deletes (type, key). *old (if given) receives the object; else, when
 * field >= 0, *field_value receives that one field (a caller that needs only
 * the size copies nothing else).
 */
static __always_inline int store_delete_inline(struct store *s, u16 type, u64 key,
					       struct store_obj *old, int field, u64 *field_value)
{
	u32 hash = store_hash(type, key);
	int ret = -EAGAIN;

	if (!old && !store_is_contained(s, type) &&
	    ddv_slot_take(&s->slots[hash & s->cap_mask], type, key, field, field_value))
		ret = 0;
	if (ret)
		ret = seg_delete_locked(s, seg_of(s, hash), hash_base(s, hash), hash, type, key,
					old, field, field_value);
	if (ret)
		return ret;
	if (unlikely(store_is_contained(s, type))) {
		index_remove(s, key);
		ENV_ADD(s->contained_live, -1);
	}
	return 0;
}

int store_insert(struct store *s, u16 type, u64 key, u16 owner, u8 state,
		 u64 site, const u64 *fields, struct store_obj *old)
{
	return store_insert_inline(s, type, key, owner, state, site, fields, old);
}

int store_lookup(struct store *s, u16 type, u64 key, struct store_obj *out)
{
	u32 hash = store_hash(type, key);
	struct store_segment *seg = seg_of(s, hash);
	struct ddv_slot *base = hash_base(s, hash), *end = base + s->seg_slots;

retry:
	for (;;) {
		struct ddv_slot *e = base + (hash & s->seg_mask);
		u32 seq = ENV_LOAD_ACQUIRE(seg->seq), n;

		if (unlikely(seq & 1)) {
			env_cpu_relax();
			continue;
		}
		for (n = s->seg_slots; n; n--) {
			u64 m = meta_load(e);
			u16 t = meta_type(m);

			if (t == STORE_TYPE_EMPTY)
				break;
			if (unlikely(t == STORE_TYPE_HELD)) {
				/* A locked operation (interrupts off, another CPU) is at it. */
				env_cpu_relax();
				goto retry;
			}
			if (t == type && e->key == key) {
				if (out)
					entry_to_obj(e, m, out);
				ENV_RMB();
				/* Neither the slot nor the segment changed: a true copy. */
				if (ENV_READ(e->meta) != m || ENV_READ(seg->seq) != seq)
					goto retry;
				return 0;
			}
			if (++e == end)
				e = base;
		}
		ENV_RMB();
		if (likely(ENV_READ(seg->seq) == seq))
			return -ENOENT;
	}
}

int store_delete(struct store *s, u16 type, u64 key, struct store_obj *old)
{
	return store_delete_inline(s, type, key, old, -1, NULL);
}

/*
 * The update operations share one shape: lock, find, hold the slot, change
 * it, release it (readers wait for the release; a lock-free delete of the
 * same key misses the held slot and takes the lock). op returns 0 or a
 * negative errno (no change then).
 */
enum store_update_op { UPD_STATE, UPD_FIELD, UPD_ADJUST, UPD_OWNER };

static int store_update(struct store *s, u16 type, u64 key, enum store_update_op op,
			unsigned int field, u64 value, s64 min, s64 max, u64 *out)
{
	u32 hash = store_hash(type, key);
	struct store_segment *seg = seg_of(s, hash);
	struct ddv_slot *e;
	env_irqflags_t flags;
	u64 m;
	s64 now;
	s32 idx;
	int ret = 0;

	if ((op == UPD_FIELD || op == UPD_ADJUST) && field >= DDV_MAX_FIELDS)
		return -EINVAL;
	env_lock_irqsave(&seg->lock, flags);
	idx = seg_find(s, seg_base(s, seg), hash, type, key);
	if (idx < 0 || !slot_hold(&seg_base(s, seg)[idx], &m)) {
		ret = -ENOENT;
		goto out;
	}
	e = &seg_base(s, seg)[idx];
	switch (op) {
	case UPD_STATE:
		m = (m & ~(0xffull << 32)) | (u64)(u8)value << 32;
		break;
	case UPD_OWNER:
		m = (m & ~(0xffffull << 16)) | (u64)(u16)value << 16;
		break;
	case UPD_FIELD:
		if (out)
			*out = e->fields[field];
		e->fields[field] = value;
		break;
	case UPD_ADJUST:
		/* Wrapping add in u64, then range check: no signed overflow UB. */
		now = (s64)(e->fields[field] + value);
		if (out)
			*out = (u64)now;
		if ((s64)value > 0 && now < (s64)e->fields[field])
			ret = -ERANGE;	/* overflowed past S64_MAX */
		else if ((s64)value < 0 && now > (s64)e->fields[field])
			ret = -ERANGE;
		else if (now < min || now > max)
			ret = -ERANGE;
		if (!ret)
			e->fields[field] = (u64)now;
		break;
	}
	slot_release(e, m);
out:
	env_unlock_irqrestore(&seg->lock, flags);
	return ret;
}

int store_set_state(struct store *s, u16 type, u64 key, u8 state)
{
	return store_update(s, type, key, UPD_STATE, 0, state, 0, 0, NULL);
}

int store_set_field(struct store *s, u16 type, u64 key, unsigned int field,
		    u64 value, u64 *old_value)
{
	return store_update(s, type, key, UPD_FIELD, field, value, 0, 0, old_value);
}

int store_adjust(struct store *s, u16 type, u64 key, unsigned int field,
		 s64 delta, s64 min, s64 max, s64 *result)
{
	u64 r = 0;
	int ret = store_update(s, type, key, UPD_ADJUST, field, (u64)delta, min, max, &r);

	if (result && ret != -ENOENT && ret != -EINVAL)
		*result = (s64)r;
	return ret;
}

int store_set_owner(struct store *s, u16 type, u64 key, u16 owner)
{
	return store_update(s, type, key, UPD_OWNER, 0, owner, 0, 0, NULL);
}

/*
 * Looks up (type, key) from inside another segment's read section: lock-free
 * as store_lookup, so no lock is ever held while waiting.
 */
int store_find_inside(struct store *s, u16 type, u64 lo, u64 hi, struct store_obj *out)
{
	u64 page, last_page;

	if (lo >= hi || !store_is_contained(s, type) || !ENV_READ(s->contained_live))
		return -ENOENT;
	last_page = (hi - 1) >> STORE_INDEX_PAGE_SHIFT;
	for (page = lo >> STORE_INDEX_PAGE_SHIFT; page <= last_page; page++) {
		u32 hash = store_hash(STORE_TYPE_INDEX0, page);
		struct store_segment *seg = seg_of(s, hash);
		struct ddv_slot *base = seg_base(s, seg);
		unsigned int link, f;
		u32 seq;
		bool found;

retry:
		seq = ENV_LOAD_ACQUIRE(seg->seq);
		if (seq & 1) {
			env_cpu_relax();
			goto retry;
		}
		found = false;
		for (link = 0; !found && link < STORE_INDEX_LINKS; link++) {
			s32 idx = seg_find(s, base, hash, STORE_TYPE_INDEX0 + link, page);
			struct ddv_slot *e;

			if (idx < 0)
				break;
			e = &base[idx];
			for (f = 0; f < DDV_MAX_FIELDS; f++) {
				u64 k = e->fields[f];

				if (!(e->used_mask >> f & 1) || k < lo || k >= hi)
					continue;
				if (store_lookup(s, type, k, out) == 0) {
					found = true;
					break;
				}
			}
		}
		ENV_RMB();
		if (ENV_READ(seg->seq) != seq)
			goto retry;
		if (found)
			return 0;
		if (page == ~0ull >> STORE_INDEX_PAGE_SHIFT)
			break;
	}
	return -ENOENT;
}

static inline bool filter_match(const struct store_filter *f, u64 m)
{
	u16 hi = f->type_hi ? f->type_hi : STORE_TYPE_MAX, t = meta_type(m);

	if (!store_type_live(t) || t < f->type_lo)
		return false;
	if (f->type_hi ? t >= hi : t > hi)
		return false;
	return f->any_owner || (u16)(m >> 16) == f->owner;
}

bool store_next(struct store *s, u64 *cursor, const struct store_filter *filter,
		struct store_obj *out)
{
	u64 c = *cursor;

	while (c < s->capacity) {
		struct store_segment *seg = &s->segs[c >> s->seg_shift];
		u64 end = ((c >> s->seg_shift) + 1) << s->seg_shift;
		env_irqflags_t flags;

		env_lock_irqsave(&seg->lock, flags);
		for (; c < end; c++) {
			u64 m = meta_load(&s->slots[c]);

			if (filter_match(filter, m)) {
				entry_to_obj(&s->slots[c], m, out);
				env_unlock_irqrestore(&seg->lock, flags);
				*cursor = c + 1;
				return true;
			}
		}
		env_unlock_irqrestore(&seg->lock, flags);
	}
	*cursor = c;
	return false;
}

u64 store_purge(struct store *s, const struct store_filter *filter)
{
	struct store_obj o;
	u64 cursor = 0, n = 0;

	while (store_next(s, &cursor, filter, &o)) {
		if (store_delete(s, o.type, o.key, NULL) == 0)
			n++;
		/* The deletion may have shifted the next entry into this slot. */
		cursor--;
	}
	return n;
}

void store_get_stats(struct store *s, struct store_stats *st)
{
	u32 i;

	memset(st, 0, sizeof(*st));
	st->capacity = s->capacity;
	/* Lock-free operations keep no count: live objects are counted here. */
	for (i = 0; i < s->capacity; i++)
		st->live += store_type_live(meta_type(meta_load(&s->slots[i])));
	for (i = 0; i < s->nsegs; i++) {
		struct store_segment *seg = &s->segs[i];

		st->drops += ENV_READ(seg->drops);
		st->index_drops += ENV_READ(seg->index_drops);
		if (ENV_READ(seg->max_probe) > st->max_probe)
			st->max_probe = ENV_READ(seg->max_probe);
	}
}
