/* SPDX-License-Identifier: GPL-2.0 */
/*
 * config.h: run-time settings per function (or per message), kept in the
 * object store and guarded by one Bloom filter per property.
 *
 * Contract. config_get() is the hot path: for an id that was never set it is
 * one Bloom load and returns the default; only when the Bloom bit is set does
 * it look the value up in the store (a lock-free store_lookup). Values live in
 * the store as STORE_TYPE_CONFIG entries keyed (property << 32 | id), value in
 * field 0, so they count against the store's capacity (-ENOSPC when full).
 * config_get, config_set, config_unset and config_adjust may run anywhere, at
 * once, in any context. config_reset clears the property's Bloom filter: a
 * config_set of the same property racing it may lose its Bloom bit (the value
 * is then invisible until set again), so the control path serializes resets
 * with its own sets (one mutex).
 */
#ifndef DDV_CORE_CONFIG_H
#define DDV_CORE_CONFIG_H

#include "env.h"
#include "bloom.h"
#include "store.h"

enum config_prop {
	CONFIG_FUNC_OFF,		/* id: function; 1: its wrapper only calls the original */
	CONFIG_TRACE_LEVEL,		/* id: function; enum ddv_trace_level */
	CONFIG_RULE_OFF,		/* id: message (pack << 16 | index); 1: rule disabled */
	CONFIG_FAULT_RATE,		/* id: function; random failure rate (inject_rate_*) */
	CONFIG_FAULT_CONSECUTIVE,	/* id: function; K more failures after a random one */
	CONFIG_FAULT_NTH,		/* id: function; calls left until the one that fails */
	CONFIG_FAULT_STREAK,		/* id: function; forced failures left (the injector's) */
	CONFIG_NPROPS
};

struct config {
	struct store *store;
	struct bloom bloom[CONFIG_NPROPS];
	s32 nset[CONFIG_NPROPS];	/* ids set per property: 0 lets a caller skip a mode */
};

void config_init(struct config *c, struct store *store);

static inline u64 config_key(enum config_prop prop, u32 id)
{
	return (u64)prop << 32 | id;
}

/* The value of prop for id, or dflt when unset. */
static inline u64 config_get(struct config *c, enum config_prop prop, u32 id, u64 dflt)
{
	struct store_obj o;

	if (likely(!bloom_maybe(&c->bloom[prop], id)))
		return dflt;
	if (store_lookup(c->store, STORE_TYPE_CONFIG, config_key(prop, id), &o))
		return dflt;
	return o.fields[0];
}

/* How many ids have a value for prop (0: none; cheap to read anywhere). */
static inline s32 config_count(struct config *c, enum config_prop prop)
{
	return ENV_READ(c->nset[prop]);
}

/* Sets (or replaces) the value. -ENOSPC when the store is full. */
int config_set(struct config *c, enum config_prop prop, u32 id, u64 value);
/* Back to the default. -ENOENT when it was unset. */
int config_unset(struct config *c, enum config_prop prop, u32 id);
/* Every id of prop back to the default; returns how many were set. */
u64 config_reset(struct config *c, enum config_prop prop);
/*
 * Adds delta to a set value within [min, max] atomically (store_adjust).
 * -ENOENT when unset (nothing to adjust; cheap for unset ids).
 */
int config_adjust(struct config *c, enum config_prop prop, u32 id, s64 delta,
		  s64 min, s64 max, s64 *result);

#endif /* DDV_CORE_CONFIG_H */
