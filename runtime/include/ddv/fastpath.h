/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fastpath.h: the inline fast path that every generated wrapper compiles in,
 * and the raw globals of ddv.ko it reads. Included by abi.h only, after the
 * contract it builds on (struct ddv_call, the out-of-line calls); its layout
 * may change with DDV_ABI_VERSION like the rest, but only ddvc's output and
 * ddv.ko depend on it.
 *
 * After the inline entry the record's fields are constants (pack, func, the
 * flags, bail set) and two registers (return address, driver): the record
 * never reaches memory, and the wrapper's own code is the usual path alone,
 * every rare event a jump to the rare path (DDV_RARE below). The rare path's
 * record is in memory and every call into ddv.ko takes a copy of it
 * (DDV_OUT_OF_LINE). A leak scope's begin or end has only the full entry.
 */
#ifndef DDV_FASTPATH_H
#define DDV_FASTPATH_H

#ifndef DDV_ABI_H
#error "include <ddv/abi.h>, not <ddv/fastpath.h>"
#endif

#include <ddv/slot.h>
#include <ddv/area.h>

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
 * constant indices, so the canary guards nothing and costs instructions on
 * every call), not traced by ftrace (ddv traces it itself), and noinline:
 * nothing calls a wrapper by name, and gcc's partial inlining would split a
 * wrapper's tail into a .part function whose _RET_IP_ is the wrapper's caller
 * only while the wrapper jumps there.
 */
#if defined(__has_attribute) && __has_attribute(__no_stack_protector__)
#define DDV_WRAPPER noinline notrace __attribute__((__no_stack_protector__))
#else
#define DDV_WRAPPER noinline notrace
#endif
/* A wrapper's rare path (DDV_RARE): a function of its own, never inlined into it. */
#define DDV_RARE_PATH DDV_WRAPPER

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
 * nothing else). A published record never changes but for its init range;
 * ddv.ko publishes another or the empty one.
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
	call->no_contained = 0;
	call->ret_here = 0;
}

/*
 * The call's return address, after the original call too. In the wrapper
 * itself (the inline entry's record: ret_here) it is read again from the
 * wrapper's frame (_RET_IP_: one load) instead of being kept in a
 * callee-saved register across the original call (a push and a pop); the
 * rare paths' functions get it as an argument. Only for a record whose
 * rules are all inlined into the function that entered (ddvc's wrappers,
 * which pass ddv_call_enter_fast their own _RET_IP_); ddv_call_enter, for
 * hand-written wrappers, and every other entry leave it 0.
 */
static __always_inline unsigned long ddv_call_ret_ip(const struct ddv_call *call)
{
	return call->ret_here ? _RET_IP_ : call->ret_ip;
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
		call->ret_here = 1;
		this_cpu_inc(ddv_calls[call->dut]);
		return true;
	}
	return false;
}

/*
 * The inline entry's second chance, for a call that ddv_fast does not take
 * (several drivers under test; a function traced, switched off or watched
 * by a trigger; a tail-call stub's call): ddv.ko names its driver and site
 * (__ddv_call_enter_dut) and the call goes on as the inline entry's, in a
 * function of the wrapper's own (ddv_q_*, the same body), so that the
 * wrapper's usual path keeps its registers. False: the full entry.
 */
static __always_inline bool ddv_call_enter_dut(struct ddv_call *call, struct ddv_pack *pack,
					       u16 func, unsigned long ret_ip, unsigned int nargs)
{
	u64 r = __ddv_call_enter_dut(pack, func, ret_ip);

	if (unlikely(!r))
		return false;
	ddv_call_fill_inline(call, pack, func, ret_ip, (u16)r, nargs, true);
	call->site = r >> 32;
	return true;
}

/*
 * The rare path of a call that took the inline entry (its driver is dut):
 * the record as the inline entry fills it, without counting the call again,
 * and with no bail, so every rare event is handled in place. Its site is
 * asked again: the second chance named a tail-call stub's, which the return
 * address (in the stub) cannot name later, and the rare path gets the driver
 * alone (an inline create here stores the site: ddv_obj_site_here).
 */
static __always_inline void ddv_call_enter_rare(struct ddv_call *call, struct ddv_pack *pack,
						u16 func, unsigned long ret_ip, u16 dut,
						unsigned int nargs)
{
	ddv_call_fill_inline(call, pack, func, ret_ip, dut, nargs, false);
	call->site = __ddv_call_site_rare(dut, ret_ip);
}

/* Either entry, for a hand-written wrapper: no bail, rare events in place. */
static __always_inline bool ddv_call_enter(struct ddv_call *call, struct ddv_pack *pack,
					   u16 func, unsigned long ret_ip, const u64 *args,
					   unsigned int nargs)
{
	if (ddv_call_enter_fast(call, pack, func, ret_ip, nargs)) {
		call->bail = 0;
		/* Its rules may lie in functions of their own: the ret_ip passed. */
		call->ret_here = 0;
		return true;
	}
	return __ddv_call_enter(call, pack, func, ret_ip, args, nargs);
}

/*
 * The exit of a call with nothing left to do after the original (no rule
 * after it): an untraced call counts its return before the original, which
 * the wrapper then tail-calls (one jmp: no register kept across a call, no
 * frame left after it). The in-flight count (ddv.ko's drain) covers the
 * wrapper's code, which the call leaves but for that jmp, and the RCU-tasks
 * wait after it covers the jmp as it does an epilogue. Only on the inline
 * entry, where both tests are constants: never for a call that came through
 * a tail-call stub (its site known: ddv_call_enter_dut), whose original
 * would return into the stub, ddv.ko's text, while the count says nothing
 * is in flight (an original that sleeps outlives drain's RCU-tasks wait);
 * and the second chance and the rare path, where the site is not known
 * before the entry, keep the registers they had (a test of the site kept it
 * live across the call: 6 instructions a kfree). False: the exit is
 * ddv_call_exit after the original.
 */
static __always_inline bool ddv_call_exit_before(struct ddv_call *call)
{
	bool inline_entry = call->fast_exit && call->site == DDV_SITE_LATER;

	if (__builtin_constant_p(inline_entry) && inline_entry) {
		this_cpu_inc(ddv_returns[call->dut]);
		return true;
	}
	return false;
}

static __always_inline void ddv_call_exit(struct ddv_call *call, u64 ret)
{
	/* The usual untraced call: one per-CPU increment, no call into ddv.ko. */
	if (likely(call->fast_exit))
		this_cpu_inc(ddv_returns[call->dut]);
	else
		DDV_OUT_OF_LINE_VOID(call, __ddv_call_exit, ret);
}
#endif

extern bool ddv_inject_on;		/* some injection mode is on (set by ddv.ko only) */
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

/*
 * fails ... if COND (ddv-rules(5)): a call is fallible only where COND holds,
 * read only while injecting; where it does not, ddv.ko never hears of the
 * call (neither failed, nor counted by the Nth modes, nor recorded).
 */
#define ddv_should_fail_if(call, cond, size, flags)				\
	(likely(!DDV_FLAG(ddv_inject_on)) || !(cond) ? 0 : ddv_should_fail(call, size, flags))
#endif

#define ddv_violation(call, msg, ...) \
	DDV_OUT_OF_LINE_VOID(call, __ddv_violation, msg, ##__VA_ARGS__)

/*
 * Calling context, for checks: may the caller sleep? preemptible() sees
 * spinlocks, softirq and hardirq context and interrupts off (Debian's kernels
 * count preemption: PREEMPT_DYNAMIC); rcu_preempt_depth() sees an RCU
 * read-side section. Inline: a few loads on every sleeping call. With
 * preemption counted, preemptible() is preempt_count() == 0 && !irqs_disabled()
 * (include/linux/preempt.h:227 on 6.1 and 6.12), and both counts are ints
 * (arch/x86/include/asm/preempt.h preempt_count(): the count without
 * PREEMPT_NEED_RESCHED; include/linux/rcupdate.h:83 on 6.1, :81 on 6.12:
 * current->rcu_read_lock_nesting, which counts from 0 up: +1 per
 * rcu_read_lock(), -1 per unlock, kernel/rcu/tree_plugin.h:377-386 on 6.1),
 * so the raw count or'ed with the depth, PREEMPT_NEED_RESCHED masked, is zero
 * exactly when both are: one or and one test instead of two tests.
 */
#ifdef __KERNEL__
/* The preemption count as preempt_count() reads it, with PREEMPT_NEED_RESCHED. */
static __always_inline int ddv_preempt_count_raw(void)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return raw_cpu_read_4(pcpu_hot.preempt_count);
#else
	return raw_cpu_read_4(__preempt_count);
#endif
}

static __always_inline bool ddv_can_sleep(void)
{
#ifdef CONFIG_PREEMPT_COUNT
	return !((ddv_preempt_count_raw() | rcu_preempt_depth()) & ~PREEMPT_NEED_RESCHED) &&
	       !irqs_disabled();
#else
	return preemptible() && !rcu_preempt_depth();
#endif
}

/*
 * ddv_can_be_signalled() in rules (ddv-rules(5)): can a signal end the
 * calling task's interruptible sleep (-ERESTARTSYS, -EINTR)? A user task:
 * yes (SIGKILL cannot be ignored). A kernel thread inherits kthreadd's
 * handlers, every one SIG_IGN (kernel/kthread.c kthreadd(): ignore_signals(),
 * kernel/signal.c), and prepare_signal() drops a signal whose handler ignores
 * it (kernel/signal.c sig_task_ignored(), sig_handler_ignored()); only
 * allow_signal() or allow_kernel_signal() (include/linux/signal.h) opens one.
 * The freezer and livepatch wake a kthread without a fake signal
 * (kernel/freezer.c freeze_task(), kernel/livepatch/transition.c). So a
 * kthread can be signalled when some handler does not ignore its signal, or
 * something is pending already. Read while injecting only (a loop of _NSIG).
 */
static inline bool ddv_can_be_signalled(void)
{
	struct task_struct *t = current;
	int sig;

	if (!(READ_ONCE(t->flags) & PF_KTHREAD) || signal_pending(t))
		return true;
	for (sig = 1; sig <= _NSIG; sig++) {
		__sighandler_t h = READ_ONCE(t->sighand->action[sig - 1].sa.sa_handler);

		if (h != SIG_IGN && !(h == SIG_DFL && sig_kernel_ignore(sig)))
			return true;
	}
	return false;
}

/*
 * current_task in rules (ddv-rules(5)): the calling task as a u64, for an
 * owner ("held by the current task") and for per-task objects keyed by it.
 * In interrupt context it is the interrupted task. One load (per-CPU).
 */
static __always_inline u64 ddv_current_task(void)
{
	return (u64)(unsigned long)current;
}
#endif

/*
 * ddv_in_driver(p) in rules (ddv-rules(5)): does p lie in a module of the
 * calling driver (its text, read-only data or data, core or init; a family's
 * members)? ddv.ko publishes per driver the list of its modules' allocations
 * (ddv/area.h). An address below the module area (the heap, the kernel's
 * text and data, a struct device's lock) costs one compare; one above it is
 * tested against each range, the module's data first: a DEFINE_MUTEX is
 * found by the first. A list too long for the area (a family of several
 * modules since 6.4) asks ddv.ko. ddv_current_driver(): current_driver in
 * rules, the driver's id, a key for per-driver state.
 */
extern struct ddv_dut_area ddv_dut_areas[DDV_MAX_DUTS];
bool __ddv_in_driver(u16 dut, unsigned long addr);

#ifdef __KERNEL__
static __always_inline bool ddv_in_driver(const struct ddv_call *call, u64 addr)
{
	unsigned long p = (unsigned long)addr;
	int in;

	/* Modules lie above the kernel's image and the direct map: the heap fails one compare. */
	if (likely(p < MODULES_VADDR))
		return false;
	/* The module area is 1 GiB: the offset is 32 bits (ddv.ko's BUILD_BUG_ON). */
	in = ddv_area_find(&ddv_dut_areas[call->dut], (u32)(p - MODULES_VADDR));
	if (likely(in >= 0))
		return in;
	return __ddv_in_driver(call->dut, p);
}

static __always_inline u64 ddv_current_driver(const struct ddv_call *call)
{
	return call->dut;
}
#endif

#ifdef __KERNEL__
/*
 * For checks (heap.ddv's pages.order): the largest order the page allocator gives. MAX_ORDER
 * was one past it until 6.4 made it that order; 6.8 renamed it MAX_PAGE_ORDER.
 */
#include <linux/version.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define DDV_MAX_PAGE_ORDER MAX_PAGE_ORDER
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define DDV_MAX_PAGE_ORDER MAX_ORDER
#else
#define DDV_MAX_PAGE_ORDER (MAX_ORDER - 1)
#endif
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

/*
 * For rules: one store key for an object two words name (a sysfs group: its kobject and
 * its attribute_group). a ^ b folds pairs alike: snd_hda_core's two widget groups lie 0xc0
 * apart in its rodata, as two kobjects of one kmalloc-64 slab may. b goes through
 * murmur3's 64-bit finaliser (a bijection) first: pairs that share a word never share a
 * key, and two others do only if the mixed words differ as their other words do.
 */
static __always_inline u64 ddv_key(u64 a, u64 b)
{
	b ^= b >> 33;
	b *= 0xff51afd7ed558ccdULL;
	b ^= b >> 33;
	b *= 0xc4ceb9fe1a85ec53ULL;
	b ^= b >> 33;
	return a ^ b;
}

/*
 * For checks: does the kernel hold IRQ irq for dev_id (an action on its line), requested by
 * the driver or by a module for it (usb_add_hcd for a host controller driver)? In ddv.ko.
 */
bool ddv_irq_requested(unsigned int irq, void *dev_id);

/*
 * For rules: is func the kernel function that called into the modules on the current stack
 * (the first frame above theirs)? In ddv.ko; it reads the stack and names its frames: for
 * rare calls.
 */
bool ddv_kernel_caller_is(const char *func);

/*
 * For rules: is p the start of the function named func, the kernel's or a module's (a
 * callback the driver hands over: drm_plane_helper_destroy)? In ddv.ko; it names p from the
 * symbol tables: for rare calls.
 */
bool ddv_symbol_is(const void *p, const char *func);

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
 * the time) answers inline. DDV_TYPE_USED_INLINE: creates, destroys and
 * lookups of the type may be inline (it is not contained, no driver is
 * attached live: ddv.ko lowers every type to DDV_TYPE_USED meanwhile, so that
 * it sees each destroy and miss; and the full store never refused one of it,
 * which makes a miss uncertain). Written by ddv.ko only, never cleared.
 */
#define DDV_TYPE_USED_INLINE	1
#define DDV_TYPE_USED		2
/*
 * A contained type with its gate open: lookups inline, creates and destroys
 * (which keep its address index) in ddv.ko. Odd, as DDV_TYPE_USED_INLINE:
 * the lookup tests one bit.
 */
#define DDV_TYPE_USED_LOOKUP	3
extern u8 ddv_type_used[];
extern struct ddv_slot *ddv_slots;		/* ddv.ko's store: fixed while it is loaded */
extern u32 ddv_slots_mask;
extern u64 ddv_slots_offmask;			/* ddv_slots_mask << 6 */
extern u64 ddv_dut_meta[];			/* per driver: DDV_PUBLISH_OWNER(id) */
extern u16 ddv_dut_scope[];			/* per driver: the leak scope open now, 0: none */
extern u32 ddv_contained_live;			/* live objects of contained types */
#ifdef __KERNEL__
/* Bytes of objects with a size, made and freed (held: the difference, over the CPUs). */
DECLARE_PER_CPU(u64, ddv_bytes_made);
DECLARE_PER_CPU(u64, ddv_bytes_freed);

/*
 * An object's site: bits 0-31 where it was created, 48-63 the leak scope open
 * at creation (0: none); bits 32-47 are 0: the creating function is the
 * site's, which ddv.ko's site table knows (a report looks it up there).
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
		where = (u32)ddv_call_ret_ip(call);
	return where;
}

static __always_inline u64 ddv_obj_site(const struct ddv_call *call)
{
	return (u64)READ_ONCE(ddv_dut_scope[(unsigned long)call->dut]) << 48 |
	       ddv_obj_site_here(call);
}

/*
 * The home slot of (gt, key) straight from the hash product: (hash & mask) * 64
 * in one shift and one and (ddv_slots_offmask) instead of two shifts.
 */
static __always_inline struct ddv_slot *ddv_slot_home_of(u64 product)
{
	return (struct ddv_slot *)((char *)ddv_slots + ((product >> 26) & ddv_slots_offmask));
}

static __always_inline struct ddv_slot *ddv_slot_home(u16 gt, u64 key)
{
	return ddv_slot_home_of(ddv_slot_product(gt, key));
}

/*
 * A global type id, pack->type_base + type: ddv.ko gives a pack its range
 * below DDV_MAX_TYPES (pack.c free_range), so it fits the store's u16 type
 * and the hash (a u16) takes it without a zero extension.
 */
#define DDV_GTYPE_FITS(gt) do { if ((gt) > 0xffff) __builtin_unreachable(); } while (0)

/*
 * The gate of the inline create and destroy: one byte. The type is the
 * generated code's constant, one of the pack's (ddv.ko checks it on the
 * out-of-line path) or an import, which is always out of line (its global id
 * is known at registration only): the test folds away.
 */
static __always_inline bool ddv_obj_inline(const struct ddv_call *call, u16 type)
{
	return !(type & DDV_TYPE_IMPORT) &&
	       likely(DDV_FLAG(ddv_type_used[(unsigned long)call->pack->type_base + type]) ==
		      DDV_TYPE_USED_INLINE);
}

static __always_inline int ddv_obj_create(struct ddv_call *call, u16 type, u64 key, u8 state,
					  const u64 *fields, struct ddv_obj *old, int size_field,
					  int nfields)
{
	if (!old && ddv_obj_inline(call, type)) {
		unsigned long gt = (unsigned long)call->pack->type_base + type;
		u64 product;
		struct ddv_slot *e;

		DDV_GTYPE_FITS(gt);
		product = ddv_slot_product(gt, key);
		e = ddv_slot_home_of(product);

		/* The meta words: the pack's, the driver's and the type's constant parts summed. */
		if (likely(ddv_slot_claim_add(e, key, call->pack->meta_claim + ((u64)type << 16),
					      call->pack->meta_publish +
					      ddv_dut_meta[(unsigned long)call->dut] +
					      DDV_PUBLISH_TYPE(type) + ((u64)state << 32),
					      ddv_obj_site_here(call), fields, nfields))) {
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

/*
 * While objects of contained types (timers, work items...) are live
 * (ddv_contained_live, above), a destroy of memory (a type with a size field)
 * goes out of line, where ddv.ko looks for active ones inside it (struct
 * ddv_type_desc's active): one plain load, for types with a size field only
 * (size_field is ddvc's constant), and none after a foreach of the call read
 * it 0 (no_contained, ddv_obj_any_inside: a lookup's acquire load between
 * them would make the compiler load it again).
 */
static __always_inline int ddv_obj_destroy(struct ddv_call *call, u16 type, u64 key,
					   struct ddv_obj *old, int size_field)
{
	if (!old && ddv_obj_inline(call, type) &&
	    !(size_field >= 0 && !call->no_contained && ddv_contained_live)) {
		unsigned long gt = (unsigned long)call->pack->type_base + type;
		u64 size = 0;

		DDV_GTYPE_FITS(gt);
		if (likely(ddv_slot_take(ddv_slot_home(gt, key), gt, key, size_field, &size))) {
			if (size_field >= 0 && size_field < DDV_MAX_FIELDS)
				this_cpu_add(ddv_bytes_freed, size);
			return 0;
		}
	}
	return DDV_OUT_OF_LINE_OR_RARE(call, __ddv_obj_destroy, type, key, old);
}

/*
 * A chain of ifs whose conditions start with a lookup of an own type (if
 * T[k] ... else if U[k] ... else ...: kfree's devm, slab and device_name):
 * ddvc tests the pack's one byte of chains (struct ddv_type_desc's
 * chain_guard) before the first if, and while no type of any of its chains
 * ever had an object, every one of those lookups would answer -ENOENT: the
 * code goes to the last else at once (one cmpb instead of one per link). Not
 * for an attached driver, whose misses each lookup notes.
 */
#define DDV_CHAIN_CLOSED(call, guard) (likely(!DDV_FLAG(guard)) && !(call)->attached)

/*
 * A lookup: inline while the type never had an object (-ENOENT), and while
 * its gate is open (DDV_TYPE_USED_INLINE or _LOOKUP: no driver attached, the
 * store never refused one of it) when the object's home slot answers
 * (ddv/slot.h ddv_slot_read: the object is there, or the slot is empty).
 * Otherwise, the same answer from ddv.ko, which probes past the home slot.
 * out (may be NULL) receives the object: inline, its first nfields fields
 * (the type's count, ddvc's constant: the slot's others are not read) and
 * no site (0; no rule reads it), with the slot and meta it was read in
 * (ddv_obj_destroy_found).
 */
static __always_inline int ddv_obj_lookup(struct ddv_call *call, u16 type, u64 key,
					  struct ddv_obj *out, int nfields)
{
	if (!(type & DDV_TYPE_IMPORT)) {
		/* Not a u16 sum: the index would be truncated (two more instructions). */
		unsigned long base = call->pack->type_base, gt;
		u8 gate;

		/* Two reads of the byte: the first one a cmpb, the usual answer. */
		if (likely(!DDV_FLAG(ddv_type_used[base + type]))) {
			if (unlikely(call->attached))
				call->missed = 1;	/* the object may predate the attach */
			return -ENOENT;
		}
		/*
		 * The type's id from the base already in a register, made
		 * opaque here: else the compiler computes it before the test
		 * above, on the usual path (one more lea), or loads the base
		 * again (two more here).
		 */
		asm("" : "+r" (base));
		gt = base + type;
		DDV_GTYPE_FITS(gt);
		gate = READ_ONCE(ddv_type_used[gt]);
		if (likely((gate & 1) && !call->attached)) {
			struct ddv_slot *e = ddv_slot_home(gt, key);
			u64 meta;

			/* The store is there while a gate is open: found->slot needs no test. */
			if (!e)
				__builtin_unreachable();
			int rc = ddv_slot_read(e, gt, key, &meta, out ? out->fields : NULL,
					       nfields);

			if (rc == 0 && out) {
				out->key = key;
				out->site = 0;
				out->type = type;
				out->dut = (u16)(meta >> 16);
				out->state = (u8)(meta >> 32);
				/* The destroy's gate, read here (ddv_obj_destroy_found). */
				out->slot = gate == DDV_TYPE_USED_INLINE ? e : NULL;
				out->meta = meta;
			}
			if (likely(rc != -EAGAIN))
				return rc;
		}
	}
	if (out)
		out->slot = NULL;
	return DDV_OUT_OF_LINE_OR_RARE(call, __ddv_obj_lookup, type, key, out);
}

/*
 * The destroy of the object that found, a lookup of this call, copied
 * (ddvc passes it when the destroy's object is its run's lookup: dma_unmap's
 * mapping): while the object is still in the slot the inline lookup read it
 * in, one cmpxchg from the meta read then (ddv/slot.h ddv_slot_take_seen),
 * with no second hash and read of the slot. The type and key are tested
 * (constants the compiler folds when found is that lookup), and
 * ddv_contained_live as ddv_obj_destroy tests it; else, or when the slot
 * changed meanwhile, ddv_obj_destroy. The gate is the lookup's reading
 * (found->slot is set only while it was open for inline destroys, one test
 * less here): ddv.ko closes it without waiting for the calls in flight
 * (objects.c inline_gate_close), so a call under way may destroy inline
 * after a close whichever of its tests read the gate; reading it at the
 * lookup widens that window within the one call and opens no other.
 */
static __always_inline int ddv_obj_destroy_found(struct ddv_call *call, u16 type, u64 key,
						 const struct ddv_obj *found, int size_field)
{
	if (found->slot && found->type == type && found->key == key &&
	    !(size_field >= 0 && !call->no_contained && ddv_contained_live) &&
	    likely(ddv_slot_take_seen(found->slot, found->meta))) {
		if (size_field >= 0 && size_field < DDV_MAX_FIELDS)
			this_cpu_add(ddv_bytes_freed, found->fields[size_field]);
		return 0;
	}
	return ddv_obj_destroy(call, type, key, NULL, size_field);
}
#endif
/*
 * Per-CPU object types (`percpu object` in ddv-rules(5)): a key held by the
 * current CPU's context, such as a spinlock, whose holder cannot migrate
 * (spin_lock disables preemption). A small per-CPU set the pack owns (its
 * type descriptor's pcpu), nested contexts on top of the task's: an interrupt
 * pushes and pops its own keys before it returns. No store, no atomics: a
 * set operation is a few per-CPU loads and stores (each one instruction, so
 * an interrupt between two of them finds a consistent set). Keys are zero
 * past n, so a key read between a push's count and its store matches
 * nothing. Each entry keeps the task that made it (a key matches for that
 * task only) and the return address of the call (its site), for ddv.ko's
 * report of one still held when the driver's init or exit returns. A create
 * that finds the set full counts itself in lost, and as many destroys that
 * find nothing succeed. The fields are arrays of their own, so that an entry's
 * index is an address's scale (no multiply), and a destroy tries the top of
 * the stack first: locks are released in the reverse order, as a rule.
 */
#define DDV_PCPU_KEYS	8
struct ddv_pcpu_set {
	/*
	 * Entries 1 to n; key[0] stays 0 and matches nothing, so that the top,
	 * key[n], needs no test of an empty set. key first: key[n] is the
	 * set's address + 8 n, an index at its scale, no offset to add.
	 */
	u64 key[DDV_PCPU_KEYS + 1];
	u64 task[DDV_PCPU_KEYS + 1];
	u64 ret_ip[DDV_PCPU_KEYS + 1];
	u64 n;		/* 64 bits: a push's index needs no zero extension */
	u64 lost;
};

#ifdef __KERNEL__
/*
 * ddv_current_task() for the sets: a volatile per-CPU read, which the
 * compiler leaves where it is written instead of hoisting it above the test
 * of an empty set (the usual lock), where it would cost the lock a load.
 */
static __always_inline u64 ddv_pcpu_task(void)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return (u64)(unsigned long)this_cpu_read(pcpu_hot.current_task);
#else
	return (u64)(unsigned long)this_cpu_read(current_task);
#endif
}

/*
 * The index of key in this CPU's set s, made by the current task, or 0,
 * from the top down. The task (ddv_current_task(): in an interrupt, the
 * interrupted one) keeps what another task recorded on this CPU apart: a lock
 * handed over with the preemption count, or left by a task that slept
 * holding it.
 */
static __always_inline u64 ddv_pcpu_find(struct ddv_pcpu_set __percpu *s, u64 key)
{
	u64 i = this_cpu_read(s->n);

	if (likely(!i))
		return 0;	/* the usual lock: none held */
	if (unlikely(i > DDV_PCPU_KEYS))
		i = DDV_PCPU_KEYS;	/* a full set's create, undoing its count */
	for (; i; i--)
		if (this_cpu_read(s->key[i]) == key && this_cpu_read(s->task[i]) == ddv_pcpu_task())
			return i;
	return 0;
}

/* A lookup (`if T[k]`): 0 when held, -ENOENT. */
static __always_inline int ddv_pcpu_lookup(struct ddv_call *call, struct ddv_pcpu_set __percpu *s,
					   u64 key)
{
	if (ddv_pcpu_find(s, key))
		return 0;
	if (unlikely(call->attached))
		call->missed = 1;	/* may have been taken before the attach */
	return -ENOENT;
}

/* A push, whether the key is held already or not (a nested hold: a stack, as lockdep's). */
static __always_inline void ddv_pcpu_create(struct ddv_call *call, struct ddv_pcpu_set __percpu *s,
					    u64 key)
{
	unsigned long i = this_cpu_inc_return(s->n) - 1;	/* the new entry is i + 1 */

	if (unlikely(i >= DDV_PCPU_KEYS)) {
		this_cpu_dec(s->n);
		this_cpu_inc(s->lost);
		return;
	}
	/* Each store indexed by i itself (the compiler would derive one address from another). */
	this_cpu_write(s->ret_ip[i + 1], call->ret_ip);
	OPTIMIZER_HIDE_VAR(i);
	this_cpu_write(s->task[i + 1], ddv_pcpu_task());
	OPTIMIZER_HIDE_VAR(i);
	this_cpu_write(s->key[i + 1], key);
}

/* A destroy below the top: the last entry fills the hole. */
static __always_inline int ddv_pcpu_destroy_below(struct ddv_call *call,
						  struct ddv_pcpu_set __percpu *s, u64 key)
{
	u64 i = ddv_pcpu_find(s, key), last;

	if (unlikely(!i)) {
		if (this_cpu_read(s->lost)) {
			this_cpu_dec(s->lost);
			return 0;
		}
		if (unlikely(call->attached))
			call->missed = 1;
		return -ENOENT;
	}
	/* An interrupt meanwhile sees the last entry twice, never lost. */
	last = this_cpu_read(s->n);
	if (i != last) {
		this_cpu_write(s->key[i], this_cpu_read(s->key[last]));
		this_cpu_write(s->ret_ip[i], this_cpu_read(s->ret_ip[last]));
		this_cpu_write(s->task[i], this_cpu_read(s->task[last]));
	}
	this_cpu_write(s->key[last], 0);
	this_cpu_dec(s->n);
	return 0;
}

static __always_inline int ddv_pcpu_destroy(struct ddv_call *call, struct ddv_pcpu_set __percpu *s,
					    u64 key)
{
	u64 top = this_cpu_read(s->n);

	/* The usual unlock: of the lock taken last (an empty set's top: key[0], 0). */
	if (likely(top <= DDV_PCPU_KEYS && this_cpu_read(s->key[top]) == key &&
		   this_cpu_read(s->task[top]) == ddv_pcpu_task())) {
		this_cpu_write(s->key[top], 0);
		this_cpu_dec(s->n);
		return 0;
	}
	return ddv_pcpu_destroy_below(call, s, key);
}
#endif

/* Out of line only. */
#define ddv_obj_set_state(call, ...) \
	DDV_OUT_OF_LINE_OR_RARE(call, __ddv_obj_set_state, __VA_ARGS__)
#define ddv_obj_set_field(call, ...) \
	DDV_OUT_OF_LINE_OR_RARE(call, __ddv_obj_set_field, __VA_ARGS__)
#define ddv_obj_adjust(call, ...) DDV_OUT_OF_LINE_OR_RARE(call, __ddv_obj_adjust, __VA_ARGS__)
#define ddv_obj_disown(call, ...) DDV_OUT_OF_LINE_OR_RARE(call, __ddv_obj_disown, __VA_ARGS__)
#define ddv_obj_managed(call, ...) DDV_OUT_OF_LINE_OR_RARE(call, __ddv_obj_managed, __VA_ARGS__)
/* Only in a foreach, which a bail never enters (ddvc leaves for the rare path): no bail here. */
#define ddv_obj_find_inside(call, ...) DDV_OUT_OF_LINE(call, __ddv_obj_find_inside, __VA_ARGS__)
/*
 * False when ddv_obj_find_inside() of type would find nothing whatever the
 * range (no contained object is live): a foreach then skips looking up the
 * block it walks. True means "maybe" (always, with bail: the lookup
 * that follows bails). Inline: one load while no object of a
 * contained type (timer, work item) is live.
 */
#ifdef __KERNEL__
/*
 * *p == 0, as a flag test: one cmpl with the word in memory (a plain read of a
 * u32 the compiler loads into a register first: a mov and a test).
 */
static __always_inline bool ddv_u32_zero(const u32 *p)
{
	bool zero;

	asm("cmpl $0, %1" : "=@ccz" (zero) : "m" (*p));
	return zero;
}

static __always_inline bool ddv_obj_any_inside(struct ddv_call *call, u16 type)
{
	/* One read per call: a foreach after one that read 0 (no_contained)
	 * reads nothing, nor does the call's destroy of the block. A stale 0
	 * is as good as one read a moment earlier, before the object was made. */
	if (call->no_contained || ddv_u32_zero(&ddv_contained_live)) {
		call->no_contained = 1;
		return false;
	}
	return call->bail || DDV_OUT_OF_LINE(call, __ddv_obj_any_inside, type);
}
#endif

#endif /* DDV_FASTPATH_H */
