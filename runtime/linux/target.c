// SPDX-License-Identifier: GPL-2.0
/*
 * target.c: drivers under test: arming, call-site redirection when the module
 * arrives (COMING) or live (attach), restoring on detach, and the module
 * notifier that runs the leak check when the driver goes.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleloader.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/stop_machine.h>
#include <linux/uaccess.h>
#include <linux/delay.h>
#include <linux/rcupdate.h>
#include <linux/rcupdate_wait.h>
#include <linux/jiffies.h>
#include <linux/kallsyms.h>
#include <linux/version.h>
#include <asm/sync_core.h>
#include "ddv_internal.h"
#include "scopes.h"

static unsigned int hang_seconds = 20;
module_param(hang_seconds, uint, 0644);
MODULE_PARM_DESC(hang_seconds, "report a driver whose init has not returned after this many seconds (0: never)");

struct ddv_dut ddv_duts[DDV_MAX_DUTS];
/*
 * The text each driver's return addresses lie in, apart from the big
 * ddv_dut structures: the hot path scans a few cache lines, not eight.
 */
struct ddv_text_range ddv_ranges[DDV_MAX_DUTS] ____cacheline_aligned;

/*
 * Tail-call stubs (stubs.S): a jmp or jcc site that tail-calls an API is sent
 * to a stub that calls the wrapper and returns, so the wrapper's return
 * address (inside the stub) names the site exactly. Call sites need no stub:
 * their return address is the byte after the call.
 */
#define DDV_STUB_CALL_LEN 5
struct ddv_stub_owner *ddv_stub_owner;
static unsigned int nstubs;

/* Called only by a stub that was never pointed at a wrapper: cannot happen. */
void ddv_stub_unset(void)
{
	WARN_ONCE(1, "ddv: unassigned tail-call stub called");
}

/* One 4-byte write into read-only text, through a temporary writable alias. */
struct ddv_poke {
	void *where;		/* the rel32 field */
	void *alias;		/* where, seen through the writable mapping */
	void *map;		/* the mapping to vunmap */
	s32 value;
};

static int poke_map(struct ddv_poke *p)
{
	unsigned long addr = (unsigned long)p->where;
	unsigned long first = addr & PAGE_MASK;
	unsigned long last = (addr + sizeof(s32) - 1) & PAGE_MASK;
	struct page *pages[2];
	unsigned int n = first == last ? 1 : 2;

	pages[0] = vmalloc_to_page((void *)first);
	pages[1] = n == 2 ? vmalloc_to_page((void *)last) : NULL;
	if (!pages[0] || (n == 2 && !pages[1]))
		return -EFAULT;
	p->map = vmap(pages, n, VM_MAP, PAGE_KERNEL);
	if (!p->map)
		return -ENOMEM;
	p->alias = p->map + (addr - first);
	return 0;
}

struct poke_batch {
	struct ddv_poke *pokes;
	unsigned int n;
	atomic_t arrived;
	atomic_t written;
};

static void poke_write(struct poke_batch *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++)
		memcpy(b->pokes[i].alias, &b->pokes[i].value, sizeof(s32));
}

/* Runs on every CPU with interrupts off: one writes, all serialize after. */
static int poke_stopped(void *data)
{
	struct poke_batch *b = data;

	if (atomic_inc_return(&b->arrived) == 1) {
		poke_write(b);
		atomic_set(&b->written, 1);
	} else {
		while (!atomic_read(&b->written))
			cpu_relax();
	}
	sync_core();
	return 0;
}

static void do_sync_core(void *unused)
{
	sync_core();
}

/*
 * Writes every poke. live: the text may be running on other CPUs (attach,
 * detach), so the write happens inside stop_machine; otherwise (a module that
 * has not run yet) directly.
 */
static int poke_text(struct ddv_poke *pokes, unsigned int n, bool live)
{
	struct poke_batch b = { .pokes = pokes, .n = n };
	unsigned int i, mapped;
	int ret = 0;

	for (mapped = 0; mapped < n; mapped++) {
		ret = poke_map(&pokes[mapped]);
		if (ret)
			break;
	}
	if (!ret) {
		atomic_set(&b.arrived, 0);
		atomic_set(&b.written, 0);
		if (live)
			ret = stop_machine(poke_stopped, &b, cpu_online_mask);
		else
			poke_write(&b);
	}
	for (i = 0; i < mapped; i++)
		vunmap(pokes[i].map);
	vm_unmap_aliases();
	on_each_cpu(do_sync_core, NULL, 1);
	return ret;
}

int ddv_stubs_init(void)
{
	size_t bytes = ddv_stub_pool_end - ddv_stub_pool_start;

	nstubs = bytes / DDV_STUB_SIZE;
	if (bytes % DDV_STUB_SIZE || !nstubs)
		return -EINVAL;
	ddv_stub_owner = kcalloc(nstubs, sizeof(*ddv_stub_owner), GFP_KERNEL);
	return ddv_stub_owner ? 0 : -ENOMEM;
}

/* Reserves a stub for (dut, site); -1 when the pool is exhausted. Under ddv_mutex. */
static int stub_alloc(u16 dut, u32 site)
{
	unsigned int i;

	for (i = 0; i < nstubs; i++) {
		if (!ddv_stub_owner[i].dut) {
			ddv_stub_owner[i].site = site;
			WRITE_ONCE(ddv_stub_owner[i].dut, dut);
			return i;
		}
	}
	return -1;
}

static void *stub_addr(int i)
{
	return (void *)(ddv_stub_pool_start + (size_t)i * DDV_STUB_SIZE);
}

static void stubs_release(u16 dut)
{
	unsigned int i;

	for (i = 0; i < nstubs; i++)
		if (ddv_stub_owner[i].dut == dut)
			WRITE_ONCE(ddv_stub_owner[i].dut, 0);
}

static const char *site_str(const struct ddv_dut *dut, u32 off)
{
	return dut->strings + off;
}

/*
 * The module's symbols sorted by name, so each site finds its function in
 * O(log n). mod->kallsyms does not change under us: at COMING the loading
 * task is the one running the notifier, and an attached module is held by a
 * reference until its init text (and symbol table) can no longer change.
 */
struct sym_index {
	const Elf_Sym *syms;
	const char *strtab;
	u32 *order;
	u32 n;
};

static int cmp_sym(const void *a, const void *b, const void *priv)
{
	const struct sym_index *x = priv;

	return strcmp(x->strtab + x->syms[*(const u32 *)a].st_name,
		      x->strtab + x->syms[*(const u32 *)b].st_name);
}

static int sym_index_build(struct sym_index *x, struct module *mod)
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

/* The first position of name in the index (x->n when absent). */
static u32 sym_first(const struct sym_index *x, const char *name)
{
	u32 lo = 0, hi = x->n;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (strcmp(x->strtab + x->syms[x->order[mid]].st_name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < x->n && !strcmp(x->strtab + x->syms[x->order[lo]].st_name, name))
		return lo;
	return x->n;
}

/*
 * A module's core or init text as [*base, *base + *size). 6.4 replaced the
 * core and init layouts (text first, then rodata, then data) with one region
 * per kind of memory, mod->mem[MOD_TEXT] and mod->mem[MOD_INIT_TEXT].
 */
static void module_text(const struct module *mod, bool init, unsigned long *base,
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

static bool in_text(const struct module *mod, bool init, unsigned long a, unsigned int len)
{
	unsigned long base, size;

	module_text(mod, init, &base, &size);
	return size && a >= base && a + len <= base + size;
}

/*
 * Call-depth tracking (6.2+, active with retbleed=stuff on affected Intel
 * CPUs) rewrites a module's direct calls to core-kernel functions, when the
 * module loads, to call the accounting thunk that the kernel writes into the
 * callee's padding, a few bytes before its entry. Such a site still calls the
 * API: accept a target up to the padding's size in front of it (never for
 * jmp/jcc, which the kernel does not rewrite). The wrapper is then entered
 * without the accounting; its return, through the depth-tracking return
 * thunk, makes the kernel refill the return stack buffer sooner, never later.
 */
#if (defined(CONFIG_MITIGATION_CALL_DEPTH_TRACKING) || defined(CONFIG_CALL_DEPTH_TRACKING)) && \
	defined(CONFIG_FUNCTION_PADDING_BYTES)
#define DDV_CALL_THUNK_MAX CONFIG_FUNCTION_PADDING_BYTES
#else
#define DDV_CALL_THUNK_MAX 0
#endif

static bool calls_api(u8 opcode, unsigned long target, const void *api)
{
	unsigned long entry = (unsigned long)api;

	if (target == entry)
		return true;
	return opcode == 0xe8 && target < entry && entry - target <= DDV_CALL_THUNK_MAX;
}

static int rel32_to(unsigned long site, unsigned int len, void *target, s32 *rel)
{
	s64 d = (s64)((unsigned long)target - (site + len));

	if (d != (s32)d)
		return -ERANGE;
	*rel = d;
	return 0;
}

static void refuse(struct ddv_dut *dut, u32 site, enum ddv_refuse_reason why, u64 found)
{
	dut->sites_refused++;
	ddv_log_rt(DDV_RT_SITE_REFUSED, 4, (u64)dut->id, (u64)site,
		   (u64)why, found);
}

/*
 * Checks one site of a module and fills s->addr, s->len, s->original,
 * s->target; 0 or a refusal reason.
 */
static int resolve_site(struct ddv_dut *dut, struct module *mod, const struct sym_index *x,
			u32 id, bool live, u64 *found)
{
	struct ddv_site_rt *s = &dut->sites[id];
	const char *name = site_str(dut, s->name_off);
	u32 k;
	const struct ddv_func_desc *f;
	struct ddv_pack *pack;
	int why = DDV_REFUSE_NO_SYMBOL;
	unsigned long a = 0;
	s32 rel;
	u8 *p;

	*found = 0;
	if (ddv_find_func(site_str(dut, s->api_off), &s->func))
		return DDV_REFUSE_NO_FUNC;
	pack = ddv_funcs[s->func].pack;
	f = &pack->funcs[ddv_funcs[s->func].idx];
	if (!(dut->pack_refs & BIT(pack->pack_id))) {
		if (!try_module_get(pack->owner))
			return DDV_REFUSE_NO_FUNC;
		dut->pack_refs |= BIT(pack->pack_id);
	}
	s->len = s->opcode == 0x0f ? 6 : 5;
	/* A static function's name may repeat: take the first copy that checks out. */
	for (k = sym_first(x, name); ; k++) {
		unsigned int oplen = s->len - 4;

		if (k >= x->n || strcmp(x->strtab + x->syms[x->order[k]].st_name, name))
			return why;
		a = kallsyms_symbol_value(&x->syms[x->order[k]]) + s->func_offset;
		if (!in_text(mod, false, a, s->len) &&
		    (live || !in_text(mod, true, a, s->len))) {
			why = live && in_text(mod, true, a, s->len) ?
				DDV_REFUSE_INIT_GONE : DDV_REFUSE_OUTSIDE;
			*found = a;
			continue;
		}
		p = (u8 *)a;
		if (p[0] != s->opcode || (s->opcode == 0x0f && (p[1] & 0xf0) != 0x80)) {
			why = DDV_REFUSE_OPCODE;
			*found = s->opcode == 0x0f ? p[0] << 8 | p[1] : p[0];
			continue;
		}
		memcpy(&rel, p + oplen, sizeof(rel));
		if (!calls_api(s->opcode, a + s->len + (long)rel, f->original)) {
			why = DDV_REFUSE_TARGET;
			*found = a + s->len + (long)rel;
			continue;
		}
		break;
	}
	s->addr = a;
	/* Restored as found: the API, or its call-depth accounting thunk. */
	s->original = (void *)(a + s->len + (long)rel);
	s->target = f->wrapper;
	s->stub = -1;
	if (s->opcode != 0xe8 && f->nargs <= 6) {
		int st = stub_alloc(dut->id, id);

		/* Without a stub the site is still checked, but reported without its site. */
		if (st >= 0) {
			s->stub = st;
			s->target = stub_addr(st);
		}
	}
	if (rel32_to(a, s->len, s->target, &rel)) {
		*found = (unsigned long)s->target;
		return DDV_REFUSE_RANGE;
	}
	return 0;
}

struct ret_pair {
	unsigned long ret;
	u32 site;
};

static int cmp_ret(const void *a, const void *b)
{
	unsigned long x = ((const struct ret_pair *)a)->ret;
	unsigned long y = ((const struct ret_pair *)b)->ret;

	return x < y ? -1 : x > y;
}

/* Builds the table of patched call sites sorted by return address. */
static int build_ret_table(struct ddv_dut *dut)
{
	struct ret_pair *pairs;
	u32 i, n = 0;

	pairs = kvmalloc_array(dut->nsites + 1, sizeof(*pairs), GFP_KERNEL);
	dut->ret_addrs = kvmalloc_array(dut->nsites + 1, sizeof(unsigned long), GFP_KERNEL);
	dut->ret_sites = kvmalloc_array(dut->nsites + 1, sizeof(u32), GFP_KERNEL);
	if (!pairs || !dut->ret_addrs || !dut->ret_sites) {
		kvfree(pairs);
		return -ENOMEM;
	}
	for (i = 0; i < dut->nsites; i++) {
		struct ddv_site_rt *s = &dut->sites[i];

		if (!s->patched || s->stub >= 0)
			continue;
		pairs[n].ret = s->addr + s->len;
		pairs[n].site = i;
		n++;
	}
	sort(pairs, n, sizeof(*pairs), cmp_ret, NULL);
	for (i = 0; i < n; i++) {
		dut->ret_addrs[i] = pairs[i].ret;
		dut->ret_sites[i] = pairs[i].site;
	}
	kvfree(pairs);
	dut->nret = n;
	return 0;
}

static void put_refs(struct ddv_dut *dut)
{
	unsigned int id;

	for (id = 1; id < DDV_MAX_PACKS; id++) {
		if (!(dut->pack_refs & BIT(id)))
			continue;
		if (ddv_packs[id])
			module_put(ddv_packs[id]->owner);
	}
	dut->pack_refs = 0;
	if (dut->holds_self) {
		module_put(THIS_MODULE);
		dut->holds_self = false;
	}
}

/*
 * Resolves, checks and patches every site of dut in mod. live: the module is
 * running (attach). Returns the number of sites patched.
 */
static int patch_module(struct ddv_dut *dut, struct module *mod, bool live)
{
	struct sym_index syms;
	struct ddv_poke *pokes;
	u32 i, n = 0;
	int ret;

	dut->sites_patched = 0;
	dut->sites_refused = 0;
	dut->sites_init_skipped = 0;
	pokes = kvmalloc_array(dut->nsites + nstubs + 1, sizeof(*pokes), GFP_KERNEL);
	if (!pokes || sym_index_build(&syms, mod)) {
		kvfree(pokes);
		return -ENOMEM;
	}
	for (i = 0; i < dut->nsites; i++) {
		struct ddv_site_rt *s = &dut->sites[i];
		u64 found;
		int why;

		s->patched = 0;
		if (live && s->init) {
			/* Init text is freed once a module is live: nothing to patch. */
			dut->sites_init_skipped++;
			continue;
		}
		why = resolve_site(dut, mod, &syms, i, live, &found);
		if (why) {
			refuse(dut, i, why, found);
			continue;
		}
		if (s->stub >= 0) {
			/* The stub calls the wrapper: its rel32 follows the e8 byte. */
			void *stub = stub_addr(s->stub);

			pokes[n].where = stub + 1;
			if (rel32_to((unsigned long)stub, DDV_STUB_CALL_LEN,
				     ddv_funcs[s->func].pack->funcs[ddv_funcs[s->func].idx].wrapper,
				     &pokes[n].value)) {
				refuse(dut, i, DDV_REFUSE_RANGE, (unsigned long)stub);
				continue;
			}
			n++;
		}
		pokes[n].where = (void *)(s->addr + s->len - 4);
		rel32_to(s->addr, s->len, s->target, &pokes[n].value);
		n++;
		s->patched = 1;
		dut->sites_patched++;
	}
	/* Stubs are in our own text: point them before any site can reach them. */
	ret = 0;
	if (n) {
		if (!dut->holds_self) {
			__module_get(THIS_MODULE);
			dut->holds_self = true;
		}
		ret = build_ret_table(dut);
		if (!ret) {
			struct ddv_text_range *r = &ddv_ranges[dut->id];
			unsigned long core, core_size, init, init_size;

			module_text(mod, false, &core, &core_size);
			module_text(mod, true, &init, &init_size);
			WRITE_ONCE(r->core_lo, core);
			WRITE_ONCE(r->core_hi, core + core_size);
			if (!live) {
				WRITE_ONCE(r->init_lo, init);
				WRITE_ONCE(r->init_hi, init + init_size);
			}
			ret = poke_text(pokes, n, live);
		}
	}
	kvfree(pokes);
	kvfree(syms.order);
	if (ret) {
		pr_err("ddv: %s: patching failed (%d); no site redirected\n", dut->name, ret);
		for (i = 0; i < dut->nsites; i++)
			dut->sites[i].patched = 0;
		dut->sites_patched = 0;
		return ret;
	}
	return dut->sites_patched;
}

/* Restores every patched site of a running module (detach). */
static int unpatch_module(struct ddv_dut *dut)
{
	struct ddv_poke *pokes;
	u32 i, n = 0;
	int ret;

	pokes = kvmalloc_array(dut->nsites + 1, sizeof(*pokes), GFP_KERNEL);
	if (!pokes)
		return -ENOMEM;
	for (i = 0; i < dut->nsites; i++) {
		struct ddv_site_rt *s = &dut->sites[i];

		if (!s->patched || (s->init && dut->saw_live))
			continue;
		pokes[n].where = (void *)(s->addr + s->len - 4);
		rel32_to(s->addr, s->len, s->original, &pokes[n].value);
		n++;
	}
	ret = n ? poke_text(pokes, n, true) : 0;
	kvfree(pokes);
	if (ret)
		return ret;
	for (i = 0; i < dut->nsites; i++)
		dut->sites[i].patched = 0;
	return n;
}

/*
 * The fast entry (abi.h): a record per driver slot, published while its
 * driver is the only one under test, was loaded by ddv (an attached driver's
 * lookups may miss objects older than the attach: the slow entry tells) and
 * no function is traced or switched off (the full entry reads both).
 * Recomputed under ddv_mutex whenever one of those changes. A record is rewritten only while unpublished and its
 * driver has no text (so no call of the old driver can still be reading it).
 */
static struct ddv_fast_dut fast_duts[DDV_MAX_DUTS];
DEFINE_PER_CPU(u64 [DDV_MAX_DUTS], ddv_calls);
EXPORT_PER_CPU_SYMBOL_GPL(ddv_calls);
DEFINE_PER_CPU(u64 [DDV_MAX_DUTS], ddv_returns);
EXPORT_PER_CPU_SYMBOL_GPL(ddv_returns);

/* No driver on the inline entry: an empty range, so the wrapper needs no NULL test. */
static struct ddv_fast_dut fast_none;
struct ddv_fast_dut *ddv_fast = &fast_none;
EXPORT_SYMBOL_GPL(ddv_fast);

void ddv_fast_update(void)
{
	struct ddv_dut *only = NULL;
	const struct ddv_text_range *r;
	struct ddv_fast_dut *f;
	unsigned int d, n = 0;

	lockdep_assert_held(&ddv_mutex);
	for (d = 1; d < DDV_MAX_DUTS; d++) {
		if (ddv_ranges[d].core_hi) {
			only = &ddv_duts[d];
			n++;
		}
	}
	if (n != 1 || only->attached || config_count(&ddv_config, CONFIG_TRACE_LEVEL) ||
	    config_count(&ddv_config, CONFIG_FUNC_OFF)) {
		WRITE_ONCE(ddv_fast, &fast_none);
		return;
	}
	f = &fast_duts[only->id];
	r = &ddv_ranges[only->id];
	if (READ_ONCE(ddv_fast) == f && f->text_lo == r->core_lo) {
		/* Init returned: its text is about to go (a reader may see either pair: both are safe). */
		WRITE_ONCE(f->init_len, 0);
		WRITE_ONCE(f->init_lo, r->init_lo);
		WRITE_ONCE(f->init_len, r->init_hi - r->init_lo);
		return;
	}
	WRITE_ONCE(ddv_fast, &fast_none);
	f->text_lo = r->core_lo;
	f->text_len = r->core_hi - r->core_lo;
	f->init_lo = r->init_lo;
	f->init_len = r->init_hi - r->init_lo;
	f->dut = only->id;
	/* The record is whole before anyone can see it. */
	smp_store_release(&ddv_fast, f);
}

static void clear_tables(struct ddv_dut *dut)
{
	WRITE_ONCE(ddv_ranges[dut->id].core_lo, 0);
	WRITE_ONCE(ddv_ranges[dut->id].core_hi, 0);
	WRITE_ONCE(ddv_ranges[dut->id].init_lo, 0);
	WRITE_ONCE(ddv_ranges[dut->id].init_hi, 0);
	ddv_fast_update();
	stubs_release(dut->id);
}

static void free_ret_table(struct ddv_dut *dut)
{
	unsigned long *rets = dut->ret_addrs;

	WRITE_ONCE(dut->ret_addrs, NULL);
	WRITE_ONCE(dut->nret, 0);
	kvfree(rets);
	kvfree(dut->ret_sites);
	dut->ret_sites = NULL;
}

/*
 * Calls in flight: enters minus exits over every CPU. Once no call can enter,
 * the sum only falls (each exit matches an enter already counted), so reading
 * the CPUs one after the other cannot show 0 too early. Returns are read
 * before calls on each CPU: a call entering meanwhile is counted, never an
 * exit without its enter.
 */
static long inflight(struct ddv_dut *dut)
{
	long n = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		u64 returns = READ_ONCE(per_cpu(ddv_returns, cpu)[dut->id]);

		n += (long)(READ_ONCE(per_cpu(ddv_calls, cpu)[dut->id]) - returns);
	}
	return n;
}

static u64 calls_ever(struct ddv_dut *dut)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu(ddv_calls, cpu)[dut->id]);
	return n;
}

/* Calls since the last reset: the counters themselves never go back (in flight = calls - returns). */
u64 ddv_dut_calls(struct ddv_dut *dut)
{
	return calls_ever(dut) - dut->calls_base;
}

static void reset_calls(struct ddv_dut *dut)
{
	dut->calls_base = calls_ever(dut);
}

/*
 * Waits until no CPU can be inside a wrapper on behalf of dut: tasks that
 * entered before the sites were restored have left call_enter (RCU, RCU
 * tasks), the calls they made have returned (in-flight count), and they have
 * left the wrapper's epilogue (RCU tasks again).
 */
static void drain(struct ddv_dut *dut)
{
	unsigned int waited = 0;

	synchronize_rcu();
	synchronize_rcu_tasks();
	while (inflight(dut) > 0) {
		msleep(20);
		if (++waited % 250 == 0)
			pr_warn("ddv: %s: %ld calls still in flight after %u s\n", dut->name,
				inflight(dut), waited / 50);
	}
	synchronize_rcu_tasks();
}

static void dut_free(struct ddv_dut *dut)
{
	cancel_delayed_work_sync(&dut->hang_work);
	ddv_scopes_reset(dut);
	clear_tables(dut);
	free_ret_table(dut);
	put_refs(dut);
	kvfree(dut->sites);
	kvfree(dut->strings);
	dut->sites = NULL;
	dut->strings = NULL;
	dut->mod = NULL;
	dut->state = DDV_DUT_FREE;
}

static void hang_check(struct work_struct *work)
{
	struct ddv_dut *dut = container_of(to_delayed_work(work), struct ddv_dut, hang_work);

	if (READ_ONCE(dut->state) != DDV_DUT_COMING)
		return;
	ddv_log_rt(DDV_RT_HANG, 4, (u64)dut->id,
		   (u64)(jiffies - dut->coming_jiffies) / HZ, (u64)READ_ONCE(dut->last_inject_func),
		   (u64)READ_ONCE(dut->last_inject_site));
	pr_err("ddv: %s: init has not returned after %u s\n", dut->name, hang_seconds);
	schedule_delayed_work(&dut->hang_work, hang_seconds * HZ);
}

static void dut_coming(struct ddv_dut *dut, struct module *mod)
{
	int n;

	dut->mod = mod;
	dut->saw_live = false;
	dut->attached = false;
	reset_calls(dut);
	atomic64_set(&dut->violations, 0);
	atomic64_set(&dut->unknown_before_attach, 0);
	atomic64_set(&dut->injected, 0);
	dut->last_inject_func = ~0u;
	dut->last_inject_site = DDV_NO_SITE;
	n = patch_module(dut, mod, false);
	dut->state = DDV_DUT_COMING;
	ddv_fast_update();
	dut->coming_jiffies = jiffies;
	ddv_log_rt(DDV_RT_DRIVER_COMING, 3, (u64)dut->id,
		   (u64)dut->sites_patched, (u64)dut->sites_refused);
	pr_info("ddv: %s loading: %u call sites redirected, %u refused%s\n", dut->name,
		dut->sites_patched, dut->sites_refused, n < 0 ? " (patching failed)" : "");
	if (hang_seconds)
		schedule_delayed_work(&dut->hang_work, hang_seconds * HZ);
}

/* The driver went (after exit(), or after a failed init): leak check, then re-arm. */
static void dut_going(struct ddv_dut *dut)
{
	unsigned int leaks;
	bool failed_init = dut->state == DDV_DUT_COMING;

	WRITE_ONCE(dut->state, DDV_DUT_ARMED);
	ddv_scopes_reset(dut);
	cancel_delayed_work_sync(&dut->hang_work);
	if (failed_init)
		ddv_log_rt(DDV_RT_INIT_FAILED, 1, (u64)dut->id);
	/*
	 * The module's code has finished (exit returned or init failed) and is
	 * about to be freed: nothing to restore; calls its timers or interrupts
	 * might still make would be the driver's own use-after-free.
	 */
	clear_tables(dut);
	synchronize_rcu();
	/* Before the return-address table goes: objects may name their site by address. */
	leaks = ddv_store_sweep(dut, true, true);
	free_ret_table(dut);
	ddv_log_rt(DDV_RT_DRIVER_GOING, 3, (u64)dut->id, (u64)leaks,
		   ddv_dut_calls(dut));
	pr_info("ddv: %s gone: %u leaked objects\n", dut->name, leaks);
	put_refs(dut);
	dut->mod = NULL;
	if (dut->attached) {
		/* Attached drivers are not re-armed: a new load needs a new target. */
		kvfree(dut->sites);
		kvfree(dut->strings);
		dut->sites = NULL;
		dut->strings = NULL;
		dut->state = DDV_DUT_FREE;
	}
}

/*
 * The injection plan's caller filter by name (DDV_INJECT_PLAN with
 * "MODULE:FUNC"). The plan filters calls by return address, and a driver not
 * loaded yet has none: the name waits here while the filter lets no call
 * through; when the module arrives (COMING, before its init runs), FUNC is
 * looked up in the module's own symbol table and the filter moved onto its
 * text. Once the module goes, or its init text (where FUNC may lie) is freed,
 * the filter lets nothing through again, until the next load looks FUNC up
 * anew. A driver under test that has no FUNC is refused at its load
 * (-ENOENT, ddv.caller-unknown): the run would fail none of its calls and
 * look clean. All under ddv_mutex, like the plan.
 */
static char caller_module[MODULE_NAME_LEN];	/* "": no filter by name */
static char caller_func[KSYM_NAME_LEN];
static bool caller_in_init;			/* FUNC lies in the init text */

/* The filter no call passes: every return address is below ~0 and at least 1. */
#define CALLER_NONE_LO (~0ull)
#define CALLER_NONE_HI 1ull

static struct module *find_loaded(const char *name);

/* FUNC's text in mod as [*lo, *hi); *init: in the init text. false: mod has no such function. */
static bool mod_func_range(struct module *mod, const char *func, u64 *lo, u64 *hi, bool *init)
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
		if (in_text(mod, false, a, sym->st_size))
			*init = false;
		else if (in_text(mod, true, a, sym->st_size))
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

/*
 * Moves the armed plan's filter while calls of other drivers read it. Every
 * move goes through the filter no call passes, [~0, 1): a call that reads
 * one bound before a step and the other after it sees [~0, hi) or [lo, 1),
 * and neither lets a call through.
 */
static void caller_filter_move(u64 lo, u64 hi)
{
	WRITE_ONCE(ddv_inject.plan.caller_lo, CALLER_NONE_LO);
	WRITE_ONCE(ddv_inject.plan.caller_hi, CALLER_NONE_HI);
	smp_wmb();
	WRITE_ONCE(ddv_inject.plan.caller_hi, hi);
	WRITE_ONCE(ddv_inject.plan.caller_lo, lo);
}

/*
 * DDV_INJECT_PLAN's caller name, len bytes of "MODULE:FUNC" from user space,
 * into plan: FUNC's text when MODULE is loaded (-ENOENT when it has no such
 * function), else the filter no call passes, moved when MODULE arrives.
 */
long ddv_caller_set(const char __user *uname, u64 len, struct inject_plan *plan)
{
	char buf[MODULE_NAME_LEN + KSYM_NAME_LEN], *func;
	u64 lo = CALLER_NONE_LO, hi = CALLER_NONE_HI;
	struct module *mod;
	bool init = false;

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, uname, len))
		return -EFAULT;
	buf[len] = 0;
	func = strchr(buf, ':');
	if (strlen(buf) != len || !func || func == buf || func - buf >= MODULE_NAME_LEN ||
	    !func[1] || strlen(func + 1) >= KSYM_NAME_LEN)
		return -EINVAL;
	*func++ = 0;
	mod = find_loaded(buf);
	if (mod) {
		bool found = mod_func_range(mod, func, &lo, &hi, &init);

		module_put(mod);
		if (!found)
			return -ENOENT;
	}
	strscpy(caller_module, buf, sizeof(caller_module));
	strscpy(caller_func, func, sizeof(caller_func));
	caller_in_init = init;
	plan->caller_lo = lo;
	plan->caller_hi = hi;
	return 0;
}

/* The plan's filter is by address, or gone (DDV_INJECT_OFF): forget the name. */
void ddv_caller_forget(void)
{
	caller_module[0] = 0;
	caller_func[0] = 0;
}

/*
 * MODULE arrives (COMING): the filter onto FUNC. dut: the armed driver under
 * test of that name, refused when it has no FUNC (NULL: a module not under
 * test, whose calls ddv does not see; it may be attached later).
 */
static int caller_coming(struct module *mod, struct ddv_dut *dut)
{
	u64 lo, hi;

	if (!caller_module[0] || strcmp(caller_module, mod->name))
		return 0;
	if (!mod_func_range(mod, caller_func, &lo, &hi, &caller_in_init)) {
		if (!dut) {
			pr_warn("ddv: %s has no function %s: the caller filter lets no call through\n",
				mod->name, caller_func);
			return 0;
		}
		ddv_log_rt(DDV_RT_CALLER_UNKNOWN, 1, (u64)dut->id);
		pr_err("ddv: %s refused: the injection plan's caller filter names %s, which it does not have\n",
		       mod->name, caller_func);
		return -ENOENT;
	}
	caller_filter_move(lo, hi);
	if (dut)
		ddv_log_rt(DDV_RT_CALLER_SET, 3, (u64)dut->id, lo, hi - lo);
	pr_info("ddv: caller filter on %s:%s (%llu bytes)\n", mod->name, caller_func, hi - lo);
	return 0;
}

/* LIVE (the init text is freed next) and GOING: FUNC's text is no longer there. */
static void caller_leaving(struct module *mod, unsigned long action)
{
	if (!caller_module[0] || strcmp(caller_module, mod->name))
		return;
	if (action == MODULE_STATE_GOING || (action == MODULE_STATE_LIVE && caller_in_init))
		caller_filter_move(CALLER_NONE_LO, CALLER_NONE_HI);
}

static int ddv_module_notify(struct notifier_block *nb, unsigned long action, void *data)
{
	struct module *mod = data;
	unsigned int d;
	int err = 0;

	mutex_lock(&ddv_mutex);
	if (action == MODULE_STATE_LIVE || action == MODULE_STATE_GOING)
		caller_leaving(mod, action);
	for (d = 1; d < DDV_MAX_DUTS; d++) {
		struct ddv_dut *dut = &ddv_duts[d];

		if (dut->state == DDV_DUT_FREE)
			continue;
		if (action == MODULE_STATE_COMING && dut->state == DDV_DUT_ARMED &&
		    !strcmp(dut->name, mod->name)) {
			/* Before any text is patched: a refusal leaves nothing to undo. */
			err = caller_coming(mod, dut);
			if (!err)
				dut_coming(dut, mod);
			break;
		}
		if (dut->mod != mod)
			continue;
		if (action == MODULE_STATE_LIVE) {
			/* Init text is freed next: no return address can lie there. */
			WRITE_ONCE(ddv_ranges[dut->id].init_lo, 0);
			WRITE_ONCE(ddv_ranges[dut->id].init_hi, 0);
			ddv_fast_update();
			dut->saw_live = true;
			WRITE_ONCE(dut->state, DDV_DUT_LIVE);
			cancel_delayed_work(&dut->hang_work);
			ddv_log_rt(DDV_RT_DRIVER_LIVE, 1, (u64)dut->id);
		} else if (action == MODULE_STATE_GOING) {
			dut_going(dut);
		}
		break;
	}
	if (action == MODULE_STATE_COMING && d == DDV_MAX_DUTS)
		caller_coming(mod, NULL);
	mutex_unlock(&ddv_mutex);
	/* A refused COMING: the kernel fails the load, and sends us no GOING for it. */
	return err ? notifier_from_errno(err) : NOTIFY_DONE;
}

static struct notifier_block ddv_module_nb = {
	.notifier_call = ddv_module_notify,
};

/*
 * A loaded module by name, with a reference held; NULL when none. The module
 * list head is not exported: walk the ring from our own entry and skip the
 * head, the one node that does not live in the module area.
 */
static struct module *find_loaded(const char *name)
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

static bool is_pack_module(struct module *mod)
{
	unsigned int id;

	for (id = 1; id < DDV_MAX_PACKS; id++)
		if (ddv_packs[id] && ddv_packs[id]->owner == mod)
			return true;
	return mod == THIS_MODULE;
}

/* Copies and checks the CLI's site table into dut. */
static long load_sites(struct ddv_dut *dut, const struct ddv_cmd *cmd)
{
	u64 nsites = cmd->arg[3], slen = cmd->arg[5];
	u32 i;

	if (nsites > DDV_MAX_SITES || slen > (16u << 20) || (nsites && !slen))
		return -EINVAL;
	dut->nsites = nsites;
	dut->strings_len = slen;
	dut->sites = kvcalloc(nsites ? nsites : 1, sizeof(*dut->sites), GFP_KERNEL);
	dut->strings = kvmalloc(slen ? slen : 1, GFP_KERNEL);
	if (!dut->sites || !dut->strings)
		return -ENOMEM;
	if (slen && copy_from_user(dut->strings, u64_to_user_ptr(cmd->arg[4]), slen))
		return -EFAULT;
	if (slen && dut->strings[slen - 1])
		return -EINVAL;
	for (i = 0; i < nsites; i++) {
		struct ddv_site u;
		struct ddv_site_rt *s = &dut->sites[i];

		if (copy_from_user(&u, u64_to_user_ptr(cmd->arg[2]) + i * sizeof(u), sizeof(u)))
			return -EFAULT;
		if (u.id != i || u.func_name >= slen || u.api_name >= slen ||
		    (u.opcode != 0xe8 && u.opcode != 0xe9 && u.opcode != 0x0f) || u.init > 1)
			return -EINVAL;
		s->name_off = u.func_name;
		s->func_offset = u.func_offset;
		s->api_off = u.api_name;
		s->opcode = u.opcode;
		s->init = u.init;
		s->stub = -1;
	}
	return 0;
}

/*
 * DDV_OP_TARGET (live false): arms for a driver that is about to load.
 * DDV_OP_ATTACH (live true): patches a driver that is loaded.
 * args: name ptr, name len, sites ptr, nsites, strings ptr, strings len.
 */
long ddv_op_target(const struct ddv_cmd *cmd, struct ddv_cmd *out, bool live)
{
	char name[MODULE_NAME_LEN];
	struct module *mod = NULL;
	struct ddv_dut *dut = NULL;
	unsigned int d;
	long ret;

	if (cmd->nargs < 6 || !cmd->arg[1] || cmd->arg[1] >= MODULE_NAME_LEN)
		return -EINVAL;
	if (copy_from_user(name, u64_to_user_ptr(cmd->arg[0]), cmd->arg[1]))
		return -EFAULT;
	name[cmd->arg[1]] = 0;
	if (strlen(name) != cmd->arg[1])
		return -EINVAL;

	mutex_lock(&ddv_mutex);
	for (d = 1; d < DDV_MAX_DUTS; d++) {
		if (ddv_duts[d].state != DDV_DUT_FREE && !strcmp(ddv_duts[d].name, name)) {
			ret = -EBUSY;
			goto unlock;
		}
		if (!dut && ddv_duts[d].state == DDV_DUT_FREE)
			dut = &ddv_duts[d];
	}
	if (!dut) {
		ret = -ENOSPC;
		goto unlock;
	}
	mod = find_loaded(name);
	if (live && !mod) {
		ret = -ENOENT;
		goto unlock;
	}
	if (!live && mod) {
		/* Loaded already: redirecting now would miss its init; attach says so. */
		ret = -EEXIST;
		goto unlock;
	}
	if (live && (mod->state != MODULE_STATE_LIVE || is_pack_module(mod))) {
		ret = mod->state != MODULE_STATE_LIVE ? -EBUSY : -EINVAL;
		goto unlock;
	}
	memset(dut, 0, offsetof(struct ddv_dut, hang_work));
	dut->id = dut - ddv_duts;
	strscpy(dut->name, name, sizeof(dut->name));
	ret = load_sites(dut, cmd);
	if (ret) {
		kvfree(dut->sites);
		kvfree(dut->strings);
		dut->sites = NULL;
		dut->strings = NULL;
		goto unlock;
	}
	dut->state = DDV_DUT_ARMED;
	reset_calls(dut);
	if (live) {
		dut->mod = mod;
		dut->attached = true;
		dut->saw_live = true;
		ret = patch_module(dut, mod, true);
		if (ret < 0) {
			dut_free(dut);
			goto unlock;
		}
		WRITE_ONCE(dut->state, DDV_DUT_LIVE);
		ddv_fast_update();
		ddv_log_rt(DDV_RT_ATTACHED, 3, (u64)dut->id,
			   (u64)dut->sites_patched, (u64)dut->sites_refused);
		pr_info("ddv: attached to %s: %u call sites redirected, %u refused\n", name,
			dut->sites_patched, dut->sites_refused);
	} else {
		ddv_log_rt(DDV_RT_DRIVER_ARMED, 2, (u64)dut->id,
			   (u64)dut->nsites);
	}
	out->out[0] = dut->id;
	out->out[1] = dut->sites_patched;
	out->out[2] = dut->sites_refused;
	out->out[3] = dut->sites_init_skipped;
	ret = 0;
unlock:
	mutex_unlock(&ddv_mutex);
	if (mod)
		module_put(mod);
	return ret;
}

/*
 * DDV_OP_DETACH: a driver armed but not loaded is forgotten; a loaded one has
 * its sites restored (live) and its in-flight calls drained first. Its objects
 * are forgotten without a leak report: a detached driver is not unloaded.
 */
long ddv_op_detach(u64 id)
{
	struct ddv_dut *dut;
	long ret = 0;

	if (!id || id >= DDV_MAX_DUTS)
		return -EINVAL;
	mutex_lock(&ddv_mutex);
	dut = &ddv_duts[id];
	if (dut->state == DDV_DUT_FREE) {
		ret = -ENOENT;
		goto unlock;
	}
	if (dut->state == DDV_DUT_COMING) {
		/* Its init is running code we patched without stop_machine's help. */
		ret = -EBUSY;
		goto unlock;
	}
	if (dut->mod) {
		/* Keep the module from going while we restore its text. */
		if (!try_module_get(dut->mod)) {
			ret = -EBUSY;
			goto unlock;
		}
		ret = unpatch_module(dut);
		if (ret < 0) {
			module_put(dut->mod);
			goto unlock;
		}
		clear_tables(dut);
		drain(dut);
		ddv_store_sweep(dut, false, true);
		ddv_log_rt(DDV_RT_DETACHED, 2, (u64)dut->id, (u64)ret);
		pr_info("ddv: detached from %s: %ld call sites restored\n", dut->name, ret);
		module_put(dut->mod);
	}
	dut_free(dut);
	ret = 0;
unlock:
	mutex_unlock(&ddv_mutex);
	return ret;
}

/* DDV_OP_LEAK_CHECK: reports what the driver owns now, keeps tracking it. */
long ddv_op_leak_check(u64 id)
{
	long n;

	if (!id || id >= DDV_MAX_DUTS)
		return -EINVAL;
	mutex_lock(&ddv_mutex);
	if (ddv_duts[id].state == DDV_DUT_FREE)
		n = -ENOENT;
	else
		n = ddv_store_sweep(&ddv_duts[id], true, false);
	mutex_unlock(&ddv_mutex);
	return n;
}

/*
 * DDV_OP_SCOPE: begin stamps a new scope id on the objects the driver creates
 * from now; end reports those still live. One user scope per driver at a
 * time; rule scopes (scopes.c) may nest in it and it in them.
 */
long ddv_op_scope(const struct ddv_cmd *cmd, struct ddv_cmd *out)
{
	struct ddv_dut *dut;
	unsigned int leaks;
	long ret = 0;
	u16 scope;

	if (cmd->nargs < 2 || cmd->arg[0] > 1 || !cmd->arg[1] || cmd->arg[1] >= DDV_MAX_DUTS)
		return -EINVAL;
	mutex_lock(&ddv_mutex);
	dut = &ddv_duts[cmd->arg[1]];
	if (dut->state == DDV_DUT_FREE) {
		ret = -ENOENT;
	} else if (cmd->arg[0]) {
		ret = ddv_scope_user_begin(dut, &scope);
		if (!ret) {
			ddv_log_rt(DDV_RT_SCOPE_BEGIN, 2, (u64)dut->id, (u64)scope);
			out->out[0] = scope;
		}
	} else {
		ret = ddv_scope_user_end(dut, &scope, &leaks);
		if (!ret) {
			out->out[0] = leaks;
			ddv_log_rt(DDV_RT_SCOPE_END, 3, (u64)dut->id, (u64)scope, (u64)leaks);
		}
	}
	mutex_unlock(&ddv_mutex);
	return ret;
}

int ddv_target_init(void)
{
	unsigned int d;
	int ret;

	ret = ddv_stubs_init();
	if (ret)
		return ret;
	for (d = 0; d < DDV_MAX_DUTS; d++)
		INIT_DELAYED_WORK(&ddv_duts[d].hang_work, hang_check);
	ret = register_module_notifier(&ddv_module_nb);
	if (ret)
		kfree(ddv_stub_owner);
	return ret;
}

/*
 * Module exit: no driver is patched (each patched one holds a reference on
 * us), so only armed targets remain to forget.
 */
void ddv_target_exit(void)
{
	unsigned int d;

	unregister_module_notifier(&ddv_module_nb);
	mutex_lock(&ddv_mutex);
	for (d = 1; d < DDV_MAX_DUTS; d++)
		if (ddv_duts[d].state != DDV_DUT_FREE)
			dut_free(&ddv_duts[d]);
	mutex_unlock(&ddv_mutex);
	kfree(ddv_stub_owner);
}
