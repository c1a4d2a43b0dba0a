// SPDX-License-Identifier: GPL-2.0
/* objects.c: the object store in ddv.ko: the ddv_obj_* ABI, leak sweeps, counters. */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/log2.h>
#include "ddv_internal.h"
#include "config.h"
/*
 * The store's code itself: its hot operations (store_insert_inline,
 * store_delete_inline) inline into the ddv_obj_* entry points below, so a
 * create or a destroy pays one prologue and passes nothing on the stack.
 * Kbuild links no separate store.o.
 */
#include "store.c"
#include "scopes.h"

static unsigned int store_capacity = 65536;
module_param(store_capacity, uint, 0444);
MODULE_PARM_DESC(store_capacity,
		 "objects the store can hold, a power of two >= 64 (64 bytes each)");

struct store ddv_store;
/* The store's slots, for the wrappers' inline create and destroy (abi.h). */
struct ddv_slot *ddv_slots;
EXPORT_SYMBOL_GPL(ddv_slots);
u32 ddv_slots_mask;
EXPORT_SYMBOL_GPL(ddv_slots_mask);
/* ddv_slots_mask << 6: a slot's offset in the store, straight from a hash product. */
u64 ddv_slots_offmask;
EXPORT_SYMBOL_GPL(ddv_slots_offmask);
/* Per driver, its part of the inline create's publish word (ddv/slot.h DDV_PUBLISH_ADD). */
u64 ddv_dut_meta[DDV_MAX_DUTS] __ro_after_init;
EXPORT_SYMBOL_GPL(ddv_dut_meta);
struct config ddv_config;
static void *store_mem;

/*
 * Keys freed since a live attach. An attached driver's objects made before
 * the attach are unknown, so a destroy or lookup that finds nothing is not
 * trusted (note_missing). But once the driver has freed a key while attached,
 * its state is known from then on: not live. So in attached calls only, every
 * destroy (found or not) leaves a record of the key, an entry of this
 * reserved type (store.h's enum store_reserved_type leaves 5 free), and a
 * miss that finds the record is a certain one: a double free of a block made
 * after the attach, or the second free of one made before it, is reported.
 * A record is keyed by the object's key mixed with its global type (fields 0
 * and 1 hold both, checked on every match), owned by the driver, forgotten
 * when the key is created again and when the driver detaches or goes.
 * Bounded (freed_max) and never in the way of an object: a create that finds
 * its segment full evicts the segment's records and tries again.
 */
#define OBJ_TYPE_FREED 5
static atomic_t freed_live = ATOMIC_INIT(0);		/* records in the store */
static unsigned int freed_max;				/* at most an eighth of the store */
static atomic64_t freed_refused = ATOMIC64_INIT(0);	/* not kept: at the bound, or no room */
static atomic64_t freed_evicted = ATOMIC64_INIT(0);	/* dropped to make room for an object */

/*
 * The gate of the inline create and destroy (abi.h ddv_obj_inline). Closed,
 * every type used is marked DDV_TYPE_USED instead of DDV_TYPE_USED_INLINE,
 * so that creates and destroys come here. Its holders:
 * - a driver attached live, from its first call (before any of its object
 *   operations) until it detaches or goes: its destroys leave their records;
 * - the packs' rule scopes while any is registered: they count every create
 *   and destroy of their type;
 * - a driver's open user scope (DDV_INLINE_HOLDER_STAMP + its id): its new
 *   objects carry the scope's stamp, which the inline create leaves out.
 * Costs the usual path nothing: the inline test is the same byte.
 */
static DEFINE_RAW_SPINLOCK(inline_gate_lock);
static unsigned long inline_gate_duts;	/* bit per holder: a driver, or the scopes */
static bool inline_off;			/* some driver holds it */

int ddv_store_init(void)
{
	size_t bytes;
	int ret, i;

	if (store_capacity < 64 || !is_power_of_2(store_capacity)) {
		pr_err("ddv: store_capacity=%u: must be a power of two, at least 64\n",
		       store_capacity);
		return -EINVAL;
	}
	/*
	 * An object's site holds a return address's low half (abi.h ddv_obj_site):
	 * modules lie in the top 2 GB, below the ends that mean "no site".
	 */
	BUILD_BUG_ON(MODULES_VADDR < (unsigned long)(long)(s32)DDV_SITE_IP);
	BUILD_BUG_ON((u32)(MODULES_END - 1) >= DDV_SITE_LATER);
	if (!ENV_HAVE_CAS128()) {
		pr_err("ddv: the CPU has no cmpxchg16b, which the object store needs\n");
		return -ENODEV;
	}
	bytes = store_mem_size(store_capacity);
	store_mem = vmalloc(bytes);
	if (!store_mem)
		return -ENOMEM;
	ret = store_init(&ddv_store, store_mem, bytes, store_capacity);
	if (ret) {
		vfree(store_mem);
		return ret;
	}
	config_init(&ddv_config, &ddv_store);
	BUILD_BUG_ON(OBJ_TYPE_FREED == STORE_TYPE_EMPTY || OBJ_TYPE_FREED == STORE_TYPE_CONFIG ||
		     OBJ_TYPE_FREED == STORE_TYPE_INJECT || OBJ_TYPE_FREED == STORE_TYPE_CLAIMED ||
		     OBJ_TYPE_FREED == STORE_TYPE_HELD || OBJ_TYPE_FREED >= STORE_TYPE_INDEX0);
	BUILD_BUG_ON(DDV_INLINE_HOLDER_STAMP + DDV_MAX_DUTS > BITS_PER_LONG);
	freed_max = store_capacity / 8;
	ddv_slots = ddv_store.slots;
	ddv_slots_mask = ddv_store.cap_mask;
	ddv_slots_offmask = (u64)ddv_store.cap_mask << 6;
	for (i = 0; i < DDV_MAX_DUTS; i++)
		ddv_dut_meta[i] = DDV_PUBLISH_OWNER(i);
	return 0;
}

void ddv_store_exit(void)
{
	vfree(store_mem);
}

void ddv_store_status(struct ddv_status *st)
{
	struct store_stats s;

	store_get_stats(&ddv_store, &s);
	st->store_live = s.live;
	st->store_capacity = s.capacity;
	st->store_drops = s.drops;
}

/* The objects of the packs' types that driver owner holds now (a walk of the store). */
u64 ddv_store_owned(u16 owner)
{
	struct store_filter f = { .type_lo = STORE_TYPE_FIRST_PACK, .owner = owner };
	struct store_obj o;
	u64 cursor = 0, n = 0;

	while (store_next(&ddv_store, &cursor, &f, &o))
		n++;
	return n;
}

/*
 * A type of call->pack (abi.h): its own (local index) or an import
 * (DDV_IMPORTED(i)). Its descriptor, and its global id in *gt; NULL when out
 * of range.
 */
const struct ddv_type_desc *ddv_call_type(const struct ddv_call *call, u16 type, u16 *gt)
{
	const struct ddv_pack *p = call->pack;

	if (type & DDV_TYPE_IMPORT) {
		type &= ~DDV_TYPE_IMPORT;
		if (type >= p->nimports || !p->imports[type].desc)
			return NULL;
		*gt = p->imports[type].gtype;
		return p->imports[type].desc;
	}
	if (type >= p->ntypes)
		return NULL;
	*gt = p->type_base + type;
	return &p->types[type];
}

/* The site id of an object of dut (DDV_NO_SITE when unknown). */
u32 ddv_obj_site_id(const struct ddv_dut *dut, u64 site)
{
	u32 where = (u32)site;

	if (where != DDV_NO_SITE && (where & DDV_SITE_IP))
		return site_of_ret(dut, (unsigned long)(long)(s32)where);
	return where;
}


/*
 * Global types that ever had an object created: a lookup of a type with none
 * answers -ENOENT inline (abi.h ddv_obj_lookup), and a destroy here with one
 * load instead of a probe. Set before the first insert and never cleared (a
 * type id reused by another pack keeps a harmless true).
 */
u8 ddv_type_used[DDV_MAX_TYPES];
EXPORT_SYMBOL_GPL(ddv_type_used);

/*
 * Live objects of contained types (timers, work items inside blocks), for
 * abi.h's inline ddv_obj_any_inside: the store counts them too, but packs
 * cannot see struct store, and a pointer to its count would cost the inline
 * test a second load.
 */
u32 ddv_contained_live;
EXPORT_SYMBOL_GPL(ddv_contained_live);

/*
 * Types of which the full store refused an object (until ddv.ko goes): a miss
 * on one is uncertain (note_missing), as one on an attached driver's.
 */
static u8 type_dropped[DDV_MAX_TYPES];

static inline bool type_never_used(u16 gt)
{
	return !READ_ONCE(ddv_type_used[gt]);
}

/*
 * A type of a chain of ifs (struct ddv_type_desc's chain_guard): its pack's
 * guard opens before an object of it can be found.
 */
static inline void chain_guard_open(const struct ddv_type_desc *t)
{
	if (t && t->chain_guard && unlikely(!READ_ONCE(*t->chain_guard)))
		WRITE_ONCE(*t->chain_guard, 1);
}

static inline void type_mark_used(u16 gt, const struct ddv_type_desc *t)
{
	chain_guard_open(t);	/* before the byte below, as the object is found after it */
	if (unlikely(!READ_ONCE(ddv_type_used[gt]))) {
		/*
		 * A contained type's objects are indexed: never created inline,
		 * only looked up; nothing inline while a driver is attached live.
		 */
		WRITE_ONCE(ddv_type_used[gt],
			   READ_ONCE(inline_off) ? DDV_TYPE_USED :
			   t && t->flags & DDV_TYPE_CONTAINED ? DDV_TYPE_USED_LOOKUP :
			   DDV_TYPE_USED_INLINE);
		/*
		 * Whoever can find the object sees the mark. And either an
		 * attach turning the gate on meanwhile sees the mark (and
		 * lowers it), or this sees the gate on.
		 */
		smp_mb();
		if (READ_ONCE(inline_off))
			WRITE_ONCE(ddv_type_used[gt], DDV_TYPE_USED);
	}
}

/* Turns the gate on: every inline-capable type used so far takes the slow path. */
static void inline_gate_close(void)
{
	unsigned int gt;

	WRITE_ONCE(inline_off, true);
	smp_mb();	/* pairs with type_mark_used() */
	for (gt = STORE_TYPE_FIRST_PACK; gt < DDV_MAX_TYPES; gt++)
		if (READ_ONCE(ddv_type_used[gt]) & 1)
			WRITE_ONCE(ddv_type_used[gt], DDV_TYPE_USED);
}

/*
 * And off again: the plain types go back inline. A type marked by a
 * type_mark_used() that saw the gate on just before may stay slow until the
 * next attach ends: that costs time, never a finding.
 */
static void inline_gate_open(void)
{
	unsigned int gt;

	WRITE_ONCE(inline_off, false);
	smp_mb();
	for (gt = STORE_TYPE_FIRST_PACK; gt < DDV_MAX_TYPES; gt++)
		if (READ_ONCE(ddv_type_used[gt]) == DDV_TYPE_USED && !READ_ONCE(type_dropped[gt]))
			WRITE_ONCE(ddv_type_used[gt], store_is_contained(&ddv_store, gt) ?
				   DDV_TYPE_USED_LOOKUP : DDV_TYPE_USED_INLINE);
}

/*
 * The store refused an object of gt: from now on a miss of the type is
 * uncertain (note_missing), which only ddv.ko's lookup says, so the type
 * leaves the inline path for good (an inline lookup answers a miss itself).
 */
static void type_drop_mark(u16 gt)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&inline_gate_lock, flags);
	WRITE_ONCE(type_dropped[gt], 1);
	if (READ_ONCE(ddv_type_used[gt]) & 1)
		WRITE_ONCE(ddv_type_used[gt], DDV_TYPE_USED);
	raw_spin_unlock_irqrestore(&inline_gate_lock, flags);
}

/*
 * Takes (on) or gives back the gate for holder: a driver attached live (its
 * id), the packs' rule scopes (DDV_INLINE_HOLDER_SCOPES) or a driver's open
 * user scope (DDV_INLINE_HOLDER_STAMP + its id). The first holder
 * closes it, the last one opens it. A holder's bit is set last, so a call
 * that sees it set finds the gate closed. Any context.
 */
void ddv_obj_inline_hold(unsigned int holder, bool on)
{
	unsigned long flags;

	if (test_bit(holder, &inline_gate_duts) == on) {
		smp_rmb();
		return;
	}
	raw_spin_lock_irqsave(&inline_gate_lock, flags);
	if (on && !test_bit(holder, &inline_gate_duts)) {
		if (!inline_gate_duts)
			inline_gate_close();
		smp_mb__before_atomic();
		set_bit(holder, &inline_gate_duts);
	} else if (!on && test_bit(holder, &inline_gate_duts)) {
		clear_bit(holder, &inline_gate_duts);
		if (!inline_gate_duts)
			inline_gate_open();
	}
	raw_spin_unlock_irqrestore(&inline_gate_lock, flags);
}

/* The driver detached or went: its records go, and the gate with its last holder. */
static void attached_forget(struct ddv_dut *dut)
{
	struct store_filter f = {
		.type_lo = OBJ_TYPE_FREED,
		.type_hi = OBJ_TYPE_FREED + 1,
		.owner = dut->id,
	};
	u64 n;

	n = store_purge(&ddv_store, &f);
	atomic_sub(n, &freed_live);
	ddv_obj_inline_hold(dut->id, false);
	if (atomic64_read(&freed_refused) || atomic64_read(&freed_evicted))
		pr_info("ddv: %s: frees since the attach not remembered: "
			"%lld at the bound of %u, %lld evicted for objects\n", dut->name,
			(long long)atomic64_read(&freed_refused), freed_max,
			(long long)atomic64_read(&freed_evicted));
}

static inline u64 freed_key(u16 gt, u64 key)
{
	return key ^ (u64)gt << 48;
}

/* Was (gt, key) destroyed by an attached call since, and not created again? */
static bool freed_since_attach(u16 gt, u64 key)
{
	struct store_obj o;

	return atomic_read(&freed_live) &&
	       !store_lookup(&ddv_store, OBJ_TYPE_FREED, freed_key(gt, key), &o) &&
	       o.fields[0] == gt && o.fields[1] == key;
}

/* An attached call destroyed (gt, key), or tried to: remember it. */
static noinline void note_freed(const struct ddv_call *call, u16 gt, u64 key)
{
	u64 f[DDV_MAX_FIELDS] = { gt, key };
	struct store_obj o;
	u32 hash = ddv_slot_hash(OBJ_TYPE_FREED, freed_key(gt, key));
	int ret;

	if (atomic_inc_return(&freed_live) > freed_max) {
		atomic_dec(&freed_live);
		atomic64_inc(&freed_refused);
		return;
	}
	ret = store_insert(&ddv_store, OBJ_TYPE_FREED, freed_key(gt, key), call->dut, 0, 0, f, &o);
	if (!ret)
		return;
	atomic_dec(&freed_live);
	if (ret == -EEXIST && o.fields[0] == gt && o.fields[1] == key)
		return;		/* remembered already */
	if (ret == -ENOSPC) {
		/* No room in its segment: a record must never count as an object's drop. */
		struct store_segment *seg = seg_of(&ddv_store, hash);
		unsigned long flags;

		env_lock_irqsave(&seg->lock, flags);
		if (seg->drops)
			seg->drops--;
		env_unlock_irqrestore(&seg->lock, flags);
	}
	atomic64_inc(&freed_refused);
}

/* (gt, key) is live again: its record goes. */
static noinline void freed_forget(u16 gt, u64 key)
{
	struct store_obj o;

	if (!store_delete(&ddv_store, OBJ_TYPE_FREED, freed_key(gt, key), &o)) {
		atomic_dec(&freed_live);
		/*
		 * Another key's record, mixed alike: it is forgotten too, which
		 * only loses precision.
		 */
	}
}

/*
 * A create found its segment full: the records there go (the ones of that
 * segment only: the scan is short and takes no lock but each delete's).
 * True if any went, and then the drop the create counted is taken back.
 */
static noinline bool freed_evict(u16 gt, u64 key)
{
	u32 hash = ddv_slot_hash(gt, key);
	struct store_segment *seg = seg_of(&ddv_store, hash);
	struct ddv_slot *base = hash_base(&ddv_store, hash);
	unsigned long flags;
	u32 i, n = 0;

	for (i = 0; i < ddv_store.seg_slots; i++) {
		struct ddv_slot *e = base + i;

		/* A delete shifts the entries after it back: look at slot i again. */
		while (meta_type(meta_load(e)) == OBJ_TYPE_FREED &&
		       !store_delete(&ddv_store, OBJ_TYPE_FREED, READ_ONCE(e->key), NULL)) {
			atomic_dec(&freed_live);
			n++;
		}
	}
	if (!n)
		return false;
	atomic64_add(n, &freed_evicted);
	env_lock_irqsave(&seg->lock, flags);
	if (seg->drops)
		seg->drops--;
	env_unlock_irqrestore(&seg->lock, flags);
	return true;
}

static void to_obj(const struct ddv_call *call, const struct store_obj *o, struct ddv_obj *out)
{
	out->key = o->key;
	memcpy(out->fields, o->fields, sizeof(out->fields));
	out->site = o->site;
	out->type = o->type - call->pack->type_base;	/* an import's: not read */
	out->dut = o->owner;
	out->state = o->state;
}

/*
 * A refused insert: counted by the store; logged at the 1st, 2nd, 4th, 8th...
 * drop so a full store cannot flood the log it is reported in.
 */
static noinline void store_full(struct ddv_call *call, u16 type, u64 key)
{
	static atomic64_t drops = ATOMIC64_INIT(0);
	u64 n = atomic64_inc_return(&drops);

	if (!READ_ONCE(type_dropped[type]))
		type_drop_mark(type);

	if (is_power_of_2(n))
		ddv_log_at(0, DDV_RT_STORE_FULL, 3, (u64[]){ type, key, n }, call->dut,
			   ddv_call_site(call),
			   call->pack->func_base + call->func, call->ret_ip, false);
}

/* What a successful create or destroy of a type changes besides the store. */
static __always_inline void obj_counted(const struct ddv_type_desc *t, u64 size, int sign)
{
	if (t->size_field >= 0)
		ddv_inject_account(sign * (s64)size);
	if (unlikely(t->flags & DDV_TYPE_CONTAINED))
		__atomic_add_fetch(&ddv_contained_live, sign, __ATOMIC_RELAXED);
}

static __always_inline u64 size_of(const struct ddv_type_desc *t, const u64 *fields)
{
	return t->size_field >= 0 && t->size_field < DDV_MAX_FIELDS && fields ?
	       fields[t->size_field] : 0;
}

/*
 * The global ids of the packs' contained types, for the walk of freed memory
 * (store_find_inside looks for one type at a time). Appended at pack
 * registration under ddv_mutex, read anywhere without a lock; an id stays
 * when its pack goes (a search then finds nothing of it).
 */
#define MAX_CONTAINED_TYPES 64
static u16 contained_types[MAX_CONTAINED_TYPES];
static unsigned int ncontained_types;

static void contained_type_add(u16 gt)
{
	unsigned int i, n = ncontained_types;

	for (i = 0; i < n; i++)
		if (contained_types[i] == gt)
			return;
	if (n == MAX_CONTAINED_TYPES) {
		pr_warn("ddv: more than %d contained types: type %u is not looked for in freed memory\n",
			MAX_CONTAINED_TYPES, gt);
		return;
	}
	WRITE_ONCE(contained_types[n], gt);
	smp_store_release(&ncontained_types, n + 1);
}

/* The descriptor of a global type and its pack (*pack), or NULL when no pack has it. */
static const struct ddv_type_desc *type_desc(u16 gt, const struct ddv_pack **pack)
{
	u16 local;

	*pack = ddv_type_pack(gt, &local);
	return *pack ? &(*pack)->types[local] : NULL;
}

/* An active contained object's arguments: its key, the memory that holds it, its fields. */
static unsigned int active_args(const struct ddv_type_desc *t, const struct store_obj *c,
				u64 block, u64 *args)
{
	unsigned int i;

	args[0] = c->key;
	args[1] = block;
	for (i = 0; i < t->nfields && i + 2 < DDV_MAX_ARGS; i++)
		args[i + 2] = c->fields[i];
	return i + 2;
}

/* A contained object of global type gt (t: its descriptor, if any) goes with its memory. */
static void contained_gone(u16 gt, const struct ddv_type_desc *t, u64 key)
{
	struct store_obj c;

	/* Destroyed meanwhile by its own call: it is gone either way. */
	if (store_delete(&ddv_store, gt, key, &c))
		return;
	if (t)
		obj_counted(t, size_of(t, c.fields), -1);
	else
		__atomic_add_fetch(&ddv_contained_live, -1, __ATOMIC_RELAXED);
}

/*
 * Memory [lo, lo + size) is freed by call (the destroy of an object with a
 * size: kfree, vfree, free_netdev, a transfer to RCU...): every object of a
 * contained type inside goes with it, and each active one (its type's active
 * condition: a timer pending) is a violation of its type's rule, reported in
 * the freeing call. One of a type without that condition but with a leak
 * message can never be released now (an SRCU domain never cleaned up): its
 * leak, reported now rather than lost. store_find_inside finds any one of those left in the
 * range, not the lowest: each is deleted before the next search, so none is
 * passed over. Out of line: only while contained objects are live.
 */
static noinline void contained_freed(struct ddv_call *call, u64 lo, u64 size)
{
	unsigned int i, n = smp_load_acquire(&ncontained_types);
	u64 hi = lo + size;

	if (hi <= lo)
		return;
	for (i = 0; i < n; i++) {
		u16 gt = READ_ONCE(contained_types[i]);
		struct store_obj c;

		while (READ_ONCE(ddv_contained_live) &&
		       !store_find_inside(&ddv_store, gt, lo, hi, &c)) {
			const struct ddv_pack *pack;
			const struct ddv_type_desc *t = type_desc(gt, &pack);
			u64 args[DDV_MAX_ARGS];

			if (t && t->active && t->active_msg && t->active(c.key, c.fields)) {
				ddv_violation_of(call, pack, t->active_msg,
						 min_t(unsigned int, active_args(t, &c, lo, args),
						       pack->msgs[t->active_msg].nargs), args);
			} else if (t && !t->active && t->leak_msg && c.owner &&
				   c.owner < DDV_MAX_DUTS) {
				ddv_report_object(&ddv_duts[c.owner], &c, pack, t->leak_msg,
						  t->nfields);
				atomic64_inc(&ddv_duts[c.owner].violations);
			}
			contained_gone(gt, t, c.key);
		}
	}
}

/*
 * Every create but the usual one (abi.h ddv_obj_create, inline in the
 * wrappers): an out-of-range type, a caller that wants the live object on
 * -EEXIST, a type's first object, a contained type, a pack with scopes, an
 * occupied home slot.
 */
int __ddv_obj_create(struct ddv_call *call, u16 type, u64 key, u8 state,
		     const u64 *fields, struct ddv_obj *old)
{
	const struct ddv_type_desc *t;
	struct store_obj o;
	u16 gt;
	int ret;

	t = ddv_call_type(call, type, &gt);
	if (unlikely(!t))
		return -EINVAL;
	type_mark_used(gt, t);
	ret = store_insert(&ddv_store, gt, key, call->dut, state, ddv_obj_site(call),
			   fields, old ? &o : NULL);
	if (unlikely(ret == -ENOSPC) && atomic_read(&freed_live) && freed_evict(gt, key))
		ret = store_insert(&ddv_store, gt, key, call->dut, state,
				   ddv_obj_site(call), fields, old ? &o : NULL);
	if (!ret) {
		obj_counted(t, size_of(t, fields), 1);
		if (ddv_scope_counting(call->dut))
			ddv_scope_count(call, gt, 1);
		if (unlikely(atomic_read(&freed_live)))
			freed_forget(gt, key);
	} else if (ret == -EEXIST && old) {
		to_obj(call, &o, old);
	} else if (ret == -ENOSPC) {
		store_full(call, gt, key);
	}
	return ret;
}

EXPORT_SYMBOL_GPL(__ddv_obj_create);

/*
 * A driver attached live has no history: an object it made before the attach
 * is unknown, so a rule that fires in a call that missed one is not trusted
 * (ddv_violation counts it apart). Unless the key was destroyed since the
 * attach (a record, above): then the miss is certain, and since the rule that
 * fires next rests on it (an earlier miss's rule has fired already: vfree's
 * require !heap[addr] before its destroy vmem[addr]), it clears the flag.
 * The same holds for a type the full store refused objects of: the key may be
 * one of them (a free of a block never tracked is no double free).
 * Returns ret.
 */
static inline int note_missing(struct ddv_call *call, u16 gt, u64 key, int ret)
{
	if (likely(ret != -ENOENT))
		return ret;
	if (call->attached)
		call->missed = !freed_since_attach(gt, key);
	else if (unlikely(READ_ONCE(type_dropped[gt])))
		ddv_note_uncertain(call);	/* missed is not copied back: abi.c keeps it */
	return ret;
}

/* Every destroy but the usual one (abi.h ddv_obj_destroy, inline in the wrappers). */
int __ddv_obj_destroy(struct ddv_call *call, u16 type, u64 key, struct ddv_obj *old)
{
	const struct ddv_type_desc *t;
	struct store_obj o;
	u16 gt;
	int ret;

	t = ddv_call_type(call, type, &gt);
	if (unlikely(!t))
		return -EINVAL;
	if (type_never_used(gt)) {
		ret = -ENOENT;
		goto out;
	}
	ret = store_delete(&ddv_store, gt, key, &o);
	if (!ret) {
		obj_counted(t, size_of(t, o.fields), -1);
		if (ddv_scope_counting(call->dut) && o.owner == call->dut)
			ddv_scope_count(call, gt, -1);
		if (old)
			to_obj(call, &o, old);
		/* Memory freed: what lies inside it goes too (abi.h ddv_obj_destroy). */
		if (t->size_field >= 0 && READ_ONCE(ddv_contained_live))
			contained_freed(call, key, size_of(t, o.fields));
	}
out:
	if (ret == -ENOENT)
		ddv_fold_destroy_miss(call, key);
	note_missing(call, gt, key, ret);
	if (unlikely(call->attached)) {
		/* Freed or not known: either way not live from now on. */
		if (!ret || ret == -ENOENT) {
			/* A lookup of the type then asks here, where the record is seen. */
			type_mark_used(gt, t);
			note_freed(call, gt, key);
		}
	}
	return ret;
}

EXPORT_SYMBOL_GPL(__ddv_obj_destroy);

/* abi.h's ddv_obj_lookup() comes here once the type has had objects. */
int __ddv_obj_lookup(struct ddv_call *call, u16 type, u64 key, struct ddv_obj *out)
{
	struct store_obj o;
	u16 gt;
	int ret;

	if (!ddv_call_type(call, type, &gt))
		return -EINVAL;
	if (type_never_used(gt))
		return note_missing(call, gt, key, -ENOENT);
	/* Asked only whether it is live: copy nothing. */
	if (!out)
		return note_missing(call, gt, key, store_lookup(&ddv_store, gt, key, NULL));
	ret = store_lookup(&ddv_store, gt, key, &o);
	if (!ret)
		to_obj(call, &o, out);
	return note_missing(call, gt, key, ret);
}
EXPORT_SYMBOL_GPL(__ddv_obj_lookup);

int __ddv_obj_set_state(struct ddv_call *call, u16 type, u64 key, u8 state)
{
	u16 gt;

	if (!ddv_call_type(call, type, &gt))
		return -EINVAL;
	return store_set_state(&ddv_store, gt, key, state);
}
EXPORT_SYMBOL_GPL(__ddv_obj_set_state);

int __ddv_obj_set_field(struct ddv_call *call, u16 type, u64 key, unsigned int field, u64 value)
{
	u16 gt;

	if (!ddv_call_type(call, type, &gt))
		return -EINVAL;
	return store_set_field(&ddv_store, gt, key, field, value, NULL);
}
EXPORT_SYMBOL_GPL(__ddv_obj_set_field);

int __ddv_obj_adjust(struct ddv_call *call, u16 type, u64 key, unsigned int field,
		   s64 delta, s64 min, s64 max, s64 *result)
{
	u16 gt;

	if (!ddv_call_type(call, type, &gt))
		return -EINVAL;
	return store_adjust(&ddv_store, gt, key, field, delta, min, max, result);
}
EXPORT_SYMBOL_GPL(__ddv_obj_adjust);

int __ddv_obj_disown(struct ddv_call *call, u16 type, u64 key)
{
	u16 gt;
	int ret;

	if (!ddv_call_type(call, type, &gt))
		return -EINVAL;
	ret = store_disown(&ddv_store, gt, key);
	if (!ret && ddv_scope_counting(call->dut))
		ddv_scope_count(call, gt, -1);
	return ret;
}
EXPORT_SYMBOL_GPL(__ddv_obj_disown);

int __ddv_obj_find_inside(struct ddv_call *call, u16 type, u64 lo, u64 hi, struct ddv_obj *out)
{
	struct store_obj o;
	u16 gt;
	int ret;

	if (!ddv_call_type(call, type, &gt))
		return -EINVAL;
	ret = store_find_inside(&ddv_store, gt, lo, hi, &o);
	if (!ret && out)
		to_obj(call, &o, out);
	return ret;
}
EXPORT_SYMBOL_GPL(__ddv_obj_find_inside);

bool __ddv_obj_any_inside(struct ddv_call *call, u16 type)
{
	u16 gt;

	return ddv_call_type(call, type, &gt) && store_any_inside(&ddv_store, gt);
}
EXPORT_SYMBOL_GPL(__ddv_obj_any_inside);

/* Marks a pack's contained types in the store; called at registration. */
void ddv_store_pack_types(struct ddv_pack *pack)
{
	unsigned int i;

	for (i = 0; i < pack->ntypes; i++) {
		u16 gt = pack->type_base + i;

		/* An id an earlier pack's type used: it may be created inline at once. */
		if (READ_ONCE(ddv_type_used[gt]))
			chain_guard_open(&pack->types[i]);
		if (!(pack->types[i].flags & DDV_TYPE_CONTAINED))
			continue;
		store_set_contained(&ddv_store, gt);
		contained_type_add(gt);
		/* An id an earlier pack's plain type used: no longer created inline. */
		if (READ_ONCE(ddv_type_used[gt]) == DDV_TYPE_USED_INLINE)
			WRITE_ONCE(ddv_type_used[gt], DDV_TYPE_USED_LOOKUP);
	}
}

void ddv_report_object(struct ddv_dut *dut, const struct store_obj *o,
		       const struct ddv_pack *pack, u16 msg, unsigned int nfields)
{
	u32 site = ddv_obj_site_id(dut, o->site);
	u64 args[DDV_MAX_ARGS];
	unsigned int i;

	args[0] = o->key;
	for (i = 0; i < nfields && i + 1 < DDV_MAX_ARGS; i++)
		args[i + 1] = o->fields[i];
	ddv_log_at(pack->pack_id, msg, min_t(unsigned int, pack->msgs[msg].nargs, i + 1), args,
		   dut->id, site, site_func(dut, site), 0, false);
}

/* An object left over, at unload or at the end of the user's scope. */
enum ddv_leak_report ddv_report_leak(struct ddv_dut *dut, const struct store_obj *o)
{
	const struct ddv_type_desc *t;
	struct ddv_pack *pack;
	u16 local;

	pack = ddv_type_pack(o->type, &local);
	if (!pack) {
		u32 site = ddv_obj_site_id(dut, o->site);

		ddv_log_at(0, DDV_RT_LEAK_UNKNOWN_TYPE, 3, (u64[]){ dut->id, o->type, o->key },
			   dut->id, site, site_func(dut, site), 0, false);
		return DDV_LEAK_TYPE_UNKNOWN;
	}
	t = &pack->types[local];
	if (!t->leak_msg)
		return DDV_NOT_A_LEAK;
	/*
	 * A type with an active condition leaks only while active; a contained
	 * one's memory may be gone where no wrapper saw it: only the unload's
	 * sweep, which knows where its memory is, reads it (sweep_contained).
	 */
	if (t->active && ((t->flags & DDV_TYPE_CONTAINED) || !t->active(o->key, o->fields)))
		return DDV_NOT_A_LEAK;
	ddv_report_object(dut, o, pack, t->leak_msg, t->nfields);
	return DDV_LEAK_REPORTED;
}

/* Logs msg of pack for an active contained object c held by block, at c's site. */
static void report_active_object(struct ddv_dut *dut, const struct store_obj *c,
				 const struct ddv_pack *pack, const struct ddv_type_desc *t,
				 u16 msg, u64 block)
{
	u32 site = ddv_obj_site_id(dut, c->site);
	u64 args[DDV_MAX_ARGS];
	unsigned int n = active_args(t, c, block, args);

	ddv_log_at(pack->pack_id, msg, min_t(unsigned int, pack->msgs[msg].nargs, n), args,
		   dut->id, site, site_func(dut, site), 0, false);
	atomic64_inc(&dut->violations);
}

/*
 * The memory the driver still owns when it goes ([lo, lo + size): a block
 * it leaked, reported as such): an active contained object inside outlives
 * the driver's code (a pending timer whose function was in the module), a
 * leak of its type while active. The objects of types with an active
 * condition go once judged (the sweep forgets the driver's objects next
 * anyway); the others stay for the sweep's plain leak check. Returns the
 * leaks reported.
 */
static unsigned int leaked_holds(struct ddv_dut *dut, u64 lo, u64 size)
{
	unsigned int i, n = smp_load_acquire(&ncontained_types), leaks = 0;

	for (i = 0; i < n && lo + size > lo; i++) {
		u16 gt = READ_ONCE(contained_types[i]);
		const struct ddv_pack *pack;
		const struct ddv_type_desc *t = type_desc(gt, &pack);
		struct store_obj c;

		if (!t || !t->active)
			continue;
		while (!store_find_inside(&ddv_store, gt, lo, lo + size, &c)) {
			if (t->leak_msg && t->active(c.key, c.fields)) {
				report_active_object(dut, &c, pack, t, t->leak_msg, lo);
				leaks++;
			}
			contained_gone(gt, t, c.key);
		}
	}
	return leaks;
}

/* Blocks a gone driver leaked, collected for sweep_contained. */
struct leaked_blocks {
	struct { u64 key, size; } *b;
	unsigned int n, cap;
};

/* False when there is no room (the block is then not looked into: its holds go unreported). */
static bool leaked_blocks_add(struct leaked_blocks *l, u64 key, u64 size)
{
	if (l->n == l->cap) {
		unsigned int cap = l->cap ? 2 * l->cap : 64;
		void *more = krealloc_array(l->b, cap, sizeof(*l->b), GFP_KERNEL);

		if (!more)
			return false;
		l->b = more;
		l->cap = cap;
	}
	l->b[l->n].key = key;
	l->b[l->n++].size = size;
	return true;
}

/*
 * The driver is gone (unloaded, or its init failed) and its module's memory
 * goes next: its objects of contained types with an active condition, where
 * their memory is known. One in the module's own data (a static timer) is
 * freed with it: reported with its type's active message, the module's data
 * as the block. One in a block the driver leaked (a type with a leak
 * message, still owned): leaked_holds. One elsewhere lies in memory freed
 * where no wrapper saw it (devres at unbind, a helper module), which is not
 * read. Blocks are collected first, then walked: the walk deletes, which
 * must not move objects under store_next. Returns the findings reported.
 */
static unsigned int sweep_contained(struct ddv_dut *dut, const struct store_filter *f)
{
	unsigned long base = 0, size = 0;
	struct leaked_blocks leaked = { 0 };
	unsigned int found = 0, i;
	struct store_obj o;
	u64 cursor = 0;

	if (!READ_ONCE(ddv_contained_live))
		return 0;
	/* The module going last (a family's others went before: their data is gone). */
	for (i = 0; i < dut->nmembers && !size; i++)
		if (dut->members[i].mod)
			ddv_module_data(dut->members[i].mod, &base, &size);
	while (store_next(&ddv_store, &cursor, f, &o)) {
		const struct ddv_pack *pack;
		const struct ddv_type_desc *t = type_desc(o.type, &pack);

		if (!t)
			continue;
		if (t->size_field >= 0 && size_of(t, o.fields) && t->leak_msg) {
			leaked_blocks_add(&leaked, o.key, size_of(t, o.fields));
		} else if ((t->flags & DDV_TYPE_CONTAINED) && t->active && t->active_msg &&
			   o.key - base < size && t->active(o.key, o.fields)) {
			report_active_object(dut, &o, pack, t, t->active_msg, base);
			found++;
		}
	}
	for (i = 0; i < leaked.n; i++)
		found += leaked_holds(dut, leaked.b[i].key, leaked.b[i].size);
	kfree(leaked.b);
	return found;
}

/*
 * store_purge() that keeps ddv_contained_live right: the objects of contained
 * types it deletes count down, else the inline destroy of every block would
 * take the out-of-line walk for good once a driver went with a timer set up.
 */
static u64 obj_purge(const struct store_filter *f)
{
	struct store_obj o;
	u64 cursor = 0, n = 0;

	while (store_next(&ddv_store, &cursor, f, &o)) {
		if (store_delete(&ddv_store, o.type, o.key, NULL) == 0) {
			n++;
			if (store_is_contained(&ddv_store, o.type))
				__atomic_add_fetch(&ddv_contained_live, -1, __ATOMIC_RELAXED);
		}
		/* The deletion may have shifted the next entry into this slot. */
		cursor--;
	}
	return n;
}

/*
 * Every object dut still owns: report (with its type's leak message, its key
 * and fields as arguments, and its allocation site) and/or forget. Returns
 * the number of leaks reported. Runs when the driver is gone or detached, so
 * nothing it owns moves meanwhile.
 */
unsigned int ddv_store_sweep(struct ddv_dut *dut, bool report, bool forget)
{
	struct store_filter f = {
		.type_lo = STORE_TYPE_FIRST_PACK,
		.owner = dut->id,
	};
	struct store_obj o;
	unsigned int leaks = 0;
	u64 cursor = 0;

	/* Gone: the memory that held its active objects is freed, or leaks. */
	if (report && forget)
		leaks += sweep_contained(dut, &f);
	while (report && store_next(&ddv_store, &cursor, &f, &o)) {
		enum ddv_leak_report r = ddv_report_leak(dut, &o);

		if (r == DDV_NOT_A_LEAK)
			continue;
		if (r == DDV_LEAK_REPORTED)
			atomic64_inc(&dut->violations);
		leaks++;
	}
	if (forget) {
		obj_purge(&f);
		attached_forget(dut);
	}
	return leaks;
}

/* Whether ip lies in the text of a module of dut (its driver or a family member). */
static bool in_dut_text(const struct ddv_dut *dut, unsigned long ip)
{
	for (unsigned int k = 0; k < dut->nmembers; k++)
		if (dut->members[k].mod && within_module(ip, dut->members[k].mod))
			return true;
	return false;
}

/*
 * One CPU's set s of per-CPU type td when dut's init returned (going false:
 * the entries of the init's task) or when dut went (the entries made in its
 * text): each still active (the type's `active`, if any: the lock word still
 * set) is reported with the type's leak message at its site, once.
 * Returns the entries reported.
 */
static unsigned int pcpu_sweep_set(struct ddv_dut *dut, const struct ddv_pack *pack,
				   const struct ddv_type_desc *td, struct ddv_pcpu_set *s,
				   bool going)
{
	u32 i, n = min_t(u32, READ_ONCE(s->n), DDV_PCPU_KEYS);
	unsigned int found = 0;

	for (i = 1; i <= n; i++) {
		u64 key = READ_ONCE(s->key[i]), none[DDV_MAX_FIELDS] = { 0 };
		unsigned long ip = READ_ONCE(s->ret_ip[i]);
		u8 byte;
		u32 site;

		if (!key || !in_dut_text(dut, ip) ||
		    (!going && READ_ONCE(s->task[i]) != (u64)(unsigned long)current))
			continue;
		/* Still in use (a lock word still set), read only where memory is mapped. */
		if (td->active && (copy_from_kernel_nofault(&byte, (void *)(unsigned long)key, 1) ||
				   !td->active(key, none)))
			continue;
		found++;
		atomic64_inc(&dut->violations);
		site = site_of_ret(dut, ip);
		if (td->leak_msg)
			ddv_log_at(pack->pack_id, td->leak_msg, 1, &key, dut->id, site,
				   site_func(dut, site), ip, false);
		/*
		 * Reported once: a hole (key 0, never a lock) that the set keeps
		 * until the driver goes; a racing destroy of the key by the set's
		 * CPU leaves the exchange undone.
		 */
		if (!going)
			cmpxchg64(&s->key[i], key, 0);
	}
	return found;
}

/*
 * The per-CPU sets (DDV_TYPE_PERCPU: a spinlock the current context holds)
 * when dut's init returned or when it went (pcpu_sweep_set). When it went and
 * no other driver is under test (no wrapper can run), the sets are emptied;
 * else the other driver's entries stay, and so do this one's (a set is only
 * changed by its own CPU). Called under ddv_mutex. Returns the entries
 * reported.
 */
unsigned int ddv_pcpu_sweep(struct ddv_dut *dut, bool going)
{
	bool alone = true;
	unsigned int found = 0, p, t, d, cpu;

	for (d = 0; d < dut->nmembers && !dut->members[d].mod; d++)
		;
	if (d == dut->nmembers)
		return 0;	/* no module of it is there: none of its text can hold a lock */
	for (d = 1; d < DDV_MAX_DUTS; d++)
		if (&ddv_duts[d] != dut && (ddv_duts[d].state == DDV_DUT_COMING ||
					   ddv_duts[d].state == DDV_DUT_LIVE))
			alone = false;
	for (p = 1; p < DDV_MAX_PACKS; p++) {
		struct ddv_pack *pack = ddv_packs[p];

		for (t = 0; pack && t < pack->ntypes; t++) {
			const struct ddv_type_desc *td = &pack->types[t];

			if (!(td->flags & DDV_TYPE_PERCPU) || !td->pcpu)
				continue;
			for_each_possible_cpu(cpu) {
				struct ddv_pcpu_set *s = per_cpu_ptr(td->pcpu, cpu);

				found += pcpu_sweep_set(dut, pack, td, s, going);
				if (going && alone)
					memset(s, 0, sizeof(*s));
			}
		}
	}
	return found;
}

/* The member of dut whose site made an object (0, the driver, when not known). */
static unsigned int obj_member(const struct ddv_dut *dut, u64 site)
{
	u32 where = (u32)site;
	unsigned int k;

	if (dut->nmembers == 1 || where == DDV_NO_SITE)
		return 0;
	if (!(where & DDV_SITE_IP))
		return where < dut->nsites ? dut->sites[where].member : 0;
	for (k = 0; k < dut->nmembers; k++)
		if (member_site_of_ret(&dut->members[k], (unsigned long)(long)(s32)where) !=
		    DDV_NO_SITE)
			return k;
	return 0;
}

/*
 * Member k of a family went while others stay: the objects made at its
 * sites and still owned leak (reported and forgotten). Contained objects and
 * those of types whose leak depends on their state wait for the family's
 * sweep, which knows where their memory is. Objects the others make or free
 * meanwhile may be seen or missed (store_next): the rest is judged at the end.
 */
unsigned int ddv_store_sweep_member(struct ddv_dut *dut, unsigned int k)
{
	struct store_filter f = {
		.type_lo = STORE_TYPE_FIRST_PACK,
		.owner = dut->id,
	};
	struct store_obj o;
	unsigned int leaks = 0;
	u64 cursor = 0;

	while (store_next(&ddv_store, &cursor, &f, &o)) {
		enum ddv_leak_report r;

		if (obj_member(dut, o.site) != k || store_is_contained(&ddv_store, o.type))
			continue;
		r = ddv_report_leak(dut, &o);
		if (r == DDV_NOT_A_LEAK)
			continue;
		if (r == DDV_LEAK_REPORTED)
			atomic64_inc(&dut->violations);
		leaks++;
		store_delete(&ddv_store, o.type, o.key, NULL);
		/* The deletion may have shifted the next entry into this slot. */
		cursor--;
	}
	return leaks;
}

/* A pack is going: its objects' types are about to mean nothing. */
void ddv_store_forget_types(u16 first, u16 count)
{
	struct store_filter f = {
		.type_lo = first,
		.type_hi = first + count,
		.any_owner = true,
	};

	if (count) {
		obj_purge(&f);
		/* Records name types by id: all go, which only loses precision. */
		f.type_lo = OBJ_TYPE_FREED;
		f.type_hi = OBJ_TYPE_FREED + 1;
		atomic_sub(store_purge(&ddv_store, &f), &freed_live);
	}
}
