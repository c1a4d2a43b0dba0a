/*
 * emit_lookups.h: the object lookups a rule makes, and the runs of rules that
 * share them (emit_lookups.c), for the wrapper emitter (emit_c.c).
 */
#ifndef DDVC_EMIT_LOOKUPS_H
#define DDVC_EMIT_LOOKUPS_H

#include "compiler/ddvc.h"

/* The lookups one statement needs, numbered in the order the expression walk meets them. */
struct lookups {
	struct expr *e[DDVC_MAX_LOOKUPS];
	int n;
	bool overflow;
};

/*
 * The objects a run of checks and requires reads, each looked up once: the
 * statements change no object, so a second lookup of the same type and key
 * in the same call would answer what the first did. Only keys of plain C
 * (no predicate call, no stored field) are shared; key is the key's C.
 */
struct shared_lookups {
	struct {
		const struct type_decl *type;
		char *key;
		bool copy;	/* some statement reads a field: the lookup copies the object */
		bool done;	/* emitted already, by an earlier statement of the run */
	} o[DDVC_MAX_LOOKUPS];
	int n;
	/*
	 * The run's last statement may be an if whose condition is one of its
	 * objects (`require T[k]; if T[k] { check T[k].f ...; destroy T[k]; }`):
	 * its test and the checks that open its body share the lookups too;
	 * body_rest is the first statement of the body after them.
	 */
	struct stmt *if_stmt;
	struct stmt *body_rest;
};

void collect(struct lookups *l, struct expr *e);
struct expr *obj_of(struct expr *e);
int shared_slot(struct shared_lookups *sh, const struct expr *e, bool add);
bool is_check_stmt(const struct stmt *s);
bool check_run(struct stmt *s, struct shared_lookups *sh, struct stmt **end);

/*
 * Chains of ifs whose tests start with a lookup (emit_lookups.c): a link's
 * type (or NULL: s is no link), the number of links s starts (*last the
 * innermost), and whether any chain of two links or more lies under s.
 */
struct type_decl *chain_link(const struct stmt *s);
int chain_len(const struct stmt *s, const struct stmt **last);
bool chains_any(const struct stmt *s);

#endif
