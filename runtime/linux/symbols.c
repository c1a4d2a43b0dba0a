// SPDX-License-Identifier: GPL-2.0
/*
 * symbols.c: what ddv.ko reads of other modules: a loaded module by name, its
 * core and init text, its symbols sorted by name (for the call sites) and a
 * function's text by name (for the injection's caller filter).
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/rcupdate.h>
#include <linux/kallsyms.h>
#include <linux/version.h>
#include "ddv_internal.h"

/*
 * A loaded module by name, with a reference held; NULL when none. The module
 * list head is not exported: walk the ring from our own entry and skip the
 * head, the one node that does not live in the module area.
 */
struct module *ddv_find_loaded(const char *name)
{
	struct module *found = NULL;
	struct list_head *pos;

	preempt_disable();
	for (pos = rcu_dereference_sched(THIS_MODULE->list.next); pos != &THIS_MODULE->list;
	     pos = rcu_dereference_sched(pos->next)) {
		struct module *mod;

		if ((unsigned long)pos < MODULES_VADDR || (unsigned long)pos >= MODULES_END)
			continue;
		mod = container_of(pos, struct module, list);
		if (mod->state == MODULE_STATE_UNFORMED || strcmp(mod->name, name))
			continue;
		if (try_module_get(mod))
			found = mod;
		break;
	}
	preempt_enable();
	return found;
}

/*
 * A module's core or init text as [*base, *base + *size). 6.4 replaced the
 * core and init layouts (text first, then rodata, then data) with one region
 * per kind of memory, mod->mem[MOD_TEXT] and mod->mem[MOD_INIT_TEXT].
 */
void ddv_module_text(const struct module *mod, bool init, unsigned long *base,
		     unsigned long *size)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	const struct module_memory *m = &mod->mem[init ? MOD_INIT_TEXT : MOD_TEXT];

	*base = (unsigned long)m->base;
	*size = m->base ? m->size : 0;
#else
	const struct module_layout *l = init ? &mod->init_layout : &mod->core_layout;

	*base = (unsigned long)l->base;
	*size = l->base ? l->text_size : 0;
#endif
}

/*
 * A module's writable core data (.data, .bss: where its static timers live) as
 * [*base, *base + *size). On 6.1 it ends the core layout, after the text, the
 * rodata and the data that turns read-only after init.
 */
void ddv_module_data(const struct module *mod, unsigned long *base, unsigned long *size)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	const struct module_memory *m = &mod->mem[MOD_DATA];

	*base = (unsigned long)m->base;
	*size = m->base ? m->size : 0;
#else
	const struct module_layout *l = &mod->core_layout;

	*base = (unsigned long)l->base + l->ro_after_init_size;
	*size = l->base ? l->size - l->ro_after_init_size : 0;
#endif
}

/*
 * A module's allocations, core or init, into base[] and size[] (DDV_MOD_AREAS
 * each): their number. Since 6.4 each module_memory area apart, its writable
 * data first (where a DEFINE_MUTEX lies, for ddv_in_driver's first compare);
 * on 6.1 its core or init layout, one allocation.
 */
unsigned int ddv_module_areas(const struct module *mod, bool init, unsigned long *base,
			      unsigned long *size)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	static const enum mod_mem_type core[DDV_MOD_AREAS] = {
		MOD_DATA, MOD_RO_AFTER_INIT, MOD_RODATA, MOD_TEXT,
	};
	static const enum mod_mem_type init_types[DDV_MOD_AREAS] = {
		MOD_INIT_DATA, MOD_INIT_RODATA, MOD_INIT_TEXT, MOD_INVALID,
	};
	const enum mod_mem_type *t = init ? init_types : core;
	unsigned int i, n = 0;

	for (i = 0; i < DDV_MOD_AREAS && t[i] != MOD_INVALID; i++) {
		const struct module_memory *m = &mod->mem[t[i]];

		if (!m->base || !m->size)
			continue;
		base[n] = (unsigned long)m->base;
		size[n++] = m->size;
	}
	return n;
#else
	const struct module_layout *l = init ? &mod->init_layout : &mod->core_layout;

	if (!l->base || !l->size)
		return 0;
	base[0] = (unsigned long)l->base;
	size[0] = l->size;
	return 1;
#endif
}

bool ddv_in_text(const struct module *mod, bool init, unsigned long a, unsigned int len)
{
	unsigned long base, size;

	ddv_module_text(mod, init, &base, &size);
	return size && a >= base && a + len <= base + size;
}

static int cmp_sym(const void *a, const void *b, const void *priv)
{
	const struct ddv_sym_index *x = priv;

	return strcmp(x->strtab + x->syms[*(const u32 *)a].st_name,
		      x->strtab + x->syms[*(const u32 *)b].st_name);
}

/* See struct ddv_sym_index; ddv_sym_index_free() frees it. */
int ddv_sym_index_build(struct ddv_sym_index *x, struct module *mod)
{
	struct mod_kallsyms *ks;
	u32 i, n = 0;

	preempt_disable();
	ks = rcu_dereference_sched(mod->kallsyms);
	x->syms = ks->symtab;
	x->strtab = ks->strtab;
	x->n = ks->num_symtab;
	preempt_enable();
	x->order = kvmalloc_array(x->n + 1, sizeof(u32), GFP_KERNEL);
	if (!x->order)
		return -ENOMEM;
	for (i = 0; i < x->n; i++)
		if (x->syms[i].st_shndx != SHN_UNDEF && x->syms[i].st_name)
			x->order[n++] = i;
	x->n = n;
	sort_r(x->order, n, sizeof(u32), cmp_sym, NULL, x);
	return 0;
}

void ddv_sym_index_free(struct ddv_sym_index *x)
{
	kvfree(x->order);
	x->order = NULL;
}

/* The first position of name in the index (x->n when absent). */
u32 ddv_sym_first(const struct ddv_sym_index *x, const char *name)
{
	u32 lo = 0, hi = x->n;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (strcmp(ddv_sym_name(x, mid), name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < x->n && !strcmp(ddv_sym_name(x, lo), name))
		return lo;
	return x->n;
}

/*
 * The text of the function func in mod as [*lo, *hi); *init: in the init
 * text. false: mod has no such function.
 */
bool ddv_mod_func_range(struct module *mod, const char *func, u64 *lo, u64 *hi, bool *init)
{
	struct mod_kallsyms *ks;
	bool found = false;
	unsigned int i;

	preempt_disable();
	ks = rcu_dereference_sched(mod->kallsyms);
	for (i = 0; i < ks->num_symtab && !found; i++) {
		const Elf_Sym *sym = &ks->symtab[i];
		unsigned long a = kallsyms_symbol_value(sym);

		/* A static name may repeat: the first function of the name, as kallsyms. */
		if (sym->st_shndx == SHN_UNDEF || !sym->st_size ||
		    strcmp(ks->strtab + sym->st_name, func))
			continue;
		if (ddv_in_text(mod, false, a, sym->st_size))
			*init = false;
		else if (ddv_in_text(mod, true, a, sym->st_size))
			*init = true;
		else
			continue;	/* data of that name */
		*lo = a;
		*hi = a + sym->st_size;
		found = true;
	}
	preempt_enable();
	return found;
}
