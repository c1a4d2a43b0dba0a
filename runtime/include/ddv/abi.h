/* SPDX-License-Identifier: GPL-2.0 */
/*
 * abi.h: the one interface between the packs that ddvc generates and the ddv
 * runtime (ddv.ko). Generated code includes this header and nothing else of
 * ours; every symbol it uses starts with ddv_ / DDV_. This file holds the
 * stable contract: the versions and limits (ddv/limits.h), the descriptor
 * tables of a pack, and the declarations of the call protocol (the entry, the
 * exit, injection, violations and the object operations that ddv.ko exports).
 * The inline fast path that generated wrappers compile in, and the raw globals
 * it reads, are in ddv/fastpath.h, included at the end; the store's slot
 * layout that the inline create and destroy share with the store is ddv/slot.h.
 *
 * A pack is descriptor tables (types, messages, functions, scopes), its catalog
 * text, and one wrapper per probed exported symbol. The wrapper has the symbol's
 * real prototype; the runtime redirects the driver's own call sites of the
 * symbol to the wrapper. What ddvc writes for one function, and why it has that
 * shape, is shown and explained in compiler/README ("The generated code").
 *
 * Names live in the catalog alone: the text that `ddvc catalog` prints, kept in
 * the pack module (struct ddv_pack's catalog, in the section DDV_CATALOG_SECTION
 * so that the ddv command reads it from the .ko file too). ddv.ko reads no name
 * but the pack's and a function's symbol and API; the descriptors hold what it
 * reads at run time and nothing else.
 *
 * Indices (type, message, function) are local to the pack; the runtime adds the
 * pack's bases. Message 0 of every pack is reserved (means "no message").
 * A type may also be another pack's, imported (`import linux;` in the spec):
 * DDV_IMPORTED(i) names entry i of the pack's import table (struct ddv_import).
 * The runtime is built with -fno-optimize-sibling-calls; packs are not: a
 * wrapper with nothing to do after the original (no rule after it, its exit
 * counted first: ddv_call_exit_before) ends in a jmp to it, and the original
 * returns to the driver. Call sites are redirected in the driver's text only,
 * so the jmp re-enters nothing.
 */
#ifndef DDV_ABI_H
#define DDV_ABI_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <linux/compiler.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/version.h>
#include <linux/rcupdate.h>
#include <linux/printk.h>
#else
#define __percpu		/* user space reads this header's constants only */
#endif

#include <ddv/limits.h>

struct module;
struct ddv_pcpu_set;

/* An object type: a key, up to DDV_MAX_FIELDS fields, an optional small state. */
struct ddv_type_desc {
	u8 nfields;
	u8 nstates;
	u16 flags;			/* DDV_TYPE_* */
	u16 leak_msg;			/* per object still owned at unload; 0: never a leak */
	s8 size_field;			/* field that holds the object's size, or -1 */
	/*
	 * The spec's `active EXPR`: is the object in use (a timer pending)?
	 * NULL: the type has no such condition. With it, a leak at unload is
	 * one only while active, and an active object of a contained type in
	 * memory that any destroy frees (a block with a size field) is
	 * reported with active_msg (args: key, the block, the fields). Called
	 * by ddv.ko in the freeing call's context, or at unload, on memory
	 * still mapped.
	 */
	bool (*active)(u64 key, const u64 *fields);
	u16 active_msg;
	/*
	 * A per-CPU type's set (DDV_TYPE_PERCPU, ddv/fastpath.h), which the
	 * pack defines: ddv.ko reports what a driver leaves in it (leak_msg)
	 * and empties it when the driver goes. NULL for every other type.
	 */
	struct ddv_pcpu_set __percpu *pcpu;
	/*
	 * A type whose lookup starts an if of a chain (if T[k] ... else if
	 * U[k] ... else ...): the pack's one byte (ddv/fastpath.h DDV_CHAIN_CLOSED)
	 * that ddv.ko sets once any such type has an object (or its id had one
	 * before the pack came), before the object can be found. While it is 0,
	 * the generated code goes straight to the chain's last else. NULL for
	 * every other type.
	 */
	u8 *chain_guard;
};
/* may live inside a heap block: indexed for ddv_obj_find_inside() */
#define DDV_TYPE_CONTAINED	0x1
/* held by the current CPU's context, in a per-CPU set, not in the store */
#define DDV_TYPE_PERCPU		0x2

/* One message: a rule's diagnostic, or a trace record's layout (its text is in the catalog). */
struct ddv_msg_desc {
	u8 nargs;			/* u64 arguments of its log record */
};

/* What the injector may do to a function (the spec's "class"). */
enum ddv_fault_class {
	DDV_FAULT_NONE,		/* cannot fail: never injected */
	DDV_FAULT_GENERIC,	/* fails with one of its failure values */
	DDV_FAULT_ALLOC,	/* an allocation: memory pressure (size, contiguity, budget) */
	DDV_FAULT_TRYLOCK,	/* a trylock: lock-contention mode may fail it */
	DDV_FAULT_LOCK,		/* a blocking lock: lock-contention mode may delay it */
};

/* Flags to ddv_should_fail() for an allocation. */
#define DDV_CONTIG	0x1	/* physically contiguous (kmalloc, DMA), not virtual (vmalloc) */

/* A probed exported symbol. */
struct ddv_func_desc {
	const char *symbol;		/* the exported symbol whose call sites are redirected */
	const char *api;		/* the API's name in reports: "kmalloc" for kmalloc_trace */
	void *wrapper;			/* the generated wrapper, same prototype */
	void *original;			/* &symbol; NULL for an optional symbol the kernel lacks */
	const s64 *fail_values;		/* what an injected failure returns (pointers: 0 = NULL) */
	u16 call_msg;			/* trace layout: the arguments in order */
	u16 ret_msg;			/* trace layout: the return value */
	u8 nargs;
	u8 nfail;
	u8 fault_class;			/* enum ddv_fault_class */
	u8 flags;			/* DDV_FUNC_* */
};
#define DDV_FUNC_MAY_SLEEP	0x1	/* may_sleep: the wrapper checks the context (ddvc) */
#define DDV_FUNC_OPTIONAL	0x2	/* the kernel may lack the symbol */
#define DDV_FUNC_RET_PTR	0x4	/* returns a pointer (ERR_PTR-aware tracing) */

/*
 * A type of another pack that this pack's rules create, destroy or read: its
 * objects are that pack's (its leak rule, size, active condition apply), in
 * the one store. ddv.ko finds it at registration by its catalog line ("type
 * N " then type, as ddvc read it in the other pack's specs): the fields and
 * states the generated code numbers must be the ones the other pack has, or
 * the pack is refused. The pack registered holds a reference on the other
 * one's module until it goes.
 */
struct ddv_import {
	const char *pack;		/* the other pack's name: "linux" */
	const char *type;		/* "heap fields=size states=-": its catalog line's tail */
	/* Filled in by ddv_register_pack(). */
	u16 gtype;			/* the global type id */
	const struct ddv_type_desc *desc;
	struct ddv_pack *from;		/* the other pack, held while this one is registered */
};
/* Type argument of the object operations for import i (a bit no pack's own type has). */
#define DDV_TYPE_IMPORT		0x8000
#define DDV_IMPORTED(i)		(DDV_TYPE_IMPORT | (i))

/* A leak scope between two calls: counts of a type must match between them. */
struct ddv_scope_desc {
	u16 begin_func;			/* scope opens after this function returns successfully */
	u16 end_func;			/* and closes before this one runs */
	u16 type;
	u16 msg;
};

struct ddv_pack {
	u32 abi_version;		/* DDV_ABI_VERSION */
	const char *name;
	const char *version;		/* "1.0+digest": the digest seals the catalog */
	const char *catalog;		/* the catalog text: names for the ddv command */
	u32 catalog_len;
	const struct ddv_type_desc *types;
	const struct ddv_msg_desc *msgs;
	const struct ddv_func_desc *funcs;
	const struct ddv_scope_desc *scopes;
	struct ddv_import *imports;
	u16 ntypes;
	u16 nmsgs;
	u16 nfuncs;
	u16 nscopes;
	u16 nimports;
	/* Filled in by ddv_register_pack(). */
	u16 pack_id;
	u16 type_base;
	u16 func_base;
	struct module *owner;
	/* The inline create's meta words of type_base (ddv/slot.h DDV_CLAIM_ADD, _PUBLISH_ADD). */
	u64 meta_claim;
	u64 meta_publish;
};

/*
 * Called from the pack module's init and exit (generated). A macro so that the
 * runtime learns the pack's module (it holds a reference on it while a driver's
 * sites point at its wrappers) without a lookup the kernel does not export.
 */
#define ddv_register_pack(pack) __ddv_register_pack((pack), THIS_MODULE)
int __ddv_register_pack(struct ddv_pack *pack, struct module *owner);
void ddv_unregister_pack(struct ddv_pack *pack);

/*
 * One call in flight, on the wrapper's stack. Its address is never taken on
 * the inline path: every call into ddv.ko gets a copy (DDV_OUT_OF_LINE in
 * ddv/fastpath.h), so the compiler keeps the record in registers and
 * constants (pack, func and the flags are known where the wrapper is
 * compiled) and writes it to memory only on the way into ddv.ko.
 */
struct ddv_call {
	struct ddv_pack *pack;
	unsigned long ret_ip;		/* return address in the driver: names the call site */
	u64 t_enter;
	u32 site;			/* the driver's site id (its site table), ~0 when unknown */
	u16 func;			/* index in pack->funcs */
	u16 dut;			/* which driver under test made the call */
	u8 nargs;
	u8 trace;			/* trace level of this call */
	u8 injected;			/* a fault was injected */
	u8 reported;			/* a rule fired (for log-on-violation tracing) */
	u8 fast_exit;			/* nothing to log at exit: ddv_call_exit() is inline */
	u8 missed;			/* attached live: an object lookup found nothing */
	u8 attached;			/* the driver was attached live (lookups may miss) */
	u8 bail;			/* inline entry: rare events leave (DDV_RARE) */
	u8 no_contained;		/* a foreach read ddv_contained_live 0 (ddv/fastpath.h) */
	u8 ret_here;			/* ret_ip is the _RET_IP_ of ddv_call_ret_ip's function */
	const u64 *args;		/* for tracing; NULL after the inline entry */
};
/* call->site: not searched yet, the runtime finds it when needed */
#define DDV_SITE_LATER	0xfffffffeu

/*
 * Starts a call: finds the caller's driver, logs the entry when traced.
 * Returns false when the function is switched off: the wrapper then calls the
 * original and nothing else.
 */
bool __ddv_call_enter(struct ddv_call *call, struct ddv_pack *pack, u16 func,
		      unsigned long ret_ip, const u64 *args, unsigned int nargs);
/*
 * The second chance of the inline entry (ddv/fastpath.h), for a call from a
 * driver whose text ddv_fast does not hold (several drivers under test, a
 * function traced, switched off or watched by a trigger, a tail-call stub's
 * call): when the call may go on as the inline entry's would (counted), its
 * driver in bits 0-15 and its site in bits 32-63 (DDV_SITE_LATER, or the
 * stub's site); else 0 (the full entry: its function traced or off, a
 * scope's boundary, a trigger set, a driver attached live, or no driver
 * under test).
 */
u64 __ddv_call_enter_dut(struct ddv_pack *pack, u16 func, unsigned long ret_ip);
/*
 * The site of a call of driver dut on the rare path (ddv/fastpath.h
 * ddv_call_enter_rare): a tail-call stub's (DDV_NO_SITE when the stub is no
 * longer dut's), else DDV_SITE_LATER.
 */
u32 __ddv_call_site_rare(u16 dut, unsigned long ret_ip);
/* Ends a call: logs the return when traced. */
void __ddv_call_exit(struct ddv_call *call, u64 ret);

/*
 * Asks the injector whether this call fails. Returns 0 to go on, or 1 + the
 * index in the function's fail_values of the value to return. size is the
 * allocation's size (0 when none), flags DDV_CONTIG or 0.
 */
unsigned int __ddv_should_fail(struct ddv_call *call, u64 size, unsigned int flags);

/* Reports that rule message msg fired, with nargs arguments (at most DDV_MAX_ARGS). */
void __ddv_violation(struct ddv_call *call, u16 msg, unsigned int nargs, ...);

/* A snapshot of one object. */
struct ddv_obj {
	u64 key;
	u64 fields[DDV_MAX_FIELDS];
	unsigned long site;		/* the creating call: global function id << 32 | site */
	u16 type;			/* local to the pack */
	u16 dut;			/* owning driver; 0: nobody's (ownership transferred) */
	u8 state;
	/*
	 * The inline lookup's: the home slot it read the object in and that
	 * slot's meta then (ddv_obj_destroy_found), while the type's gate was
	 * open for inline destroys; slot NULL otherwise.
	 */
	struct ddv_slot *slot;
	u64 meta;
};

/*
 * State operations. Types are local to call->pack, or DDV_IMPORTED(i). Each returns 0 or a
 * negative errno, never reports by itself: the generated code reports the
 * rule's own message, so every finding names the rule that was broken.
 *   -EEXIST  create: the key is live already (old, if given, receives it)
 *   -ENOENT  the key is not live
 *   -ERANGE  adjust: the result would leave [min, max]; nothing changed
 *   -ENOSPC  the store is full: counted and reported by the runtime itself
 * Generated code calls them through the inline wrappers of ddv/fastpath.h
 * (ddv_obj_create() and the others, without the underscores).
 */
int __ddv_obj_create(struct ddv_call *call, u16 type, u64 key, u8 state,
		     const u64 *fields, struct ddv_obj *old);
int __ddv_obj_destroy(struct ddv_call *call, u16 type, u64 key, struct ddv_obj *old);
int __ddv_obj_lookup(struct ddv_call *call, u16 type, u64 key, struct ddv_obj *out);
int __ddv_obj_set_state(struct ddv_call *call, u16 type, u64 key, u8 state);
int __ddv_obj_set_field(struct ddv_call *call, u16 type, u64 key, unsigned int field, u64 value);
int __ddv_obj_adjust(struct ddv_call *call, u16 type, u64 key, unsigned int field,
		     s64 delta, s64 min, s64 max, s64 *result);
/* Ownership transfer: the object stays live but is no longer the driver's to free. */
int __ddv_obj_disown(struct ddv_call *call, u16 type, u64 key);
/*
 * The object is a resource of device (a struct device *) managed by devres:
 * its record ends when devres releases it (unbind, a failed probe, a group's
 * release). -ENOMEM: not followed, the record stays until destroyed.
 */
int __ddv_obj_managed(struct ddv_call *call, u16 type, u64 key, const void *device);
/* Finds a live object of type whose key lies in [lo, hi); 0 and *out, or -ENOENT. */
int __ddv_obj_find_inside(struct ddv_call *call, u16 type, u64 lo, u64 hi, struct ddv_obj *out);
/* False when no object of a contained type is live: find_inside would find nothing. */
bool __ddv_obj_any_inside(struct ddv_call *call, u16 type);

#include <ddv/fastpath.h>

#endif /* DDV_ABI_H */
