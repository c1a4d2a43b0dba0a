// SPDX-License-Identifier: GPL-2.0
/* config.c: per-function settings in the store, behind one Bloom filter per property. */
#include "config.h"

void config_init(struct config *c, struct store *store)
{
	memset(c, 0, sizeof(*c));
	c->store = store;
}

int config_set(struct config *c, enum config_prop prop, u32 id, u64 value)
{
	u64 key = config_key(prop, id);
	u64 fields[DDV_MAX_FIELDS] = { value };
	int ret;

	if ((unsigned int)prop >= CONFIG_NPROPS)
		return -EINVAL;
	ret = store_insert(c->store, STORE_TYPE_CONFIG, key, 0, 0, 0, fields, NULL);
	if (ret == 0)
		ENV_ADD(c->nset[prop], 1);
	else if (ret == -EEXIST)
		ret = store_set_field(c->store, STORE_TYPE_CONFIG, key, 0, value, NULL);
	if (ret)
		return ret;
	/* After the value: a reader that sees the bit finds the value. */
	bloom_add(&c->bloom[prop], id);
	return 0;
}

int config_unset(struct config *c, enum config_prop prop, u32 id)
{
	int ret;

	if ((unsigned int)prop >= CONFIG_NPROPS)
		return -EINVAL;
	ret = store_delete(c->store, STORE_TYPE_CONFIG, config_key(prop, id), NULL);
	if (ret == 0)
		ENV_ADD(c->nset[prop], -1);
	return ret;
}

u64 config_reset(struct config *c, enum config_prop prop)
{
	struct store_filter all = {
		.type_lo = STORE_TYPE_CONFIG,
		.type_hi = STORE_TYPE_CONFIG + 1,
		.any_owner = true,
	};
	struct store_obj o;
	u64 cursor = 0, n = 0;

	if ((unsigned int)prop >= CONFIG_NPROPS)
		return 0;
	while (store_next(c->store, &cursor, &all, &o)) {
		if (o.key >> 32 != prop)
			continue;
		if (store_delete(c->store, STORE_TYPE_CONFIG, o.key, NULL) == 0) {
			ENV_ADD(c->nset[prop], -1);
			n++;
		}
		cursor--;	/* the deletion may have shifted the next entry here */
	}
	bloom_clear(&c->bloom[prop]);
	return n;
}

int config_adjust(struct config *c, enum config_prop prop, u32 id, s64 delta,
		  s64 min, s64 max, s64 *result)
{
	if ((unsigned int)prop >= CONFIG_NPROPS)
		return -EINVAL;
	if (!bloom_maybe(&c->bloom[prop], id))
		return -ENOENT;
	return store_adjust(c->store, STORE_TYPE_CONFIG, config_key(prop, id), 0,
			    delta, min, max, result);
}
