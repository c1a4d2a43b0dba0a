/* cmd_control.c: "ddv trace" and "ddv inject": run-time settings of the runtime. */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ddv/uapi.h>

#include "util.h"
#include "module.h"
#include "catalog.h"
#include "runtime.h"
#include "kernlog.h"
#include "trigger.h"
#include "commands.h"

#define ALL_FUNCS 0xffffffffffffffffULL
#define MAX_IDS 64

static const char *const level_names[] = {
	[DDV_TRACE_OFF] = "off",
	[DDV_TRACE_ON_VIOLATION] = "violation",
	[DDV_TRACE_CALLS] = "calls",
	[DDV_TRACE_STACK] = "stack",
};

/* FUNC as runtime ids: "all", an exported symbol, or an API name grouping several. */
static int resolve(int fd, const char *name, uint64_t *ids, unsigned int *n)
{
	unsigned int found[MAX_IDS];
	struct rt_tables rt;
	int count;

	if (!strcmp(name, "all")) {
		ids[0] = ALL_FUNCS;
		*n = 1;
		return 0;
	}
	if (runtime_tables(fd, &rt))
		return -EIO;
	count = find_funcs(&rt, name, found, MAX_IDS);
	rt_tables_free(&rt);
	if (!count) {
		ddv_error(ENOENT, "%s: no loaded pack probes this function", name);
		return -ENOENT;
	}
	for (int i = 0; i < count; i++)
		ids[i] = found[i];
	*n = count;
	return 0;
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return *s && !*end && !errno && s[0] != '-';
}

int cmd_trace(int argc, char **argv)
{
	uint64_t ids[MAX_IDS], level = ~0ULL;
	unsigned int n;
	int fd, err;

	if (argc != 3) {
		printf("usage: ddv trace FUNC|all off|violation|calls|stack\n");
		return argc == 2 && !strcmp(argv[1], "--help") ? EXIT_OK : EXIT_USAGE;
	}
	for (uint64_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (!strcmp(argv[2], level_names[i]))
			level = i;
	if (level == ~0ULL) {
		ddv_error(0, "trace: level '%s': off, violation, calls or stack", argv[2]);
		return EXIT_USAGE;
	}
	fd = ctl_open();
	if (fd < 0 || resolve(fd, argv[1], ids, &n))
		return EXIT_ERROR;
	for (unsigned int i = 0; i < n; i++) {
		uint64_t args[2] = { ids[i], level };

		err = ctl_call(fd, DDV_OP_SET_TRACE, 2, args, NULL);
		if (err) {
			ddv_error(-err, "trace %s", argv[1]);
			return EXIT_ERROR;
		}
	}
	close(fd);
	return EXIT_OK;
}

static int inject_usage(FILE *f)
{
	fprintf(f, "usage: ddv inject nth FUNC N\n"
		   "       ddv inject nth-any N\n"
		   "       ddv inject stack ID [N]   (a systematic campaign's stack identity, hex)\n"
		   "       ddv inject random FUNC|all PERCENT [--consecutive K]\n"
		   "       ddv inject plan KEY=VALUE...\n"
		   "       ddv inject on FUNC[:N] [if argI OP VALUE] [in load|live|unload]\n"
		   "                 fail FUNC2 [K] | delay US | run CMD\n"
		   "       ddv inject off\n"
		   "plan keys (rates in percent, 0 = off): rate, consecutive, nth-any, mem-rate,\n"
		   "  mem-size-min, mem-budget, mem-contig-rate, mem-contig-min, trylock-rate,\n"
		   "  lock-delay-rate, lock-delay-max (ns), phase (any|init|after-init), task (pid),\n"
		   "  start-delay (ns), caller (DRIVER:FUNC: only calls made from that function\n"
		   "  of the driver; a driver not loaded yet too, looked up when it loads)\n");
	return f == stdout ? EXIT_OK : EXIT_USAGE;
}

/* "12.5" percent as parts per million, without floating point surprises. */
static bool parse_percent(const char *s, uint64_t *ppm)
{
	double pct;
	char *end;

	pct = strtod(s, &end);
	if (!*s || *end || pct < 0 || pct > 100)
		return false;
	*ppm = (uint64_t)(pct * 10000 + 0.5);
	return true;
}

/* A module of that name is loaded (or loading, or going): it has an initstate. */
static bool module_present(const char *name)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/module/%s/initstate", name);
	return access(path, F_OK) == 0;
}

/*
 * caller=[DRIVER:]FUNC: only the calls that return into that function of the
 * driver may fail. The runtime filters by return address: a loaded driver's
 * come from /proc/kallsyms; for a driver not loaded yet, the runtime gets the
 * name (*caller_name, "DRIVER:FUNC") and looks FUNC up when DRIVER arrives,
 * before its init runs.
 */
static bool plan_caller(struct ddv_inject_plan *plan, const char *value, char **caller_name)
{
	const char *colon = strchr(value, ':'), *func = colon ? colon + 1 : value;
	char *module = colon ? xstrndup(value, colon - value) : NULL;
	uint64_t lo, hi;
	bool ok = false;

	/* Module names take '-' and '_' alike; the kernel keeps '_'. */
	for (char *p = module; p && *p; p++)
		if (*p == '-')
			*p = '_';
	if (!*func || strspn(func, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			     "0123456789_.") != strlen(func) ||
	    (module && (!*module || strspn(module, "abcdefghijklmnopqrstuvwxyz"
					   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != strlen(module)))) {
		ddv_error(0, "inject plan: caller '%s': expected DRIVER:FUNC (e1000:e1000_probe)",
			  value);
	} else if (ksym_range(func, module, &lo, &hi)) {
		plan->caller_lo = lo;
		plan->caller_hi = hi;
		ok = true;
	} else if (!module) {
		ddv_error(ENOENT, "inject plan: caller %s: not in /proc/kallsyms (for a driver "
			  "not loaded yet, name it: DRIVER:%s)", value, func);
	} else if (module_present(module)) {
		ddv_error(ENOENT, "inject plan: caller %s: %s is loaded and has no function %s "
			  "in /proc/kallsyms", value, module, func);
	} else {
		free(*caller_name);
		*caller_name = xasprintf("%s:%s", module, func);
		ok = true;
	}
	free(module);
	return ok;
}

/*
 * One KEY=VALUE of "ddv inject plan" into the plan; false with a diagnostic.
 * *caller_name: the caller filter by name, for a driver not loaded yet.
 */
static bool plan_set(struct ddv_inject_plan *plan, const char *kv, char **caller_name)
{
	static const struct {
		const char *key;
		size_t offset;
		bool percent;
	} keys[] = {
#define KEY(name, field, pct) { name, offsetof(struct ddv_inject_plan, field), pct }
		KEY("rate", rate_ppm, true),
		KEY("consecutive", consecutive, false),
		KEY("nth-any", nth_any, false),
		KEY("mem-rate", mem_rate_ppm, true),
		KEY("mem-size-min", mem_size_min, false),
		KEY("mem-budget", mem_budget, false),
		KEY("mem-contig-rate", mem_contig_rate_ppm, true),
		KEY("mem-contig-min", mem_contig_min, false),
		KEY("trylock-rate", trylock_rate_ppm, true),
		KEY("lock-delay-rate", lock_delay_rate_ppm, true),
		KEY("lock-delay-max", lock_delay_max_ns, false),
		KEY("task", task, false),
		KEY("start-delay", start_delay_ns, false),
#undef KEY
	};
	const char *eq = strchr(kv, '='), *value;
	size_t klen;

	if (!eq) {
		ddv_error(0, "inject plan: '%s': expected KEY=VALUE", kv);
		return false;
	}
	klen = eq - kv;
	value = eq + 1;
	if (klen == 5 && !strncmp(kv, "phase", 5)) {
		if (!strcmp(value, "any"))
			plan->phase = 0;
		else if (!strcmp(value, "init"))
			plan->phase = 1;
		else if (!strcmp(value, "after-init"))
			plan->phase = 2;
		else
			goto bad;
		return true;
	}
	if (klen == 6 && !strncmp(kv, "caller", 6))
		return plan_caller(plan, value, caller_name);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		uint64_t v;

		if (strlen(keys[i].key) != klen || strncmp(kv, keys[i].key, klen))
			continue;
		if (!(keys[i].percent ? parse_percent(value, &v) : parse_u64(value, &v)))
			goto bad;
		*(__u64 *)((char *)plan + keys[i].offset) = v;
		return true;
	}
	ddv_error(0, "inject plan: unknown key '%.*s' (ddv inject --help lists them)", (int)klen, kv);
	return false;
bad:
	ddv_error(0, "inject plan: bad value in '%s'", kv);
	return false;
}

/* "ddv inject plan KEY=VALUE...": the words are checked before the runtime is asked. */
static int inject_plan(int nwords, char **words)
{
	struct ddv_inject_plan plan = { 0 };
	char *caller_name = NULL;
	int fd, err;

	for (int i = 0; i < nwords; i++) {
		if (!plan_set(&plan, words[i], &caller_name)) {
			free(caller_name);
			return EXIT_USAGE;
		}
	}
	/* The plan has one caller filter: two caller= words, one of each form, are refused. */
	if (caller_name && plan.caller_hi) {
		ddv_error(0, "inject plan: one caller");
		free(caller_name);
		return EXIT_USAGE;
	}
	fd = ctl_open();
	if (fd < 0) {
		free(caller_name);
		return EXIT_ERROR;
	}
	if (caller_name)
		err = ctl_call(fd, DDV_OP_INJECT, 5,
			       (uint64_t[]){ DDV_INJECT_PLAN, (uintptr_t)&plan, sizeof(plan),
					     (uintptr_t)caller_name, strlen(caller_name) }, NULL);
	else
		err = ctl_call(fd, DDV_OP_INJECT, 3,
			       (uint64_t[]){ DDV_INJECT_PLAN, (uintptr_t)&plan, sizeof(plan) }, NULL);
	close(fd);
	if (err == -ENOENT && caller_name)
		/* The driver came between the check and the call, without FUNC. */
		ddv_error(ENOENT, "inject plan: caller %s: the driver is loaded now and has "
			  "no such function", caller_name);
	else if (err)
		ddv_error(-err, "inject plan");
	else if (caller_name)
		printf("ddv: %.*s is not loaded: the caller filter is set when it loads "
		       "(until then no call passes it)\n",
		       (int)strcspn(caller_name, ":"), caller_name);
	free(caller_name);
	return err ? EXIT_ERROR : EXIT_OK;
}

/* "ddv inject on ...": a trigger (trigger.h), its words checked before the runtime is asked. */
static int inject_on(int nwords, char **words)
{
	struct trigger_spec spec;
	int fd, err;

	if (trigger_parse(nwords, words, &spec))
		return EXIT_USAGE;
	fd = ctl_open();
	if (fd < 0) {
		trigger_spec_free(&spec);
		return EXIT_ERROR;
	}
	err = trigger_set(fd, &spec);
	close(fd);
	trigger_spec_free(&spec);
	if (!err)
		kernlog_harvest();
	return err == -EINVAL ? EXIT_USAGE : err ? EXIT_ERROR : EXIT_OK;
}

int cmd_inject(int argc, char **argv)
{
	uint64_t ids[MAX_IDS], n, k = 0;
	unsigned int nids = 0;
	const char *mode;
	int fd, err = 0;

	if (argc < 2)
		return inject_usage(stderr);
	mode = argv[1];
	if (!strcmp(mode, "--help") || !strcmp(mode, "-h"))
		return inject_usage(stdout);
	/* A malformed command is a usage error, runtime or not. */
	if (!(!strcmp(mode, "off") && argc == 2) && !(!strcmp(mode, "nth") && argc == 4) &&
	    !(!strcmp(mode, "nth-any") && argc == 3) && !(!strcmp(mode, "plan") && argc >= 3) &&
	    !(!strcmp(mode, "stack") && (argc == 3 || argc == 4)) &&
	    !(!strcmp(mode, "random") && (argc == 4 || argc == 6)) &&
	    !(!strcmp(mode, "on") && argc >= 4))
		return inject_usage(stderr);
	if (!strcmp(mode, "plan"))
		return inject_plan(argc - 2, argv + 2);
	if (!strcmp(mode, "on"))
		return inject_on(argc - 2, argv + 2);
	fd = ctl_open();
	if (fd < 0)
		return EXIT_ERROR;
	if (!strcmp(mode, "off") && argc == 2) {
		uint64_t args[1] = { DDV_INJECT_OFF };

		err = ctl_call(fd, DDV_OP_INJECT, 1, args, NULL);
		if (!err)
			trigger_forget();
	} else if (!strcmp(mode, "nth") && argc == 4) {
		if (!parse_u64(argv[3], &n) || !n) {
			ddv_error(0, "inject nth: N must be a number from 1");
			return EXIT_USAGE;
		}
		if (resolve(fd, argv[2], ids, &nids))
			return EXIT_ERROR;
		if (ids[0] == ALL_FUNCS) {
			ddv_error(0, "inject nth: one function (for any function: nth-any)");
			return EXIT_USAGE;
		}
		/* An API (kmalloc) may be several symbols: each counts its own calls. */
		if (nids > 1)
			printf("ddv: %s is %u exported functions: call %llu of each fails\n",
			       argv[2], nids, (unsigned long long)n);
		for (unsigned int i = 0; i < nids && !err; i++)
			err = ctl_call(fd, DDV_OP_INJECT, 3,
				       (uint64_t[]){ DDV_INJECT_NTH_FUNC, ids[i], n }, NULL);
	} else if (!strcmp(mode, "nth-any") && argc == 3) {
		if (!parse_u64(argv[2], &n) || !n) {
			ddv_error(0, "inject nth-any: N must be a number from 1");
			return EXIT_USAGE;
		}
		err = ctl_call(fd, DDV_OP_INJECT, 2, (uint64_t[]){ DDV_INJECT_NTH_ANY, n }, NULL);
	} else if (!strcmp(mode, "stack")) {
		char *end;
		uint64_t id = strtoull(argv[2], &end, 16);

		n = 1;
		if (*end || !id || (argc == 4 && (!parse_u64(argv[3], &n) || !n))) {
			ddv_error(0, "inject stack: ID must be a stack identity in hex (not 0), "
				  "N a number from 1");
			close(fd);
			return EXIT_USAGE;
		}
		err = ctl_call(fd, DDV_OP_INJECT, 3, (uint64_t[]){ DDV_INJECT_STACK, id, n }, NULL);
	} else if (!strcmp(mode, "random") && (argc == 4 || argc == 6)) {
		uint64_t ppm;

		if (!parse_percent(argv[3], &ppm)) {
			ddv_error(0, "inject random: PERCENT must be from 0 to 100");
			return EXIT_USAGE;
		}
		if (argc == 6 && (strcmp(argv[4], "--consecutive") || !parse_u64(argv[5], &k))) {
			ddv_error(0, "inject random: expected --consecutive K");
			return EXIT_USAGE;
		}
		if (resolve(fd, argv[2], ids, &nids))
			return EXIT_ERROR;
		for (unsigned int i = 0; i < nids && !err; i++)
			err = ctl_call(fd, DDV_OP_INJECT, 4,
				       (uint64_t[]){ DDV_INJECT_RANDOM, ids[i], ppm, k }, NULL);
	} else {
		close(fd);
		return inject_usage(stderr);
	}
	close(fd);
	kernlog_harvest();	/* what came before the fault is not its doing */
	if (err) {
		ddv_error(-err, "inject %s", mode);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

/* "ddv off FUNC|RULE" / "ddv on FUNC|RULE": a hot function or a rule switched off, or back on. */
int cmd_switch(int argc, char **argv)
{
	bool off = !strcmp(argv[0], "off");
	uint64_t ids[MAX_IDS];
	struct session s;
	unsigned int n;
	int fd, err = 0;

	if (argc != 2 || argv[1][0] == '-') {
		printf("usage: ddv %s FUNC|RULE-ID\n", argv[0]);
		return argc == 2 && !strcmp(argv[1], "--help") ? EXIT_OK : EXIT_USAGE;
	}
	fd = ctl_open();
	if (fd < 0 || session_load(&s, fd))
		return EXIT_ERROR;
	/* A rule id names a message of a pack; anything else is a function. */
	for (unsigned int i = 0; i < s.rt.npacks; i++) {
		const struct rt_pack *rp = &s.rt.packs[i];
		const struct cat_pack *pack = catalog_pack(&s.cat, rp->name);

		for (unsigned int m = 1; pack && m < pack->nmsgs; m++) {
			if (!pack->msgs[m].rule_id || strcmp(pack->msgs[m].rule_id, argv[1]))
				continue;
			err = ctl_call(fd, DDV_OP_RULE_OFF, 3, (uint64_t[]){ rp->id, m, off }, NULL);
			if (err)
				ddv_error(-err, "%s %s", argv[0], argv[1]);
			session_free(&s);
			return err ? EXIT_ERROR : EXIT_OK;
		}
	}
	session_free(&s);
	if (!strchr(argv[1], '.') || !strcmp(argv[1], "all")) {
		if (resolve(fd, argv[1], ids, &n))
			return EXIT_ERROR;
		for (unsigned int i = 0; i < n && !err; i++)
			err = ctl_call(fd, DDV_OP_SET_FUNC_OFF, 2, (uint64_t[]){ ids[i], off }, NULL);
		if (err)
			ddv_error(-err, "%s %s", argv[0], argv[1]);
		return err ? EXIT_ERROR : EXIT_OK;
	}
	ddv_error(ENOENT, "%s %s: no such rule in the loaded packs, nor function", argv[0], argv[1]);
	return EXIT_ERROR;
}
