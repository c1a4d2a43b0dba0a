/*
 * cmd_campaign.c: "ddv campaign exhaustive": loads a driver again and again,
 * failing its Nth fallible call on the Nth load, until a load makes no call
 * to fail; each load's faults and findings are summed up, with the command
 * that reproduces each finding.
 *
 * Each load and unload is this program run again ("ddv load", "ddv unload"),
 * so a campaign load is exactly a user's. A journal in the state directory
 * (campaign) names the next N, so "--resume" goes on after an interruption
 * in the same session. Not yet: pruning of repeated call patterns (loops),
 * and outliving a crash or reboot of the machine (the journal is on it, and
 * 'ddv start' clears it).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ddv/uapi.h>

#include "cli.h"
#include "commands.h"

#define DEFAULT_MAX_LOADS 10000

/* What one load's records say. */
struct load_outcome {
	const char *module;	/* the campaign's driver */
	unsigned int injected;
	unsigned int findings;
	struct strbuf fault;	/* the injected call, "kmalloc at e1000_probe+0x3ba" */
	struct strbuf rules;	/* the findings' rule ids and sites, one a line */
};

static void judge_event(struct decoder *dec, const struct event *ev, void *data)
{
	struct load_outcome *lo = data;

	if (!ev->msg && !ev->is_drop && ev->pack_id == 0)
		return;
	if (ev->msg && !strcmp(ev->msg->rule_id, "ddv.fault-injected") &&
	    (!ev->module || !strcmp(ev->module, lo->module))) {
		lo->injected++;
		lo->fault.len = 0;
		sb_printf(&lo->fault, "%s", ev->api ? ev->api : "?");
		if (ev->site)
			sb_printf(&lo->fault, " at %s+0x%x", ev->site->func, ev->site->func_offset);
		return;
	}
	/* Another driver's records (one stuck in its init still says so) are not this load's. */
	if (!event_is_finding(ev) || (ev->module && strcmp(ev->module, lo->module)))
		return;
	lo->findings++;
	sb_printf(&lo->rules, "    %s", ev->msg ? ev->msg->rule_id : "ddv.log-lost");
	if (ev->site)
		sb_printf(&lo->rules, " at %s+0x%x", ev->site->func, ev->site->func_offset);
	sb_puts(&lo->rules, "\n");
}

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
	/* What came before the campaign only moves the site tables along. */
	if (!state_read_records(&data, &size)) {
		decode_stream(&j->dec, data, size, ignore_event, NULL);
		j->decoded = size;
		free(data);
	}
}

static void judge_load(struct judge *j, struct load_outcome *lo)
{
	size_t size;
	void *data;

	if (state_read_records(&data, &size))
		return;
	if (size > j->decoded)
		decode_stream(&j->dec, (char *)data + j->decoded, size - j->decoded, judge_event, lo);
	j->decoded = size;
	free(data);
}

static void judge_close(struct judge *j)
{
	decoder_free(&j->dec);
	rt_tables_free(&j->rt);
	catalog_free(&j->cat);
}

/* Runs this program with args; returns its exit status (or EXIT_ERROR). */
static int run_self(char *const *args, bool quiet)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return EXIT_ERROR;
	if (pid == 0) {
		if (quiet) {
			int null = open("/dev/null", O_WRONLY);

			if (null >= 0) {
				dup2(null, STDOUT_FILENO);
				dup2(null, STDERR_FILENO);
			}
		}
		execv("/proc/self/exe", args);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return EXIT_ERROR;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_ERROR;
}

static int journal_read(const char *driver)
{
	char *path = state_path("campaign"), *text, name[256];
	size_t size;
	int n = 0;

	if (!read_whole_file(path, (void **)&text, &size)) {
		if (sscanf(text, "%255s %d", name, &n) != 2 || strcmp(name, driver))
			n = 0;
		free(text);
	}
	free(path);
	return n;
}

static void journal_write(const char *driver, int next)
{
	char *path = state_path("campaign"), *text = xasprintf("%s %d\n", driver, next);

	if (write_whole_file(path, text, strlen(text)))
		ddv_warn("cannot write the campaign journal %s", path);
	free(text);
	free(path);
}

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

int cmd_campaign(int argc, char **argv)
{
	static const struct option options[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "max", required_argument, NULL, 'm' },
		{ "resume", no_argument, NULL, 'r' },
		{ "catalog", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *timeout = "60", *catdir = NULL, *driver;
	unsigned int loads = 0, faults = 0, findings = 0, failed_inits = 0;
	int max = DEFAULT_MAX_LOADS, opt, n = 1, fd, status = EXIT_OK;
	struct strbuf summary = { 0 };
	bool resume = false, done = false;
	struct judge judge;
	char *module;

	if (argc < 2 || strcmp(argv[1], "exhaustive")) {
		if (argc >= 2 && !strcmp(argv[1], "--help"))
			goto help;
		ddv_error(0, "campaign: expected 'exhaustive DRIVER' (ddv campaign --help)");
		return EXIT_USAGE;
	}
	argc--;
	argv++;
	while ((opt = getopt_long(argc, argv, "+t:m:rc:h", options, NULL)) != -1) {
		switch (opt) {
		case 't':
			timeout = optarg;
			break;
		case 'm':
			max = atoi(optarg);
			break;
		case 'r':
			resume = true;
			break;
		case 'c':
			catdir = optarg;
			break;
		case 'h':
help:
			printf("usage: ddv campaign exhaustive [--timeout S] [--max N] [--resume] "
			       "DRIVER|FILE.ko [PARAM=VALUE...]\n");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		ddv_error(0, "campaign exhaustive: which driver?");
		return EXIT_USAGE;
	}
	driver = argv[optind];
	catdir = catalog_default_dir(catdir);
	module = driver_module_name(driver);
	if (!module)
		return EXIT_ERROR;
	if (resume && journal_read(driver) > 0)
		n = journal_read(driver);
	fd = ctl_open();
	if (fd < 0) {
		free(module);
		return EXIT_ERROR;
	}
	drain_log(fd);
	judge_open(&judge, catdir);

	for (; n <= max && !done; n++) {
		struct load_outcome lo = { .module = module };
		int nargs = argc - optind - 1, load_status, i = 0;
		char **args = xcalloc(nargs + 6, sizeof(*args));
		int err;

		journal_write(driver, n);
		err = ctl_call(fd, DDV_OP_INJECT, 1, (uint64_t[]){ DDV_INJECT_OFF }, NULL);
		if (!err)
			err = ctl_call(fd, DDV_OP_INJECT, 2,
				       (uint64_t[]){ DDV_INJECT_NTH_ANY, (uint64_t)n }, NULL);
		if (err) {
			ddv_error(-err, "campaign: inject nth-any %d", n);
			free(args);
			status = EXIT_ERROR;
			break;
		}
		args[i++] = "ddv";
		args[i++] = "load";
		args[i++] = "--timeout";
		args[i++] = (char *)timeout;
		for (int a = optind; a < argc; a++)
			args[i++] = argv[a];
		load_status = run_self(args, true);
		free(args);
		loads++;
		if (load_status == EXIT_OK)
			run_self((char *[]){ "ddv", "unload", module, NULL }, true);
		drain_log(fd);
		judge_load(&judge, &lo);
		journal_write(driver, n + 1);	/* this load is learnt */
		faults += lo.injected;
		findings += lo.findings;
		failed_inits += load_status == EXIT_INIT_FAILED;
		printf("load %d: %s%s, %s, %u finding%s\n", n,
		       lo.injected ? "fault in " : "no fault injected",
		       lo.injected ? lo.fault.s : "",
		       load_status == EXIT_OK ? "loaded and unloaded" :
		       load_status == EXIT_INIT_FAILED ? "init failed" :
		       load_status == EXIT_HANG ? "init HANGS" : "load failed",
		       lo.findings, lo.findings == 1 ? "" : "s");
		fflush(stdout);
		if (lo.findings)
			sb_printf(&summary, "load %d (fault in %s):\n%s    reproduce: ddv inject "
				  "nth-any %d; ddv load %s\n", n, lo.injected ? lo.fault.s : "none",
				  lo.rules.s, n, driver);
		if (load_status == EXIT_HANG) {
			/* The init never returns: the module cannot be loaded again here. */
			printf("campaign stops: %s is stuck in its init; loads from %d on need a "
			       "new boot\n", module, n + 1);
			done = true;
			status = EXIT_HANG;
		} else if (!lo.injected && load_status == EXIT_OK) {
			done = true;	/* every fallible call of a load has failed once */
		} else if (load_status != EXIT_OK && load_status != EXIT_INIT_FAILED) {
			ddv_error(0, "campaign: ddv load %s exited %d: stopping", driver,
				  load_status);
			done = true;
			status = EXIT_ERROR;
		}
		sb_free(&lo.fault);
		sb_free(&lo.rules);
	}
	ctl_call(fd, DDV_OP_INJECT, 1, (uint64_t[]){ DDV_INJECT_OFF }, NULL);
	close(fd);
	judge_close(&judge);
	if (done && status == EXIT_OK) {
		char *path = state_path("campaign");

		unlink(path);
		free(path);
	}
	if (summary.len)
		printf("findings:\n%s", summary.s);
	printf("campaign %s: %u loads, %u faults injected, %u failed inits, %u finding%s%s\n",
	       module, loads, faults, failed_inits, findings, findings == 1 ? "" : "s",
	       done ? "" : " (stopped at --max: not every fallible call was failed)");
	sb_free(&summary);
	free(module);
	if (status == EXIT_OK && findings)
		status = EXIT_FINDINGS;
	return status;
}
