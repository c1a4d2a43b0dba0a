/*
 * catalog.c: the catalogs of the packs (the names ddvc writes into each pack
 * module, packcat.c) and the runtime's own messages (runtime_msgs.h, compiled
 * in as pack "ddv").
 *
 * A catalog is line oriented:
 *	# ddv message catalog 1
 *	pack linux 1.0
 *	type <idx> <name> fields=<a,b|-> states=<S1,S2|->
 *	func <idx> <symbol> <api> <file:line:col> args=<n1,n2|-> ret=<ptr|int|void|u64>
 *	msg <idx> <rule-id> <error|warning|note> <file:line:col> args=<n1,n2|-> <text to end of line>
 * A bad line is reported as file:line: error: ... and skipped; the rest still loads.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ddv/limits.h>
#include <ddv/runtime_msgs.h>

#include "catalog.h"
#include "util.h"

#define CATALOG_MAGIC "# ddv message catalog "
#define CATALOG_MAX_INDEX 65535	/* indices are u16 in the records */

struct parse_state {
	struct catalog *cat;
	const char *source;
	unsigned int line;
	struct cat_pack *pack;
	int errors;
};

static void parse_error(struct parse_state *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void parse_error(struct parse_state *ps, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%u: error: ", ps->source, ps->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	ps->errors++;
}

static struct cat_pack *new_pack(struct catalog *cat, const char *name, const char *version,
				 const char *source)
{
	struct cat_pack *pack = xcalloc(1, sizeof(*pack));

	pack->name = xstrdup(name);
	pack->version = xstrdup(version);
	pack->source = xstrdup(source);
	cat->packs = xrealloc(cat->packs, (cat->npacks + 1) * sizeof(*cat->packs));
	cat->packs[cat->npacks++] = pack;
	return pack;
}

static void free_names(char **names, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static void free_pack(struct cat_pack *pack)
{
	for (unsigned int i = 0; i < pack->ntypes; i++) {
		free(pack->types[i].name);
		free_names(pack->types[i].fields, pack->types[i].nfields);
		free_names(pack->types[i].states, pack->types[i].nstates);
	}
	for (unsigned int i = 0; i < pack->nfuncs; i++) {
		free(pack->funcs[i].symbol);
		free(pack->funcs[i].api);
		free(pack->funcs[i].pos.file);
		free_names(pack->funcs[i].args, pack->funcs[i].nargs);
		free(pack->funcs[i].ret);
	}
	for (unsigned int i = 0; i < pack->nmsgs; i++) {
		free(pack->msgs[i].rule_id);
		free(pack->msgs[i].pos.file);
		free_names(pack->msgs[i].args, pack->msgs[i].nargs);
		free(pack->msgs[i].text);
	}
	free(pack->types);
	free(pack->funcs);
	free(pack->msgs);
	free(pack->name);
	free(pack->version);
	free(pack->source);
	free(pack);
}

/* Splits "a,b,c" (or "-" for none) into names. */
static char **split_names(const char *list, unsigned int *n)
{
	char **names = NULL;
	const char *p = list;

	*n = 0;
	if (!strcmp(list, "-") || !*list)
		return NULL;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		names = xrealloc(names, (*n + 1) * sizeof(*names));
		names[(*n)++] = xstrndup(p, len);
		if (!comma)
			break;
		p = comma + 1;
	}
	return names;
}

/* Takes the next space-separated word of *p; NULL at the end of the line. */
static char *next_word(char **p)
{
	char *start = *p, *end;

	while (*start == ' ' || *start == '\t')
		start++;
	if (!*start)
		return NULL;
	end = start;
	while (*end && *end != ' ' && *end != '\t')
		end++;
	if (*end)
		*end++ = '\0';
	*p = end;
	return start;
}

static bool parse_index(struct parse_state *ps, const char *word, unsigned int *idx)
{
	char *end;
	unsigned long v;

	if (!word) {
		parse_error(ps, "missing index");
		return false;
	}
	errno = 0;
	v = strtoul(word, &end, 10);
	if (*end || errno || v > CATALOG_MAX_INDEX || word[0] == '-') {
		parse_error(ps, "bad index '%s'", word);
		return false;
	}
	*idx = v;
	return true;
}

static bool parse_pos(struct parse_state *ps, const char *word, struct cat_pos *pos)
{
	const char *c2, *c1;
	char *end;

	if (!word)
		goto bad;
	c2 = strrchr(word, ':');
	if (!c2 || c2 == word)
		goto bad;
	for (c1 = c2 - 1; c1 > word && *c1 != ':'; c1--)
		;
	if (*c1 != ':' || c1 == word)
		goto bad;
	pos->line = strtoul(c1 + 1, &end, 10);
	if (end != c2 || end == c1 + 1)
		goto bad;
	pos->col = strtoul(c2 + 1, &end, 10);
	if (*end || end == c2 + 1)
		goto bad;
	pos->file = xstrndup(word, c1 - word);
	return true;
bad:
	parse_error(ps, "bad position '%s' (want file:line:col)", word ? word : "");
	return false;
}

/* "key=value": returns value, or NULL with a diagnostic. */
static const char *keyed(struct parse_state *ps, const char *word, const char *key)
{
	size_t len = strlen(key);

	if (!word || strncmp(word, key, len) || word[len] != '=') {
		parse_error(ps, "expected %s=...", key);
		return NULL;
	}
	return word + len + 1;
}

/* Grows an index-addressed array to hold idx; returns false if idx is taken. */
#define SLOT(ps, arr, n, idx, taken_field)						\
	({										\
		bool ok_ = true;							\
		if ((idx) >= (n)) {							\
			(arr) = xrealloc((arr), ((idx) + 1) * sizeof(*(arr)));		\
			memset(&(arr)[(n)], 0, ((idx) + 1 - (n)) * sizeof(*(arr)));	\
			(n) = (idx) + 1;						\
		} else if ((arr)[idx].taken_field) {					\
			parse_error((ps), "index %u given twice", (idx));		\
			ok_ = false;							\
		}									\
		ok_;									\
	})

static void parse_type(struct parse_state *ps, char *rest)
{
	const char *name, *fields, *states;
	struct cat_type *t;
	unsigned int idx;

	if (!parse_index(ps, next_word(&rest), &idx))
		return;
	name = next_word(&rest);
	if (!name) {
		parse_error(ps, "type without a name");
		return;
	}
	fields = keyed(ps, next_word(&rest), "fields");
	if (!fields)
		return;
	states = keyed(ps, next_word(&rest), "states");
	if (!states)
		return;
	if (!SLOT(ps, ps->pack->types, ps->pack->ntypes, idx, name))
		return;
	t = &ps->pack->types[idx];
	t->name = xstrdup(name);
	t->fields = split_names(fields, &t->nfields);
	t->states = split_names(states, &t->nstates);
}

static void parse_func(struct parse_state *ps, char *rest)
{
	const char *symbol, *api, *args, *ret;
	struct cat_pos pos;
	struct cat_func *f;
	unsigned int idx;

	if (!parse_index(ps, next_word(&rest), &idx))
		return;
	symbol = next_word(&rest);
	api = next_word(&rest);
	if (!symbol || !api) {
		parse_error(ps, "func needs a symbol and an API name");
		return;
	}
	if (!parse_pos(ps, next_word(&rest), &pos))
		return;
	args = keyed(ps, next_word(&rest), "args");
	ret = args ? keyed(ps, next_word(&rest), "ret") : NULL;
	if (!args || !ret || !SLOT(ps, ps->pack->funcs, ps->pack->nfuncs, idx, symbol)) {
		free(pos.file);
		return;
	}
	f = &ps->pack->funcs[idx];
	f->symbol = xstrdup(symbol);
	f->api = xstrdup(api);
	f->pos = pos;
	f->args = split_names(args, &f->nargs);
	f->ret = xstrdup(ret);
}

static void parse_msg(struct parse_state *ps, char *rest)
{
	const char *rule, *sev, *args;
	enum cat_severity severity;
	struct cat_pos pos;
	struct cat_msg *m;
	unsigned int idx;

	if (!parse_index(ps, next_word(&rest), &idx))
		return;
	rule = next_word(&rest);
	sev = next_word(&rest);
	if (!rule || !sev) {
		parse_error(ps, "msg needs a rule id and a severity");
		return;
	}
	if (!strcmp(sev, "error")) {
		severity = CAT_ERROR;
	} else if (!strcmp(sev, "warning")) {
		severity = CAT_WARNING;
	} else if (!strcmp(sev, "note")) {
		severity = CAT_NOTE;
	} else {
		parse_error(ps, "bad severity '%s' (error, warning or note)", sev);
		return;
	}
	if (!parse_pos(ps, next_word(&rest), &pos))
		return;
	args = keyed(ps, next_word(&rest), "args");
	if (!args || !SLOT(ps, ps->pack->msgs, ps->pack->nmsgs, idx, rule_id)) {
		free(pos.file);
		return;
	}
	while (*rest == ' ' || *rest == '\t')
		rest++;
	m = &ps->pack->msgs[idx];
	m->rule_id = xstrdup(rule);
	m->severity = severity;
	m->pos = pos;
	m->args = split_names(args, &m->nargs);
	m->text = xstrdup(rest);
}

static void parse_line(struct parse_state *ps, char *line)
{
	char *rest = line, *kind;

	kind = next_word(&rest);
	if (!kind)
		return;
	if (!strcmp(kind, "pack")) {
		const char *name = next_word(&rest), *version = next_word(&rest);

		if (!name || !version) {
			parse_error(ps, "pack needs a name and a version");
			return;
		}
		if (catalog_pack(ps->cat, name)) {
			parse_error(ps, "pack '%s' is loaded already", name);
			ps->pack = NULL;
			return;
		}
		ps->pack = new_pack(ps->cat, name, version, ps->source);
		return;
	}
	if (!strcmp(kind, "type") || !strcmp(kind, "func") || !strcmp(kind, "msg")) {
		if (!ps->pack) {
			parse_error(ps, "'%s' before any (valid) pack line", kind);
			return;
		}
		if (kind[0] == 't')
			parse_type(ps, rest);
		else if (kind[0] == 'f')
			parse_func(ps, rest);
		else
			parse_msg(ps, rest);
		return;
	}
	parse_error(ps, "unknown line '%s'", kind);
}

/* Parses a catalog's text; returns 0, or -EINVAL after reporting each bad line. */
int catalog_parse(struct catalog *cat, const char *text, const char *source)
{
	struct parse_state ps = { .cat = cat, .source = source };
	const char *p = text;
	bool header = false;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		size_t line_len = len && p[len - 1] == '\r' ? len - 1 : len;
		char *line = xstrndup(p, line_len);

		ps.line++;
		if (!header && !strncmp(line, CATALOG_MAGIC, strlen(CATALOG_MAGIC))) {
			int format = atoi(line + strlen(CATALOG_MAGIC));

			header = true;
			if (format != DDV_CATALOG_FORMAT) {
				parse_error(&ps, "catalog format %d, this ddv reads %d", format,
					    DDV_CATALOG_FORMAT);
				free(line);
				return -EINVAL;
			}
		} else if (line[0] == '#' || !line[0]) {
			/* comment */
		} else if (!header) {
			parse_error(&ps, "not a ddv message catalog (no '%s%d' line)",
				    CATALOG_MAGIC, DDV_CATALOG_FORMAT);
			free(line);
			return -EINVAL;
		} else if (memchr(line, '\0', line_len)) {
			parse_error(&ps, "NUL byte in line");
		} else {
			parse_line(&ps, line);
		}
		free(line);
		p += len + (nl ? 1 : 0);
	}
	if (!header) {
		ps.line = 0;
		parse_error(&ps, "empty catalog");
		return -EINVAL;
	}
	return ps.errors ? -EINVAL : 0;
}

/* The runtime's messages, from the same X-macro list ddv.ko is built from. */
#define SEV_ERROR CAT_ERROR
#define SEV_WARNING CAT_WARNING
#define SEV_NOTE CAT_NOTE
static const struct {
	const char *rule_id;
	enum cat_severity severity;
	const char *text;
	unsigned int nargs;
	const char *const *args;	/* args[0] is a placeholder: names start at 1 */
} runtime_msgs[] = {
#define DDV_RT_MSG(name, rule, sev, txt, n, ...) \
	{ rule, SEV_##sev, txt, n, (const char *const[]){ NULL, ##__VA_ARGS__ } },
#include <ddv/runtime_msgs.h>
#undef DDV_RT_MSG
};

void catalog_init(struct catalog *cat)
{
	struct cat_pack *pack;
	unsigned int n = sizeof(runtime_msgs) / sizeof(runtime_msgs[0]);

	memset(cat, 0, sizeof(*cat));
	pack = new_pack(cat, CATALOG_RUNTIME_PACK, "1", "(built in)");
	pack->msgs = xcalloc(n, sizeof(*pack->msgs));
	pack->nmsgs = n;
	/* Index 0 is the reserved "no message": left empty so no record decodes to it. */
	for (unsigned int i = 1; i < n; i++) {
		struct cat_msg *m = &pack->msgs[i];

		m->rule_id = xstrdup(runtime_msgs[i].rule_id);
		m->severity = runtime_msgs[i].severity;
		m->pos.file = xstrdup("ddv.ko");
		m->text = xstrdup(runtime_msgs[i].text);
		m->nargs = runtime_msgs[i].nargs;
		m->args = xcalloc(m->nargs, sizeof(*m->args));
		for (unsigned int a = 0; a < m->nargs; a++)
			m->args[a] = xstrdup(runtime_msgs[i].args[a + 1]);
	}
}

struct cat_pack *catalog_pack(const struct catalog *cat, const char *name)
{
	for (unsigned int i = 0; i < cat->npacks; i++)
		if (!strcmp(cat->packs[i]->name, name))
			return cat->packs[i];
	return NULL;
}

const struct cat_msg *catalog_msg(const struct cat_pack *pack, unsigned int idx)
{
	if (!pack || idx >= pack->nmsgs || !pack->msgs[idx].rule_id)
		return NULL;
	return &pack->msgs[idx];
}

const struct cat_func *catalog_func(const struct cat_pack *pack, unsigned int idx)
{
	if (!pack || idx >= pack->nfuncs || !pack->funcs[idx].symbol)
		return NULL;
	return &pack->funcs[idx];
}

const struct cat_type *catalog_type(const struct cat_pack *pack, unsigned int idx)
{
	if (!pack || idx >= pack->ntypes || !pack->types[idx].name)
		return NULL;
	return &pack->types[idx];
}

/* Every exported symbol the catalogs' packs probe. */
void catalog_probed_symbols(const struct catalog *cat, struct symset *set)
{
	for (unsigned int p = 0; p < cat->npacks; p++)
		for (unsigned int i = 0; i < cat->packs[p]->nfuncs; i++)
			if (cat->packs[p]->funcs[i].symbol)
				symset_add(set, cat->packs[p]->funcs[i].symbol);
}

const char *cat_severity_name(enum cat_severity sev)
{
	switch (sev) {
	case CAT_ERROR:
		return "error";
	case CAT_WARNING:
		return "warning";
	default:
		return "note";
	}
}

void catalog_free(struct catalog *cat)
{
	for (unsigned int i = 0; i < cat->npacks; i++)
		free_pack(cat->packs[i]);
	free(cat->packs);
	memset(cat, 0, sizeof(*cat));
}
