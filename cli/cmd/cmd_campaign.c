/*
 * cmd_campaign.c: "ddv campaign exhaustive": loads a driver again and again,
 * each time failing one fallible call of its load, and sums up what each
 * failure provoked, with the command that reproduces each finding.
 *
 * This file holds the command line and the judge, which decodes each load's
 * records; campaign_cmd.h lists the other parts (plan, run, summary, VM).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "campaign_cmd.h"
#include "commands.h"

#define DEFAULT_MAX_LOADS 100000

/* --- decoding a load's records ------------------------------------------ */

static void ignore_event(struct decoder *dec, const struct event *ev, void *data)
{
}

/*
 * One decoder for the whole campaign: each load decodes only its own records.
 * Returns 0, or -errno with a sentence said (no session, or a catalog not its
 * pack's).
 */
int judge_open(struct judge *j, int ctl_fd)
{
	struct session s;
	size_t size;
	void *data;
	int err = session_load(&s, ctl_fd);

	if (err)
		return err;
	j->cat = s.cat;
	j->rt = s.rt;
	decoder_init(&j->dec, &j->cat, &j->rt, true);
	j->decoded = 0;
	/* What came before only moves the site tables along. */
	if (!state_read_records(&data, &size)) {
		decode_stream(&j->dec, data, size, ignore_event, NULL);
		j->decoded = size;
		free(data);
	}
	return 0;
}

void judge_run_to(struct judge *j, size_t end, event_fn fn, void *arg)
{
	size_t size;
	void *data;

	if (state_read_records(&data, &size))
		return;
	if (end < size)
		size = end;
	if (size > j->decoded)
		decode_stream(&j->dec, (char *)data + j->decoded, size - j->decoded, fn, arg);
	j->decoded = size;
	free(data);
}

void judge_run(struct judge *j, event_fn fn, void *arg)
{
	judge_run_to(j, SIZE_MAX, fn, arg);
}

size_t judge_records_size(void)
{
	size_t size = 0;
	void *data;

	if (!state_read_records(&data, &size))
		free(data);
	return size;
}

void judge_close(struct judge *j)
{
	decoder_free(&j->dec);
	rt_tables_free(&j->rt);
	catalog_free(&j->cat);
}

bool judge_finding(struct campaign *c, const struct event *ev, struct journal_finding *out)
{
	struct strbuf site = { 0 }, stack = { 0 };
	struct frames frames;
	const char *rule;
	bool kept;

	/* Another driver's records (one stuck in its init still says so) are not this load's. */
	if (!event_is_finding(ev) || (ev->driver && strcmp(ev->driver, c->module)))
		return false;
	rule = ev->msg ? ev->msg->rule_id : "ddv.log-lost";
	if (ev->site)
		sb_printf(&site, "%s+0x%x", ev->site->func, ev->site->func_offset);
	else
		sb_puts(&site, "-");
	event_frames(ev, &frames);
	/* The driver is gone by now: its frames that nothing names are "?", as in a group key. */
	frames_join(&frames, true, &stack);
	kept = !suppressions_match(&c->supp, rule, site.s, &frames);
	if (kept) {
		*out = (struct journal_finding){ .rule = xstrdup(rule), .site = xstrdup(site.s),
						 .stack = stack.len ? xstrdup(stack.s) : NULL };
	} else {
		c->suppressed++;
		/* The kernel's complaints from its call go with it (judge_kernel). */
		if (frames.n && frames.known[0])
			symset_add(&c->suppressed_calls, frames.name[0]);
	}
	frames_free(&frames);
	sb_free(&stack);
	sb_free(&site);
	return kept;
}

/* Whether a finding of the load came from the call the complaint came from. */
static bool complaint_explained(const struct kcomplaint *k, const struct journal_finding *have,
				unsigned int nhave)
{
	for (unsigned int f = 0; f < nhave; f++) {
		size_t len;

		if (!have[f].stack)
			continue;
		len = strcspn(have[f].stack, ">");
		while (len && have[f].stack[len - 1] == ' ')
			len--;
		for (unsigned int i = 0; i < k->nframes; i++)
			if (strlen(k->frames[i]) == len && !strncmp(k->frames[i], have[f].stack, len))
				return true;
	}
	return false;
}

unsigned int judge_kernel(struct campaign *c, const struct journal_finding *have,
			  unsigned int nhave, struct journal_finding *out, unsigned int max)
{
	struct kcomplaints kc = { 0 };
	unsigned int n = 0;

	kernlog_read(&kc);
	for (size_t i = 0; i < kc.n; i++) {
		const struct kcomplaint *k = &kc.v[i];
		struct strbuf stack = { 0 };
		const char *rule = k->kind == KC_WARNING ? "ddv.kernel-warning" : "ddv.kernel-bug";
		char *site;
		bool dup = false;

		if (k->seq < c->kernel_seen)
			continue;
		if (complaint_explained(k, have, nhave))
			continue;
		for (unsigned int f = 0; f < k->nframes && !dup; f++)
			dup = symset_has(&c->suppressed_calls, k->frames[f]);
		if (dup)
			continue;
		site = xstrndup(k->where ? k->where : "-", strcspn(k->where ? k->where : "-", " "));
		for (unsigned int f = 0; f < k->nframes; f++)
			if (kernlog_driver_frame(k->frames[f], NULL, NULL))
				sb_printf(&stack, "%s%s", stack.len ? " > " : "", k->frames[f]);
		for (unsigned int f = 0; f < n && !dup; f++)
			dup = !strcmp(out[f].rule, rule) && !strcmp(out[f].site, site) &&
			      !strcmp(out[f].stack ? out[f].stack : "", stack.s ? stack.s : "");
		if (dup || n >= max) {
			free(site);
			sb_free(&stack);
			continue;
		}
		out[n++] = (struct journal_finding){ .rule = xstrdup(rule), .site = site,
						     .stack = stack.s };
	}
	for (size_t i = 0; i < kc.n; i++)
		if (kc.v[i].seq >= c->kernel_seen)
			c->kernel_seen = kc.v[i].seq + 1;
	kernlog_free(&kc);
	symset_free(&c->suppressed_calls);
	return n;
}

void call_name(const struct event *ev, struct strbuf *sb)
{
	sb_printf(sb, "%s", ev->symbol ? ev->symbol : ev->api ? ev->api : "?");
	if (ev->site)
		sb_printf(sb, "@%s+0x%x", ev->site->func, ev->site->func_offset);
}

bool is_traced_call(const struct event *ev)
{
	size_t len;

	if (!ev->msg || ev->pack_id == 0 || !ev->symbol)
		return false;
	len = strlen(ev->msg->rule_id);
	return len > 5 && !strcmp(ev->msg->rule_id + len - 5, ".call") &&
	       strstr(ev->msg->rule_id, ".trace.");
}

/* --- the command line ------------------------------------------------------ */

/* The kernel's name of module NAME (of length len): its dashes are underscores. */
static char *module_name_of(const char *name, size_t len)
{
	char *m = xstrndup(name, len);

	for (char *p = m; *p; p++)
		if (*p == '-')
			*p = '_';
	return m;
}

/*
 * The module name of a driver given by name or by path (.modinfo name=): the
 * runtime knows snd-ens1370 as snd_ens1370, and tracing or injecting for the
 * other spelling would see no call.
 */
static char *driver_module_name(const char *driver)
{
	struct symset none = { 0 };
	struct site_table t;
	char *name;

	if (!strchr(driver, '/') && !strstr(driver, ".ko"))
		return module_name_of(driver, strlen(driver));
	if (relocs_read_file(driver, &none, &t))
		return NULL;
	name = xstrdup(t.module);
	site_table_free(&t);
	return name;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ddv campaign exhaustive|systematic [OPTIONS] DRIVER|FILE.ko [PARAM=VALUE...]\n"
		"       ddv campaign merge [--journal FILE] [--format FMT] [--html FILE] JOURNAL...\n"
		"  exhaustive: fail each fallible call of the recorded life in turn (loops pruned)\n"
		"  systematic: fail each distinct call stack once, and its second call when it\n"
		"              repeats\n"
		"  --timeout S       a load's watchdog (default 60)\n"
		"  --max N           try at most N loads in this run\n"
		"  --resume          go on from the journal\n"
		"  --journal FILE    the journal (default: campaign.journal in the state directory)\n"
		"  --keep K          repeats of a loop failed at each end (default %d)\n"
		"  --no-prune        fail every fallible call, loops included\n"
		"  --setup CMD       a shell line run before each load (modprobe a bus driver)\n"
		"  --with MOD,...    the driver's family, loaded and checked with it (default:\n"
		"                    its dependencies and theirs not loaded yet); --alone:\n"
		"                    none\n"
		"  --workload CMD    a shell line run after each load and before its unload:\n"
		"                    its calls are recorded and failed in turn too\n"
		"  --rebind          unbind and bind the driver's devices (sysfs) before unload:\n"
		"                    remove and probe run again\n"
		"  --dry-run         record and plan, print what the loads would fail, try none\n"
		"  --exclude GLOB    never fail a call of such a function (kmalloc*), site\n"
		"                    (func+0xoff) or driver function; repeatable\n"
		"  --suppress RULE[@FRAME[>FRAME...]] | FILE   leave such findings out (globs:\n"
		"                    the rule, then the site or stack frames, innermost\n"
		"                    first); repeatable\n"
		"  --suppressions FILE   the same, one a line ('#' comments); repeatable\n"
		"  --shard K/N       try only shard K of N of the plan: load n when\n"
		"                    (n - 1) mod N = K - 1 (ddv campaign merge joins them)\n"
		"  --format FMT      the summary as text (default), ktap or junit (for CI;\n"
		"                    the load lines then go to stderr)\n"
		"  --html FILE       the summary as a page too: findings, loads, timeline\n"
		"  --echo-journal    copy each journal line to /dev/console\n"
		"  --vm              run in the bundled VM from the host, booting it again after\n"
		"                    a crash or hang: --boots N (default %d), --vm-timeout S\n"
		"                    (default 300), --out DIR, --vm-arg ARG (to ddv vm)\n",
		PRUNE_KEEP, DEFAULT_BOOTS);
}

/* What the command line asks for besides the campaign itself. */
struct campaign_args {
	bool resume;
	long max;
	const char *journal;
	bool vm;
	struct campaign_vm_opts vm_opts;
};

/* An option of --vm's: 1 when opt is one, 0 when not, -1 for a bad value (said). */
static int vm_option(int opt, struct campaign_args *a)
{
	struct campaign_vm_opts *o = &a->vm_opts;
	long n;

	switch (opt) {
	case 'v':
		a->vm = true;
		return 1;
	case 'b':
		if (!parse_number_option("--boots", optarg, 1, 100000, &n))
			return -1;
		o->boots = n;
		return 1;
	case 'T':
		if (!parse_number_option("--vm-timeout", optarg, 1, 86400, &n))
			return -1;
		o->timeout = optarg;
		return 1;
	case 'o':
		o->out_dir = optarg;
		return 1;
	case 'a':
		o->args = xrealloc(o->args, (o->nargs + 1) * sizeof(*o->args));
		o->args[o->nargs++] = optarg;
		return 1;
	}
	return 0;
}

/* --shard K/N: 0, or -1 (said). */
static int parse_shard(const char *arg, struct campaign *c)
{
	unsigned int k, n;
	char end;

	if (sscanf(arg, "%u/%u%c", &k, &n, &end) != 2 || !k || k > n || n > 100000) {
		ddv_error(EINVAL, "--shard %s: expected K/N, 1 <= K <= N", arg);
		return -1;
	}
	c->shard = k;
	c->nshards = n;
	return 0;
}

/* --format of a campaign: text, ktap or junit (its JSON is the journal). */
static int parse_campaign_format(const char *arg, enum ci_format *format)
{
	if (ci_format_parse(arg, format))
		return -1;
	if (*format == CI_JSON) {
		ddv_error(0, "--format json: a campaign has no JSON; its journal is its record "
			  "(ddv(8): campaign)");
		return -1;
	}
	return 0;
}

/*
 * One option of the campaign's own; those the guest of a --vm campaign
 * needs too go to its options. Returns -1 to go on, or an exit status.
 */
static int campaign_option(int opt, struct campaign *c, struct campaign_args *a)
{
	struct strbuf *guest_opts = &a->vm_opts.guest_opts;
	long n;

	switch (opt) {
	case 't':
		if (!parse_number_option("--timeout", optarg, 1, 86400, &n))
			return EXIT_USAGE;
		c->timeout = optarg;
		break;
	case 'm':
		if (!parse_number_option("--max", optarg, 1, LONG_MAX, &a->max))
			return EXIT_USAGE;
		sb_printf(guest_opts, " --max %ld", a->max);
		break;
	case 'r':
		a->resume = true;
		break;
	case 'j':
		a->journal = optarg;
		break;
	case 'k':
		if (!parse_number_option("--keep", optarg, 1, 1000000, &n))
			return EXIT_USAGE;
		c->keep = n;
		sb_printf(guest_opts, " --keep %u", c->keep);
		break;
	case 'P':
		c->prune = false;
		sb_puts(guest_opts, " --no-prune");
		break;
	case 'U':
		c->setup = optarg;
		sb_puts(guest_opts, " --setup ");
		sb_shell_word(guest_opts, optarg);
		break;
	case 'w':
		c->with = optarg;
		sb_puts(guest_opts, " --with ");
		sb_shell_word(guest_opts, optarg);
		break;
	case 'A':
		c->alone = true;
		sb_puts(guest_opts, " --alone");
		break;
	case 'W':
		c->workload = optarg;
		sb_puts(guest_opts, " --workload ");
		sb_shell_word(guest_opts, optarg);
		break;
	case 'R':
		c->rebind = true;
		sb_puts(guest_opts, " --rebind");
		break;
	case 'D':
		c->dry_run = true;
		sb_puts(guest_opts, " --dry-run");
		break;
	case 'X':
		c->exclude = xrealloc(c->exclude, (c->nexclude + 1) * sizeof(*c->exclude));
		c->exclude[c->nexclude++] = optarg;
		sb_puts(guest_opts, " --exclude ");
		sb_shell_word(guest_opts, optarg);
		break;
	case 's':
		if (suppressions_add(&c->supp, optarg))
			return EXIT_USAGE;
		break;
	case 'S':
		if (suppressions_add_file(&c->supp, optarg))
			return EXIT_USAGE;
		break;
	case 'K':
		if (parse_shard(optarg, c))
			return EXIT_USAGE;
		sb_printf(guest_opts, " --shard %u/%u", c->shard, c->nshards);
		break;
	case 'F':
		if (parse_campaign_format(optarg, &c->format))
			return EXIT_USAGE;
		break;
	case 'H':
		c->html = optarg;	/* the host's, with --vm: the guest's summary is not kept */
		break;
	case 'e':
		c->echo_fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (c->echo_fd < 0)
			ddv_warn("--echo-journal: /dev/console: %s", strerror(errno));
		break;
	case 'h':
		usage(stdout);
		return EXIT_OK;
	default:
		usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}

/* The options, into c and a. Returns -1 to go on, or an exit status. */
static int parse_options(int argc, char **argv, struct campaign *c, struct campaign_args *a)
{
	static const struct option options[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "max", required_argument, NULL, 'm' },
		{ "resume", no_argument, NULL, 'r' },
		{ "journal", required_argument, NULL, 'j' },
		{ "keep", required_argument, NULL, 'k' },
		{ "no-prune", no_argument, NULL, 'P' },
		{ "setup", required_argument, NULL, 'U' },
		{ "with", required_argument, NULL, 'w' },
		{ "alone", no_argument, NULL, 'A' },
		{ "workload", required_argument, NULL, 'W' },
		{ "rebind", no_argument, NULL, 'R' },
		{ "dry-run", no_argument, NULL, 'D' },
		{ "exclude", required_argument, NULL, 'X' },
		{ "suppress", required_argument, NULL, 's' },
		{ "suppressions", required_argument, NULL, 'S' },
		{ "shard", required_argument, NULL, 'K' },
		{ "format", required_argument, NULL, 'F' },
		{ "html", required_argument, NULL, 'H' },
		{ "echo-journal", no_argument, NULL, 'e' },
		{ "vm", no_argument, NULL, 'v' },
		{ "boots", required_argument, NULL, 'b' },
		{ "vm-timeout", required_argument, NULL, 'T' },
		{ "out", required_argument, NULL, 'o' },
		{ "vm-arg", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int opt, status;

	while ((opt = getopt_long(argc, argv, "+t:m:rj:k:PU:w:AW:RDX:s:S:K:F:H:evb:T:o:a:h", options, NULL)) != -1) {
		status = vm_option(opt, a);
		if (status < 0)
			return EXIT_USAGE;
		if (status)
			continue;
		status = campaign_option(opt, c, a);
		if (status >= 0)
			return status;
	}
	if (optind >= argc) {
		ddv_error(0, "campaign: which driver?");
		return EXIT_USAGE;
	}
	return -1;
}

/* The campaign a journal describes, for its summary (the driver's module: its name). */
static void campaign_of_journal(struct campaign *c, const struct journal *jn)
{
	const char *base = strrchr(jn->driver, '/');

	c->driver = jn->driver;
	c->module = module_name_of(base ? base + 1 : jn->driver,
				   strcspn(base ? base + 1 : jn->driver, "."));
	c->setup = jn->setup;
	c->workload = jn->workload;
	c->with = jn->with;
	c->alone = jn->alone;
	c->rebind = jn->rebind;
	c->params = jn->params;
	c->nparams = jn->nparams;
	c->exclude = jn->excludes;
	c->nexclude = jn->nexcludes;
}

/*
 * ddv campaign merge [--journal FILE] [--format FMT] [--html FILE] JOURNAL...:
 * the shards' journals as one campaign's, summed up as that campaign would
 * have been (and written to FILE).
 */
static int campaign_merge(int argc, char **argv)
{
	static const struct option options[] = {
		{ "journal", required_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'F' },
		{ "html", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct campaign c = { .format = CI_TEXT };
	struct journal *shards, whole;
	struct strbuf text = { 0 };
	const char *out = NULL;
	int opt, status = EXIT_ERROR, n;
	char *why = NULL;

	while ((opt = getopt_long(argc, argv, "j:F:H:h", options, NULL)) != -1) {
		if (opt == 'j') {
			out = optarg;
		} else if (opt == 'H') {
			c.html = optarg;
		} else if (opt == 'F') {
			if (parse_campaign_format(optarg, &c.format))
				return EXIT_USAGE;
		} else {
			usage(opt == 'h' ? stdout : stderr);
			return opt == 'h' ? EXIT_OK : EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		ddv_error(0, "campaign merge: which journals?");
		return EXIT_USAGE;
	}
	n = argc - optind;
	shards = xcalloc(n, sizeof(*shards));
	for (int i = 0; i < n; i++)
		if (journal_load_file(argv[optind + i], &shards[i])) {
			ddv_error(ENOENT, "campaign merge: %s: no journal", argv[optind + i]);
			goto out;
		}
	if (journal_merge(shards, n, &text, &why)) {
		ddv_error(0, "campaign merge: %s", why);
		goto out;
	}
	if (out && write_whole_file(out, text.s, text.len)) {
		ddv_error(errno, "campaign merge: %s", out);
		goto out;
	}
	if (journal_parse(&whole, text.s, text.len)) {
		ddv_error(0, "campaign merge: the merged journal does not read back");
		journal_free(&whole);
		goto out;
	}
	campaign_of_journal(&c, &whole);
	status = summary_status(summarize(&whole, &c, 0));
	free(c.module);
	journal_free(&whole);
out:
	for (int i = 0; i < n; i++)
		journal_free(&shards[i]);
	free(shards);
	free(why);
	sb_free(&text);
	return status;
}

int cmd_campaign(int argc, char **argv)
{
	struct campaign c = { .timeout = "60", .keep = PRUNE_KEEP, .prune = true, .echo_fd = -1,
			      .journal_fd = -1, .ctl = -1 };
	struct campaign_args a = {
		.max = DEFAULT_MAX_LOADS,
		.vm_opts = { .timeout = "300", .boots = DEFAULT_BOOTS, .out_dir = "ddv-campaign-out" },
	};
	struct campaign_vm_opts *o = &a.vm_opts;
	int status;

	if (argc >= 2 && !strcmp(argv[1], "merge"))
		return campaign_merge(argc - 1, argv + 1);
	if (argc < 2 || (strcmp(argv[1], "exhaustive") && strcmp(argv[1], "systematic"))) {
		if (argc >= 2 && !strcmp(argv[1], "--help")) {
			usage(stdout);
			return EXIT_OK;
		}
		ddv_error(0, "campaign: expected 'exhaustive DRIVER', 'systematic DRIVER' or "
			  "'merge JOURNAL...' "
			  "(ddv campaign --help)");
		return EXIT_USAGE;
	}
	c.systematic = !strcmp(argv[1], "systematic");
	argc--;
	argv++;
	status = parse_options(argc, argv, &c, &a);
	if (status >= 0)
		return status;
	c.driver = argv[optind];
	c.params = argv + optind + 1;
	c.nparams = argc - optind - 1;
	c.module = driver_module_name(c.driver);
	if (!c.module)
		return EXIT_ERROR;
	c.progress_tty = isatty(STDERR_FILENO);
	/* The guest gets the patterns themselves: a file of them stays on the host. */
	for (unsigned int i = 0; i < c.supp.n; i++) {
		sb_puts(&o->guest_opts, " --suppress ");
		sb_shell_word(&o->guest_opts, c.supp.v[i].text);
	}
	if (a.vm) {
		c.journal_path = a.journal ? xstrdup(a.journal) :
				 xasprintf("%s/%s.journal", o->out_dir, c.module);
		mkdir_p(o->out_dir, 0755);
		status = campaign_vm(&c, a.resume, o);
	} else {
		c.journal_path = a.journal ? xstrdup(a.journal) : state_path("campaign.journal");
		status = campaign_run(&c, a.resume, a.max);
	}
	suppressions_free(&c.supp);
	free(c.exclude);
	free(o->args);
	sb_free(&o->guest_opts);
	free(c.journal_path);
	free(c.module);
	if (c.echo_fd >= 0)
		close(c.echo_fd);
	return status;
}
