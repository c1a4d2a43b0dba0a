/*
 * yamlconf.c: reads a ddv configuration (man/ddv.yaml.5) with libyaml into
 * a tree, has yamlconf_check.c check it and plan the ddv commands it stands
 * for, and shows the diagnostics and the plan.
 *
 * The file becomes a small tree first (libyaml's events, each node with its
 * position), then the schema walks the tree. Two passes, so that every error
 * of the file is found in one run and nothing is planned from half a file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/caret.h"
#include "yamlconf_int.h"

void yconf_diag_at(struct ctx *c, unsigned int line, unsigned int col, const char *fmt, ...)
{
	struct strbuf sb = { 0 };
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sb_puts(&sb, buf);
	c->diags = xrealloc(c->diags, (c->ndiags + 1) * sizeof(*c->diags));
	c->diags[c->ndiags] = (struct diag){ line, col, (unsigned int)c->ndiags, sb.s };
	c->ndiags++;
}

/* ---- the tree, from libyaml's events ---- */

static void node_free(struct ynode *node)
{
	if (!node)
		return;
	for (size_t i = 0; i < node->n; i++)
		node_free(node->items[i]);
	free(node->items);
	free(node->text);
	free(node);
}

static struct ynode *node_new(enum ynode_kind kind, yaml_mark_t mark)
{
	struct ynode *node = xcalloc(1, sizeof(*node));

	node->kind = kind;
	node->line = mark.line + 1;
	node->col = mark.column + 1;
	return node;
}

static void node_add(struct ynode *parent, struct ynode *child)
{
	parent->items = xrealloc(parent->items, (parent->n + 1) * sizeof(*parent->items));
	parent->items[parent->n++] = child;
}

/* libyaml's own complaint, at its position: syntax, encoding, control characters. */
static void syntax_error(struct ctx *c)
{
	yaml_parser_t *p = &c->parser;
	unsigned int line = p->problem_mark.line + 1, col = p->problem_mark.column + 1;
	const char *problem = p->problem ? p->problem : "unreadable YAML";

	if (p->error == YAML_READER_ERROR) {
		/* The reader gives a byte offset, no mark: count lines up to it. */
		line = 1;
		col = 1;
		for (size_t i = 0; i < p->problem_offset && i < c->size; i++) {
			if (c->data[i] == '\n') {
				line++;
				col = 1;
			} else if ((c->data[i] & 0xc0) != 0x80) {
				col++;
			}
		}
		if (p->problem_value != -1)
			yconf_diag_at(c, line, col, "%s (byte 0x%02x)", problem,
				      p->problem_value & 0xff);
		else
			yconf_diag_at(c, line, col, "%s", problem);
	} else if (p->context) {
		yconf_diag_at(c, line, col, "%s %s at %zu:%zu", problem, p->context,
			      p->context_mark.line + 1, p->context_mark.column + 1);
	} else {
		yconf_diag_at(c, line, col, "%s", problem);
	}
	c->fatal = true;
}

static bool next_event(struct ctx *c, yaml_event_t *ev)
{
	if (yaml_parser_parse(&c->parser, ev))
		return true;
	syntax_error(c);
	return false;
}

static bool is_null_word(const char *s)
{
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	       !strcmp(s, "NULL");
}

/* The node that ev starts (ev is consumed); incomplete after a fatal error. */
static struct ynode *build(struct ctx *c, yaml_event_t *ev, unsigned int depth)
{
	yaml_event_type_t end;
	struct ynode *node;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		node = node_new(Y_SCALAR, ev->start_mark);
		node->text = xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		node->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		if (node->plain && is_null_word(node->text))
			node->kind = Y_NULL;
		/* A NUL inside a quoted scalar would cut every later use of the text short. */
		if (strlen(node->text) != ev->data.scalar.length) {
			diag(c, node, "a NUL character inside a value");
			node->kind = Y_BAD;
		}
		yaml_event_delete(ev);
		return node;
	case YAML_ALIAS_EVENT:
		/* Aliases buy nothing in a settings file and cost a walk per use. */
		node = node_new(Y_BAD, ev->start_mark);
		diag(c, node, "aliases (*%s) are not supported: write the value out",
		     (const char *)ev->data.alias.anchor);
		yaml_event_delete(ev);
		return node;
	case YAML_SEQUENCE_START_EVENT:
		node = node_new(Y_SEQ, ev->start_mark);
		end = YAML_SEQUENCE_END_EVENT;
		break;
	case YAML_MAPPING_START_EVENT:
		node = node_new(Y_MAP, ev->start_mark);
		end = YAML_MAPPING_END_EVENT;
		break;
	default:
		node = node_new(Y_BAD, ev->start_mark);
		diag(c, node, "unexpected YAML event %d", ev->type);
		yaml_event_delete(ev);
		c->fatal = true;
		return node;
	}
	yaml_event_delete(ev);
	if (depth >= YCONF_MAX_DEPTH) {
		diag(c, node, "nested deeper than %d levels", YCONF_MAX_DEPTH);
		c->fatal = true;
		return node;
	}
	for (;;) {
		yaml_event_t child;

		if (!next_event(c, &child))
			return node;
		if (child.type == end) {
			yaml_event_delete(&child);
			return node;
		}
		node_add(node, build(c, &child, depth + 1));
		if (c->fatal)
			return node;
	}
}

/* The document's root; NULL for an empty file or after a fatal error. */
static struct ynode *read_tree(struct ctx *c)
{
	struct ynode *root = NULL;
	yaml_event_t ev;

	while (!c->fatal && next_event(c, &ev)) {
		yaml_event_type_t type = ev.type;

		if (type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (type == YAML_DOCUMENT_START_EVENT && root) {
			yconf_diag_at(c, ev.start_mark.line + 1, ev.start_mark.column + 1,
				      "a second YAML document: a configuration is one document");
			yaml_event_delete(&ev);
			c->fatal = true;
			break;
		}
		if (type == YAML_STREAM_START_EVENT || type == YAML_DOCUMENT_START_EVENT ||
		    type == YAML_DOCUMENT_END_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		root = build(c, &ev, 0);
	}
	return root;
}

static int diag_cmp(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

unsigned int yconf_parse(struct yconf *conf, const char *file, const void *data, size_t size,
			 const struct catalog *cat)
{
	struct ctx c = { .conf = conf, .cat = cat, .data = data, .size = size };
	struct ynode *root = NULL;

	memset(conf, 0, sizeof(*conf));
	conf->file = xstrdup(file);
	if (size > YCONF_MAX_SIZE) {
		yconf_diag_at(&c, 1, 1, "%zu bytes: a configuration is at most %d bytes", size,
			      YCONF_MAX_SIZE);
	} else {
		yconf_gather_names(&c);
		if (!yaml_parser_initialize(&c.parser)) {
			ddv_error(ENOMEM, "libyaml");
			exit(EXIT_ERROR);
		}
		yaml_parser_set_input_string(&c.parser, data, size);
		root = read_tree(&c);
		yaml_parser_delete(&c.parser);
		if (!c.fatal)
			yconf_check_root(&c, root);
	}
	if (c.ndiags)
		qsort(c.diags, c.ndiags, sizeof(*c.diags), diag_cmp);
	for (size_t i = 0; i < c.ndiags; i++) {
		/* A file of a thousand mistakes is fixed from its first ones. */
		if (i < YCONF_MAX_SHOWN) {
			conf->error_at = xrealloc(conf->error_at, (conf->nerror_at + 1) *
						  sizeof(*conf->error_at));
			conf->error_at[conf->nerror_at++] = (struct yconf_error_at){
				conf->errors.len, c.diags[i].line, c.diags[i].col
			};
			sb_printf(&conf->errors, "%s:%u:%u: error: %s\n", file, c.diags[i].line,
				  c.diags[i].col, c.diags[i].msg);
		}
		free(c.diags[i].msg);
	}
	if (c.ndiags > YCONF_MAX_SHOWN)
		sb_printf(&conf->errors, "%s: error: %zu more errors not shown\n", file,
			  c.ndiags - YCONF_MAX_SHOWN);
	conf->nerrors = c.ndiags;
	free(c.diags);
	free(c.funcs.v);
	free(c.rules.v);
	free(c.packs.v);
	sb_free(&c.plan_words);
	node_free(root);
	return conf->nerrors;
}

unsigned int yconf_load(struct yconf *conf, const char *file, const struct catalog *cat)
{
	unsigned int n;
	size_t size;
	void *data;
	int err;

	err = read_whole_file(file, &data, &size);
	if (err) {
		memset(conf, 0, sizeof(*conf));
		conf->file = xstrdup(file);
		sb_printf(&conf->errors, "%s: error: %s\n", file, strerror(err < 0 ? -err : err));
		conf->nerrors = 1;
		return 1;
	}
	n = yconf_parse(conf, file, data, size, cat);
	free(data);
	return n;
}

void yconf_print_errors(const struct yconf *conf, const void *data, size_t size, FILE *out)
{
	/* Columns count characters; a long line or one with control characters is not shown. */
	static const struct caret_style style = { .utf8 = true, .hide_control = true,
						  .max_len = 200, .end_line = true };
	const char *e = conf->errors.s;
	size_t next = 0;

	while (e && *e) {
		const char *eol = strchr(e, '\n');
		const struct yconf_error_at *at = next < conf->nerror_at &&
			conf->error_at[next].offset == (size_t)(e - conf->errors.s) ?
			&conf->error_at[next++] : NULL;

		fprintf(out, "%.*s\n", (int)(eol - e), e);
		/* FILE:LINE:COL: ...: the file's line, then a caret under the column. */
		if (at && data)
			caret_print(out, &style, data, size, at->line, at->col, 0);
		e = eol + 1;
	}
}

/* A word as a shell reads it back. */
static void shell_word(struct strbuf *out, const char *w)
{
	bool plain = *w;

	for (const char *p = w; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			    "_./:=,+-@%", *p))
			plain = false;
	sb_puts(out, " ");
	if (plain) {
		sb_puts(out, w);
		return;
	}
	sb_puts(out, "'");
	for (const char *p = w; *p; p++)
		sb_puts(out, *p == '\'' ? "'\\''" : (char[2]){ *p, 0 });
	sb_puts(out, "'");
}

void yconf_plan_text(const struct yconf *conf, struct strbuf *out)
{
	if (conf->npacks) {
		sb_puts(out, "# packs:");
		for (size_t i = 0; i < conf->npacks; i++)
			shell_word(out, conf->packs[i]);
		sb_puts(out, "\n");
	}
	sb_puts(out, "ddv start");
	if (conf->modules_dir) {
		sb_puts(out, " --modules");
		shell_word(out, conf->modules_dir);
	}
	for (int i = 0; i < conf->nruntime_params; i++)
		shell_word(out, conf->runtime_params[i]);
	sb_puts(out, "\n");
	for (size_t i = 0; i < conf->nsteps; i++) {
		sb_puts(out, "ddv");
		for (int a = 0; a < conf->steps[i].argc; a++)
			shell_word(out, conf->steps[i].argv[a]);
		sb_puts(out, "\n");
	}
	sb_puts(out, "ddv load");
	if (conf->load_timeout)
		sb_printf(out, " --timeout %lu", conf->load_timeout);
	if (conf->driver_with && *conf->driver_with) {
		sb_puts(out, " --with");
		shell_word(out, conf->driver_with);
	} else if (conf->driver_with) {
		sb_puts(out, " --alone");
	}
	shell_word(out, conf->driver ? conf->driver : "?");
	for (int i = 0; i < conf->ndriver_params; i++)
		shell_word(out, conf->driver_params[i]);
	sb_puts(out, "\n");
	for (size_t i = 0; i < conf->nsuppress; i++) {
		sb_puts(out, "# ddv report --suppress");
		shell_word(out, conf->suppress[i]);
		sb_puts(out, "  (kept for ddv report)\n");
	}
}

static void free_words(char **words, int n)
{
	for (int i = 0; i < n; i++)
		free(words[i]);
	free(words);
}

void yconf_free(struct yconf *conf)
{
	free(conf->file);
	free(conf->driver);
	free_words(conf->driver_params, conf->ndriver_params);
	free(conf->driver_with);
	free(conf->modules_dir);
	free_words(conf->runtime_params, conf->nruntime_params);
	free_words(conf->packs, (int)conf->npacks);
	for (size_t i = 0; i < conf->nsteps; i++)
		free_words(conf->steps[i].argv, conf->steps[i].argc);
	free(conf->steps);
	free_words(conf->suppress, (int)conf->nsuppress);
	sb_free(&conf->errors);
	free(conf->error_at);
	memset(conf, 0, sizeof(*conf));
}
