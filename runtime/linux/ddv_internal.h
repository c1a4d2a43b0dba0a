/* SPDX-License-Identifier: GPL-2.0 */
/* ddv_internal.h: what the files of ddv.ko share; neither packs nor the CLI see it. */
#ifndef DDV_INTERNAL_H
#define DDV_INTERNAL_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <ddv/abi.h>
#include <ddv/uapi.h>
#include <ddv/runtime_msgs.h>
#include <ddv/logrec.h>
#include "store.h"
#include "stubs.h"
#include "trigger_table.h"
#include "config.h"
#include "inject.h"

#define DDV_MAX_PACKS	16	/* pack ids 1..15; 0 is the runtime itself */
#define DDV_MAX_FUNCS	4096	/* global function ids over all packs */
#define DDV_MAX_TYPES	1024	/* global type ids over all packs; 0 unused */
#define DDV_MAX_SITES	65536	/* per driver */
#define DDV_NO_SITE	0xffffffffu
#define DDV_LOCK_SPIN_MAX_US 1000	/* a lock delay in atomic context spins this long at most */

/*
 * A local the code fills before reading: exempt from the kernel's automatic
 * zeroing of locals (CONFIG_INIT_STACK_ALL_ZERO), which costs on hot paths.
 */
#if __has_attribute(__uninitialized__)
#define __ddv_noinit __attribute__((__uninitialized__))
#else
#define __ddv_noinit
#endif

/* Runtime message ids (pack 0), from the X-macro list. */
enum ddv_rt_msg {
#define DDV_RT_MSG(name, rule, sev, text, nargs, ...) DDV_RT_##name,
#include <ddv/runtime_msgs.h>
#include <ddv/logrec.h>
#include "store.h"
#include "config.h"
#undef DDV_RT_MSG
	DDV_RT_NMSGS
};

enum ddv_dut_state {
	DDV_DUT_FREE,		/* slot unused */
	DDV_DUT_ARMED,		/* waiting for the module to arrive */
	DDV_DUT_COMING,		/* sites patched, init running */
	DDV_DUT_LIVE,		/* init done (or attached live) */
};

/* One call site of a driver, as the CLI gave it and as resolved in memory. */
struct ddv_site_rt {
	unsigned long addr;	/* first byte of the instruction; 0 when not patched */
	void *original;		/* the API the instruction called */
	void *target;		/* what it calls now: the wrapper or a stub */
	u32 func;		/* global function id */
	u32 name_off;		/* containing function's name in the dut's string blob */
	u32 func_offset;
	u32 api_off;		/* called symbol's name in the blob */
	s32 stub;		/* stub index for a tail-call site, or -1 */
	u8 opcode;		/* 0xe8, 0xe9 or 0x0f */
	u8 len;			/* instruction length: 5 or 6 */
	u8 init;		/* in .init.text */
	u8 patched;
	u8 member;		/* index in the driver's members[] */
	u8 no_fault;		/* DDV_SITE_NO_FAULT: never failed, not counted */
};

/* Text ranges that return addresses are looked up in; 0..0 when none. */
struct ddv_text_range {
	unsigned long core_lo, core_hi, init_lo, init_hi;
};

/*
 * A module of a driver under test. A driver family (several modules: the
 * driver and the helpers it calls, ddv-load --with) is one driver under
 * test: one id, one owner of objects, one leak check; each member has its
 * own module, text and sites. members[0] is the driver itself.
 */
struct ddv_member {
	char name[MODULE_NAME_LEN];
	struct module *mod;	/* loaded and patched; NULL while armed or gone */
	bool coming;		/* its init runs */
	bool saw_live;		/* its init returned 0 */
	/* Its call sites sorted by return address (addr + len), for attribution. */
	unsigned long *ret_addrs;
	u32 *ret_sites;
	u32 nret;
};

struct ddv_dut {
	enum ddv_dut_state state;	/* the driver's (members[0]) */
	u16 id;
	bool attached;		/* patched live; detach restores */
	u8 nmembers;		/* 1: a driver alone */
	char name[MODULE_NAME_LEN];	/* members[0].name */
	struct ddv_member members[DDV_MAX_MEMBERS];
	/*
	 * members[k]'s text: apart and dense, so that a family's call scans
	 * two ranges a cache line (ddv_dut_of_ip), and a stack's identity
	 * reads them in place (log.c ddv_stack_id).
	 */
	struct ddv_text_range texts[DDV_MAX_MEMBERS];
	struct ddv_site_rt *sites;	/* indexed by the CLI's site id */
	u32 nsites;
	char *strings;
	u32 strings_len;
	u32 sites_patched;
	u32 sites_refused;
	u32 sites_init_skipped;	/* attach: sites in the freed init text */
	u16 last_scope;
	bool holds_self;	/* we hold a reference on ddv.ko */
	u16 pack_refs;		/* bit per pack id we hold a reference on */
	atomic64_t violations;
	/* Rules not trusted: the objects were older than the attach. */
	atomic64_t unknown_before_attach;
	atomic64_t injected;
	u32 last_inject_func;
	u32 last_inject_site;
	struct delayed_work hang_work;
	unsigned long coming_jiffies;
	/*
	 * Its calls are counted per CPU (abi.h ddv_calls, ddv_returns), so the
	 * hot path writes no shared line: a call may enter on one CPU and exit
	 * on another, only the sums mean anything. They never go back.
	 */
	u64 calls_base;		/* calls before the last reset (ddv_dut_calls counts from there) */
};

/* Per global function: what the runtime knows and what the user configured. */
struct ddv_func_rt {
	struct ddv_pack *pack;	/* NULL: free id */
	u16 idx;		/* index in pack->funcs */
};
/*
 * What the entries read of a function's settings, one byte per global
 * function (an array of its own: the entry's index needs no scale): its
 * trace level (enum ddv_trace_level), DDV_FUNC_MODE_OFF when switched off,
 * DDV_FUNC_MODE_FULL when its calls need the full entry for another reason
 * (a leak scope's boundary, a trigger set), so that the second chance tests
 * one byte. Kept by the control path (ddv_func_mode_update, under
 * ddv_mutex) from ddv_config, the scope roles and the triggers: the config
 * is a Bloom test and a hash on every call once any function is traced.
 */
extern u8 ddv_func_mode[DDV_MAX_FUNCS];
#define DDV_FUNC_MODE_TRACE	0x3
#define DDV_FUNC_MODE_FULL	0x40
#define DDV_FUNC_MODE_OFF	0x80
void ddv_func_mode_update(u32 id);

/* main.c: module init/exit, /dev/ddv and its table of ops */
extern struct mutex ddv_mutex;	/* packs, duts, configuration; every op but VERSION */

/* pack.c: the pack registry; LIST_PACKS, LIST_FUNCS, PACK_CATALOG */
extern struct ddv_func_rt ddv_funcs[DDV_MAX_FUNCS];
extern struct ddv_pack *ddv_packs[DDV_MAX_PACKS];
struct ddv_pack *ddv_type_pack(u16 gtype, u16 *local);
int ddv_find_func(const char *symbol, u32 *gfunc);
long ddv_op_list_packs(struct ddv_cmd *cmd);
long ddv_op_list_funcs(struct ddv_cmd *cmd);
long ddv_op_pack_catalog(struct ddv_cmd *cmd);

/*
 * symbols.c: other modules as ddv.ko reads them. ddv_sym_index: a module's
 * symbols sorted by name, so each call site finds its function in O(log n).
 * mod->kallsyms does not change under us: at COMING the loading task is the
 * one running the notifier, and an attached module is held by a reference
 * until its init text (and symbol table) can no longer change.
 */
struct ddv_sym_index {
	const Elf_Sym *syms;
	const char *strtab;
	u32 *order;		/* indexes into syms, by name */
	u32 n;
};

static inline const char *ddv_sym_name(const struct ddv_sym_index *x, u32 k)
{
	return x->strtab + x->syms[x->order[k]].st_name;
}

static inline unsigned long ddv_sym_value(const struct ddv_sym_index *x, u32 k)
{
	return kallsyms_symbol_value(&x->syms[x->order[k]]);
}

int ddv_sym_index_build(struct ddv_sym_index *x, struct module *mod);
void ddv_sym_index_free(struct ddv_sym_index *x);
u32 ddv_sym_first(const struct ddv_sym_index *x, const char *name);
struct module *ddv_find_loaded(const char *name);
void ddv_module_text(const struct module *mod, bool init, unsigned long *base,
		     unsigned long *size);
bool ddv_in_text(const struct module *mod, bool init, unsigned long a, unsigned int len);
void ddv_module_data(const struct module *mod, unsigned long *base, unsigned long *size);
#define DDV_MOD_AREAS 4		/* a module's allocations, core or init (since 6.4) */
unsigned int ddv_module_areas(const struct module *mod, bool init, unsigned long *base,
			      unsigned long *size);
bool ddv_mod_func_range(struct module *mod, const char *func, u64 *lo, u64 *hi, bool *init);

/* patch.c and stubs.S: call-site redirection, tail-call stubs, the drivers' text */
extern const char ddv_stub_pool_start[], ddv_stub_pool_end[];
void ddv_stub_unset(void);
int ddv_stubs_init(void);
void ddv_stubs_exit(void);
void ddv_stubs_release(u16 dut);
int ddv_patch_module(struct ddv_dut *dut, unsigned int k, struct module *mod, bool live);
int ddv_unpatch_module(struct ddv_dut *dut);
void ddv_ret_table_free(struct ddv_dut *dut);
void ddv_patch_put_refs(struct ddv_dut *dut);
void ddv_text_forget(struct ddv_dut *dut, unsigned int k);
void ddv_text_forget_init(struct ddv_dut *dut, unsigned int k);

/* The tail-call stubs' owners, and the drivers' text: what the hot path reads. */
struct ddv_stub_owner {
	u16 dut;		/* 0: free */
	u32 site;
};
extern struct ddv_stub_owner *ddv_stub_owner;
extern struct ddv_text_range ddv_ranges[DDV_MAX_DUTS];
/*
 * Bit d: ddv_ranges[d] may hold text (set before a range is published,
 * cleared once both are empty), so that a search visits the drivers loaded
 * and skips the empty slots (drivers armed, not loaded).
 */
extern unsigned long ddv_ranges_live;

/* dut.c: drivers under test, their lifecycle; TARGET, ATTACH, DETACH, STATUS, LEAK_CHECK */
extern struct ddv_dut ddv_duts[DDV_MAX_DUTS];
int ddv_dut_init(void);
void ddv_dut_exit(void);
void ddv_fast_update(void);
u64 ddv_dut_calls(struct ddv_dut *dut);
long ddv_op_target(struct ddv_cmd *cmd);
long ddv_op_attach(struct ddv_cmd *cmd);
long ddv_op_detach(struct ddv_cmd *cmd);
long ddv_op_status(struct ddv_cmd *cmd);
long ddv_op_leak_check(struct ddv_cmd *cmd);

/* caller.c: the injection plan's caller filter by name, resolved when the module arrives */
long ddv_caller_set(const char __user *name, u64 len, struct inject_plan *plan);
void ddv_caller_forget(void);
int ddv_caller_coming(struct module *mod, struct ddv_dut *dut);
void ddv_caller_leaving(struct module *mod, unsigned long action);

/* Binary search of a call site by return address, in one member's table. */
static inline u32 member_site_of_ret(const struct ddv_member *m, unsigned long ip)
{
	const unsigned long *rets = READ_ONCE(m->ret_addrs);
	u32 lo = 0, hi = READ_ONCE(m->nret);

	if (!rets)
		return DDV_NO_SITE;
	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (rets[mid] == ip)
			return m->ret_sites[mid];
		if (rets[mid] < ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	return DDV_NO_SITE;
}

/* The site of a return address in any member's table (return addresses are unique). */
static inline u32 site_of_ret(const struct ddv_dut *dut, unsigned long ip)
{
	unsigned int k;

	for (k = 0; k < READ_ONCE(dut->nmembers); k++) {
		u32 site = member_site_of_ret(&dut->members[k], ip);

		if (site != DDV_NO_SITE)
			return site;
	}
	return DDV_NO_SITE;
}

/* The upper bounds first: an empty range (a driver armed, not loaded) fails at once. */
static __always_inline bool ddv_in_range(const struct ddv_text_range *r, unsigned long ip)
{
	return (ip < READ_ONCE(r->core_hi) && ip >= READ_ONCE(r->core_lo)) ||
	       (ip < READ_ONCE(r->init_hi) && ip >= READ_ONCE(r->init_lo));
}

/*
 * The driver under test that made the call returning to ip, and the call's
 * site id (DDV_NO_SITE when unknown). Any context; reads only. ddv_ranges[]
 * holds each driver's text, for a family the hull of its members' (patch.c),
 * which other modules' text may lie in: a family's members are tested too.
 */
/* A tail-call stub's call (ip in the pool): its owner and site (the owner 0: none). */
static __always_inline bool ddv_stub_of_ip(unsigned long ip, u16 *owner, u32 *site)
{
	unsigned int i;

	if (likely(ip - (unsigned long)ddv_stub_pool_start >= DDV_STUB_POOL_BYTES))
		return false;
	i = (ip - (unsigned long)ddv_stub_pool_start) / DDV_STUB_SIZE;
	*owner = READ_ONCE(ddv_stub_owner[i].dut);
	*site = ddv_stub_owner[i].site;
	if (*owner >= DDV_MAX_DUTS)
		*owner = 0;
	return true;
}

static __always_inline struct ddv_dut *ddv_dut_of_ip(unsigned long ip, u32 *site)
{
	unsigned long live;
	unsigned int d, k;
	u16 owner;

	if (unlikely(ddv_stub_of_ip(ip, &owner, site)))
		return owner ? &ddv_duts[owner] : NULL;
	for (live = READ_ONCE(ddv_ranges_live); live; live &= live - 1) {
		const struct ddv_dut *dut;

		d = __ffs(live);
		dut = &ddv_duts[d];
		if (!ddv_in_range(&ddv_ranges[d], ip))
			continue;
		if (READ_ONCE(dut->nmembers) > 1) {
			for (k = 0; k < dut->nmembers; k++)
				if (ddv_in_range(&dut->texts[k], ip))
					break;
			if (k == dut->nmembers)
				continue;
		}
		/* Most calls never need it: searched when first asked for. */
		*site = DDV_SITE_LATER;
		return &ddv_duts[d];
	}
	return NULL;
}

/*
 * A tail-call stub's call (ip in the pool) by driver dut: its site, DDV_NO_SITE
 * when the stub is no longer dut's (its owner holds it while the call is in
 * flight). False when ip is no stub's.
 */
static __always_inline bool ddv_stub_site(u16 dut, unsigned long ip, u32 *site)
{
	u16 owner;

	if (likely(!ddv_stub_of_ip(ip, &owner, site)))
		return false;
	if (owner != dut)
		*site = DDV_NO_SITE;
	return true;
}

/*
 * The call's site id (DDV_NO_SITE when unknown), searched on first use. The
 * entries name a tail-call stub's site at once (the return address in the
 * stub is no site's): the test here is for a record that missed it.
 */
static inline u32 ddv_call_site(struct ddv_call *call)
{
	if (likely(call->site != DDV_SITE_LATER))
		return call->site;
	if (!ddv_stub_site(call->dut, call->ret_ip, &call->site))
		call->site = site_of_ret(&ddv_duts[call->dut], call->ret_ip);
	return call->site;
}

/* devres.c: objects a device's managed resources own */
void ddv_managed_forget(u16 dut);

/* log.c: records, over the core's per-CPU rings */
int ddv_log_init(void);
void ddv_log_timer_init(void);
void ddv_log_exit(void);
void ddv_log(u32 pack, u32 msg, unsigned int nargs, const u64 *args);
u64 ddv_stack_id(u16 dut, unsigned long ret_ip);
/* abi.c: a destroy found no object of key: the report of it may be one a rule made already. */
void ddv_fold_destroy_miss(const struct ddv_call *call, u64 key);
void ddv_log_at(u32 pack, u32 msg, unsigned int nargs, const u64 *args, u16 dut, u32 site,
		u32 func, unsigned long ret_ip, bool stack);
void ddv_log_rt(u32 msg, unsigned int nargs, ...);
ssize_t ddv_log_read(char __user *buf, size_t len);
bool ddv_log_pending(void);
void ddv_log_poll_later(void);
u64 ddv_log_drops(void);
extern wait_queue_head_t ddv_log_wait;

/* objects.c: the object store */
int ddv_store_init(void);
void ddv_store_pack_types(struct ddv_pack *pack);
const struct ddv_type_desc *ddv_call_type(const struct ddv_call *call, u16 type, u16 *gt);
extern struct store ddv_store;
extern struct config ddv_config;
void ddv_store_exit(void);
void ddv_store_status(struct ddv_status *st);
u64 ddv_store_owned(u16 owner);
void ddv_note_uncertain(const struct ddv_call *call);	/* abi.c */
unsigned int ddv_store_sweep(struct ddv_dut *dut, bool report, bool forget);
unsigned int ddv_pcpu_sweep(struct ddv_dut *dut, bool going);
unsigned int ddv_store_sweep_member(struct ddv_dut *dut, unsigned int k);
void ddv_store_forget_types(u16 first, u16 count);
/* The gate of the inline create and destroy: holders are attached drivers and the scopes. */
#define DDV_INLINE_HOLDER_SCOPES 0
#define DDV_INLINE_HOLDER_STAMP DDV_MAX_DUTS	/* + the driver's id */
void ddv_obj_inline_hold(unsigned int holder, bool on);
/*
 * An object's site word (ddv/fastpath.h ddv_obj_site()): bits 0-31 where it
 * was made (ddv_obj_site_id() gives the site id), 48-63 the leak scope open
 * at creation (0: none). The creating function is the site's (site_func()).
 */
#define SITE_SCOPE(site) ((u16)((site) >> 48))
u32 ddv_obj_site_id(const struct ddv_dut *dut, u64 site);
/* The global id of the function called at site id site of dut (0 when unknown). */
static inline u32 site_func(const struct ddv_dut *dut, u32 site)
{
	return site < dut->nsites ? dut->sites[site].func : 0;
}
/* Logs message msg of pack for object o of dut: its key and fields as arguments, its site. */
void ddv_report_object(struct ddv_dut *dut, const struct store_obj *o,
		       const struct ddv_pack *pack, u16 msg, unsigned int nfields);
enum ddv_leak_report {
	DDV_NOT_A_LEAK,		/* the type has no leak message: nothing logged */
	DDV_LEAK_REPORTED,	/* its type's leak message */
	DDV_LEAK_TYPE_UNKNOWN,	/* no pack has its type any more: ddv.leak-unknown-type */
};
enum ddv_leak_report ddv_report_leak(struct ddv_dut *dut, const struct store_obj *o);

/* abi.c: the calls' entry and exit, injection; SET_TRACE, SET_FUNC_OFF, RULE_OFF, INJECT */
int ddv_inject_init(void);
void ddv_inject_exit(void);
extern struct inject_state ddv_inject;
extern struct trigger_table ddv_triggers;
/*
 * Bytes the drivers hold in objects with a size (the budget's measure):
 * abi.h's ddv_bytes_made - ddv_bytes_freed. Inline: every create and destroy.
 */
static __always_inline void ddv_inject_account(s64 delta)
{
	if (delta >= 0)
		this_cpu_add(ddv_bytes_made, delta);
	else
		this_cpu_add(ddv_bytes_freed, -delta);
}
void ddv_inject_status(struct ddv_status *st);
long ddv_op_set_trace(struct ddv_cmd *cmd);
long ddv_op_set_func_off(struct ddv_cmd *cmd);
long ddv_op_rule_off(struct ddv_cmd *cmd);
void ddv_violation_of(struct ddv_call *call, const struct ddv_pack *pack, u16 msg,
		      unsigned int nargs, const u64 *args);
long ddv_op_inject(struct ddv_cmd *cmd);

/* scopes.c (more in scopes.h): SCOPE */
long ddv_op_scope(struct ddv_cmd *cmd);

#endif /* DDV_INTERNAL_H */
