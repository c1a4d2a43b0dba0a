/*
 * cmd_campaign.c: "ddv campaign exhaustive": loads a driver again and again,
 * each time failing one fallible call of its load, and sums up what each
 * failure provoked, with the command that reproduces each finding.
 *
 * A clean recording load first traces every probed call with its site and
 * stack (DDV_TRACE_STACK); the fault classes the runtime lists (LIST_FUNCS)
 * tell which of the functions seen can fail; the fallible calls, in order, are the sequence the runtime's "fail the Nth
 * fallible call" counts, so call k of it is nth-any k exactly. Loops in that
 * sequence are pruned (prune.c): only their first and last few repeats fail.
 *
 * Each load and unload is this program run again ("ddv load", "ddv unload"),
 * so a campaign load is exactly a user's. Everything learnt goes to a journal
 * (campaign.h) as it is learnt; --resume goes on after the last fact. An
 * oops or a hang leaves the module half loaded: no later load of it can work
 * in this boot, so the campaign records it against the injected call and
 * stops with status 5; on the host, --vm boots the VM again and again, with
 * the journal carried in by --add and back on the serial console (a guest
 * that dies cannot hand back /out), until every planned load was tried.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <ddv/uapi.h>

#include "cli.h"
#include "campaign.h"
#include "commands.h"

#define DEFAULT_MAX_LOADS 100000
#define DEFAULT_BOOTS 50
#define GUEST_JOURNAL "/root/campaign.journal"
/*
 * What to suggest when a recording lost records: the runtime's default ring
 * (4 MiB per CPU) holds about 40,000 traced calls with their stacks.
 */
#define LARGER_RING "16M"

struct campaign {
	const char *driver;	/* as given: a name or a .ko path */
	char *module;
	const char *timeout;
	const char *catdir;
	char **params;		/* PARAM=VALUE of the load */
	int nparams;
	char *journal_path;
	int journal_fd;
	int echo_fd;		/* the console, for --echo-journal; -1 otherwise */
	int ctl;
	unsigned int keep;
	bool prune;
	struct suppressions supp;	/* report.c's */
	unsigned int suppressed;
};

/* --- the journal, written ------------------------------------------------ */

/* Appends one line and makes it durable; echoes it on the console when asked. */
static void journal_add(struct campaign *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void journal_add(struct campaign *c, const char *fmt, ...)
{
	struct strbuf line = { 0 };
	va_list ap;
	char *buf;

	va_start(ap, fmt);
	if (vasprintf(&buf, fmt, ap) < 0)
		buf = NULL;
	va_end(ap);
	if (!buf)
		return;
	sb_printf(&line, "%s\n", buf);
	if (write(c->journal_fd, line.s, line.len) != (ssize_t)line.len)
		ddv_warn("cannot write the campaign journal %s", c->journal_path);
	fdatasync(c->journal_fd);
	if (c->echo_fd >= 0) {
		/* A checksum, because the kernel's own lines may cut through ours. */
		line.len = 0;
		journal_echo_line(buf, &line);
		if (write(c->echo_fd, line.s, line.len) < 0)
			ddv_warn("cannot echo the journal on the console");
		tcdrain(c->echo_fd);
	}
	sb_free(&line);
	free(buf);
}

static int journal_load_file(const char *path, struct journal *j)
{
	size_t size;
	char *text;
	int bad;

	if (read_whole_file(path, (void **)&text, &size))
		return -ENOENT;
	bad = journal_parse(j, text, size);
	free(text);
	if (bad < 0) {
		journal_free(j);
		return -EINVAL;
	}
	if (bad)
		ddv_warn("%s: %d line%s of the journal make no sense: left out", path, bad,
			 bad == 1 ? "" : "s");
	return 0;
}

/* --- running this program again ---------------------------------------- */

/*
 * Runs this program with args, quietly; with drain_fd >= 0 drains the log
 * every few milliseconds meanwhile (a traced load writes more than a ring
 * holds). Returns its exit status, or -SIGNAL when a signal killed it.
 */
static int run_self(char *const *args, int drain_fd)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return EXIT_ERROR;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		execv("/proc/self/exe", args);
		_exit(127);
	}
	for (;;) {
		pid_t got = waitpid(pid, &status, drain_fd >= 0 ? WNOHANG : 0);

		if (got == pid)
			break;
		if (got < 0 && errno != EINTR)
			return EXIT_ERROR;
		if (drain_fd >= 0) {
			drain_log(drain_fd);
			usleep(5000);
		}
	}
	if (WIFSIGNALED(status))
		return -WTERMSIG(status);
	return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_ERROR;
}

static int run_load(struct campaign *c, int drain_fd)
{
	char **args = xcalloc(c->nparams + 6, sizeof(*args));
	int i = 0, status;

	args[i++] = "ddv";
	args[i++] = "load";
	args[i++] = "--timeout";
	args[i++] = (char *)c->timeout;
	args[i++] = (char *)c->driver;
	for (int p = 0; p < c->nparams; p++)
		args[i++] = c->params[p];
	status = run_self(args, drain_fd);
	free(args);
	return status;
}

static void run_unload(struct campaign *c)
{
	run_self((char *[]){ "ddv", "unload", c->module, NULL }, -1);
}

/*
 * Whether a load that ended with status left the module stuck half loaded
 * (an init that hangs, or an oops that killed the loading task): no load of
 * it can work again in this boot.
 */
static bool module_wedged(struct campaign *c, int status)
{
	if (status == EXIT_HANG || status < 0)
		return true;
	return status == EXIT_INIT_FAILED && module_stuck_in_init(c->module);
}

/* --- decoding a load's records ------------------------------------------ */

struct judge {
	struct rt_tables rt;
	struct catalog cat;
	struct decoder dec;
	size_t decoded;		/* bytes of the records file decoded so far */
};

static void ignore_event(struct decoder *dec, const struct event *ev, void *data)
{
}

/* One decoder for the whole campaign: each load decodes only its own records. */
static void judge_open(struct judge *j, const char *catdir)
{
	size_t size;
	void *data;

	load_catalogs(&j->cat, catdir);
	state_load_tables(&j->rt);
	decoder_init(&j->dec, &j->cat, &j->rt, true);
	j->decoded = 0;
	/* What came before only moves the site tables along. */
	if (!state_read_records(&data, &size)) {
		decode_stream(&j->dec, data, size, ignore_event, NULL);
		j->decoded = size;
		free(data);
	}
}

static void judge_run(struct judge *j, event_fn fn, void *arg)
{
	size_t size;
	void *data;

	if (state_read_records(&data, &size))
		return;
	if (size > j->decoded)
		decode_stream(&j->dec, (char *)data + j->decoded, size - j->decoded, fn, arg);
	j->decoded = size;
	free(data);
}

static void judge_close(struct judge *j)
{
	decoder_free(&j->dec);
	rt_tables_free(&j->rt);
	catalog_free(&j->cat);
}

/* "SYMBOL@func+0xoff": one word, for the journal and the load lines. */
static void call_name(const struct event *ev, struct strbuf *sb)
{
	sb_printf(sb, "%s", ev->symbol ? ev->symbol : ev->api ? ev->api : "?");
	if (ev->site)
		sb_printf(sb, "@%s+0x%x", ev->site->func, ev->site->func_offset);
}

static bool is_traced_call(const struct event *ev)
{
	size_t len;

	if (!ev->msg || ev->pack_id == 0 || !ev->symbol)
		return false;
	len = strlen(ev->msg->rule_id);
	return len > 5 && !strcmp(ev->msg->rule_id + len - 5, ".call") &&
	       strstr(ev->msg->rule_id, ".trace.");
}

/* --- the recording pass -------------------------------------------------- */

struct recorded_call {
	uint64_t ts;
	size_t seq;		/* order of decoding: ties of ts keep it */
	char *symbol;
	char *name;		/* SYMBOL@func+0xoff */
	uint64_t key;		/* function, site and stack */
};

/* A call site of the recording load and its stack: a leak's allocation stack, when it had one. */
struct site_stack {
	char *site;		/* func+0xoff */
	char *stack;		/* the first stack seen there, frames_join()'s key form */
	bool several;		/* another stack came there too: none is the stack */
};

struct recording {
	const char *module;
	struct recorded_call *calls;
	size_t ncalls;
	struct site_stack *stacks;
	size_t nstacks;
	uint64_t dropped;
};

static uint64_t fnv64_mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		h = (h ^ *b++) * 1099511628211ull;
	return h;
}

static void note_site_stack(struct recording *r, const struct event *ev)
{
	struct strbuf site = { 0 }, stack = { 0 };
	struct frames frames;
	size_t i;

	sb_printf(&site, "%s+0x%x", ev->site->func, ev->site->func_offset);
	event_frames(ev, &frames);
	frames_join(&frames, true, &stack);
	frames_free(&frames);
	for (i = 0; i < r->nstacks && strcmp(r->stacks[i].site, site.s); i++)
		;
	if (i < r->nstacks) {
		r->stacks[i].several |= strcmp(r->stacks[i].stack, stack.s) != 0;
		sb_free(&site);
		sb_free(&stack);
		return;
	}
	r->stacks = xrealloc(r->stacks, (r->nstacks + 1) * sizeof(*r->stacks));
	r->stacks[r->nstacks++] = (struct site_stack){ .site = site.s, .stack = stack.s };
}

/* The journal's "stack" lines: the sites the recording saw with one stack only. */
static void journal_site_stacks(struct campaign *c, struct recording *r)
{
	for (size_t i = 0; i < r->nstacks; i++) {
		if (!r->stacks[i].several)
			journal_add(c, "stack %s %s", r->stacks[i].site, r->stacks[i].stack);
		free(r->stacks[i].site);
		free(r->stacks[i].stack);
	}
	free(r->stacks);
	r->stacks = NULL;
	r->nstacks = 0;
}

static void record_event(struct decoder *dec, const struct event *ev, void *data)
{
	struct recording *r = data;
	struct recorded_call *rc;
	struct strbuf name = { 0 };
	uint64_t h = 14695981039346656037ull;

	if (ev->is_drop) {
		r->dropped += ev->dropped;
		return;
	}
	if (!is_traced_call(ev) || !ev->module || strcmp(ev->module, r->module))
		return;
	if (ev->site && ev->nstack)
		note_site_stack(r, ev);
	call_name(ev, &name);
	h = fnv64_mix(h, name.s, name.len);
	h = fnv64_mix(h, ev->stack, ev->nstack * sizeof(ev->stack[0]));
	if (!(r->ncalls & (r->ncalls - 1)))
		r->calls = xrealloc(r->calls, (r->ncalls ? 2 * r->ncalls : 1) * sizeof(*r->calls));
	rc = &r->calls[r->ncalls];
	rc->ts = ev->ts;
	rc->seq = r->ncalls++;
	rc->symbol = xstrdup(ev->symbol);
	rc->name = name.s;
	rc->key = h;
}

/* Each CPU's ring is drained in turn: a task that moved between CPUs is put back in order. */
static int compare_calls(const void *a, const void *b)
{
	const struct recorded_call *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const struct cat_func *catalog_func_by_symbol(const struct catalog *cat, const char *sym)
{
	for (unsigned int p = 0; p < cat->npacks; p++)
		for (unsigned int f = 0; f < cat->packs[p]->nfuncs; f++)
			if (cat->packs[p]->funcs[f].symbol &&
			    !strcmp(cat->packs[p]->funcs[f].symbol, sym))
				return &cat->packs[p]->funcs[f];
	return NULL;
}

static int set_trace(struct campaign *c, uint64_t func, unsigned int level)
{
	return ctl_call(c->ctl, DDV_OP_SET_TRACE, 2, (uint64_t[]){ func, level }, NULL);
}

static int inject_off(struct campaign *c)
{
	return ctl_call(c->ctl, DDV_OP_INJECT, 1, (uint64_t[]){ DDV_INJECT_OFF }, NULL);
}

/* One load and unload with the log drained meanwhile, decoded through fn. */
static int traced_load(struct campaign *c, struct judge *j, event_fn fn, void *arg)
{
	int status = run_load(c, c->ctl);

	if (status == EXIT_OK)
		run_unload(c);
	drain_log(c->ctl);
	judge_run(j, fn, arg);
	return status;
}

/*
 * Whether the runtime may fail calls of symbol, from the fault classes it
 * listed: 1 when one of its functions of that symbol is fallible, 0 when
 * none is, -1 when it lists none or one with a class unknown here.
 */
static int listed_fallible(const struct rt_tables *rt, const char *symbol)
{
	bool seen = false, fallible = false;

	for (unsigned int i = 0; i < rt->nfuncs; i++) {
		int verdict;

		if (strcmp(rt->funcs[i].symbol, symbol))
			continue;
		verdict = rt_func_fallible(&rt->funcs[i]);
		if (verdict < 0)
			return -1;
		seen = true;
		fallible |= verdict;
	}
	return seen ? fallible : -1;
}

/*
 * The recording pass: the plan of loads, into the journal. Returns 0, or an
 * exit status.
 */
static int record_plan(struct campaign *c, struct judge *j)
{
	struct recording r = { .module = c->module };
	struct symset not_fallible = { 0 };
	uint64_t *keys;
	size_t *plan, nplan, nfallible = 0, *index;
	int status;

	fprintf(stderr, "campaign %s: recording a clean load\n", c->module);
	if (inject_off(c) || set_trace(c, ~0ull, DDV_TRACE_STACK)) {
		ddv_error(0, "campaign: cannot trace the calls of the recording load");
		return EXIT_ERROR;
	}
	status = traced_load(c, j, record_event, &r);
	set_trace(c, ~0ull, DDV_TRACE_OFF);
	if (status != EXIT_OK) {
		ddv_error(0, "campaign: the clean load of %s failed (ddv load exited %d): "
			  "nothing to fail", c->driver, status);
		return EXIT_ERROR;
	}
	if (r.dropped) {
		/*
		 * Without the whole sequence nothing can be pruned: load N fails
		 * call N, one after the other, until a load makes no call to fail.
		 */
		ddv_warn("campaign: the recording load lost %llu log records: no loop pruning, "
			 "every fallible call is failed in turn (start the runtime with a larger "
			 "ring for pruning: ddv stop; ddv start --log-size %s)",
			 (unsigned long long)r.dropped, LARGER_RING);
		journal_site_stacks(c, &r);
		journal_add(c, "recording 1");
		journal_add(c, "sequential");
		for (size_t i = 0; i < r.ncalls; i++) {
			free(r.calls[i].symbol);
			free(r.calls[i].name);
		}
		free(r.calls);
		return 0;
	}
	qsort(r.calls, r.ncalls, sizeof(*r.calls), compare_calls);
	/*
	 * Functions that return nothing cannot fail; for the others the
	 * runtime's fault class and failure count settle it, as the injector
	 * decides it.
	 */
	for (size_t i = 0; i < r.ncalls; i++) {
		const char *sym = r.calls[i].symbol;
		const struct cat_func *f = catalog_func_by_symbol(&j->cat, sym);

		if (symset_has(&not_fallible, sym))
			continue;
		if (f && f->ret && !strcmp(f->ret, "void")) {
			symset_add(&not_fallible, sym);
			continue;
		}
		switch (listed_fallible(&j->rt, sym)) {
		case 0:
			symset_add(&not_fallible, sym);
			break;
		case 1:
			break;
		default:
			ddv_error(0, "campaign: the runtime lists no fault class known here for %s: "
				  "cannot tell whether it can fail", sym);
			status = EXIT_ERROR;
			goto out;
		}
	}

	/* The fallible calls in order: the sequence nth-any counts. */
	keys = xmalloc((r.ncalls ? r.ncalls : 1) * sizeof(*keys));
	index = xmalloc((r.ncalls ? r.ncalls : 1) * sizeof(*index));
	for (size_t i = 0; i < r.ncalls; i++) {
		if (symset_has(&not_fallible, r.calls[i].symbol))
			continue;
		keys[nfallible] = r.calls[i].key;
		index[nfallible++] = i;
	}
	if (c->prune) {
		nplan = prune_plan(keys, nfallible, c->keep, &plan);
	} else {
		plan = xmalloc((nfallible ? nfallible : 1) * sizeof(*plan));
		for (nplan = 0; nplan < nfallible; nplan++)
			plan[nplan] = nplan;
	}
	for (size_t p = 0; p < nplan; p++)
		journal_add(c, "plan %zu %s", plan[p] + 1, r.calls[index[plan[p]]].name);
	journal_site_stacks(c, &r);
	journal_add(c, "recording 1");
	journal_add(c, "total %zu", nfallible);
	fprintf(stderr, "campaign %s: %zu calls traced, %zu fallible; %zu loads planned "
		"(%zu saved by loop pruning)\n", c->module, r.ncalls, nfallible, nplan,
		nfallible - nplan);
	free(plan);
	free(keys);
	free(index);
out:
	for (size_t i = 0; i < r.ncalls; i++) {
		free(r.calls[i].symbol);
		free(r.calls[i].name);
	}
	free(r.calls);
	symset_free(&not_fallible);
	return status;
}

/* --- the injected loads -------------------------------------------------- */

struct load_outcome {
	struct campaign *c;
	unsigned int injected;
	struct strbuf fault;	/* the injected call, SYMBOL@func+0xoff */
	struct journal_finding findings[64];
	unsigned int nfindings;
	unsigned int more;	/* findings beyond the array: counted, not kept */
};

static void judge_event(struct decoder *dec, const struct event *ev, void *data)
{
	struct load_outcome *lo = data;
	const char *module = lo->c->module, *rule;
	struct strbuf site = { 0 }, stack = { 0 };
	struct frames frames;

	if (ev->msg && !strcmp(ev->msg->rule_id, "ddv.fault-injected") &&
	    (!ev->module || !strcmp(ev->module, module))) {
		lo->injected++;
		lo->fault.len = 0;
		call_name(ev, &lo->fault);
		return;
	}
	/* Another driver's records (one stuck in its init still says so) are not this load's. */
	if (!event_is_finding(ev) || (ev->module && strcmp(ev->module, module)))
		return;
	rule = ev->msg ? ev->msg->rule_id : "ddv.log-lost";
	if (ev->site)
		sb_printf(&site, "%s+0x%x", ev->site->func, ev->site->func_offset);
	else
		sb_puts(&site, "-");
	event_frames(ev, &frames);
	/* The driver is gone by now: its frames that nothing names are "?", as in a group key. */
	frames_join(&frames, true, &stack);
	if (suppressions_match(&lo->c->supp, rule, site.s, &frames)) {
		lo->c->suppressed++;
	} else if (lo->nfindings < sizeof(lo->findings) / sizeof(lo->findings[0])) {
		lo->findings[lo->nfindings].rule = xstrdup(rule);
		lo->findings[lo->nfindings].site = xstrdup(site.s);
		lo->findings[lo->nfindings++].stack = stack.len ? xstrdup(stack.s) : NULL;
	} else {
		lo->more++;
	}
	frames_free(&frames);
	sb_free(&stack);
	sb_free(&site);
}

static bool progress_tty;

/* "load 17/43 ..." on stderr: one line kept up to date on a terminal, else a line per load. */
static void progress(size_t done, size_t planned, unsigned long n, const char *expect)
{
	char of[32] = "?";

	if (planned)
		snprintf(of, sizeof(of), "%zu", planned);
	fprintf(stderr, "%sload %zu/%s: failing call %lu (%s)%s", progress_tty ? "\r\033[K" : "",
		done, of, n, expect ? expect : "the next fallible call", progress_tty ? "" : "\n");
}

/*
 * Tries one planned load: fail fallible call L->n. Returns its status; a
 * crash or a hang leaves the module half loaded for the rest of this boot.
 */
static enum load_status try_load(struct campaign *c, struct judge *j, struct journal_load *L)
{
	struct load_outcome lo = { .c = c };
	enum load_status st;
	int err, status;

	journal_add(c, "start %lu", L->n);
	err = inject_off(c);
	if (!err)
		err = ctl_call(c->ctl, DDV_OP_INJECT, 2,
			       (uint64_t[]){ DDV_INJECT_NTH_ANY, (uint64_t)L->n }, NULL);
	if (err) {
		ddv_error(-err, "campaign: inject nth-any %lu", L->n);
		return LOAD_FAILED;
	}
	status = run_load(c, -1);
	if (status == EXIT_OK) {
		st = LOAD_OK;
		run_unload(c);
	} else if (status == EXIT_HANG) {
		st = LOAD_HANG;
	} else if (status < 0) {
		st = LOAD_CRASH;
	} else if (status == EXIT_INIT_FAILED) {
		/* An oops kills the loading task: its init never returned, the module stays. */
		st = module_wedged(c, status) ? LOAD_CRASH : LOAD_INIT_FAILED;
	} else {
		st = LOAD_FAILED;
	}
	inject_off(c);
	drain_log(c->ctl);
	judge_run(j, judge_event, &lo);
	for (unsigned int f = 0; f < lo.nfindings; f++)
		journal_add(c, "finding %lu %s %s%s%s", L->n, lo.findings[f].rule,
			    lo.findings[f].site, lo.findings[f].stack ? " " : "",
			    lo.findings[f].stack ? lo.findings[f].stack : "");
	if (lo.more)
		journal_add(c, "finding %lu ddv.campaign-more +%u", L->n, lo.more);
	journal_add(c, "done %lu %s %u %s", L->n, load_status_name(st), lo.injected,
		    lo.injected ? lo.fault.s : "-");
	for (unsigned int f = 0; f < lo.nfindings; f++) {
		free(lo.findings[f].rule);
		free(lo.findings[f].site);
		free(lo.findings[f].stack);
	}
	sb_free(&lo.fault);
	return st;
}

/* --- the summary, from the journal --------------------------------------- */

/* Identical findings: one rule, one site, one stack (a leak: its allocation site). */
struct finding_group {
	const char *rule;
	const char *site;
	const char *stack;	/* NULL: none */
	unsigned long first;	/* the first load that showed it */
	const char *fault;
	unsigned int loads;	/* findings, over all loads */
	unsigned long *load_ns;	/* the loads that showed it, each once */
	unsigned int nload_ns;
};

/* Loads listed with a group; more are counted. */
#define GROUP_LOADS_SHOWN 20

static const char *status_text(enum load_status s)
{
	switch (s) {
	case LOAD_OK:
		return "loaded and unloaded";
	case LOAD_INIT_FAILED:
		return "init failed";
	case LOAD_HANG:
		return "init HANGS";
	case LOAD_FAILED:
		return "load failed";
	case LOAD_CRASH:
		return "CRASHED (oops: the loader was killed)";
	case LOAD_LOST:
		return "machine LOST (the VM hung or was killed)";
	default:
		return "not tried";
	}
}

/* The line "ddv campaign" prints for each load, from the journal. */
static void print_load_line(const struct journal_load *L)
{
	unsigned int nf = L->nfindings;

	printf("load %lu: %s%s, %s, %u finding%s", L->n,
	       L->injected ? "fault in " : "no fault injected", L->injected ? L->fault : "",
	       status_text(L->status), nf, nf == 1 ? "" : "s");
	if (L->expect && (!L->fault || strcmp(L->expect, L->fault)))
		printf(" (planned: %s: the call sequence differs from the recording)", L->expect);
	putchar('\n');
	fflush(stdout);
}

/*
 * The summary, from the journal. nsuppressed: the findings this run left
 * out (the host of a --vm campaign does not see the guest's).
 */
static int summarize(struct journal *jn, const struct campaign *c, unsigned int nsuppressed)
{
	const char *driver = c->driver, *module = c->module;
	struct strbuf param_words = { 0 };
	const char *params;
	unsigned int by_status[LOAD_NSTATUS] = { 0 }, faults = 0, findings = 0, diverged = 0;
	struct finding_group *groups = NULL;
	size_t ngroups = 0, tried = 0;

	/* The load's own PARAM=VALUE words: the reproducing command is exactly the campaign's load. */
	for (int i = 0; i < c->nparams; i++)
		sb_printf(&param_words, " %s", c->params[i]);
	params = param_words.s ? param_words.s : "";
	for (size_t i = 0; i < jn->nloads; i++) {
		struct journal_load *L = &jn->loads[i];

		by_status[L->status]++;
		if (L->status == LOAD_PENDING)
			continue;
		tried++;
		faults += L->injected;
		if (L->expect && (!L->fault || strcmp(L->expect, L->fault)) &&
		    L->status != LOAD_CRASH && L->status != LOAD_LOST)
			diverged++;
		for (unsigned int f = 0; f < L->nfindings; f++) {
			struct journal_finding *F = &L->findings[f];
			size_t g;

			findings++;
			for (g = 0; g < ngroups; g++)
				if (!strcmp(groups[g].rule, F->rule) && !strcmp(groups[g].site, F->site) &&
				    !strcmp(groups[g].stack ? groups[g].stack : "",
					    F->stack ? F->stack : ""))
					break;
			if (g == ngroups) {
				groups = xrealloc(groups, (ngroups + 1) * sizeof(*groups));
				groups[ngroups++] = (struct finding_group){
					.rule = F->rule, .site = F->site, .stack = F->stack,
					.first = L->n, .fault = L->fault,
				};
			}
			groups[g].loads++;
			if (!groups[g].nload_ns || groups[g].load_ns[groups[g].nload_ns - 1] != L->n) {
				groups[g].load_ns = xrealloc(groups[g].load_ns, (groups[g].nload_ns + 1) *
							     sizeof(*groups[g].load_ns));
				groups[g].load_ns[groups[g].nload_ns++] = L->n;
			}
		}
	}
	if (ngroups)
		printf("findings by rule, site and stack (a leak: its allocation site):\n");
	for (size_t g = 0; g < ngroups; g++) {
		struct finding_group *G = &groups[g];

		printf("  %s at %s: %u load%s, first load %lu (fault in %s)\n", G->rule, G->site,
		       G->loads, G->loads == 1 ? "" : "s", G->first, G->fault ? G->fault : "none");
		if (G->stack)
			printf("    stack: %s\n", G->stack);
		else if (journal_site_stack(jn, G->site))
			printf("    allocation stack (the clean load's only one there): %s\n",
			       journal_site_stack(jn, G->site));
		printf("    reproduce: ddv inject nth-any %lu; ddv load %s%s\n", G->first, driver,
		       params);
		if (G->nload_ns > 1) {
			printf("    also on loads (ddv inject nth-any N):");
			for (unsigned int i = 1; i < G->nload_ns && i <= GROUP_LOADS_SHOWN; i++)
				printf(" %lu", G->load_ns[i]);
			if (G->nload_ns > GROUP_LOADS_SHOWN + 1)
				printf(" and %u more", G->nload_ns - GROUP_LOADS_SHOWN - 1);
			putchar('\n');
		}
	}
	for (size_t i = 0; i < jn->nloads; i++) {
		struct journal_load *L = &jn->loads[i];

		if (L->status == LOAD_HANG || L->status == LOAD_CRASH || L->status == LOAD_LOST)
			printf("  %s on load %lu (fault in %s)\n"
			       "    reproduce: ddv inject nth-any %lu; ddv load %s%s\n",
			       L->status == LOAD_HANG ? "ddv.hang: init never returned" :
			       L->status == LOAD_CRASH ? "ddv.crash: the kernel oopsed" :
			       "ddv.machine-lost: the VM stopped answering",
			       L->n, L->fault ? L->fault : L->expect ? L->expect : "?", L->n, driver,
			       params);
	}
	printf("campaign %s summary:\n", module);
	if (jn->recorded)
		printf("  %-34s %lu%s\n", "fallible calls in a clean load", jn->total,
		       jn->sequential ? " (counted by the loads: no recording)" : "");
	else
		printf("  %-34s not known yet (no recording: one call after the other)\n",
		       "fallible calls in a clean load");
	printf("  %-34s %zu (%lu saved by loop pruning)\n", "loads planned", jn->nloads,
	       jn->total > jn->nloads ? (unsigned long)(jn->total - jn->nloads) : 0ul);
	printf("  %-34s %zu of %zu\n", "loads tried", tried, jn->nloads);
	printf("  %-34s %lu\n", "recording loads", jn->recording_loads);
	printf("  %-34s %u\n", "faults injected", faults);
	printf("  %-34s %u\n", "inits failed", by_status[LOAD_INIT_FAILED]);
	printf("  %-34s %u\n", "hangs", by_status[LOAD_HANG]);
	printf("  %-34s %u\n", "crashes (oops)", by_status[LOAD_CRASH]);
	printf("  %-34s %u\n", "machine lost (VM hung or killed)", by_status[LOAD_LOST]);
	printf("  %-34s %u\n", "loads off the recorded sequence", diverged);
	printf("  %-34s %u\n", "findings", findings);
	printf("  %-34s %zu\n", "distinct (rule, site and stack)", ngroups);
	for (size_t g = 0; g < ngroups; g++) {
		unsigned int n = 0;
		bool first = true;

		for (size_t h = 0; h < g; h++)
			first &= strcmp(groups[h].rule, groups[g].rule) != 0;
		if (!first)
			continue;
		for (size_t h = g; h < ngroups; h++)
			if (!strcmp(groups[h].rule, groups[g].rule))
				n += groups[h].loads;
		printf("    %-32s %u\n", groups[g].rule, n);
	}
	if (nsuppressed)
		printf("  %-34s %u (this run)\n", "findings suppressed", nsuppressed);
	for (unsigned int i = 0; nsuppressed && i < c->supp.n; i++)
		if (c->supp.v[i].hits)
			printf("    %-32s %u\n", c->supp.v[i].text, c->supp.v[i].hits);
	printf("campaign %s: %zu loads, %u faults injected, %u failed inits, %u finding%s%s\n",
	       module, tried, faults, by_status[LOAD_INIT_FAILED], findings,
	       findings == 1 ? "" : "s",
	       tried < jn->nloads || !jn->recorded ?
	       " (stopped: not every planned load was tried)" : "");
	for (size_t g = 0; g < ngroups; g++)
		free(groups[g].load_ns);
	free(groups);
	sb_free(&param_words);
	return findings || by_status[LOAD_HANG] || by_status[LOAD_CRASH] || by_status[LOAD_LOST];
}

/* --- the campaign in this machine ---------------------------------------- */

static int reload_journal(struct campaign *c, struct journal *jn)
{
	journal_free(jn);
	if (journal_load_file(c->journal_path, jn)) {
		ddv_error(0, "campaign: cannot read back the journal %s", c->journal_path);
		return -1;
	}
	return 0;
}

static int campaign_run(struct campaign *c, bool resume, long max)
{
	struct journal jn = { 0 };
	struct judge judge;
	bool have = false, reboot = false, error = false;
	long tried = 0;
	int status;

	if (resume && !journal_load_file(c->journal_path, &jn)) {
		if (strcmp(jn.driver, c->driver)) {
			ddv_error(0, "campaign: the journal %s is about %s, not %s",
				  c->journal_path, jn.driver, c->driver);
			journal_free(&jn);
			return EXIT_USAGE;
		}
		/* A recording cut short is started again: its plan may be incomplete. */
		have = jn.recorded || jn.sequential;
	}
	c->journal_fd = open(c->journal_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
			     (have ? 0 : O_TRUNC), 0644);
	if (c->journal_fd < 0) {
		ddv_error(errno, "campaign: journal %s", c->journal_path);
		journal_free(&jn);
		return EXIT_ERROR;
	}
	c->ctl = ctl_open();
	if (c->ctl < 0) {
		journal_free(&jn);
		return EXIT_ERROR;
	}
	drain_log(c->ctl);
	judge_open(&judge, c->catdir);
	if (!have) {
		journal_add(c, "ddv-campaign 1 %s", c->driver);
		status = record_plan(c, &judge);
		if (status || reload_journal(c, &jn)) {
			judge_close(&judge);
			close(c->ctl);
			journal_free(&jn);
			return status ? status : EXIT_ERROR;
		}
	} else {
		/* A load that began and never ended: the machine died under it. */
		for (size_t i = 0; i < jn.nloads; i++)
			if (jn.loads[i].started && jn.loads[i].status == LOAD_PENDING)
				journal_add(c, "done %lu lost 0 -", jn.loads[i].n);
		if (reload_journal(c, &jn))
			error = true;
		for (size_t i = 0; i < jn.nloads && !error; i++)
			if (jn.loads[i].status != LOAD_PENDING)
				print_load_line(&jn.loads[i]);
	}
	while (!error && !reboot && tried < max) {
		struct journal_load *L = journal_next(&jn);
		size_t done = 0;
		enum load_status st;
		unsigned long n;

		if (!L && jn.sequential && !jn.recorded) {
			/* Sequential: the next call, until a load makes no call to fail. */
			journal_add(c, "plan %lu", jn.nloads ? jn.loads[jn.nloads - 1].n + 1 : 1);
			if (reload_journal(c, &jn)) {
				error = true;
				break;
			}
			L = journal_next(&jn);
		}
		if (!L)
			break;
		for (size_t i = 0; i < jn.nloads; i++)
			done += jn.loads[i].status != LOAD_PENDING;
		progress(done + 1, jn.recorded ? jn.nloads : 0, L->n, L->expect);
		n = L->n;
		st = try_load(c, &judge, L);
		tried++;
		if (reload_journal(c, &jn)) {
			error = true;
			break;
		}
		if (progress_tty)
			fprintf(stderr, "\r\033[K");
		L = journal_find(&jn, n);
		print_load_line(L);
		if (jn.sequential && !jn.recorded && !L->injected &&
		    (st == LOAD_OK || st == LOAD_INIT_FAILED)) {
			/* Call n was never made: the load makes n - 1 fallible calls. */
			journal_add(c, "total %lu", n - 1);
			if (reload_journal(c, &jn)) {
				error = true;
				break;
			}
		}
		if ((st == LOAD_HANG || st == LOAD_CRASH) && journal_next(&jn)) {
			/* The module is stuck half loaded: no load of it works until a reboot. */
			printf("campaign stops: %s is stuck in its init; the loads after %lu need a "
			       "new boot (ddv campaign exhaustive --resume, or --vm on the host)\n",
			       c->module, n);
			reboot = true;
			break;
		}
		if (st == LOAD_FAILED) {
			ddv_error(0, "campaign: ddv load %s failed without its init running: "
				  "stopping", c->driver);
			error = true;
		}
	}
	set_trace(c, ~0ull, DDV_TRACE_OFF);
	inject_off(c);
	close(c->ctl);
	judge_close(&judge);
	if (!error && !reboot && jn.recorded && !journal_next(&jn) && !jn.ended) {
		journal_add(c, "end");
		jn.ended = true;
	}
	status = summarize(&jn, c, c->suppressed) ? EXIT_FINDINGS :
		 EXIT_OK;
	if (reboot)
		status = EXIT_HANG;
	if (error)
		status = EXIT_ERROR;
	close(c->journal_fd);
	journal_free(&jn);
	return status;
}

/* --- the campaign in the VM, from the host ------------------------------- */

/* The journal lines the guest echoed on its console, checked, appended to the host's. */
static unsigned int harvest_console(const char *log, int journal_fd, unsigned int *dones)
{
	char *text, *line, *save = NULL;
	unsigned int added = 0;
	size_t size;

	if (read_whole_file(log, (void **)&text, &size))
		return 0;
	text = xrealloc(text, size + 1);
	text[size] = '\0';
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = journal_unecho_line(line);

		if (!p)
			continue;	/* none, or cut by a kernel line: lost with it */
		/* The guest started afresh (no complete recording came in): so does the host. */
		if (!strncmp(p, "ddv-campaign ", 13) && ftruncate(journal_fd, 0))
			ddv_warn("cannot truncate the host journal");
		if (write(journal_fd, p, strlen(p)) < 0 || write(journal_fd, "\n", 1) < 0)
			ddv_warn("cannot write the host journal");
		added++;
		*dones += !strncmp(p, "done ", 5);
	}
	free(text);
	return added;
}

static int campaign_vm(struct campaign *c, bool resume, int argc, char **argv, int first_arg,
		       const char *vm_timeout, int boots, const char *out_dir, struct strbuf *guest_opts,
		       char **vm_args, int nvm_args)
{
	const char *base = strrchr(c->driver, '/');
	char *guest_driver = base || strstr(c->driver, ".ko") ?
			     xasprintf("/root/%s", base ? base + 1 : c->driver) : xstrdup(c->driver);
	struct journal jn = { 0 };
	int status = EXIT_ERROR, stuck = 0;

	mkdir_p(out_dir, 0755);
	if (!resume) {
		int fd = open(c->journal_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0) {
			ddv_error(errno, "campaign: journal %s", c->journal_path);
			free(guest_driver);
			return EXIT_ERROR;
		}
		close(fd);
	}
	for (int boot = 1; boot <= boots; boot++) {
		struct strbuf cmd = { 0 };
		char *log = xasprintf("%s/console-%d.log", out_dir, boot);
		char *out = xasprintf("%s/boot-%d", out_dir, boot);
		char *add_journal = xasprintf("%s:" GUEST_JOURNAL, c->journal_path);
		char *add_driver = NULL, **args = xcalloc(nvm_args + 24, sizeof(*args));
		unsigned int dones = 0, added;
		struct stat stj;
		int i = 0, vm_status, fd;
		time_t t0 = time(NULL);

		sb_printf(&cmd, "ddv campaign exhaustive --resume --journal " GUEST_JOURNAL
			  " --echo-journal --timeout %s%s %s", c->timeout, guest_opts->s ?
			  guest_opts->s : "", guest_driver);
		for (int a = first_arg + 1; a < argc; a++)
			sb_printf(&cmd, " %s", argv[a]);
		args[i++] = "ddv";
		args[i++] = "vm";
		args[i++] = "--timeout";
		args[i++] = (char *)vm_timeout;
		args[i++] = "--out";
		args[i++] = out;
		args[i++] = "--log";
		args[i++] = log;
		if (!stat(c->journal_path, &stj) && stj.st_size) {
			args[i++] = "--add";
			args[i++] = add_journal;
		}
		if (strcmp(guest_driver, c->driver)) {
			add_driver = xasprintf("%s:/root/", c->driver);
			args[i++] = "--add";
			args[i++] = add_driver;
		} else {
			args[i++] = "--module";
			args[i++] = (char *)c->driver;
		}
		for (int a = 0; a < nvm_args; a++)
			args[i++] = vm_args[a];
		args[i++] = "--";
		args[i++] = "ddv start";
		args[i++] = cmd.s;
		vm_status = run_self(args, -1);
		fd = open(c->journal_path, O_WRONLY | O_APPEND | O_CREAT, 0644);
		added = fd >= 0 ? harvest_console(log, fd, &dones) : 0;
		if (fd >= 0) {
			close(fd);
		}
		journal_free(&jn);
		if (journal_load_file(c->journal_path, &jn)) {
			ddv_error(0, "campaign: boot %d: no journal came back (console log %s)",
				  boot, log);
			free(log), free(out), free(add_journal), free(add_driver), free(args);
			sb_free(&cmd);
			break;
		}
		/* A load in flight when the guest died: recorded, and the next boot goes on after it. */
		fd = open(c->journal_path, O_WRONLY | O_APPEND);
		for (size_t l = 0; l < jn.nloads && fd >= 0; l++) {
			struct journal_load *L = &jn.loads[l];
			char *line;

			if (!L->started || L->status != LOAD_PENDING)
				continue;
			line = xasprintf("done %lu %s 0 -\n", L->n, vm_status == 124 ? "lost" :
					 "crash");
			if (write(fd, line, strlen(line)) < 0)
				ddv_warn("cannot write the host journal");
			free(line);
			dones++;
		}
		if (fd >= 0)
			close(fd);
		journal_free(&jn);
		journal_load_file(c->journal_path, &jn);
		fprintf(stderr, "campaign %s: boot %d: %ld s, guest status %d, %u journal lines, "
			"%u loads ended (console: %s)\n", c->module, boot, (long)(time(NULL) - t0),
			vm_status, added, dones, log);
		free(log), free(out), free(add_journal), free(add_driver), free(args);
		sb_free(&cmd);
		if (jn.ended) {
			status = EXIT_OK;
			break;
		}
		/* Two boots in a row that learnt nothing: the guest cannot get on. */
		stuck = dones ? 0 : stuck + 1;
		if (stuck >= 2) {
			ddv_error(0, "campaign: two boots ended no load: stopping (see the console "
				  "logs in %s)", out_dir);
			break;
		}
	}
	if (jn.driver) {
		for (size_t i = 0; i < jn.nloads; i++)
			if (jn.loads[i].status != LOAD_PENDING)
				print_load_line(&jn.loads[i]);
		if (summarize(&jn, c, 0) && status == EXIT_OK)
			status = EXIT_FINDINGS;
	}
	journal_free(&jn);
	free(guest_driver);
	return status;
}

/* --- the command line ------------------------------------------------------ */

/* The module name of a driver given by name or by path (.modinfo name=). */
static char *driver_module_name(const char *driver)
{
	struct symset none = { 0 };
	struct site_table t;
	char *name;

	if (!strchr(driver, '/') && !strstr(driver, ".ko"))
		return xstrdup(driver);
	if (relocs_read_file(driver, &none, &t))
		return NULL;
	name = xstrdup(t.module);
	site_table_free(&t);
	return name;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ddv campaign exhaustive [OPTIONS] DRIVER|FILE.ko [PARAM=VALUE...]\n"
		"  --timeout S       a load's watchdog (default 60)\n"
		"  --max N           try at most N loads in this run\n"
		"  --resume          go on from the journal\n"
		"  --journal FILE    the journal (default: campaign.journal in the state directory)\n"
		"  --keep K          repeats of a loop failed at each end (default %d)\n"
		"  --no-prune        fail every fallible call, loops included\n"
		"  --suppress RULE[@FRAME[>FRAME...]] | FILE   leave such findings out (globs:\n"
		"                    the rule, then the site or stack frames, innermost\n"
		"                    first); repeatable\n"
		"  --suppressions FILE   the same, one a line ('#' comments); repeatable\n"
		"  --echo-journal    copy each journal line to /dev/console\n"
		"  --vm              run in the bundled VM from the host, booting it again after\n"
		"                    a crash or hang: --boots N (default %d), --vm-timeout S\n"
		"                    (default 300), --out DIR, --vm-arg ARG (to ddv vm)\n",
		PRUNE_KEEP, DEFAULT_BOOTS);
}

int cmd_campaign(int argc, char **argv)
{
	static const struct option options[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "max", required_argument, NULL, 'm' },
		{ "resume", no_argument, NULL, 'r' },
		{ "catalog", required_argument, NULL, 'c' },
		{ "journal", required_argument, NULL, 'j' },
		{ "keep", required_argument, NULL, 'k' },
		{ "no-prune", no_argument, NULL, 'P' },
		{ "suppress", required_argument, NULL, 's' },
		{ "suppressions", required_argument, NULL, 'S' },
		{ "echo-journal", no_argument, NULL, 'e' },
		{ "vm", no_argument, NULL, 'v' },
		{ "boots", required_argument, NULL, 'b' },
		{ "vm-timeout", required_argument, NULL, 'T' },
		{ "out", required_argument, NULL, 'o' },
		{ "vm-arg", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct campaign c = { .timeout = "60", .keep = PRUNE_KEEP, .prune = true, .echo_fd = -1,
			      .journal_fd = -1, .ctl = -1 };
	const char *vm_timeout = "300", *out_dir = "ddv-campaign-out", *journal = NULL;
	struct strbuf guest_opts = { 0 };
	char **vm_args = NULL;
	int opt, nvm_args = 0, boots = DEFAULT_BOOTS, status;
	bool resume = false, vm = false;
	long max = DEFAULT_MAX_LOADS;

	if (argc < 2 || strcmp(argv[1], "exhaustive")) {
		if (argc >= 2 && !strcmp(argv[1], "--help")) {
			usage(stdout);
			return EXIT_OK;
		}
		ddv_error(0, "campaign: expected 'exhaustive DRIVER' (ddv campaign --help)");
		return EXIT_USAGE;
	}
	argc--;
	argv++;
	while ((opt = getopt_long(argc, argv, "+t:m:rc:j:k:Ps:S:evb:T:o:a:h", options, NULL)) != -1) {
		switch (opt) {
		case 't':
			c.timeout = optarg;
			break;
		case 'm':
			max = atol(optarg);
			sb_printf(&guest_opts, " --max %ld", max);
			break;
		case 'r':
			resume = true;
			break;
		case 'c':
			c.catdir = optarg;
			break;
		case 'j':
			journal = optarg;
			break;
		case 'k':
			c.keep = atoi(optarg) > 0 ? atoi(optarg) : 1;
			sb_printf(&guest_opts, " --keep %u", c.keep);
			break;
		case 'P':
			c.prune = false;
			sb_puts(&guest_opts, " --no-prune");
			break;
		case 's':
			if (suppressions_add(&c.supp, optarg))
				return EXIT_USAGE;
			break;
		case 'S':
			if (suppressions_add_file(&c.supp, optarg))
				return EXIT_USAGE;
			break;
		case 'e':
			c.echo_fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
			if (c.echo_fd < 0)
				ddv_warn("--echo-journal: /dev/console: %s", strerror(errno));
			break;
		case 'v':
			vm = true;
			break;
		case 'b':
			boots = atoi(optarg);
			break;
		case 'T':
			vm_timeout = optarg;
			break;
		case 'o':
			out_dir = optarg;
			break;
		case 'a':
			vm_args = xrealloc(vm_args, (nvm_args + 1) * sizeof(*vm_args));
			vm_args[nvm_args++] = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		ddv_error(0, "campaign exhaustive: which driver?");
		return EXIT_USAGE;
	}
	c.driver = argv[optind];
	c.params = argv + optind + 1;
	c.nparams = argc - optind - 1;
	c.catdir = catalog_default_dir(c.catdir);
	c.module = driver_module_name(c.driver);
	if (!c.module)
		return EXIT_ERROR;
	progress_tty = isatty(STDERR_FILENO);
	/* The guest gets the patterns themselves: a file of them stays on the host. */
	for (unsigned int i = 0; i < c.supp.n; i++) {
		sb_puts(&guest_opts, " --suppress ");
		suppression_shell_word(&c.supp.v[i], &guest_opts);
	}
	if (vm) {
		c.journal_path = journal ? xstrdup(journal) :
				 xasprintf("%s/%s.journal", out_dir, c.module);
		mkdir_p(out_dir, 0755);
		status = campaign_vm(&c, resume, argc, argv, optind, vm_timeout, boots, out_dir,
				     &guest_opts, vm_args, nvm_args);
	} else {
		c.journal_path = journal ? xstrdup(journal) : state_path("campaign.journal");
		status = campaign_run(&c, resume, max);
	}
	suppressions_free(&c.supp);
	free(vm_args);
	sb_free(&guest_opts);
	free(c.journal_path);
	free(c.module);
	if (c.echo_fd >= 0)
		close(c.echo_fd);
	return status;
}
