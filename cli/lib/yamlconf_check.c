/* yamlconf_check.c: the schema (man/ddv.yaml.5): each section of the tree checked, the plan made. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "trigger.h"
#include "yamlconf_int.h"

/* ---- checking values ---- */

static const char *kind_name(const struct ynode *node)
{
	switch (node->kind) {
	case Y_NULL:
		return "nothing";
	case Y_SCALAR:
		return "a scalar";
	case Y_SEQ:
		return "a sequence";
	case Y_MAP:
		return "a mapping";
	default:
		return "an error";
	}
}

/* Levenshtein distance, for "did you mean"; words are short. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), *row, prev, d;

	if (la > 64 || lb > 64)
		return 64;
	row = xcalloc(lb + 1, sizeof(*row));
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev + (a[i - 1] != b[j - 1]);

			prev = row[j];
			d = row[j] + 1 < row[j - 1] + 1 ? row[j] + 1 : row[j - 1] + 1;
			row[j] = sub < d ? sub : d;
		}
	}
	d = row[lb];
	free(row);
	return d;
}

/* The closest of names to word, if close enough to be a typo; else NULL. */
static const char *closest(const char *word, const char *const *names, size_t n)
{
	size_t best = (size_t)-1, len = strlen(word), limit = len / 3 > 2 ? len / 3 : 2;
	const char *found = NULL;

	for (size_t i = 0; i < n; i++) {
		size_t d = distance(word, names[i]);

		if (d < best) {
			best = d;
			found = names[i];
		}
	}
	return best <= limit ? found : NULL;
}

/* " (did you mean 'x'?)" or "" */
static const char *suggest(char *buf, size_t size, const char *word, const char *const *names,
			   size_t n)
{
	const char *near = closest(word, names, n);

	if (!near)
		return "";
	snprintf(buf, size, " (did you mean '%s'?)", near);
	return buf;
}

static bool want_scalar(struct ctx *c, const struct ynode *node, const char *where,
			const char *what)
{
	if (node->kind == Y_SCALAR)
		return true;
	if (node->kind != Y_BAD)
		diag(c, node, "%s: expected %s, found %s", where, what, kind_name(node));
	return false;
}

static bool get_string(struct ctx *c, const struct ynode *node, const char *where, char **out)
{
	if (!want_scalar(c, node, where, "a string"))
		return false;
	if (!*node->text) {
		diag(c, node, "%s: empty", where);
		return false;
	}
	*out = node->text;
	return true;
}

/* An unsigned number: decimal or 0x hex, with a size suffix (K, M, G: powers of 1024) when sized. */
static bool get_u64(struct ctx *c, const struct ynode *node, const char *where, bool sized,
		    uint64_t min, uint64_t max, uint64_t *out)
{
	const char *s;
	uint64_t v, mult = 1;
	char *end;

	if (!want_scalar(c, node, where, sized ? "a size" : "a number"))
		return false;
	s = node->text;
	errno = 0;
	/* Decimal or 0x hex; a leading 0 is no octal here, whatever YAML 1.1 says. */
	v = strtoull(s, &end, s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10);
	if (sized && end != s && end[0] && !end[1]) {
		switch (end[0]) {
		case 'K':
			mult = 1ull << 10;
			end++;
			break;
		case 'M':
			mult = 1ull << 20;
			end++;
			break;
		case 'G':
			mult = 1ull << 30;
			end++;
			break;
		}
	}
	if (!node->plain || end == s || *end || s[0] < '0' || s[0] > '9') {
		diag(c, node, "%s: '%s' is not %s", where, s,
		     sized ? "a size (bytes, or a number with K, M or G)" : "a number");
		return false;
	}
	if (errno == ERANGE || v > UINT64_MAX / mult || v * mult < min || v * mult > max) {
		diag(c, node, "%s: %s is out of range (%" PRIu64 " to %" PRIu64 ")", where, s, min,
		     max);
		return false;
	}
	*out = v * mult;
	return true;
}

/* A percentage from 0 to 100, decimals allowed; *text keeps the file's spelling for ddv inject. */
static bool get_percent(struct ctx *c, const struct ynode *node, const char *where, char **text)
{
	const char *s;
	bool digits = false, dot = false;
	double v;

	if (!want_scalar(c, node, where, "a percentage"))
		return false;
	s = node->text;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			digits = true;
		} else if (*p == '.' && !dot) {
			dot = true;
		} else {
			digits = false;
			break;
		}
	}
	if (!node->plain || !digits) {
		diag(c, node, "%s: '%s' is not a percentage (a number from 0 to 100)", where, s);
		return false;
	}
	v = strtod(s, NULL);
	if (v > 100) {
		diag(c, node, "%s: %s is out of range (0 to 100)", where, s);
		return false;
	}
	*text = node->text;
	return true;
}

static bool get_bool(struct ctx *c, const struct ynode *node, const char *where, bool *out)
{
	if (!want_scalar(c, node, where, "true or false"))
		return false;
	if (node->plain && !strcmp(node->text, "true")) {
		*out = true;
		return true;
	}
	if (node->plain && !strcmp(node->text, "false")) {
		*out = false;
		return true;
	}
	diag(c, node, "%s: expected true or false, found '%s'", where, node->text);
	return false;
}

/* " (did you mean 'x'?)", else " (known: a, b, c)": a key's few choices fit on the line. */
static const char *known_keys(char *buf, size_t size, const char *word,
			      const char *const *keys, size_t n)
{
	size_t len;

	if (*suggest(buf, size, word, keys, n))
		return buf;
	len = snprintf(buf, size, " (known:");
	for (size_t i = 0; i < n && len < size; i++)
		len += snprintf(buf + len, size - len, "%s %s", i ? "," : "", keys[i]);
	if (len < size)
		snprintf(buf + len, size - len, ")");
	return buf;
}

/* One of words; a did-you-mean otherwise. */
static bool get_word(struct ctx *c, const struct ynode *node, const char *where, const char *what,
		     const char *const *words, size_t n, const char **out)
{
	char buf[128];

	if (!want_scalar(c, node, where, what))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(node->text, words[i])) {
			*out = words[i];
			return true;
		}
	}
	diag(c, node, "%s: unknown %s '%s'%s", where, what, node->text,
	     suggest(buf, sizeof(buf), node->text, words, n));
	return false;
}

/*
 * A mapping's keys, checked against the known ones: every key a string,
 * none twice, none unknown. vals[i] gets the value of known[i] (or NULL).
 */
static bool check_map(struct ctx *c, const struct ynode *map, const char *where,
		      const char *const *known, size_t nknown, const struct ynode **vals)
{
	char buf[256];
	bool ok = true;

	for (size_t i = 0; i < nknown; i++)
		vals[i] = NULL;
	if (map->kind != Y_MAP) {
		if (map->kind != Y_BAD)
			diag(c, map, "%s: expected a mapping, found %s", where, kind_name(map));
		return false;
	}
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct ynode *key = map->items[i];
		size_t k;

		if (key->kind != Y_SCALAR) {
			if (key->kind != Y_BAD)
				diag(c, key, "%s: a key must be a name, found %s", where,
				     kind_name(key));
			ok = false;
			continue;
		}
		for (k = 0; k < nknown; k++)
			if (!strcmp(key->text, known[k]))
				break;
		if (k == nknown) {
			diag(c, key, "%s: unknown key '%s'%s", where, key->text,
			     known_keys(buf, sizeof(buf), key->text, known, nknown));
			ok = false;
			continue;
		}
		if (vals[k]) {
			for (size_t j = 0; j < i; j += 2)
				if (map->items[j]->kind == Y_SCALAR &&
				    !strcmp(map->items[j]->text, key->text)) {
					diag(c, key, "%s: duplicate key '%s' (first at %u:%u)",
					     where, key->text, map->items[j]->line,
					     map->items[j]->col);
					break;
				}
			ok = false;
			continue;
		}
		vals[k] = map->items[i + 1];
	}
	return ok;
}

#define NKEYS(a) (sizeof(a) / sizeof((a)[0]))

/* A list of strings; a lone string is a list of one. Returns the count, items in *out. */
static size_t get_list(struct ctx *c, const struct ynode *node, const char *where,
		       const struct ynode ***out)
{
	if (node->kind == Y_SCALAR) {
		/* The node itself stands for the list of one. */
		c->one = node;
		*out = &c->one;
		return 1;
	}
	if (node->kind != Y_SEQ) {
		if (node->kind != Y_BAD)
			diag(c, node, "%s: expected a list, found %s", where, kind_name(node));
		*out = NULL;
		return 0;
	}
	*out = (const struct ynode **)node->items;
	return node->n;
}

/* Parameter words: "a=1 b=2" or [a=1, b=2]. */
static bool get_params(struct ctx *c, const struct ynode *node, const char *where, char ***words,
		       int *n)
{
	const struct ynode **items;
	size_t count = get_list(c, node, where, &items);
	char w[160];
	bool ok = items != NULL;

	for (size_t i = 0; i < count; i++) {
		char *text, *copy, *save = NULL;

		snprintf(w, sizeof(w), "%s[%zu]", where, i);
		if (!get_string(c, items[i], node->kind == Y_SEQ ? w : where, &text)) {
			ok = false;
			continue;
		}
		copy = xstrdup(text);
		for (char *t = strtok_r(copy, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save)) {
			*words = xrealloc(*words, (*n + 1) * sizeof(**words));
			(*words)[(*n)++] = xstrdup(t);
		}
		free(copy);
	}
	return ok;
}

/* ---- names from the catalogs ---- */

/* Duplicates (an API shared by several symbols) are kept: they only cost a compare. */
static void names_add(struct names *names, const char *s)
{
	names->v = xrealloc(names->v, (names->n + 1) * sizeof(*names->v));
	names->v[names->n++] = s;
}

void yconf_gather_names(struct ctx *c)
{
	const struct catalog *cat = c->cat;

	for (unsigned int p = 0; cat && p < cat->npacks; p++) {
		const struct cat_pack *pack = cat->packs[p];

		/* The runtime's own messages are no pack's rules: ddv off cannot reach them. */
		if (!strcmp(pack->name, CATALOG_RUNTIME_PACK))
			continue;
		names_add(&c->packs, pack->name);
		for (unsigned int f = 0; f < pack->nfuncs; f++) {
			if (pack->funcs[f].symbol)
				names_add(&c->funcs, pack->funcs[f].symbol);
			if (pack->funcs[f].api)
				names_add(&c->funcs, pack->funcs[f].api);
		}
		for (unsigned int m = 0; m < pack->nmsgs; m++)
			if (pack->msgs[m].rule_id)
				names_add(&c->rules, pack->msgs[m].rule_id);
	}
}

/* A function name as ddv trace/inject/off take it; "all" when allow_all. */
static bool get_function(struct ctx *c, const struct ynode *node, const char *where,
			 bool allow_all, char **out)
{
	char buf[160];

	if (!get_string(c, node, where, out))
		return false;
	if (!strcmp(*out, "all")) {
		if (allow_all)
			return true;
		diag(c, node, "%s: one function, not 'all'", where);
		return false;
	}
	if (!c->funcs.n)
		return true;	/* no catalog: the runtime checks it when applied */
	for (size_t i = 0; i < c->funcs.n; i++)
		if (!strcmp(c->funcs.v[i], *out))
			return true;
	diag(c, node, "%s: no pack probes a function '%s'%s", where, *out,
	     suggest(buf, sizeof(buf), *out, c->funcs.v, c->funcs.n));
	return false;
}

/* ---- the plan ---- */

static void add_step(struct ctx *c, const struct ynode *at, ...)
{
	struct yconf *conf = c->conf;
	struct yconf_step *step;
	const char *word;
	va_list ap;

	conf->steps = xrealloc(conf->steps, (conf->nsteps + 1) * sizeof(*conf->steps));
	step = &conf->steps[conf->nsteps++];
	*step = (struct yconf_step){ .line = at->line, .col = at->col };
	va_start(ap, at);
	while ((word = va_arg(ap, const char *))) {
		step->argv = xrealloc(step->argv, (step->argc + 2) * sizeof(*step->argv));
		step->argv[step->argc++] = xstrdup(word);
	}
	va_end(ap);
	step->argv[step->argc] = NULL;
}

/* A step of n words. */
static void add_step_words(struct ctx *c, const struct ynode *at, unsigned int n,
			   const char *const *words)
{
	struct yconf *conf = c->conf;
	struct yconf_step *step;

	conf->steps = xrealloc(conf->steps, (conf->nsteps + 1) * sizeof(*conf->steps));
	step = &conf->steps[conf->nsteps++];
	*step = (struct yconf_step){ .line = at->line, .col = at->col, .argc = n };
	step->argv = xmalloc((n + 1) * sizeof(*step->argv));
	for (unsigned int i = 0; i < n; i++)
		step->argv[i] = xstrdup(words[i]);
	step->argv[n] = NULL;
}

/* "ddv inject plan" words: KEY=VALUE, space-separated, split when the step is made. */
static void plan_word(struct ctx *c, const struct ynode *at, const char *key, const char *value)
{
	if (!c->plan_words.len) {
		c->plan_line = at->line;
		c->plan_col = at->col;
	}
	sb_printf(&c->plan_words, "%s%s=%s", c->plan_words.len ? " " : "", key, value);
}

static void plan_u64(struct ctx *c, const struct ynode *at, const char *key, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	plan_word(c, at, key, buf);
}

/* ---- the sections ---- */

static void check_target(struct ctx *c, const struct ynode *node)
{
	static const char *const keys[] = { "driver", "params", "timeout", "with" };
	const struct ynode *v[NKEYS(keys)];
	struct yconf *conf = c->conf;
	uint64_t timeout;
	char *driver;
	char **with = NULL;
	int nwith = 0;

	if (node->kind == Y_SCALAR) {
		if (get_string(c, node, "target", &driver))
			conf->driver = xstrdup(driver);
		return;
	}
	check_map(c, node, "target", keys, NKEYS(keys), v);
	if (node->kind != Y_MAP)
		return;
	if (!v[0])
		diag(c, node, "target: missing 'driver' (a module name or a .ko file)");
	else if (get_string(c, v[0], "target.driver", &driver))
		conf->driver = xstrdup(driver);
	if (v[1])
		get_params(c, v[1], "target.params", &conf->driver_params, &conf->ndriver_params);
	if (v[2] && get_u64(c, v[2], "target.timeout", false, 1, 86400, &timeout))
		conf->load_timeout = timeout;
	/* The driver's family (ddv load --with); an empty list: none (--alone). */
	if (v[3] && ((v[3]->kind == Y_SEQ && !v[3]->n) ||
		     get_params(c, v[3], "target.with", &with, &nwith))) {
		struct strbuf sb = { 0 };

		sb_puts(&sb, "");
		for (int i = 0; i < nwith; i++)
			sb_printf(&sb, "%s%s", i ? "," : "", with[i]);
		conf->driver_with = sb.s;
	}
	for (int i = 0; i < nwith; i++)
		free(with[i]);
	free(with);
}

static void check_runtime(struct ctx *c, const struct ynode *node)
{
	static const char *const keys[] = { "modules", "params" };
	const struct ynode *v[NKEYS(keys)];
	struct yconf *conf = c->conf;
	char *dir;

	check_map(c, node, "runtime", keys, NKEYS(keys), v);
	if (v[0] && get_string(c, v[0], "runtime.modules", &dir))
		conf->modules_dir = xstrdup(dir);
	if (v[1])
		get_params(c, v[1], "runtime.params", &conf->runtime_params,
			   &conf->nruntime_params);
}

/* A pack by name ("linux": ddv-linux.ko in the pack directory) or by path to its .ko. */
static bool is_pack_path(const char *s)
{
	size_t len = strlen(s);

	return strchr(s, '/') || (len > 3 && !strcmp(s + len - 3, ".ko"));
}

static void check_packs(struct ctx *c, const struct ynode *node)
{
	const struct ynode **items;
	size_t n = get_list(c, node, "packs", &items);
	struct yconf *conf = c->conf;
	char where[64], buf[160];

	for (size_t i = 0; i < n; i++) {
		char *pack;

		snprintf(where, sizeof(where), "packs[%zu]", i);
		if (!get_string(c, items[i], where, &pack))
			continue;
		if (!is_pack_path(pack) && c->packs.n) {
			size_t k;

			for (k = 0; k < c->packs.n; k++)
				if (!strcmp(c->packs.v[k], pack))
					break;
			if (k == c->packs.n) {
				diag(c, items[i], "%s: no catalog describes a pack '%s'%s", where,
				     pack, suggest(buf, sizeof(buf), pack, c->packs.v,
						   c->packs.n));
				continue;
			}
		}
		conf->packs = xrealloc(conf->packs, (conf->npacks + 1) * sizeof(*conf->packs));
		conf->packs[conf->npacks++] = xstrdup(pack);
	}
}

/* The trace levels of ddv trace, in enum ddv_trace_level's order. */
static const char *const trace_levels[] = { "off", "violation", "calls", "stack" };

static void check_log(struct ctx *c, const struct ynode *node)
{
	static const char *const keys[] = { "level", "functions" };
	const struct ynode *v[NKEYS(keys)], **items;
	const char *level;
	char where[64];
	size_t n;

	if (!check_map(c, node, "log", keys, NKEYS(keys), v) && node->kind != Y_MAP)
		return;
	if (!v[0]) {
		diag(c, node, "log: missing 'level' (off, violation, calls or stack)");
		return;
	}
	/* A bad level still lets the functions be checked: every error in one run. */
	if (!get_word(c, v[0], "log.level", "level", trace_levels, NKEYS(trace_levels), &level))
		level = NULL;
	if (!v[1]) {
		if (level)
			add_step(c, v[0], "trace", "all", level, (char *)NULL);
		return;
	}
	n = get_list(c, v[1], "log.functions", &items);
	for (size_t i = 0; i < n; i++) {
		char *func;

		snprintf(where, sizeof(where), "log.functions[%zu]", i);
		if (get_function(c, items[i], where, true, &func) && level)
			add_step(c, items[i], "trace", func, level, (char *)NULL);
	}
}

static void check_features(struct ctx *c, const struct ynode *node)
{
	static const char *const keys[] = { "leak-check" };
	const struct ynode *v[NKEYS(keys)];
	bool on;

	check_map(c, node, "features", keys, NKEYS(keys), v);
	if (v[0] && get_bool(c, v[0], "features.leak-check", &on) && !on)
		diag(c, v[0], "features.leak-check: false is not supported: the runtime checks "
		     "for leaks at every unload (switch single rules off with rules.off)");
}

static void check_rules(struct ctx *c, const struct ynode *node)
{
	static const char *const keys[] = { "off" };
	const struct ynode *v[NKEYS(keys)], **items;
	char where[64], buf[160];
	size_t n;

	check_map(c, node, "rules", keys, NKEYS(keys), v);
	if (!v[0])
		return;
	n = get_list(c, v[0], "rules.off", &items);
	for (size_t i = 0; i < n; i++) {
		char *rule;
		size_t k;

		snprintf(where, sizeof(where), "rules.off[%zu]", i);
		if (!get_string(c, items[i], where, &rule))
			continue;
		if (!strchr(rule, '.')) {
			diag(c, items[i], "%s: '%s' is no rule id (PACK-AREA.NAME, like heap.leak); "
			     "functions go in functions.off", where, rule);
			continue;
		}
		for (k = 0; k < c->rules.n; k++)
			if (!strcmp(c->rules.v[k], rule))
				break;
		if (c->rules.n && k == c->rules.n) {
			diag(c, items[i], "%s: no rule '%s' in the catalogs%s", where, rule,
			     suggest(buf, sizeof(buf), rule, c->rules.v, c->rules.n));
			continue;
		}
		add_step(c, items[i], "off", rule, (char *)NULL);
	}
}

static void check_functions(struct ctx *c, const struct ynode *node)
{
	static const char *const keys[] = { "off" };
	const struct ynode *v[NKEYS(keys)], **items;
	char where[64];
	size_t n;

	check_map(c, node, "functions", keys, NKEYS(keys), v);
	if (!v[0])
		return;
	n = get_list(c, v[0], "functions.off", &items);
	for (size_t i = 0; i < n; i++) {
		char *func;

		snprintf(where, sizeof(where), "functions.off[%zu]", i);
		if (get_function(c, items[i], where, false, &func))
			add_step(c, items[i], "off", func, (char *)NULL);
	}
}

/* Each inject entry is one mode, or the filter. */
enum inject_kind { IK_NTH, IK_NTH_ANY, IK_RANDOM, IK_MEMORY, IK_LOCKS, IK_FILTER };
static const char *const inject_modes[] = { "nth", "nth-any", "random", "memory", "locks",
					    "trigger" };

/* Only one entry may set each part of the one whole-driver plan. */
static bool plan_part(struct ctx *c, const struct ynode *item, const char *where, int part,
		      const char *name)
{
	const struct ynode *first = c->plan_part[part];

	if (first) {
		diag(c, item, "%s: a second '%s' entry (the first is at %u:%u): the runtime "
		     "has one plan per driver, put its keys in one entry", where, name, first->line,
		     first->col);
		return false;
	}
	c->plan_part[part] = item;
	return true;
}

static void check_memory(struct ctx *c, const struct ynode *item, const char *where)
{
	static const char *const keys[] = { "mode", "percent", "fail-size", "budget",
					    "contig-percent", "contig-min-size" };
	const struct ynode *v[NKEYS(keys)];
	char w[96], *pct;
	uint64_t size;

	check_map(c, item, where, keys, NKEYS(keys), v);
	if (!plan_part(c, item, where, 0, "memory"))
		return;
	if (!v[1] && !v[2] && !v[3] && !v[4]) {
		diag(c, item, "%s: mode memory needs percent, fail-size, budget or contig-percent",
		     where);
		return;
	}
	snprintf(w, sizeof(w), "%s.percent", where);
	if (v[1] && get_percent(c, v[1], w, &pct))
		plan_word(c, item, "mem-rate", pct);
	snprintf(w, sizeof(w), "%s.fail-size", where);
	if (v[2] && get_u64(c, v[2], w, true, 1, UINT64_MAX, &size))
		plan_u64(c, item, "mem-size-min", size);
	snprintf(w, sizeof(w), "%s.budget", where);
	if (v[3] && get_u64(c, v[3], w, true, 1, UINT64_MAX, &size))
		plan_u64(c, item, "mem-budget", size);
	snprintf(w, sizeof(w), "%s.contig-percent", where);
	if (v[4] && get_percent(c, v[4], w, &pct))
		plan_word(c, item, "mem-contig-rate", pct);
	snprintf(w, sizeof(w), "%s.contig-min-size", where);
	if (v[5] && !v[4])
		diag(c, v[5], "%s: needs contig-percent (the chance to fail such an allocation)",
		     w);
	else if (v[5] && get_u64(c, v[5], w, true, 0, UINT64_MAX, &size))
		plan_u64(c, item, "mem-contig-min", size);
}

static void check_locks(struct ctx *c, const struct ynode *item, const char *where)
{
	static const char *const keys[] = { "mode", "trylock-fail-percent", "delay-percent",
					    "delay-max-us" };
	const struct ynode *v[NKEYS(keys)];
	char w[96], *pct;
	uint64_t us;

	check_map(c, item, where, keys, NKEYS(keys), v);
	if (!plan_part(c, item, where, 1, "locks"))
		return;
	if (!v[1] && !v[2] && !v[3]) {
		diag(c, item, "%s: mode locks needs trylock-fail-percent or delay-percent",
		     where);
		return;
	}
	snprintf(w, sizeof(w), "%s.trylock-fail-percent", where);
	if (v[1] && get_percent(c, v[1], w, &pct))
		plan_word(c, item, "trylock-rate", pct);
	if (!v[2] != !v[3]) {
		diag(c, v[2] ? v[2] : v[3], "%s: delay-percent and delay-max-us go together (how "
		     "often a lock waits, and at most how long)", where);
		return;
	}
	snprintf(w, sizeof(w), "%s.delay-percent", where);
	if (v[2] && get_percent(c, v[2], w, &pct))
		plan_word(c, item, "lock-delay-rate", pct);
	snprintf(w, sizeof(w), "%s.delay-max-us", where);
	/* ddv inject takes nanoseconds; a second is plenty for a lock to wait. */
	if (v[3] && get_u64(c, v[3], w, false, 1, 1000000, &us))
		plan_u64(c, item, "lock-delay-max", us * 1000);
}

/* The kernel's name of a driver given by name or file: no directory, no .ko, '_' for '-'. */
static char *module_name_of(const char *driver)
{
	const char *base = strrchr(driver, '/') ? strrchr(driver, '/') + 1 : driver;
	char *name = xstrndup(base, strcspn(base, "."));

	for (char *p = name; *p; p++)
		if (*p == '-')
			*p = '_';
	return name;
}

/*
 * filter.caller: a function of the driver, whose calls alone may fail. ddv
 * run arms the plan before ddv load, with the function by name: the runtime
 * looks it up in the driver's symbol table when the driver arrives, before
 * its init runs, so any phase may go with it.
 */
static void check_caller(struct ctx *c, const struct ynode *item, const struct ynode *node,
			 const char *where)
{
	char w[96], *func, *module, *word;

	snprintf(w, sizeof(w), "%s.filter.caller", where);
	if (!get_string(c, node, w, &func))
		return;
	if (strspn(func, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") !=
	    strlen(func) || (func[0] >= '0' && func[0] <= '9')) {
		diag(c, node, "%s: '%s' is no function name (a function of the driver, as "
		     "/proc/kallsyms names it: e1000_probe)", w, func);
		return;
	}
	if (!c->conf->driver)
		return;	/* target's own error says what is missing */
	module = module_name_of(c->conf->driver);
	word = xasprintf("%s:%s", module, func);
	plan_word(c, item, "caller", word);
	free(word);
	free(module);
}

static void check_filter(struct ctx *c, const struct ynode *item, const struct ynode *filter,
			 const char *where)
{
	static const char *const keys[] = { "phase", "task", "start-delay-ms", "caller" };
	static const char *const phases[] = { "any", "init", "after-init" };
	const struct ynode *v[NKEYS(keys)];
	const char *phase = "";
	char w[96];
	uint64_t n;

	if (item->n != 2) {
		diag(c, item, "%s: a filter entry has only the key 'filter'", where);
		return;
	}
	snprintf(w, sizeof(w), "%s.filter", where);
	check_map(c, filter, w, keys, NKEYS(keys), v);
	if (!plan_part(c, item, where, 2, "filter"))
		return;
	snprintf(w, sizeof(w), "%s.filter.phase", where);
	if (v[0] && get_word(c, v[0], w, "phase", phases, NKEYS(phases), &phase))
		plan_word(c, item, "phase", phase);
	snprintf(w, sizeof(w), "%s.filter.task", where);
	if (v[1] && get_u64(c, v[1], w, false, 1, 4194304, &n))
		plan_u64(c, item, "task", n);
	snprintf(w, sizeof(w), "%s.filter.start-delay-ms", where);
	if (v[2] && get_u64(c, v[2], w, false, 0, UINT64_MAX / 1000000, &n))
		plan_u64(c, item, "start-delay", n * 1000000);
	if (v[3])
		check_caller(c, item, v[3], where);
}

/* Per-function and any-function modes: their steps follow the plan's. */
static void check_mode(struct ctx *c, const struct ynode *item, const char *where,
		       enum inject_kind kind)
{
	static const char *const nth_keys[] = { "mode", "function", "n" };
	static const char *const any_keys[] = { "mode", "n" };
	static const char *const random_keys[] = { "mode", "function", "percent", "consecutive" };
	const struct ynode *v[4];
	char w[96], nbuf[32], kbuf[32], *func, *pct;
	uint64_t n, k;

	switch (kind) {
	case IK_NTH:
		check_map(c, item, where, nth_keys, NKEYS(nth_keys), v);
		if (!v[1] || !v[2]) {
			diag(c, item, "%s: mode nth needs %s", where,
			     !v[1] && !v[2] ? "function and n" : !v[1] ? "function" : "n");
			return;
		}
		snprintf(w, sizeof(w), "%s.function", where);
		if (!get_function(c, v[1], w, false, &func))
			return;
		snprintf(w, sizeof(w), "%s.n", where);
		if (!get_u64(c, v[2], w, false, 1, UINT64_MAX, &n))
			return;
		snprintf(nbuf, sizeof(nbuf), "%" PRIu64, n);
		add_step(c, item, "inject", "nth", func, nbuf, (char *)NULL);
		return;
	case IK_NTH_ANY:
		check_map(c, item, where, any_keys, NKEYS(any_keys), v);
		if (!v[1]) {
			diag(c, item, "%s: mode nth-any needs n", where);
			return;
		}
		snprintf(w, sizeof(w), "%s.n", where);
		if (!get_u64(c, v[1], w, false, 1, UINT64_MAX, &n))
			return;
		snprintf(nbuf, sizeof(nbuf), "%" PRIu64, n);
		add_step(c, item, "inject", "nth-any", nbuf, (char *)NULL);
		return;
	default:
		check_map(c, item, where, random_keys, NKEYS(random_keys), v);
		if (!v[2]) {
			diag(c, item, "%s: mode random needs percent", where);
			return;
		}
		func = "all";
		snprintf(w, sizeof(w), "%s.function", where);
		if (v[1] && !get_function(c, v[1], w, true, &func))
			return;
		snprintf(w, sizeof(w), "%s.percent", where);
		if (!get_percent(c, v[2], w, &pct))
			return;
		snprintf(w, sizeof(w), "%s.consecutive", where);
		if (!v[3]) {
			add_step(c, item, "inject", "random", func, pct, (char *)NULL);
			return;
		}
		if (!get_u64(c, v[3], w, false, 0, UINT32_MAX, &k))
			return;
		snprintf(kbuf, sizeof(kbuf), "%" PRIu64, k);
		add_step(c, item, "inject", "random", func, pct, "--consecutive", kbuf, (char *)NULL);
		return;
	}
}

/*
 * { mode: trigger, on: FUNC, n: N, if: COND, phase: P, fail: FUNC2, count: K,
 * delay-us: US, run: CMD }: "ddv inject on" (one action of fail, delay-us, run).
 */
static void check_trigger(struct ctx *c, const struct ynode *item, const char *where)
{
	static const char *const keys[] = { "mode", "on", "n", "if", "phase", "fail", "count",
					     "delay-us", "run" };
	static const char *const phases[] = { "load", "live", "unload" };
	const struct ynode *v[NKEYS(keys)];
	char w[96], nbuf[48], kbuf[32], *func, *text;
	const char *words[12], *phase;
	struct trigger_spec spec = { 0 };
	unsigned int n = 0, actions;
	uint64_t num;

	check_map(c, item, where, keys, NKEYS(keys), v);
	actions = !!v[5] + !!v[7] + !!v[8];
	if (!v[1] || actions != 1) {
		diag(c, item, "%s: mode trigger needs %s", where,
		     !v[1] ? "on (the function whose call fires it)" :
		     "one action: fail, delay-us or run");
		return;
	}
	if (v[6] && !v[5]) {
		diag(c, v[6], "%s.count: goes with fail", where);
		return;
	}
	snprintf(w, sizeof(w), "%s.on", where);
	if (!get_function(c, v[1], w, false, &func))
		return;
	words[n++] = "inject";
	words[n++] = "on";
	snprintf(nbuf, sizeof(nbuf), "%s", func);
	snprintf(w, sizeof(w), "%s.n", where);
	if (v[2]) {
		if (!get_u64(c, v[2], w, false, 1, UINT64_MAX >> 1, &num))
			return;
		snprintf(nbuf, sizeof(nbuf), "%s:%" PRIu64, func, num);
	}
	words[n++] = nbuf;
	if (v[3]) {
		snprintf(w, sizeof(w), "%s.if", where);
		if (!get_string(c, v[3], w, &text))
			return;
		if (trigger_parse_cond(text, &spec)) {
			diag(c, v[3], "%s: '%s': %s", w, text, TRIGGER_COND_FORM);
			return;
		}
		words[n++] = "if";
		words[n++] = text;
	}
	if (v[4]) {
		snprintf(w, sizeof(w), "%s.phase", where);
		if (!get_word(c, v[4], w, "phase", phases, NKEYS(phases), &phase))
			return;
		words[n++] = "in";
		words[n++] = phase;
	}
	if (v[5]) {
		snprintf(w, sizeof(w), "%s.fail", where);
		if (!get_function(c, v[5], w, false, &func))
			return;
		words[n++] = "fail";
		words[n++] = func;
		snprintf(kbuf, sizeof(kbuf), "1");
		snprintf(w, sizeof(w), "%s.count", where);
		if (v[6] && !get_u64(c, v[6], w, false, 1, 1000, &num))
			return;
		if (v[6])
			snprintf(kbuf, sizeof(kbuf), "%" PRIu64, num);
		words[n++] = kbuf;
	} else if (v[7]) {
		snprintf(w, sizeof(w), "%s.delay-us", where);
		if (!get_u64(c, v[7], w, false, 1, 1000000, &num))
			return;
		snprintf(kbuf, sizeof(kbuf), "%" PRIu64, num);
		words[n++] = "delay";
		words[n++] = kbuf;
	} else {
		snprintf(w, sizeof(w), "%s.run", where);
		if (!get_string(c, v[8], w, &text))
			return;
		if (!*text || strchr(text, '\n')) {
			diag(c, v[8], "%s: one shell line", w);
			return;
		}
		words[n++] = "run";
		words[n++] = text;
	}
	add_step_words(c, item, n, words);
}

static void check_inject(struct ctx *c, const struct ynode *node)
{
	struct yconf *conf = c->conf;
	size_t first_step = conf->nsteps;
	char where[64], mode_where[80];

	if (node->kind != Y_SEQ) {
		if (node->kind != Y_BAD)
			diag(c, node, "inject: expected a list of modes, found %s", kind_name(node));
		return;
	}
	/* Whatever an earlier run armed goes first: the file says the whole plan. */
	add_step(c, node, "inject", "off", (char *)NULL);
	for (size_t i = 0; i < node->n; i++) {
		const struct ynode *item = node->items[i], *mode = NULL, *filter = NULL;
		const char *name;

		snprintf(where, sizeof(where), "inject[%zu]", i);
		if (item->kind != Y_MAP) {
			if (item->kind != Y_BAD)
				diag(c, item, "%s: expected a mapping with 'mode' or 'filter', "
				     "found %s", where, kind_name(item));
			continue;
		}
		for (size_t k = 0; k + 1 < item->n; k += 2) {
			const struct ynode *key = item->items[k];

			if (key->kind == Y_SCALAR && !strcmp(key->text, "mode") && !mode)
				mode = item->items[k + 1];
			if (key->kind == Y_SCALAR && !strcmp(key->text, "filter") && !filter)
				filter = item->items[k + 1];
		}
		if (mode && filter) {
			diag(c, item, "%s: 'mode' or 'filter', not both (the filter applies to "
			     "every mode)", where);
			continue;
		}
		if (filter) {
			check_filter(c, item, filter, where);
			continue;
		}
		if (!mode) {
			diag(c, item, "%s: missing 'mode' (nth, nth-any, random, memory, locks, trigger) "
			     "or 'filter'", where);
			continue;
		}
		snprintf(mode_where, sizeof(mode_where), "%s.mode", where);
		if (!get_word(c, mode, mode_where, "mode", inject_modes, NKEYS(inject_modes), &name))
			continue;
		if (!strcmp(name, "memory"))
			check_memory(c, item, where);
		else if (!strcmp(name, "locks"))
			check_locks(c, item, where);
		else if (!strcmp(name, "trigger"))
			check_trigger(c, item, where);
		else
			check_mode(c, item, where, !strcmp(name, "nth") ? IK_NTH :
				   !strcmp(name, "nth-any") ? IK_NTH_ANY : IK_RANDOM);
	}
	/* The plan replaces the whole plan: it goes before the modes that add to it. */
	if (c->plan_words.len) {
		struct yconf_step step = { .line = c->plan_line, .col = c->plan_col };
		char *copy = xstrdup(c->plan_words.s), *save = NULL;

		step.argv = xmalloc(2 * sizeof(*step.argv));
		step.argv[step.argc++] = xstrdup("inject");
		step.argv[step.argc++] = xstrdup("plan");
		for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
			step.argv = xrealloc(step.argv, (step.argc + 2) * sizeof(*step.argv));
			step.argv[step.argc++] = xstrdup(t);
		}
		step.argv[step.argc] = NULL;
		free(copy);
		conf->steps = xrealloc(conf->steps, (conf->nsteps + 1) * sizeof(*conf->steps));
		memmove(&conf->steps[first_step + 2], &conf->steps[first_step + 1],
			(conf->nsteps - first_step - 1) * sizeof(*conf->steps));
		conf->steps[first_step + 1] = step;
		conf->nsteps++;
	}
}

/* The rule ids a suppression may name without a glob: the packs', the runtime's, ddv's own. */
static bool known_rule(struct ctx *c, const char *rule)
{
	static const char *const cli_rules[] = { "ddv.hang", "ddv.crash", "ddv.log-lost",
						 "ddv.unknown-message", "ddv.kernel-warning",
						 "ddv.kernel-bug" };
	const struct cat_pack *rt = c->cat ? catalog_pack(c->cat, CATALOG_RUNTIME_PACK) : NULL;

	for (size_t k = 0; k < c->rules.n; k++)
		if (!strcmp(c->rules.v[k], rule))
			return true;
	for (unsigned int m = 0; rt && m < rt->nmsgs; m++)
		if (rt->msgs[m].rule_id && !strcmp(rt->msgs[m].rule_id, rule))
			return true;
	for (size_t k = 0; k < NKEYS(cli_rules); k++)
		if (!strcmp(cli_rules[k], rule))
			return true;
	return false;
}

/* suppress: the patterns of ddv report --suppress, kept for ddv report by ddv run. */
static void check_suppress(struct ctx *c, const struct ynode *node)
{
	const struct ynode **items;
	size_t n = get_list(c, node, "suppress", &items);
	struct yconf *conf = c->conf;
	char where[64], buf[160];

	for (size_t i = 0; i < n; i++) {
		struct suppression one;
		const char *why;
		char *text, *bad;

		snprintf(where, sizeof(where), "suppress[%zu]", i);
		if (!get_string(c, items[i], where, &text))
			continue;
		if (strchr(text, '\n') || strchr(text, '#')) {
			diag(c, items[i], "%s: a pattern is one line, without '#' (kept in a file "
			     "where '#' starts a comment)", where);
			continue;
		}
		why = suppression_parse(text, &one, &bad);
		if (why) {
			diag(c, items[i], "%s: %s%s%s%s", where, why, bad ? ": '" : "",
			     bad ? bad : "", bad ? "'" : "");
			free(bad);
			continue;
		}
		/* A typo in a plain rule id would suppress nothing, silently. */
		if (c->rules.n && !strpbrk(one.rule, "*?[") && !known_rule(c, one.rule)) {
			diag(c, items[i], "%s: no rule '%s' in the catalogs%s", where, one.rule,
			     suggest(buf, sizeof(buf), one.rule, c->rules.v, c->rules.n));
			suppression_free(&one);
			continue;
		}
		conf->suppress = xrealloc(conf->suppress,
					  (conf->nsuppress + 1) * sizeof(*conf->suppress));
		conf->suppress[conf->nsuppress++] = xstrdup(one.text);
		suppression_free(&one);
	}
}

void yconf_check_root(struct ctx *c, const struct ynode *root)
{
	static const char *const keys[] = { "target", "runtime", "packs", "log", "features",
					    "rules", "functions", "suppress", "inject" };
	static void (*const check[])(struct ctx *, const struct ynode *) = {
		check_target, check_runtime, check_packs, check_log, check_features,
		check_rules, check_functions, check_suppress, check_inject,
	};
	const struct ynode *v[NKEYS(keys)];

	if (!root || root->kind == Y_NULL) {
		yconf_diag_at(c, root ? root->line : 1, root ? root->col : 1,
			      "empty configuration: 'target' is required");
		return;
	}
	if (root->kind != Y_MAP) {
		if (root->kind != Y_BAD)
			diag(c, root, "expected a mapping of settings (target:, inject:...), "
			     "found %s", kind_name(root));
		return;
	}
	check_map(c, root, "configuration", keys, NKEYS(keys), v);
	/* Settings apply in the order of keys[], whatever the file's order. */
	for (size_t i = 0; i < NKEYS(keys); i++)
		if (v[i])
			check[i](c, v[i]);
	if (!v[0])
		diag(c, root, "missing 'target' (the driver to check: target: { driver: NAME })");
}
