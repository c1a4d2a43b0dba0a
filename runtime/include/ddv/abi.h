/* SPDX-License-Identifier: GPL-2.0 */
/*
 * abi.h: the one interface between the packs that ddvc generates and the ddv
 * runtime (ddv.ko). Generated code includes this header and nothing else of ours;
 * every symbol it uses starts with ddv_ / DDV_.
 *
 * A pack is descriptor tables (types, messages, functions) plus one wrapper per
 * probed exported symbol. The wrapper has the symbol's real prototype; the
 * runtime redirects the driver's own call sites of the symbol to the wrapper.
 * What ddvc writes (pack "linux", function index 0, messages 256 and 257): the
 * rules once, as a body on a call record (the rules after the original call
 * in a body of their own), a wrapper that inlines the body after the inline
 * entry, and the rare path: two functions of their own that inline the same
 * bodies, for the full entry and for the rare events of the inline path.
 *
 *	// specs/linux/heap.ddv:27:5: kmalloc -> kmalloc_trace
 *	static __always_inline void *ddv_a_kmalloc_trace(struct ddv_call *ddv_call,
 *				void *ret, size_t size)	// the rules after the call
 *	{
 *		if (ret != NULL) {		// after ret != NULL { create heap[ret] { size = size; } }
 *			u64 ddv_fv[DDV_MAX_FIELDS] = { [0] = size };
 *			int ddv_rc;
 *
 *			ddv_rc = ddv_obj_create(ddv_call, 0, (u64)ret, 0, ddv_fv, NULL, 0, 1);
 *			if (DDV_RARE(ddv_call, ddv_rc))
 *				goto ddv_resume;
 *			if (ddv_rc == -EEXIST) {
 *				if (ddv_call->bail)
 *					goto ddv_resume;
 *				ddv_violation(ddv_call, 257, 0);
 *			}
 *			ddv_call->bail = 0;	// an object changed: no resuming afresh now
 *		}
 *		ddv_call_exit(ddv_call, (u64)ret);
 *		return ret;
 *	ddv_resume: __attribute__((__cold__, __unused__));
 *		return ddv_p_kmalloc_trace(ddv_call->ret_ip, ddv_call->dut, ret, size);
 *	}
 *
 *	static __always_inline void *ddv_b_kmalloc_trace(struct ddv_call *ddv_call,
 *				struct kmem_cache *s, gfp_t flags, size_t size)
 *	{
 *		const u8 ddv_inline = ddv_call->bail;
 *		void *ret;
 *
 *		if (!(!gfpflags_allow_blocking(flags) || ddv_can_sleep())) {
 *			if (ddv_call->bail)
 *				goto ddv_restart;
 *			ddv_violation(ddv_call, 256, 1, (u64)size);	// "sleeping allocation ..."
 *		}
 *		switch (ddv_should_fail(ddv_call, (u64)size, DDV_CONTIG)) {
 *		case DDV_FAIL_RARE: goto ddv_restart;			// injection on
 *		case 1: ret = NULL; break;				// fails NULL
 *		default: ret = kmalloc_trace(s, flags, size); break;
 *		}
 *		ddv_call->bail = ddv_inline;
 *		return ddv_a_kmalloc_trace(ddv_call, ret, size);
 *	ddv_restart: __attribute__((__cold__, __unused__));
 *		return ddv_r_kmalloc_trace(ddv_call->ret_ip, ddv_call->dut, s, flags, size);
 *	}
 *
 *	// The rare path: a call restarted from the inline entry (dut), or the full entry.
 *	static DDV_RARE_PATH void *ddv_r_kmalloc_trace(unsigned long ddv_ret_ip,
 *				unsigned long ddv_dut, struct kmem_cache *s, gfp_t flags, size_t size)
 *	{
 *		struct ddv_call ddv_call DDV_CALL_NOINIT;
 *		u64 ddv_args[3] = { (u64)s, (u64)flags, (u64)size };	// for tracing
 *
 *		if (ddv_dut) {
 *			ddv_call_enter_rare(&ddv_call, &ddv_pack_linux, 0, ddv_ret_ip, ddv_dut, 3);
 *		} else if (!__ddv_call_enter(&ddv_call, &ddv_pack_linux, 0, ddv_ret_ip, ddv_args, 3)) {
 *			return kmalloc_trace(s, flags, size);	// function switched off
 *		}
 *		return ddv_b_kmalloc_trace(&ddv_call, s, flags, size);
 *	}
 *
 *	// The rare path after the original returned: the call resumed.
 *	static DDV_RARE_PATH void *ddv_p_kmalloc_trace(unsigned long ddv_ret_ip,
 *				unsigned long ddv_dut, void *ret, size_t size)
 *	{
 *		struct ddv_call ddv_call DDV_CALL_NOINIT;
 *
 *		ddv_call_enter_rare(&ddv_call, &ddv_pack_linux, 0, ddv_ret_ip, ddv_dut, 3);
 *		return ddv_a_kmalloc_trace(&ddv_call, ret, size);
 *	}
 *
 *	static DDV_WRAPPER void *ddv_w_kmalloc_trace(struct kmem_cache *s, gfp_t flags, size_t size)
 *	{
 *		struct ddv_call ddv_call DDV_CALL_NOINIT;
 *
 *		if (likely(ddv_call_enter_fast(&ddv_call, &ddv_pack_linux, 0, _RET_IP_, 3)))
 *			return ddv_b_kmalloc_trace(&ddv_call, s, flags, size);
 *		return ddv_r_kmalloc_trace(_RET_IP_, 0, s, flags, size);
 *	}
 *
 * After the inline entry the record's fields are constants (pack, func, the
 * flags, bail set) and two registers (return address, driver): the record
 * never reaches memory, and the wrapper's own code is the usual path alone,
 * every rare event a jump to the rare path (DDV_RARE below). The rare path's
 * record is in memory and every call into ddv.ko takes a copy of it
 * (DDV_OUT_OF_LINE). A leak scope's begin or end has only the full entry.
 *
 * Indices (type, message, function) are local to the pack; the runtime adds the
 * pack's bases. Message 0 of every pack is reserved (means "no message").
 * The runtime is built with -fno-optimize-sibling-calls and so must packs be:
 * a wrapper must never tail-call the original.
 */
#ifndef DDV_ABI_H
#define DDV_ABI_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <linux/compiler.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/rcupdate.h>
#include <linux/printk.h>
#else
#define __percpu		/* user space reads this header's constants only */
#endif

struct module;
#include <ddv/slot.h>

#define DDV_ABI_VERSION 6	/* 6: the rare path out of the wrapper (bail, DDV_RARE), no function-off test inline; 5: the call record by copy into ddv.ko (kept in registers), no arguments after the inline entry; 4: inline create and destroy (ddv/slot.h); 3: inline fast entry, can_sleep, any_inside, lookup filter */
#define DDV_MAX_FIELDS 4	/* u64 fields of one object */
#define DDV_MAX_ARGS 6		/* u64 arguments of one log record */
#define DDV_MAX_DUTS 8		/* driver-under-test ids 1..7; 0 is "nobody" */

/* Where a construct is written: embedded so a report can name heap.ddv:42:5. */
struct ddv_srcpos {
	const char *file;
	u32 line;
	u32 col;
};

/* An object type: a key, up to DDV_MAX_FIELDS fields, an optional small state. */
struct ddv_type_desc {
	const char *name;
	const char *const *field_names;
	const char *const *state_names;		/* NULL when the type has no state */
	u8 nfields;
	u8 nstates;
	u16 flags;				/* DDV_TYPE_* */
	u16 leak_msg;				/* reported per object still owned at unload; 0: never a leak */
	s8 size_field;				/* field that holds the object's size, or -1 */
	struct ddv_srcpos pos;
};
#define DDV_TYPE_CONTAINED	0x1	/* may live inside a heap block: indexed for ddv_obj_find_inside() */

enum ddv_severity { DDV_SEV_ERROR, DDV_SEV_WARNING, DDV_SEV_NOTE };

/* One message: a rule's diagnostic, or a trace record's layout. */
struct ddv_msg_desc {
	const char *rule_id;		/* stable: "heap.double-free"; used by reports, suppressions, disable */
	const char *text;		/* with {name} placeholders for the record's arguments, as in the catalog */
	const char *const *arg_names;
	u8 nargs;
	u8 severity;			/* enum ddv_severity */
	struct ddv_srcpos pos;
};

/* What the injector may do to a function (the spec's "class"). */
enum ddv_fault_class {
	DDV_FAULT_NONE,		/* cannot fail: never injected */
	DDV_FAULT_GENERIC,	/* fails with one of its failure values */
	DDV_FAULT_ALLOC,	/* an allocation: memory-pressure modes apply (size, contiguity, budget) */
	DDV_FAULT_TRYLOCK,	/* a trylock: lock-contention mode may fail it */
	DDV_FAULT_LOCK,		/* a blocking lock: lock-contention mode may delay it */
};

/* Flags to ddv_should_fail() for an allocation. */
#define DDV_CONTIG	0x1	/* physically contiguous (kmalloc, DMA) rather than virtual (vmalloc) */

/* A probed exported symbol. */
struct ddv_func_desc {
	const char *symbol;		/* the exported symbol whose call sites are redirected */
	const char *api;		/* the API's name in reports: "kmalloc" for kmalloc_trace */
	void *wrapper;			/* the generated wrapper, same prototype */
	void *original;			/* &symbol; NULL for an optional symbol the kernel lacks */
	const s64 *fail_values;		/* what an injected failure returns (pointer results: 0 = NULL) */
	u16 call_msg;			/* trace layout: the arguments in order */
	u16 ret_msg;			/* trace layout: the return value */
	u8 nargs;
	u8 nfail;
	u8 fault_class;			/* enum ddv_fault_class */
	u8 flags;			/* DDV_FUNC_* */
	struct ddv_srcpos pos;
};
#define DDV_FUNC_MAY_SLEEP	0x1	/* the runtime reports a call from atomic context */
#define DDV_FUNC_OPTIONAL	0x2	/* the kernel may lack the symbol */
#define DDV_FUNC_RET_PTR	0x4	/* returns a pointer (ERR_PTR-aware tracing) */

/* A leak scope between two calls: counts of a type must match between them. */
struct ddv_scope_desc {
	const char *name;
	u16 begin_func;			/* scope opens after this function returns successfully */
	u16 end_func;			/* and closes before this one runs */
	u16 type;
	u16 msg;
	struct ddv_srcpos pos;
};

struct ddv_pack {
	u32 abi_version;		/* DDV_ABI_VERSION */
	const char *name;
	const char *version;		/* "1.0+digest": the digest seals the catalog to the tables */
	const char *catalog;		/* the catalog text: names for the ddv command, never read here */
	u32 catalog_len;
	const struct ddv_type_desc *types;
	const struct ddv_msg_desc *msgs;
	const struct ddv_func_desc *funcs;
	const struct ddv_scope_desc *scopes;
	u16 ntypes;
	u16 nmsgs;
	u16 nfuncs;
	u16 nscopes;
	/* Filled in by ddv_register_pack(). */
	u16 pack_id;
	u16 type_base;
	u16 func_base;
	struct module *owner;
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
 * the inline path: every call into ddv.ko gets a copy (DDV_OUT_OF_LINE), so
 * the compiler keeps the record in registers and constants (pack, func and
 * the flags are known where the wrapper is compiled) and writes it to memory
 * only on the way into ddv.ko.
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
	u8 bail;			/* inline entry: a rare event restarts or resumes the call on the rare path (DDV_RARE) */
	const u64 *args;		/* the call's arguments, for tracing; NULL after the inline entry */
};

/*
 * A call into ddv.ko with the call record: on a copy. Taking the record's
 * own address would make the compiler keep all of it in memory on every call
 * (a store per field). What ddv.ko may change after the entry is copied back
 * only where it is read again: the reported and injected flags by the
 * out-of-line exit, missed by the violations of an attached driver. The site
 * ddv.ko looked up is not: it looks it up again when it needs it (rarely).
 * On the inline path fast_exit is 1 and attached 0, constants: no copy back
 * is left, nothing stays live across the original call for it.
 */
#define DDV_COPY_BACK(call, copy) do {					\
	if (!(call)->fast_exit) {					\
		(call)->injected = (copy).injected;			\
		(call)->reported = (copy).reported;			\
	}								\
	if ((call)->attached)						\
		(call)->missed = (copy).missed;				\
} while (0)
#define DDV_OUT_OF_LINE(call, fn, ...) ({				\
	struct ddv_call __ddv_copy = *(call);				\
	__auto_type __ddv_ret = fn(&__ddv_copy, ##__VA_ARGS__);		\
	DDV_COPY_BACK(call, __ddv_copy);				\
	__ddv_ret;							\
})
#define DDV_OUT_OF_LINE_VOID(call, fn, ...) do {			\
	struct ddv_call __ddv_copy = *(call);				\
	fn(&__ddv_copy, ##__VA_ARGS__);					\
	DDV_COPY_BACK(call, __ddv_copy);				\
} while (0)

/*
 * The rare path. After the inline entry (call->bail set) the wrapper's own
 * code holds the usual path only: an operation that would call into ddv.ko
 * answers -EAGAIN instead (DDV_FAIL_RARE for ddv_should_fail()) and does
 * nothing, and a check that fails reports nothing; the generated code then
 * restarts the call in a function of its own (before the original is called)
 * or resumes it there after the original returned, where the same rules run
 * with bail clear and handle the event in place. So the wrapper keeps no
 * register and no stack for the cold code. A restart is legal only while
 * nothing was done, so ddvc clears bail after every change to an object and
 * sets it again, to the entry's value, after the original call.
 */
/* rc first: it may be the operation itself, which must run whatever bail is. */
#define DDV_RARE(call, rc) unlikely((rc) == -EAGAIN && (call)->bail)
#define DDV_FAIL_RARE 0xffffffffu
/* An operation's call into ddv.ko, or with bail -EAGAIN. */
#define DDV_OUT_OF_LINE_OR_RARE(call, fn, ...) \
	((call)->bail ? -EAGAIN : DDV_OUT_OF_LINE(call, fn, ##__VA_ARGS__))

/*
 * Locals of a wrapper that need no zeroing by the kernel's automatic
 * initialisation of locals (CONFIG_INIT_STACK_ALL_ZERO: a rep stos per
 * object on every call): ddv_call_enter() sets every field of struct
 * ddv_call read later, a lookup fills the struct ddv_obj a foreach reads.
 */
#if defined(__has_attribute) && __has_attribute(__uninitialized__)
#define DDV_NOINIT __attribute__((__uninitialized__))
#else
#define DDV_NOINIT
#endif
#define DDV_CALL_NOINIT DDV_NOINIT

/*
 * Every generated wrapper: no stack canary (its only arrays are filled at
 * constant indices; the canary cost a wrapper 5 instructions of about 40),
 * and not traced by ftrace (ddv traces it; the nop cost an instruction).
 */
#if defined(__has_attribute) && __has_attribute(__no_stack_protector__)
#define DDV_WRAPPER notrace __attribute__((__no_stack_protector__))
#else
#define DDV_WRAPPER notrace
#endif
/* A wrapper's rare path (abi.h DDV_RARE): a function of its own, never inlined into it. */
#define DDV_RARE_PATH noinline DDV_WRAPPER

/*
 * A byte flag that ddv.ko flips while wrappers run: read plainly, so the
 * compiler tests it in memory (one cmpb) instead of loading it first, as
 * READ_ONCE makes it do. A byte cannot tear, no read is moved across the
 * original call (a call), and a stale value is the value of a moment before.
 */
#define DDV_FLAG(x) (x)

/*
 * The fast entry: while exactly one driver is under test, was loaded by ddv
 * (not attached live) and no function is traced or switched off (ddv off),
 * ddv.ko publishes its core text here and the wrapper enters inline: one
 * range test, one per-CPU increment. Else it points to a record with empty
 * ranges (never NULL): every call takes __ddv_call_enter(), which answers
 * false for a function switched off (the wrapper calls the original and
 * nothing else).
 * A published record never changes but for its init range; ddv.ko publishes another or the empty one.
 */
struct ddv_fast_dut {
	unsigned long text_lo;		/* the driver's core text */
	unsigned long text_len;
	unsigned long init_lo;		/* and its init text while init runs (else 0, 0) */
	unsigned long init_len;
	u16 dut;
};
extern struct ddv_fast_dut *ddv_fast;
#ifdef __KERNEL__
/*
 * Calls per driver per CPU, entered and returned (in flight: the difference,
 * summed over the CPUs). Static arrays indexed by the driver's id: one
 * instruction each, with the id in a register.
 */
DECLARE_PER_CPU(u64 [DDV_MAX_DUTS], ddv_calls);
DECLARE_PER_CPU(u64 [DDV_MAX_DUTS], ddv_returns);
#endif
#define DDV_SITE_LATER	0xfffffffeu	/* call->site: not searched yet, the runtime finds it when needed */

/*
 * Starts a call: finds the caller's driver, logs the entry when traced.
 * Returns false when the function is switched off: the wrapper then calls the
 * original and nothing else.
 */
bool __ddv_call_enter(struct ddv_call *call, struct ddv_pack *pack, u16 func,
		      unsigned long ret_ip, const u64 *args, unsigned int nargs);
#ifdef __KERNEL__
/* The record as the inline entry fills it: constants but for the return address and driver. */
static __always_inline void ddv_call_fill_inline(struct ddv_call *call, struct ddv_pack *pack,
						 u16 func, unsigned long ret_ip, u16 dut,
						 unsigned int nargs, bool bail)
{
	/*
	 * Only tracing reads the arguments, and a traced call never takes
	 * the inline entry (ddv.ko publishes no driver for it while any
	 * function is traced): none, so that the wrapper's array of them is
	 * built on the full entry's path only.
	 */
	call->args = NULL;
	call->pack = pack;
	call->ret_ip = ret_ip;
	call->t_enter = 0;
	call->site = DDV_SITE_LATER;
	call->func = func;
	call->dut = dut;
	call->nargs = nargs < DDV_MAX_ARGS ? nargs : DDV_MAX_ARGS;
	call->trace = 0;
	call->injected = 0;
	call->reported = 0;
	call->fast_exit = 1;
	call->missed = 0;
	call->attached = 0;
	call->bail = bail;
}

/*
 * The inline entry alone: true when it took the call (the record is filled,
 * bail set), false when the wrapper must take the full entry.
 */
static __always_inline bool ddv_call_enter_fast(struct ddv_call *call, struct ddv_pack *pack,
						u16 func, unsigned long ret_ip, unsigned int nargs)
{
	const struct ddv_fast_dut *fast = READ_ONCE(ddv_fast);

	if (likely(ret_ip - fast->text_lo < fast->text_len ||
		   ret_ip - READ_ONCE(fast->init_lo) < READ_ONCE(fast->init_len))) {
		ddv_call_fill_inline(call, pack, func, ret_ip, fast->dut, nargs, true);
		this_cpu_inc(ddv_calls[call->dut]);
		return true;
	}
	return false;
}

/*
 * The rare path of a call that took the inline entry (its driver is dut):
 * the record as the inline entry fills it, without counting the call again,
 * and with no bail, so every rare event is handled in place.
 */
static __always_inline void ddv_call_enter_rare(struct ddv_call *call, struct ddv_pack *pack,
						u16 func, unsigned long ret_ip, u16 dut,
						unsigned int nargs)
{
	ddv_call_fill_inline(call, pack, func, ret_ip, dut, nargs, false);
}

/* Either entry, for a hand-written wrapper: no bail, rare events in place. */
static __always_inline bool ddv_call_enter(struct ddv_call *call, struct ddv_pack *pack, u16 func,
					   unsigned long ret_ip, const u64 *args, unsigned int nargs)
{
	if (ddv_call_enter_fast(call, pack, func, ret_ip, nargs)) {
		call->bail = 0;
		return true;
	}
	return __ddv_call_enter(call, pack, func, ret_ip, args, nargs);
}
#endif
/* Ends a call: logs the return when traced. */
void __ddv_call_exit(struct ddv_call *call, u64 ret);
#ifdef __KERNEL__
static inline void ddv_call_exit(struct ddv_call *call, u64 ret)
{
	/* The usual untraced call: one per-CPU increment, no call into ddv.ko. */
	if (likely(call->fast_exit))
		this_cpu_inc(ddv_returns[call->dut]);
	else
		DDV_OUT_OF_LINE_VOID(call, __ddv_call_exit, ret);
}
#endif

/*
 * Asks the injector whether this call fails. Returns 0 to go on, or 1 + the
 * index in the function's fail_values of the value to return. size is the
 * allocation's size (0 when none), flags DDV_CONTIG or 0.
 */
extern bool ddv_inject_on;		/* some injection mode is on (set by ddv.ko only) */
unsigned int __ddv_should_fail(struct ddv_call *call, u64 size, unsigned int flags);
#ifdef __KERNEL__
static inline unsigned int ddv_should_fail(struct ddv_call *call, u64 size, unsigned int flags)
{
	/* While nothing is injected (the usual case) no call into ddv.ko. */
	if (likely(!DDV_FLAG(ddv_inject_on)))
		return 0;
	if (call->bail)
		return DDV_FAIL_RARE;
	return DDV_OUT_OF_LINE(call, __ddv_should_fail, size, flags);
}
#endif

/* Reports that rule message msg fired, with nargs arguments (at most DDV_MAX_ARGS). */
void __ddv_violation(struct ddv_call *call, u16 msg, unsigned int nargs, ...);
#define ddv_violation(call, msg, ...) \
	DDV_OUT_OF_LINE_VOID(call, __ddv_violation, msg, ##__VA_ARGS__)

/*
 * Calling context, for checks: may the caller sleep? preemptible() sees
 * spinlocks, softirq and hardirq context and interrupts off (Debian's kernels
 * count preemption: PREEMPT_DYNAMIC); rcu_preempt_depth() sees an RCU
 * read-side section. Inline: a few loads on every sleeping call.
 */
#ifdef __KERNEL__
static __always_inline bool ddv_can_sleep(void)
{
	return preemptible() && !rcu_preempt_depth();
}
#endif

/*
 * For checks: is p in the vmalloc area (is_vmalloc_addr())? On 6.1 that is
 * a call, and VMALLOC_END a static branch (five-level paging): ddv.ko keeps
 * the area's bounds, set at its load. Two compares, of which a kmalloc'ed
 * block (in the direct map, below the area) takes one.
 */
extern unsigned long ddv_vmalloc_start, ddv_vmalloc_end;
static __always_inline bool ddv_is_vmalloc(const void *p)
{
	return (unsigned long)p >= ddv_vmalloc_start && (unsigned long)p < ddv_vmalloc_end;
}

/* A snapshot of one object. */
struct ddv_obj {
	u64 key;
	u64 fields[DDV_MAX_FIELDS];
	unsigned long site;		/* the creating call: global function id << 32 | its site id */
	u16 type;			/* local to the pack */
	u16 dut;			/* owning driver; 0: nobody's (ownership transferred) */
	u8 state;
};

/*
 * State operations. Types are local to call->pack. Each returns 0 or a
 * negative errno, never reports by itself: the generated code reports the
 * rule's own message, so every finding names the rule that was broken.
 *   -EEXIST  create: the key is live already (old, if given, receives it)
 *   -ENOENT  the key is not live
 *   -ERANGE  adjust: the result would leave [min, max]; nothing changed
 *   -ENOSPC  the store is full: counted and reported by the runtime itself
 */
int __ddv_obj_create(struct ddv_call *call, u16 type, u64 key, u8 state,
		     const u64 *fields, struct ddv_obj *old);
int __ddv_obj_destroy(struct ddv_call *call, u16 type, u64 key, struct ddv_obj *old);
/*
 * size_field (ddv_obj_create, ddv_obj_destroy): the type's size field, as in
 * its descriptor, or -1; a constant where ddvc writes the call, so the
 * memory budget's byte count costs one add. nfields (ddv_obj_create): the
 * type's number of fields, as in its descriptor; the inline create writes
 * those only.
 * The usual create and destroy (an allocation's block) happen inline, on the
 * store's slots (ddv/slot.h): the type had objects before, is not contained,
 * no pack declares a leak scope, and the object's home slot is free (create)
 * or holds it with no probe path crossing it (destroy). Anything else, with
 * the same result, in __ddv_obj_create and __ddv_obj_destroy.
 */
/*
 * ddv_type_used[]: global types (pack->type_base + type) that ever had an
 * object: a lookup of a type that never had one (vmem[p] in kfree, most of
 * the time) answers inline. DDV_TYPE_USED_INLINE: creates and destroys of
 * the type may be inline (it is not contained, and no driver is attached
 * live: ddv.ko lowers every type to DDV_TYPE_USED meanwhile, so that it sees
 * each destroy). Written by ddv.ko only, never cleared.
 */
#define DDV_TYPE_USED_INLINE	1
#define DDV_TYPE_USED		2
extern u8 ddv_type_used[];
extern struct ddv_slot *ddv_slots;		/* ddv.ko's store: fixed while it is loaded */
extern u32 ddv_slots_mask;
extern u16 ddv_dut_scope[];			/* per driver: the leak scope open now, 0: none */
#ifdef __KERNEL__
/* Bytes of objects with a size, made and freed (held: the difference, over the CPUs). */
DECLARE_PER_CPU(u64, ddv_bytes_made);
DECLARE_PER_CPU(u64, ddv_bytes_freed);

/*
 * An object's site: bits 0-31 where it was created, 32-47 the creating
 * function's global id, 48-63 the leak scope open at creation (0: none).
 * Where: the call's site id when the entry knew it (a tail-call stub), else
 * the return address's low half (the site table is searched only when a
 * report names the object): modules lie in the top 2 GB, so that half has
 * bit 31 (DDV_SITE_IP) set, which no site id has, and sign-extends back to
 * the address. The inline create leaves the scope out (ddv_obj_site_here):
 * while a scope is open for a driver, ddv.ko keeps the inline gate closed.
 */
#define DDV_SITE_IP 0x80000000u
static __always_inline u64 ddv_obj_site_here(const struct ddv_call *call)
{
	u32 where = call->site;

	if (where == DDV_SITE_LATER)
		where = (u32)call->ret_ip;
	return (u64)(call->pack->func_base + call->func) << 32 | where;
}

static __always_inline u64 ddv_obj_site(const struct ddv_call *call)
{
	return (u64)READ_ONCE(ddv_dut_scope[(unsigned long)call->dut]) << 48 |
	       ddv_obj_site_here(call);
}

/*
 * The gate of the inline create and destroy: one byte. The type is the
 * generated code's constant, always one of the pack's (ddv.ko checks it on
 * the out-of-line path).
 */
static __always_inline bool ddv_obj_inline(const struct ddv_call *call, u16 type)
{
	return likely(DDV_FLAG(ddv_type_used[(unsigned long)call->pack->type_base + type]) ==
		      DDV_TYPE_USED_INLINE);
}

static __always_inline int ddv_obj_create(struct ddv_call *call, u16 type, u64 key, u8 state,
					  const u64 *fields, struct ddv_obj *old, int size_field,
					  int nfields)
{
	if (!old && ddv_obj_inline(call, type)) {
		u16 gt = call->pack->type_base + type;
		u32 hash = ddv_slot_hash(gt, key);
		struct ddv_slot *e = &ddv_slots[hash & ddv_slots_mask];

		if (likely(ddv_slot_claim(e, hash, gt, key, call->dut, state, ddv_obj_site_here(call),
					  fields, nfields))) {
			if (size_field >= 0 && size_field < DDV_MAX_FIELDS && fields)
				this_cpu_add(ddv_bytes_made, fields[size_field]);
			return 0;
		}
	}
	if (call->bail)
		return -EAGAIN;
	if (fields) {
		/* A copy: the wrapper's own array stays in registers on the inline path. */
		u64 f[DDV_MAX_FIELDS] = { fields[0], fields[1], fields[2], fields[3] };

		return DDV_OUT_OF_LINE(call, __ddv_obj_create, type, key, state, f, old);
	}
	return DDV_OUT_OF_LINE(call, __ddv_obj_create, type, key, state, NULL, old);
}

static __always_inline int ddv_obj_destroy(struct ddv_call *call, u16 type, u64 key,
					   struct ddv_obj *old, int size_field)
{
	if (!old && ddv_obj_inline(call, type)) {
		u16 gt = call->pack->type_base + type;
		u32 hash = ddv_slot_hash(gt, key);
		u64 size = 0;

		if (likely(ddv_slot_take(&ddv_slots[hash & ddv_slots_mask], gt, key,
					 size_field, &size))) {
			if (size_field >= 0 && size_field < DDV_MAX_FIELDS)
				this_cpu_add(ddv_bytes_freed, size);
			return 0;
		}
	}
	return DDV_OUT_OF_LINE_OR_RARE(call, __ddv_obj_destroy, type, key, old);
}
#endif
int __ddv_obj_lookup(struct ddv_call *call, u16 type, u64 key, struct ddv_obj *out);
#ifdef __KERNEL__
static __always_inline int ddv_obj_lookup(struct ddv_call *call, u16 type, u64 key,
					  struct ddv_obj *out)
{
	if (likely(!DDV_FLAG(ddv_type_used[(unsigned long)call->pack->type_base + type]))) {
		if (unlikely(call->attached))
			call->missed = 1;	/* the object may predate the attach */
		return -ENOENT;
	}
	return DDV_OUT_OF_LINE_OR_RARE(call, __ddv_obj_lookup, type, key, out);
}
#endif
int __ddv_obj_set_state(struct ddv_call *call, u16 type, u64 key, u8 state);
int __ddv_obj_set_field(struct ddv_call *call, u16 type, u64 key, unsigned int field, u64 value);
int __ddv_obj_adjust(struct ddv_call *call, u16 type, u64 key, unsigned int field,
		     s64 delta, s64 min, s64 max, s64 *result);
/* Ownership transfer: the object stays live but is no longer the driver's to free. */
int __ddv_obj_disown(struct ddv_call *call, u16 type, u64 key);
/* Finds a live object of type whose key lies in [lo, hi); 0 and *out, or -ENOENT. */
int __ddv_obj_find_inside(struct ddv_call *call, u16 type, u64 lo, u64 hi, struct ddv_obj *out);
/* Out of line only. */
#define ddv_obj_set_state(call, ...) DDV_OUT_OF_LINE_OR_RARE(call, __ddv_obj_set_state, __VA_ARGS__)
#define ddv_obj_set_field(call, ...) DDV_OUT_OF_LINE_OR_RARE(call, __ddv_obj_set_field, __VA_ARGS__)
#define ddv_obj_adjust(call, ...) DDV_OUT_OF_LINE_OR_RARE(call, __ddv_obj_adjust, __VA_ARGS__)
#define ddv_obj_disown(call, ...) DDV_OUT_OF_LINE_OR_RARE(call, __ddv_obj_disown, __VA_ARGS__)
/* Only after a lookup found the block, which a bail never gets past: no bail here. */
#define ddv_obj_find_inside(call, ...) DDV_OUT_OF_LINE(call, __ddv_obj_find_inside, __VA_ARGS__)
/*
 * False when ddv_obj_find_inside() of type would find nothing whatever the
 * range (no contained object is live): a foreach then skips looking up the
 * block it walks. True means "maybe" (always, with bail: the lookup
 * that follows bails). Inline: one load while no object of a
 * contained type (timer, work item) is live.
 */
extern u32 ddv_contained_live;
bool __ddv_obj_any_inside(struct ddv_call *call, u16 type);
#ifdef __KERNEL__
static __always_inline bool ddv_obj_any_inside(struct ddv_call *call, u16 type)
{
	/* A plain read: the two foreach of kfree share one load. A stale 0 is
	 * as good as one read a moment earlier, before the object was made. */
	return ddv_contained_live &&
	       (call->bail || DDV_OUT_OF_LINE(call, __ddv_obj_any_inside, type));
}
#endif

#endif /* DDV_ABI_H */
