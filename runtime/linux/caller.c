// SPDX-License-Identifier: GPL-2.0
/*
 * caller.c: the injection plan's caller filter by name (DDV_INJECT_PLAN with
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
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/kallsyms.h>
#include <linux/uaccess.h>
#include "ddv_internal.h"

static char caller_module[MODULE_NAME_LEN];	/* "": no filter by name */
static char caller_func[KSYM_NAME_LEN];
static bool caller_in_init;			/* FUNC lies in the init text */

/* The filter no call passes: every return address is below ~0 and at least 1. */
#define CALLER_NONE_LO (~0ull)
#define CALLER_NONE_HI 1ull

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
	mod = ddv_find_loaded(buf);
	if (mod) {
		bool found = ddv_mod_func_range(mod, func, &lo, &hi, &init);

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
int ddv_caller_coming(struct module *mod, struct ddv_dut *dut)
{
	u64 lo, hi;

	if (!caller_module[0] || strcmp(caller_module, mod->name))
		return 0;
	if (!ddv_mod_func_range(mod, caller_func, &lo, &hi, &caller_in_init)) {
		if (!dut) {
			pr_warn("ddv: %s has no function %s: "
				"the caller filter lets no call through\n", mod->name, caller_func);
			return 0;
		}
		ddv_log_rt(DDV_RT_CALLER_UNKNOWN, 1, (u64)dut->id);
		pr_err("ddv: %s refused: the injection plan's caller filter names %s, "
		       "which it does not have\n", mod->name, caller_func);
		return -ENOENT;
	}
	caller_filter_move(lo, hi);
	if (dut)
		ddv_log_rt(DDV_RT_CALLER_SET, 3, (u64)dut->id, lo, hi - lo);
	pr_info("ddv: caller filter on %s:%s (%llu bytes)\n", mod->name, caller_func, hi - lo);
	return 0;
}

/* LIVE (the init text is freed next) and GOING: FUNC's text is no longer there. */
void ddv_caller_leaving(struct module *mod, unsigned long action)
{
	if (!caller_module[0] || strcmp(caller_module, mod->name))
		return;
	if (action == MODULE_STATE_GOING || (action == MODULE_STATE_LIVE && caller_in_init))
		caller_filter_move(CALLER_NONE_LO, CALLER_NONE_HI);
}
