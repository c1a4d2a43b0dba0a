// SPDX-License-Identifier: GPL-2.0
/*
 * abi.c: what generated wrappers call on every probed call (abi.h), fault
 * injection, and the settings those calls read: DDV_OP_SET_TRACE,
 * DDV_OP_SET_FUNC_OFF, DDV_OP_RULE_OFF, DDV_OP_INJECT.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/preempt.h>
#include <linux/hardirq.h>
#include <linux/rcupdate.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/delay.h>
#include <linux/uaccess.h>
#include "ddv_internal.h"
#include "inject.h"
#include "scopes.h"

struct inject_state ddv_inject;
/* Event injection's triggers (core/trigger_table.h): set under ddv_mutex, read by any call. */
struct trigger_table ddv_triggers;
static struct inject_cpu *inject_cpus;
/*
 * Some mode of injection is on (set by every DDV_OP_INJECT but OFF): while
 * none is, ddv_should_fail() answers at once, without gathering the facts.
 */
bool ddv_inject_on;
EXPORT_SYMBOL_GPL(ddv_inject_on);
/* DDV_INJECT_STACK: each fallible call's stack identity is taken (and logged, when recording). */
enum { STACK_OFF, STACK_RECORD, STACK_MATCH };
static int ddv_stack_mode;

static inline u32 gfunc(const struct ddv_call *call)
{
	return call->pack->func_base + call->func;
}

static inline const struct ddv_func_desc *fdesc(const struct ddv_call *call)
{
	return &call->pack->funcs[call->func];
}

/* The store lookup behind cfg(): out of line, so its buffer costs the callers nothing. */
static noinline u64 cfg_lookup(enum config_prop prop, u32 id, u64 dflt)
{
	return config_get(&ddv_config, prop, id, dflt);
}

/*
 * A setting of function (or message) id. While no id has the property set
 * (the usual case) this is one load; else one Bloom test, and the store
 * lookup only on a Bloom hit.
 */
static __always_inline u64 cfg(enum config_prop prop, u32 id, u64 dflt)
{
	if (likely(!config_count(&ddv_config, prop)) ||
	    likely(!bloom_maybe(&ddv_config.bloom[prop], id)))
		return dflt;
	return cfg_lookup(prop, id, dflt);
}

/* The call record: the pack's layout of the arguments, else the bare context. */
static void log_call(struct ddv_call *call, bool stack)
{
	const struct ddv_func_desc *f = fdesc(call);

	ddv_call_site(call);

	if (f->call_msg && f->call_msg < call->pack->nmsgs)
		ddv_log_at(call->pack->pack_id, f->call_msg, call->nargs, call->args, call->dut,
			   call->site, gfunc(call), call->ret_ip, stack);
	else
		ddv_log_at(0, DDV_RT_AT, 3, (u64[]){ call->dut, call->site, gfunc(call) },
			   call->dut, call->site, gfunc(call), call->ret_ip, stack);
}

/* The driver's phase for a trigger: its init, its exit, or live between. */
static u8 trigger_phase(struct ddv_dut *dut)
{
	struct module *mod = READ_ONCE(dut->members[0].mod);

	if (READ_ONCE(dut->state) == DDV_DUT_COMING)
		return TRIGGER_PHASE_LOAD;
	/* delete_module() marks the module going before it calls the exit. */
	if (mod && READ_ONCE(mod->state) == MODULE_STATE_GOING)
		return TRIGGER_PHASE_UNLOAD;
	return TRIGGER_PHASE_LIVE;
}

/*
 * The triggers this call fires (ddv inject on): each is logged with its
 * call, then acted on. No allocation, no lock: a fault is the injector's
 * streak on the target (as a random failure's consecutive ones), a delay
 * sleeps where the caller may sleep and spins at most DDV_LOCK_SPIN_MAX_US
 * where it may not, a command is the record alone (the ddv command runs it).
 */
static noinline void trigger_fire(struct ddv_call *call, struct ddv_dut *dut, u32 id)
{
	u32 fired = trigger_match(&ddv_triggers, id, call->args, call->nargs,
				  trigger_phase(dut));

	while (fired) {
		unsigned int i = __ffs(fired);
		const struct trigger *t = &ddv_triggers.t[i];

		fired &= fired - 1;
		ddv_call_site(call);
		ddv_log_at(0, DDV_RT_TRIGGER_FIRED, 6,
			   (u64[]){ i + 1, id, call->site, t->action, t->target, t->amount },
			   call->dut, call->site, id, call->ret_ip, true);
		switch (t->action) {
		case TRIGGER_FAIL:
			config_set(&ddv_config, CONFIG_FAULT_STREAK, t->target, t->amount);
			break;
		case TRIGGER_DELAY:
			if (oops_in_progress)
				break;
			if (ddv_can_sleep())
				fsleep(t->amount);
			else
				udelay(min_t(u64, t->amount, DDV_LOCK_SPIN_MAX_US));
			break;
		}
	}
}

notrace u64 __ddv_call_enter_dut(struct ddv_pack *pack, u16 func, unsigned long ret_ip)
{
	u32 site = DDV_NO_SITE;
	u32 id = pack->func_base + func;
	struct ddv_dut *dut;

	/*
	 * What the inline entry's record says, and the full entry would
	 * conclude too: the function neither traced nor off, no scope's
	 * boundary, no trigger (it reads arguments: the mode byte says all
	 * three), and a driver that was not attached live (whose lookups may
	 * miss); the site when a tail-call stub's call names it.
	 */
	if (unlikely(READ_ONCE(ddv_func_mode[id])))
		return 0;
	dut = ddv_dut_of_ip(ret_ip, &site);
	if (unlikely(!dut) || unlikely(dut->attached))
		return 0;
	this_cpu_inc(ddv_calls[dut->id]);
	return (u64)site << 32 | dut->id;
}
EXPORT_SYMBOL_GPL(__ddv_call_enter_dut);

notrace u32 __ddv_call_site_rare(u16 dut, unsigned long ret_ip)
{
	u32 site;

	return ddv_stub_site(dut, ret_ip, &site) ? site : DDV_SITE_LATER;
}
EXPORT_SYMBOL_GPL(__ddv_call_site_rare);

bool __ddv_call_enter(struct ddv_call *call, struct ddv_pack *pack, u16 func,
		      unsigned long ret_ip, const u64 *args, unsigned int nargs)
{
	struct ddv_dut *dut;
	u32 site = DDV_NO_SITE;
	u32 id = pack->func_base + func;
	u8 mode;

	/*
	 * As the inline entry fills it (abi.h), no driver yet, the arguments
	 * kept, exit out of line.
	 */
	ddv_call_fill_inline(call, pack, func, ret_ip, 0, nargs, false);
	call->args = args;
	call->fast_exit = 0;
	BUILD_BUG_ON(DDV_TRACE_OFF != 0);
	dut = ddv_dut_of_ip(ret_ip, &site);
	call->site = site;
	mode = READ_ONCE(ddv_func_mode[id]);
	/* Not a driver under test (its sites were restored meanwhile), or switched off. */
	if (unlikely(!dut) || unlikely(mode & DDV_FUNC_MODE_OFF))
		return false;
	call->dut = dut->id;
	call->attached = dut->attached;
	/* No inline create or destroy from now: a destroy must leave its record (objects.c). */
	if (unlikely(call->attached))
		ddv_obj_inline_hold(dut->id, true);
	this_cpu_inc(ddv_calls[dut->id]);
	call->trace = mode & DDV_FUNC_MODE_TRACE;
	call->fast_exit = call->trace == DDV_TRACE_OFF;
	if (ddv_scope_boundary(id))
		ddv_scope_enter(call, id);	/* ends scopes; a begin: the out-of-line exit */
	if (unlikely(READ_ONCE(ddv_triggers.n)))
		trigger_fire(call, dut, id);
	if (unlikely(call->trace != DDV_TRACE_OFF)) {
		call->t_enter = local_clock();
		if (call->trace >= DDV_TRACE_CALLS)
			log_call(call, call->trace >= DDV_TRACE_STACK);
	}
	return true;
}
EXPORT_SYMBOL_GPL(__ddv_call_enter);

void __ddv_call_exit(struct ddv_call *call, u64 ret)
{
	if (!call->dut)
		return;
	if (unlikely(call->trace >= DDV_TRACE_CALLS ||
		     (call->trace == DDV_TRACE_ON_VIOLATION && call->reported)))
		ddv_log(0, DDV_RT_TRACE_RETURN, 3,
			(u64[]){ gfunc(call), ret, local_clock() - call->t_enter });
	if (ddv_scope_boundary(gfunc(call)))
		ddv_scope_exit(call, ret);
	this_cpu_inc(ddv_returns[call->dut]);
}
EXPORT_SYMBOL_GPL(__ddv_call_exit);

unsigned int __ddv_should_fail(struct ddv_call *call, u64 size, unsigned int flags)
{
	const struct ddv_func_desc *f;
	struct inject_facts facts;
	struct inject_verdict v;
	struct ddv_dut *dut;
	s64 value;

	if (!call->dut || likely(!READ_ONCE(ddv_inject_on)))
		return 0;
	f = fdesc(call);
	if (f->fault_class == DDV_FAULT_NONE || (!f->nfail && f->fault_class != DDV_FAULT_LOCK))
		return 0;
	dut = &ddv_duts[call->dut];
	facts.func = gfunc(call);
	facts.fault_class = f->fault_class;
	facts.nfail = f->nfail;
	facts.flags = flags;
	facts.in_init = READ_ONCE(dut->state) == DDV_DUT_COMING;
	facts.size = size;
	facts.caller = call->ret_ip;
	facts.task = in_task() ? current->pid : 0;
	/* The clock is read only for the plan's start delay. */
	facts.now = READ_ONCE(ddv_inject.start_at) ? local_clock() : 0;
	facts.stack_id = 0;
	if (unlikely(READ_ONCE(ddv_stack_mode)) && f->nfail && f->fault_class != DDV_FAULT_LOCK) {
		facts.stack_id = ddv_stack_id(call->dut, call->ret_ip);
		if (READ_ONCE(ddv_stack_mode) == STACK_RECORD) {
			ddv_call_site(call);
			ddv_log_at(0, DDV_RT_STACK_ID, 3,
				   (u64[]){ facts.func, call->site, facts.stack_id },
				   call->dut, call->site, facts.func, call->ret_ip, false);
			return 0;
		}
	}
	/*
	 * A call ddv load --exclude named: before the injector, which would
	 * count it towards an Nth, so that the Nth fallible call is the Nth of
	 * the others whatever order the driver makes its calls in.
	 */
	ddv_call_site(call);
	if (unlikely(call->site < dut->nsites && dut->sites[call->site].no_fault))
		return 0;
	preempt_disable();
	facts.cpu = raw_smp_processor_id();
	inject_decide(&ddv_inject, &facts, &v);
	preempt_enable();
	if (v.delay_ns && !v.fail) {
		/*
		 * A blocking lock, not taken yet: a context that may sleep waits
		 * as a contended mutex would; an atomic one (a spinlock taken in
		 * an interrupt or under another lock) spins, as a contended
		 * spinlock does, at most DDV_LOCK_SPIN_MAX_US.
		 */
		ddv_log_at(0, DDV_RT_LOCK_DELAYED, 3, (u64[]){ facts.func, call->site, v.delay_ns },
			   call->dut, call->site, facts.func, call->ret_ip, false);
		if (oops_in_progress)
			return 0;
		if (ddv_can_sleep())
			fsleep(div_u64(v.delay_ns, 1000));
		else
			udelay(min_t(u64, div_u64(v.delay_ns, 1000), DDV_LOCK_SPIN_MAX_US));
		return 0;
	}
	if (!v.fail || v.value_index >= f->nfail)
		return 0;
	value = f->fail_values[v.value_index];
	call->injected = 1;
	atomic64_inc(&dut->injected);
	WRITE_ONCE(dut->last_inject_func, facts.func);
	WRITE_ONCE(dut->last_inject_site, call->site);
	ddv_log_at(0, DDV_RT_FAULT_INJECTED, 4,
		   (u64[]){ facts.func, call->site, (u64)value, v.reason },
		   call->dut, call->site, facts.func, call->ret_ip, true);
	return 1 + v.value_index;
}
EXPORT_SYMBOL_GPL(__ddv_should_fail);

/*
 * One wrong call, one finding: a free of an object that is not live breaks
 * the contract's require (free_irq of an IRQ never requested:
 * irq.free-unrequested) and then its destroy (irq.free-release), which
 * finds nothing to destroy. Each CPU remembers the last violation (its
 * call, by task and return address, and its arguments); a destroy that
 * finds no object whose key a violation of the same call just named
 * (ddv_fold_destroy_miss) drops the destroy's own report, the next
 * violation of that call without arguments. A migration in between only
 * loses the fold.
 */
struct ddv_fold {
	const struct task_struct *task;
	unsigned long ret_ip;
	u64 args[DDV_MAX_ARGS];
	u8 nargs;
	u8 fold;
};
static DEFINE_PER_CPU(struct ddv_fold, ddv_fold);

void ddv_fold_destroy_miss(const struct ddv_call *call, u64 key)
{
	struct ddv_fold *f = get_cpu_ptr(&ddv_fold);
	unsigned int i;

	if (f->task == current && f->ret_ip == call->ret_ip)
		for (i = 0; i < f->nargs; i++)
			f->fold |= f->args[i] == key;
	put_cpu_ptr(&ddv_fold);
}

/*
 * A miss on a type the full store refused objects of (objects.c note_missing):
 * the key may be one it dropped, so the violation that follows in the same
 * call (task and return address, on this CPU) is counted as not checked,
 * like an attached driver's miss. The wrapper's missed flag cannot carry it:
 * ddv.ko's copy of the record is copied back for attached drivers only.
 */
struct ddv_uncertain {
	const struct task_struct *task;
	unsigned long ret_ip;
};
static DEFINE_PER_CPU(struct ddv_uncertain, ddv_uncertain);

void ddv_note_uncertain(const struct ddv_call *call)
{
	struct ddv_uncertain *u = get_cpu_ptr(&ddv_uncertain);

	u->task = current;
	u->ret_ip = call->ret_ip;
	put_cpu_ptr(&ddv_uncertain);
}

static bool uncertain_taken(const struct ddv_call *call)
{
	struct ddv_uncertain *u = get_cpu_ptr(&ddv_uncertain);
	bool hit = u->task == current && u->ret_ip == call->ret_ip;

	if (hit)
		u->task = NULL;
	put_cpu_ptr(&ddv_uncertain);
	return hit;
}

/* Whether this violation is a destroy's report of what a rule of its call said already. */
static bool folded(const struct ddv_call *call, unsigned int nargs, const u64 *args)
{
	struct ddv_fold *f = get_cpu_ptr(&ddv_fold);
	bool drop = f->task == current && f->ret_ip == call->ret_ip && f->fold && !nargs;

	if (!drop) {
		f->task = current;
		f->ret_ip = call->ret_ip;
		f->nargs = min_t(unsigned int, nargs, DDV_MAX_ARGS);
		memcpy(f->args, args, f->nargs * sizeof(*args));
	}
	f->fold = 0;
	put_cpu_ptr(&ddv_fold);
	return drop;
}

/*
 * Message msg of pack (the call's own, or the pack of a type whose rule ddv.ko
 * applies in the call: objects.c contained_freed) fired in call, with nargs
 * arguments.
 */
void ddv_violation_of(struct ddv_call *call, const struct ddv_pack *pack, u16 msg,
		      unsigned int nargs, const u64 *args)
{
	if (!call->dut || !msg || msg >= pack->nmsgs)
		return;
	if (cfg(CONFIG_RULE_OFF, DDV_MSG_ID(pack->pack_id, msg), 0))
		return;
	/*
	 * The object may predate a live attach: unknown, not a violation. (A
	 * key destroyed since the attach is known: objects.c note_missing.)
	 */
	if (unlikely(call->missed) || unlikely(uncertain_taken(call))) {
		atomic64_inc(&ddv_duts[call->dut].unknown_before_attach);
		return;
	}
	if (folded(call, nargs, args))
		return;
	atomic64_inc(&ddv_duts[call->dut].violations);
	if (call->trace == DDV_TRACE_ON_VIOLATION && !call->reported)
		log_call(call, false);
	call->reported = 1;
	ddv_call_site(call);
	ddv_log_at(pack->pack_id, msg, min_t(unsigned int, nargs, DDV_MAX_ARGS), args, call->dut,
		   call->site, gfunc(call), call->ret_ip, true);
}

void __ddv_violation(struct ddv_call *call, u16 msg, unsigned int nargs, ...)
{
	u64 args[DDV_MAX_ARGS];
	unsigned int i;
	va_list ap;

	va_start(ap, nargs);
	for (i = 0; i < nargs && i < DDV_MAX_ARGS; i++)
		args[i] = va_arg(ap, u64);
	va_end(ap);
	ddv_violation_of(call, call->pack, msg, i, args);
}
EXPORT_SYMBOL_GPL(__ddv_violation);

/*
 * Two counts that only grow, so that a free is one add, like a make: one
 * signed count would take a negation on every free.
 */
DEFINE_PER_CPU(u64, ddv_bytes_made);
EXPORT_PER_CPU_SYMBOL_GPL(ddv_bytes_made);
DEFINE_PER_CPU(u64, ddv_bytes_freed);
EXPORT_PER_CPU_SYMBOL_GPL(ddv_bytes_freed);

static s64 live_bytes_sum(void)
{
	u64 made = 0, freed = 0;
	int cpu;

	/* Freed first: a block freed meanwhile on another CPU was made before it. */
	for_each_possible_cpu(cpu)
		freed += READ_ONCE(per_cpu(ddv_bytes_freed, cpu));
	for_each_possible_cpu(cpu)
		made += READ_ONCE(per_cpu(ddv_bytes_made, cpu));
	return (s64)(made - freed);
}

int ddv_inject_init(void)
{
	inject_cpus = kcalloc(nr_cpu_ids, sizeof(*inject_cpus), GFP_KERNEL);
	if (!inject_cpus)
		return -ENOMEM;
	inject_init(&ddv_inject, &ddv_config, inject_cpus, nr_cpu_ids, get_random_u64());
	ddv_inject.live_bytes_of = live_bytes_sum;
	return 0;
}

void ddv_inject_exit(void)
{
	kfree(inject_cpus);
}

static u64 ppm(u64 v)
{
	return v ? inject_rate_ppm(v) : 0;
}

/* A function of a pack that this kernel has: the ones DDV_OP_LIST_FUNCS lists. */
static bool func_ok(u64 id)
{
	const struct ddv_pack *p = id < DDV_MAX_FUNCS ? ddv_funcs[id].pack : NULL;

	return p && p->funcs[ddv_funcs[id].idx].original;
}

/* The injector may fail its calls (inject.h: "fallible"). */
static bool func_fallible(u64 id)
{
	const struct ddv_func_desc *f;

	if (!func_ok(id))
		return false;
	f = &ddv_funcs[id].pack->funcs[ddv_funcs[id].idx];
	return f->nfail && (f->fault_class == DDV_FAULT_GENERIC ||
			    f->fault_class == DDV_FAULT_ALLOC ||
			    f->fault_class == DDV_FAULT_TRYLOCK);
}

/* ddv_func_mode[id] from the configuration, the scope roles and the triggers (under ddv_mutex). */
void ddv_func_mode_update(u32 id)
{
	u64 trace = config_get(&ddv_config, CONFIG_TRACE_LEVEL, id, DDV_TRACE_OFF);

	BUILD_BUG_ON(DDV_TRACE_STACK > DDV_FUNC_MODE_TRACE);
	lockdep_assert_held(&ddv_mutex);
	WRITE_ONCE(ddv_func_mode[id],
		   min_t(u64, trace, DDV_TRACE_STACK) |
		   (config_get(&ddv_config, CONFIG_FUNC_OFF, id, 0) ? DDV_FUNC_MODE_OFF : 0) |
		   (ddv_scope_role[id] || ddv_triggers.n ? DDV_FUNC_MODE_FULL : 0));
}

/* Every registered function's mode: a trigger was set or cleared. */
static void func_modes_update(void)
{
	u32 i;

	for (i = 0; i < DDV_MAX_FUNCS; i++)
		if (ddv_funcs[i].pack)
			ddv_func_mode_update(i);
}

/* Sets a per-function config property, for one function or (~0) every one. */
static long set_func_prop(enum config_prop prop, u64 id, u64 value)
{
	long ret = 0;
	u32 i;

	if (id == ~0ull) {
		for (i = 0; i < DDV_MAX_FUNCS && !ret; i++) {
			if (!ddv_funcs[i].pack)
				continue;
			ret = value ? config_set(&ddv_config, prop, i, value) :
				(config_unset(&ddv_config, prop, i), 0);
			ddv_func_mode_update(i);
		}
	} else if (!func_ok(id)) {
		ret = -EINVAL;
	} else {
		if (value)
			ret = config_set(&ddv_config, prop, id, value);
		else
			config_unset(&ddv_config, prop, id);
		ddv_func_mode_update(id);
	}
	/* A function traced or switched off: every call takes the full entry (it reads them). */
	ddv_fast_update();
	return ret;
}

/* DDV_OP_SET_TRACE, under ddv_mutex: func id (~0: all), enum ddv_trace_level. */
long ddv_op_set_trace(struct ddv_cmd *cmd)
{
	if (cmd->arg[1] > DDV_TRACE_STACK)
		return -EINVAL;
	return set_func_prop(CONFIG_TRACE_LEVEL, cmd->arg[0], cmd->arg[1]);
}

/* DDV_OP_SET_FUNC_OFF, under ddv_mutex: func id (~0: all), off (1) or on (0). */
long ddv_op_set_func_off(struct ddv_cmd *cmd)
{
	if (cmd->arg[1] > 1)
		return -EINVAL;
	return set_func_prop(CONFIG_FUNC_OFF, cmd->arg[0], cmd->arg[1]);
}

/* DDV_OP_RULE_OFF, under ddv_mutex: pack id, message index, off (1) or on (0). */
long ddv_op_rule_off(struct ddv_cmd *cmd)
{
	u64 pack = cmd->arg[0], msg = cmd->arg[1];

	if (!pack || pack >= DDV_MAX_PACKS || msg > U16_MAX || cmd->arg[2] > 1)
		return -EINVAL;
	if (!ddv_packs[pack] || !msg || msg >= ddv_packs[pack]->nmsgs)
		return -EINVAL;
	if (cmd->arg[2])
		return config_set(&ddv_config, CONFIG_RULE_OFF, DDV_MSG_ID(pack, msg), 1);
	config_unset(&ddv_config, CONFIG_RULE_OFF, DDV_MSG_ID(pack, msg));
	return 0;
}

/* DDV_INJECT_TRIGGER: one more trigger; out[0] its number (from 1). */
static long trigger_set(struct ddv_cmd *cmd)
{
	struct trigger t = {
		.func = cmd->arg[1], .nth = cmd->arg[2], .arg = cmd->arg[3] >> 8,
		.cmp = cmd->arg[3] & 0xff, .value = cmd->arg[4], .phase = cmd->arg[5],
		.action = cmd->arg[6], .target = cmd->arg[7], .amount = cmd->arg[8],
	};
	int ret;

	if (cmd->nargs < 9 || cmd->arg[3] >> 16 || cmd->arg[5] > 0xff || cmd->arg[6] > 0xff ||
	    !func_ok(cmd->arg[1]) || (t.action == TRIGGER_FAIL && !func_fallible(cmd->arg[7])))
		return -EINVAL;
	ret = trigger_add(&ddv_triggers, &t);
	if (ret < 0)
		return ret;
	cmd->out[0] = ret + 1;
	/* The full entry from now: the inline one does not read arguments. */
	func_modes_update();
	ddv_fast_update();
	return 0;
}

/* DDV_OP_INJECT, under ddv_mutex (the core's setters want one caller at a time). */
long ddv_op_inject(struct ddv_cmd *cmd)
{
	struct ddv_inject_plan u;
	struct inject_plan plan;
	u32 id;
	int ret = 0;

	if (cmd->arg[0] >= DDV_INJECT_COUNT)
		return -EINVAL;
	/* Before the mode is set, so that no call can miss it. */
	if (cmd->arg[0] != DDV_INJECT_OFF)
		WRITE_ONCE(ddv_inject_on, true);
	switch (cmd->arg[0]) {
	case DDV_INJECT_OFF:
		WRITE_ONCE(ddv_inject_on, false);
		WRITE_ONCE(ddv_stack_mode, STACK_OFF);
		inject_disarm(&ddv_inject);
		ddv_caller_forget();
		if (READ_ONCE(ddv_triggers.n)) {
			trigger_clear(&ddv_triggers);
			func_modes_update();
			ddv_fast_update();
		}
		config_reset(&ddv_config, CONFIG_FAULT_RATE);
		config_reset(&ddv_config, CONFIG_FAULT_CONSECUTIVE);
		return 0;
	case DDV_INJECT_TRIGGER:
		return trigger_set(cmd);
	case DDV_INJECT_NTH_FUNC:
		if (cmd->nargs < 3 || !func_ok(cmd->arg[1]))
			return -EINVAL;
		return inject_set_nth(&ddv_inject, cmd->arg[1], cmd->arg[2]);
	case DDV_INJECT_NTH_ANY:
		if (cmd->nargs < 2)
			return -EINVAL;
		plan = ddv_inject.plan;
		plan.nth_any = cmd->arg[1];
		inject_arm(&ddv_inject, &plan, local_clock());
		return 0;
	case DDV_INJECT_STACK:
		if (cmd->nargs < 2)
			return -EINVAL;
		plan = ddv_inject.plan;
		plan.stack_id = cmd->arg[1];
		plan.stack_nth = cmd->nargs >= 3 ? cmd->arg[2] : 1;
		inject_arm(&ddv_inject, &plan, local_clock());
		WRITE_ONCE(ddv_stack_mode, cmd->arg[1] ? STACK_MATCH : STACK_RECORD);
		return 0;
	case DDV_INJECT_RANDOM:
		if (cmd->nargs < 4 || cmd->arg[2] > 1000000 || cmd->arg[3] > U32_MAX)
			return -EINVAL;
		if (cmd->arg[1] == ~0ull) {
			plan = ddv_inject.plan;
			plan.rate = ppm(cmd->arg[2]);
			plan.consecutive = cmd->arg[3];
			inject_arm(&ddv_inject, &plan, local_clock());
			return 0;
		}
		if (!func_ok(cmd->arg[1]))
			return -EINVAL;
		id = cmd->arg[1];
		if (cmd->arg[2]) {
			ret = config_set(&ddv_config, CONFIG_FAULT_RATE, id, ppm(cmd->arg[2]));
			if (!ret)
				ret = config_set(&ddv_config, CONFIG_FAULT_CONSECUTIVE, id,
						 cmd->arg[3]);
		} else {
			config_unset(&ddv_config, CONFIG_FAULT_RATE, id);
			config_unset(&ddv_config, CONFIG_FAULT_CONSECUTIVE, id);
		}
		return ret;
	case DDV_INJECT_PLAN:
		if (cmd->nargs < 3 || cmd->arg[2] != sizeof(u))
			return -EINVAL;
		if (copy_from_user(&u, u64_to_user_ptr(cmd->arg[1]), sizeof(u)))
			return -EFAULT;
		if (u.phase > INJECT_PHASE_AFTER_INIT || u.consecutive > U32_MAX)
			return -EINVAL;
		/* Rates in parts per million, as DDV_INJECT_RANDOM's; a lock waits 1 s at most. */
		if (u.rate_ppm > 1000000 || u.mem_rate_ppm > 1000000 ||
		    u.mem_contig_rate_ppm > 1000000 || u.trylock_rate_ppm > 1000000 ||
		    u.lock_delay_rate_ppm > 1000000 || u.lock_delay_max_ns > NSEC_PER_SEC)
			return -EINVAL;
		/* The caller filter is by address or by name, not both. */
		if (cmd->nargs >= 5 && cmd->arg[4] && (u.caller_lo || u.caller_hi))
			return -EINVAL;
		memset(&plan, 0, sizeof(plan));
		plan.rate = ppm(u.rate_ppm);
		plan.consecutive = u.consecutive;
		plan.nth_any = u.nth_any;
		plan.mem_rate = ppm(u.mem_rate_ppm);
		plan.mem_size_min = u.mem_size_min;
		plan.mem_budget = u.mem_budget;
		plan.mem_contig_rate = ppm(u.mem_contig_rate_ppm);
		plan.mem_contig_min = u.mem_contig_min;
		plan.trylock_rate = ppm(u.trylock_rate_ppm);
		plan.lock_delay_rate = ppm(u.lock_delay_rate_ppm);
		plan.lock_delay_max_ns = u.lock_delay_max_ns;
		plan.phase = u.phase;
		plan.caller_lo = u.caller_lo;
		plan.caller_hi = u.caller_hi;
		plan.task = u.task;
		plan.start_delay_ns = u.start_delay_ns;
		if (cmd->nargs >= 5 && cmd->arg[4]) {
			ret = ddv_caller_set(u64_to_user_ptr(cmd->arg[3]), cmd->arg[4], &plan);
			if (ret)
				return ret;
		} else {
			ddv_caller_forget();
		}
		inject_arm(&ddv_inject, &plan, local_clock());
		return 0;
	}
	return -EINVAL;
}

void ddv_inject_status(struct ddv_status *st)
{
	st->injected = READ_ONCE(ddv_inject.injected);
}
