/* cmd_config.c: "ddv config check|plan FILE" checks a YAML configuration, "ddv run FILE" applies it. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "catalog.h"
#include "runtime.h"
#include "commands.h"
#include "yamlconf.h"

/* The subcommands a plan's steps name; each step runs through the same code as typed. */
static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} step_commands[] = {
	{ "start", cmd_start },
	{ "trace", cmd_trace },
	{ "inject", cmd_inject },
	{ "off", cmd_switch },
	{ "load", cmd_load },
};

/* --pack FILE options: the packs whose names a file is checked against. */
struct pack_files {
	char **v;
	size_t n;
};

/* Reads and checks FILE; on any error prints them all and says nothing will run. */
static bool load_config(struct yconf *conf, const char *file, const struct pack_files *packs,
			bool quiet)
{
	struct catalog cat;
	bool have_names;
	void *data;
	size_t size = 0;
	int err;

	err = catalog_offline(&cat, packs->v, packs->n, false);
	if (err && err != -ENOENT)
		return false;
	have_names = !err;
	if (!have_names && !quiet)
		ddv_warn("no runtime loaded and no pack module in %s: function names, rule ids "
			 "and pack names are not checked (--pack FILE or DDV_PACK_DIR)",
			 pack_dir(NULL));
	/* Read here, not by yconf_load: the errors show the file's lines. */
	if (read_whole_file(file, &data, &size)) {
		data = NULL;
		yconf_load(conf, file, NULL);
	} else {
		yconf_parse(conf, file, data, size, have_names ? &cat : NULL);
	}
	if (have_names)
		catalog_free(&cat);
	if (!conf->nerrors) {
		free(data);
		return true;
	}
	yconf_print_errors(conf, data, size, stderr);
	free(data);
	ddv_error(0, "%s: %u error%s: nothing was applied", file, conf->nerrors,
		  conf->nerrors == 1 ? "" : "s");
	return false;
}

static int config_usage(FILE *f)
{
	fprintf(f, "usage: ddv config check [--pack FILE]... FILE\n"
		   "       ddv config plan [--pack FILE]... FILE\n"
		   "check: report every error of FILE (see ddv.yaml(5)); plan: print the ddv\n"
		   "commands ddv run FILE would run\n");
	return f == stdout ? EXIT_OK : EXIT_USAGE;
}

/* Options common to config and run: --pack FILE, --help. */
static int parse_options(int argc, char **argv, struct pack_files *packs)
{
	static const struct option options[] = {
		{ "pack", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+p:h", options, NULL)) != -1) {
		switch (opt) {
		case 'p':
			packs->v = xrealloc(packs->v, (packs->n + 1) * sizeof(*packs->v));
			packs->v[packs->n++] = optarg;
			break;
		case 'h':
			return 'h';
		default:
			return '?';
		}
	}
	return 0;
}

int cmd_config(int argc, char **argv)
{
	struct pack_files packs = { 0 };
	const char *action;
	struct yconf conf;
	struct strbuf plan = { 0 };
	int opt;
	bool ok;

	if (argc < 2)
		return config_usage(stderr);
	action = argv[1];
	if (!strcmp(action, "--help") || !strcmp(action, "-h"))
		return config_usage(stdout);
	if (strcmp(action, "check") && strcmp(action, "plan")) {
		ddv_error(0, "config: '%s': check or plan", action);
		return EXIT_USAGE;
	}
	opt = parse_options(argc - 1, argv + 1, &packs);
	if (opt || optind + 2 != argc) {
		free(packs.v);
		return config_usage(opt == 'h' ? stdout : stderr);
	}
	ok = load_config(&conf, argv[optind + 1], &packs, false);
	free(packs.v);
	if (!ok) {
		yconf_free(&conf);
		return EXIT_ERROR;
	}
	if (!strcmp(action, "plan")) {
		yconf_plan_text(&conf, &plan);
		fputs(plan.s, stdout);
		sb_free(&plan);
	} else {
		printf("%s: ok\n", conf.file);
	}
	yconf_free(&conf);
	return EXIT_OK;
}

/*
 * The packs the file names, as one directory of links for ddv start --packs
 * (it loads every ddv-*.ko of a directory). NULL with a message when a pack
 * is missing: then nothing has run yet.
 */
static char *pack_links(const struct yconf *conf)
{
	const char *pdir = getenv("DDV_PACK_DIR");
	char *tmp;

	if (!pdir || !*pdir)
		pdir = module_dir(conf->modules_dir);
	tmp = xstrdup("/tmp/ddv-packs.XXXXXX");
	if (!mkdtemp(tmp)) {
		ddv_error(errno, "run: a directory for the packs' links");
		free(tmp);
		return NULL;
	}
	for (size_t i = 0; i < conf->npacks; i++) {
		const char *pack = conf->packs[i];
		char *file = NULL, *link;
		size_t len = strlen(pack);
		bool path = strchr(pack, '/') || (len > 3 && !strcmp(pack + len - 3, ".ko"));

		if (path) {
			file = pack[0] == '/' ? xstrdup(pack) : realpath(pack, NULL);
		} else {
			file = xasprintf("%s/ddv-%s.ko", pdir, pack);
			if (access(file, R_OK)) {
				free(file);
				file = xasprintf("%s/ddv_%s.ko", pdir, pack);
			}
		}
		if (!file || access(file, R_OK)) {
			if (path)
				ddv_error(errno, "run: %s: packs: %s", conf->file, pack);
			else
				ddv_error(ENOENT, "run: %s: packs: no ddv-%s.ko nor ddv_%s.ko in %s",
					  conf->file, pack, pack, pdir);
			free(file);
			free(tmp);
			return NULL;
		}
		/* Numbered, so that ddv start loads them in the file's order. */
		link = xasprintf("%s/ddv-%03zu.ko", tmp, i);
		if (symlink(file, link)) {
			ddv_error(errno, "run: linking %s", file);
			free(link);
			free(file);
			free(tmp);
			return NULL;
		}
		free(link);
		free(file);
	}
	return tmp;
}

static void remove_pack_links(char *dir, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *link = xasprintf("%s/ddv-%03zu.ko", dir, i);

		unlink(link);
		free(link);
	}
	rmdir(dir);
	free(dir);
}

/* Runs one ddv command as if typed, echoing it first. */
static int run_step(const struct yconf *conf, char **argv, int argc, unsigned int line,
		    unsigned int col)
{
	struct strbuf text = { 0 };
	int status = EXIT_USAGE;

	for (int i = 0; i < argc; i++)
		sb_printf(&text, " %s", argv[i]);
	printf("ddv:%s\n", text.s);
	fflush(stdout);
	for (size_t i = 0; i < sizeof(step_commands) / sizeof(step_commands[0]); i++) {
		if (strcmp(argv[0], step_commands[i].name))
			continue;
		optind = 0;	/* each command parses its own options from scratch */
		status = step_commands[i].run(argc, argv);
		break;
	}
	if (status != EXIT_OK && strcmp(argv[0], "load"))
		ddv_error(0, "run: %s:%u:%u: 'ddv%s' failed (exit %d); what ran before it stays "
			  "in force (ddv stop undoes it all)", conf->file, line, col, text.s, status);
	sb_free(&text);
	return status;
}

/*
 * suppress: goes to the state directory, where ddv report finds it; ddv
 * start (which ran just before) cleared the last session's.
 */
static int keep_suppressions(const struct yconf *conf)
{
	struct strbuf text = { 0 };
	char *path;
	int err = 0;

	if (!conf->nsuppress)
		return 0;
	sb_printf(&text, "# suppress: of %s (ddv run), for ddv report\n", conf->file);
	for (size_t i = 0; i < conf->nsuppress; i++)
		sb_printf(&text, "%s\n", conf->suppress[i]);
	path = state_path(STATE_SUPPRESSIONS);
	err = -write_whole_file(path, text.s, text.len);
	if (err) {
		ddv_error(err, "run: keeping the suppressions in %s", path);
	} else {
		printf("ddv: %zu suppression%s kept for ddv report\n", conf->nsuppress,
		       conf->nsuppress == 1 ? "" : "s");
	}
	free(path);
	sb_free(&text);
	return err ? EXIT_ERROR : EXIT_OK;
}

int cmd_run(int argc, char **argv)
{
	struct pack_files packs = { 0 };
	struct yconf conf;
	char **words = NULL, *packdir = NULL, buf[32];
	int opt, n = 0, status;
	bool ok;

	opt = parse_options(argc, argv, &packs);
	if (opt == 'h' || opt || optind + 1 != argc) {
		fprintf(opt == 'h' ? stdout : stderr, "usage: ddv run [--pack FILE]... FILE\n"
			"start ddv, apply FILE's settings (ddv.yaml(5)), load its driver\n");
		free(packs.v);
		return opt == 'h' ? EXIT_OK : EXIT_USAGE;
	}
	ok = load_config(&conf, argv[optind], &packs, false);
	free(packs.v);
	if (!ok) {
		yconf_free(&conf);
		return EXIT_ERROR;
	}
	if (conf.npacks) {
		packdir = pack_links(&conf);
		if (!packdir) {
			ddv_error(0, "%s: nothing was applied", conf.file);
			yconf_free(&conf);
			return EXIT_ERROR;
		}
	}

	/* ddv start [--modules DIR] [--packs LINKS] [PARAM=VALUE...] */
	words = xcalloc(6 + conf.nruntime_params, sizeof(*words));
	words[n++] = "start";
	if (conf.modules_dir) {
		words[n++] = "--modules";
		words[n++] = conf.modules_dir;
	}
	if (packdir) {
		words[n++] = "--packs";
		words[n++] = packdir;
	}
	for (int i = 0; i < conf.nruntime_params; i++)
		words[n++] = conf.runtime_params[i];
	status = run_step(&conf, words, n, 1, 1);
	free(words);
	if (packdir)
		remove_pack_links(packdir, conf.npacks);
	if (status == EXIT_OK)
		status = keep_suppressions(&conf);
	for (size_t i = 0; i < conf.nsteps && status == EXIT_OK; i++)
		status = run_step(&conf, conf.steps[i].argv, conf.steps[i].argc,
				  conf.steps[i].line, conf.steps[i].col);
	if (status == EXIT_OK) {
		/* ddv load [--timeout S] DRIVER [PARAM=VALUE...]: its exit status is ours. */
		n = 0;
		words = xcalloc(7 + conf.ndriver_params, sizeof(*words));
		words[n++] = "load";
		if (conf.load_timeout) {
			snprintf(buf, sizeof(buf), "%lu", conf.load_timeout);
			words[n++] = "--timeout";
			words[n++] = buf;
		}
		if (conf.driver_with && *conf.driver_with) {
			words[n++] = "--with";
			words[n++] = conf.driver_with;
		} else if (conf.driver_with) {
			words[n++] = "--alone";
		}
		words[n++] = conf.driver;
		for (int i = 0; i < conf.ndriver_params; i++)
			words[n++] = conf.driver_params[i];
		status = run_step(&conf, words, n, 1, 1);
		free(words);
	}
	yconf_free(&conf);
	return status;
}
