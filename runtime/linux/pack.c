// SPDX-License-Identifier: GPL-2.0
/*
 * pack.c: the registry of rule packs: ids, type and function bases, lookups,
 * and the ops that read it (DDV_OP_LIST_PACKS, DDV_OP_LIST_FUNCS,
 * DDV_OP_PACK_CATALOG).
 */
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "ddv_internal.h"
#include "scopes.h"

struct ddv_pack *ddv_packs[DDV_MAX_PACKS];
struct ddv_func_rt ddv_funcs[DDV_MAX_FUNCS];
u8 ddv_func_mode[DDV_MAX_FUNCS];
/* Owner pack of each global type id; ids below STORE_TYPE_FIRST_PACK are the store's own. */
static struct ddv_pack *ddv_types[DDV_MAX_TYPES];

/* First index of count free slots in a table of pointers, or -1. */
static int free_range(void *const *slots, size_t stride, int first, int limit, int count)
{
	int start, i;

	for (start = first; start + count <= limit; start++) {
		for (i = 0; i < count; i++)
			if (*(void *const *)((const char *)slots + (start + i) * stride))
				break;
		if (i == count)
			return start;
		start += i;
	}
	return -1;
}

/* What is wrong with a pack's tables, or NULL. */
static const char *pack_invalid(const struct ddv_pack *pack)
{
	unsigned int i;

	if (pack->abi_version != DDV_ABI_VERSION)
		return "ABI version differs from the runtime's";
	if (!pack->name)
		return "no name";
	if ((pack->ntypes && !pack->types) || (pack->nfuncs && !pack->funcs) ||
	    (pack->nmsgs && !pack->msgs) || (pack->nscopes && !pack->scopes))
		return "a table is missing";
	/* No catalog at all is fine (a hand-written pack): DDV_OP_PACK_CATALOG says -ENOENT. */
	if (pack->catalog_len && !pack->catalog)
		return "a catalog length without its text";
	for (i = 0; i < pack->nfuncs; i++) {
		const struct ddv_func_desc *f = &pack->funcs[i];

		/* A function absent from this kernel has neither wrapper nor original. */
		if (!f->symbol || (f->original && !f->wrapper))
			return "a function without symbol or wrapper";
		if (f->nfail && !f->fail_values)
			return "a function with failure count but no values";
		if ((f->call_msg && f->call_msg >= pack->nmsgs) ||
		    (f->ret_msg && f->ret_msg >= pack->nmsgs))
			return "a trace message out of range";
	}
	for (i = 0; i < pack->ntypes; i++) {
		if (pack->types[i].leak_msg >= pack->nmsgs && pack->types[i].leak_msg)
			return "a leak message out of range";
		if (pack->types[i].size_field >= DDV_MAX_FIELDS)
			return "a size field out of range";
		if (pack->types[i].active_msg >= pack->nmsgs)
			return "an active message out of range";
	}
	if (pack->nimports && !pack->imports)
		return "an import count without its table";
	for (i = 0; i < pack->nimports; i++)
		if (!pack->imports[i].pack || !pack->imports[i].type)
			return "an import without its pack or type";
	return ddv_scopes_invalid(pack);
}

/*
 * The global id of pack p's type whose catalog line is "type N " + line, or
 * -ENOENT: the catalog is the one home of the other pack's type names (its
 * descriptors hold none), one record a line.
 */
static int catalog_type(const struct ddv_pack *p, const char *line)
{
	const char *c = p->catalog, *end = c + (c ? p->catalog_len : 0);
	size_t n = strlen(line);

	while (c < end) {
		const char *eol = memchr(c, '\n', end - c), *q = c + 5;
		unsigned int idx = 0;

		if (!eol)
			break;
		if (eol - c > 5 && !memcmp(c, "type ", 5)) {
			while (q < eol && isdigit(*q) && idx < DDV_MAX_TYPES)
				idx = idx * 10 + (*q++ - '0');
			if (q > c + 5 && q < eol && *q == ' ' && eol - q - 1 == n &&
			    !memcmp(q + 1, line, n) && idx < p->ntypes)
				return p->type_base + idx;
		}
		c = eol + 1;
	}
	return -ENOENT;
}

/* Puts back the references on the imports' packs [0, n). */
static void imports_put(struct ddv_pack *pack, unsigned int n)
{
	while (n--) {
		module_put(pack->imports[n].from->owner);
		pack->imports[n].from = NULL;
	}
}

/* Finds pack's imports among the packs registered and holds them. Under ddv_mutex. */
static int imports_resolve(struct ddv_pack *pack)
{
	unsigned int i;
	int id, gt;

	for (i = 0; i < pack->nimports; i++) {
		struct ddv_import *imp = &pack->imports[i];
		struct ddv_pack *from = NULL;

		for (id = 1; id < DDV_MAX_PACKS && !from; id++)
			if (ddv_packs[id] && !strcmp(ddv_packs[id]->name, imp->pack))
				from = ddv_packs[id];
		gt = from ? catalog_type(from, imp->type) : -ENOENT;
		if (!from || gt < 0 || !try_module_get(from->owner)) {
			pr_err("ddv: pack %s refused: it imports type '%s' of pack %s, %s\n",
			       pack->name, imp->type, imp->pack,
			       !from ? "which is not registered (load it first)" :
			       gt < 0 ? "which has no such type (rebuild against its specs)" :
			       "which is going");
			imports_put(pack, i);
			return -ENOENT;
		}
		imp->from = from;
		imp->gtype = gt;
		imp->desc = &from->types[gt - from->type_base];
	}
	return 0;
}

int __ddv_register_pack(struct ddv_pack *pack, struct module *owner)
{
	const char *why = pack_invalid(pack);
	int id, fbase, tbase, i, ret = 0;

	if (why) {
		pr_err("ddv: pack %s (ABI %u, runtime's %u) refused: %s\n",
		       pack->name ? pack->name : "?", pack->abi_version, DDV_ABI_VERSION, why);
		return -EINVAL;
	}
	mutex_lock(&ddv_mutex);
	for (id = 1; id < DDV_MAX_PACKS; id++) {
		if (ddv_packs[id] && !strcmp(ddv_packs[id]->name, pack->name)) {
			ret = -EEXIST;
			goto out;
		}
	}
	ret = imports_resolve(pack);
	if (ret)
		goto out;
	for (id = 1; id < DDV_MAX_PACKS && ddv_packs[id]; id++)
		;
	fbase = free_range((void *const *)&ddv_funcs[0].pack, sizeof(ddv_funcs[0]), 0,
			   DDV_MAX_FUNCS, pack->nfuncs);
	/* A global type id fits 16 bits: the wrappers tell the compiler so (DDV_GTYPE_FITS). */
	BUILD_BUG_ON(DDV_MAX_TYPES > 0x10000);
	tbase = free_range((void *const *)ddv_types, sizeof(ddv_types[0]),
			   STORE_TYPE_FIRST_PACK, DDV_MAX_TYPES, pack->ntypes);
	if (id == DDV_MAX_PACKS || fbase < 0 || tbase < 0) {
		imports_put(pack, pack->nimports);
		ret = -ENOSPC;
		goto out;
	}
	pack->pack_id = id;
	pack->func_base = fbase;
	pack->type_base = tbase;
	pack->meta_claim = DDV_CLAIM_ADD(tbase);
	pack->meta_publish = DDV_PUBLISH_ADD(tbase, 0, 0);
	pack->owner = owner;
	/* The scope roles first: a boundary's mode says so (the full entry). */
	ddv_scopes_register(pack);
	for (i = 0; i < pack->nfuncs; i++) {
		ddv_funcs[fbase + i].idx = i;
		ddv_func_mode_update(fbase + i);
		WRITE_ONCE(ddv_funcs[fbase + i].pack, pack);
	}
	for (i = 0; i < pack->ntypes; i++)
		ddv_types[tbase + i] = pack;
	ddv_store_pack_types(pack);
	WRITE_ONCE(ddv_packs[id], pack);
	pr_info("ddv: pack %s %s registered: id %d, %u functions from %d, %u types from %d, %u imported\n",
		pack->name, pack->version ? pack->version : "", id, pack->nfuncs, fbase,
		pack->ntypes, tbase, pack->nimports);
out:
	mutex_unlock(&ddv_mutex);
	if (ret)
		pr_err("ddv: pack %s not registered: %d\n", pack->name, ret);
	return ret;
}
EXPORT_SYMBOL_GPL(__ddv_register_pack);

/*
 * The pack module is going: no driver's site can point at its wrappers (we
 * hold a reference on the pack while one does), so only its objects remain.
 */
void ddv_unregister_pack(struct ddv_pack *pack)
{
	int i;

	mutex_lock(&ddv_mutex);
	if (!pack->pack_id || ddv_packs[pack->pack_id] != pack) {
		mutex_unlock(&ddv_mutex);
		return;
	}
	WRITE_ONCE(ddv_packs[pack->pack_id], NULL);
	ddv_scopes_unregister(pack);
	for (i = 0; i < pack->nfuncs; i++)
		WRITE_ONCE(ddv_funcs[pack->func_base + i].pack, NULL);
	ddv_store_forget_types(pack->type_base, pack->ntypes);
	for (i = 0; i < pack->ntypes; i++)
		ddv_types[pack->type_base + i] = NULL;
	imports_put(pack, pack->nimports);
	pack->pack_id = 0;
	mutex_unlock(&ddv_mutex);
	pr_info("ddv: pack %s unregistered\n", pack->name);
}
EXPORT_SYMBOL_GPL(ddv_unregister_pack);

/* The pack that owns global type gtype, and the type's index in it. */
struct ddv_pack *ddv_type_pack(u16 gtype, u16 *local)
{
	struct ddv_pack *pack;

	if (gtype >= DDV_MAX_TYPES)
		return NULL;
	pack = READ_ONCE(ddv_types[gtype]);
	if (pack)
		*local = gtype - pack->type_base;
	return pack;
}

/* The global id of the function that probes symbol; the kernel must have it. Under ddv_mutex. */
int ddv_find_func(const char *symbol, u32 *gfunc)
{
	int i;

	for (i = 0; i < DDV_MAX_FUNCS; i++) {
		struct ddv_pack *pack = ddv_funcs[i].pack;
		const struct ddv_func_desc *f;

		if (!pack)
			continue;
		f = &pack->funcs[ddv_funcs[i].idx];
		if (f->original && !strcmp(f->symbol, symbol)) {
			*gfunc = i;
			return 0;
		}
	}
	return -ENOENT;
}

/* "id name version\n" per pack; returns the length written (truncated at len). */
static int list_packs(char *buf, size_t len)
{
	size_t n = 0;
	int id;

	for (id = 1; id < DDV_MAX_PACKS; id++) {
		struct ddv_pack *p = ddv_packs[id];

		if (p && n < len)
			n += scnprintf(buf + n, len - n, "%d %s %s\n", id, p->name,
				       p->version ? p->version : "-");
	}
	return n;
}

/* The words LIST_FUNCS uses for enum ddv_fault_class (uapi.h). */
static const char *fault_class_name(unsigned int cls)
{
	static const char *const names[] = {
		[DDV_FAULT_NONE] = "none",
		[DDV_FAULT_GENERIC] = "generic",
		[DDV_FAULT_ALLOC] = "alloc",
		[DDV_FAULT_TRYLOCK] = "trylock",
		[DDV_FAULT_LOCK] = "lock",
	};

	return cls < ARRAY_SIZE(names) && names[cls] ? names[cls] : "unknown";
}

/*
 * "id pack symbol api class nfail\n" per function this kernel has: the fault
 * class and the number of failure values let the ddv command tell the calls
 * the runtime may fail (inject_decide's "fallible") without a probe load. A
 * function absent here (its version range, or an optional symbol of a module
 * not loaded before the pack: scsi_mod's) is not listed, so that the ddv
 * command does not send its call sites, which nothing would redirect.
 */
static int list_funcs(char *buf, size_t len)
{
	size_t n = 0;
	int i;

	for (i = 0; i < DDV_MAX_FUNCS && n < len; i++) {
		struct ddv_pack *p = ddv_funcs[i].pack;
		const struct ddv_func_desc *f;

		if (!p)
			continue;
		f = &p->funcs[ddv_funcs[i].idx];
		if (!f->original)
			continue;
		n += scnprintf(buf + n, len - n, "%d %s %s %s %s %u\n", i, p->name, f->symbol,
			       f->api ? f->api : f->symbol, fault_class_name(f->fault_class),
			       f->nfail);
	}
	return n;
}

/* Copies a text listing of at most len bytes to user memory; out[0] = its length. */
static long list_to_user(int (*lister)(char *, size_t), u64 ubuf, u64 len, struct ddv_cmd *cmd)
{
	size_t n = min_t(u64, len, 1u << 20);
	char *buf;
	int got;

	if (!n)
		return -EINVAL;
	buf = kvzalloc(n, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	got = lister(buf, n);
	if (copy_to_user(u64_to_user_ptr(ubuf), buf, got))
		got = -EFAULT;
	kvfree(buf);
	if (got < 0)
		return got;
	cmd->out[0] = got;
	return 0;
}

/* DDV_OP_LIST_PACKS, under ddv_mutex. */
long ddv_op_list_packs(struct ddv_cmd *cmd)
{
	return list_to_user(list_packs, cmd->arg[0], cmd->arg[1], cmd);
}

/* DDV_OP_LIST_FUNCS, under ddv_mutex. */
long ddv_op_list_funcs(struct ddv_cmd *cmd)
{
	return list_to_user(list_funcs, cmd->arg[0], cmd->arg[1], cmd);
}

/*
 * DDV_OP_PACK_CATALOG, under ddv_mutex (which keeps the pack, and the text in
 * its module, from going): copies the catalog as the pack carries it, never
 * read here; out[0] = its whole length, so a short buffer (or none) asks for it.
 */
long ddv_op_pack_catalog(struct ddv_cmd *cmd)
{
	const struct ddv_pack *p;
	u64 n;

	if (!cmd->arg[0] || cmd->arg[0] >= DDV_MAX_PACKS)
		return -ENOENT;
	p = ddv_packs[cmd->arg[0]];
	if (!p || !p->catalog)
		return -ENOENT;
	n = min_t(u64, cmd->arg[2], p->catalog_len);
	if (n && copy_to_user(u64_to_user_ptr(cmd->arg[1]), p->catalog, n))
		return -EFAULT;
	cmd->out[0] = p->catalog_len;
	return 0;
}
