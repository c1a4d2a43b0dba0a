// SPDX-License-Identifier: GPL-2.0
/*
 * dut.c: the drivers under test and their lifecycle: armed by DDV_OP_TARGET,
 * patched when the module arrives (COMING) or at once (DDV_OP_ATTACH), live,
 * leak-checked and re-armed when it goes, restored and drained on
 * DDV_OP_DETACH; the module notifier that drives it, the hang check of a
 * slow init, the fast entry's record (abi.h) and DDV_OP_STATUS.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/delay.h>
#include <linux/rcupdate.h>
#include <linux/rcupdate_wait.h>
#include <linux/jiffies.h>
#include "ddv_internal.h"
#include "scopes.h"

static unsigned int hang_seconds = 20;
module_param(hang_seconds, uint, 0644);
MODULE_PARM_DESC(hang_seconds,
		 "report a driver whose init has not returned after this many seconds (0: never)");

struct ddv_dut ddv_duts[DDV_MAX_DUTS];

/*
 * The fast entry (abi.h): a record per driver slot, published while its
 * driver is the only one under test, was loaded by ddv (an attached driver's
 * lookups may miss objects older than the attach: the slow entry tells) and
 * no function is traced or switched off (the full entry reads both).
 * Recomputed under ddv_mutex whenever one of those changes. A record is
 * rewritten only while unpublished and its driver has no text (so no call of
 * the old driver can still be reading it).
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

static bool covers_stubs(unsigned long lo, unsigned long hi)
{
	return (unsigned long)ddv_stub_pool_end > lo && (unsigned long)ddv_stub_pool_start < hi;
}

void ddv_fast_update(void)
{
	unsigned long core_lo, core_hi, init_lo, init_hi;
	struct ddv_dut *only = NULL;
	const struct ddv_text_range *r;
	struct ddv_fast_dut *f;
	unsigned int d, n = 0;

	lockdep_assert_held(&ddv_mutex);
	for (d = 1; d < DDV_MAX_DUTS; d++) {
		if (ddv_ranges[d].core_hi || ddv_ranges[d].init_hi) {
			only = &ddv_duts[d];
			n++;
		}
	}
	/* A trigger reads the arguments of the calls it watches: the full entry's. */
	if (n != 1 || only->attached || config_count(&ddv_config, CONFIG_TRACE_LEVEL) ||
	    config_count(&ddv_config, CONFIG_FUNC_OFF) || READ_ONCE(ddv_triggers.n)) {
		WRITE_ONCE(ddv_fast, &fast_none);
		return;
	}
	f = &fast_duts[only->id];
	r = &ddv_ranges[only->id];
	/*
	 * A family's text is the hull of its members' (patch.c), which other
	 * modules' text may lie in: harmless, since only the driver's own
	 * patched sites call the wrappers, but for the tail-call stubs in our
	 * own text, whose calls need the second chance to name their site.
	 */
	if (covers_stubs(r->core_lo, r->core_hi)) {
		WRITE_ONCE(ddv_fast, &fast_none);
		return;
	}
	/*
	 * For the same reason, while the init text is there the first range
	 * is the hull of both, so that init's calls pass the wrapper's first
	 * test too (the second costs 6 instructions a call); the second
	 * range holds the init text only when the hull would cover the stubs.
	 */
	core_lo = r->core_lo;
	core_hi = r->core_hi;
	init_lo = r->init_lo;
	init_hi = r->init_hi;
	if (init_hi && core_hi && !covers_stubs(min(core_lo, init_lo), max(core_hi, init_hi))) {
		core_lo = min(core_lo, init_lo);
		core_hi = max(core_hi, init_hi);
		init_lo = init_hi = 0;
	}
	if (READ_ONCE(ddv_fast) == f) {
		/*
		 * The same driver, whose text changed: its init returned, or
		 * a member of its family came or went. Each range is emptied
		 * first; a reader may still pair one bound with the other's
		 * older value, a range of this driver's text all the same.
		 */
		WRITE_ONCE(f->init_len, 0);
		WRITE_ONCE(f->text_len, 0);
		smp_wmb();
		WRITE_ONCE(f->init_lo, init_lo);
		WRITE_ONCE(f->text_lo, core_lo);
		smp_wmb();
		WRITE_ONCE(f->init_len, init_hi - init_lo);
		WRITE_ONCE(f->text_len, core_hi - core_lo);
		return;
	}
	WRITE_ONCE(ddv_fast, &fast_none);
	f->text_lo = core_lo;
	f->text_len = core_hi - core_lo;
	f->init_lo = init_lo;
	f->init_len = init_hi - init_lo;
	f->dut = only->id;
	/* The record is whole before anyone can see it. */
	smp_store_release(&ddv_fast, f);
}

/* No call is attributed to dut any more: its text, the fast entry's record, its stubs. */
static void clear_tables(struct ddv_dut *dut)
{
	ddv_text_forget(dut, DDV_MAX_MEMBERS);
	ddv_fast_update();
	ddv_stubs_release(dut->id);
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

/* Calls since the last reset: the counters never go back (in flight = calls - returns). */
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

static void free_sites(struct ddv_dut *dut)
{
	kvfree(dut->sites);
	kvfree(dut->strings);
	dut->sites = NULL;
	dut->strings = NULL;
}

static void forget_members(struct ddv_dut *dut)
{
	unsigned int k;

	for (k = 0; k < dut->nmembers; k++) {
		dut->members[k].mod = NULL;
		dut->members[k].coming = false;
		dut->members[k].saw_live = false;
	}
}

/* Has the family a module loaded (and patched)? */
static bool family_loaded(const struct ddv_dut *dut)
{
	unsigned int k;

	for (k = 0; k < dut->nmembers; k++)
		if (dut->members[k].mod)
			return true;
	return false;
}

static void dut_free(struct ddv_dut *dut)
{
	cancel_delayed_work_sync(&dut->hang_work);
	ddv_scopes_reset(dut);
	clear_tables(dut);
	ddv_ret_table_free(dut);
	ddv_patch_put_refs(dut);
	free_sites(dut);
	forget_members(dut);
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

/* The first module of the driver (or of its family) arrives: its counts start again. */
static void family_start(struct ddv_dut *dut)
{
	dut->attached = false;
	reset_calls(dut);
	atomic64_set(&dut->violations, 0);
	atomic64_set(&dut->unknown_before_attach, 0);
	atomic64_set(&dut->injected, 0);
	dut->last_inject_func = ~0u;
	dut->last_inject_site = DDV_NO_SITE;
	dut->sites_patched = 0;
	dut->sites_refused = 0;
	dut->sites_init_skipped = 0;
}

/* A member of the family (not the driver itself) arrives: patched before its init runs. */
static void member_coming(struct ddv_dut *dut, unsigned int k, struct module *mod)
{
	struct ddv_member *m = &dut->members[k];
	int n;

	m->mod = mod;
	m->saw_live = false;
	m->coming = true;
	n = ddv_patch_module(dut, k, mod, false);
	ddv_fast_update();
	pr_info("ddv: %s loading as a member of %s's family: %d call sites redirected\n",
		m->name, dut->name, n);
}

static void dut_coming(struct ddv_dut *dut, struct module *mod)
{
	int n;

	dut->members[0].mod = mod;
	dut->members[0].saw_live = false;
	dut->members[0].coming = true;
	n = ddv_patch_module(dut, 0, mod, false);
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

/* Member k's init returned 0 (MODULE_STATE_LIVE). */
static void dut_live(struct ddv_dut *dut, unsigned int k)
{
	/* A spinlock the init's task still holds (before its init text goes). */
	ddv_pcpu_sweep(dut, false);
	/* Init text is freed next: no return address can lie there. */
	ddv_text_forget_init(dut, k);
	ddv_fast_update();
	dut->members[k].saw_live = true;
	dut->members[k].coming = false;
	if (k)
		return;
	WRITE_ONCE(dut->state, DDV_DUT_LIVE);
	cancel_delayed_work(&dut->hang_work);
	ddv_log_rt(DDV_RT_DRIVER_LIVE, 1, (u64)dut->id);
}

/*
 * The last module of the driver or its family went: leak check, then
 * re-arm. A family's objects are one space: an object one member made and
 * another freed is no leak. Each module's objects are judged when it goes
 * (dut_going), what is left (contained objects above all) once all are gone.
 */
static void family_end(struct ddv_dut *dut)
{
	unsigned int leaks;

	ddv_scopes_reset(dut);
	/*
	 * The modules' code has finished (exit returned or init failed) and
	 * is about to be freed: nothing to restore; calls their timers or
	 * interrupts might still make would be the driver's own use-after-free.
	 */
	clear_tables(dut);
	synchronize_rcu();
	/* Before the return-address tables go: objects may name their site by address. */
	ddv_managed_forget(dut->id);
	leaks = ddv_store_sweep(dut, true, true);
	leaks += ddv_pcpu_sweep(dut, true);
	ddv_ret_table_free(dut);
	ddv_log_rt(DDV_RT_DRIVER_GOING, 3, (u64)dut->id, (u64)leaks,
		   ddv_dut_calls(dut));
	pr_info("ddv: %s gone: %u leaked objects\n", dut->name, leaks);
	ddv_patch_put_refs(dut);
	forget_members(dut);
	if (dut->attached) {
		/* Attached drivers are not re-armed: a new load needs a new target. */
		free_sites(dut);
		dut->state = DDV_DUT_FREE;
	}
}

/* Member k went (after exit(), or after a failed init). */
static void dut_going(struct ddv_dut *dut, unsigned int k)
{
	struct ddv_member *m = &dut->members[k];
	struct module *mod = m->mod;
	bool failed_init = m->coming;

	m->coming = false;
	if (!k) {
		WRITE_ONCE(dut->state, DDV_DUT_ARMED);
		cancel_delayed_work_sync(&dut->hang_work);
	}
	if (failed_init)
		ddv_log_rt(DDV_RT_INIT_FAILED, 1, (u64)dut->id);
	ddv_text_forget(dut, k);
	ddv_fast_update();
	m->mod = NULL;
	if (family_loaded(dut)) {
		unsigned int leaks;

		/* What it made and still owns leaks; the others' objects wait for them. */
		synchronize_rcu();
		leaks = ddv_store_sweep_member(dut, k);
		pr_info("ddv: %s (of %s's family) gone: %u leaked objects made at its sites\n",
			m->name, dut->name, leaks);
		return;
	}
	/* The family's last module: the sweep reads its data (contained objects). */
	m->mod = mod;
	family_end(dut);
}

/* The member of dut that mod is (by name while armed, by module once loaded), or -1. */
static int member_of(const struct ddv_dut *dut, const struct module *mod, bool coming)
{
	unsigned int k;

	for (k = 0; k < dut->nmembers; k++) {
		const struct ddv_member *m = &dut->members[k];

		if (coming ? !m->mod && !strcmp(m->name, mod->name) : m->mod == mod)
			return k;
	}
	return -1;
}

static int ddv_module_notify(struct notifier_block *nb, unsigned long action, void *data)
{
	struct module *mod = data;
	bool coming = action == MODULE_STATE_COMING;
	unsigned int d;
	int err = 0, k = -1;

	mutex_lock(&ddv_mutex);
	if (action == MODULE_STATE_LIVE || action == MODULE_STATE_GOING)
		ddv_caller_leaving(mod, action);
	for (d = 1; d < DDV_MAX_DUTS; d++) {
		struct ddv_dut *dut = &ddv_duts[d];

		if (dut->state == DDV_DUT_FREE || (coming && dut->attached))
			continue;
		k = member_of(dut, mod, coming);
		if (k < 0 || (coming && !k && dut->state != DDV_DUT_ARMED)) {
			k = -1;
			continue;
		}
		if (coming) {
			/* Before any text is patched: a refusal leaves nothing to undo. */
			err = ddv_caller_coming(mod, dut);
			if (err)
				break;
			if (!family_loaded(dut))
				family_start(dut);
			if (k)
				member_coming(dut, k, mod);
			else
				dut_coming(dut, mod);
		} else if (action == MODULE_STATE_LIVE) {
			dut_live(dut, k);
		} else if (action == MODULE_STATE_GOING) {
			dut_going(dut, k);
		}
		break;
	}
	if (coming && k < 0)
		ddv_caller_coming(mod, NULL);
	mutex_unlock(&ddv_mutex);
	/* A refused COMING: the kernel fails the load, and sends us no GOING for it. */
	return err ? notifier_from_errno(err) : NOTIFY_DONE;
}

static struct notifier_block ddv_module_nb = {
	.notifier_call = ddv_module_notify,
};

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
		    (u.opcode != 0xe8 && u.opcode != 0xe9 && u.opcode != 0x0f) || u.init > 1 ||
		    u.member >= dut->nmembers || (u.flags & ~DDV_SITE_NO_FAULT))
			return -EINVAL;
		s->name_off = u.func_name;
		s->func_offset = u.func_offset;
		s->api_off = u.api_name;
		s->opcode = u.opcode;
		s->init = u.init;
		s->member = u.member;
		s->no_fault = !!(u.flags & DDV_SITE_NO_FAULT);
		s->stub = -1;
	}
	return 0;
}

/* Attach: patches the running module mod at once. */
static long attach_now(struct ddv_dut *dut, struct module *mod)
{
	long ret;

	dut->members[0].mod = mod;
	dut->attached = true;
	dut->members[0].saw_live = true;
	ret = ddv_patch_module(dut, 0, mod, true);
	if (ret < 0) {
		dut_free(dut);
		return ret;
	}
	WRITE_ONCE(dut->state, DDV_DUT_LIVE);
	ddv_fast_update();
	ddv_log_rt(DDV_RT_ATTACHED, 3, (u64)dut->id,
		   (u64)dut->sites_patched, (u64)dut->sites_refused);
	pr_info("ddv: attached to %s: %u call sites redirected, %u refused\n", dut->name,
		dut->sites_patched, dut->sites_refused);
	return 0;
}

/* Is a module of this name under test already, alone or in a family? */
static bool name_taken(const char *name)
{
	unsigned int d, k;

	for (d = 1; d < DDV_MAX_DUTS; d++)
		for (k = 0; ddv_duts[d].state != DDV_DUT_FREE && k < ddv_duts[d].nmembers; k++)
			if (!strcmp(ddv_duts[d].members[k].name, name))
				return true;
	return false;
}

/*
 * The family's other modules (args 6 and 7: names each ending in NUL) into
 * dut->members[1...]. Each must be free and not loaded: a member is loaded
 * with the family, so that its init is checked and its objects are all known.
 */
static long load_members(struct ddv_dut *dut, const struct ddv_cmd *cmd)
{
	u64 len = cmd->nargs >= 8 ? cmd->arg[7] : 0;
	char *blob, *p;
	long ret = 0;

	if (!len)
		return 0;
	if (len > DDV_MAX_MEMBERS * MODULE_NAME_LEN)
		return -EINVAL;
	blob = kmalloc(len, GFP_KERNEL);
	if (!blob)
		return -ENOMEM;
	if (copy_from_user(blob, u64_to_user_ptr(cmd->arg[6]), len)) {
		ret = -EFAULT;
		goto out;
	}
	if (blob[len - 1]) {
		ret = -EINVAL;
		goto out;
	}
	for (p = blob; p < blob + len; p += strlen(p) + 1) {
		struct module *mod;
		unsigned int k;

		if (!*p || strlen(p) >= MODULE_NAME_LEN || dut->nmembers == DDV_MAX_MEMBERS) {
			ret = -EINVAL;
			goto out;
		}
		for (k = 0; k < dut->nmembers; k++)
			if (!strcmp(dut->members[k].name, p)) {
				ret = -EINVAL;
				goto out;
			}
		if (name_taken(p)) {
			ret = -EBUSY;
			goto out;
		}
		mod = ddv_find_loaded(p);
		if (mod) {
			module_put(mod);
			ret = -EEXIST;
			goto out;
		}
		strscpy(dut->members[dut->nmembers++].name, p, MODULE_NAME_LEN);
	}
out:
	kfree(blob);
	return ret;
}

/*
 * DDV_OP_TARGET (live false): arms for a driver that is about to load, and
 * its family's other modules (loaded with it).
 * DDV_OP_ATTACH (live true): patches a driver that is loaded.
 * args: name ptr, name len, sites ptr, nsites, strings ptr, strings len
 * [, members ptr, members len].
 */
static long target(struct ddv_cmd *cmd, bool live)
{
	char name[MODULE_NAME_LEN];
	struct module *mod = NULL;
	struct ddv_dut *dut = NULL;
	unsigned int d;
	long ret;

	if (!cmd->arg[1] || cmd->arg[1] >= MODULE_NAME_LEN)
		return -EINVAL;
	if (copy_from_user(name, u64_to_user_ptr(cmd->arg[0]), cmd->arg[1]))
		return -EFAULT;
	name[cmd->arg[1]] = 0;
	if (strlen(name) != cmd->arg[1])
		return -EINVAL;
	if (name_taken(name))
		return -EBUSY;
	for (d = 1; d < DDV_MAX_DUTS && !dut; d++)
		if (ddv_duts[d].state == DDV_DUT_FREE)
			dut = &ddv_duts[d];
	if (!dut)
		return -ENOSPC;
	if (live && cmd->nargs >= 8 && cmd->arg[7])
		return -EINVAL;		/* a family is loaded, not attached */
	mod = ddv_find_loaded(name);
	if (live && !mod)
		return -ENOENT;
	if (!live && mod) {
		/* Loaded already: redirecting now would miss its init; attach says so. */
		ret = -EEXIST;
		goto out;
	}
	if (live && (mod->state != MODULE_STATE_LIVE || is_pack_module(mod))) {
		ret = mod->state != MODULE_STATE_LIVE ? -EBUSY : -EINVAL;
		goto out;
	}
	memset(dut, 0, offsetof(struct ddv_dut, hang_work));
	dut->id = dut - ddv_duts;
	strscpy(dut->name, name, sizeof(dut->name));
	strscpy(dut->members[0].name, name, sizeof(dut->members[0].name));
	dut->nmembers = 1;
	ret = load_members(dut, cmd);
	if (!ret)
		ret = load_sites(dut, cmd);
	if (ret) {
		free_sites(dut);
		dut->nmembers = 0;
		goto out;
	}
	dut->state = DDV_DUT_ARMED;
	reset_calls(dut);
	if (live) {
		ret = attach_now(dut, mod);
		if (ret)
			goto out;
	} else {
		ddv_log_rt(DDV_RT_DRIVER_ARMED, 2, (u64)dut->id,
			   (u64)dut->nsites);
	}
	cmd->out[0] = dut->id;
	cmd->out[1] = dut->sites_patched;
	cmd->out[2] = dut->sites_refused;
	cmd->out[3] = dut->sites_init_skipped;
out:
	if (mod)
		module_put(mod);
	return ret;
}

/* DDV_OP_TARGET, under ddv_mutex. */
long ddv_op_target(struct ddv_cmd *cmd)
{
	return target(cmd, false);
}

/* DDV_OP_ATTACH, under ddv_mutex. */
long ddv_op_attach(struct ddv_cmd *cmd)
{
	return target(cmd, true);
}

/*
 * DDV_OP_DETACH, under ddv_mutex: a driver armed but not loaded is forgotten;
 * a loaded one has its sites restored (live) and its in-flight calls drained
 * first. Its objects are forgotten without a leak report: a detached driver
 * is not unloaded.
 */
long ddv_op_detach(struct ddv_cmd *cmd)
{
	u64 id = cmd->arg[0];
	struct ddv_dut *dut;
	unsigned int k;
	long ret;

	if (!id || id >= DDV_MAX_DUTS)
		return -EINVAL;
	dut = &ddv_duts[id];
	if (dut->state == DDV_DUT_FREE)
		return -ENOENT;
	for (k = 0; k < dut->nmembers; k++) {
		/* An init is running code we patched without stop_machine's help. */
		if (dut->members[k].coming)
			return -EBUSY;
	}
	if (family_loaded(dut)) {
		/* Keep the modules from going while we restore their text. */
		for (k = 0; k < dut->nmembers; k++) {
			struct module *mod = dut->members[k].mod;

			if (mod && !try_module_get(mod)) {
				while (k--)
					if (dut->members[k].mod)
						module_put(dut->members[k].mod);
				return -EBUSY;
			}
		}
		ret = ddv_unpatch_module(dut);
		if (ret >= 0) {
			clear_tables(dut);
			drain(dut);
			ddv_managed_forget(dut->id);
			ddv_store_sweep(dut, false, true);
			ddv_log_rt(DDV_RT_DETACHED, 2, (u64)dut->id, (u64)ret);
			pr_info("ddv: detached from %s: %ld call sites restored\n", dut->name, ret);
		}
		for (k = 0; k < dut->nmembers; k++)
			if (dut->members[k].mod)
				module_put(dut->members[k].mod);
		if (ret < 0)
			return ret;
	}
	dut_free(dut);
	return 0;
}

/* DDV_OP_STATUS, under ddv_mutex: one driver's counters (id), or the runtime's (0). */
long ddv_op_status(struct ddv_cmd *cmd)
{
	struct ddv_status st = { 0 };
	u64 id = cmd->arg[0];

	if (id >= DDV_MAX_DUTS)
		return -EINVAL;
	ddv_store_status(&st);
	st.log_drops = ddv_log_drops();
	if (id) {
		struct ddv_dut *dut = &ddv_duts[id];

		if (dut->state == DDV_DUT_FREE)
			return -ENOENT;
		st.store_live = ddv_store_owned(id);
		st.calls = ddv_dut_calls(dut);
		st.violations = atomic64_read(&dut->violations);
		st.unknown_before_attach = atomic64_read(&dut->unknown_before_attach);
		st.injected = atomic64_read(&dut->injected);
		st.sites_patched = dut->sites_patched;
		st.sites_refused = dut->sites_refused;
	} else {
		unsigned int d;

		for (d = 1; d < DDV_MAX_DUTS; d++) {
			st.calls += ddv_dut_calls(&ddv_duts[d]);
			st.violations += atomic64_read(&ddv_duts[d].violations);
			st.unknown_before_attach +=
				atomic64_read(&ddv_duts[d].unknown_before_attach);
			st.sites_patched += ddv_duts[d].sites_patched;
			st.sites_refused += ddv_duts[d].sites_refused;
		}
		ddv_inject_status(&st);
	}
	if (copy_to_user(u64_to_user_ptr(cmd->arg[1]), &st,
			 min_t(u64, cmd->arg[2], sizeof(st))))
		return -EFAULT;
	return 0;
}

/* DDV_OP_LEAK_CHECK, under ddv_mutex: reports what the driver owns now, keeps tracking it. */
long ddv_op_leak_check(struct ddv_cmd *cmd)
{
	u64 id = cmd->arg[0];

	if (!id || id >= DDV_MAX_DUTS)
		return -EINVAL;
	if (ddv_duts[id].state == DDV_DUT_FREE)
		return -ENOENT;
	cmd->out[0] = ddv_store_sweep(&ddv_duts[id], true, false);
	return 0;
}

int ddv_dut_init(void)
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
		ddv_stubs_exit();
	return ret;
}

/*
 * Module exit: no driver is patched (each patched one holds a reference on
 * us), so only armed targets remain to forget.
 */
void ddv_dut_exit(void)
{
	unsigned int d;

	unregister_module_notifier(&ddv_module_nb);
	mutex_lock(&ddv_mutex);
	for (d = 1; d < DDV_MAX_DUTS; d++)
		if (ddv_duts[d].state != DDV_DUT_FREE)
			dut_free(&ddv_duts[d]);
	mutex_unlock(&ddv_mutex);
	ddv_stubs_exit();
}
