/*
 * messages.c: the check pass's part for messages: their numbering, the
 * {name} placeholders they carry as arguments, citations, rule ids.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/ddvc.h"

/* Appends m to the pack's messages, numbered in order (its catalog index). */
void msg_add(struct spec *spec, struct msg *m)
{
	check_cites(m->cites);
	if (!spec->msgs_tail)
		spec->msgs_tail = &spec->msgs;
	*spec->msgs_tail = m;
	spec->msgs_tail = &m->next_in_pack;
	m->index = ++spec->nmsgs;
}

/* Adds name to the values m carries, once; false when it carries DDV_MAX_ARGS already. */
bool msg_add_arg(struct msg *m, const char *name)
{
	for (int i = 0; i < m->nargs; i++)
		if (!strcmp(m->args[i], name))
			return true;
	if (m->nargs == DDV_MAX_ARGS)
		return false;
	m->args[m->nargs++] = name;
	return true;
}

/* Position of a placeholder inside a message, for the caret. */
static struct srcpos placeholder_pos(const struct msg *m, const char *at, size_t len)
{
	struct srcpos p = m->pos;

	p.first_column += 1 + (int)(at - m->text);
	p.last_line = p.first_line;
	p.last_column = p.first_column + (int)len + 1;
	return p;
}

/*
 * Collects the {name} placeholders of a message into its arguments; valid()
 * says which names the message may use where it stands. {name:x} shows the
 * value in hex whatever its size (a DMA address below 4 GiB); the decoder
 * reads the format, the record carries the value alone.
 */
void msg_placeholders(struct msg *m, bool (*valid)(void *, const char *), void *arg,
		      const char *known)
{
	for (const char *p = m->text; (p = strchr(p, '{')); p++) {
		const char *end = strchr(p, '}');
		const char *colon;
		char *name;

		if (!end)
			break;
		colon = memchr(p, ':', (size_t)(end - p));
		name = tree_strndup(p + 1, (size_t)((colon ? colon : end) - p - 1));
		if (colon && (end - colon != 2 || colon[1] != 'x')) {
			struct srcpos pos = placeholder_pos(m, p, (size_t)(end - p - 1));

			error_at(&pos, PLACEHOLDER_FORMAT,
				 "'{%.*s}': the one format is ':x' (hex), as in '{%s:x}'",
				 (int)(end - p - 1), p + 1, name);
		} else if (!valid(arg, name)) {
			struct srcpos pos = placeholder_pos(m, p, strlen(name));

			error_at(&pos, UNKNOWN_PLACEHOLDER, "'{%s}' names nothing known here (%s)",
				 name, known);
		} else if (!msg_add_arg(m, name)) {
			struct srcpos pos = placeholder_pos(m, p, strlen(name));

			error_at(&pos, TOO_MANY_ARGS, "a message carries at most %d values",
				 DDV_MAX_ARGS);
		}
		p = end;
	}
}

/* A citation names its source: a Documentation/ file and section, or a kerneldoc. */
void check_cites(const struct cite *c)
{
	for (; c; c = c->next)
		if (!c->text[strspn(c->text, " \t")])
			error_at(&c->pos, BAD_CITE,
				 "an empty citation: cite \"Documentation/FILE.rst: Section\" or \"FILE: function()\"");
}

/* Rule ids well formed and unique, explicit ones first. */
void check_rule_ids(struct spec *spec)
{
	struct strmap ids = { 0 };

	/* Explicit ids first, in order: a derived id that collides is reported on the explicit one. */
	for (struct msg *m = spec->msgs; m; m = m->next_in_pack) {
		struct msg *o;

		if (!m->explicit_id)
			continue;
		if (!*m->rule_id || strspn(m->rule_id, "abcdefghijklmnopqrstuvwxyz0123456789_.-") !=
		    strlen(m->rule_id))
			error_at(&m->id_pos, BAD_RULE_ID,
				 "rule id '%s': use lower-case letters, digits, '.', '-' and '_'",
				 m->rule_id);
		o = strmap_put(&ids, m->rule_id, m);
		if (o)
			error_at(&m->id_pos, DUP_RULE_ID, "rule id '%s' already used at %s",
				 m->rule_id, pos_text(&o->pos));
	}
	for (struct msg *m = spec->msgs; m; m = m->next_in_pack) {
		struct msg *o;

		if (m->explicit_id)
			continue;
		/* Two derived ids collide only with a duplicate symbol, API or scope: reported already. */
		o = strmap_put(&ids, m->rule_id, m);
		if (o && o->explicit_id)
			error_at(&o->id_pos, DUP_RULE_ID,
				 "rule id '%s' is also the derived id of the rule at %s",
				 m->rule_id, pos_text(&m->pos));
	}
}
