// SPDX-License-Identifier: GPL-2.0
/* objects.c: the object store in ddv.ko: the ddv_obj_* ABI, leak sweeps, counters. */
#include <linux/kernel.h>
#include <linux/module.h>
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
MODULE_PARM_DESC(store_capacity, "objects the store can hold, a power of two >= 64 (64 bytes each)");

struct store ddv_store;
/* The store's slots, for the wrappers' inline create and destroy (abi.h). */
struct ddv_slot *ddv_slots;
EXPORT_SYMBOL_GPL(ddv_slots);
u32 ddv_slots_mask;
EXPORT_SYMBOL_GPL(ddv_slots_mask);
struct config ddv_config;
static void *store_mem;

int ddv_store_init(void)
{
	size_t bytes;
	int ret;

	if (store_capacity < 64 || !is_power_of_2(store_capacity)) {
		pr_err("ddv: store_capacity=%u: must be a power of two, at least 64\n",
		       store_capacity);
		return -EINVAL;
	}
	/* An object's site holds a return address as an offset in the module area. */
	BUILD_BUG_ON(MODULES_END - MODULES_VADDR >= DDV_SITE_IP - 1);
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
	ddv_slots = ddv_store.slots;
	ddv_slots_mask = ddv_store.cap_mask;
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

static inline bool type_ok(const struct ddv_call *call, u16 type)
{
	return type < call->pack->ntypes;
}

/* The site id of an object of dut (DDV_NO_SITE when unknown). */
u32 ddv_obj_site_id(const struct ddv_dut *dut, u64 site)
{
	u32 where = (u32)site;

	if (where != DDV_NO_SITE && (where & DDV_SITE_IP))
		return site_of_ret(dut, MODULES_VADDR + (where & ~DDV_SITE_IP));
	return where;
}

static inline u16 gtype(const struct ddv_call *call, u16 type)
{
	return call->pack->type_base + type;
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

static inline bool type_never_used(u16 gt)
{
	return !READ_ONCE(ddv_type_used[gt]);
}

static inline void type_mark_used(u16 gt, const struct ddv_type_desc *t)
{
	if (unlikely(!READ_ONCE(ddv_type_used[gt]))) {
		/* A contained type's objects are indexed: never created inline. */
		WRITE_ONCE(ddv_type_used[gt], t->flags & DDV_TYPE_CONTAINED ? DDV_TYPE_USED :
			   DDV_TYPE_USED_INLINE);
		/* Whoever can find the object sees the mark. */
		smp_wmb();
	}
}

static void to_obj(const struct ddv_call *call, const struct store_obj *o, struct ddv_obj *out)
{
	out->key = o->key;
	memcpy(out->fields, o->fields, sizeof(out->fields));
	out->site = o->site;
	out->type = o->type - call->pack->type_base;
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
 * Every create but the usual one (abi.h ddv_obj_create, inline in the
 * wrappers): an out-of-range type, a caller that wants the live object on
 * -EEXIST, a type's first object, a contained type, a pack with scopes, an
 * occupied home slot.
 */
static int obj_create_slow(struct ddv_call *call, u16 type, u64 key, u8 state,
				    const u64 *fields, struct ddv_obj *old)
{
	const struct ddv_type_desc *t;
	struct store_obj o;
	int ret;

	if (unlikely(!type_ok(call, type)))
		return -EINVAL;
	t = &call->pack->types[type];
	type_mark_used(gtype(call, type), t);
	ret = store_insert(&ddv_store, gtype(call, type), key, call->dut, state, ddv_obj_site(call),
			   fields, old ? &o : NULL);
	if (!ret) {
		obj_counted(t, size_of(t, fields), 1);
		if (ddv_scope_counting(call->dut))
			ddv_scope_count(call, type, 1);
	} else if (ret == -EEXIST && old) {
		to_obj(call, &o, old);
	} else if (ret == -ENOSPC) {
		store_full(call, gtype(call, type), key);
	}
	return ret;
}

int __ddv_obj_create(struct ddv_call *call, u16 type, u64 key, u8 state,
		     const u64 *fields, struct ddv_obj *old)
{
	return obj_create_slow(call, type, key, state, fields, old);
}
EXPORT_SYMBOL_GPL(__ddv_obj_create);

/*
 * A driver attached live has no history: an object it made before the attach
 * is unknown, so a rule that fires in a call that missed one is not trusted
 * (ddv_violation counts it apart). Returns ret.
 */
static inline int note_missing(struct ddv_call *call, int ret)
{
	if (unlikely(ret == -ENOENT) && call->attached)
		call->missed = 1;
	return ret;
}

/* Every destroy but the usual one (abi.h ddv_obj_destroy, inline in the wrappers). */
static int obj_destroy_slow(struct ddv_call *call, u16 type, u64 key,
				     struct ddv_obj *old)
{
	const struct ddv_type_desc *t;
	struct store_obj o;
	int ret;

	if (unlikely(!type_ok(call, type)))
		return -EINVAL;
	if (type_never_used(gtype(call, type)))
		return note_missing(call, -ENOENT);
	t = &call->pack->types[type];
	ret = store_delete(&ddv_store, gtype(call, type), key, &o);
	if (!ret) {
		obj_counted(t, size_of(t, o.fields), -1);
		if (ddv_scope_counting(call->dut) && o.owner == call->dut)
			ddv_scope_count(call, type, -1);
		if (old)
			to_obj(call, &o, old);
	}
	return note_missing(call, ret);
}

int __ddv_obj_destroy(struct ddv_call *call, u16 type, u64 key, struct ddv_obj *old)
{
	return obj_destroy_slow(call, type, key, old);
}
EXPORT_SYMBOL_GPL(__ddv_obj_destroy);

/* abi.h's ddv_obj_lookup() comes here once the type has had objects. */
int __ddv_obj_lookup(struct ddv_call *call, u16 type, u64 key, struct ddv_obj *out)
{
	struct store_obj o;
	int ret;

	if (!type_ok(call, type))
		return -EINVAL;
	if (type_never_used(gtype(call, type)))
		return note_missing(call, -ENOENT);
	/* Asked only whether it is live: copy nothing. */
	if (!out)
		return note_missing(call, store_lookup(&ddv_store, gtype(call, type), key, NULL));
	ret = store_lookup(&ddv_store, gtype(call, type), key, &o);
	if (!ret)
		to_obj(call, &o, out);
	return note_missing(call, ret);
}
EXPORT_SYMBOL_GPL(__ddv_obj_lookup);

int ddv_obj_set_state(struct ddv_call *call, u16 type, u64 key, u8 state)
{
	if (!type_ok(call, type))
		return -EINVAL;
	return store_set_state(&ddv_store, gtype(call, type), key, state);
}
EXPORT_SYMBOL_GPL(ddv_obj_set_state);

int ddv_obj_set_field(struct ddv_call *call, u16 type, u64 key, unsigned int field, u64 value)
{
	if (!type_ok(call, type))
		return -EINVAL;
	return store_set_field(&ddv_store, gtype(call, type), key, field, value, NULL);
}
EXPORT_SYMBOL_GPL(ddv_obj_set_field);

int ddv_obj_adjust(struct ddv_call *call, u16 type, u64 key, unsigned int field,
		   s64 delta, s64 min, s64 max, s64 *result)
{
	if (!type_ok(call, type))
		return -EINVAL;
	return store_adjust(&ddv_store, gtype(call, type), key, field, delta, min, max, result);
}
EXPORT_SYMBOL_GPL(ddv_obj_adjust);

int ddv_obj_disown(struct ddv_call *call, u16 type, u64 key)
{
	int ret;

	if (!type_ok(call, type))
		return -EINVAL;
	ret = store_disown(&ddv_store, gtype(call, type), key);
	if (!ret && ddv_scope_counting(call->dut))
		ddv_scope_count(call, type, -1);
	return ret;
}
EXPORT_SYMBOL_GPL(ddv_obj_disown);

int ddv_obj_find_inside(struct ddv_call *call, u16 type, u64 lo, u64 hi, struct ddv_obj *out)
{
	struct store_obj o;
	int ret;

	if (!type_ok(call, type))
		return -EINVAL;
	ret = store_find_inside(&ddv_store, gtype(call, type), lo, hi, &o);
	if (!ret && out)
		to_obj(call, &o, out);
	return ret;
}
EXPORT_SYMBOL_GPL(ddv_obj_find_inside);

bool __ddv_obj_any_inside(struct ddv_call *call, u16 type)
{
	return type_ok(call, type) && store_any_inside(&ddv_store, gtype(call, type));
}
EXPORT_SYMBOL_GPL(__ddv_obj_any_inside);

/* Marks a pack's contained types in the store; called at registration. */
void ddv_store_pack_types(struct ddv_pack *pack)
{
	unsigned int i;

	for (i = 0; i < pack->ntypes; i++) {
		u16 gt = pack->type_base + i;

		if (!(pack->types[i].flags & DDV_TYPE_CONTAINED))
			continue;
		store_set_contained(&ddv_store, gt);
		/* An id an earlier pack's plain type used: no longer inline. */
		if (READ_ONCE(ddv_type_used[gt]))
			WRITE_ONCE(ddv_type_used[gt], DDV_TYPE_USED);
	}
}

void ddv_report_object(struct ddv_dut *dut, const struct store_obj *o,
		       const struct ddv_pack *pack, u16 msg, unsigned int nfields)
{
	u64 args[DDV_MAX_ARGS];
	unsigned int i;

	args[0] = o->key;
	for (i = 0; i < nfields && i + 1 < DDV_MAX_ARGS; i++)
		args[i + 1] = o->fields[i];
	ddv_log_at(pack->pack_id, msg, min_t(unsigned int, pack->msgs[msg].nargs, i + 1), args,
		   dut->id, ddv_obj_site_id(dut, o->site), SITE_FUNC(o->site), 0, false);
}

/* An object left over, at unload or at the end of the user's scope. */
enum ddv_leak_report ddv_report_leak(struct ddv_dut *dut, const struct store_obj *o)
{
	const struct ddv_type_desc *t;
	struct ddv_pack *pack;
	u16 local;

	pack = ddv_type_pack(o->type, &local);
	if (!pack) {
		ddv_log_at(0, DDV_RT_LEAK_UNKNOWN_TYPE, 3, (u64[]){ dut->id, o->type, o->key },
			   dut->id, ddv_obj_site_id(dut, o->site), SITE_FUNC(o->site), 0, false);
		return DDV_LEAK_TYPE_UNKNOWN;
	}
	t = &pack->types[local];
	if (!t->leak_msg)
		return DDV_NOT_A_LEAK;
	ddv_report_object(dut, o, pack, t->leak_msg, t->nfields);
	return DDV_LEAK_REPORTED;
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

	while (report && store_next(&ddv_store, &cursor, &f, &o)) {
		enum ddv_leak_report r = ddv_report_leak(dut, &o);

		if (r == DDV_NOT_A_LEAK)
			continue;
		if (r == DDV_LEAK_REPORTED)
			atomic64_inc(&dut->violations);
		leaks++;
	}
	if (forget)
		store_purge(&ddv_store, &f);
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

	if (count)
		store_purge(&ddv_store, &f);
}
