// SPDX-License-Identifier: GPL-2.0
/*
 * patch.c: call-site redirection: each site the ddv command named is found
 * and checked in the module's text, pointed at its wrapper (or at a tail-call
 * stub that calls it), and restored on detach. The text is written through a
 * temporary writable alias of its pages.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/stop_machine.h>
#include <linux/rcupdate_wait.h>
#include <asm/sync_core.h>
#include "ddv_internal.h"

/*
 * The text each driver's return addresses lie in, apart from the big
 * ddv_dut structures: the hot path scans a few cache lines, not eight.
 */
struct ddv_text_range ddv_ranges[DDV_MAX_DUTS] ____cacheline_aligned;
unsigned long ddv_ranges_live;

/* Each driver's modules' memory, for ddv_in_driver() (ddv/fastpath.h). */
struct ddv_dut_area ddv_dut_areas[DDV_MAX_DUTS] ____cacheline_aligned;
EXPORT_SYMBOL_GPL(ddv_dut_areas);

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

	/* The hot path tests addresses against the pool's size as a constant. */
	nstubs = bytes / DDV_STUB_SIZE;
	if (bytes != DDV_STUB_POOL_BYTES)
		return -EINVAL;
	ddv_stub_owner = kcalloc(nstubs, sizeof(*ddv_stub_owner), GFP_KERNEL);
	return ddv_stub_owner ? 0 : -ENOMEM;
}

void ddv_stubs_exit(void)
{
	kfree(ddv_stub_owner);
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

void ddv_stubs_release(u16 dut)
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
 * Call-depth tracking (6.2+, active with retbleed=stuff on affected Intel
 * CPUs) rewrites a module's direct calls to core-kernel functions, when the
 * module loads, to call the accounting thunk that the kernel writes into the
 * callee's padding, a few bytes before its entry. Such a site still calls the
 * API: accept a target up to the padding's size in front of it (never for
 * jmp/jcc, which the kernel does not rewrite). The wrapper is then entered
 * without the accounting; its return, through the depth-tracking return
 * thunk, makes the kernel refill the return stack buffer sooner, never later.
 */
#if (defined(CONFIG_MITIGATION_CALL_DEPTH_TRACKING) || \
     defined(CONFIG_CALL_DEPTH_TRACKING)) && defined(CONFIG_FUNCTION_PADDING_BYTES)
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
static int resolve_site(struct ddv_dut *dut, struct module *mod,
			const struct ddv_sym_index *x, u32 id, bool live, u64 *found)
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
	for (k = ddv_sym_first(x, name); ; k++) {
		unsigned int oplen = s->len - 4;

		if (k >= x->n || strcmp(ddv_sym_name(x, k), name))
			return why;
		a = ddv_sym_value(x, k) + s->func_offset;
		if (!ddv_in_text(mod, false, a, s->len) &&
		    (live || !ddv_in_text(mod, true, a, s->len))) {
			why = live && ddv_in_text(mod, true, a, s->len) ?
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

/* Builds member k's table of patched call sites sorted by return address. */
static int build_ret_table(struct ddv_dut *dut, unsigned int k)
{
	struct ddv_member *m = &dut->members[k];
	struct ret_pair *pairs;
	unsigned long *rets;
	u32 *sites;
	u32 i, n = 0;

	pairs = kvmalloc_array(dut->nsites + 1, sizeof(*pairs), GFP_KERNEL);
	rets = kvmalloc_array(dut->nsites + 1, sizeof(unsigned long), GFP_KERNEL);
	sites = kvmalloc_array(dut->nsites + 1, sizeof(u32), GFP_KERNEL);
	if (!pairs || !rets || !sites) {
		kvfree(pairs);
		kvfree(rets);
		kvfree(sites);
		return -ENOMEM;
	}
	for (i = 0; i < dut->nsites; i++) {
		struct ddv_site_rt *s = &dut->sites[i];

		if (s->member != k || !s->patched || s->stub >= 0)
			continue;
		pairs[n].ret = s->addr + s->len;
		pairs[n].site = i;
		n++;
	}
	sort(pairs, n, sizeof(*pairs), cmp_ret, NULL);
	for (i = 0; i < n; i++) {
		rets[i] = pairs[i].ret;
		sites[i] = pairs[i].site;
	}
	kvfree(pairs);
	if (m->ret_addrs) {
		/*
		 * A member loaded again while its family lives (a helper that
		 * is no dependency of the driver): the old table goes, once
		 * no reader can be inside it. Its objects' sites go unnamed.
		 */
		unsigned long *old = m->ret_addrs;
		u32 *old_sites = m->ret_sites;

		WRITE_ONCE(m->ret_addrs, NULL);
		synchronize_rcu_tasks();
		kvfree(old);
		kvfree(old_sites);
	}
	m->ret_sites = sites;
	WRITE_ONCE(m->nret, 0);
	smp_store_release(&m->ret_addrs, rets);
	smp_wmb();
	WRITE_ONCE(m->nret, n);
	return 0;
}

/*
 * Every member's table: kept after a member goes, until the family's leak
 * check has named its objects' sites (objects keep return addresses).
 */
void ddv_ret_table_free(struct ddv_dut *dut)
{
	unsigned int k;

	for (k = 0; k < DDV_MAX_MEMBERS; k++) {
		struct ddv_member *m = &dut->members[k];
		unsigned long *rets = m->ret_addrs;

		WRITE_ONCE(m->ret_addrs, NULL);
		WRITE_ONCE(m->nret, 0);
		kvfree(rets);
		kvfree(m->ret_sites);
		m->ret_sites = NULL;
	}
}

/* The references patching took: on each pack whose wrappers a site calls, and on ddv.ko. */
void ddv_patch_put_refs(struct ddv_dut *dut)
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
 * ddv_dut_areas[dut] (ddv/area.h): the loaded members' allocations, core, and
 * init while their init text is known; every member's writable data first.
 * Too many ranges: the count says to ask ddv.ko (ddv_area_publish).
 */
static void publish_area(struct ddv_dut *dut)
{
	struct ddv_dut_area *a = &ddv_dut_areas[dut->id];
	unsigned long base[DDV_MOD_AREAS], size[DDV_MOD_AREAS];
	u64 w[DDV_AREA_RANGES], n = 0;
	bool exact = true;
	unsigned int r, k;

	/* An address above MODULES_VADDR is 32 bits above it (ddv_in_driver's offset). */
	BUILD_BUG_ON(ULONG_MAX - MODULES_VADDR > U32_MAX);
	for (r = 0; r < 2 * DDV_MOD_AREAS; r++) {
		bool init = r >= DDV_MOD_AREAS;

		for (k = 0; k < dut->nmembers; k++) {
			const struct ddv_member *m = &dut->members[k];

			if (!m->mod || !dut->texts[k].core_hi || (init && !dut->texts[k].init_hi))
				continue;
			if (r % DDV_MOD_AREAS >= ddv_module_areas(m->mod, init, base, size))
				continue;
			exact &= ddv_area_add(w, &n, MODULES_VADDR, base[r % DDV_MOD_AREAS],
					      size[r % DDV_MOD_AREAS]);
		}
	}
	ddv_area_publish(a, w, n, exact);
}

/* ddv_in_driver() when dut's ranges do not fit its area: in one of its modules? Any context. */
bool __ddv_in_driver(u16 dut, unsigned long addr)
{
	const struct ddv_dut *d = &ddv_duts[dut < DDV_MAX_DUTS ? dut : 0];
	unsigned int k;
	bool in = false;

	/* A member going clears its mod, then waits for readers (dut_going's synchronize_rcu). */
	rcu_read_lock();
	for (k = 0; k < READ_ONCE(d->nmembers) && !in; k++) {
		struct module *mod = READ_ONCE(d->members[k].mod);

		in = mod && within_module(addr, mod);
	}
	rcu_read_unlock();
	return in;
}
EXPORT_SYMBOL_GPL(__ddv_in_driver);

/*
 * ddv_ranges[dut]: the driver's text, for ddv_dut_of_ip() and the fast entry;
 * for a family the hull of its members' core text, and the init text of the
 * member whose init runs (of the first, should two run at once: the others'
 * calls then take the full entry, which finds them by their own ranges).
 */
static void publish_hull(struct ddv_dut *dut)
{
	struct ddv_text_range *r = &ddv_ranges[dut->id];
	unsigned long lo = ULONG_MAX, hi = 0, ilo = 0, ihi = 0;
	unsigned int k;

	for (k = 0; k < dut->nmembers; k++) {
		const struct ddv_text_range *t = &dut->texts[k];

		if (t->core_hi) {
			lo = min(lo, t->core_lo);
			hi = max(hi, t->core_hi);
		}
		if (t->init_hi && !ihi) {
			ilo = t->init_lo;
			ihi = t->init_hi;
		}
	}
	if (!hi)
		lo = 0;
	/* The slot is searched before its text can be seen, and after it is gone. */
	if (hi || ihi) {
		set_bit(dut->id, &ddv_ranges_live);
		smp_mb__after_atomic();
	}
	/* Empty first, so that a reader never sees a range wider than both. */
	WRITE_ONCE(r->core_hi, 0);
	WRITE_ONCE(r->init_hi, 0);
	smp_wmb();
	WRITE_ONCE(r->core_lo, lo);
	WRITE_ONCE(r->init_lo, ilo);
	smp_wmb();
	WRITE_ONCE(r->core_hi, hi);
	WRITE_ONCE(r->init_hi, ihi);
	if (!hi && !ihi) {
		smp_mb__before_atomic();
		clear_bit(dut->id, &ddv_ranges_live);
	}
	publish_area(dut);
}

/* Member k's text (init text only before the module runs). */
static void publish_text(struct ddv_dut *dut, unsigned int k, struct module *mod, bool live)
{
	struct ddv_text_range *r = &dut->texts[k];
	unsigned long core, core_size, init, init_size;

	ddv_module_text(mod, false, &core, &core_size);
	ddv_module_text(mod, true, &init, &init_size);
	WRITE_ONCE(r->core_lo, core);
	WRITE_ONCE(r->core_hi, core + core_size);
	if (!live) {
		WRITE_ONCE(r->init_lo, init);
		WRITE_ONCE(r->init_hi, init + init_size);
	}
	publish_hull(dut);
}

/* Member k's text is gone (k == DDV_MAX_MEMBERS: every member's). */
void ddv_text_forget(struct ddv_dut *dut, unsigned int k)
{
	unsigned int i;

	for (i = 0; i < DDV_MAX_MEMBERS; i++) {
		struct ddv_text_range *r = &dut->texts[i];

		if (k != DDV_MAX_MEMBERS && i != k)
			continue;
		WRITE_ONCE(r->core_lo, 0);
		WRITE_ONCE(r->core_hi, 0);
		WRITE_ONCE(r->init_lo, 0);
		WRITE_ONCE(r->init_hi, 0);
	}
	publish_hull(dut);
}

/* Member k's init returned (MODULE_STATE_LIVE): its init text is freed next. */
void ddv_text_forget_init(struct ddv_dut *dut, unsigned int k)
{
	WRITE_ONCE(dut->texts[k].init_lo, 0);
	WRITE_ONCE(dut->texts[k].init_hi, 0);
	publish_hull(dut);
}

/*
 * Resolves every site of dut in mod and fills pokes with the writes that
 * redirect those that check out (a stub's call of the wrapper before its
 * site); returns their number. Refused sites are logged one by one.
 */
static u32 plan_pokes(struct ddv_dut *dut, unsigned int k, struct module *mod,
		      const struct ddv_sym_index *syms, bool live, struct ddv_poke *pokes)
{
	u32 i, n = 0;

	for (i = 0; i < dut->nsites; i++) {
		struct ddv_site_rt *s = &dut->sites[i];
		const struct ddv_func_desc *f;
		u64 found;
		int why;

		if (s->member != k)
			continue;
		s->patched = 0;
		if (live && s->init) {
			/* Init text is freed once a module is live: nothing to patch. */
			dut->sites_init_skipped++;
			continue;
		}
		why = resolve_site(dut, mod, syms, i, live, &found);
		if (why) {
			refuse(dut, i, why, found);
			continue;
		}
		if (s->stub >= 0) {
			/* The stub calls the wrapper: its rel32 follows the e8 byte. */
			void *stub = stub_addr(s->stub);

			f = &ddv_funcs[s->func].pack->funcs[ddv_funcs[s->func].idx];
			pokes[n].where = stub + 1;
			if (rel32_to((unsigned long)stub, DDV_STUB_CALL_LEN, f->wrapper,
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
	return n;
}

/*
 * Resolves, checks and patches every site of member k of dut in mod. live:
 * the module is running (attach). Returns the number of sites patched.
 */
int ddv_patch_module(struct ddv_dut *dut, unsigned int k, struct module *mod, bool live)
{
	struct ddv_sym_index syms;
	struct ddv_poke *pokes;
	u32 i, n, before = dut->sites_patched;
	int ret;

	pokes = kvmalloc_array(dut->nsites + nstubs + 1, sizeof(*pokes), GFP_KERNEL);
	if (!pokes || ddv_sym_index_build(&syms, mod)) {
		kvfree(pokes);
		return -ENOMEM;
	}
	n = plan_pokes(dut, k, mod, &syms, live, pokes);
	/* Stubs are in our own text: point them before any site can reach them. */
	ret = 0;
	if (n) {
		if (!dut->holds_self) {
			__module_get(THIS_MODULE);
			dut->holds_self = true;
		}
		ret = build_ret_table(dut, k);
		if (!ret) {
			publish_text(dut, k, mod, live);
			ret = poke_text(pokes, n, live);
		}
	}
	kvfree(pokes);
	ddv_sym_index_free(&syms);
	if (ret) {
		pr_err("ddv: %s: patching failed (%d); no site redirected\n",
		       dut->members[k].name, ret);
		for (i = 0; i < dut->nsites; i++)
			if (dut->sites[i].member == k)
				dut->sites[i].patched = 0;
		dut->sites_patched = before;
		return ret;
	}
	return dut->sites_patched - before;
}

/* Restores every patched site of a running module (detach). */
int ddv_unpatch_module(struct ddv_dut *dut)
{
	struct ddv_poke *pokes;
	u32 i, n = 0;
	int ret;

	pokes = kvmalloc_array(dut->nsites + 1, sizeof(*pokes), GFP_KERNEL);
	if (!pokes)
		return -ENOMEM;
	for (i = 0; i < dut->nsites; i++) {
		struct ddv_site_rt *s = &dut->sites[i];

		if (!s->patched || (s->init && dut->members[s->member].saw_live) ||
		    !dut->members[s->member].mod)
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
